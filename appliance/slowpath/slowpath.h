/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The software slow path, called by a worker for each received burst
 * (slowpath.c chains the stages):
 *
 *   [mirror_in] ─▶ underlay_input (the uplink: ARP, ICMP, decap stages, decap.h)
 *               └▶ eth_input (local ports)
 *   ─▶ [lisp_local_input] (LISP networks: ARP/ND, routed to an EID or an RLOC)
 *   ─▶ l2_learn ─▶ l2_forward ─▶ (unicast | l2_flood | tunnel_output) ─▶ port_output
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
	uint16_t network;   /* bridge domain of the frame */
	uint16_t in_port;   /* appliance port it came from (the uplink after decap) */
	uint16_t in_vlan;   /* attachment vlan, or NFVA_VLAN_NONE */
	uint32_t from_vtep; /* id of the outer source of a decapsulated frame, 0 if local */
};

/* A burst from port. Each stage's cycles run from w->tsc (the end of the
 * stage before: rx, eswitch) to its own end, which it stores there (stages.h). */
void slowpath_input(struct worker *w, uint16_t port, struct rte_mbuf **pkts, uint16_t n);

/* Stages; each returns how many packets are still alive (compacted in place). */
uint16_t eth_input(struct worker *w, uint16_t port, struct rte_mbuf **pkts, struct l2_meta *meta,
		uint16_t n);
void l2_learn(struct worker *w, struct rte_mbuf **pkts, const struct l2_meta *meta, uint16_t n);
/* Learning deferred because the FDB was being changed, tried again. */
void l2_learn_retry(struct worker *w);
void l2_forward(struct worker *w, struct rte_mbuf **pkts, const struct l2_meta *meta, uint16_t n);
void l2_flood(struct worker *w, struct rte_mbuf *m, const struct l2_meta *meta);

/* The uplink: ARP, ICMP echo and decapsulation into the L2 stages. */
uint16_t underlay_input(struct worker *w, uint16_t port, struct rte_mbuf **pkts,
		struct l2_meta *meta, uint16_t n);
/* Tunnel decapsulation: the stages register in decap.h. */
/* Strict-mode and inner-length checks shared by the decapsulators; fills
 * outer->src for a new IPv6 VTEP. */
struct decap_outer;
int tunnel_accept(struct worker *w, struct rte_mbuf *m, uint16_t network, struct decap_outer *outer,
		struct l2_meta *meta);
void icmp_input(struct worker *w, struct rte_mbuf *m, uint16_t port);
/* IPv6 on the uplink (ND, ICMPv6 echo): a drop reason, or DROP_NONE with
 * meta->network NONE when consumed. */
struct l2_meta;
int ipv6_input(struct worker *w, uint16_t port, struct rte_mbuf *m, struct l2_meta *meta);
/* Encapsulate toward (network, vtep) and send on the uplink; drops before
 * encapsulation are counted on in_port. */
void tunnel_output(struct worker *w, struct rte_mbuf *m, uint16_t in_port, uint32_t owner,
		uint32_t vtep_ip);
/* Prepend template t and fill the per-packet fields; returns the outer IPv4
 * or IPv6 header (t->ipv6), or NULL when m was dropped (counted on in_port). */
struct encap_template;
void *tunnel_encap(struct worker *w, struct rte_mbuf *m, uint16_t in_port,
		const struct encap_template *t);
/* Mirror sessions: copies of frames entering from (in) or leaving through
 * (out) a source port. The original frame is never changed or delayed. */
void mirror_in(struct worker *w, uint16_t port, struct rte_mbuf **pkts, uint16_t n);
void mirror_out(struct worker *w, uint16_t port, struct rte_mbuf *m);
/* Copies an e-switch handed over for mirroring (OFFLOAD_MIRROR_MARK): the
 * sessions' copies are made from each and it is freed. The other frames are
 * compacted; returns their count. */
uint16_t mirror_marked(struct worker *w, struct rte_mbuf **pkts, uint16_t n);

/* LISP networks (lisp_*.c). Frames of LISP networks from local ports:
 * ARP/ND answered, IP routed to a local EID or encapsulated toward an RLOC.
 * Returns the frames left for the L2 stages (other networks), compacted
 * with their meta. */
uint16_t lisp_local_input(struct worker *w, struct rte_mbuf **pkts, struct l2_meta *meta,
		uint16_t n);
uint16_t lisp_arp_input(struct worker *w, struct rte_mbuf *m, const struct l2_meta *meta);
uint16_t lisp_nd_input(struct worker *w, struct rte_mbuf *m, const struct l2_meta *meta);

/* Worker 0: frames from the control thread (ARP, IGMP, released held frames);
 * returns how many it took. */
unsigned ctrl_input(struct worker *w);

/* Queue a frame for a local attachment (pushes the vlan tag if any). */
void port_output(struct worker *w, uint16_t port, uint16_t vlan, struct rte_mbuf *m);
/* Send what the worker buffered; called once per poll iteration. Returns
 * the frames handed to the ports' tx bursts. */
unsigned port_output_flush(struct worker *w);

#endif
