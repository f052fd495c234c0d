/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Packets crossing between workers and the control thread, all through
 * rte_rings so neither side locks:
 * - punt (workers -> control, MP/SC): ARP for the neighbour table, LISP
 *   control, frames waiting for an encapsulation template or a neighbour
 *   (held)... Each kind of punted frame has a handler that its module
 *   registers (PUNT_HANDLER); the control thread hands each frame to it.
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
#include <jansson.h>

/* What control sends to worker 0 (the punt kinds are registered handlers). */
enum ctrl_kind {
	CTRL_TX = 1,   /* send as is on port */
	CTRL_REINJECT, /* encapsulate again toward (owner, vtep) */
};

struct pkt_meta {
	uint8_t kind;     /* punt: punt_handler.kind; ctrl: enum ctrl_kind */
	uint16_t port;    /* CTRL_TX: appliance port; punts: the ingress port */
	uint32_t owner;   /* held frames, CTRL_REINJECT: template owner (encap.h) */
	uint32_t vtep_ip; /* held frames, CTRL_REINJECT: network order */
};

/*
 * A kind of punted frame and who takes it (control thread). Each kind may
 * have at most quota frames waiting at once, so that one kind (a VM
 * spraying unknown destinations) can never starve another (uplink ARP):
 * beyond it the frame is refused and counted in that kind's quota_full.
 */
#define PUNT_MAX_KINDS 16
#define PUNT_DEFAULT_QUOTA 256
struct punt_handler {
	const char *name;                  /* in `stats` (section punt) */
	void (*input)(struct rte_mbuf *m); /* control thread; consumes m */
	uint32_t quota;                    /* frames waiting at most; 0: PUNT_DEFAULT_QUOTA */
	uint8_t kind;                      /* assigned at registration, 1.. */
	struct punt_handler *next;         /* private */
};
void punt_register(struct punt_handler *h);
#define PUNT_HANDLER(var)                                                                          \
	RTE_INIT(punt_register_##var)                                                              \
	{                                                                                          \
		punt_register(&var);                                                               \
	}

extern int pkt_meta_offset;
static inline struct pkt_meta *pkt_meta(struct rte_mbuf *m)
{
	return RTE_MBUF_DYNFIELD(m, pkt_meta_offset, struct pkt_meta *);
}

int punt_init(void);
void punt_fini(void);

/* Workers: hand a frame to h's handler; false (frame not taken) when full. */
bool punt_to_control(struct rte_mbuf *m, const struct punt_handler *h);
/* Control: hand up to a batch of punted frames to their handlers; returns
 * how many were taken. */
unsigned punt_service(void);
/* Control: queue a frame for worker 0; frees it and returns false when full. */
bool ctrl_send(struct rte_mbuf *m, uint16_t port);
bool ctrl_reinject(struct rte_mbuf *m, uint32_t owner, uint32_t vtep_ip);
/* Worker 0: take frames from control. */
unsigned ctrl_dequeue(struct rte_mbuf **pkts, unsigned max);

struct punt_stats {
	uint64_t punted;
	uint64_t punt_full; /* refused: the kind's quota or the ring was full */
	uint64_t ctrl_sent;
	uint64_t ctrl_full;
};
void punt_get_stats(struct punt_stats *s);
/* {kind: {punted, quota_full, waiting, quota}} for `stats`. */
json_t *punt_kinds_json(void);

#endif
