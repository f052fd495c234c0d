/* SPDX-License-Identifier: BSD-3-Clause */
/* Parsing the daemon's options (see args.h and `nfva -- --help`). */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stddef.h>
#include <stdlib.h>

#include "core/args.h"
#include "core/bounds.h"

#define DEFAULT_SOCKET "/run/nfva/nfva.sock"
#define DEFAULT_MBUFS 16383

static const struct nfva_args defaults = {
	.socket = DEFAULT_SOCKET,
	.socket_mode = 0600,
	.fdb_entries = NFVA_DEFAULT_FDB_ENTRIES,
	.mbufs = DEFAULT_MBUFS,
	.max_networks = NFVA_DEFAULT_NETWORKS,
	.max_vteps = NFVA_DEFAULT_VTEPS,
	.max_templates = NFVA_DEFAULT_TEMPLATES,
	.max_neighbours = NFVA_DEFAULT_NEIGHS,
	.map_cache = NFVA_DEFAULT_MAP_CACHE,
	.idle_sleep_us = 100,
};
static struct nfva_args current = defaults;

const struct nfva_args *nfva_options(void)
{
	return &current;
}

static void usage(const char *prog)
{
	fprintf(stderr,
			"usage: %s [EAL options] -- [options]\n"
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
			"      --check-config FILE  validate FILE (grammar, names) and exit; no "
			"EAL\n"
			"  -h, --help\n",
			prog, NFVA_DEFAULT_FDB_ENTRIES, DEFAULT_MBUFS, NFVA_DEFAULT_NETWORKS,
			NFVA_DEFAULT_VTEPS, NFVA_DEFAULT_TEMPLATES, NFVA_DEFAULT_NEIGHS,
			NFVA_DEFAULT_MAP_CACHE);
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
	{ 'N', 16, NFVA_NETWORKS_LIMIT, offsetof(struct nfva_args, max_networks) },
	{ 'V', 1, NFVA_VTEPS_LIMIT, offsetof(struct nfva_args, max_vteps) },
	{ 'T', 64, NFVA_TEMPLATES_LIMIT, offsetof(struct nfva_args, max_templates) },
	{ 'G', 16, NFVA_NEIGHS_LIMIT, offsetof(struct nfva_args, max_neighbours) },
	{ 'M', 1024, NFVA_MAP_CACHE_LIMIT, offsetof(struct nfva_args, map_cache) },
};

/* One option c with its argument; false when it is not valid. */
static bool parse_one(int c, const char *arg, struct nfva_args *a)
{
	uint32_t v = 0;
	bool ok = true;

	for (unsigned i = 0; i < sizeof(size_options) / sizeof(size_options[0]); i++) {
		const struct size_option *o = &size_options[i];
		if (o->val == c)
			return parse_u32(arg, o->min, o->max, (uint32_t *)((char *)a + o->offset),
					0);
	}
	switch (c) {
	case 'c':
		a->config = arg;
		break;
	case 's':
		a->socket = arg;
		break;
	case 'm':
		ok = parse_u32(arg, 0, 0777, &v, 8);
		a->socket_mode = v;
		break;
	case 'p':
		a->busy_poll = true;
		break;
	case 'i':
		ok = parse_u32(arg, 1, 100000, &v, 0);
		a->idle_sleep_us = v;
		break;
	default:
		ok = false;
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
		{ "max-networks", required_argument, NULL, 'N' },
		{ "max-vteps", required_argument, NULL, 'V' },
		{ "max-templates", required_argument, NULL, 'T' },
		{ "max-neighbours", required_argument, NULL, 'G' },
		{ "map-cache", required_argument, NULL, 'M' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	*a = defaults;
	optind = 1;
	while ((c = getopt_long(argc, argv, "c:s:h", longopts, NULL)) != -1) {
		if (c == 'h') {
			usage(argv[0]);
			exit(0);
		}
		if (!parse_one(c, optarg, a)) {
			if (c != '?' && optarg != NULL)
				fprintf(stderr, "nfva: invalid value '%s'\n", optarg);
			usage(argv[0]);
			return -EINVAL;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "nfva: unexpected argument '%s'\n", argv[optind]);
		usage(argv[0]);
		return -EINVAL;
	}
	current = *a;
	return 0;
}
