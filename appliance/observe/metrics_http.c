/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The Prometheus endpoint (--metrics ADDR:PORT, off by default): a minimal
 * HTTP/1.0 server on the control thread. `GET /metrics` answers the text of
 * metrics.c, anything else 404 (405 for other methods); one request per
 * connection. Nothing blocks: sockets are non-blocking and served from a
 * periodic task with poll(0); at most METRICS_CLIENTS at once (a new one
 * beyond is closed at once), each closed after METRICS_CLIENT_MS.
 */
#include <errno.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "control/periodic.h"
#include "core/log.h"
#include "observe/observe.h"
#include "observe/metrics_http.h"

NFVA_LOG_REGISTER(metrics)

#define METRICS_CLIENTS 8
#define METRICS_CLIENT_MS 5000
#define METRICS_REQUEST_MAX 4096

struct http_client {
	int fd; /* -1: free */
	uint64_t start_ms;
	size_t in_len;
	char in[METRICS_REQUEST_MAX];
	char *out; /* the reply, once the request is complete */
	size_t out_len, out_off;
};

static int listen_fd = -1;
static struct http_client clients[METRICS_CLIENTS];
static uint64_t served, refused;

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* "ADDR:PORT", "[V6ADDR]:PORT" or ":PORT" (every address). */
static int split_addr(const char *spec, char *host, size_t size, const char **port)
{
	const char *colon = strrchr(spec, ':');
	if (colon == NULL || colon[1] == '\0')
		return -EINVAL;
	size_t len = (size_t)(colon - spec);
	if (len >= 2 && spec[0] == '[' && spec[len - 1] == ']') {
		spec++;
		len -= 2;
	}
	if (len >= size)
		return -EINVAL;
	memcpy(host, spec, len);
	host[len] = '\0';
	*port = colon + 1;
	return 0;
}

