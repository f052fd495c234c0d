/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Encapsulation definitions of the emulated e-switch, turned into the raw
 * bytes it prepends at execution plus what it fixes per packet, as a NIC
 * does: the outer IPv4 total length and header checksum, the UDP length,
 * and a UDP source port given as 0 (= the NIC's entropy; here the slow
 * path's inner-flow hash, so both emit the same bytes). The UDP checksum is
 * left as given; a GRE checksum is refused, the switch would not compute it.
 *
 *   VXLAN_ENCAP: definition ETH / IPV4 / UDP / VXLAN / END (specs only, masks
 *                ignored); zero fields get the usual defaults (EtherType
 *                IPv4, version/IHL 0x45, TTL 64, protocol UDP, port 4789,
 *                VXLAN flags I).
 *   RAW_ENCAP:   the bytes as given; when they start with Ethernet [+ tag] +
 *                IPv4 [+ UDP], those headers are fixed per packet too.
 */
#include <netinet/in.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_flow.h>
#include <rte_ip.h>
#include <rte_udp.h>
#include <rte_vxlan.h>

#include "offload/emu/emu_switch_private.h"

#define DEFAULT_TTL 64
#define VXLAN_FLAG_I RTE_BE32(0x08000000)
#define VXLAN_ENCAP_LEN                                                                            \
	(sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv4_hdr) + sizeof(struct rte_udp_hdr) + \
			sizeof(struct rte_vxlan_hdr))

static const enum rte_flow_item_type vxlan_def[] = {
	RTE_FLOW_ITEM_TYPE_ETH,
	RTE_FLOW_ITEM_TYPE_IPV4,
	RTE_FLOW_ITEM_TYPE_UDP,
	RTE_FLOW_ITEM_TYPE_VXLAN,
	RTE_FLOW_ITEM_TYPE_END,
};

static int bad_definition(const struct rte_flow_action *a, struct rte_flow_error *error)
{
	return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION_CONF, a->conf,
			"VXLAN_ENCAP definition must be ETH / IPV4 / UDP / VXLAN / END, with "
			"specs");
}

/* The definition's specs in wire order, VOID items skipped. */
static int definition_specs(const struct rte_flow_action *a, const void *specs[4],
		struct rte_flow_error *error)
{
	const struct rte_flow_action_vxlan_encap *conf = a->conf;
	const struct rte_flow_item *it = conf->definition;
	unsigned n = 0;

	if (it == NULL)
		return bad_definition(a, error);
	for (;; it++) {
		if (it->type == RTE_FLOW_ITEM_TYPE_VOID)
			continue;
		if (it->type != vxlan_def[n])
			return bad_definition(a, error);
		if (it->type == RTE_FLOW_ITEM_TYPE_END)
			return 0;
		if (it->spec == NULL)
			return bad_definition(a, error);
		specs[n++] = it->spec;
	}
}

int emu_encap_vxlan(const struct rte_flow_action *a, struct emu_encap *e,
		struct rte_flow_error *error)
{
	const void *specs[4];

	if (definition_specs(a, specs, error) < 0)
		return -rte_errno;
	memset(e, 0, sizeof(*e));
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)e->hdr;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);
	struct rte_vxlan_hdr *vx = (struct rte_vxlan_hdr *)(udp + 1);
	*eth = ((const struct rte_flow_item_eth *)specs[0])->hdr;
	*ip = ((const struct rte_flow_item_ipv4 *)specs[1])->hdr;
	*udp = ((const struct rte_flow_item_udp *)specs[2])->hdr;
	*vx = ((const struct rte_flow_item_vxlan *)specs[3])->hdr;
	if (eth->ether_type == 0)
		eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	if (ip->version_ihl == 0)
		ip->version_ihl = RTE_IPV4_VHL_DEF;
	if (ip->time_to_live == 0)
		ip->time_to_live = DEFAULT_TTL;
	if (ip->next_proto_id == 0)
		ip->next_proto_id = IPPROTO_UDP;
	if (udp->dst_port == 0)
		udp->dst_port = RTE_BE16(EMU_VXLAN_PORT);
	if (vx->vx_flags == 0)
		vx->vx_flags = VXLAN_FLAG_I;
	if (eth->ether_type != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
			ip->version_ihl != RTE_IPV4_VHL_DEF || ip->next_proto_id != IPPROTO_UDP)
		return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION_CONF, a->conf,
				"VXLAN_ENCAP: outer must be untagged IPv4 (no options) / UDP");
	ip->total_length = 0;
	ip->hdr_checksum = 0;
	udp->dgram_len = 0;
	e->len = VXLAN_ENCAP_LEN;
	e->ip_off = sizeof(*eth);
	e->udp_off = (uint8_t)(e->ip_off + sizeof(*ip));
	e->entropy = udp->src_port == 0;
	return 0;
}

