/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The compiler: one decision -> one transfer rule (attr + pattern + actions)
 * in DPDK's own structures. Each decision kind compiles its rule from its
 * own file (kind_l2.c, kind_tunnel.c, kind_lisp.c) out of the pieces here,
 * and each tunnel type brings its encap and decap parts (vxlan_rule.c,
 * gre_rule.c), built from the same encapsulation template the slow path
 * prepends:
 *
 *   L2     represented_port(VF a) / eth dst+src [/ vlan] / end
 *          -> [of_pop_vlan] [of_push_vlan / of_set_vlan_vid] / represented_port(VF b) / count
 *   ENCAP  represented_port(VF) / eth dst+src [/ vlan] / end
 *          -> [of_pop_vlan] / vxlan_encap | raw_encap / represented_port(uplink) / count
 *   DECAP  represented_port(uplink) / eth / ipv4 | ipv6 / udp / vxlan | gre / gre_key /
 *          eth dst+src
 *          -> vxlan_decap | raw_decap / [push vlan] / represented_port(VF) / count
 *   LISP   see kind_lisp.c
 *
 * Mirrored flows get a SAMPLE first (copies of what the ingress port
 * received) and/or just before the fate (copies of what the egress port
 * sends), built by compile_mirror.c from the flow's mirror plan.
 */
#include <string.h>

#include "core/dp_config.h"
#include "offload/offload_private.h"

#define RULE_PRIORITY 1 /* 0 is left for rules that must win (mirrors) */

static struct offload_kind_ops *kinds;
static const char *refusal; /* of the compile running, or the last one */

int compile_refuse(const char *why, int err)
{
	refusal = why;
	return err;
}

const char *compile_refusal(void)
{
	return refusal;
}

void offload_kind_register(struct offload_kind_ops *k)
{
	RTE_VERIFY(offload_kind_get(k->kind) == NULL);
	k->next = kinds;
	kinds = k;
}

const struct offload_kind_ops *offload_kind_get(uint8_t kind)
{
	for (const struct offload_kind_ops *k = kinds; k != NULL; k = k->next)
		if (k->kind == kind)
			return k;
	return NULL;
}

int compile_port_item(struct flow_spec *s, uint16_t ethdev)
{
	struct rte_flow_item_ethdev spec = { .port_id = ethdev };
	struct rte_flow_item_ethdev mask = { .port_id = 0xffff };
	return flow_spec_add_item(s, RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT, &spec, &mask,
			sizeof(spec));
}

/* Ethernet by both MACs; untagged only when the ingress attachment is
 * untagged (an ETH item alone would match tagged frames too). */
int compile_eth_macs(struct flow_spec *s, const struct offload_decision *d, uint16_t vlan)
{
	struct rte_flow_item_eth spec = { 0 }, mask = { 0 };
	spec.hdr.dst_addr = d->dst;
	spec.hdr.src_addr = d->src;
	memset(&mask.hdr.dst_addr, 0xff, RTE_ETHER_ADDR_LEN);
	memset(&mask.hdr.src_addr, 0xff, RTE_ETHER_ADDR_LEN);
	if (vlan == NFVA_VLAN_NONE)
		mask.has_vlan = 1; /* spec.has_vlan = 0 */
	return flow_spec_add_item(s, RTE_FLOW_ITEM_TYPE_ETH, &spec, &mask, sizeof(spec));
}

static int item_vlan(struct flow_spec *s, uint16_t vlan)
{
	struct rte_flow_item_vlan spec = { .hdr.vlan_tci = rte_cpu_to_be_16(vlan) };
	struct rte_flow_item_vlan mask = { .hdr.vlan_tci = RTE_BE16(0x0fff) };
	if (vlan == NFVA_VLAN_NONE)
		return 0;
	return flow_spec_add_item(s, RTE_FLOW_ITEM_TYPE_VLAN, &spec, &mask, sizeof(spec));
}

static void action_pop_vlan(struct flow_spec *s, uint16_t vlan)
{
	if (vlan != NFVA_VLAN_NONE)
		flow_spec_action(s, RTE_FLOW_ACTION_TYPE_OF_POP_VLAN, NULL, 0);
}

void compile_push_vlan(struct flow_spec *s, uint16_t vlan)
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

int compile_sample(struct flow_spec *s, const struct compile_ctx *ctx, bool out)
{
	return flow_mirror_sample(s, out ? &ctx->mirror.out : &ctx->mirror.in,
			ctx->mirror_tmpl[out]);
}

int compile_vf_items(const struct offload_decision *d, const struct compile_ctx *ctx,
		struct flow_spec *s)
{
	int ret = compile_port_item(s, ctx->in_ethdev);
	if (ret == 0)
		ret = compile_eth_macs(s, d, d->in_vlan);
	if (ret == 0)
		ret = item_vlan(s, d->in_vlan);
	return ret;
}

int compile_vf_actions(const struct offload_decision *d, const struct compile_ctx *ctx,
		struct flow_spec *s, int ret)
{
	if (ret == 0)
		ret = compile_sample(s, ctx, false);
	action_pop_vlan(s, d->in_vlan);
	return ret;
}

int compile_finish(const struct compile_ctx *ctx, struct flow_spec *s, int ret)
{
	if (ret == 0)
		ret = compile_sample(s, ctx, true);
	action_output(s, ctx->out_ethdev);
	return ret;
}

int offload_compile(const struct offload_decision *d, const struct compile_ctx *ctx,
		struct flow_spec *s, const struct rule_shape **shape)
{
	const struct offload_kind_ops *k = offload_kind_get(d->kind);

	if (k == NULL)
		return -EINVAL;
	flow_spec_init(s, 0, RULE_PRIORITY);
	*shape = NULL;
	refusal = NULL;
	int ret = k->compile(d, ctx, s, shape);
	return ret < 0 ? ret : flow_spec_finish(s);
}
