/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The datapath context every stage works in: one struct worker per worker
 * lcore, with the snapshot of the current iteration, its tx buffers and its
 * counters. Everything here is owned by one worker; counters are plain
 * per-worker per-port integers that control sums when asked (workers.h; no
 * atomics, no shared cache lines on the hot path). The poll loop itself is
 * worker.c, at the top: stages never see it.
 */
#ifndef NFVA_DATAPATH_H
#define NFVA_DATAPATH_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <rte_mbuf.h>

#include "core/dp_config.h"
#include "core/bounds.h"
#include "core/drop.h"
#include "core/ratelimit.h"
#include "core/stages.h"
#include "core/vtep_stats.h"

struct port_counters {
	uint64_t rx_packets; /* reached the slow path (the representor) */
	uint64_t rx_bytes;
	uint64_t eswitch_packets; /* carried by emulated e-switch rules instead */
	uint64_t eswitch_bytes;
	uint64_t tx_packets;
	uint64_t tx_bytes;
	uint64_t flooded;     /* frames received here that were flooded */
	uint64_t learned;     /* new MACs learned on this port */
	uint64_t moved;       /* MACs that moved to this port */
	uint64_t learn_limit; /* MACs not learned: port or network limit reached */
	uint64_t learn_full;  /* MACs not learned: FDB full */
	uint64_t learn_busy; /* learning deferred: the FDB was being changed (retried next burst) */
	uint64_t learn_lost; /* deferred learning given up: too many deferred at once */
	uint64_t drops[DROP_MAX];
};

/* Per network (bridge domain), counted once a frame's network is known. */
struct net_counters {
	uint64_t rx_packets; /* frames that entered it: from an attachment or decapsulated */
	uint64_t rx_bytes;   /* their length in the network (no tag, no outer headers) */
	uint64_t tx_packets; /* copies forwarded to a member or toward a VTEP/RLOC */
	uint64_t tx_bytes;
	uint64_t flooded;         /* frames flooded (broadcast, multicast, unknown) */
	uint64_t drops[DROP_MAX]; /* dropped after the network was known */
};

struct mirror_counters {
	uint64_t mirrored;    /* copies sent */
	uint64_t filtered;    /* frames the filter left out */
	uint64_t sampled_out; /* frames sampling skipped */
	uint64_t dropped;     /* copies lost: destination down, no mbuf, unresolved */
	uint64_t tick;        /* sampling position */
};

/* A MAC a worker could not learn yet (the FDB was being changed): it tries
 * again at its next burst, so a MAC seen once is learned all the same. */
#define LEARN_RETRY_MAX 64
struct learn_retry {
	uint16_t network;
	uint16_t port; /* where the frame came from (counters) */
	struct rte_ether_addr mac;
	uint64_t dest;                  /* union fdb_dest */
	uint32_t port_limit, net_limit; /* struct fdb_limits */
};

struct tx_buffer {
	bool dirty; /* listed in worker.dirty */
	uint16_t n;
	struct rte_mbuf *pkts[NFVA_BURST];
};

struct trace_ctx;

struct worker {
	unsigned id; /* 0..n-1: QSBR thread id, tx queue index */
	unsigned lcore;
	struct trace_ctx *trace;          /* a traced frame is being processed (slowpath/trace.h) */
	uint64_t tsc;                     /* rte_rdtsc() at the end of the last timed stage */
	bool timing;                      /* stage_timing, read at the start of the iteration */
	const struct dp_config *cfg;      /* snapshot for the current iteration */
	uint32_t now;                     /* nfva_now_s() at the start of the iteration */
	uint16_t rx_port;                 /* the port of the burst being processed */
	struct token_bucket icmp_replies; /* ICMP echo replies this worker may send */
	struct rte_mempool *pool;         /* for copies (flooding) */
	uint16_t n_retry;                 /* learn_retry[] in use */
	struct learn_retry learn_retry[LEARN_RETRY_MAX];
	uint16_t n_dirty; /* ports with frames waiting in tx */
	uint16_t dirty[NFVA_MAX_PORTS];
	struct tx_buffer tx[NFVA_MAX_PORTS];
	struct port_counters counters[NFVA_MAX_PORTS] __rte_cache_aligned;
	struct mirror_counters mirrors[NFVA_MAX_MIRRORS] __rte_cache_aligned;
	struct loop_counters loop __rte_cache_aligned;
	struct stage_counters stages[STAGE_MAX];
	struct net_counters *nets; /* by network index, n_nets (--max-networks) of them */
	uint32_t n_nets;
	struct vtep_table vteps __rte_cache_aligned;
};

static inline void worker_drop(struct worker *w, uint16_t port, enum drop_reason r,
		struct rte_mbuf *m)
{
	w->counters[port].drops[r]++;
	rte_pktmbuf_free(m);
}

/* A drop once the frame's network is known: counted on the port and the network. */
static inline void worker_drop_net(struct worker *w, uint16_t port, uint16_t network,
		enum drop_reason r, struct rte_mbuf *m)
{
	w->nets[network].drops[r]++;
	worker_drop(w, port, r, m);
}

/* Stage s of the burst path took n frames; with timing on, its cycles run
 * from the end of the stage before (w->tsc) to now (core/stages.h). */
static inline void worker_stage(struct worker *w, enum stage s, uint16_t n)
{
	struct stage_counters *c = &w->stages[s];

	c->calls++;
	c->packets += n;
	if (likely(w->timing)) {
		uint64_t now = rte_rdtsc();
		c->cycles += now - w->tsc;
		w->tsc = now;
	}
}

/* A copy forwarded within network (to a member or toward a VTEP). */
static inline void worker_net_tx(struct worker *w, uint16_t network, const struct rte_mbuf *m)
{
	struct net_counters *c = &w->nets[network];
	c->tx_packets++;
	c->tx_bytes += rte_pktmbuf_pkt_len(m);
}

#endif
