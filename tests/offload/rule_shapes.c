/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One flow_spec per rule shape nfva installs, built by hand the way the
 * offload compiler builds them (see rule_shapes.h).
 * Port numbers: 0 the uplink, 1 and 2 VF representors, 3 a mirror port.
 */
#include <string.h>

#include <netinet/in.h>
#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_gre.h>
#include <rte_ip.h>
#include <rte_udp.h>
#include <rte_vxlan.h>

#include "rule_shapes.h"

#define UPLINK 0
#define VF1 1
#define VF2 2
#define MIRROR 3
#define VNI 42
#define VXLAN_PORT 4789
#define VXLAN_SPORT 49152
static const struct rte_ether_addr vm1_mac = { { 0x02, 0, 0, 0, 0, 0x01 } };
static const struct rte_ether_addr vm2_mac = { { 0x02, 0, 0, 0, 0, 0x02 } };
static const struct rte_ether_addr uplink_mac = { { 0x02, 0, 0, 0, 0xff, 0x01 } };
static const struct rte_ether_addr nexthop_mac = { { 0x02, 0, 0, 0, 0xff, 0x02 } };
static const struct rte_ether_addr all_ones = { { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff } };
#define LOCAL_VTEP RTE_BE32(UINT32_C(0xc0000201)) /* 192.0.2.1 */
#define REMOTE_VTEP RTE_BE32(UINT32_C(0xc0000202)) /* 192.0.2.2 */

/* ---- building blocks (a full arena shows in flow_spec_finish()) ---- */

static void item(struct flow_spec *s, enum rte_flow_item_type t, const void *spec,
		const void *mask, size_t size)
{
	flow_spec_item(s, t, spec, mask, size);
}

static void action(struct flow_spec *s, enum rte_flow_action_type t, const void *conf,
		size_t size)
{
	flow_spec_action(s, t, conf, size);
}

static void from_port(struct flow_spec *s, uint16_t port)
{
	struct rte_flow_item_ethdev p = { .port_id = port };

	item(s, RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT, &p, &rte_flow_item_ethdev_mask, sizeof(p));
}

static void to_port(struct flow_spec *s, uint16_t port)
{
	struct rte_flow_action_ethdev p = { .port_id = port };

	action(s, RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT, &p, sizeof(p));
}

static void eth_dst_src(struct flow_spec *s, const struct rte_ether_addr *dst,
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

static void outer_ipv4(struct flow_spec *s, uint8_t proto)
{
	struct rte_flow_item_ipv4 spec = { .hdr = { .next_proto_id = proto,
		.src_addr = REMOTE_VTEP, .dst_addr = LOCAL_VTEP } };
	struct rte_flow_item_ipv4 mask = { .hdr = { .next_proto_id = 0xff,
		.src_addr = RTE_BE32(UINT32_MAX), .dst_addr = RTE_BE32(UINT32_MAX) } };

	item(s, RTE_FLOW_ITEM_TYPE_IPV4, &spec, &mask, sizeof(spec));
}

/* Outer Ethernet + IPv4 as encap_build() writes them; returns the IPv4 header. */
static struct rte_ipv4_hdr *outer_hdr(uint8_t *p, uint8_t proto, bool df)
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

/* 42 bytes: eth / ipv4 proto 47 DF / GRE K, 0x6558 / key (tun_gre.c's layout). */
static uint8_t *gre_template(struct flow_spec *s, size_t *size)
{
	*size = RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr) + sizeof(struct rte_gre_hdr) + 4;
	uint8_t *p = flow_spec_alloc(s, *size);
	if (p == NULL)
		return NULL;
	struct rte_ipv4_hdr *ip = outer_hdr(p, IPPROTO_GRE, true);
	uint8_t *gre = (uint8_t *)(ip + 1);
	gre[0] = 0x20; /* K */
	gre[2] = 0x65;
	gre[3] = 0x58;
	rte_be32_t key = RTE_BE32(VNI);
	memcpy(gre + 4, &key, sizeof(key)); /* at offset 38: unaligned */
	return p;
}

