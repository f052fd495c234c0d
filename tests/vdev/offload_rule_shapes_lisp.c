/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The LISP shapes, as lisp_flow.c builds them: encap by RAW_DECAP of the
 * VM's Ethernet header + RAW_ENCAP of Ethernet / IPv4 / UDP 4341 / LISP;
 * decap matched by a RAW item after UDP 4341 (DPDK 22.11 has no LISP item),
 * RAW_DECAP 50 (70 over IPv6: lisp6-decap) + RAW_ENCAP of the VM's Ethernet
 * header.
 */
#include "offload_rule_shapes_private.h"

/* 50 bytes: eth / ipv4 proto 17 DF / UDP 0 (entropy) -> 4341 / LISP I, IID
 * (lisp_flow.c's: N and the nonce cleared). */
static uint8_t *lisp_template(struct flow_spec *s, size_t *size)
{
	*size = RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr) + sizeof(struct rte_udp_hdr) + 8;
	uint8_t *p = flow_spec_alloc(s, *size);
	if (p == NULL)
		return NULL;
	struct rte_ipv4_hdr *ip = outer_hdr(p, IPPROTO_UDP, true);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);
	uint8_t *lisp = (uint8_t *)(udp + 1);
	udp->dst_port = RTE_BE16(LISP_PORT);
	lisp[0] = LISP_F_I;
	lisp[4] = (uint8_t)(IID >> 16);
	lisp[5] = (uint8_t)(IID >> 8);
	lisp[6] = (uint8_t)IID;
	return p;
}

/* EID to EID from a VM: its Ethernet header off, LISP on (lisp_flow.c). */
void rule_lisp_encap(struct flow_spec *s)
{
	struct rte_flow_item_ipv4 ip = { .hdr = { .src_addr = EID_LOCAL, .dst_addr = EID_REMOTE } };
	struct rte_flow_item_ipv4 ip_mask = { .hdr = { .src_addr = RTE_BE32(UINT32_MAX),
							      .dst_addr = RTE_BE32(UINT32_MAX) } };
	struct rte_flow_action_raw_decap decap = { .size = RTE_ETHER_HDR_LEN };
	struct rte_flow_action_raw_encap encap = { 0 };

	encap.data = lisp_template(s, &encap.size);
	from_port(s, VF1);
	eth_dst_src(s, &uplink_mac, &vm1_mac);
	item(s, RTE_FLOW_ITEM_TYPE_IPV4, &ip, &ip_mask, sizeof(ip));
	action(s, RTE_FLOW_ACTION_TYPE_RAW_DECAP, &decap, sizeof(decap));
	action(s, RTE_FLOW_ACTION_TYPE_RAW_ENCAP, &encap, sizeof(encap));
	to_port(s, UPLINK);
	action(s, RTE_FLOW_ACTION_TYPE_COUNT, NULL, 0);
}

/* The RAW item of a LISP decap: I bit and instance ID in the LISP header,
 * the inner IPv4 destination (UDP payload bytes 24-27). */
static void lisp_raw_item(struct flow_spec *s)
{
	uint8_t *pattern = flow_spec_alloc(s, 28);
	uint8_t *mask = flow_spec_alloc(s, 28);

	if (pattern == NULL || mask == NULL)
		return;
	pattern[0] = mask[0] = LISP_F_I;
	pattern[4] = (uint8_t)(IID >> 16);
	pattern[5] = (uint8_t)(IID >> 8);
	pattern[6] = (uint8_t)IID;
	memset(&mask[4], 0xff, 3);
	memcpy(&pattern[24], &(rte_be32_t){ EID_LOCAL }, 4);
	memset(&mask[24], 0xff, 4);
	struct rte_flow_item_raw spec = { .relative = 1, .length = 28, .pattern = pattern };
	struct rte_flow_item_raw m = { .relative = 1,
		.search = 1,
		.offset = -1,
		.limit = 0xffff,
		.length = 0xffff,
		.pattern = mask };
	item(s, RTE_FLOW_ITEM_TYPE_RAW, &spec, &m, sizeof(spec));
}

/* What follows the outer IP item: UDP 4341, the RAW item; RAW_DECAP of
 * decap_len bytes, RAW_ENCAP of the VM's Ethernet header, to VF1, counted. */
static void lisp_decap_rest(struct flow_spec *s, size_t decap_len)
{
	struct rte_flow_item_udp udp = { .hdr.dst_port = RTE_BE16(LISP_PORT) };
	struct rte_flow_item_udp udp_mask = { .hdr.dst_port = RTE_BE16(0xffff) };
	struct rte_flow_action_raw_decap decap = { .size = decap_len };
	struct rte_flow_action_raw_encap encap = { .size = RTE_ETHER_HDR_LEN };
	struct rte_ether_hdr *eth = flow_spec_alloc(s, sizeof(*eth));

	if (eth == NULL)
		return;
	*eth = (struct rte_ether_hdr){ .dst_addr = vm1_mac,
		.src_addr = uplink_mac,
		.ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4) };
	encap.data = (uint8_t *)eth;
	item(s, RTE_FLOW_ITEM_TYPE_UDP, &udp, &udp_mask, sizeof(udp));
	lisp_raw_item(s);
	action(s, RTE_FLOW_ACTION_TYPE_RAW_DECAP, &decap, sizeof(decap));
	action(s, RTE_FLOW_ACTION_TYPE_RAW_ENCAP, &encap, sizeof(encap));
	to_port(s, VF1);
	action(s, RTE_FLOW_ACTION_TYPE_COUNT, NULL, 0);
}

void rule_lisp_decap(struct flow_spec *s)
{
	from_remote_vtep(s, IPPROTO_UDP);
	lisp_decap_rest(s, 50);
}

/* Over IPv6 (lisp6-decap): the same, 70 bytes off (Ethernet, IPv6, UDP, LISP). */
void rule_lisp6_decap(struct flow_spec *s)
{
	from_remote_vtep6(s, IPPROTO_UDP);
	lisp_decap_rest(s, 70);
}
