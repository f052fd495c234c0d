/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Per-VTEP counters: what each remote underlay address (a VTEP, an RLOC, a
 * multicast group, an ERSPAN sender) sent us and what we sent it. Each
 * worker has its own bounded table (open addressing, keyed by the
 * address's id, overlay/vtep_id.h: no lock, no atomic on the counters); control sums the workers'
 * tables when asked (workers.h).
 *
 * Bound: VTEP_STATS_SLOTS addresses per worker. When an address finds no
 * free slot within VTEP_STATS_PROBES, its frames are summed into the
 * table's "other" row and counted in overflow: nothing is lost from the
 * totals, only the split by address. `stats clear` empties the tables (each
 * worker empties its own at the end of an iteration, see vtep_stats_reset).
 */
#ifndef NFVA_VTEP_STATS_H
#define NFVA_VTEP_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <rte_branch_prediction.h>
#include <rte_byteorder.h>

#include "core/drop.h"

#define VTEP_STATS_SLOTS 512 /* power of two */
#define VTEP_STATS_PROBES 8

struct vtep_stats {
	uint32_t ip;                   /* network order; 0: free slot. Written last (release) */
	uint64_t rx_packets, rx_bytes; /* tunnel frames from it, outer length */
	uint64_t tx_packets, tx_bytes; /* encapsulated toward it, outer length */
	uint64_t drops[DROP_MAX];      /* its frames dropped, frames to it dropped */
};

struct vtep_table {
	uint32_t clear_gen; /* the `stats clear` this table was emptied for */
	uint32_t used;      /* slots taken */
	uint64_t overflow;  /* frames counted in other: no slot was free */
	/* Summed: addresses that found no slot, and IPv6 senders without an id
	 * (overlay/vtep_id.h: dropped before a network took their frames). */
	struct vtep_stats other;
	struct vtep_stats slots[VTEP_STATS_SLOTS];
};

/* Worker: the counters of ip (network order, not 0) in its own table. */
static inline struct vtep_stats *vtep_stats_get(struct vtep_table *t, uint32_t ip)
{
	uint32_t h = (rte_be_to_cpu_32(ip) * 2654435761u) >> 16;

	if (unlikely(ip == 0)) /* 0 marks a free slot */
		return &t->other;
	for (unsigned i = 0; i < VTEP_STATS_PROBES; i++) {
		struct vtep_stats *s = &t->slots[(h + i) & (VTEP_STATS_SLOTS - 1)];
		if (s->ip == ip)
			return s;
		if (s->ip == 0) {
			/* Counters are zero: the address makes the slot visible. */
			__atomic_store_n(&s->ip, ip, __ATOMIC_RELEASE);
			t->used++;
			return s;
		}
	}
	t->overflow++;
	return &t->other;
}

static inline void vtep_count_rx(struct vtep_table *t, uint32_t ip, uint32_t bytes)
{
	struct vtep_stats *s = vtep_stats_get(t, ip);
	s->rx_packets++;
	s->rx_bytes += bytes;
}

static inline void vtep_count_tx(struct vtep_table *t, uint32_t ip, uint32_t bytes)
{
	struct vtep_stats *s = vtep_stats_get(t, ip);
	s->tx_packets++;
	s->tx_bytes += bytes;
}

static inline void vtep_count_drop(struct vtep_table *t, uint32_t ip, enum drop_reason r)
{
	vtep_stats_get(t, ip)->drops[r]++;
}

/* Did anything count in s (the other row: is it worth showing)? */
static inline bool vtep_stats_used(const struct vtep_stats *s)
{
	if (s->rx_packets != 0 || s->tx_packets != 0)
		return true;
	for (unsigned r = 0; r < DROP_MAX; r++)
		if (s->drops[r] != 0)
			return true;
	return false;
}

/* Worker: empty its table for `stats clear` number gen. */
static inline void vtep_stats_reset(struct vtep_table *t, uint32_t gen)
{
	memset(t, 0, sizeof(*t));
	t->clear_gen = gen;
}

#endif