/* 50 bytes: eth / ipv4 proto 17 / UDP 4789 / VXLAN I flag, VNI. */
static uint8_t *vxlan_template(struct flow_spec *s, size_t *size)
{
	*size = RTE_ETHER_HDR_LEN + sizeof(struct rte_ipv4_hdr) + RTE_ETHER_VXLAN_HLEN;
	uint8_t *p = flow_spec_alloc(s, *size);
	if (p == NULL)
		return NULL;
	struct rte_ipv4_hdr *ip = outer_hdr(p, IPPROTO_UDP, false);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);
	struct rte_vxlan_hdr *vx = (struct rte_vxlan_hdr *)(udp + 1);
	udp->src_port = RTE_BE16(VXLAN_SPORT);
	udp->dst_port = RTE_BE16(VXLAN_PORT);
	vx->vx_flags = RTE_BE32(0x08000000);
	vx->vx_vni = RTE_BE32(VNI << 8);
	return p;
}

/* ---- the rule shapes ---- */

static void rule_l2(struct flow_spec *s)
{
	from_port(s, VF1);
	eth_dst_src(s, &vm2_mac, &vm1_mac);
	to_port(s, VF2);
	action(s, RTE_FLOW_ACTION_TYPE_COUNT, NULL, 0);
}

static void rule_l2_vlan_pop(struct flow_spec *s)
{
	struct rte_flow_item_eth eth = { .dst = vm1_mac, .type = RTE_BE16(RTE_ETHER_TYPE_VLAN) };
	struct rte_flow_item_eth eth_mask = { .dst = all_ones, .type = RTE_BE16(0xffff) };
	struct rte_flow_item_vlan vlan = { .tci = RTE_BE16(100) };

	from_port(s, UPLINK);
	item(s, RTE_FLOW_ITEM_TYPE_ETH, &eth, &eth_mask, sizeof(eth));
	item(s, RTE_FLOW_ITEM_TYPE_VLAN, &vlan, &rte_flow_item_vlan_mask, sizeof(vlan));
	action(s, RTE_FLOW_ACTION_TYPE_OF_POP_VLAN, NULL, 0);
	to_port(s, VF1);
	action(s, RTE_FLOW_ACTION_TYPE_COUNT, NULL, 0);
}

static void rule_l2_vlan_push(struct flow_spec *s)
{
	struct rte_flow_action_of_push_vlan push = { .ethertype = RTE_BE16(RTE_ETHER_TYPE_VLAN) };
	struct rte_flow_action_of_set_vlan_vid vid = { .vlan_vid = RTE_BE16(100) };
	struct rte_flow_action_of_set_vlan_pcp pcp = { .vlan_pcp = 3 };

	from_port(s, VF1);
	eth_dst_src(s, &nexthop_mac, NULL);
	action(s, RTE_FLOW_ACTION_TYPE_OF_PUSH_VLAN, &push, sizeof(push));
	action(s, RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_VID, &vid, sizeof(vid));
	action(s, RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_PCP, &pcp, sizeof(pcp));
	to_port(s, UPLINK);
	action(s, RTE_FLOW_ACTION_TYPE_COUNT, NULL, 0);
}

/* VXLAN_ENCAP with a definition list in the arena, as a compiler would. */
static void vxlan_encap(struct flow_spec *s, bool df)
{
	struct rte_flow_item *def = flow_spec_alloc(s, 5 * sizeof(*def));
	struct rte_flow_item_eth *eth = flow_spec_alloc(s, sizeof(*eth));
	struct rte_flow_item_ipv4 *ip = flow_spec_alloc(s, sizeof(*ip));
	struct rte_flow_item_udp *udp = flow_spec_alloc(s, sizeof(*udp));
	struct rte_flow_item_vxlan *vx = flow_spec_alloc(s, sizeof(*vx));

	if (def == NULL || eth == NULL || ip == NULL || udp == NULL || vx == NULL)
		return;
	eth->dst = nexthop_mac;
	eth->src = uplink_mac;
	eth->type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	ip->hdr.version_ihl = RTE_IPV4_VHL_DEF;
	ip->hdr.fragment_offset = df ? RTE_BE16(RTE_IPV4_HDR_DF_FLAG) : 0;
	ip->hdr.time_to_live = 64;
	ip->hdr.next_proto_id = IPPROTO_UDP;
	ip->hdr.src_addr = LOCAL_VTEP;
	ip->hdr.dst_addr = REMOTE_VTEP;
	udp->hdr.src_port = RTE_BE16(VXLAN_SPORT);
	udp->hdr.dst_port = RTE_BE16(VXLAN_PORT);
	vx->flags = 0x08;
	vx->vni[2] = VNI;
	def[0] = (struct rte_flow_item){ .type = RTE_FLOW_ITEM_TYPE_ETH, .spec = eth };
	def[1] = (struct rte_flow_item){ .type = RTE_FLOW_ITEM_TYPE_IPV4, .spec = ip };
	def[2] = (struct rte_flow_item){ .type = RTE_FLOW_ITEM_TYPE_UDP, .spec = udp };
	def[3] = (struct rte_flow_item){ .type = RTE_FLOW_ITEM_TYPE_VXLAN, .spec = vx };
	def[4] = (struct rte_flow_item){ .type = RTE_FLOW_ITEM_TYPE_END };

	struct rte_flow_action_vxlan_encap conf = { .definition = def };
	from_port(s, VF1);
	eth_dst_src(s, &vm2_mac, NULL);
	action(s, RTE_FLOW_ACTION_TYPE_VXLAN_ENCAP, &conf, sizeof(conf));
	to_port(s, UPLINK);
	action(s, RTE_FLOW_ACTION_TYPE_COUNT, NULL, 0);
}

