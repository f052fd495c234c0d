/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Encapsulation templates: one per (owner, remote VTEP or group), holding
 * the outer headers exactly as they go on the wire (outer Ethernet with the
 * resolved next-hop MAC, IPv4 or IPv6, UDP+VXLAN or GRE+key). The slow path prepends
 * these bytes and patches the per-packet fields (lengths, checksum, UDP
 * source port); the offload layer turns the very same bytes into
 * VXLAN_ENCAP / RAW_ENCAP definitions, so hardware and software emit the same.
 *
 * An owner is a network (owner = network index) or another user of tunnels,
 * such as a mirror session toward a remote collector (encap_register_owner).
 *
 * Table: rte_hash (RW_CONCURRENCY_LF) keyed by (owner, ip), written by the
 * control thread only, read lock-free by workers. Templates are immutable
 * (but for their last_used stamp): a change (neighbour MAC, network option)
 * builds a new template, swaps the pointer, and frees the old one after an
 * RCU grace period.
 *
 * Bound (--max-templates): templates toward configured VTEPs, groups and
 * collectors stay; the others (remote VTEPs learned from traffic, RLOCs)
 * expire after --template-idle-s (default 300 s) without a frame (software
 * or e-switch), checked every 5 s, and come back on demand. At the bound a
 * new template is refused and its frame counted in hold_dropped.
 */
#ifndef NFVA_ENCAP_H
#define NFVA_ENCAP_H

#include <stdbool.h>
#include <stdint.h>
#include <rte_mbuf.h>
#include <rte_rcu_qsbr.h>

#include "core/ip_addr.h"

#define ENCAP_MAX_HDR 96 /* ERSPAN III over IPv6: 14 + 40 + 8 + 20 */

struct encap_template {
	uint32_t owner;         /* network index, or a registered owner */
	uint8_t encap;          /* enum dp_encap */
	uint8_t len;            /* bytes to prepend */
	bool resolved;          /* outer destination MAC known */
	bool udp_csum;          /* compute the UDP checksum (else 0) */
	bool ipv6;              /* the outer header is IPv6 (else IPv4) */
	uint32_t last_used;     /* nfva_now_s() of the last frame (relaxed stores) */
	uint32_t vtep_ip;       /* remote VTEP or group: its id (overlay/vtep_id.h) */
	struct nfva_ip nexthop; /* whose MAC is the outer destination; family 0: no route */
	uint8_t hdr[ENCAP_MAX_HDR] __rte_aligned(16);
};

int encap_init(struct rte_rcu_qsbr *qsbr);
void encap_fini(void);

/* Workers: the template for (owner, ip), or NULL. Lock-free. */
const struct encap_template *encap_lookup(uint32_t owner, uint32_t vtep_ip);

/* Workers (a frame used t) and control (the e-switch carried one): t stays. */
static inline void encap_touch(const struct encap_template *t, uint32_t now)
{
	uint32_t *stamp = (uint32_t *)(uintptr_t)&t->last_used;
	if (__atomic_load_n(stamp, __ATOMIC_RELAXED) != now)
		__atomic_store_n(stamp, now, __ATOMIC_RELAXED);
}

/* Control: make sure a template exists (and its next hop is being resolved). */
int encap_ensure(uint32_t owner, uint32_t vtep_ip);
/* Frames for (owner, vtep) without a usable template, punted to be held. */
struct punt_handler;
extern struct punt_handler encap_hold_punt;

/* After templates were made, rebuilt or removed, EVENT_ENCAP_CHANGED is
 * published (control thread). */

/* Who owns templates [base, base + count): networks (l2/network.c), mirror
 * sessions toward remote collectors (mirror/mirror.c). Control thread. */
struct network_overlay;
struct encap_owner_class {
	uint32_t base, count;
	/* The tunnel parameters of owner, or NULL when it is gone. */
	const struct network_overlay *(*overlay)(uint32_t owner);
	/* Should a template of owner toward ip stay? NULL: while overlay() does. */
	bool (*keeps)(uint32_t owner, uint32_t ip);
	/* Is ip configured (a VTEP, group or collector): its template never
	 * expires? NULL: every template of the class is. */
	bool (*pinned)(uint32_t owner, uint32_t ip);
	struct encap_owner_class *next; /* private */
};
void encap_register_owner(struct encap_owner_class *c);

typedef void (*encap_walk_cb)(const struct encap_template *t, void *arg);
void encap_walk(encap_walk_cb cb, void *arg);
unsigned encap_count(void);

#endif
