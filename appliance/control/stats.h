/* SPDX-License-Identifier: BSD-3-Clause */
/* Sections of `stats`: a module adds its counters from its own file. */
#ifndef NFVA_STATS_H
#define NFVA_STATS_H

#include <jansson.h>
#include <rte_common.h>

struct stats_section {
	const char *name;      /* key in the stats object */
	json_t *(*show)(void); /* a new reference */
	struct stats_section *next;
};

void stats_register_section(struct stats_section *s);
/* The sections in registration order (walk with ->next). */
const struct stats_section *stats_sections(void);
/* One section's content (a new reference), or NULL when there is none. */
json_t *stats_section_json(const char *name);

/* Register show (a function of this file) as section name at load time. */
#define STATS_SECTION(name_, show_)                                                                \
	static struct stats_section stats_section_##show_ = { .name = (name_), .show = (show_) };  \
	RTE_INIT(stats_register_##show_)                                                           \
	{                                                                                          \
		stats_register_section(&stats_section_##show_);                                    \
	}

#endif
