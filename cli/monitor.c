/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * monitor.c: `nfvactl monitor [-i SECONDS] [-c COUNT] [COMMAND...]`. Like
 * watch(1) over the daemon: COMMAND (default `stats rates SECONDS`, whose
 * rates the daemon computes over the interval) is sent every SECONDS and
 * its result rendered by the generic renderer (render.c), the screen
 * cleared first when stdout is a terminal. Exit 0 after Ctrl-C, SIGTERM or
 * COUNT refreshes; 1 when a request fails; 2 on a usage error. nfvactl
 * knows no field of the result: the daemon decides what a command shows.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h> // isfinite, a macro: no libm
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "monitor.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static void usage(FILE *f)
{
	fputs("Usage: nfvactl monitor [-i SECONDS] [-c COUNT] [COMMAND...]\n"
	      "Run COMMAND (default: stats rates, per port and per worker) every\n"
	      "SECONDS (default 1) and show its result in place, until Ctrl-C.\n"
	      "  -i, --interval SECONDS  refresh interval (0.1-3600)\n"
	      "  -c, --count COUNT       stop after COUNT refreshes\n",
			f);
}

static int parse(int argc, char **argv, double *interval, long *count)
{
	static const struct option longopts[] = {
		{ "interval", required_argument, NULL, 'i' },
		{ "count", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int opt;

	optind = 0; // restart GNU getopt on the command's own words
	while ((opt = getopt_long(argc, argv, "+i:c:h", longopts, NULL)) != -1) {
		errno = 0;
		switch (opt) {
		case 'i':
			*interval = strtod(optarg, &end);
			if (errno || *end || !isfinite(*interval) || *interval < 0.1 ||
					*interval > 3600)
				return client_fail("monitor: invalid interval '%s'", optarg) + 1;
			break;
		case 'c':
			*count = strtol(optarg, &end, 10);
			if (errno || *end || *count <= 0)
				return client_fail("monitor: invalid count '%s'", optarg) + 1;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	return -1;
}

// Sleep for sec seconds unless a signal comes first.
static void pause_for(double sec)
{
	struct timespec ts = { .tv_sec = (time_t)sec,
		.tv_nsec = (long)((sec - (double)(time_t)sec) * 1e9) };

	while (!stop && nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static int refresh(const struct client *c, char **words, int nwords, double interval, long n)
{
	json_t *result;
	char when[32];
	time_t now = time(NULL);

	if (client_request(c, words, nwords, &result) != 0)
		return 1;
	if (!c->json && isatty(STDOUT_FILENO))
		fputs("\033[H\033[2J", stdout); // home, clear screen
	else if (n > 1)
		fputc('\n', stdout);
	strftime(when, sizeof(when), "%H:%M:%S", localtime(&now));
	if (!c->json)
		printf("nfva monitor: every %g s, %s (Ctrl-C to stop)\n\n", interval, when);
	int ret = client_print(c, result);
	json_decref(result);
	fflush(stdout);
	return ret;
}

int monitor_main(const struct client *c, int argc, char **argv)
{
	double interval = 1;
	long count = 0;
	char seconds[24], stats[] = "stats", rates[] = "rates";
	int ret = parse(argc, argv, &interval, &count);

	if (ret >= 0)
		return ret;
	char **words = argv + optind;
	int nwords = argc - optind;
	char *dflt[] = { stats, rates, seconds };
	if (nwords == 0) { // the daemon's rates over the same interval (whole seconds)
		long secs = (long)interval;
		secs += secs < interval;
		snprintf(seconds, sizeof(seconds), "%ld", secs < 60 ? secs : 60);
		words = dflt;
		nwords = 3;
	}
	struct sigaction sa = { .sa_handler = on_signal };
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	for (long n = 1; !stop; n++) {
		ret = refresh(c, words, nwords, interval, n);
		if (ret != 0 || (count > 0 && n >= count))
			return ret;
		pause_for(interval);
	}
	return 0;
}
