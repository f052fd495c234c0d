/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * underlay_input: frames received on the uplink. ARP goes to the control
 * thread (neighbour table, replies for the VTEP address); IPv6 to
 * ipv6_input (Neighbour Discovery, ICMPv6 echo); IPv4 to the VTEP
 * address or to a multicast group is validated, ICMP echo answered, and
 * UDP and GRE handed to the decapsulation stage registered for their port or
 * protocol type (decap.h). Nothing else crosses into an overlay: it is
 * counted (not_tunnel, not_for_us) and dropped.
 */
#include <rte_ip.h>
#include <rte_udp.h>
#include <rte_ip_frag.h>

#include "core/datapath.h"
#include "core/punt.h"
#include "overlay/neigh.h"
#include "overlay/vtep_id.h"
#include "slowpath/decap.h"
#include "slowpath/slowpath.h"

static bool eth_for_us(const struct rte_ether_hdr *eth, const struct dp_underlay *u)
{
	return rte_is_same_ether_addr(&eth->dst_addr, &u->mac) ||
			rte_is_multicast_ether_addr(&eth->dst_addr);
}

/* The stages read the headers in place: a frame spread over segments must
 * carry at least this much (or all of itself) in the first one. */
#define HEADERS_IN_FIRST_SEGMENT 192

/* Validates the outer IPv4 header against the whole frame (all segments)
 * and trims Ethernet padding. */
static enum drop_reason ipv4_check(struct rte_mbuf *m, const struct rte_ipv4_hdr **out)
{
	uint32_t len = rte_pktmbuf_pkt_len(m) - sizeof(struct rte_ether_hdr);
	uint32_t first = rte_pktmbuf_data_len(m);
	if (len < sizeof(struct rte_ipv4_hdr) || first < sizeof(struct rte_ether_hdr) + 20)
		return DROP_IP_INVALID;
	if (first < RTE_MIN(rte_pktmbuf_pkt_len(m), (uint32_t)HEADERS_IN_FIRST_SEGMENT))
		return DROP_TRUNCATED;
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv4_hdr *,
			sizeof(struct rte_ether_hdr));
	uint32_t hlen = rte_ipv4_hdr_len(ip);
	uint32_t total = rte_be_to_cpu_16(ip->total_length);
	if ((ip->version_ihl >> 4) != 4 || hlen < sizeof(*ip) || total < hlen || total > len)
		return DROP_IP_INVALID;
	if (rte_raw_cksum(ip, hlen) != 0xffff)
		return DROP_IP_INVALID;
	if (rte_ipv4_frag_pkt_is_fragmented(ip))
		return DROP_IP_FRAGMENT;
	if (total < len && rte_pktmbuf_trim(m, len - total) != 0)
		return DROP_TRUNCATED; /* padding longer than the last segment: odd, refused */
	*out = ip;
	return DROP_NONE;
}

/* A UDP checksum, when the sender set one, must be right. IPv4 allows 0;
 * over IPv6 a 0 is noted, and only networks that agreed take it. */
static bool udp_checksum_ok(struct decap_outer *o, const uint8_t *l4)
{
	const struct rte_udp_hdr *udp = (const struct rte_udp_hdr *)l4;

	if (udp->dgram_cksum == 0) {
		o->udp_zero_csum6 = o->ip6 != NULL;
		return true;
	}
	if (o->ip6 != NULL)
		return rte_ipv6_udptcp_cksum_verify(o->ip6, udp) == 0;
	return rte_ipv4_udptcp_cksum_verify(o->ip4, udp) == 0;
}

/* A tunnel packet for us (either family, outer header in o): checks the
 * UDP or GRE header's length, hands it to the stage of its key, counts it
 * per remote VTEP. */
