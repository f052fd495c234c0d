/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The mirror shapes (SAMPLE): to a port, counted, into a VXLAN or GRE
 * tunnel, 1 in 4 marked to the representor, and one testpmd 22.11 cannot
 * take (port_representor as a sample's first action).
 */
#include "offload_rule_shapes_private.h"

/* A sample (ratio 1 in ratio) whose sub-actions live in the arena. */
static void sample(struct flow_spec *s, const struct rte_flow_action *sub, unsigned n,
		uint32_t ratio)
{
	struct rte_flow_action *list = flow_spec_alloc(s, (n + 1) * sizeof(*list));
	struct rte_flow_action_sample conf = { .ratio = ratio, .actions = list };

	if (list == NULL)
		return;
	memcpy(list, sub, n * sizeof(*list));
	list[n].type = RTE_FLOW_ACTION_TYPE_END;
	action(s, RTE_FLOW_ACTION_TYPE_SAMPLE, &conf, sizeof(conf));
}

/* VF1 -> VF2 (to vm2's MAC, from src's if not NULL) with a sample. */
static void sample_vf1_to_vf2(struct flow_spec *s, const struct rte_ether_addr *src,
		const struct rte_flow_action *sub, unsigned n, uint32_t ratio)
{
	from_port(s, VF1);
	eth_dst_src(s, &vm2_mac, src);
	sample(s, sub, n, ratio);
	to_port(s, VF2);
}

/* The conf of a port action (REPRESENTED_PORT, PORT_REPRESENTOR) in the arena. */
static struct rte_flow_action_ethdev *port_conf(struct flow_spec *s, uint16_t port)
{
	struct rte_flow_action_ethdev *p = flow_spec_alloc(s, sizeof(*p));

	if (p != NULL)
		p->port_id = port;
	return p;
}

/* The conf of a RAW_ENCAP into VXLAN toward the remote VTEP, in the arena. */
static struct rte_flow_action_raw_encap *vxlan_encap_conf(struct flow_spec *s)
{
	struct rte_flow_action_raw_encap *enc = flow_spec_alloc(s, sizeof(*enc));

	if (enc != NULL)
		enc->data = vxlan_template(s, &enc->size);
	return enc;
}

/* VF1 -> VF2 with a sample whose one action is a port action (type) to port. */
static bool sample_to_port(struct flow_spec *s, enum rte_flow_action_type type, uint16_t port)
{
	struct rte_flow_action_ethdev *p = port_conf(s, port);

	if (p == NULL)
		return false;
	sample_vf1_to_vf2(s, NULL, &(struct rte_flow_action){ type, p }, 1, 1);
	return true;
}

void rule_sample_mirror(struct flow_spec *s)
{
	if (sample_to_port(s, RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT, MIRROR))
		action(s, RTE_FLOW_ACTION_TYPE_COUNT, NULL, 0);
}

/* Mirror into a VXLAN tunnel while the rule itself GRE-encapsulates: two
 * raw_encap slots in one rule, the sample's set first. */
void rule_sample_tunnel_mirror(struct flow_spec *s)
{
	struct rte_flow_action_raw_encap *enc = vxlan_encap_conf(s);
	struct rte_flow_action_ethdev *up = port_conf(s, UPLINK);
	struct rte_flow_action_raw_encap gre = { 0 };

	if (enc == NULL || up == NULL)
		return;
	gre.data = gre_template(s, &gre.size);
	from_port(s, VF1);
	eth_dst_src(s, &vm2_mac, NULL);
	const struct rte_flow_action sub[] = {
		{ RTE_FLOW_ACTION_TYPE_COUNT, NULL },
		{ RTE_FLOW_ACTION_TYPE_RAW_ENCAP, enc },
		{ RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT, up },
	};
	sample(s, sub, RTE_DIM(sub), 1);
	action(s, RTE_FLOW_ACTION_TYPE_RAW_ENCAP, &gre, sizeof(gre));
	to_port(s, UPLINK);
}

/* Every frame to the collector, the copies counted apart from the rule. */
void rule_sample_mirror_count(struct flow_spec *s)
{
	struct rte_flow_action_ethdev *mirror = port_conf(s, MIRROR);

	if (mirror == NULL)
		return;
	const struct rte_flow_action sub[] = {
		{ RTE_FLOW_ACTION_TYPE_COUNT, NULL },
		{ RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT, mirror },
	};
	sample_vf1_to_vf2(s, &vm1_mac, sub, RTE_DIM(sub), 1);
	action(s, RTE_FLOW_ACTION_TYPE_COUNT, NULL, 0);
}

/* Copies into a VXLAN tunnel to a remote collector, the frame itself plain. */
void rule_sample_vxlan_mirror(struct flow_spec *s)
{
	struct rte_flow_action_raw_encap *enc = vxlan_encap_conf(s);
	struct rte_flow_action_ethdev *up = port_conf(s, UPLINK);

	if (enc == NULL || up == NULL)
		return;
	const struct rte_flow_action sub[] = {
		{ RTE_FLOW_ACTION_TYPE_RAW_ENCAP, enc },
		{ RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT, up },
	};
	sample_vf1_to_vf2(s, NULL, sub, RTE_DIM(sub), 1);
}

/* 1 frame in 4 to the slow path, known there by its mark (software
 * mirroring of what the e-switch forwards). */
void rule_sample_representor_mark(struct flow_spec *s)
{
	struct rte_flow_action_mark *mark = flow_spec_alloc(s, sizeof(*mark));
	struct rte_flow_action_ethdev *rep = port_conf(s, VF1);

	if (mark == NULL || rep == NULL)
		return;
	mark->id = 0x4d0001;
	const struct rte_flow_action sub[] = {
		{ RTE_FLOW_ACTION_TYPE_MARK, mark },
		{ RTE_FLOW_ACTION_TYPE_PORT_REPRESENTOR, rep },
	};
	sample_vf1_to_vf2(s, NULL, sub, RTE_DIM(sub), 4);
}

/* Not exact: testpmd 22.11 refuses port_representor as the first (here the
 * only) action of set sample_actions, so the sample is left out. */
void rule_sample_representor_first(struct flow_spec *s)
{
	sample_to_port(s, RTE_FLOW_ACTION_TYPE_PORT_REPRESENTOR, VF1);
}
