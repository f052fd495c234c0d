/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The SAMPLE action of a mirrored flow, one per side (see mirror_plan.c for
 * which sessions and why). Its sub-action list lives in the rule's arena:
 *
 *   PORT      sample ratio N / represented_port(destination) / count
 *   VXLAN     sample ratio N / raw_encap(collector template, UDP source 0) /
 *             represented_port(uplink) / count
 *   SOFTWARE  sample ratio 1 / mark(port, direction) / port_representor / count
 *
 * The COUNT inside counts the copies apart from the rule's own COUNT.
 */
#include <string.h>

#include <rte_ip.h>
#include <rte_udp.h>

#include "offload/offload_private.h"

#define SAMPLE_MAX_SUB 5

static int sub_encap(struct flow_spec *s, struct rte_flow_action *sub,
		const struct encap_template *t)
{
	uint8_t *data = flow_spec_alloc(s, t->len);
	struct rte_flow_action_raw_encap *conf = flow_spec_alloc(s, sizeof(*conf));

	if (data == NULL || conf == NULL)
		return -ENOSPC;
	memcpy(data, t->hdr, t->len);
	/* UDP source 0: the e-switch fills the entropy, as for VXLAN_ENCAP. */
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(data + sizeof(struct rte_ether_hdr));
	if (ip->next_proto_id == IPPROTO_UDP)
		((struct rte_udp_hdr *)((uint8_t *)ip + rte_ipv4_hdr_len(ip)))->src_port = 0;
	conf->data = data;
	conf->size = t->len;
	*sub = (struct rte_flow_action){ .type = RTE_FLOW_ACTION_TYPE_RAW_ENCAP, .conf = conf };
	return 0;
}

static int sub_port(struct flow_spec *s, struct rte_flow_action *sub,
		enum rte_flow_action_type type, uint16_t ethdev)
{
	struct rte_flow_action_ethdev *conf = flow_spec_alloc(s, sizeof(*conf));
	if (conf == NULL)
		return -ENOSPC;
	conf->port_id = ethdev;
	*sub = (struct rte_flow_action){ .type = type, .conf = conf };
	return 0;
}

static int sub_mark(struct flow_spec *s, struct rte_flow_action *sub, uint32_t id)
{
	struct rte_flow_action_mark *conf = flow_spec_alloc(s, sizeof(*conf));
	if (conf == NULL)
		return -ENOSPC;
	conf->id = id;
	*sub = (struct rte_flow_action){ .type = RTE_FLOW_ACTION_TYPE_MARK, .conf = conf };
	return 0;
}

static int sub_count(struct flow_spec *s, struct rte_flow_action *sub)
{
	struct rte_flow_action_count *conf = flow_spec_alloc(s, sizeof(*conf));
	if (conf == NULL)
		return -ENOSPC;
	*sub = (struct rte_flow_action){ .type = RTE_FLOW_ACTION_TYPE_COUNT, .conf = conf };
	return 0;
}

/* Fills list[] (END-terminated); returns the entries or -ENOSPC. */
static int sub_actions(struct flow_spec *s, const struct mirror_side *side,
		const struct encap_template *t, struct rte_flow_action *list)
{
	int n = 0, ret = 0;

	switch (side->mode) {
	case MIRROR_HW_PORT:
		ret = sub_port(s, &list[n++], RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT, side->ethdev);
		break;
	case MIRROR_HW_VXLAN:
		ret = sub_encap(s, &list[n++], t);
		if (ret == 0)
			ret = sub_port(s, &list[n++], RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT,
					side->ethdev);
		break;
	default:
		ret = sub_mark(s, &list[n++], side->mark);
		if (ret == 0)
			ret = sub_port(s, &list[n++], RTE_FLOW_ACTION_TYPE_PORT_REPRESENTOR,
					side->ethdev);
		break;
	}
	if (ret == 0)
		ret = sub_count(s, &list[n++]);
	list[n].type = RTE_FLOW_ACTION_TYPE_END;
	return ret < 0 ? ret : n;
}

int flow_mirror_sample(struct flow_spec *s, const struct mirror_side *side,
		const struct encap_template *t)
{
	if (side->mode == MIRROR_HW_NONE)
		return 0;
	if (side->mode == MIRROR_HW_VXLAN && t == NULL)
		return -EINVAL;
	struct rte_flow_action *list = flow_spec_alloc(s, SAMPLE_MAX_SUB * sizeof(*list));
	if (list == NULL)
		return -ENOSPC;
	int ret = sub_actions(s, side, t, list);
	if (ret < 0)
		return ret;
	struct rte_flow_action_sample conf = { .ratio = side->ratio, .actions = list };
	return flow_spec_add_action(s, RTE_FLOW_ACTION_TYPE_SAMPLE, &conf, sizeof(conf));
}

/* What the probe builds for them: an L2 rule copying what the VF sends. */
struct rule_shape shape_mirror_port = { .name = "mirror-port",
	.kind = OFFLOAD_L2,
	.mirror = MIRROR_HW_PORT };
struct rule_shape shape_mirror_software = { .name = "mirror-software",
	.kind = OFFLOAD_L2,
	.mirror = MIRROR_HW_SOFTWARE };
RULE_SHAPE(shape_mirror_port)
RULE_SHAPE(shape_mirror_software)
