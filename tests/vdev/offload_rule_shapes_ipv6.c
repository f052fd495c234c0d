/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IPv6-underlay rule shapes (vxlan6-encap/decap, gre6-encap/decap),
 * built by hand the way vxlan_rule.c and gre_rule.c build them for a remote
 * VTEP with an IPv6 address (RFC 3849 addresses); lisp6-decap's outer items
 * too (offload_rule_shapes_lisp.c).
 */
#include <string.h>

#include "offload_rule_shapes_private.h"

static const uint8_t local6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t remote6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };

/* ETH to the uplink (0x86DD) / IPV6 remote -> local, next header proto. */
void from_remote_vtep6(struct flow_spec *s, uint8_t proto)
{
	struct rte_flow_item_eth eth = { .dst = uplink_mac, .type = RTE_BE16(RTE_ETHER_TYPE_IPV6) };
	struct rte_flow_item_eth eth_mask = { .dst = all_ones, .type = RTE_BE16(0xffff) };
	struct rte_flow_item_ipv6 ip = { .hdr.proto = proto }, ip_mask = { .hdr.proto = 0xff };

	memcpy(ip.hdr.src_addr, remote6, 16);
	memcpy(ip.hdr.dst_addr, local6, 16);
	memset(ip_mask.hdr.src_addr, 0xff, 16);
	memset(ip_mask.hdr.dst_addr, 0xff, 16);
	from_port(s, UPLINK);
	item(s, RTE_FLOW_ITEM_TYPE_ETH, &eth, &eth_mask, sizeof(eth));
	item(s, RTE_FLOW_ITEM_TYPE_IPV6, &ip, &ip_mask, sizeof(ip));
}

/* Version 6, flow label 0 (the NIC's), hop limit 64, local -> remote. */
static void outer_ipv6(struct rte_ipv6_hdr *ip, uint8_t proto)
{
	ip->vtc_flow = RTE_BE32(6u << 28);
	ip->proto = proto;
	ip->hop_limits = 64;
	memcpy(ip->src_addr, local6, 16);
	memcpy(ip->dst_addr, remote6, 16);
}

void rule_vxlan6_encap(struct flow_spec *s)
{
	struct rte_flow_item *def = flow_spec_alloc(s, 5 * sizeof(*def));
	struct rte_flow_item_eth *eth = flow_spec_alloc(s, sizeof(*eth));
	struct rte_flow_item_ipv6 *ip = flow_spec_alloc(s, sizeof(*ip));
	struct rte_flow_item_udp *udp = flow_spec_alloc(s, sizeof(*udp));
	struct rte_flow_item_vxlan *vx = flow_spec_alloc(s, sizeof(*vx));

	if (def == NULL || eth == NULL || ip == NULL || udp == NULL || vx == NULL)
		return;
	eth->dst = nexthop_mac;
	eth->src = uplink_mac;
	eth->type = RTE_BE16(RTE_ETHER_TYPE_IPV6);
	outer_ipv6(&ip->hdr, IPPROTO_UDP);
	udp->hdr.dst_port = RTE_BE16(VXLAN_PORT);
	vx->flags = 0x08;
	vx->vni[2] = VNI;
	def[0] = (struct rte_flow_item){ .type = RTE_FLOW_ITEM_TYPE_ETH, .spec = eth };
	def[1] = (struct rte_flow_item){ .type = RTE_FLOW_ITEM_TYPE_IPV6, .spec = ip };
	def[2] = (struct rte_flow_item){ .type = RTE_FLOW_ITEM_TYPE_UDP, .spec = udp };
	def[3] = (struct rte_flow_item){ .type = RTE_FLOW_ITEM_TYPE_VXLAN, .spec = vx };
	def[4] = (struct rte_flow_item){ .type = RTE_FLOW_ITEM_TYPE_END };

	struct rte_flow_action_vxlan_encap conf = { .definition = def };
	from_port(s, VF1);
	eth_dst_src(s, &vm2_mac, NULL);
	encap_to_uplink(s, RTE_FLOW_ACTION_TYPE_VXLAN_ENCAP, &conf, sizeof(conf));
}

void rule_vxlan6_decap(struct flow_spec *s)
{
	struct rte_flow_item_udp udp = { .hdr.dst_port = RTE_BE16(VXLAN_PORT) };
	struct rte_flow_item_udp udp_mask = { .hdr.dst_port = RTE_BE16(0xffff) };
	struct rte_flow_item_vxlan vx = { .vni = { 0, 0, VNI } };

	from_remote_vtep6(s, IPPROTO_UDP);
	item(s, RTE_FLOW_ITEM_TYPE_UDP, &udp, &udp_mask, sizeof(udp));
	item(s, RTE_FLOW_ITEM_TYPE_VXLAN, &vx, &rte_flow_item_vxlan_mask, sizeof(vx));
	decap_to_vf1(s, RTE_FLOW_ACTION_TYPE_VXLAN_DECAP, NULL, 0);
}

/* RAW_ENCAP of the 62 template bytes: Ethernet / IPv6 (47) / GRE K / key. */
void rule_gre6_encap(struct flow_spec *s)
{
	size_t size = sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv6_hdr) + 8;
	uint8_t *p = flow_spec_alloc(s, size);

	if (p == NULL)
		return;
	memset(p, 0, size);
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)p;
	eth->dst_addr = nexthop_mac;
	eth->src_addr = uplink_mac;
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV6);
	outer_ipv6((struct rte_ipv6_hdr *)(eth + 1), IPPROTO_GRE);
	uint8_t *gre = p + sizeof(*eth) + sizeof(struct rte_ipv6_hdr);
	gre[0] = 0x20; /* K */
	gre[2] = 0x65;
	gre[3] = 0x58;
	gre[7] = VNI;
	struct rte_flow_action_raw_encap conf = { .data = p, .size = size };
	from_port(s, VF1);
	eth_dst_src(s, &vm2_mac, NULL);
	encap_to_uplink(s, RTE_FLOW_ACTION_TYPE_RAW_ENCAP, &conf, sizeof(conf));
}

void rule_gre6_decap(struct flow_spec *s)
{
	struct rte_flow_item_gre gre = { .c_rsvd0_ver = RTE_BE16(0x2000),
		.protocol = RTE_BE16(0x6558) };
	struct rte_flow_item_gre gre_mask = { .c_rsvd0_ver = RTE_BE16(0xb000),
		.protocol = RTE_BE16(0xffff) };
	rte_be32_t key = RTE_BE32(VNI), key_mask = RTE_BE32(UINT32_MAX);
	struct rte_flow_action_raw_decap decap = { .size = 62 };

	from_remote_vtep6(s, IPPROTO_GRE);
	item(s, RTE_FLOW_ITEM_TYPE_GRE, &gre, &gre_mask, sizeof(gre));
	item(s, RTE_FLOW_ITEM_TYPE_GRE_KEY, &key, &key_mask, sizeof(key));
	decap_to_vf1(s, RTE_FLOW_ACTION_TYPE_RAW_DECAP, &decap, sizeof(decap));
}
