/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packets crossing between workers and the control thread, all through
 * rte_rings so neither side locks:
 * - punt (workers -> control, MP/SC): ARP for the neighbour table, and
 *   frames waiting for an encapsulation template or a neighbour (held).
 * - ctrl (control -> worker 0, SP/SC): frames control originates (ARP
 *   requests, IGMP reports) and held frames released for encapsulation.
 * The metadata that travels with a frame sits in an mbuf dynamic field.
 */
#ifndef NFVA_PUNT_H
#define NFVA_PUNT_H

#include <stdbool.h>
#include <stdint.h>
#include <rte_mbuf.h>
#include <rte_mbuf_dyn.h>

enum punt_kind {
	PUNT_ARP = 1,    /* an ARP frame from the uplink */
	PUNT_HOLD,       /* a frame for (owner, vtep) whose template is missing or unresolved */
	CTRL_TX,         /* send as is on port */
	CTRL_REINJECT,   /* encapsulate again toward (owner, vtep) */
	PUNT_LISP_CTRL,  /* LISP control message (UDP 4342) from the uplink, whole frame */
	PUNT_LISP_MISS,  /* map-cache miss: frame from a VM of network owner (Map-Request) */
	PUNT_LISP_HOLD,  /* frame of network owner for RLOC vtep_ip, template not usable */
	PUNT_LISP_GLEAN, /* decapsulated IP packet of network owner to an unknown EID */
};

struct pkt_meta {
	uint8_t kind;     /* enum punt_kind */
	uint16_t port;    /* CTRL_TX: appliance port */
	uint32_t owner;   /* PUNT_HOLD / CTRL_REINJECT: template owner (encap.h) */
	uint32_t vtep_ip; /* PUNT_HOLD / CTRL_REINJECT, network order */
};

extern int pkt_meta_offset;
static inline struct pkt_meta *pkt_meta(struct rte_mbuf *m)
{
	return RTE_MBUF_DYNFIELD(m, pkt_meta_offset, struct pkt_meta *);
}

int punt_init(void);
void punt_fini(void);

/* Workers: hand a frame to control; false (frame not taken) when full. */
bool punt_to_control(struct rte_mbuf *m, enum punt_kind kind);
/* Control: take punted frames. */
unsigned punt_dequeue(struct rte_mbuf **pkts, unsigned max);
/* Control: queue a frame for worker 0; frees it and returns false when full. */
bool ctrl_send(struct rte_mbuf *m, uint16_t port);
bool ctrl_reinject(struct rte_mbuf *m, uint32_t owner, uint32_t vtep_ip);
/* Worker 0: take frames from control. */
unsigned ctrl_dequeue(struct rte_mbuf **pkts, unsigned max);

struct punt_stats {
	uint64_t punted;
	uint64_t punt_full;
	uint64_t ctrl_sent;
	uint64_t ctrl_full;
};
void punt_get_stats(struct punt_stats *s);

#endif
