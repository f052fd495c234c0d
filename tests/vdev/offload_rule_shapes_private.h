/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Shared by the offload_rule_shapes*.c files: the ports, addresses and building
 * blocks the shapes are made of, and the shapes defined outside
 * offload_rule_shapes.c (SAMPLE in offload_rule_shapes_mirror.c, LISP in
 * offload_rule_shapes_lisp.c). Port numbers: 0 the uplink, 1 and 2 VF representors, 3 a mirror
 * port.
 */
#ifndef NFVA_TEST_RULE_SHAPES_PRIVATE_H
#define NFVA_TEST_RULE_SHAPES_PRIVATE_H

#include <stdbool.h>
#include <string.h>

#include <netinet/in.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_gre.h>
#include <rte_ip.h>
#include <rte_udp.h>
#include <rte_vxlan.h>

#include "offload_rule_shapes.h"

#define UPLINK 0
#define VF1 1
#define VF2 2
#define MIRROR 3
#define VNI 42
#define VXLAN_PORT 4789
#define VXLAN_SPORT 49152
#define LISP_PORT 4341
#define LISP_F_I 0x08
#define IID 0x00abcd
#define EID_LOCAL RTE_BE32(UINT32_C(0x0a010001))  /* 10.1.0.1, behind VF1 */
#define EID_REMOTE RTE_BE32(UINT32_C(0x0a020002)) /* 10.2.0.2, behind the remote RLOC */
static const struct rte_ether_addr vm1_mac = { { 0x02, 0, 0, 0, 0, 0x01 } };
static const struct rte_ether_addr vm2_mac = { { 0x02, 0, 0, 0, 0, 0x02 } };
static const struct rte_ether_addr uplink_mac = { { 0x02, 0, 0, 0, 0xff, 0x01 } };
static const struct rte_ether_addr nexthop_mac = { { 0x02, 0, 0, 0, 0xff, 0x02 } };
static const struct rte_ether_addr all_ones = { { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
#define LOCAL_VTEP RTE_BE32(UINT32_C(0xc0000201))  /* 192.0.2.1 */
#define REMOTE_VTEP RTE_BE32(UINT32_C(0xc0000202)) /* 192.0.2.2 */

/* ---- building blocks (a full arena shows in flow_spec_finish()) ---- */

static inline void item(struct flow_spec *s, enum rte_flow_item_type t, const void *spec,
		const void *mask, size_t size)
{
	flow_spec_item(s, t, spec, mask, size);
}

static inline void action(struct flow_spec *s, enum rte_flow_action_type t, const void *conf,
		size_t size)
{
	flow_spec_action(s, t, conf, size);
}

static inline void from_port(struct flow_spec *s, uint16_t port)
{
	struct rte_flow_item_ethdev p = { .port_id = port };

	item(s, RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT, &p, &rte_flow_item_ethdev_mask, sizeof(p));
}

static inline void to_port(struct flow_spec *s, uint16_t port)
{
	struct rte_flow_action_ethdev p = { .port_id = port };

	action(s, RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT, &p, sizeof(p));
}

static inline void eth_dst_src(struct flow_spec *s, const struct rte_ether_addr *dst,
		const struct rte_ether_addr *src)
{
	struct rte_flow_item_eth spec = { 0 }, mask = { 0 };

	if (dst != NULL) {
		spec.dst = *dst;
		mask.dst = all_ones;
	}
	if (src != NULL) {
		spec.src = *src;
		mask.src = all_ones;
	}
	item(s, RTE_FLOW_ITEM_TYPE_ETH, &spec, &mask, sizeof(spec));
}

static inline void outer_ipv4(struct flow_spec *s, uint8_t proto)
{
	struct rte_flow_item_ipv4 spec = {
		.hdr = { .next_proto_id = proto, .src_addr = REMOTE_VTEP, .dst_addr = LOCAL_VTEP }
	};
	struct rte_flow_item_ipv4 mask = { .hdr = { .next_proto_id = 0xff,
							   .src_addr = RTE_BE32(UINT32_MAX),
							   .dst_addr = RTE_BE32(UINT32_MAX) } };

	item(s, RTE_FLOW_ITEM_TYPE_IPV4, &spec, &mask, sizeof(spec));
}

/* Outer Ethernet + IPv4 as encap_build() writes them; returns the IPv4 header. */
static inline struct rte_ipv4_hdr *outer_hdr(uint8_t *p, uint8_t proto, bool df)
{
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)p;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);

	eth->dst_addr = nexthop_mac;
	eth->src_addr = uplink_mac;
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->fragment_offset = df ? RTE_BE16(RTE_IPV4_HDR_DF_FLAG) : 0;
	ip->time_to_live = 64;
	ip->next_proto_id = proto;
	ip->src_addr = LOCAL_VTEP;
	ip->dst_addr = REMOTE_VTEP;
	return ip;
}

