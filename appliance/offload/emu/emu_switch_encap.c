/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Encapsulation definitions of the emulated e-switch, turned into the raw
 * bytes it prepends at execution plus what it fixes per packet, as a NIC
 * does: the outer IPv4 total length and header checksum or IPv6 payload
 * length, the UDP length, and a UDP source port and IPv6 flow label given
 * as 0 (= the NIC's entropy; here the slow path's inner-flow hash, so both
 * emit the same bytes). The UDP checksum is left as given, over IPv6 too (a
 * ConnectX does not fill it either: nfva compiles IPv6 VXLAN encap only for
 * udp6-zero-csum networks); a GRE checksum is refused, the switch would not
 * compute it.
 *
 *   VXLAN_ENCAP: definition ETH / IPV4 or IPV6 / UDP / VXLAN / END (specs
 *                only, masks ignored); zero fields get the usual defaults
 *                (EtherType, version/IHL 0x45 or version 6, TTL or hop limit
 *                64, protocol UDP, port 4789, VXLAN flags I).
 *   RAW_ENCAP:   the bytes as given; when they start with Ethernet [+ tag] +
 *                IPv4 or IPv6 [+ UDP], those headers are fixed per packet too.
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
#define IPV6_VERSION_MASK RTE_BE32(0xf0000000)
#define IPV6_VERSION RTE_BE32(0x60000000)

static int bad_definition(const struct rte_flow_action *a, struct rte_flow_error *error)
{
	return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION_CONF, a->conf,
			"VXLAN_ENCAP definition must be ETH / IPV4 or IPV6 / UDP / VXLAN / END, "
			"with specs");
}

/* Does item n of the definition have the type it must? */
static bool definition_type(unsigned n, enum rte_flow_item_type type)
{
	switch (n) {
	case 0:
		return type == RTE_FLOW_ITEM_TYPE_ETH;
	case 1:
		return type == RTE_FLOW_ITEM_TYPE_IPV4 || type == RTE_FLOW_ITEM_TYPE_IPV6;
	case 2:
		return type == RTE_FLOW_ITEM_TYPE_UDP;
	case 3:
		return type == RTE_FLOW_ITEM_TYPE_VXLAN;
	default:
		return type == RTE_FLOW_ITEM_TYPE_END;
	}
}

/* The definition's specs in wire order, VOID items skipped; *ipv6: the
 * outer header is IPv6. */
static int definition_specs(const struct rte_flow_action *a, const void *specs[4], bool *ipv6,
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
		if (!definition_type(n, it->type))
			return bad_definition(a, error);
		if (it->type == RTE_FLOW_ITEM_TYPE_END)
			return 0;
		if (it->spec == NULL)
			return bad_definition(a, error);
		if (n == 1)
			*ipv6 = it->type == RTE_FLOW_ITEM_TYPE_IPV6;
		specs[n++] = it->spec;
	}
}

/* The outer IPv4 header with defaults (version/IHL 0x45, TTL 64, UDP);
 * false when it is not plain IPv4 / UDP. */
static bool vxlan_ipv4(struct emu_encap *e, const struct rte_flow_item_ipv4 *spec)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)&e->hdr[e->ip_off];

	*ip = spec->hdr;
	if (ip->version_ihl == 0)
		ip->version_ihl = RTE_IPV4_VHL_DEF;
	if (ip->time_to_live == 0)
		ip->time_to_live = DEFAULT_TTL;
	if (ip->next_proto_id == 0)
		ip->next_proto_id = IPPROTO_UDP;
	ip->total_length = 0;
	ip->hdr_checksum = 0;
	e->udp_off = (uint8_t)(e->ip_off + sizeof(*ip));
	return ip->version_ihl == RTE_IPV4_VHL_DEF && ip->next_proto_id == IPPROTO_UDP;
}

/* The outer IPv6 header with defaults (version 6, hop limit 64, UDP); a
 * flow label 0 is the inner flow's entropy. False when it is not IPv6 / UDP
 * (no extension header). */