int metrics_http_open(const char *spec)
{
	struct addrinfo hints = { .ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV,
		.ai_socktype = SOCK_STREAM };
	struct addrinfo *ai;
	char host[128];
	const char *port;
	int one = 1;

	for (unsigned i = 0; i < METRICS_CLIENTS; i++)
		clients[i].fd = -1;
	if (split_addr(spec, host, sizeof(host), &port) < 0) {
		NFVA_LOG(ERR, "--metrics %s: expected ADDR:PORT", spec);
		return -EINVAL;
	}
	int ret = getaddrinfo(host[0] != '\0' ? host : NULL, port, &hints, &ai);
	if (ret != 0) {
		NFVA_LOG(ERR, "--metrics %s: %s", spec, gai_strerror(ret));
		return -EINVAL;
	}
	listen_fd = socket(ai->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (listen_fd < 0 || setsockopt(listen_fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) ||
			bind(listen_fd, ai->ai_addr, ai->ai_addrlen) < 0 ||
			listen(listen_fd, METRICS_CLIENTS) < 0) {
		ret = -errno;
		NFVA_LOG(ERR, "--metrics %s: %s", spec, strerror(errno));
		metrics_http_close();
	}
	freeaddrinfo(ai);
	if (ret == 0)
		NFVA_LOG(INFO, "Prometheus metrics on http://%s/metrics", spec);
	return ret;
}

static void client_close(struct http_client *c)
{
	close(c->fd);
	free(c->out);
	memset(c, 0, sizeof(*c));
	c->fd = -1;
}

void metrics_http_close(void)
{
	for (unsigned i = 0; i < METRICS_CLIENTS; i++)
		if (clients[i].fd >= 0)
			client_close(&clients[i]);
	if (listen_fd >= 0)
		close(listen_fd);
	listen_fd = -1;
}

static void accept_clients(uint64_t now)
{
	int fd;

	while ((fd = accept4(listen_fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
		unsigned i = 0;
		while (i < METRICS_CLIENTS && clients[i].fd >= 0)
			i++;
		if (i == METRICS_CLIENTS) {
			refused++;
			close(fd);
			continue;
		}
		clients[i].fd = fd;
		clients[i].start_ms = now;
	}
}

static char *reply(const char *status, const char *type, const char *body, size_t body_len,
		size_t *len)
{
	char *out = NULL;
	FILE *f = open_memstream(&out, len);
	if (f == NULL)
		return NULL;
	fprintf(f,
			"HTTP/1.0 %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n"
			"Connection: close\r\n\r\n",
			status, type, body_len);
	fwrite(body, 1, body_len, f);
	if (fclose(f) != 0) {
		free(out);
		return NULL;
	}
	return out;
}

/* The request is complete: make the reply. */
static void answer(struct http_client *c)
{
	static const char not_found[] = "not found: try /metrics\n";
	static const char bad_method[] = "only GET\n";

	if (strncmp(c->in, "GET ", 4) != 0) {
		c->out = reply("405 Method Not Allowed", "text/plain", bad_method,
				sizeof(bad_method) - 1, &c->out_len);
		return;
	}
	size_t path_len = strcspn(c->in + 4, " ?\r\n");
	if (path_len != strlen("/metrics") || strncmp(c->in + 4, "/metrics", path_len) != 0) {
		c->out = reply("404 Not Found", "text/plain", not_found, sizeof(not_found) - 1,
				&c->out_len);
		return;
	}
	size_t len = 0;
	char *text = observe_metrics_text(&len);
	if (text != NULL)
		c->out = reply("200 OK", "text/plain; version=0.0.4; charset=utf-8", text, len,
				&c->out_len);
	free(text);
	served++;
}

/* One client's turn; false when it is done (or must go). */
static bool serve(struct http_client *c, short revents, uint64_t now)
{
	if (now - c->start_ms > METRICS_CLIENT_MS || (revents & (POLLERR | POLLNVAL)))
		return false;
	if (c->out == NULL && (revents & (POLLIN | POLLHUP))) {
		ssize_t n = read(c->fd, c->in + c->in_len, sizeof(c->in) - 1 - c->in_len);
		if (n <= 0 && !(n < 0 && (errno == EAGAIN || errno == EINTR)))
			return false;
		c->in_len += n > 0 ? (size_t)n : 0;
		c->in[c->in_len] = '\0';
		if (strstr(c->in, "\r\n\r\n") == NULL && strstr(c->in, "\n\n") == NULL)
			return c->in_len < sizeof(c->in) - 1; /* more to come, within bounds */
		answer(c);
		if (c->out == NULL)
			return false;
	}
	while (c->out != NULL && c->out_off < c->out_len) {
		ssize_t n = write(c->fd, c->out + c->out_off, c->out_len - c->out_off);
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return true;
		if (n <= 0)
			return false;
		c->out_off += (size_t)n;
	}
	return c->out == NULL;
}

static void metrics_http_poll(void)
{
	struct pollfd fds[METRICS_CLIENTS + 1];
	uint64_t now = now_ms();
	nfds_t n = 0;

	if (listen_fd < 0)
		return;
	fds[n++] = (struct pollfd){ .fd = listen_fd, .events = POLLIN };
	for (unsigned i = 0; i < METRICS_CLIENTS; i++)
		fds[n++] = (struct pollfd){ .fd = clients[i].fd,
			.events = clients[i].out != NULL ? POLLOUT : POLLIN };
	if (poll(fds, n, 0) <= 0) {
		for (unsigned i = 0; i < METRICS_CLIENTS; i++) /* time out the quiet ones */
			if (clients[i].fd >= 0 && now - clients[i].start_ms > METRICS_CLIENT_MS)
				client_close(&clients[i]);
		return;
	}
	if (fds[0].revents & POLLIN)
		accept_clients(now);
	for (unsigned i = 0; i < METRICS_CLIENTS; i++)
		if (clients[i].fd >= 0 && fds[i + 1].fd == clients[i].fd &&
				!serve(&clients[i], fds[i + 1].revents, now))
			client_close(&clients[i]);
}

static struct periodic_task metrics_task = {
	.name = "metrics",
	.interval_ms = 2,
	.run = metrics_http_poll,
};

void metrics_http_start(void)
{
	static bool registered; /* a task is registered once */

	if (!registered)
		periodic_register(&metrics_task);
	registered = true;
}

void metrics_http_counts(uint64_t *requests, uint64_t *refused_out)
{
	*requests = served;
	*refused_out = refused;
}
