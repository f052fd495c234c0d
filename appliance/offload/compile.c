/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The compiler: one decision -> one transfer rule (attr + pattern + actions)
 * in DPDK's own structures. The L2 part is here; each tunnel's encap and
 * decap pieces live in its own file (tun_vxlan.c, tun_gre.c), built from the
 * same encapsulation template the slow path prepends.
 *
 *   L2     represented_port(VF a) / eth dst+src [/ vlan] / end
 *          -> [of_pop_vlan] [of_push_vlan / of_set_vlan_vid] / represented_port(VF b) / count
 *   ENCAP  represented_port(VF) / eth dst+src [/ vlan] / end
 *          -> [of_pop_vlan] / vxlan_encap | raw_encap / represented_port(uplink) / count
 *   DECAP  represented_port(uplink) / eth / ipv4 / udp / vxlan | gre / gre_key / eth dst+src
 *          -> vxlan_decap | raw_decap / [push vlan] / represented_port(VF) / count
 *   LISP   see lisp_flow.c
 *
 * Mirrored flows get a SAMPLE first (copies of what the ingress port
 * received) and/or just before the fate (copies of what the egress port
 * sends), built by compile_mirror.c from the flow's mirror plan.
 */
#include <string.h>

#include "core/dp_config.h"
#include "offload/offload_private.h"

#define RULE_PRIORITY 1 /* 0 is left for rules that must win (mirrors) */

static int item_port(struct flow_spec *s, uint16_t ethdev)
{
	struct rte_flow_item_ethdev spec = { .port_id = ethdev };
	struct rte_flow_item_ethdev mask = { .port_id = 0xffff };
	return flow_spec_item(s, RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT, &spec, &mask,
			sizeof(spec)) == NULL ? -ENOSPC : 0;
}

/* Ethernet by both MACs; untagged only when the ingress attachment is
 * untagged (an ETH item alone would match tagged frames too). */
static int item_eth_macs(struct flow_spec *s, const struct offload_decision *d, uint16_t vlan)
{
	struct rte_flow_item_eth spec = { 0 }, mask = { 0 };
	spec.hdr.dst_addr = d->dst;
	spec.hdr.src_addr = d->src;
	memset(&mask.hdr.dst_addr, 0xff, RTE_ETHER_ADDR_LEN);
	memset(&mask.hdr.src_addr, 0xff, RTE_ETHER_ADDR_LEN);
	if (vlan == NFVA_VLAN_NONE)
		mask.has_vlan = 1; /* spec.has_vlan = 0 */
	return flow_spec_item(s, RTE_FLOW_ITEM_TYPE_ETH, &spec, &mask, sizeof(spec)) == NULL ?
		-ENOSPC : 0;
}

static int item_vlan(struct flow_spec *s, uint16_t vlan)
{
	struct rte_flow_item_vlan spec = { .hdr.vlan_tci = rte_cpu_to_be_16(vlan) };
	struct rte_flow_item_vlan mask = { .hdr.vlan_tci = RTE_BE16(0x0fff) };
	if (vlan == NFVA_VLAN_NONE)
		return 0;
	return flow_spec_item(s, RTE_FLOW_ITEM_TYPE_VLAN, &spec, &mask, sizeof(spec)) == NULL ?
		-ENOSPC : 0;
}

static void action_pop_vlan(struct flow_spec *s, uint16_t vlan)
{
	if (vlan != NFVA_VLAN_NONE)
		flow_spec_action(s, RTE_FLOW_ACTION_TYPE_OF_POP_VLAN, NULL, 0);
}

static void action_push_vlan(struct flow_spec *s, uint16_t vlan)
{
	struct rte_flow_action_of_push_vlan push = { .ethertype = RTE_BE16(RTE_ETHER_TYPE_VLAN) };
	struct rte_flow_action_of_set_vlan_vid vid = { .vlan_vid = rte_cpu_to_be_16(vlan) };
	if (vlan == NFVA_VLAN_NONE)
		return;
	flow_spec_action(s, RTE_FLOW_ACTION_TYPE_OF_PUSH_VLAN, &push, sizeof(push));
	flow_spec_action(s, RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_VID, &vid, sizeof(vid));
}

static void action_output(struct flow_spec *s, uint16_t ethdev)
{
	struct rte_flow_action_ethdev out = { .port_id = ethdev };
	struct rte_flow_action_count count = { 0 };
	flow_spec_action(s, RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT, &out, sizeof(out));
	flow_spec_action(s, RTE_FLOW_ACTION_TYPE_COUNT, &count, sizeof(count));
}

/* A mirror side's SAMPLE: "in" first in the list, "out" just before the fate. */
static int sample(struct flow_spec *s, const struct compile_ctx *ctx, bool out)
{
	return flow_mirror_sample(s, out ? &ctx->mirror.out : &ctx->mirror.in,
			ctx->mirror_tmpl[out]);
}