static void rule_vxlan_encap(struct flow_spec *s)
{
	vxlan_encap(s, false);
}

static void rule_vxlan_encap_df(struct flow_spec *s)
{
	vxlan_encap(s, true);
}

static void rule_vxlan_decap(struct flow_spec *s)
{
	struct rte_flow_item_udp udp = { .hdr.dst_port = RTE_BE16(VXLAN_PORT) };
	struct rte_flow_item_udp udp_mask = { .hdr.dst_port = RTE_BE16(0xffff) };
	struct rte_flow_item_vxlan vx = { .vni = { 0, 0, VNI } };

	from_port(s, UPLINK);
	eth_dst_src(s, &uplink_mac, NULL);
	outer_ipv4(s, IPPROTO_UDP);
	item(s, RTE_FLOW_ITEM_TYPE_UDP, &udp, &udp_mask, sizeof(udp));
	item(s, RTE_FLOW_ITEM_TYPE_VXLAN, &vx, &rte_flow_item_vxlan_mask, sizeof(vx));
	eth_dst_src(s, &vm1_mac, NULL);
	action(s, RTE_FLOW_ACTION_TYPE_VXLAN_DECAP, NULL, 0);
	to_port(s, VF1);
	action(s, RTE_FLOW_ACTION_TYPE_COUNT, NULL, 0);
}

static void rule_gre_encap(struct flow_spec *s)
{
	struct rte_flow_action_raw_encap conf = { 0 };

	conf.data = gre_template(s, &conf.size);
	from_port(s, VF1);
	eth_dst_src(s, &vm2_mac, NULL);
	action(s, RTE_FLOW_ACTION_TYPE_RAW_ENCAP, &conf, sizeof(conf));
	to_port(s, UPLINK);
	action(s, RTE_FLOW_ACTION_TYPE_COUNT, NULL, 0);
}

static void rule_gre_decap(struct flow_spec *s)
{
	struct rte_flow_item_gre gre = { .c_rsvd0_ver = RTE_BE16(0x2000),
		.protocol = RTE_BE16(0x6558) };
	struct rte_flow_item_gre gre_mask = { .c_rsvd0_ver = RTE_BE16(0xb000),
		.protocol = RTE_BE16(0xffff) };
	rte_be32_t key = RTE_BE32(VNI), key_mask = RTE_BE32(UINT32_MAX);
	struct rte_flow_action_raw_decap decap = { .size = 42 };

	from_port(s, UPLINK);
	eth_dst_src(s, &uplink_mac, NULL);
	outer_ipv4(s, IPPROTO_GRE);
	item(s, RTE_FLOW_ITEM_TYPE_GRE, &gre, &gre_mask, sizeof(gre));
	item(s, RTE_FLOW_ITEM_TYPE_GRE_KEY, &key, &key_mask, sizeof(key));
	eth_dst_src(s, &vm1_mac, NULL);
	action(s, RTE_FLOW_ACTION_TYPE_RAW_DECAP, &decap, sizeof(decap));
	to_port(s, VF1);
	action(s, RTE_FLOW_ACTION_TYPE_COUNT, NULL, 0);
}

static void rule_drop(struct flow_spec *s)
{
	from_port(s, VF1);
	eth_dst_src(s, NULL, &vm1_mac);
	action(s, RTE_FLOW_ACTION_TYPE_COUNT, NULL, 0);
	action(s, RTE_FLOW_ACTION_TYPE_DROP, NULL, 0);
}

