/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A VXLAN_ENCAP action as testpmd 22.11's one "set vxlan" configuration
 * (set vxlan / vxlan-with-vlan / vxlan-tos-ttl, ip-version ipv4 or ipv6):
 * the definition must read ETH [VLAN] IPV4|IPV6 UDP VXLAN; header fields
 * that set vxlan cannot carry get a "#" note each, since the PMD's default
 * then applies.
 */
#include <errno.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>

#include "offload/testpmd/testpmd_dump.h"

struct vx_def {
	const struct rte_flow_item_eth *eth;
	const struct rte_flow_item_vlan *vlan;
	const struct rte_flow_item_ipv4 *ip;
	const struct rte_flow_item_ipv6 *ip6; /* instead of ip */
	const struct rte_flow_item_udp *udp;
	const struct rte_flow_item_vxlan *vx;
};

/* The definition must read ETH [VLAN] IPV4|IPV6 UDP VXLAN (VOIDs aside). */
static int vx_def_parse(const struct rte_flow_item *it, struct vx_def *d)
{
	static const union {
		struct rte_flow_item_eth eth;
		struct rte_flow_item_vlan vlan;
		struct rte_flow_item_ipv4 ip;
		struct rte_flow_item_ipv6 ip6;
		struct rte_flow_item_udp udp;
		struct rte_flow_item_vxlan vx;
	} zero;
	static const enum rte_flow_item_type order[] = { RTE_FLOW_ITEM_TYPE_ETH,
		RTE_FLOW_ITEM_TYPE_VLAN, RTE_FLOW_ITEM_TYPE_IPV4, RTE_FLOW_ITEM_TYPE_UDP,
		RTE_FLOW_ITEM_TYPE_VXLAN };
	unsigned k = 0;

	memset(d, 0, sizeof(*d));
	for (; it != NULL && it->type != RTE_FLOW_ITEM_TYPE_END; it++) {
		if (it->type == RTE_FLOW_ITEM_TYPE_VOID)
			continue;
		if (k == 1 && it->type != RTE_FLOW_ITEM_TYPE_VLAN)
			k++; /* the VLAN is optional */
		bool ip6 = k == 2 && it->type == RTE_FLOW_ITEM_TYPE_IPV6;
		if (k == RTE_DIM(order) || (it->type != order[k++] && !ip6))
			return -ENOTSUP;
		const void *spec = it->spec != NULL ? it->spec : (const void *)&zero;
		switch (it->type) {
		case RTE_FLOW_ITEM_TYPE_ETH:
			d->eth = spec;
			break;
		case RTE_FLOW_ITEM_TYPE_VLAN:
			d->vlan = spec;
			break;
		case RTE_FLOW_ITEM_TYPE_IPV4:
			d->ip = spec;
			break;
		case RTE_FLOW_ITEM_TYPE_IPV6:
			d->ip6 = spec;
			break;
		case RTE_FLOW_ITEM_TYPE_UDP:
			d->udp = spec;
			break;
		default:
			d->vx = spec;
			break;
		}
	}
	return d->vx != NULL ? 0 : -ENOTSUP;
}

struct vx_note {
	const char *name;
	unsigned value;
	bool ok;
};

static void vx_notes_print(struct tp_out *o, const struct vx_note *f, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		if (!f[i].ok)
			tp_printf(o,
					"# vxlan_encap: %s 0x%x cannot be set by testpmd's set "
					"vxlan, "
					"the PMD's default applies\n",
					f[i].name, f[i].value);
}

/* The Ethernet, VLAN, UDP and VXLAN fields. */
static void vx_def_notes(struct tp_out *o, const struct vx_def *d)
{
	uint16_t type = rte_be_to_cpu_16(d->eth->type);
	uint16_t l3 = d->ip6 != NULL ? RTE_ETHER_TYPE_IPV6 : RTE_ETHER_TYPE_IPV4;
	const struct vx_note f[] = {
		{ "eth type", type, type == 0 || type == (d->vlan ? RTE_ETHER_TYPE_VLAN : l3) },
		{ "vlan inner_type", d->vlan ? rte_be_to_cpu_16(d->vlan->inner_type) : 0,
				d->vlan == NULL || d->vlan->inner_type == 0 ||
						d->vlan->inner_type == rte_cpu_to_be_16(l3) },
		{ "udp dgram_len", rte_be_to_cpu_16(d->udp->hdr.dgram_len),
				d->udp->hdr.dgram_len == 0 },
		{ "udp dgram_cksum", rte_be_to_cpu_16(d->udp->hdr.dgram_cksum),
				d->udp->hdr.dgram_cksum == 0 },
		{ "vxlan flags", d->vx->flags, d->vx->flags == 0 || d->vx->flags == 0x08 },
		{ "vxlan reserved", (unsigned)d->vx->rsvd1,
				d->vx->rsvd1 == 0 && !d->vx->rsvd0[0] && !d->vx->rsvd0[1] &&
						!d->vx->rsvd0[2] },
	};
	vx_notes_print(o, f, RTE_DIM(f));
}

