/* SPDX-License-Identifier: BSD-3-Clause */
/* The daemon's own options (after EAL's and "--"). */
#ifndef NFVA_ARGS_H
#define NFVA_ARGS_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct nfva_args {
	const char *config; /* startup config file, or NULL */
	const char *socket; /* control socket path */
	mode_t socket_mode;
	uint32_t fdb_entries;
	uint32_t mbufs;
	/* Table sizes, fixed at start (docs/cli.md "Daemon options"). */
	uint32_t max_networks;   /* bridge domains */
	uint32_t max_vteps;      /* flood-list VTEPs per network (configured + EVPN) */
	uint32_t max_templates;  /* encapsulation templates */
	uint32_t max_neighbours; /* underlay neighbours */
	uint32_t map_cache;      /* LISP map-cache prefixes, all networks together */
	bool busy_poll;
	unsigned idle_sleep_us;
	const char *metrics;      /* Prometheus endpoint ADDR:PORT, or NULL (off) */
	uint32_t template_idle_s; /* unused encapsulation templates go after this */
	bool autosave;            /* save the running config to config after every change */
};

/* 0, or -EINVAL after printing a message and the usage. On success the
 * options are also what nfva_options() returns from then on. */
int nfva_args_parse(int argc, char **argv, struct nfva_args *out);
/* Print nfva's own options to stdout, as `nfva -- --help` does (also the
 * EAL usage hook: `nfva --help` shows them after EAL's). */
void nfva_args_usage(const char *prog);
/* The options in force (the defaults until nfva_args_parse succeeded):
 * modules read their sizes here in their init. */
const struct nfva_args *nfva_options(void);

#endif
