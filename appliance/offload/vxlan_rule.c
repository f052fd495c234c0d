/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VXLAN in rte_flow terms, over an IPv4 or IPv6 underlay. Encap: VXLAN_ENCAP
 * whose definition (ETH / IPV4 or IPV6 / UDP / VXLAN) is read back from the
 * encapsulation template's bytes, UDP source port 0 (and over IPv6 flow
 * label 0) = "the NIC picks the entropy" (the emulated e-switch uses the
 * slow path's hash). Decap items: outer ETH to the uplink MAC, IPV4 or IPV6
 * from the remote VTEP to ours, UDP to the network's port, VXLAN with the
 * VNI. The outer items are shared with GRE and LISP (flow_outer_items).
 */
#include <string.h>

#include <rte_ip.h>
#include <rte_udp.h>
#include <rte_vxlan.h>

#include "core/dp_config.h"
#include "offload/offload_private.h"

/* The definition's outer IP item: the template's IPv4 or IPv6 header. */
static int encap_ip_item(struct flow_spec *s, const struct encap_template *t,
		struct rte_flow_item *def)
{
	const void *ip = t->hdr + sizeof(struct rte_ether_hdr);

	if (t->ipv6) {
		struct rte_flow_item_ipv6 *i = flow_spec_alloc(s, sizeof(*i));
		if (i == NULL)
			return -ENOSPC;
		memcpy(&i->hdr, ip, sizeof(i->hdr));
		*def = (struct rte_flow_item){ .type = RTE_FLOW_ITEM_TYPE_IPV6, .spec = i };
		return sizeof(i->hdr);
	}
	struct rte_flow_item_ipv4 *i = flow_spec_alloc(s, sizeof(*i));
	if (i == NULL)
		return -ENOSPC;
	memcpy(&i->hdr, ip, sizeof(i->hdr));
	*def = (struct rte_flow_item){ .type = RTE_FLOW_ITEM_TYPE_IPV4, .spec = i };
	return sizeof(i->hdr);
}

static int vxlan_encap(struct flow_spec *s, const struct compile_ctx *ctx)
{
	const struct rte_ether_hdr *eth = (const void *)ctx->tmpl->hdr;
	struct rte_flow_item *def = flow_spec_alloc(s, 5 * sizeof(*def));

	if (def == NULL)
		return -ENOSPC;
	int l3_len = encap_ip_item(s, ctx->tmpl, &def[1]);
	if (l3_len < 0)
		return l3_len;
	const struct rte_udp_hdr *udp = (const void *)((const uint8_t *)(eth + 1) + l3_len);
	const struct rte_vxlan_hdr *vx = (const void *)(udp + 1);
	struct rte_flow_item_eth *e = flow_spec_alloc(s, sizeof(*e));
	struct rte_flow_item_udp *u = flow_spec_alloc(s, sizeof(*u));
	struct rte_flow_item_vxlan *v = flow_spec_alloc(s, sizeof(*v));
	if (e == NULL || u == NULL || v == NULL)
		return -ENOSPC;
	memcpy(&e->hdr, eth, sizeof(*eth));
	memcpy(&u->hdr, udp, sizeof(*udp));
	memcpy(&v->hdr, vx, sizeof(*vx));
	def[0] = (struct rte_flow_item){ .type = RTE_FLOW_ITEM_TYPE_ETH, .spec = e };
	def[2] = (struct rte_flow_item){ .type = RTE_FLOW_ITEM_TYPE_UDP, .spec = u };
	def[3] = (struct rte_flow_item){ .type = RTE_FLOW_ITEM_TYPE_VXLAN, .spec = v };
	def[4] = (struct rte_flow_item){ .type = RTE_FLOW_ITEM_TYPE_END };
	struct rte_flow_action_vxlan_encap conf = { .definition = def };
	return flow_spec_add_action(s, RTE_FLOW_ACTION_TYPE_VXLAN_ENCAP, &conf, sizeof(conf));
}

static int outer_eth_item(struct flow_spec *s, const struct compile_ctx *ctx, uint16_t type)
{
	struct rte_flow_item_eth eth = { 0 }, eth_mask = { 0 };
	eth.hdr.dst_addr = ctx->uplink_mac;
	memset(&eth_mask.hdr.dst_addr, 0xff, RTE_ETHER_ADDR_LEN);
	eth.hdr.ether_type = rte_cpu_to_be_16(type);
	eth_mask.hdr.ether_type = RTE_BE16(0xffff);
	if (flow_spec_item(s, RTE_FLOW_ITEM_TYPE_ETH, &eth, &eth_mask, sizeof(eth)) == NULL)
		return -ENOSPC;
	return 0;
}

/* IPv6 from the remote VTEP to our address, next header proto (no
 * extension header between: what the e-switch parses). */
static int outer_ipv6_items(struct flow_spec *s, const struct compile_ctx *ctx,
		const struct nfva_ip *src, uint8_t proto)
{
	struct rte_flow_item_ipv6 ip = { .hdr.proto = proto }, mask = { .hdr.proto = 0xff };

	if (outer_eth_item(s, ctx, RTE_ETHER_TYPE_IPV6) < 0)
		return -ENOSPC;
	memcpy(ip.hdr.src_addr, src->addr, 16);
	memcpy(ip.hdr.dst_addr, ctx->local_ip6, 16);
	memset(mask.hdr.src_addr, 0xff, 16);
	memset(mask.hdr.dst_addr, 0xff, 16);
	if (flow_spec_item(s, RTE_FLOW_ITEM_TYPE_IPV6, &ip, &mask, sizeof(ip)) == NULL)
		return -ENOSPC;
	return 0;
}

/* Outer items shared by the tunnels' decap patterns. */
int flow_outer_items(struct flow_spec *s, const struct compile_ctx *ctx, const struct nfva_ip *src,
		uint8_t proto)
{
	if (nfva_ip_is_v6(src))
		return outer_ipv6_items(s, ctx, src, proto);
	struct rte_flow_item_ipv4 ip = { .hdr = { .src_addr = nfva_ip_get_v4(src),
							 .dst_addr = ctx->local_ip,
							 .next_proto_id = proto } };
	struct rte_flow_item_ipv4 ip_mask = { .hdr = { .src_addr = RTE_BE32(0xffffffff),
							      .dst_addr = RTE_BE32(0xffffffff),
							      .next_proto_id = 0xff } };
	if (outer_eth_item(s, ctx, RTE_ETHER_TYPE_IPV4) < 0 ||
			flow_spec_item(s, RTE_FLOW_ITEM_TYPE_IPV4, &ip, &ip_mask, sizeof(ip)) ==
					NULL)
		return -ENOSPC;
	return 0;
}

static int vxlan_decap_items(struct flow_spec *s, const struct compile_ctx *ctx)
{
	struct rte_flow_item_udp udp = { .hdr.dst_port = rte_cpu_to_be_16(ctx->udp_port) };
	struct rte_flow_item_udp udp_mask = { .hdr.dst_port = RTE_BE16(0xffff) };
	struct rte_flow_item_vxlan vx = { 0 }, vx_mask = { 0 };
	uint32_t vni = rte_cpu_to_be_32(ctx->vni << 8);

	memcpy(vx.vni, &vni, sizeof(vx.vni));
	memset(vx_mask.vni, 0xff, sizeof(vx_mask.vni));
	if (flow_outer_items(s, ctx, &ctx->remote, IPPROTO_UDP) < 0 ||
			flow_spec_item(s, RTE_FLOW_ITEM_TYPE_UDP, &udp, &udp_mask, sizeof(udp)) ==
					NULL ||
			flow_spec_item(s, RTE_FLOW_ITEM_TYPE_VXLAN, &vx, &vx_mask, sizeof(vx)) ==
					NULL)
		return -ENOSPC;
	return 0;
}

static int vxlan_decap(struct flow_spec *s, const struct compile_ctx *ctx)
{
	(void)ctx;
	return flow_spec_add_action(s, RTE_FLOW_ACTION_TYPE_VXLAN_DECAP, NULL, 0);
}

static struct rule_shape shape_vxlan_encap = { .name = "vxlan-encap",
	.kind = OFFLOAD_ENCAP,
	.encap = DP_ENCAP_VXLAN };
static struct rule_shape shape_vxlan_decap = { .name = "vxlan-decap",
	.kind = OFFLOAD_DECAP,
	.encap = DP_ENCAP_VXLAN };
static struct rule_shape shape_vxlan6_encap = { .name = "vxlan6-encap",
	.kind = OFFLOAD_ENCAP,
	.encap = DP_ENCAP_VXLAN,
	.ipv6 = true };
static struct rule_shape shape_vxlan6_decap = { .name = "vxlan6-decap",
	.kind = OFFLOAD_DECAP,
	.encap = DP_ENCAP_VXLAN,
	.ipv6 = true };
RULE_SHAPE(shape_vxlan_encap)
RULE_SHAPE(shape_vxlan_decap)
RULE_SHAPE(shape_vxlan6_encap)
RULE_SHAPE(shape_vxlan6_decap)

static struct offload_tunnel vxlan_tunnel = {
	.encap = DP_ENCAP_VXLAN,
	.encap_shape = &shape_vxlan_encap,
	.decap_shape = &shape_vxlan_decap,
	.encap6_shape = &shape_vxlan6_encap,
	.decap6_shape = &shape_vxlan6_decap,
	.encap_actions = vxlan_encap,
	.decap_items = vxlan_decap_items,
	.decap_actions = vxlan_decap,
};
OFFLOAD_TUNNEL(vxlan_tunnel)
