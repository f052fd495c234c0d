/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One flow_spec per rule shape nfva installs, built by hand the way the
 * offload compiler builds them (see offload_rule_shapes.h): this file has the L2,
 * VLAN, VXLAN, GRE, drop and group shapes and the table of all of them;
 * SAMPLE shapes are in offload_rule_shapes_mirror.c, LISP in offload_rule_shapes_lisp.c,
 * the building blocks in offload_rule_shapes_private.h.
 */
#include <string.h>

#include "offload_rule_shapes_private.h"

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
	encap_to_uplink(s, RTE_FLOW_ACTION_TYPE_VXLAN_ENCAP, &conf, sizeof(conf));
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

	from_remote_vtep(s, IPPROTO_UDP);
	item(s, RTE_FLOW_ITEM_TYPE_UDP, &udp, &udp_mask, sizeof(udp));
	item(s, RTE_FLOW_ITEM_TYPE_VXLAN, &vx, &rte_flow_item_vxlan_mask, sizeof(vx));
	decap_to_vf1(s, RTE_FLOW_ACTION_TYPE_VXLAN_DECAP, NULL, 0);
}

static void rule_gre_encap(struct flow_spec *s)
{
	struct rte_flow_action_raw_encap conf = { 0 };

	conf.data = gre_template(s, &conf.size);
	from_port(s, VF1);
	eth_dst_src(s, &vm2_mac, NULL);
	encap_to_uplink(s, RTE_FLOW_ACTION_TYPE_RAW_ENCAP, &conf, sizeof(conf));
}

static void rule_gre_decap(struct flow_spec *s)
{
	struct rte_flow_item_gre gre = { .c_rsvd0_ver = RTE_BE16(0x2000),
		.protocol = RTE_BE16(0x6558) };
	struct rte_flow_item_gre gre_mask = { .c_rsvd0_ver = RTE_BE16(0xb000),
		.protocol = RTE_BE16(0xffff) };
	rte_be32_t key = RTE_BE32(VNI), key_mask = RTE_BE32(UINT32_MAX);
	struct rte_flow_action_raw_decap decap = { .size = 42 };

	from_remote_vtep(s, IPPROTO_GRE);
	item(s, RTE_FLOW_ITEM_TYPE_GRE, &gre, &gre_mask, sizeof(gre));
	item(s, RTE_FLOW_ITEM_TYPE_GRE_KEY, &key, &key_mask, sizeof(key));
	decap_to_vf1(s, RTE_FLOW_ACTION_TYPE_RAW_DECAP, &decap, sizeof(decap));
}

static void rule_drop(struct flow_spec *s)
{
	from_port(s, VF1);
	eth_dst_src(s, NULL, &vm1_mac);
	action(s, RTE_FLOW_ACTION_TYPE_COUNT, NULL, 0);
	action(s, RTE_FLOW_ACTION_TYPE_DROP, NULL, 0);
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
	{ "vxlan6_encap", rule_vxlan6_encap, true },
	{ "vxlan6_decap", rule_vxlan6_decap, true },
	{ "gre6_encap", rule_gre6_encap, true },
	{ "gre6_decap", rule_gre6_decap, true },
	{ "drop", rule_drop, true },
	{ "sample_mirror", rule_sample_mirror, true },
	{ "sample_tunnel_mirror", rule_sample_tunnel_mirror, true },
	{ "sample_mirror_count", rule_sample_mirror_count, true },
	{ "sample_vxlan_mirror", rule_sample_vxlan_mirror, true },
	{ "sample_representor_mark", rule_sample_representor_mark, true },
	{ "sample_representor_first", rule_sample_representor_first, false },
	{ "lisp_encap", rule_lisp_encap, true },
	{ "lisp_decap", rule_lisp_decap, true },
	{ "lisp6_decap", rule_lisp6_decap, true },
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
