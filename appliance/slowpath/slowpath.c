/* SPDX-License-Identifier: BSD-3-Clause */
/* Slow-path entry: chains the stages for each received burst, timing each
 * one (one rte_rdtsc per stage per burst, stages.h) and, for a traced frame
 * only, noting what it did (trace.h). */
#include "lisp/lisp_dp.h"
#include "core/datapath.h"
#include "slowpath/slowpath.h"
#include "slowpath/trace.h"

/* The stage s took n_in frames since the last one ended and left n_out alive. */
#define STAGE_DONE(w, s, n_in, n_out, meta)                                                        \
	do {                                                                                       \
		worker_stage((w), (s), (n_in));                                                    \
		if (unlikely((w)->trace != NULL))                                                  \
			trace_stage((w), (s), (n_out), (meta));                                    \
	} while (0)

static void slowpath_burst(struct worker *w, uint16_t port, struct rte_mbuf **pkts, uint16_t n)
{
	struct l2_meta meta[NFVA_BURST];
	uint16_t in = n;

	const struct dp_underlay *u = &w->cfg->underlay;

	if (w->cfg->ports[port].mirror_in != 0) {
		mirror_in(w, port, pkts, n);
		STAGE_DONE(w, STAGE_MIRROR_IN, n, n, NULL);
	}
	if (u->active && port == u->port) {
		n = underlay_input(w, port, pkts, meta, n);
		STAGE_DONE(w, STAGE_UNDERLAY_INPUT, in, n, meta);
	} else {
		n = eth_input(w, port, pkts, meta, n);
		STAGE_DONE(w, STAGE_ETH_INPUT, in, n, meta);
	}
	if (w->cfg->lisp.active && n != 0) { /* frames of LISP networks take the L3 stages */
		in = n;
		n = lisp_local_input(w, pkts, meta, n);
		STAGE_DONE(w, STAGE_LISP, in, n, meta);
	}
	if (n == 0)
		return;
	l2_learn(w, pkts, meta, n);
	STAGE_DONE(w, STAGE_L2_LEARN, n, n, meta);
	l2_forward(w, pkts, meta, n);
	STAGE_DONE(w, STAGE_L2_FORWARD, n, 0, meta);
}

/* The e-switch may hand over more than a burst (its mirror copies come
 * back with the misses): the stages take NFVA_BURST frames at a time. */
void slowpath_input(struct worker *w, uint16_t port, struct rte_mbuf **pkts, uint16_t n)
{
	for (uint16_t done = 0; done < n; done += NFVA_BURST)
		slowpath_burst(w, port, pkts + done, RTE_MIN(n - done, NFVA_BURST));
}