/* What rules from a VF share: the frame's port, MACs and tag; then the copy
 * of what the VM sent and the tag popped. */
static int from_vf(const struct offload_decision *d, const struct compile_ctx *ctx,
		struct flow_spec *s)
{
	int ret = item_port(s, ctx->in_ethdev);
	if (ret == 0)
		ret = item_eth_macs(s, d, d->in_vlan);
	if (ret == 0)
		ret = item_vlan(s, d->in_vlan);
	if (ret == 0 && d->kind == OFFLOAD_LISP_ENCAP)
		ret = flow_lisp_encap_items(s, d);
	if (ret == 0)
		ret = sample(s, ctx, false);
	action_pop_vlan(s, d->in_vlan);
	return ret;
}

/* What every rule ends with: the copy of what leaves, the port, the count. */
static int finish(const struct compile_ctx *ctx, struct flow_spec *s, int ret)
{
	if (ret == 0)
		ret = sample(s, ctx, true);
	action_output(s, ctx->out_ethdev);
	return ret;
}

static int compile_l2(const struct offload_decision *d, const struct compile_ctx *ctx,
		struct flow_spec *s, enum rule_shape *shape)
{
	int ret = from_vf(d, ctx, s);
	action_push_vlan(s, d->out_vlan);
	bool vlan = d->in_vlan != NFVA_VLAN_NONE || d->out_vlan != NFVA_VLAN_NONE;
	*shape = vlan ? SHAPE_L2_VLAN : SHAPE_L2;
	return finish(ctx, s, ret);
}

static int compile_encap(const struct offload_decision *d, const struct compile_ctx *ctx,
		struct flow_spec *s, enum rule_shape *shape)
{
	int ret = from_vf(d, ctx, s);
	if (ret == 0 && d->kind == OFFLOAD_LISP_ENCAP) {
		ret = flow_lisp_encap_actions(s, ctx);
		*shape = SHAPE_LISP_ENCAP;
	} else if (ret == 0 && ctx->encap == DP_ENCAP_VXLAN) {
		ret = flow_vxlan_encap(s, ctx);
		*shape = SHAPE_VXLAN_ENCAP;
	} else if (ret == 0) {
		ret = flow_gre_encap(s, ctx);
		*shape = SHAPE_GRE_ENCAP;
	}
	return finish(ctx, s, ret);
}

static int decap_items(const struct offload_decision *d, const struct compile_ctx *ctx,
		struct flow_spec *s)
{
	int ret = item_port(s, ctx->in_ethdev);
	if (ret < 0)
		return ret;
	if (d->kind == OFFLOAD_LISP_DECAP)
		return flow_lisp_decap_items(s, d, ctx);
	ret = ctx->encap == DP_ENCAP_VXLAN ? flow_vxlan_decap_items(s, ctx, d->vtep_ip) :
		flow_gre_decap_items(s, ctx, d->vtep_ip);
	return ret < 0 ? ret : item_eth_macs(s, d, NFVA_VLAN_NONE);
}

static int compile_decap(const struct offload_decision *d, const struct compile_ctx *ctx,
		struct flow_spec *s, enum rule_shape *shape)
{
	int ret = decap_items(d, ctx, s);
	if (ret == 0)
		ret = sample(s, ctx, false);
	if (ret == 0 && d->kind == OFFLOAD_LISP_DECAP) {
		ret = flow_lisp_decap_actions(s, d);
		*shape = SHAPE_LISP_DECAP;
	} else if (ret == 0 && ctx->encap == DP_ENCAP_VXLAN) {
		flow_spec_action(s, RTE_FLOW_ACTION_TYPE_VXLAN_DECAP, NULL, 0);
		*shape = SHAPE_VXLAN_DECAP;
	} else if (ret == 0) {
		ret = flow_gre_decap_action(s);
		*shape = SHAPE_GRE_DECAP;
	}
	action_push_vlan(s, d->out_vlan);
	return finish(ctx, s, ret);
}

int offload_compile(const struct offload_decision *d, const struct compile_ctx *ctx,
		struct flow_spec *s, enum rule_shape *shape)
{
	int ret;

	flow_spec_init(s, 0, RULE_PRIORITY);
	*shape = SHAPE_L2;
	switch (d->kind) {
	case OFFLOAD_L2:
		ret = compile_l2(d, ctx, s, shape);
		break;
	case OFFLOAD_ENCAP:
	case OFFLOAD_LISP_ENCAP:
		ret = compile_encap(d, ctx, s, shape);
		break;
	case OFFLOAD_DECAP:
	case OFFLOAD_LISP_DECAP:
		ret = compile_decap(d, ctx, s, shape);
		break;
	default:
		return -EINVAL;
	}
	return ret < 0 ? ret : flow_spec_finish(s);
}