int decap_dispatch(struct worker *w, uint16_t port, struct rte_mbuf *m, struct decap_outer *o,
		uint8_t proto, bool to_group, struct l2_meta *meta)
{
	/* The stage's key: the UDP destination port or the GRE protocol type. */
	const uint8_t *l4 = decap_l4(m, o);
	if (o->l4_len < (proto == IPPROTO_UDP ? sizeof(struct rte_udp_hdr) : 4u))
		return DROP_TUNNEL_TRUNCATED;
	if (proto == IPPROTO_UDP && (uint32_t)(l4[4] << 8 | l4[5]) != o->l4_len)
		return DROP_UDP_LENGTH; /* shorter: trailing bytes would ride along; longer: lies */
	if (proto == IPPROTO_UDP && !udp_checksum_ok(o, l4))
		return DROP_UDP_CHECKSUM;
	uint16_t key = (uint16_t)(l4[2] << 8 | l4[3]); /* both sit at bytes 2-3 */
	const struct decap_stage *stage = decap_find(w->cfg, proto, key, to_group, o->ip6 != NULL);
	if (stage == NULL)
		return DROP_NOT_TUNNEL;
	meta->in_port = port;
	meta->in_vlan = NFVA_VLAN_NONE;
	/* Tunnel traffic for us: counted per remote address (core/vtep_stats.h);
	 * a new IPv6 VTEP gets its id in the stage (tunnel_accept). */
	uint32_t len = rte_pktmbuf_pkt_len(m);
	int why = stage->input(w, port, m, o, meta);
	if (why == DROP_NONE)
		vtep_count_rx(&w->vteps, o->src, len);
	else
		vtep_count_drop(&w->vteps, o->src, why);
	return why;
}

/* IPv4 on the uplink: decapsulate into meta, or return why not. DROP_NONE
 * with meta->network == NFVA_NETWORK_NONE means "consumed" (ICMP echo). */
static int ipv4_input(struct worker *w, uint16_t port, struct rte_mbuf *m, struct l2_meta *meta)
{
	const struct dp_underlay *u = &w->cfg->underlay;
	const struct rte_ipv4_hdr *ip;
	int why = ipv4_check(m, &ip);

	if (why != DROP_NONE)
		return why;
	bool to_us = u->ip != 0 && ip->dst_addr == u->ip;
	if (!to_us && !dp_is_group(w->cfg, ip->dst_addr))
		return DROP_NOT_FOR_US;
	uint8_t proto = ip->next_proto_id;
	if (proto == IPPROTO_ICMP && to_us) {
		meta->network = NFVA_NETWORK_NONE;
		icmp_input(w, m, port);
		return DROP_NONE;
	}
	if (proto != IPPROTO_UDP && proto != IPPROTO_GRE)
		return DROP_NOT_TUNNEL;
	if (vtep_ipv4_reserved(ip->src_addr))
		return DROP_VTEP_SOURCE; /* 0.0.0.0/8 names IPv6 VTEPs inside nfva */
	struct decap_outer o = { .ip4 = ip,
		.l3_end = sizeof(struct rte_ether_hdr) + rte_ipv4_hdr_len(ip),
		.l4_len = rte_be_to_cpu_16(ip->total_length) - rte_ipv4_hdr_len(ip),
		.src = ip->src_addr };
	return decap_dispatch(w, port, m, &o, proto, !to_us, meta);
}

static int uplink_classify(struct worker *w, uint16_t port, struct rte_mbuf *m,
		struct l2_meta *meta)
{
	if (rte_pktmbuf_data_len(m) < sizeof(struct rte_ether_hdr))
		return DROP_RUNT;
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_ARP)) {
		meta->network = NFVA_NETWORK_NONE;
		return punt_to_control(m, &neigh_arp_punt) ? DROP_NONE : DROP_PUNT_FULL;
	}
	if (!eth_for_us(eth, &w->cfg->underlay))
		return DROP_NOT_FOR_US;
	if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV6))
		return ipv6_input(w, port, m, meta);
	if (eth->ether_type != RTE_BE16(RTE_ETHER_TYPE_IPV4))
		return DROP_NOT_TUNNEL;
	return ipv4_input(w, port, m, meta);
}

uint16_t underlay_input(struct worker *w, uint16_t port, struct rte_mbuf **pkts,
		struct l2_meta *meta, uint16_t n)
{
	uint16_t alive = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		int why = uplink_classify(w, port, m, &meta[alive]);
		if (why != DROP_NONE)
			worker_drop(w, port, why, m);
		else if (meta[alive].network != NFVA_NETWORK_NONE)
			pkts[alive++] = m;
	}
	return alive;
}
