/* SPDX-License-Identifier: BSD-3-Clause */
/* Parsing the daemon's options (see args.h and `nfva -- --help`). */
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "core/args.h"
#include "core/bounds.h"

#define DEFAULT_SOCKET "/run/nfva/nfva.sock"
#define DEFAULT_MBUFS 16383
#define DEFAULT_TEMPLATE_IDLE_S 300

/* One initializer for both: clang does not take a const object as one. */
#define ARGS_DEFAULTS                                                                              \
	{                                                                                          \
		.socket = DEFAULT_SOCKET, .socket_mode = 0600,                                     \
		.fdb_entries = NFVA_DEFAULT_FDB_ENTRIES, .mbufs = DEFAULT_MBUFS,                   \
		.idle_sleep_us = 100, .template_idle_s = DEFAULT_TEMPLATE_IDLE_S,                  \
		.max_networks = NFVA_DEFAULT_NETWORKS, .max_vteps = NFVA_DEFAULT_VTEPS,            \
		.max_templates = NFVA_DEFAULT_TEMPLATES, .max_neighbours = NFVA_DEFAULT_NEIGHS,    \
		.map_cache = NFVA_DEFAULT_MAP_CACHE,                                               \
	}
static const struct nfva_args defaults = ARGS_DEFAULTS;
static struct nfva_args current = ARGS_DEFAULTS;

const struct nfva_args *nfva_options(void)
{
	return &current;
}

static void print_usage(FILE *f, const char *prog)
{
	fprintf(f,
			"usage: %s [EAL options] -- [options]\n"
			"       %s --version | --list-commands | --check-config FILE\n"
			"  -c, --config FILE        startup configuration (commands, one per "
			"line)\n"
			"  -s, --socket PATH        control socket (default " DEFAULT_SOCKET ")\n"
			"      --socket-mode OCTAL  permissions of the socket (default 0600)\n"
			"      --fdb-entries N      FDB capacity (default %u)\n"
			"      --mbufs N            mbufs in the packet pool (default %u)\n"
			"      --max-networks N     networks (default %u)\n"
			"      --max-vteps N        flood-list VTEPs per network (default %u)\n"
			"      --max-templates N    encapsulation templates (default %u)\n"
			"      --max-neighbours N   underlay neighbours (default %u)\n"
			"      --map-cache N        LISP map-cache prefixes (default %u)\n"
			"      --busy-poll          workers never sleep when idle (benchmarks)\n"
			"      --idle-sleep-us N    sleep of an idle worker (default 100)\n"
			"      --metrics ADDR:PORT  Prometheus text on http://ADDR:PORT/metrics\n"
			"                           (off by default; e.g. 127.0.0.1:9100)\n"
			"      --template-idle-s N  unused encapsulation templates go after N s "
			"(default %u)\n"
			"      --autosave           save the running configuration to the --config "
			"file after every change\n"
			"      --check-config FILE  validate FILE (grammar, names) and exit; no "
			"EAL\n"
			"      --version            print the version and git commit and exit; no "
			"EAL\n"
			"      --list-commands      print the commands (JSON, as help) and exit\n"
			"  -h, --help\n",
			prog, prog, NFVA_DEFAULT_FDB_ENTRIES, DEFAULT_MBUFS, NFVA_DEFAULT_NETWORKS,
			NFVA_DEFAULT_VTEPS, NFVA_DEFAULT_TEMPLATES, NFVA_DEFAULT_NEIGHS,
			NFVA_DEFAULT_MAP_CACHE, DEFAULT_TEMPLATE_IDLE_S);
}

void nfva_args_usage(const char *prog)
{
	print_usage(stdout, prog);
}

static bool parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out, int base)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, base);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return false;
	*out = (uint32_t)v;
	return true;
}

/* The numeric options with a field of their own: getopt value, bounds, field. */
struct size_option {
	int val;
	uint32_t min, max;
	size_t offset;
};
static const struct size_option size_options[] = {
	{ 'f', 1024, 1u << 26, offsetof(struct nfva_args, fdb_entries) },
	{ 'b', 1023, 1u << 24, offsetof(struct nfva_args, mbufs) },
	{ 't', 1, 86400, offsetof(struct nfva_args, template_idle_s) },
	{ 'N', 16, NFVA_NETWORKS_LIMIT, offsetof(struct nfva_args, max_networks) },
	{ 'V', 1, NFVA_VTEPS_LIMIT, offsetof(struct nfva_args, max_vteps) },
	{ 'T', 64, NFVA_TEMPLATES_LIMIT, offsetof(struct nfva_args, max_templates) },
	{ 'G', 16, NFVA_NEIGHS_LIMIT, offsetof(struct nfva_args, max_neighbours) },
	{ 'C', 1024, NFVA_MAP_CACHE_LIMIT, offsetof(struct nfva_args, map_cache) },
};

/* One option c (with optarg) into a; false when its value is invalid or the
 * option unknown (optarg NULL then: nothing to quote). */
static bool apply_option(int c, struct nfva_args *a)
{
	uint32_t v = 0;
	bool ok = true;

	for (unsigned i = 0; i < sizeof(size_options) / sizeof(size_options[0]); i++) {
		const struct size_option *o = &size_options[i];
		if (o->val == c)
			return parse_u32(optarg, o->min, o->max,
					(uint32_t *)((char *)a + o->offset), 0);
	}
	switch (c) {
	case 'c':
		a->config = optarg;
		break;
	case 's':
		a->socket = optarg;
		break;
	case 'm':
		ok = parse_u32(optarg, 0, 0777, &v, 8);
		a->socket_mode = v;
		break;
	case 'p':
		a->busy_poll = true;
		break;
	case 'i':
		ok = parse_u32(optarg, 1, 100000, &v, 0);
		a->idle_sleep_us = v;
		break;
	case 'M':
		a->metrics = optarg;
		break;
	case 'a':
		a->autosave = true;
		break;
	default:
		ok = false;
		optarg = NULL;
		break;
	}
	return ok;
}

int nfva_args_parse(int argc, char **argv, struct nfva_args *a)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "socket", required_argument, NULL, 's' },
		{ "socket-mode", required_argument, NULL, 'm' },
		{ "fdb-entries", required_argument, NULL, 'f' },
		{ "mbufs", required_argument, NULL, 'b' },
		{ "busy-poll", no_argument, NULL, 'p' },
		{ "idle-sleep-us", required_argument, NULL, 'i' },
		{ "metrics", required_argument, NULL, 'M' },
		{ "template-idle-s", required_argument, NULL, 't' },
		{ "autosave", no_argument, NULL, 'a' },
		{ "max-networks", required_argument, NULL, 'N' },
		{ "max-vteps", required_argument, NULL, 'V' },
		{ "max-templates", required_argument, NULL, 'T' },
		{ "max-neighbours", required_argument, NULL, 'G' },
		{ "map-cache", required_argument, NULL, 'C' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*a = defaults;
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:s:h", longopts, NULL)) != -1) {
		if (c == 'h') {
			print_usage(stdout, argv[0]);
			exit(0);
		}
		if (!apply_option(c, a)) {
			if (optarg != NULL)
				fprintf(stderr, "nfva: invalid value '%s'\n", optarg);
			print_usage(stderr, argv[0]);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "nfva: unexpected argument '%s'\n", argv[optind]);
		print_usage(stderr, argv[0]);
		return -EINVAL;
	}
	if (a->autosave && a->config == NULL) {
		fprintf(stderr, "nfva: --autosave needs --config FILE (where to save)\n");
		return -EINVAL;
	}
	current = *a;
	return 0;
}