/* Past Ethernet and one tag: the offset of an IPv4 header, or 0. */
static unsigned raw_ipv4_offset(const struct emu_encap *e)
{
	unsigned off = sizeof(struct rte_ether_hdr);
	rte_be16_t type;

	if (e->len < off)
		return 0;
	memcpy(&type, &e->hdr[off - 2], sizeof(type));
	if (type == RTE_BE16(RTE_ETHER_TYPE_VLAN) || type == RTE_BE16(RTE_ETHER_TYPE_QINQ)) {
		off += sizeof(struct rte_vlan_hdr);
		if (e->len < off)
			return 0;
		memcpy(&type, &e->hdr[off - 2], sizeof(type));
	}
	if (type != RTE_BE16(RTE_ETHER_TYPE_IPV4) || e->len < off + sizeof(struct rte_ipv4_hdr))
		return 0;
	const struct rte_ipv4_hdr *ip = (const void *)&e->hdr[off];
	if ((ip->version_ihl >> 4) != 4 || off + rte_ipv4_hdr_len(ip) > e->len ||
			rte_ipv4_hdr_len(ip) < sizeof(*ip))
		return 0;
	return off;
}

int emu_encap_raw(const struct rte_flow_action *a, struct emu_encap *e,
		struct rte_flow_error *error)
{
	const struct rte_flow_action_raw_encap *conf = a->conf;

	if (conf->data == NULL || conf->size == 0 || conf->size > EMU_MAX_ENCAP)
		return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION_CONF, conf,
				"RAW_ENCAP needs data of 1 to 128 bytes");
	if (conf->preserve != NULL)
		return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION_CONF, conf,
				"RAW_ENCAP preserve is not supported");
	memset(e, 0, sizeof(*e));
	memcpy(e->hdr, conf->data, conf->size);
	e->len = (uint8_t)conf->size;
	unsigned off = raw_ipv4_offset(e);
	if (off == 0)
		return 0;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)&e->hdr[off];
	unsigned l4 = off + rte_ipv4_hdr_len(ip);
	ip->hdr_checksum = 0;
	e->ip_off = (uint8_t)off;
	if (ip->next_proto_id == IPPROTO_UDP && l4 + sizeof(struct rte_udp_hdr) <= e->len) {
		struct rte_udp_hdr *udp = (struct rte_udp_hdr *)&e->hdr[l4];
		e->udp_off = (uint8_t)l4;
		e->entropy = udp->src_port == 0;
	} else if (ip->next_proto_id == IPPROTO_GRE && l4 + 2 <= e->len &&
			(e->hdr[l4] & 0x80) != 0) {
		/* the HW does not compute the GRE checksum: neither do we */
		return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION_CONF, conf,
				"RAW_ENCAP: GRE with checksum (C bit) is not supported");
	}
	return 0;
}

/* The outer IPv4 header's sum without its length (ip_sum). */
static void encap_ip_sum(struct emu_encap *e)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)&e->hdr[e->ip_off];
	rte_be16_t len = ip->total_length;

	ip->total_length = 0;
	e->ip_sum = rte_raw_cksum(ip, rte_ipv4_hdr_len(ip));
	ip->total_length = len;
}

int emu_encap_parse(const struct rte_flow_action *a, struct emu_encap *e,
		struct rte_flow_error *error)
{
	int ret = a->type == RTE_FLOW_ACTION_TYPE_VXLAN_ENCAP ? emu_encap_vxlan(a, e, error)
							      : emu_encap_raw(a, e, error);

	if (ret == 0 && e->ip_off != 0)
		encap_ip_sum(e);
	return ret;
}
