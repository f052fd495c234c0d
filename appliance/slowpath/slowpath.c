/* SPDX-License-Identifier: BSD-3-Clause */
/* Slow-path entry: chains the stages for each received burst. */
#include "lisp/lisp_dp.h"
#include "core/datapath.h"
#include "slowpath/slowpath.h"

static void slowpath_burst(struct worker *w, uint16_t port, struct rte_mbuf **pkts, uint16_t n)
{
	struct l2_meta meta[NFVA_BURST];

	const struct dp_underlay *u = &w->cfg->underlay;

	if (w->cfg->ports[port].mirror_in != 0)
		mirror_in(w, port, pkts, n);

	if (u->active && port == u->port)
		n = underlay_input(w, port, pkts, meta, n);
	else
		n = eth_input(w, port, pkts, meta, n);
	if (w->cfg->lisp.active) /* frames of LISP networks take the L3 stages */
		n = lisp_local_input(w, pkts, meta, n);
	if (n == 0)
		return;
	l2_learn(w, pkts, meta, n);
	l2_forward(w, pkts, meta, n);
}

/* The e-switch may hand over more than a burst (its mirror copies come
 * back with the misses): the stages take NFVA_BURST frames at a time. */
void slowpath_input(struct worker *w, uint16_t port, struct rte_mbuf **pkts, uint16_t n)
{
	for (uint16_t done = 0; done < n; done += NFVA_BURST)
		slowpath_burst(w, port, pkts + done, RTE_MIN(n - done, NFVA_BURST));
}
