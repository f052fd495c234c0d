/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbour Discovery on the uplink, control side (RFC 4861): answers
 * Neighbor Solicitations for the uplink's IPv6 address with a solicited
 * Neighbor Advertisement, and feeds the neighbour table from what it is
 * told. The workers already validated the messages (nd.h); here only what
 * may change the table:
 * - an NS for our address creates (STALE) an entry for its sender when the
 *   sender is on our prefix and gives its link-layer address (7.2.3);
 * - an NA only updates an entry that exists (we asked, or learned it from
 *   an NS): one for an address we never asked about creates nothing and
 *   counts in na_unsolicited.
 * Duplicate Address Detection is not done (the address is configured).
 */
#include <string.h>

#include <rte_ip.h>

#include "core/bounds.h"
#include "core/event.h"
#include "core/ip_addr.h"
#include "core/punt.h"
#include "core/ratelimit.h"
#include "overlay/nd.h"
#include "overlay/neigh_private.h"
#include "overlay/underlay.h"
#include "overlay/underlay_tx.h"

static struct token_bucket na_replies;

RTE_INIT(neigh_nd_rate)
{
	na_replies = (struct token_bucket){ .rate = ND_REPLY_RATE, .burst = ND_REPLY_BURST };
}

static void nd_ns_input(const struct underlay *u, const struct rte_ipv6_hdr *ip,
		const struct rte_ether_hdr *eth, const struct nd_msg *msg)
{
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	bool from_unspecified = ipv6_is_unspecified(ip->src_addr);

	if (memcmp(msg->target, u->ip6, 16) != 0) {
		neigh_table.stats.nd_ignored++;
		return;
	}
	if (!token_bucket_take(&na_replies)) {
		neigh_table.stats.na_rate_limited++;
	} else {
		/* From :: (another node's DAD): to all nodes, not solicited. */
		struct rte_ether_addr mac = msg->has_lladdr ? msg->lladdr : eth->src_addr;
		uint8_t flags = ND_NA_FLAG_OVERRIDE | (from_unspecified ? 0 : ND_NA_FLAG_SOLICITED);
		if (from_unspecified)
			ipv6_multicast_mac(all_nodes, &mac);
		if (underlay_send_na(from_unspecified ? all_nodes : ip->src_addr, &mac, flags) == 0)
			neigh_table.stats.ns_answered++;
	}
	if (from_unspecified || !msg->has_lladdr)
		return;
	struct nfva_ip src = nfva_ip_v6(ip->src_addr);
	bool on_prefix = ipv6_same_prefix(ip->src_addr, u->ip6, u->prefix6_len) &&
			memcmp(ip->src_addr, u->ip6, 16) != 0;
	if (!on_prefix && neigh_find(&src) == NULL) {
		neigh_table.stats.nd_ignored++;
		return;
	}
	if (neigh_find(&src) == NULL)
		neigh_table.stats.nd_learned_stale++;
	neigh_learn_stale(&src, &msg->lladdr, on_prefix);
}

static void nd_na_input(const struct underlay *u, const struct nd_msg *msg)
{
	struct nfva_ip target = nfva_ip_v6(msg->target);
	struct neigh *n = neigh_find(&target);

	if (n == NULL) {
		neigh_table.stats.na_unsolicited++;
		return;
	}
	bool usable = n->state == NEIGH_REACHABLE || n->state == NEIGH_STALE;
	bool same = msg->has_lladdr && rte_is_same_ether_addr(&msg->lladdr, &n->mac);
	bool override = (msg->flags & ND_NA_FLAG_OVERRIDE) != 0;
	/* 7.2.5: without the option the MAC cannot be learned, only confirmed. */
	struct rte_ether_addr mac = msg->has_lladdr ? msg->lladdr : n->mac;
	if (memcmp(msg->target, u->ip6, 16) == 0 || n->state == NEIGH_PERMANENT ||
			(!msg->has_lladdr && !usable) || (usable && !same && !override)) {
		neigh_table.stats.nd_ignored++;
		return;
	}
	neigh_table.stats.na_received++;
	if (msg->flags & ND_NA_FLAG_SOLICITED)
		neigh_update(&target, &mac, false);
	else
		neigh_learn_stale(&target, &mac, false);
}

static void neigh_nd_input(struct rte_mbuf *m)
{
	const struct underlay *u = underlay_get();
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)(eth + 1);
	uint32_t room = rte_pktmbuf_data_len(m);
	struct nd_msg msg;

	/* The worker checked it against the snapshot; the underlay may have
	 * changed since, and this re-reads the fields. */
	if (!u->active || !u->has_ip6 || room < sizeof(*eth) + sizeof(*ip) ||
			room < sizeof(*eth) + sizeof(*ip) + rte_be_to_cpu_16(ip->payload_len) ||
			nd_parse(ip, (const uint8_t *)(ip + 1), rte_be_to_cpu_16(ip->payload_len),
					&msg) < 0) {
		neigh_table.stats.nd_ignored++;
	} else if (msg.type == ND_NEIGHBOR_SOLICIT) {
		nd_ns_input(u, ip, eth, &msg);
	} else {
		nd_na_input(u, &msg);
	}
	rte_pktmbuf_free(m);
}

struct punt_handler neigh_nd_punt = { .name = "nd", .input = neigh_nd_input, .quota = 1024 };
PUNT_HANDLER(neigh_nd_punt)

/* The IPv6 gateway is resolved as soon as it is configured (nothing sends
 * through it yet: this keeps its state visible in `neigh show`). */
static int neigh_nd_underlay_changed(const struct nfva_event *ev)
{
	const struct underlay *u = underlay_get();
	(void)ev;
	if (u->active && u->has_ip6 && !ipv6_is_unspecified(u->gateway6)) {
		struct nfva_ip gw = nfva_ip_v6(u->gateway6);
		neigh_want(&gw);
	}
	return 0;
}
EVENT_SUBSCRIBE(EVENT_UNDERLAY_CHANGED, neigh_nd_underlay_changed)
