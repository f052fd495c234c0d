/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The software slow path, called by a worker for each received burst:
 *
 *   eth_input ─▶ l2_learn ─▶ l2_forward ─▶ (unicast | flood) ─▶ port_output
 *
 * Each stage takes the packets still alive and the per-packet metadata the
 * earlier stages filled, and either passes a packet on or drops it with one
 * named reason (drop.h). No syscalls, no logging, no locks on the per-packet
 * path (FDB learning takes the FDB writer lock only for new or moved MACs).
 */
#ifndef NFVA_SLOWPATH_H
#define NFVA_SLOWPATH_H

#include <stdint.h>
#include <rte_mbuf.h>

struct worker;

/* What eth_input learned about a frame. */
struct l2_meta {
	uint16_t network; /* bridge domain of the frame */
	uint16_t in_port; /* appliance port it came from */
	uint16_t in_vlan; /* attachment vlan, or NFVA_VLAN_NONE */
};

void slowpath_input(struct worker *w, uint16_t port, struct rte_mbuf **pkts, uint16_t n);

/* Stages; each returns how many packets are still alive (compacted in place). */
uint16_t eth_input(struct worker *w, uint16_t port, struct rte_mbuf **pkts,
		struct l2_meta *meta, uint16_t n);
void l2_learn(struct worker *w, struct rte_mbuf **pkts, const struct l2_meta *meta, uint16_t n);
void l2_forward(struct worker *w, struct rte_mbuf **pkts, const struct l2_meta *meta, uint16_t n);
void l2_flood(struct worker *w, struct rte_mbuf *m, const struct l2_meta *meta);

/* Queue a frame for a local attachment (pushes the vlan tag if any). */
void port_output(struct worker *w, uint16_t port, uint16_t vlan, struct rte_mbuf *m);
/* Send what the worker buffered; called once per poll iteration. */
void port_output_flush(struct worker *w);

#endif
