/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Underlay neighbours (IPv4 or IPv6 -> MAC, one table for both families,
 * resolved by ARP or by Neighbour Discovery), owned by the control thread; workers
 * never read it: they use encapsulation templates, which carry the resolved
 * MAC. Resolution: INCOMPLETE (ARP request sent, retried every second, up
 * to 3 times) -> REACHABLE on a reply -> STALE after the reachable time
 * (still used, re-probed) -> FAILED when probes go unanswered. Static
 * entries (PERMANENT) never change. A frame waiting for resolution is held
 * in a small bounded queue per neighbour, released when it resolves and
 * dropped (counted) when it fails.
 */
#ifndef NFVA_NEIGH_H
#define NFVA_NEIGH_H

#include <stdbool.h>
#include <stdint.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "core/ip_addr.h"

enum neigh_state {
	NEIGH_INCOMPLETE,
	NEIGH_REACHABLE,
	NEIGH_STALE,
	NEIGH_FAILED,
	NEIGH_PERMANENT,
};

/* The MAC of ip if known (any state but INCOMPLETE/FAILED). */
bool neigh_mac_ip(const struct nfva_ip *ip, struct rte_ether_addr *mac);
/* Start resolving ip if it is unknown. */
void neigh_resolve_ip(const struct nfva_ip *ip);
/* Resolve ip now and keep it resolved (wanted); a STALE entry is probed at
 * once. -ENOSPC when the table has no room. */
int neigh_want(const struct nfva_ip *ip);
int neigh_add_static_ip(const struct nfva_ip *ip, const struct rte_ether_addr *mac);
int neigh_del_ip(const struct nfva_ip *ip);

/* The IPv4 API (network order), what templates and LISP use. */
static inline bool neigh_mac(uint32_t ip, struct rte_ether_addr *mac)
{
	struct nfva_ip a = nfva_ip_v4(ip);
	return neigh_mac_ip(&a, mac);
}
static inline void neigh_resolve(uint32_t ip)
{
	struct nfva_ip a = nfva_ip_v4(ip);
	neigh_resolve_ip(&a);
}
static inline int neigh_add_static(uint32_t ip, const struct rte_ether_addr *mac)
{
	struct nfva_ip a = nfva_ip_v4(ip);
	return neigh_add_static_ip(&a, mac);
}
static inline int neigh_del(uint32_t ip)
{
	struct nfva_ip a = nfva_ip_v4(ip);
	return neigh_del_ip(&a);
}
/* Hold m until ip resolves; frees m (counted) when the queue is full. */
void neigh_hold_ip(const struct nfva_ip *ip, struct rte_mbuf *m);
static inline void neigh_hold(uint32_t ip, struct rte_mbuf *m)
{
	struct nfva_ip a = nfva_ip_v4(ip);
	neigh_hold_ip(&a, m);
}
/* ARP and Neighbour Discovery frames the uplink punts (neigh_arp.c,
 * neigh_nd.c take them). */
struct punt_handler;
extern struct punt_handler neigh_arp_punt;
extern struct punt_handler neigh_nd_punt;
/* Forget dynamic state (underlay changed). */
void neigh_flush(void);

/* When a neighbour's MAC appears, changes or goes: EVENT_NEIGH_CHANGED. */

#endif
