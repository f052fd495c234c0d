/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The mirror shapes (SAMPLE): to a port, counted, into a VXLAN or GRE
 * tunnel, 1 in 4 marked to the representor, and one testpmd 22.11 cannot
 * take (port_representor as a sample's first action).
 */
#include "offload_rule_shapes_private.h"

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

void rule_sample_mirror(struct flow_spec *s)
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
void rule_sample_tunnel_mirror(struct flow_spec *s)
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

/* Every frame to the collector, the copies counted apart from the rule. */
void rule_sample_mirror_count(struct flow_spec *s)
{
	struct rte_flow_action_ethdev *mirror = flow_spec_alloc(s, sizeof(*mirror));

	if (mirror == NULL)
		return;
	mirror->port_id = MIRROR;
	from_port(s, VF1);
	eth_dst_src(s, &vm2_mac, &vm1_mac);
	const struct rte_flow_action sub[] = {
		{ RTE_FLOW_ACTION_TYPE_COUNT, NULL },
		{ RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT, mirror },
	};
	sample(s, sub, RTE_DIM(sub));
	to_port(s, VF2);
	action(s, RTE_FLOW_ACTION_TYPE_COUNT, NULL, 0);
}

/* Copies into a VXLAN tunnel to a remote collector, the frame itself plain. */
void rule_sample_vxlan_mirror(struct flow_spec *s)
{
	struct rte_flow_action_raw_encap *enc = flow_spec_alloc(s, sizeof(*enc));
	struct rte_flow_action_ethdev *up = flow_spec_alloc(s, sizeof(*up));

	if (enc == NULL || up == NULL)
		return;
	enc->data = vxlan_template(s, &enc->size);
	up->port_id = UPLINK;
	from_port(s, VF1);
	eth_dst_src(s, &vm2_mac, NULL);
	const struct rte_flow_action sub[] = {
		{ RTE_FLOW_ACTION_TYPE_RAW_ENCAP, enc },
		{ RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT, up },
	};
	sample(s, sub, RTE_DIM(sub));
	to_port(s, VF2);
}

/* 1 frame in 4 to the slow path, known there by its mark (software
 * mirroring of what the e-switch forwards). */
void rule_sample_representor_mark(struct flow_spec *s)
{
	struct rte_flow_action_mark *mark = flow_spec_alloc(s, sizeof(*mark));
	struct rte_flow_action_ethdev *rep = flow_spec_alloc(s, sizeof(*rep));

	if (mark == NULL || rep == NULL)
		return;
	mark->id = 0x4d0001;
	rep->port_id = VF1;
	from_port(s, VF1);
	eth_dst_src(s, &vm2_mac, NULL);
	const struct rte_flow_action sub[] = {
		{ RTE_FLOW_ACTION_TYPE_MARK, mark },
		{ RTE_FLOW_ACTION_TYPE_PORT_REPRESENTOR, rep },
	};
	sample(s, sub, RTE_DIM(sub));
	((struct rte_flow_action_sample *)(uintptr_t)s->actions[s->n_actions - 1].conf)->ratio = 4;
	to_port(s, VF2);
}

/* Not exact: testpmd 22.11 refuses port_representor as the first (here the
 * only) action of set sample_actions, so the sample is left out. */
void rule_sample_representor_first(struct flow_spec *s)
{
	struct rte_flow_action_ethdev *rep = flow_spec_alloc(s, sizeof(*rep));

	if (rep == NULL)
		return;
	rep->port_id = VF1;
	from_port(s, VF1);
	eth_dst_src(s, &vm2_mac, NULL);
	sample(s, &(struct rte_flow_action){ RTE_FLOW_ACTION_TYPE_PORT_REPRESENTOR, rep }, 1);
	to_port(s, VF2);
}
