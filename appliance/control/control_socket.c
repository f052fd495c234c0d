/* SPDX-License-Identifier: BSD-3-Clause */
/* The control socket server (see control_socket.h). */
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "core/log.h"
#include "control/cmd.h"
#include "control/control_socket.h"

NFVA_LOG_REGISTER(control)

#define MAX_CLIENTS 16
#define MAX_LINE (64 * 1024)

struct client {
	int fd;
	size_t len;
	char buf[MAX_LINE];
};

static int listen_fd = -1;
static char socket_path[PATH_MAX];
static struct client *clients[MAX_CLIENTS];

/* Create the socket's directory (e.g. /run/nfva) if it is missing. */
static void ensure_parent_dir(const char *path)
{
	char dir[PATH_MAX];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (slash == NULL || slash == dir)
		return;
	*slash = '\0';
	if (mkdir(dir, 0755) < 0 && errno != EEXIST)
		NFVA_LOG(WARNING, "mkdir %s: %s", dir, strerror(errno));
}

/* True when a live daemon already answers on path (then we must not take it). */
static bool socket_in_use(const struct sockaddr_un *addr)
{
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return false;
	bool live = connect(fd, (const struct sockaddr *)addr, sizeof(*addr)) == 0;
	close(fd);
	return live;
}

int control_socket_open(const char *path, mode_t mode)
{
	struct sockaddr_un addr = { .sun_family = AF_UNIX };

	if (strlen(path) >= sizeof(addr.sun_path))
		return errno_log(ENAMETOOLONG, path);
	snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
	ensure_parent_dir(path);
	if (socket_in_use(&addr)) {
		NFVA_LOG(ERR, "%s: another nfva is running on this socket", path);
		return -EADDRINUSE;
	}
	listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (listen_fd < 0)
		return errno_log(errno, "socket");
	unlink(path); /* a stale socket from a previous run */
	mode_t old = umask(0177);
	int ret = bind(listen_fd, (struct sockaddr *)&addr, sizeof(addr));
	umask(old);
	if (ret < 0 || chmod(path, mode) < 0 || listen(listen_fd, 16) < 0) {
		ret = errno_log(errno, path);
		close(listen_fd);
		listen_fd = -1;
		return ret;
	}
	snprintf(socket_path, sizeof(socket_path), "%s", path);
	NFVA_LOG(INFO, "control socket %s (mode %04o)", path, mode);
	return 0;
}

static void client_close(unsigned i)
{
	close(clients[i]->fd);
	free(clients[i]);
	clients[i] = NULL;
}

void control_socket_close(void)
{
	for (unsigned i = 0; i < MAX_CLIENTS; i++)
		if (clients[i] != NULL)
			client_close(i);
	if (listen_fd >= 0) {
		close(listen_fd);
		unlink(socket_path);
	}
	listen_fd = -1;
}

static void accept_client(void)
{
	int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return;
	for (unsigned i = 0; i < MAX_CLIENTS; i++) {
		if (clients[i] != NULL)
			continue;
		clients[i] = calloc(1, sizeof(*clients[i]));
		if (clients[i] == NULL)
			break;
		clients[i]->fd = fd;
		return;
	}
	NFVA_LOG(WARNING, "too many control clients, refusing one");
	close(fd);
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -errno;
		buf += n;
		len -= n;
	}
	return 0;
}

/* Replies are written in blocking mode: clients are local and replies may be
 * large (a million FDB entries). */
static int answer_line(int fd, const char *line)
{
	struct cmd_reply reply;
	int status = cmd_execute(line, &reply);
	json_t *j = cmd_reply_to_json(&reply, status);
	char *text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (text == NULL)
		return -ENOMEM;
	/* The command itself is not logged: it may carry secrets (LISP keys). */
	NFVA_LOG(DEBUG, "command %.*s... -> %s", (int)strcspn(line, " "), line,
			status < 0 ? reply.error : "ok");
	int ret = write_all(fd, text, strlen(text));
	free(text);
	return ret == 0 ? write_all(fd, "\n", 1) : ret;
}

/* Returns false when the client must be closed. */
static bool serve_client(struct client *c)
{
	ssize_t n = read(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
	if (n <= 0)
		return false;
	c->len += n;
	c->buf[c->len] = '\0';
	char *nl;
	while ((nl = memchr(c->buf, '\n', c->len)) != NULL) {
		*nl = '\0';
		if (answer_line(c->fd, c->buf) < 0)
			return false;
		size_t used = nl + 1 - c->buf;
		memmove(c->buf, nl + 1, c->len - used);
		c->len -= used;
	}
	return c->len < sizeof(c->buf) - 1; /* a line longer than the buffer: hang up */
}

void control_socket_poll(int timeout_ms)
{
	struct pollfd fds[MAX_CLIENTS + 1];
	unsigned idx[MAX_CLIENTS + 1];
	nfds_t n = 0;

	if (listen_fd >= 0) {
		fds[n] = (struct pollfd){ .fd = listen_fd, .events = POLLIN };
		idx[n++] = MAX_CLIENTS;
	}
	for (unsigned i = 0; i < MAX_CLIENTS; i++) {
		if (clients[i] == NULL)
			continue;
		fds[n] = (struct pollfd){ .fd = clients[i]->fd, .events = POLLIN };
		idx[n++] = i;
	}
	if (poll(fds, n, timeout_ms) <= 0)
		return;
	for (nfds_t k = 0; k < n; k++) {
		if (fds[k].revents == 0)
			continue;
		if (idx[k] == MAX_CLIENTS)
			accept_client();
		else if (!serve_client(clients[idx[k]]))
			client_close(idx[k]);
	}
}
