/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * port_output: per-worker tx buffering. Frames are pushed a vlan tag when the
 * attachment has one, checked against the port's largest frame, buffered per
 * port and sent in bursts once per poll iteration. When a port has fewer tx
 * queues than there are workers, its queues are shared under a spinlock.
 */
#include <rte_ethdev.h>
#include <rte_spinlock.h>

#include "mirror/mirror.h"
#include "core/datapath.h"
#include "slowpath/slowpath.h"

static rte_spinlock_t txq_locks[NFVA_MAX_PORTS][NFVA_MAX_WORKERS];

static void port_tx_burst(struct worker *w, uint16_t port)
{
	const struct dp_port *p = &w->cfg->ports[port];
	struct tx_buffer *b = &w->tx[port];
	uint16_t q = w->id % p->n_txq;
	uint16_t sent;

	if (p->txq_shared) {
		rte_spinlock_lock(&txq_locks[port][q]);
		sent = rte_eth_tx_burst(p->ethdev, q, b->pkts, b->n);
		rte_spinlock_unlock(&txq_locks[port][q]);
	} else {
		sent = rte_eth_tx_burst(p->ethdev, q, b->pkts, b->n);
	}
	struct port_counters *c = &w->counters[port];
	c->tx_packets += sent;
	/* tx_bytes were counted at enqueue; take back what was not sent. */
	for (uint16_t i = sent; i < b->n; i++) {
		c->tx_bytes -= rte_pktmbuf_pkt_len(b->pkts[i]);
		worker_drop(w, port, DROP_TX_FULL, b->pkts[i]);
	}
	b->n = 0;
}

void port_output(struct worker *w, uint16_t port, uint16_t vlan, struct rte_mbuf *m)
{
	const struct dp_port *p = &w->cfg->ports[port];
	struct tx_buffer *b = &w->tx[port];

	if (!p->active) {
		worker_drop(w, port, DROP_PORT_DOWN, m);
		return;
	}
	if (vlan != NFVA_VLAN_NONE) {
		m->vlan_tci = vlan;
		if (rte_vlan_insert(&m) != 0) {
			worker_drop(w, port, DROP_NO_MBUF, m);
			return;
		}
	}
	if (rte_pktmbuf_pkt_len(m) > p->max_frame) {
		worker_drop(w, port, DROP_MTU, m);
		return;
	}
	if (p->mirror_out != 0 && !(m->ol_flags & mirror_copy_flag))
		mirror_out(w, port, m);
	if (!b->dirty) {
		b->dirty = true;
		w->dirty[w->n_dirty++] = port;
	}
	w->counters[port].tx_bytes += rte_pktmbuf_pkt_len(m);
	b->pkts[b->n++] = m;
	if (b->n == NFVA_BURST)
		port_tx_burst(w, port);
}

unsigned port_output_flush(struct worker *w)
{
	unsigned sent = 0;

	for (uint16_t i = 0; i < w->n_dirty; i++) {
		uint16_t port = w->dirty[i];
		w->tx[port].dirty = false;
		sent += w->tx[port].n;
		if (w->tx[port].n != 0)
			port_tx_burst(w, port);
	}
	w->n_dirty = 0;
	return sent;
}

RTE_INIT(port_output_init_locks)
{
	for (unsigned p = 0; p < NFVA_MAX_PORTS; p++)
		for (unsigned q = 0; q < NFVA_MAX_WORKERS; q++)
			rte_spinlock_init(&txq_locks[p][q]);
}
