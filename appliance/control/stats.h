/* SPDX-License-Identifier: BSD-3-Clause */
/* Sections of `stats`: a module adds its counters from its own file. */
#ifndef NFVA_STATS_H
#define NFVA_STATS_H

#include <jansson.h>

struct stats_section {
	const char *name;      /* key in the stats object */
	json_t *(*show)(void); /* a new reference */
	struct stats_section *next;
};

void stats_register_section(struct stats_section *s);

#endif
