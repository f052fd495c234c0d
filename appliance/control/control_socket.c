/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The control socket server (see control_socket.h). Nothing here blocks the
 * control thread: client sockets are non-blocking, each reply goes to the
 * client's own output buffer and leaves as the client reads, a streamed
 * reply (cmd_stream) is produced only while that buffer is nearly empty,
 * and a client does not get its next command read until its reply is out.
 * A client that stops reading, or never sends, holds only its own slot:
 * after CLIENT_IDLE_MS without progress it is closed, and when every slot is
 * taken the client idle the longest makes room for a new one.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "control/cmd.h"
#include "control/stats.h"
#include "control/control_socket.h"
#include "core/log.h"

NFVA_LOG_REGISTER(control)

#define MAX_CLIENTS 16
#define MAX_LINE (64 * 1024)
#define OUT_LOW_WATER (256 * 1024) /* produce more of a stream below this */
#define STREAM_ITEMS 512           /* items of a stream produced per step */
#define TURN_STEPS 8               /* steps a client gets per poll iteration */
#define CLIENT_IDLE_MS (60 * 1000) /* no byte in or out for this long: closed */
#define EVICT_IDLE_MS 1000         /* a full house makes room from clients idle this long */

struct client {
	int fd;
	uint64_t active_ms; /* last byte read or written */
	size_t len;         /* input bytes waiting in buf */
	char *out;          /* reply bytes not written yet: out[out_off..out_len) */
	size_t out_len, out_off, out_cap;
	struct cmd_stream stream; /* a reply still being produced */
	bool stream_first;        /* no item written yet */
	char buf[MAX_LINE];
};

static int listen_fd = -1;
static char socket_path[PATH_MAX];
static struct client *clients[MAX_CLIENTS];
static uint64_t clients_evicted, clients_timed_out;

/* How promptly the control thread answers: a turn is the time it spends
 * away from the socket (periodic tasks, punted frames, offload requests);
 * past SLOW_MS, a turn or a command is counted and logged. */
#define SLOW_MS 50
static struct {
	uint64_t poll_end_ms; /* 0 before the first poll */
	uint64_t away_max_ms, slow_turns;
	uint64_t cmd_max_ms, slow_cmds;
	char cmd_max_word[24]; /* the slowest command's first word */
} timing;

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

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

/* A stale socket of a previous run may go; anything else at path stays. */
static int remove_stale(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : errno_log(errno, path);
	if (!S_ISSOCK(st.st_mode)) {
		NFVA_LOG(ERR, "%s exists and is not a socket: not removing it", path);
		return -EEXIST;
	}
	return unlink(path) < 0 ? errno_log(errno, path) : 0;
}

/* Bind with the mode given (umask, no chmod: chmod would follow a link). */
static int bind_listen(const struct sockaddr_un *addr, mode_t mode)
{
	listen_fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (listen_fd < 0)
		return errno_log(errno, "socket");
	mode_t old = umask(~mode & 0777);
	int ret = bind(listen_fd, (const struct sockaddr *)addr, sizeof(*addr));
	umask(old);
	if (ret < 0 || listen(listen_fd, MAX_CLIENTS) < 0) {
		ret = errno_log(errno, addr->sun_path);
		close(listen_fd);
		listen_fd = -1;
	}
	return ret;
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
	int ret = remove_stale(path);
	if (ret == 0)
		ret = bind_listen(&addr, mode);
	if (ret < 0)
		return ret;
	if (mode & 0022)
		NFVA_LOG(WARNING,
				"control socket %s is writable by group or others (mode %04o): "
				"they can reconfigure the appliance",
				path, mode);
	snprintf(socket_path, sizeof(socket_path), "%s", path);
	NFVA_LOG(INFO, "control socket %s (mode %04o)", path, mode);
	return 0;
}

