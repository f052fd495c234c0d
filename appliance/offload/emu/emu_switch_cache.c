/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The emulated e-switch's exact-match caches (emu_switch_private.h, struct
 * emu_emc), control side: one per worker lcore, allocated with the switch
 * for every lcore EAL runs (a thread without an lcore id classifies through
 * the tuple space alone), the union mask of a table set that keys them, and
 * their counters. The lookup is in emu_switch_classify.c.
 */
#include <string.h>

#include <rte_lcore.h>
#include <rte_malloc.h>

#include "offload/emu/emu_switch_private.h"

int emu_emc_init(struct emu_switch *sw)
{
	unsigned lcore;

	sw->gen = 1;
	for (lcore = 0; lcore < RTE_MAX_LCORE; lcore++) {
		if (!rte_lcore_is_enabled(lcore))
			continue;
		/* no memory for a cache: that lcore does without */
		sw->emc[lcore] = rte_zmalloc_socket("emu_emc", sizeof(struct emu_emc),
				RTE_CACHE_LINE_SIZE, (int)rte_lcore_to_socket_id(lcore));
		if (sw->emc[lcore] != NULL)
			sw->mem += sizeof(struct emu_emc);
	}
	return 0;
}

void emu_emc_fini(struct emu_switch *sw)
{
	for (unsigned i = 0; i < RTE_MAX_LCORE; i++) {
		rte_free(sw->emc[i]);
		sw->emc[i] = NULL;
	}
}

void emu_tableset_umask(struct emu_tableset *set)
{
	memset(&set->umask, 0, sizeof(set->umask));
	for (uint32_t t = 0; t < set->n; t++)
		for (unsigned i = 0; i < EMU_KEY_WORDS; i++)
			set->umask.w[i] |= set->t[t]->mask.w[i];
	set->u_n_words = 0;
	for (uint8_t i = 0; i < EMU_KEY_WORDS; i++)
		if (set->umask.w[i] != 0)
			set->u_words[set->u_n_words++] = i;
}

void emu_switch_cache_stats(const struct emu_switch *sw, uint64_t *hits, uint64_t *misses)
{
	*hits = 0;
	*misses = 0;
	for (unsigned i = 0; i < RTE_MAX_LCORE; i++) {
		const struct emu_emc *c = sw->emc[i];
		if (c == NULL)
			continue;
		*hits += __atomic_load_n(&c->hits, __ATOMIC_RELAXED);
		*misses += __atomic_load_n(&c->misses, __ATOMIC_RELAXED);
	}
}