/* The arena's copy of an encap template: outer Ethernet + IPv4 (proto, df)
 * and tail more bytes; NULL when the arena is full. */
static inline uint8_t *outer_template(struct flow_spec *s, size_t *size, size_t tail, uint8_t proto,
		bool df)
{
	*size = RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr) + tail;
	uint8_t *p = flow_spec_alloc(s, *size);
	if (p != NULL)
		outer_hdr(p, proto, df);
	return p;
}

/* 42 bytes: eth / ipv4 proto 47 DF / GRE K, 0x6558 / key (tun_gre.c's layout). */
static inline uint8_t *gre_template(struct flow_spec *s, size_t *size)
{
	uint8_t *p = outer_template(s, size, sizeof(struct rte_gre_hdr) + 4, IPPROTO_GRE, true);
	if (p == NULL)
		return NULL;
	uint8_t *gre = p + RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr);
	gre[0] = 0x20; /* K */
	gre[2] = 0x65;
	gre[3] = 0x58;
	rte_be32_t key = RTE_BE32(VNI);
	memcpy(gre + 4, &key, sizeof(key)); /* at offset 38: unaligned */
	return p;
}

/* 50 bytes: eth / ipv4 proto 17 / UDP 4789 / VXLAN I flag, VNI. */
static inline uint8_t *vxlan_template(struct flow_spec *s, size_t *size)
{
	uint8_t *p = outer_template(s, size, RTE_ETHER_VXLAN_HLEN, IPPROTO_UDP, false);
	if (p == NULL)
		return NULL;
	struct rte_udp_hdr *udp =
			(struct rte_udp_hdr *)(p + RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr));
	struct rte_vxlan_hdr *vx = (struct rte_vxlan_hdr *)(udp + 1);
	udp->src_port = RTE_BE16(VXLAN_SPORT);
	udp->dst_port = RTE_BE16(VXLAN_PORT);
	vx->vx_flags = RTE_BE32(0x08000000);
	vx->vx_vni = RTE_BE32(VNI << 8);
	return p;
}

/* The tail of an encap rule: the encap action, out of the uplink, counted. */
static inline void encap_to_uplink(struct flow_spec *s, enum rte_flow_action_type t,
		const void *conf, size_t size)
{
	action(s, t, conf, size);
	to_port(s, UPLINK);
	action(s, RTE_FLOW_ACTION_TYPE_COUNT, NULL, 0);
}

/* The head of a decap rule: from the uplink, to its MAC, from the remote VTEP. */
static inline void from_remote_vtep(struct flow_spec *s, uint8_t proto)
{
	from_port(s, UPLINK);
	eth_dst_src(s, &uplink_mac, NULL);
	outer_ipv4(s, proto);
}

/* The tail of a decap rule: inner frame to vm1, the decap action, out of
 * VF1, counted. */
static inline void decap_to_vf1(struct flow_spec *s, enum rte_flow_action_type t, const void *conf,
		size_t size)
{
	eth_dst_src(s, &vm1_mac, NULL);
	action(s, t, conf, size);
	to_port(s, VF1);
	action(s, RTE_FLOW_ACTION_TYPE_COUNT, NULL, 0);
}

/* offload_rule_shapes_mirror.c */
void rule_sample_mirror(struct flow_spec *s);
void rule_sample_tunnel_mirror(struct flow_spec *s);
void rule_sample_mirror_count(struct flow_spec *s);
void rule_sample_vxlan_mirror(struct flow_spec *s);
void rule_sample_representor_mark(struct flow_spec *s);
void rule_sample_representor_first(struct flow_spec *s);

/* offload_rule_shapes_ipv6.c */
void rule_vxlan6_encap(struct flow_spec *s);
void rule_vxlan6_decap(struct flow_spec *s);
void rule_gre6_encap(struct flow_spec *s);
void rule_gre6_decap(struct flow_spec *s);
/* From the port UPLINK: ETH to the uplink (0x86DD) / IPV6 2001:db8::2 ->
 * 2001:db8::1, next header proto. */
void from_remote_vtep6(struct flow_spec *s, uint8_t proto);

/* offload_rule_shapes_lisp.c */
void rule_lisp_encap(struct flow_spec *s);
void rule_lisp_decap(struct flow_spec *s);
void rule_lisp6_decap(struct flow_spec *s);

#endif
