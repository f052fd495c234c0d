/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The worker registry, control side: how many workers run, their contexts
 * (datapath.h) and the sums of their counters. The contexts are made before
 * the workers start (worker.c launches them) and freed after they stop.
 */
#ifndef NFVA_WORKERS_H
#define NFVA_WORKERS_H

#include <rte_mempool.h>

#include "core/datapath.h"

/* Control thread: one context per worker lcore (EAL lcores but main). */
int workers_alloc(struct rte_mempool *pool);
void workers_free(void);
/* Workers running, or before start the number that will run. */
unsigned workers_count(void);
/* A worker's context, or NULL. */
struct worker *worker_get(unsigned id);

/* Sum of every worker's counters of a mirror session. */
void workers_mirror_counters(unsigned session, struct mirror_counters *sum);
/* Sum of every worker's counters for a port. */
void workers_port_counters(uint16_t port, struct port_counters *sum);
/* Sum of every worker's counters for a network (index). */
void workers_network_counters(uint16_t network, struct net_counters *sum);

/* The VTEP counters of every worker summed by address, sorted by address
 * (host order): *rows (malloc'd, the caller frees) and *n; other and
 * overflow sum the tables' overflow rows. 0 or -ENOMEM. */
int workers_vtep_stats(struct vtep_stats **rows, unsigned *n, struct vtep_stats *other,
		uint64_t *overflow);

/* `stats clear` of what workers reset themselves (loop, stages, VTEP
 * tables): control bumps the number, each worker empties its counters at
 * the end of its next iteration; returns once every worker has. */
extern uint32_t workers_clear_gen;
void workers_stats_clear(void);

#endif
