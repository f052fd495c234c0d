/* SPDX-License-Identifier: BSD-3-Clause */
/* Comparable text of a rule (see offload_flow_canon.h). Written independently of
 * appliance/offload/testpmd_*.c on purpose: it is what checks them. */
#include <string.h>

#include <rte_byteorder.h>

#include "offload_flow_canon.h"

static const rte_be32_t gre_key_all = RTE_BE32(UINT32_MAX);

static const struct {
	enum rte_flow_item_type type;
	size_t size;
	const void *mask; /* what a NULL mask means */
} known[] = {
	{ RTE_FLOW_ITEM_TYPE_ETH, sizeof(struct rte_flow_item_eth), &rte_flow_item_eth_mask },
	{ RTE_FLOW_ITEM_TYPE_VLAN, sizeof(struct rte_flow_item_vlan), &rte_flow_item_vlan_mask },
	{ RTE_FLOW_ITEM_TYPE_IPV4, sizeof(struct rte_flow_item_ipv4), &rte_flow_item_ipv4_mask },
	{ RTE_FLOW_ITEM_TYPE_IPV6, sizeof(struct rte_flow_item_ipv6), &rte_flow_item_ipv6_mask },
	{ RTE_FLOW_ITEM_TYPE_UDP, sizeof(struct rte_flow_item_udp), &rte_flow_item_udp_mask },
	{ RTE_FLOW_ITEM_TYPE_VXLAN, sizeof(struct rte_flow_item_vxlan), &rte_flow_item_vxlan_mask },
	{ RTE_FLOW_ITEM_TYPE_GRE, sizeof(struct rte_flow_item_gre), &rte_flow_item_gre_mask },
	{ RTE_FLOW_ITEM_TYPE_GRE_KEY, sizeof(rte_be32_t), &gre_key_all },
	{ RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT, sizeof(struct rte_flow_item_ethdev),
			&rte_flow_item_ethdev_mask },
	{ RTE_FLOW_ITEM_TYPE_PORT_REPRESENTOR, sizeof(struct rte_flow_item_ethdev),
			&rte_flow_item_ethdev_mask },
	{ RTE_FLOW_ITEM_TYPE_PORT_ID, sizeof(struct rte_flow_item_port_id),
			&rte_flow_item_port_id_mask },
};

/* The name DPDK gives an item or action type (op: ITEM_NAME_PTR, ACTION_NAME_PTR). */
static const char *conv_name(enum rte_flow_conv_op op, int type)
{
	const char *n = NULL;

	if (rte_flow_conv(op, &n, sizeof(n), (void *)(uintptr_t)type, NULL) < 0 || n == NULL)
		return "?";
	return n;
}

#define item_name(t) conv_name(RTE_FLOW_CONV_OP_ITEM_NAME_PTR, (t))
#define action_name(t) conv_name(RTE_FLOW_CONV_OP_ACTION_NAME_PTR, (t))

static void hex(FILE *f, const void *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", ((const uint8_t *)p)[i]);
}

/* The item of type T at p rewritten field by field (hdr, bit-fields f1 and
 * f2) into a zeroed T, so that padding bytes compare equal. */
#define REPACK(T, p, f1, f2)                                                                       \
	do {                                                                                       \
		T in_, out_;                                                                       \
		memcpy(&in_, (p), sizeof(in_));                                                    \
		memset(&out_, 0, sizeof(out_));                                                    \
		out_.hdr = in_.hdr;                                                                \
		out_.f1 = in_.f1;                                                                  \
		out_.f2 = in_.f2;                                                                  \
		memcpy((p), &out_, sizeof(out_));                                                  \
	} while (0)

static void no_padding(enum rte_flow_item_type type, uint8_t *p)
{
	if (type == RTE_FLOW_ITEM_TYPE_ETH)
		REPACK(struct rte_flow_item_eth, p, has_vlan, reserved);
	else if (type == RTE_FLOW_ITEM_TYPE_VLAN)
		REPACK(struct rte_flow_item_vlan, p, has_more_vlan, reserved);
}

/* RAW: the spec's fields and the pattern as matched (spec & mask, and the
 * mask, NULL meaning every byte). The mask's relative, search, offset,
 * limit and length are left out: PMDs (and the emulated e-switch) ignore
 * them, and testpmd sets them from its own "is" / "spec" tokens. */