/* A sample whose sub-actions live in the arena. */
static void sample(struct flow_spec *s, const struct rte_flow_action *sub, unsigned n)
{
	struct rte_flow_action *list = flow_spec_alloc(s, (n + 1) * sizeof(*list));
	struct rte_flow_action_sample conf = { .ratio = 1, .actions = list };

	if (list == NULL)
		return;
	memcpy(list, sub, n * sizeof(*list));
	list[n].type = RTE_FLOW_ACTION_TYPE_END;
	action(s, RTE_FLOW_ACTION_TYPE_SAMPLE, &conf, sizeof(conf));
}

static void rule_sample_mirror(struct flow_spec *s)
{
	struct rte_flow_action_ethdev *mirror = flow_spec_alloc(s, sizeof(*mirror));

	if (mirror == NULL)
		return;
	mirror->port_id = MIRROR;
	from_port(s, VF1);
	eth_dst_src(s, &vm2_mac, NULL);
	sample(s, &(struct rte_flow_action){ RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT, mirror }, 1);
	to_port(s, VF2);
	action(s, RTE_FLOW_ACTION_TYPE_COUNT, NULL, 0);
}

/* Mirror into a VXLAN tunnel while the rule itself GRE-encapsulates: two
 * raw_encap slots in one rule, the sample's set first. */
static void rule_sample_tunnel_mirror(struct flow_spec *s)
{
	struct rte_flow_action_raw_encap *enc = flow_spec_alloc(s, sizeof(*enc));
	struct rte_flow_action_ethdev *up = flow_spec_alloc(s, sizeof(*up));
	struct rte_flow_action_raw_encap gre = { 0 };

	if (enc == NULL || up == NULL)
		return;
	enc->data = vxlan_template(s, &enc->size);
	up->port_id = UPLINK;
	gre.data = gre_template(s, &gre.size);
	from_port(s, VF1);
	eth_dst_src(s, &vm2_mac, NULL);
	const struct rte_flow_action sub[] = {
		{ RTE_FLOW_ACTION_TYPE_COUNT, NULL },
		{ RTE_FLOW_ACTION_TYPE_RAW_ENCAP, enc },
		{ RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT, up },
	};
	sample(s, sub, RTE_DIM(sub));
	action(s, RTE_FLOW_ACTION_TYPE_RAW_ENCAP, &gre, sizeof(gre));
	to_port(s, UPLINK);
}

/* Group, priority, VOIDs, jump. */
static void rule_group_jump(struct flow_spec *s)
{
	struct rte_flow_action_jump jump = { .group = 2 };

	s->attr.group = 1;
	s->attr.priority = 3;
	from_port(s, VF2);
	item(s, RTE_FLOW_ITEM_TYPE_VOID, NULL, NULL, 0);
	action(s, RTE_FLOW_ACTION_TYPE_VOID, NULL, 0);
	action(s, RTE_FLOW_ACTION_TYPE_JUMP, &jump, sizeof(jump));
}

/* An item and an action the printer does not know: notes, not garbage. */
static void rule_unsupported(struct flow_spec *s)
{
	struct rte_flow_item_tcp tcp = { .hdr.dst_port = RTE_BE16(80) };

	from_port(s, VF1);
	item(s, RTE_FLOW_ITEM_TYPE_TCP, &tcp, &rte_flow_item_tcp_mask, sizeof(tcp));
	action(s, RTE_FLOW_ACTION_TYPE_METER, NULL, 0);
	to_port(s, VF2);
}

const struct test_rule test_rules[] = {
	{ "l2", rule_l2, true },
	{ "l2_vlan_pop", rule_l2_vlan_pop, true },
	{ "l2_vlan_push", rule_l2_vlan_push, true },
	{ "vxlan_encap", rule_vxlan_encap, true },
	{ "vxlan_encap_df", rule_vxlan_encap_df, true }, /* DF lost: see its note */
	{ "vxlan_decap", rule_vxlan_decap, true },
	{ "gre_encap", rule_gre_encap, true },
	{ "gre_decap", rule_gre_decap, true },
	{ "drop", rule_drop, true },
	{ "sample_mirror", rule_sample_mirror, true },
	{ "sample_tunnel_mirror", rule_sample_tunnel_mirror, true },
	{ "group_jump", rule_group_jump, true },
	{ "unsupported", rule_unsupported, false },
	{ NULL, NULL, false },
};

const struct test_rule *test_rule(const char *name)
{
	for (const struct test_rule *r = test_rules; r->name != NULL; r++)
		if (strcmp(r->name, name) == 0)
			return r;
	return NULL;
}

int test_rule_build(const struct test_rule *r, struct flow_spec *s)
{
	flow_spec_init(s, 0, 0);
	r->build(s);
	return flow_spec_finish(s);
}

