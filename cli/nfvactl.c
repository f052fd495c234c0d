/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfvactl.c: the command-line client. Owns option parsing, quoting the
 * command into one line, the UNIX socket exchange with the daemon and the
 * exit status. The commands themselves are defined by the daemon: nfvactl
 * sends the words as they are and renders whatever JSON comes back
 * (render.c), or prints it with -j for scripts. Four commands run here on
 * top of daemon commands: guest-xml (guest_xml.c), attach and detach
 * (attach.c, through libvirt), monitor (monitor.c); they use
 * client_request() (client.h).
 *
 * Wire protocol: one line "word word \"a b\"\n" to the daemon, one line
 * {"status":"ok","result":...} or {"status":"error","error":"..."} back.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h> // isfinite, a macro: no libm
#include <poll.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include <jansson.h>

#include "attach.h"
#include "client.h"
#include "guest_xml.h"
#include "monitor.h"
#include "render.h"
#include "version.h"

#define DEFAULT_SOCKET "/run/nfva/nfva.sock"
#define DEFAULT_TIMEOUT_MS 30000
#define READ_CHUNK (64 * 1024)

struct options {
	bool json;          // -j: print the result as JSON
	bool pretty;        // -p: indent the JSON
	const char *socket; // daemon socket path
	int timeout_ms;     // longest wait for reply data, 0 = forever
	char **words;       // the command, argv words
	int nwords;
};

int client_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("Error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return 1;
}

static void usage(FILE *f)
{
	fputs("Usage: nfvactl [OPTIONS] COMMAND...\n"
	      "Send COMMAND to the nfva daemon and print its reply.\n"
	      "\n"
	      "Options:\n"
	      "  -j, --json             print the result as JSON\n"
	      "  -p, --pretty           indent the JSON (with -j)\n"
	      "  -s, --socket PATH      daemon socket (default $NFVA_SOCKET, then\n"
	      "                         " DEFAULT_SOCKET ")\n"
	      "  -t, --timeout SECONDS  wait at most this long for the reply\n"
	      "                         (default 30, 0 = forever)\n"
	      "  -V, --version          print nfvactl's version and git commit\n"
	      "  -h, --help             print this help\n"
	      "\n"
	      "The daemon's commands: nfvactl help (all of them), nfvactl help WORD.\n"
	      "\n"
	      "Commands nfvactl runs itself (each has --help):\n"
	      "  monitor [-i SECONDS] [-c COUNT] [COMMAND...]\n"
	      "                         live rates per port and per worker (or COMMAND),\n"
	      "                         refreshed every SECONDS until Ctrl-C\n"
	      "  guest-xml --network NAME [--vf | --vhost-user] ...\n"
	      "                         create a guest port, print its libvirt interface XML\n"
	      "  attach DOMAIN --network NAME ...\n"
	      "                         the same, hot-plugged into a libvirt domain\n"
	      "  detach DOMAIN --port NAME\n"
	      "                         unplug it from the domain, then remove the port\n"
	      "\n"
	      "Exit status: 0 success, 1 error, 2 usage error.\n",
			f);
}

static int parse_timeout(const char *s, int *ms)
{
	char *end;
	double sec;

	errno = 0;
	sec = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || !isfinite(sec) || sec < 0 ||
			sec > 86400.0 * 365)
		return -EINVAL;
	*ms = (int)(sec * 1000);
	if (sec > 0 && *ms == 0)
		*ms = 1; // -t 0.0001 still means a timeout, not forever
	return 0;
}