static void raw_canon(FILE *f, const struct rte_flow_item *it)
{
	const struct rte_flow_item_raw *s = it->spec;
	const struct rte_flow_item_raw *m = it->mask != NULL ? it->mask : &rte_flow_item_raw_mask;

	if (s == NULL) {
		fprintf(f, " any\n");
		return;
	}
	fprintf(f, " relative=%u search=%u offset=%d limit=%u length=%u pattern=", s->relative,
			s->search, s->offset, s->limit, s->length);
	for (unsigned i = 0; s->pattern != NULL && i < s->length; i++)
		fprintf(f, "%02x", s->pattern[i] & (m->pattern != NULL ? m->pattern[i] : 0xff));
	fprintf(f, " mask=");
	for (unsigned i = 0; s->pattern != NULL && i < s->length; i++)
		fprintf(f, "%02x", m->pattern != NULL ? m->pattern[i] : 0xff);
	fprintf(f, "\n");
}

static void item_canon(FILE *f, const struct rte_flow_item *it)
{
	uint8_t spec[64], mask[64];
	unsigned k;
	bool any = true;

	for (k = 0; k < RTE_DIM(known) && known[k].type != it->type; k++)
		;
	fprintf(f, "item %s", item_name(it->type));
	if (it->type == RTE_FLOW_ITEM_TYPE_RAW) {
		raw_canon(f, it);
		return;
	}
	if (k == RTE_DIM(known)) {
		fprintf(f, " (no canonical form)\n");
		return;
	}
	size_t n = known[k].size;
	memset(spec, 0, sizeof(spec));
	memset(mask, 0, sizeof(mask));
	if (it->spec != NULL) {
		memcpy(mask, it->mask != NULL ? it->mask : known[k].mask, n);
		no_padding(it->type, mask);
		for (size_t i = 0; i < n; i++) {
			spec[i] = ((const uint8_t *)it->spec)[i] & mask[i];
			any = any && mask[i] == 0;
		}
	}
	if (any) {
		fprintf(f, " any\n");
		return;
	}
	fprintf(f, " spec=");
	hex(f, spec, n);
	fprintf(f, " mask=");
	hex(f, mask, n);
	fprintf(f, "\n");
}

/* The fields a testpmd "set vxlan" can carry, read from the definition. */
static void vxlan_encap_canon(FILE *f, const struct rte_flow_item *it)
{
	static const uint8_t zero[64];

	for (; it != NULL && it->type != RTE_FLOW_ITEM_TYPE_END; it++) {
		const void *s = it->spec != NULL ? it->spec : zero;
		switch (it->type) {
		case RTE_FLOW_ITEM_TYPE_ETH: {
			const struct rte_flow_item_eth *e = s;
			fprintf(f, " eth_dst=");
			hex(f, &e->dst, 6);
			fprintf(f, " eth_src=");
			hex(f, &e->src, 6);
			break;
		}
		case RTE_FLOW_ITEM_TYPE_VLAN:
			fprintf(f, " vlan_tci=%u",
					rte_be_to_cpu_16(((const struct rte_flow_item_vlan *)s)
									 ->tci));
			break;
		case RTE_FLOW_ITEM_TYPE_IPV4: {
			const struct rte_ipv4_hdr *ip =
					&((const struct rte_flow_item_ipv4 *)s)->hdr;
			fprintf(f, " ip_src=%08x ip_dst=%08x tos=%u ttl=%u",
					rte_be_to_cpu_32(ip->src_addr),
					rte_be_to_cpu_32(ip->dst_addr), ip->type_of_service,
					ip->time_to_live);
			break;
		}
		case RTE_FLOW_ITEM_TYPE_IPV6: {
			const struct rte_ipv6_hdr *ip =
					&((const struct rte_flow_item_ipv6 *)s)->hdr;
			uint32_t vtc = rte_be_to_cpu_32(ip->vtc_flow);
			fprintf(f, " ip6_src=");
			hex(f, ip->src_addr, 16);
			fprintf(f, " ip6_dst=");
			hex(f, ip->dst_addr, 16);
			fprintf(f, " tc=%u hop=%u", (vtc >> 20) & 0xff, ip->hop_limits);
			break;
		}
		case RTE_FLOW_ITEM_TYPE_UDP: {
			const struct rte_udp_hdr *u = &((const struct rte_flow_item_udp *)s)->hdr;
			fprintf(f, " udp_src=%u udp_dst=%u", rte_be_to_cpu_16(u->src_port),
					rte_be_to_cpu_16(u->dst_port));
			break;
		}
		case RTE_FLOW_ITEM_TYPE_VXLAN:
			fprintf(f, " vni=");
			hex(f, ((const struct rte_flow_item_vxlan *)s)->vni, 3);
			break;
		case RTE_FLOW_ITEM_TYPE_VOID:
			break;
		default:
			fprintf(f, " %s?", item_name(it->type));
			break;
		}
	}
}

