/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ipv6_input: IPv6 on the uplink, when the uplink has an IPv6 address.
 * Neighbour Discovery for that address (NS to it or to its solicited-node
 * group, NA) is validated here (RFC 4861 7.1, drop reason nd_invalid) and
 * punted to the control thread (neigh_nd.c); ICMPv6 echo requests to the
 * address are answered in place, at most ICMP_REPLY_RATE a second per
 * worker together with IPv4's (icmp6_rate_limited beyond). UDP and GRE to
 * the address go to the decapsulation stages that run over IPv6 (decap.h).
 * Nothing else (not_tunnel); no extension headers.
 */
#include <string.h>

#include <rte_ip.h>

#include "core/datapath.h"
#include "core/ip_addr.h"
#include "core/punt.h"
#include "overlay/nd.h"
#include "overlay/neigh.h"
#include "overlay/vtep_id.h"
#include "slowpath/decap.h"
#include "slowpath/slowpath.h"

#define ICMP6_ECHO_REQUEST 128
#define ICMP6_ECHO_REPLY 129
#define IP6_HEADERS_IN_FIRST_SEGMENT 192

static void icmp6_echo(struct worker *w, struct rte_mbuf *m, uint16_t port)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(eth + 1);
	uint8_t *icmp = (uint8_t *)(ip + 1);

	/* A reply to a multicast or unspecified source would go nowhere sane. */
	if (rte_ipv6_udptcp_cksum_verify(ip, icmp) != 0 || icmp[1] != 0 ||
			ipv6_is_multicast(ip->src_addr) || ipv6_is_unspecified(ip->src_addr)) {
		worker_drop(w, port, DROP_ICMP_INVALID, m);
		return;
	}
	if (!token_bucket_take(&w->icmp_replies)) {
		worker_drop(w, port, DROP_ICMP6_RATE, m);
		return;
	}
	struct rte_ether_addr mac = eth->src_addr;
	eth->src_addr = w->cfg->underlay.mac;
	eth->dst_addr = mac;
	memcpy(ip->dst_addr, ip->src_addr, 16);
	memcpy(ip->src_addr, w->cfg->underlay.ip6, 16);
	ip->hop_limits = 64;
	icmp[0] = ICMP6_ECHO_REPLY;
	icmp[2] = icmp[3] = 0;
	uint16_t ck = rte_ipv6_udptcp_cksum(ip, icmp);
	memcpy(icmp + 2, &ck, 2);
	port_output(w, port, NFVA_VLAN_NONE, m);
}

/* The IPv6 header against the frame; padding trimmed; the whole packet in
 * the first segment (the checksums read it in place). */
static int ipv6_check(struct rte_mbuf *m, const struct rte_ipv6_hdr **out)
{
	uint32_t len = rte_pktmbuf_pkt_len(m) - sizeof(struct rte_ether_hdr);
	uint32_t first = rte_pktmbuf_data_len(m);

	if (len < sizeof(struct rte_ipv6_hdr) || first < sizeof(struct rte_ether_hdr) + 40)
		return DROP_IP6_INVALID;
	const struct rte_ipv6_hdr *ip = rte_pktmbuf_mtod_offset(m, const struct rte_ipv6_hdr *,
			sizeof(struct rte_ether_hdr));
	uint32_t total = sizeof(*ip) + rte_be_to_cpu_16(ip->payload_len);
	if ((rte_be_to_cpu_32(ip->vtc_flow) >> 28) != 6 || total > len)
		return DROP_IP6_INVALID;
	if (total < len && rte_pktmbuf_trim(m, len - total) != 0)
		return DROP_TRUNCATED;
	if (rte_pktmbuf_data_len(m) < sizeof(struct rte_ether_hdr) + total)
		return DROP_TRUNCATED;
	*out = ip;
	return DROP_NONE;
}

static bool ipv6_for_us(const struct dp_underlay *u, const uint8_t dst[16])
{
	static const uint8_t all_nodes[16] = { 0xff, 0x02, [15] = 1 };
	return memcmp(dst, u->ip6, 16) == 0 || nd_is_solicited_node_of(dst, u->ip6) ||
			memcmp(dst, all_nodes, 16) == 0;
}

/* UDP or GRE to the uplink's address (or to a network's group), from a
 * unicast source. */
static int ipv6_tunnel(struct worker *w, uint16_t port, struct rte_mbuf *m,
		const struct rte_ipv6_hdr *ip, bool to_group, struct l2_meta *meta)
{
	const uint8_t *src = ip->src_addr;

	if (ipv6_is_multicast(src) || ipv6_is_unspecified(src) || ipv6_is_loopback(src) ||
			ipv6_is_v4_mapped(src))
		return DROP_VTEP_SOURCE;
	struct decap_outer o = { .ip6 = ip,
		.l3_end = sizeof(struct rte_ether_hdr) + sizeof(*ip),
		.l4_len = rte_be_to_cpu_16(ip->payload_len),
		.src = vtep6_lookup(src, w->now) };
	return decap_dispatch(w, port, m, &o, ip->proto, to_group, meta);
}

int ipv6_input(struct worker *w, uint16_t port, struct rte_mbuf *m, struct l2_meta *meta)
{
	const struct dp_underlay *u = &w->cfg->underlay;
	const struct rte_ipv6_hdr *ip;
	struct nd_msg msg;

	if (!u->has_ip6)
		return DROP_NOT_TUNNEL;
	int why = ipv6_check(m, &ip);
	if (why != DROP_NONE)
		return why;
	if (ipv6_is_multicast(ip->dst_addr) && ip->proto == IPPROTO_UDP &&
			dp_is_group(w->cfg, vtep6_lookup(ip->dst_addr, w->now)))
		return ipv6_tunnel(w, port, m, ip, true, meta);
	if (!ipv6_for_us(u, ip->dst_addr))
		return DROP_NOT_FOR_US;
	uint32_t plen = rte_be_to_cpu_16(ip->payload_len);
	const uint8_t *icmp = (const uint8_t *)(ip + 1);
	bool to_us = memcmp(ip->dst_addr, u->ip6, 16) == 0;
	if (to_us && (ip->proto == IPPROTO_UDP || ip->proto == IPPROTO_GRE))
		return ipv6_tunnel(w, port, m, ip, false, meta);
	if (ip->proto != IPPROTO_ICMPV6)
		return DROP_NOT_TUNNEL;
	if (plen < 8)
		return DROP_ICMP_INVALID;
	if (icmp[0] == ND_NEIGHBOR_SOLICIT || icmp[0] == ND_NEIGHBOR_ADVERT) {
		if (nd_parse(ip, icmp, plen, &msg) < 0)
			return DROP_ND_INVALID;
		if (msg.type == ND_NEIGHBOR_SOLICIT && memcmp(msg.target, u->ip6, 16) != 0)
			return DROP_NOT_FOR_US;
		meta->network = NFVA_NETWORK_NONE;
		return punt_to_control(m, &neigh_nd_punt) ? DROP_NONE : DROP_PUNT_FULL;
	}
	if (icmp[0] != ICMP6_ECHO_REQUEST || !to_us)
		return DROP_NOT_TUNNEL;
	meta->network = NFVA_NETWORK_NONE;
	icmp6_echo(w, m, port);
	return DROP_NONE;
}
