/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ARP on the uplink, control side: answers requests for the VTEP address and
 * feeds the neighbour table. Like Linux, a request aimed at us creates an
 * entry for its sender, but only for a unicast sender on the VTEP's subnet
 * (a host we could ever send to directly; such entries are the first to be
 * evicted); other ARP (replies, gratuitous ARP, requests for others) only
 * refreshes or changes entries that exist: nothing else fills the table.
 */
#include <netinet/in.h>

#include <rte_arp.h>

#include "core/punt.h"
#include "core/ratelimit.h"
#include "overlay/neigh_private.h"
#include "overlay/underlay.h"
#include "overlay/underlay_tx.h"

static bool arp_valid(const struct rte_mbuf *m, const struct rte_arp_hdr **out)
{
	if (rte_pktmbuf_data_len(m) < sizeof(struct rte_ether_hdr) + sizeof(struct rte_arp_hdr))
		return false;
	const struct rte_arp_hdr *arp = rte_pktmbuf_mtod_offset(m, const struct rte_arp_hdr *,
			sizeof(struct rte_ether_hdr));
	if (arp->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
			arp->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
			arp->arp_hlen != RTE_ETHER_ADDR_LEN || arp->arp_plen != 4)
		return false;
	if (!rte_is_unicast_ether_addr(&arp->arp_data.arp_sha))
		return false;
	*out = arp;
	return true;
}

/* A unicast address of the VTEP's subnet other than ours and the subnet's
 * broadcast: a sender we may remember. */
static bool on_our_subnet(const struct underlay *u, uint32_t ip)
{
	uint32_t mask = underlay_prefix_mask(u->prefix_len);
	uint32_t host = rte_be_to_cpu_32(ip);
	if ((ip & mask) != (u->ip & mask) || ip == u->ip || IN_MULTICAST(host))
		return false;
	return (ip & ~mask) != 0 && (ip | mask) != UINT32_MAX;
}

static struct token_bucket arp_replies;

RTE_INIT(neigh_arp_rate)
{
	arp_replies = (struct token_bucket){ .rate = ARP_REPLY_RATE,
		.burst = ARP_REPLY_BURST,
		.tokens = 0,
		.last_tsc = 0 };
}

static void neigh_arp_input(struct rte_mbuf *m)
{
	const struct underlay *u = underlay_get();
	const struct rte_arp_hdr *arp;

	if (!u->active || u->ip == 0 || !arp_valid(m, &arp) || arp->arp_data.arp_sip == u->ip) {
		neigh_table.stats.arp_ignored++;
		rte_pktmbuf_free(m);
		return;
	}
	uint32_t sip = arp->arp_data.arp_sip, tip = arp->arp_data.arp_tip;
	struct rte_ether_addr sha = arp->arp_data.arp_sha;
	bool for_us = tip == u->ip;

	if (arp->arp_opcode == RTE_BE16(RTE_ARP_OP_REQUEST) && for_us) {
		if (!token_bucket_take(&arp_replies))
			neigh_table.stats.replies_rate_limited++;
		else if (underlay_send_arp_reply(sip, &sha) == 0)
			neigh_table.stats.requests_answered++;
	} else if (arp->arp_opcode == RTE_BE16(RTE_ARP_OP_REPLY) && for_us) {
		neigh_table.stats.replies++;
	}
	/* A sender off the subnet (or multicast, broadcast) never gets an
	 * entry: counted, so that a flood of them shows. */
	bool on_subnet = on_our_subnet(u, sip);
	if (sip != 0 && !on_subnet)
		neigh_table.stats.arp_ignored++;
	if (sip != 0) {
		struct nfva_ip key = nfva_ip_v4(sip);
		neigh_update(&key, &sha, for_us && on_subnet);
	}
	rte_pktmbuf_free(m);
}

struct punt_handler neigh_arp_punt = { .name = "arp", .input = neigh_arp_input, .quota = 1024 };
PUNT_HANDLER(neigh_arp_punt)