static void vx_ipv4_notes(struct tp_out *o, const struct vx_def *d)
{
	const struct rte_ipv4_hdr *ip = &d->ip->hdr;
	const struct vx_note f[] = {
		{ "ipv4 version_ihl", ip->version_ihl,
				ip->version_ihl == 0 || ip->version_ihl == RTE_IPV4_VHL_DEF },
		{ "ipv4 total_length", rte_be_to_cpu_16(ip->total_length), ip->total_length == 0 },
		{ "ipv4 packet_id", rte_be_to_cpu_16(ip->packet_id), ip->packet_id == 0 },
		{ "ipv4 fragment_offset", rte_be_to_cpu_16(ip->fragment_offset),
				ip->fragment_offset == 0 },
		{ "ipv4 proto", ip->next_proto_id,
				ip->next_proto_id == 0 || ip->next_proto_id == IPPROTO_UDP },
		{ "ipv4 hdr_checksum", rte_be_to_cpu_16(ip->hdr_checksum), ip->hdr_checksum == 0 },
		{ "ipv4 tos (with a VLAN)", ip->type_of_service,
				d->vlan == NULL || ip->type_of_service == 0 },
		{ "ipv4 ttl (with a VLAN)", ip->time_to_live,
				d->vlan == NULL || ip->time_to_live == 0 },
	};
	vx_notes_print(o, f, RTE_DIM(f));
}

/* testpmd writes the traffic class and hop limit (tos-ttl) and the
 * addresses; version 6, next header UDP are the PMD's to fill. */
static void vx_ipv6_notes(struct tp_out *o, const struct vx_def *d)
{
	const struct rte_ipv6_hdr *ip = &d->ip6->hdr;
	uint32_t vtc = rte_be_to_cpu_32(ip->vtc_flow);
	const struct vx_note f[] = {
		{ "ipv6 version", vtc >> 28, (vtc >> 28) == 0 || (vtc >> 28) == 6 },
		{ "ipv6 flow label", vtc & RTE_IPV6_HDR_FL_MASK,
				(vtc & RTE_IPV6_HDR_FL_MASK) == 0 },
		{ "ipv6 payload_len", rte_be_to_cpu_16(ip->payload_len), ip->payload_len == 0 },
		{ "ipv6 proto", ip->proto, ip->proto == 0 || ip->proto == IPPROTO_UDP },
		{ "ipv6 tc (with a VLAN)", (vtc >> RTE_IPV6_HDR_TC_SHIFT) & 0xff,
				d->vlan == NULL || (vtc & RTE_IPV6_HDR_TC_MASK) == 0 },
		{ "ipv6 hop_limits (with a VLAN)", ip->hop_limits,
				d->vlan == NULL || ip->hop_limits == 0 },
	};
	vx_notes_print(o, f, RTE_DIM(f));
}

/* ip-tos, ip-ttl: of either family. */
static void vx_tos_ttl(const struct vx_def *d, unsigned *tos, unsigned *ttl)
{
	if (d->ip6 != NULL) {
		uint32_t vtc = rte_be_to_cpu_32(d->ip6->hdr.vtc_flow);
		*tos = (vtc & RTE_IPV6_HDR_TC_MASK) >> RTE_IPV6_HDR_TC_SHIFT;
		*ttl = d->ip6->hdr.hop_limits;
		return;
	}
	*tos = d->ip->hdr.type_of_service;
	*ttl = d->ip->hdr.time_to_live;
}

static void vx_addresses(struct tp_out *o, const struct vx_def *d)
{
	tp_printf(o, "ip-src ");
	if (d->ip6 != NULL)
		tp_ipv6_print(o, d->ip6->hdr.src_addr);
	else
		tp_ipv4_print(o, d->ip->hdr.src_addr);
	tp_printf(o, " ip-dst ");
	if (d->ip6 != NULL)
		tp_ipv6_print(o, d->ip6->hdr.dst_addr);
	else
		tp_ipv4_print(o, d->ip->hdr.dst_addr);
}

int tp_vxlan_prepare(struct tp_rule *r, const struct rte_flow_action_vxlan_encap *c)
{
	struct tp_out *o = r->o;
	struct vx_def d;

	if (vx_def_parse(c->definition, &d) < 0) {
		tp_printf(o,
				"# vxlan_encap: definition is not eth [/ vlan] / ipv4|ipv6 / "
				"udp / vxlan, "
				"left out\n");
		return TP_OMIT;
	}
	vx_def_notes(o, &d);
	if (d.ip6 != NULL)
		vx_ipv6_notes(o, &d);
	else
		vx_ipv4_notes(o, &d);
	unsigned tos, ttl;
	vx_tos_ttl(&d, &tos, &ttl);
	bool tos_ttl = d.vlan == NULL && (tos != 0 || ttl != 0);
	tp_printf(o, "set %s ip-version %s vni %u udp-src %u udp-dst %u ",
			d.vlan                    ? "vxlan-with-vlan"
					: tos_ttl ? "vxlan-tos-ttl"
						  : "vxlan",
			d.ip6 != NULL ? "ipv6" : "ipv4",
			(unsigned)d.vx->vni[0] << 16 | d.vx->vni[1] << 8 | d.vx->vni[2],
			rte_be_to_cpu_16(d.udp->hdr.src_port),
			rte_be_to_cpu_16(d.udp->hdr.dst_port));
	if (tos_ttl)
		tp_printf(o, "ip-tos %u ip-ttl %u ", tos, ttl);
	vx_addresses(o, &d);
	if (d.vlan != NULL)
		tp_printf(o, " vlan-tci %u", rte_be_to_cpu_16(d.vlan->tci));
	tp_printf(o, " eth-src ");
	tp_mac_print(o, &d.eth->src);
	tp_printf(o, " eth-dst ");
	tp_mac_print(o, &d.eth->dst);
	tp_printf(o, "\n");
	return 0;
}