/* The arguments of the VLAN actions (OF_PUSH_VLAN, OF_SET_VLAN_VID/PCP). */
static void vlan_args(FILE *f, const struct rte_flow_action *a)
{
	const struct rte_flow_action_of_push_vlan *push = a->conf;
	const struct rte_flow_action_of_set_vlan_vid *vid = a->conf;
	const struct rte_flow_action_of_set_vlan_pcp *pcp = a->conf;

	if (a->type == RTE_FLOW_ACTION_TYPE_OF_PUSH_VLAN)
		fprintf(f, " ethertype=0x%04x", rte_be_to_cpu_16(push->ethertype));
	else if (a->type == RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_VID)
		fprintf(f, " vid=%u", rte_be_to_cpu_16(vid->vlan_vid));
	else
		fprintf(f, " pcp=%u", pcp->vlan_pcp);
}

/* RAW_ENCAP/RAW_DECAP: size and data ("-": none, a decap of a size only). */
static void raw_args(FILE *f, const uint8_t *data, size_t size)
{
	fprintf(f, " size=%zu data=", size);
	if (data == NULL)
		fprintf(f, "-");
	else
		hex(f, data, size);
}

/* The arguments of an action that carries no other list of actions. */
static void action_args(FILE *f, const struct rte_flow_action *a)
{
	const void *c = a->conf;

	switch (a->type) {
	case RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT:
	case RTE_FLOW_ACTION_TYPE_PORT_REPRESENTOR:
		fprintf(f, " port=%u", ((const struct rte_flow_action_ethdev *)c)->port_id);
		break;
	case RTE_FLOW_ACTION_TYPE_PORT_ID:
		fprintf(f, " id=%u original=%u", ((const struct rte_flow_action_port_id *)c)->id,
				((const struct rte_flow_action_port_id *)c)->original);
		break;
	case RTE_FLOW_ACTION_TYPE_COUNT:
		fprintf(f, " id=%u", c ? ((const struct rte_flow_action_count *)c)->id : 0);
		break;
	case RTE_FLOW_ACTION_TYPE_JUMP:
		fprintf(f, " group=%u", ((const struct rte_flow_action_jump *)c)->group);
		break;
	case RTE_FLOW_ACTION_TYPE_QUEUE:
		fprintf(f, " index=%u", ((const struct rte_flow_action_queue *)c)->index);
		break;
	case RTE_FLOW_ACTION_TYPE_MARK:
		fprintf(f, " id=%u", ((const struct rte_flow_action_mark *)c)->id);
		break;
	case RTE_FLOW_ACTION_TYPE_OF_PUSH_VLAN:
	case RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_VID:
	case RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_PCP:
		vlan_args(f, a);
		break;
	case RTE_FLOW_ACTION_TYPE_RAW_ENCAP:
		raw_args(f, ((const struct rte_flow_action_raw_encap *)c)->data,
				((const struct rte_flow_action_raw_encap *)c)->size);
		break;
	case RTE_FLOW_ACTION_TYPE_RAW_DECAP:
		raw_args(f, ((const struct rte_flow_action_raw_decap *)c)->data,
				((const struct rte_flow_action_raw_decap *)c)->size);
		break;
	case RTE_FLOW_ACTION_TYPE_VXLAN_ENCAP:
		vxlan_encap_canon(f, ((const struct rte_flow_action_vxlan_encap *)c)->definition);
		break;
	default:
		break;
	}
}

static void actions_canon(FILE *f, const char *indent, const struct rte_flow_action *a)
{
	for (; a != NULL && a->type != RTE_FLOW_ACTION_TYPE_END; a++) {
		if (a->type == RTE_FLOW_ACTION_TYPE_VOID)
			continue;
		fprintf(f, "%saction %s", indent, action_name(a->type));
		if (a->type == RTE_FLOW_ACTION_TYPE_SAMPLE) {
			const struct rte_flow_action_sample *s = a->conf;
			fprintf(f, " ratio=%u\n", s->ratio);
			actions_canon(f, "  sub ", s->actions);
			continue;
		}
		action_args(f, a);
		fprintf(f, "\n");
	}
}

void flow_canon(FILE *f, uint16_t port, const struct rte_flow_attr *attr,
		const struct rte_flow_item pattern[], const struct rte_flow_action actions[])
{
	fprintf(f, "rule port=%u group=%u priority=%u ingress=%u egress=%u transfer=%u\n", port,
			attr->group, attr->priority, attr->ingress, attr->egress, attr->transfer);
	for (const struct rte_flow_item *it = pattern; it->type != RTE_FLOW_ITEM_TYPE_END; it++)
		if (it->type != RTE_FLOW_ITEM_TYPE_VOID)
			item_canon(f, it);
	actions_canon(f, "", actions);
	fprintf(f, "end\n");
}
