/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LISP as the workers see it: the local EID table, the map-cache and the
 * slow-path stages of LISP networks (slowpath/lisp_*.c).
 *
 * Tables (all written by the control thread only, read lock-free):
 * - EIDs (eid.c): (network, address) -> (MAC, port, vlan) of a local VM,
 *   rte_hash RW_CONCURRENCY_LF. Entries are immutable but for last_seen; a
 *   change publishes a new entry and frees the old one after an RCU grace
 *   period. Workers never insert: an unknown or moved source is reported on
 *   a ring (lisp_eid_report) and control learns it.
 * - Map-cache (map_cache.c): per network and family an rte_fib / rte_fib6
 *   from EID prefix to an entry index; entries are immutable, replaced and
 *   freed after a grace period; after any prefix deletion control waits for
 *   a grace period before the next table write, so a reader never walks a
 *   recycled tbl8 group.
 */
#ifndef NFVA_LISP_DP_H
#define NFVA_LISP_DP_H

#include <stdbool.h>
#include <stdint.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#define LISP_DATA_PORT 4341
#define LISP_CTRL_PORT 4342
#define LISP_MAX_RLOCS 8

/* An address of either family; v4 uses the first 4 bytes (network order). */
struct lisp_addr {
	uint8_t family; /* AF_INET or AF_INET6 */
	uint8_t bytes[16];
};

struct lisp_eid_key {
	uint16_t network;
	uint8_t family;
	uint8_t pad;
	uint8_t addr[16]; /* IPv4: first 4 bytes, rest zero */
};

#define LISP_EID_STATIC 0x01 /* configured: never aged, never moved by learning */

struct lisp_eid {
	struct lisp_eid_key key;
	struct rte_ether_addr mac;
	uint16_t port;      /* appliance port of the VM */
	uint16_t vlan;      /* attachment vlan or NFVA_VLAN_NONE */
	uint8_t flags;      /* LISP_EID_* */
	uint32_t last_seen; /* nfva_now_s(): workers store it relaxed */
	uint32_t created;
};

enum lisp_mc_kind {
	LISP_MC_STATIC = 1, /* lisp map-cache add */
	LISP_MC_DYNAMIC,    /* from a Map-Reply */
	LISP_MC_NEGATIVE,   /* negative Map-Reply, or a configured negative entry */
	LISP_MC_PENDING,    /* a Map-Request is out: drop quietly until it is answered */
};

/* Map-Reply actions (RFC 9301 ACT) of negative entries. */
enum lisp_action {
	LISP_ACT_NONE = 0,
	LISP_ACT_NATIVE = 1,      /* natively forward: nfva has no native path, so drop */
	LISP_ACT_MAP_REQUEST = 2, /* send a Map-Request (rate-limited) and drop */
	LISP_ACT_DROP = 3,
	LISP_ACT_DROP_POLICY = 4,
	LISP_ACT_DROP_AUTH = 5,
};

struct lisp_rloc {
	uint32_t id;      /* VTEP id (overlay/vtep_id.h): IPv4 address or IPv6 id */
	uint8_t priority; /* lower wins; 255 = do not use */
	uint8_t weight;   /* share among RLOCs of the best priority */
};

struct lisp_mc_entry {
	uint16_t network;
	uint8_t kind;   /* enum lisp_mc_kind */
	uint8_t action; /* enum lisp_action (negative entries) */
	uint8_t plen;
	uint8_t n_rlocs;
	uint8_t n_best;       /* usable RLOCs of the lowest priority, first in best[] */
	bool configured;      /* made by a command (static, or a configured negative entry) */
	uint16_t best_weight; /* sum of their weights (0: share equally) */
	struct lisp_addr prefix;
	uint32_t ttl_s;      /* 0 = no expiry */
	uint64_t expires_ms; /* control clock (neigh_now_ms) */
	struct lisp_rloc rlocs[LISP_MAX_RLOCS];
	uint8_t best[LISP_MAX_RLOCS]; /* indexes into rlocs */
};

/* Workers. */
const struct lisp_eid *lisp_eid_lookup(uint16_t network, uint8_t family, const void *addr);
/* A source seen from a VM that the table does not hold (or holds elsewhere):
 * queue it for the control thread; cheap, lossy when the ring is full. */
void lisp_eid_report(uint16_t network, uint8_t family, const void *addr,
		const struct rte_ether_addr *mac, uint16_t port, uint16_t vlan);
/* Control: traffic of the EID was seen elsewhere (an e-switch rule's hits). */
void lisp_eid_touch(uint16_t network, uint8_t family, const void *addr, uint32_t now_s);
const struct lisp_mc_entry *lisp_mc_lookup(uint16_t network, uint8_t family, const void *addr);
/* The RLOC for a flow hash, or NULL when the entry has none usable. */
const struct lisp_rloc *lisp_mc_pick(const struct lisp_mc_entry *e, uint32_t hash);

/* Encapsulate m (an IP packet of a LISP network, Ethernet header stripped)
 * with template t (lisp_encap.c) and fill the per-packet fields. hash is the
 * inner flow's (ip_flow_hash). Returns DROP_NONE, or why m cannot go (m is
 * then untouched: the caller drops it and counts the reason). Workers and
 * the control thread (held frames) both call it. */
struct encap_template;
int lisp_encap(struct rte_mbuf *m, const struct encap_template *t, uint32_t hash, uint16_t mtu);

/* What the LISP stages punt to the control thread (lisp.c handles them):
 * control messages (UDP 4342), map-cache misses (a Map-Request is due),
 * frames for an RLOC whose template is not usable yet (held), and
 * decapsulated packets to an unknown local EID (gleaning). */
struct punt_handler;
extern struct punt_handler lisp_ctrl_punt, lisp_miss_punt, lisp_hold_punt, lisp_glean_punt;

#endif
