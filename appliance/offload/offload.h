/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The NIC boundary: the only offload header the rest of the appliance sees;
 * rte_flow stays behind it, in appliance/offload/ (docs/architecture.md).
 *
 * The slow path emits *decisions* — what it would do again for every later
 * packet of a flow — and the offload engine turns each into an rte_flow
 * transfer rule on the port's e-switch (a real NIC through the transfer
 * proxy, or the emulated e-switch on vdevs), keeps the link to what the
 * decision depends on (FDB entries, encapsulation template, ports, network),
 * and removes or replaces the rule when any of them changes.
 *
 * Threads: workers call offload_request()/offload_request_move(), which
 * only enqueue (lock-free ring, per-worker duplicate filter). Everything else
 * runs on the control thread, the single writer of rules.
 */
#ifndef NFVA_OFFLOAD_H
#define NFVA_OFFLOAD_H

#include <stdbool.h>
#include <stdint.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

struct emu_switch;

enum offload_kind {
	OFFLOAD_L2 = 1,     /* VF -> VF by (src, dst) MAC and vlan */
	OFFLOAD_ENCAP,      /* VF -> tunnel to a remote VTEP */
	OFFLOAD_DECAP,      /* uplink tunnel -> VF */
	OFFLOAD_LISP_ENCAP, /* VF -> LISP: IPv4 EID to the one best RLOC of its map-cache entry */
	OFFLOAD_LISP_DECAP, /* uplink LISP from an IPv4/IPv6 RLOC -> VF of a local IPv4 EID */
};

/* A decision of the slow path; also the key of the rule table (zero padded:
 * build it with a designated initializer). */
struct offload_decision {
	uint8_t kind; /* enum offload_kind */
	uint8_t pad;
	uint16_t network;
	uint16_t in_port;          /* appliance port: the VF (L2, ENCAP) or the uplink (DECAP) */
	uint16_t in_vlan;          /* tag on the ingress VF, NFVA_VLAN_NONE */
	uint16_t out_port;         /* L2, DECAP: the VF; ENCAP: the uplink */
	uint16_t out_vlan;         /* tag to push toward the VF, NFVA_VLAN_NONE */
	uint32_t vtep_ip;          /* ENCAP: destination VTEP / RLOC; DECAP: source VTEP / RLOC
	                            * (an id, overlay/vtep_id.h: IPv4 or an IPv6 slot) */
	struct rte_ether_addr src; /* LISP: the VM's MAC (ENCAP), the gateway MAC (DECAP) */
	struct rte_ether_addr dst; /* LISP: the gateway MAC (ENCAP), the VM's MAC (DECAP) */
	uint32_t eid_src;          /* LISP_ENCAP: the VM's IPv4 EID (network order) */
	uint32_t eid_dst;          /* LISP: the destination IPv4 EID, matched as a host */
};

/* Mirror copies the e-switch hands to the slow path (SAMPLE -> MARK +
 * PORT_REPRESENTOR) carry this mark: the session set is the port's sessions
 * in that direction, the copy is made there in software (filters, snap
 * length, ERSPAN), the frame itself is not forwarded again. */
#define OFFLOAD_MIRROR_MARK 0x4d000000u
#define OFFLOAD_MIRROR_MARK_MASK 0xff000000u
#define OFFLOAD_MIRROR_MARK_OUT 0x00010000u
static inline uint32_t offload_mirror_mark(uint16_t port, bool out)
{
	return OFFLOAD_MIRROR_MARK | (out ? OFFLOAD_MIRROR_MARK_OUT : 0) | port;
}

/* Workers: ask for a rule (cheap, may be dropped when the ring is full). */
void offload_request(unsigned worker, uint32_t now_s, const struct offload_decision *d);
/* Workers: a MAC seen at a new place where e-switch rules may depend on it.
 * The control thread removes those rules, then moves the FDB entry to dest
 * (a packed union fdb_dest) within limits (a struct fdb_limits). */
struct fdb_limits;
/* from: where the FDB holds the MAC now (a packed union fdb_dest). Returns
 * true when the move was queued (false: asked already this second, or the
 * ring is full — the next frame asks again). */
bool offload_request_move(unsigned worker, uint32_t now_s, uint16_t network,
		const struct rte_ether_addr *mac, uint64_t dest, uint64_t from,
		const struct fdb_limits *limits);

/* Workers: run a received burst through the port's emulated e-switch; hits
 * are executed and sent through out(ctx, ethdev, m); misses and copies for
 * the slow path (marked) are compacted to the front of pkts (room for cap)
 * and their count returned (they go to the slow path). */
typedef void (*offload_output_fn)(void *ctx, uint16_t out_ethdev, struct rte_mbuf *m);
uint16_t offload_eswitch_rx(struct emu_switch *sw, uint16_t in_ethdev, struct rte_mbuf **pkts,
		uint16_t n, uint16_t cap, offload_output_fn out, void *ctx);

/* Control thread. */
int offload_init(void);
void offload_fini(void);
/* Process queued requests and invalidations; returns how many. */
unsigned offload_service(void);

#endif