static bool vxlan_ipv6(struct emu_encap *e, const struct rte_flow_item_ipv6 *spec)
{
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)&e->hdr[e->ip_off];

	*ip = spec->hdr;
	if ((ip->vtc_flow & IPV6_VERSION_MASK) == 0)
		ip->vtc_flow |= IPV6_VERSION;
	if (ip->hop_limits == 0)
		ip->hop_limits = DEFAULT_TTL;
	if (ip->proto == 0)
		ip->proto = IPPROTO_UDP;
	ip->payload_len = 0;
	e->ipv6 = true;
	e->label = (ip->vtc_flow & RTE_BE32(RTE_IPV6_HDR_FL_MASK)) == 0;
	e->udp_off = (uint8_t)(e->ip_off + sizeof(*ip));
	return (ip->vtc_flow & IPV6_VERSION_MASK) == IPV6_VERSION && ip->proto == IPPROTO_UDP;
}

int emu_encap_vxlan(const struct rte_flow_action *a, struct emu_encap *e,
		struct rte_flow_error *error)
{
	const void *specs[4] = { NULL };
	bool ipv6 = false;

	if (definition_specs(a, specs, &ipv6, error) < 0)
		return -rte_errno;
	memset(e, 0, sizeof(*e));
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)e->hdr;
	*eth = ((const struct rte_flow_item_eth *)specs[0])->hdr;
	rte_be16_t type = ipv6 ? RTE_BE16(RTE_ETHER_TYPE_IPV6) : RTE_BE16(RTE_ETHER_TYPE_IPV4);
	if (eth->ether_type == 0)
		eth->ether_type = type;
	e->ip_off = sizeof(*eth);
	bool ok = ipv6 ? vxlan_ipv6(e, specs[1]) : vxlan_ipv4(e, specs[1]);
	if (!ok || eth->ether_type != type)
		return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION_CONF, a->conf,
				"VXLAN_ENCAP: outer must be untagged IPv4 (no options) or IPv6 "
				"(no extension header) / UDP");
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)&e->hdr[e->udp_off];
	struct rte_vxlan_hdr *vx = (struct rte_vxlan_hdr *)(udp + 1);
	*udp = ((const struct rte_flow_item_udp *)specs[2])->hdr;
	*vx = ((const struct rte_flow_item_vxlan *)specs[3])->hdr;
	if (udp->dst_port == 0)
		udp->dst_port = RTE_BE16(EMU_VXLAN_PORT);
	if (vx->vx_flags == 0)
		vx->vx_flags = VXLAN_FLAG_I;
	udp->dgram_len = 0;
	e->len = (uint8_t)(e->udp_off + sizeof(*udp) + sizeof(*vx));
	e->entropy = udp->src_port == 0;
	return 0;
}

/* Past Ethernet and one tag: the offset of an IPv4 header (or IPv6:
 * *ipv6), or 0. */
static unsigned raw_ip_offset(const struct emu_encap *e, bool *ipv6)
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
	*ipv6 = type == RTE_BE16(RTE_ETHER_TYPE_IPV6);
	if (*ipv6)
		return e->len >= off + sizeof(struct rte_ipv6_hdr) && (e->hdr[off] >> 4) == 6 ? off
											      : 0;
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
	bool ipv6 = false;
	unsigned off = raw_ip_offset(e, &ipv6);
	if (off == 0)
		return 0;
	unsigned l4;
	uint8_t proto;
	e->ip_off = (uint8_t)off;
	if (ipv6) {
		struct rte_ipv6_hdr *ip6 = (struct rte_ipv6_hdr *)&e->hdr[off];
		l4 = off + sizeof(*ip6);
		proto = ip6->proto;
		e->ipv6 = true;
		e->label = (ip6->vtc_flow & RTE_BE32(RTE_IPV6_HDR_FL_MASK)) == 0;
	} else {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)&e->hdr[off];
		l4 = off + rte_ipv4_hdr_len(ip);
		proto = ip->next_proto_id;
		ip->hdr_checksum = 0;
	}
	if (proto == IPPROTO_UDP && l4 + sizeof(struct rte_udp_hdr) <= e->len) {
		struct rte_udp_hdr *udp = (struct rte_udp_hdr *)&e->hdr[l4];
		e->udp_off = (uint8_t)l4;
		e->entropy = udp->src_port == 0;
	} else if (proto == IPPROTO_GRE && l4 + 2 <= e->len && (e->hdr[l4] & 0x80) != 0) {
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

	if (ret == 0 && e->ip_off != 0 && !e->ipv6)
		encap_ip_sum(e);
	return ret;
}