// Returns -1 to go on, or the exit status for main.
static int parse_options(int argc, char **argv, struct options *o)
{
	static const struct option longopts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "socket", required_argument, NULL, 's' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	// '+': stop at the first command word, so "fdb flush -x" reaches the daemon
	while ((c = getopt_long(argc, argv, "+jps:t:hV", longopts, NULL)) != -1) {
		switch (c) {
		case 'j':
			o->json = true;
			break;
		case 'p':
			o->pretty = true;
			break;
		case 's':
			o->socket = optarg;
			break;
		case 't':
			if (parse_timeout(optarg, &o->timeout_ms) < 0) {
				client_fail("invalid timeout '%s'", optarg);
				return 2;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("nfvactl %s (git %s)\n", NFVA_VERSION, NFVA_COMMIT);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	o->words = argv + optind;
	o->nwords = argc - optind;
	if (o->nwords == 0) {
		usage(stderr);
		return 2;
	}
	return -1;
}

static bool needs_quotes(const char *w)
{
	return *w == '\0' || strpbrk(w, " \t\"\\") != NULL;
}

// The command line to send, '\n'-terminated; NULL if a word cannot be sent.
static char *build_line(char **words, int n)
{
	size_t size = 2;
	char *line, *p;

	for (int i = 0; i < n; i++) {
		if (strpbrk(words[i], "\r\n") != NULL) {
			client_fail("argument %d contains a line break", i + 1);
			return NULL;
		}
		size += 2 * strlen(words[i]) + 3;
	}
	p = line = malloc(size);
	if (line == NULL) {
		client_fail("out of memory");
		return NULL;
	}
	for (int i = 0; i < n; i++) {
		const char *w = words[i];
		bool quote = needs_quotes(w);

		if (i > 0)
			*p++ = ' ';
		if (quote)
			*p++ = '"';
		for (; *w != '\0'; w++) {
			if (*w == '"' || *w == '\\')
				*p++ = '\\';
			*p++ = *w;
		}
		if (quote)
			*p++ = '"';
	}
	*p++ = '\n';
	*p = '\0';
	return line;
}

// SO_SNDTIMEO also bounds connect() on AF_UNIX, e.g. when the backlog is full.
static void set_send_timeout(int fd, int timeout_ms)
{
	struct timeval tv = {
		.tv_sec = timeout_ms / 1000,
		.tv_usec = (timeout_ms % 1000) * 1000,
	};

	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

static int connect_daemon(const char *path, int timeout_ms)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		client_fail("cannot connect to %s: %s", path, strerror(ENAMETOOLONG));
		return -1;
	}
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		client_fail("socket: %s", strerror(errno));
		return -1;
	}
	set_send_timeout(fd, timeout_ms);
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
		client_fail("cannot connect to %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int send_line(int fd, const char *line)
{
	size_t len = strlen(line);

	while (len > 0) {
		ssize_t n = send(fd, line, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return client_fail("cannot send command: %s", strerror(errno));
		line += n;
		len -= (size_t)n;
	}
	return 0;
}

// Wait until fd has data, 0 or -1; the timeout restarts with each chunk received.
static int wait_readable(int fd, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };
	int n;

	do
		n = poll(&pfd, 1, timeout_ms > 0 ? timeout_ms : -1);
	while (n < 0 && errno == EINTR);
	if (n < 0) {
		client_fail("poll: %s", strerror(errno));
		return -1;
	}
	if (n == 0) {
		client_fail("no reply from the daemon within %g s", timeout_ms / 1000.0);
		return -1;
	}
	return 0;
}

// Read up to the first '\n'; returns the buffer (caller frees) and its length.
static char *read_reply(int fd, int timeout_ms, size_t *lenp)
{
	size_t len = 0, cap = 0;
	char *buf = NULL, *nl;
	ssize_t n;

	for (;;) {
		if (cap - len < READ_CHUNK) {
			cap = cap ? cap * 2 : 2 * READ_CHUNK;
			nl = realloc(buf, cap);
			if (nl == NULL) {
				client_fail("out of memory reading a %zu byte reply", len);
				break;
			}
			buf = nl;
		}
		if (wait_readable(fd, timeout_ms) < 0)
			break;
		n = recv(fd, buf + len, cap - len, 0);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			client_fail("cannot read reply: %s", strerror(errno));
			break;
		}
		if (n == 0) {
			client_fail(len ? "truncated reply from the daemon"
					: "the daemon closed the connection without replying");
			break;
		}
		nl = memchr(buf + len, '\n', (size_t)n);
		len += (size_t)n;
		if (nl != NULL) {
			*lenp = (size_t)(nl - buf);
			return buf;
		}
	}
	free(buf);
	return NULL;
}

static int print_json(const json_t *result, bool pretty)
{
	size_t flags = JSON_ENCODE_ANY | (pretty ? JSON_INDENT(2) : JSON_COMPACT);

	if (json_is_null(result))
		return 0;
	if (json_dumpf(result, stdout, flags) < 0)
		return client_fail("cannot encode the result as JSON");
	fputc('\n', stdout);
	return 0;
}

int client_print(const struct client *c, const json_t *result)
{
	if (c->json)
		return print_json(result != NULL ? result : json_null(), c->pretty);
	render_result(stdout, result);
	return 0;
}

// 0 with the result (a new reference), or 1 with the error printed.
static int parse_reply(const char *buf, size_t len, json_t **result)
{
	json_error_t err;
	json_t *reply = json_loadb(buf, len, 0, &err);
	const char *status;
	int ret;

	if (reply == NULL)
		return client_fail("malformed reply from the daemon: %s", err.text);
	status = json_string_value(json_object_get(reply, "status"));
	if (status != NULL && strcmp(status, "ok") == 0) {
		json_t *r = json_object_get(reply, "result");

		*result = json_incref(r != NULL ? r : json_null());
		ret = 0;
	} else if (status != NULL && strcmp(status, "error") == 0) {
		const char *msg = json_string_value(json_object_get(reply, "error"));

		ret = client_fail("%s", msg != NULL ? msg : "unknown error (no message)");
	} else {
		ret = client_fail("malformed reply from the daemon: no valid \"status\"");
	}
	json_decref(reply);
	return ret;
}

int client_request(const struct client *c, char **words, int nwords, json_t **result)
{
	char *line = build_line(words, nwords);
	char *reply = NULL;
	size_t len = 0;
	int fd, ret = 1;

	*result = NULL;
	if (line == NULL)
		return 1;
	fd = connect_daemon(c->socket, c->timeout_ms);
	if (fd >= 0 && send_line(fd, line) == 0)
		reply = read_reply(fd, c->timeout_ms, &len);
	if (reply != NULL)
		ret = parse_reply(reply, len, result);
	if (fd >= 0)
		close(fd);
	free(reply);
	free(line);
	return ret;
}

static int run(const struct options *o)
{
	struct client c = {
		.socket = o->socket,
		.timeout_ms = o->timeout_ms,
		.json = o->json,
		.pretty = o->pretty,
	};
	json_t *result;
	int ret;

	// Local commands: they talk to the daemon and to libvirt themselves.
	if (strcmp(o->words[0], "guest-xml") == 0)
		return guest_xml_main(&c, o->nwords, o->words);
	if (strcmp(o->words[0], "attach") == 0)
		return attach_main(&c, o->nwords, o->words);
	if (strcmp(o->words[0], "detach") == 0)
		return detach_main(&c, o->nwords, o->words);
	if (strcmp(o->words[0], "monitor") == 0)
		return monitor_main(&c, o->nwords, o->words);
	ret = client_request(&c, o->words, o->nwords, &result);
	if (ret == 0)
		ret = client_print(&c, result);
	json_decref(result);
	return ret;
}

int main(int argc, char **argv)
{
	struct options o = {
		.socket = getenv("NFVA_SOCKET"),
		.timeout_ms = DEFAULT_TIMEOUT_MS,
	};
	int ret;

	if (o.socket == NULL || *o.socket == '\0')
		o.socket = DEFAULT_SOCKET;
	ret = parse_options(argc, argv, &o);
	if (ret >= 0)
		return ret;
	ret = run(&o);
	if (fflush(stdout) != 0 || ferror(stdout))
		ret = client_fail("cannot write the output: %s", strerror(errno));
	return ret;
}
