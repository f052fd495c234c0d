/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * L2 decisions: VF -> VF by (source, destination) MAC and tag, within one
 * network, both MACs learned on the two ports.
 *
 *   represented_port(VF a) / eth dst+src [/ vlan] / end
 *   -> [of_pop_vlan] [of_push_vlan / of_set_vlan_vid] / represented_port(VF b) / count
 */
#include "core/bounds.h"
#include "l2/fdb.h"
#include "offload/offload_private.h"

static struct rule_shape shape_l2 = { .name = "l2", .kind = OFFLOAD_L2 };
static struct rule_shape shape_l2_vlan = { .name = "l2-vlan", .kind = OFFLOAD_L2, .vlan = true };
RULE_SHAPE(shape_l2)
RULE_SHAPE(shape_l2_vlan)

static bool l2_current(const struct offload_decision *d, const struct network *n,
		struct compile_ctx *ctx, const char **why)
{
	(void)n;
	(void)ctx;
	(void)why;
	return fdb_is_port(d->network, &d->src, d->in_port, d->in_vlan) &&
			fdb_is_port(d->network, &d->dst, d->out_port, d->out_vlan);
}

static int l2_compile(const struct offload_decision *d, const struct compile_ctx *ctx,
		struct flow_spec *s, const struct rule_shape **shape)
{
	int ret = compile_vf_actions(d, ctx, s, compile_vf_items(d, ctx, s));
	compile_push_vlan(s, d->out_vlan);
	bool vlan = d->in_vlan != NFVA_VLAN_NONE || d->out_vlan != NFVA_VLAN_NONE;
	*shape = vlan ? &shape_l2_vlan : &shape_l2;
	return compile_finish(ctx, s, ret);
}

static struct offload_kind_ops kind_l2 = {
	.kind = OFFLOAD_L2,
	.name = "l2",
	.from_vf = true,
	.to_vf = true,
	.current = l2_current,
	.compile = l2_compile,
	.touch = touch_macs,
};
OFFLOAD_KIND(kind_l2)