static void client_close(unsigned i)
{
	cmd_stream_free(&clients[i]->stream);
	close(clients[i]->fd);
	free(clients[i]->out);
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

/* A free slot, or the one of the client idle the longest (if idle enough). */
static int client_slot(uint64_t now)
{
	int idlest = -1;
	for (unsigned i = 0; i < MAX_CLIENTS; i++) {
		if (clients[i] == NULL)
			return (int)i;
		if (idlest < 0 || clients[i]->active_ms < clients[idlest]->active_ms)
			idlest = (int)i;
	}
	if (now - clients[idlest]->active_ms < EVICT_IDLE_MS)
		return -1;
	NFVA_LOG(WARNING, "control clients: closing one idle for %lu ms to serve a new one",
			(unsigned long)(now - clients[idlest]->active_ms));
	clients_evicted++;
	client_close((unsigned)idlest);
	return idlest;
}

/* Take one pending connection; it counts as active at `now`, the instant the
 * rest of this poll iteration measures idleness against. */
static void accept_client(uint64_t now)
{
	int fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	int i = client_slot(now);
	if (i >= 0 && (clients[i] = calloc(1, sizeof(*clients[i]))) != NULL) {
		clients[i]->fd = fd;
		clients[i]->active_ms = now;
		return;
	}
	NFVA_LOG(WARNING, "too many busy control clients, refusing one");
	close(fd);
}

static int out_append(struct client *c, const char *data, size_t len)
{
	if (c->out_len + len > c->out_cap) {
		size_t cap = c->out_cap ? c->out_cap : 4096;
		while (cap < c->out_len + len)
			cap *= 2;
		char *out = realloc(c->out, cap);
		if (out == NULL)
			return -ENOMEM;
		c->out = out;
		c->out_cap = cap;
	}
	memcpy(c->out + c->out_len, data, len);
	c->out_len += len;
	return 0;
}

static int out_json(struct client *c, json_t *j)
{
	char *text = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
	if (text == NULL)
		return -ENOMEM;
	int ret = out_append(c, text, strlen(text));
	free(text);
	return ret;
}

static void note_command(const char *line, uint64_t ms)
{
	int word = (int)strcspn(line, " ");
	if (ms > timing.cmd_max_ms) {
		timing.cmd_max_ms = ms;
		snprintf(timing.cmd_max_word, sizeof(timing.cmd_max_word), "%.*s", word, line);
	}
	if (ms > SLOW_MS) {
		timing.slow_cmds++;
		NFVA_LOG(WARNING, "command %.*s... took %" PRIu64 " ms", word, line, ms);
	}
}

static void note_turn(uint64_t start_ms)
{
	if (timing.poll_end_ms == 0)
		return;
	uint64_t away = start_ms - timing.poll_end_ms;
	if (away > timing.away_max_ms)
		timing.away_max_ms = away;
	if (away > SLOW_MS) {
		timing.slow_turns++;
		NFVA_LOG(WARNING, "control thread away from its socket for %" PRIu64 " ms", away);
	}
}

/* Queue the answer to one line (a stream only starts here). */
static int answer_line(struct client *c, const char *line)
{
	struct cmd_reply reply;
	uint64_t t0 = now_ms();
	int status = cmd_execute(line, &reply);
	note_command(line, now_ms() - t0);

	/* The command itself is not logged: it may carry secrets (LISP keys). */
	NFVA_LOG(DEBUG, "command %.*s... -> %s", (int)strcspn(line, " "), line,
			status < 0 ? reply.error : "ok");
	if (status == 0 && reply.stream.next != NULL) {
		c->stream = reply.stream;
		c->stream_first = true;
		json_decref(reply.result);
		static const char head[] = "{\"status\":\"ok\",\"result\":[";
		return out_append(c, head, sizeof(head) - 1);
	}
	json_t *j = cmd_reply_to_json(&reply, status);
	int ret = out_json(c, j);
	json_decref(j);
	return ret == 0 ? out_append(c, "\n", 1) : ret;
}

/* Produce the next items of the client's stream, or its end. */
static int stream_more(struct client *c)
{
	json_t *items = json_array();
	size_t i;
	json_t *item;
	int ret = 0;

	if (items == NULL)
		return -ENOMEM;
	unsigned n = c->stream.next(c->stream.state, items, STREAM_ITEMS);
	json_array_foreach(items, i, item) {
		if (ret == 0 && !c->stream_first)
			ret = out_append(c, ",", 1);
		if (ret == 0)
			ret = out_json(c, item);
		c->stream_first = false;
	}
	json_decref(items);
	if (ret == 0 && n == 0) {
		cmd_stream_free(&c->stream);
		ret = out_append(c, "]}\n", 3);
	}
	return ret;
}

/* Write what the socket takes; false when the client must be closed. */
static bool flush_out(struct client *c, uint64_t now)
{
	while (c->out_off < c->out_len) {
		ssize_t n = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
			break;
		if (n <= 0)
			return false;
		c->out_off += (size_t)n;
		c->active_ms = now;
	}
	if (c->out_off == c->out_len)
		c->out_off = c->out_len = 0;
	return true;
}

/* Run the complete lines waiting in the input, one reply at a time. */
static bool run_lines(struct client *c)
{
	char *nl;
	while (c->out_len == 0 && c->stream.next == NULL &&
			(nl = memchr(c->buf, '\n', c->len)) != NULL) {
		*nl = '\0';
		if (answer_line(c, c->buf) < 0)
			return false;
		size_t used = nl + 1 - c->buf;
		memmove(c->buf, nl + 1, c->len - used);
		c->len -= used;
	}
	return true;
}

static bool read_in(struct client *c, uint64_t now)
{
	ssize_t n = read(c->fd, c->buf + c->len, sizeof(c->buf) - 1 - c->len);
	if (n < 0 && (errno == EAGAIN || errno == EINTR))
		return true;
	if (n <= 0)
		return false;
	c->len += (size_t)n;
	c->active_ms = now;
	return c->len < sizeof(c->buf) - 1; /* a line longer than the buffer: hang up */
}

/* One client's turn (a bounded amount of work); false when it must be closed. */
static bool serve_client(struct client *c, short revents, uint64_t now)
{
	if ((revents & POLLIN) && !read_in(c, now))
		return false;
	if ((revents & (POLLHUP | POLLERR)) && !(revents & POLLIN))
		return false;
	for (unsigned turn = 0; turn < TURN_STEPS; turn++) {
		if (!run_lines(c))
			return false;
		if (c->stream.next != NULL && c->out_len - c->out_off < OUT_LOW_WATER &&
				stream_more(c) < 0)
			return false;
		if (!flush_out(c, now))
			return false;
		/* Go on while the socket takes everything and more is due. */
		if (c->out_len != 0 ||
				(c->stream.next == NULL && memchr(c->buf, '\n', c->len) == NULL))
			break;
	}
	if (now > c->active_ms && now - c->active_ms >= CLIENT_IDLE_MS) {
		clients_timed_out++;
		NFVA_LOG(INFO, "control client idle for %u s: closed", CLIENT_IDLE_MS / 1000);
		return false;
	}
	return true;
}

static short client_events(const struct client *c)
{
	/* A reply in progress: wait until the client takes it, read nothing more. */
	if (c->out_len != 0 || c->stream.next != NULL)
		return POLLOUT;
	return POLLIN;
}

void control_socket_poll(int timeout_ms)
{
	struct pollfd fds[MAX_CLIENTS + 1];
	unsigned idx[MAX_CLIENTS + 1];
	nfds_t n = 0;

	note_turn(now_ms());
	if (listen_fd >= 0) {
		fds[n] = (struct pollfd){ .fd = listen_fd, .events = POLLIN };
		idx[n++] = MAX_CLIENTS;
	}
	for (unsigned i = 0; i < MAX_CLIENTS; i++) {
		if (clients[i] == NULL)
			continue;
		fds[n] = (struct pollfd){ .fd = clients[i]->fd,
			.events = client_events(clients[i]) };
		idx[n++] = i;
	}
	int ready = poll(fds, n, timeout_ms);
	uint64_t now = now_ms();
	for (nfds_t k = 0; k < n; k++) {
		if (idx[k] == MAX_CLIENTS) {
			if (ready > 0 && fds[k].revents != 0)
				accept_client(now);
			continue;
		}
		/* A slot an accept refilled this iteration: its events were the
		 * evicted client's, its own turn comes next poll. */
		if (clients[idx[k]] == NULL || clients[idx[k]]->fd != fds[k].fd)
			continue;
		/* Every client gets a turn: idle ones are timed out here too. */
		if (!serve_client(clients[idx[k]], fds[k].revents, now))
			client_close(idx[k]);
	}
	timing.poll_end_ms = now_ms();
}

void control_socket_stats(struct control_socket_stats *s)
{
	s->clients = 0;
	for (unsigned i = 0; i < MAX_CLIENTS; i++)
		s->clients += clients[i] != NULL;
	s->max_clients = MAX_CLIENTS;
	s->evicted = clients_evicted;
	s->timed_out = clients_timed_out;
	s->longest_turn_ms = timing.away_max_ms;
	s->slow_turns = timing.slow_turns;
	s->slowest_command_ms = timing.cmd_max_ms;
	s->slow_commands = timing.slow_cmds;
	s->slowest_command = timing.cmd_max_word;
}

static json_t *control_stats(void)
{
	struct control_socket_stats s;
	control_socket_stats(&s);
	return json_pack("{s:i, s:i, s:I, s:I, s:I, s:I, s:I, s:s, s:I}", "clients", (int)s.clients,
			"max_clients", (int)s.max_clients, "evicted", (json_int_t)s.evicted,
			"timed_out", (json_int_t)s.timed_out, "longest_turn_ms",
			(json_int_t)s.longest_turn_ms, "slow_turns", (json_int_t)s.slow_turns,
			"slowest_command_ms", (json_int_t)s.slowest_command_ms, "slowest_command",
			s.slowest_command, "slow_commands", (json_int_t)s.slow_commands);
}
STATS_SECTION("control", control_stats)
