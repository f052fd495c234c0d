/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Remote underlay addresses (VTEPs, groups) as the datapath holds them: one
 * 32-bit id for either family. The FDB's destination stays one atomic
 * 64-bit word, and templates, flood lists, per-VTEP counters and punted
 * frames keep their 32-bit keys.
 *
 * - IPv4: the address itself, network order. 0.0.0.0/8 is never a VTEP
 *   (RFC 1122: "this network", never a source or destination on the wire):
 *   the uplink drops tunnel packets from it and commands refuse it.
 * - IPv6: 0.0.0.1 to 0.255.255.255 (network order, first byte 0): 1 + the
 *   address's slot in the IPv6 table (vtep6.c).
 *
 * The IPv6 table: rte_hash keyed by the address (RW_CONCURRENCY_LF, the
 * workers' QSBR in defer-queue mode). Workers look up lock-free
 * (decapsulation) and add under a spinlock (the first frame from a new
 * remote VTEP); a freed slot is reused only after a grace period, so an id
 * a worker still holds never names another address.
 *
 * Bound: VTEP6_MAX addresses at once. A full table refuses a new address:
 * its frames are dropped (drop reason vtep6_full) and a command naming it
 * fails. An address is kept while something refers to it (an FDB entry, a
 * template, a configured VTEP: vtep_id_ref) or a frame came from it in the
 * last VTEP6_IDLE_S seconds; the others are released by a periodic sweep
 * (two sweeps 10 s apart must find it unused).
 */
#ifndef NFVA_VTEP_ID_H
#define NFVA_VTEP_ID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include <rte_byteorder.h>

#include "core/ip_addr.h"

#define VTEP6_MAX 4096  /* IPv6 remote addresses known at once */
#define VTEP6_IDLE_S 60 /* unreferenced and silent this long: released */

/* Is id an IPv6 address's id? */
static inline bool vtep_id_is_v6(uint32_t id)
{
	return id != 0 && (rte_be_to_cpu_32(id) >> 24) == 0;
}

/* An IPv4 address (network order) that can never be a VTEP: 0.0.0.0/8. */
static inline bool vtep_ipv4_reserved(uint32_t ip)
{
	return (rte_be_to_cpu_32(ip) >> 24) == 0;
}

/* Workers: the id of IPv6 address a, 0 when it has none. Lock-free. */
uint32_t vtep6_lookup(const uint8_t a[16], uint32_t now);
/* Workers or control: the id of a, given one if it has none; 0 when the
 * table is full (counted in stats vtep6 full). */
uint32_t vtep6_add(const uint8_t a[16], uint32_t now);

/* Any thread: a reference to id was taken (delta 1) or dropped (-1); IPv4
 * ids are ignored. Whoever keeps an id beyond one burst holds one. */
void vtep_id_ref(uint32_t id, int delta);

/* Can ip be a remote VTEP: unicast, not 0.0.0.0/8 or broadcast; for IPv6
 * not link-local, loopback or IPv4-mapped either? */
bool vtep_addr_usable(const struct nfva_ip *ip);
#define VTEP_ADDR_RULE                                                                             \
	"a VTEP is a unicast address (not 0.0.0.0/8, broadcast, multicast, link-local, "           \
	"loopback or IPv4-mapped)"

/* Control: the address id stands for; false for an id with no address. */
bool vtep_id_to_ip(uint32_t id, struct nfva_ip *out);
/* Control: the id of an address of either family (an IPv6 one is added):
 * 0, -EINVAL (0.0.0.0/8), -ENOSPC (the IPv6 table is full). */
int vtep_id_from_ip(const struct nfva_ip *ip, uint32_t *id);
/* Control: id as text (buf of NFVA_IP_STRLEN): an address, or "?" for an
 * IPv6 id released since. */
const char *vtep_id_format(uint32_t id, char *buf, size_t len);
/* Control: the same as a JSON string. */
json_t *vtep_id_json(uint32_t id);

/* The table's life (the module; unit tests): sized VTEP6_MAX, freed slots
 * reused after a grace period of qsbr. */
struct rte_rcu_qsbr;
int vtep6_init(struct rte_rcu_qsbr *qsbr);
void vtep6_fini(void);
/* One sweep at time now (the periodic task passes nfva_now_s()); returns
 * how many addresses it released. */
unsigned vtep6_sweep_at(uint32_t now);
struct vtep6_stats {
	uint32_t count;    /* addresses with an id */
	uint64_t full;     /* additions refused: the table was full */
	uint64_t released; /* addresses the sweep released */
};
void vtep6_get_stats(struct vtep6_stats *st);

#endif
