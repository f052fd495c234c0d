/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * VXLAN in rte_flow terms. Encap: VXLAN_ENCAP whose definition (ETH / IPV4 /
 * UDP / VXLAN) is read back from the encapsulation template's bytes, UDP
 * source port 0 = "the NIC picks the entropy" (the emulated e-switch uses the
 * slow path's hash). Decap items: outer ETH to the uplink MAC, IPV4 from the
 * remote VTEP to ours, UDP to the network's port, VXLAN with the VNI.
 */
#include <string.h>

#include <rte_ip.h>
#include <rte_udp.h>
#include <rte_vxlan.h>

#include "core/dp_config.h"
#include "offload/offload_private.h"

static int vxlan_encap(struct flow_spec *s, const struct compile_ctx *ctx)
{
	const struct rte_ether_hdr *eth = (const void *)ctx->tmpl->hdr;
	const struct rte_ipv4_hdr *ip = (const void *)(eth + 1);
	const struct rte_udp_hdr *udp = (const void *)(ip + 1);
	const struct rte_vxlan_hdr *vx = (const void *)(udp + 1);
	struct rte_flow_item *def = flow_spec_alloc(s, 5 * sizeof(*def));

	if (def == NULL)
		return -ENOSPC;
	struct rte_flow_item_eth *e = flow_spec_alloc(s, sizeof(*e));
	struct rte_flow_item_ipv4 *i = flow_spec_alloc(s, sizeof(*i));
	struct rte_flow_item_udp *u = flow_spec_alloc(s, sizeof(*u));
	struct rte_flow_item_vxlan *v = flow_spec_alloc(s, sizeof(*v));
	if (e == NULL || i == NULL || u == NULL || v == NULL)
		return -ENOSPC;
	memcpy(&e->hdr, eth, sizeof(*eth));
	memcpy(&i->hdr, ip, sizeof(*ip));
	memcpy(&u->hdr, udp, sizeof(*udp));
	memcpy(&v->hdr, vx, sizeof(*vx));
	def[0] = (struct rte_flow_item){ .type = RTE_FLOW_ITEM_TYPE_ETH, .spec = e };
	def[1] = (struct rte_flow_item){ .type = RTE_FLOW_ITEM_TYPE_IPV4, .spec = i };
	def[2] = (struct rte_flow_item){ .type = RTE_FLOW_ITEM_TYPE_UDP, .spec = u };
	def[3] = (struct rte_flow_item){ .type = RTE_FLOW_ITEM_TYPE_VXLAN, .spec = v };
	def[4] = (struct rte_flow_item){ .type = RTE_FLOW_ITEM_TYPE_END };
	struct rte_flow_action_vxlan_encap conf = { .definition = def };
	return flow_spec_add_action(s, RTE_FLOW_ACTION_TYPE_VXLAN_ENCAP, &conf, sizeof(conf));
}

/* Outer ETH + IPV4 items shared by both tunnels' decap patterns. */
int flow_outer_items(struct flow_spec *s, const struct compile_ctx *ctx, uint32_t src_vtep,
		uint8_t proto)
{
	struct rte_flow_item_eth eth = { 0 }, eth_mask = { 0 };
	eth.hdr.dst_addr = ctx->uplink_mac;
	memset(&eth_mask.hdr.dst_addr, 0xff, RTE_ETHER_ADDR_LEN);
	eth.hdr.ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	eth_mask.hdr.ether_type = RTE_BE16(0xffff);
	struct rte_flow_item_ipv4 ip = {
		.hdr = { .src_addr = src_vtep, .dst_addr = ctx->local_ip, .next_proto_id = proto }
	};
	struct rte_flow_item_ipv4 ip_mask = { .hdr = { .src_addr = RTE_BE32(0xffffffff),
							      .dst_addr = RTE_BE32(0xffffffff),
							      .next_proto_id = 0xff } };
	if (flow_spec_item(s, RTE_FLOW_ITEM_TYPE_ETH, &eth, &eth_mask, sizeof(eth)) == NULL ||
			flow_spec_item(s, RTE_FLOW_ITEM_TYPE_IPV4, &ip, &ip_mask, sizeof(ip)) ==
					NULL)
		return -ENOSPC;
	return 0;
}

static int vxlan_decap_items(struct flow_spec *s, const struct compile_ctx *ctx, uint32_t src_vtep)
{
	struct rte_flow_item_udp udp = { .hdr.dst_port = rte_cpu_to_be_16(ctx->udp_port) };
	struct rte_flow_item_udp udp_mask = { .hdr.dst_port = RTE_BE16(0xffff) };
	struct rte_flow_item_vxlan vx = { 0 }, vx_mask = { 0 };
	uint32_t vni = rte_cpu_to_be_32(ctx->vni << 8);

	memcpy(vx.vni, &vni, sizeof(vx.vni));
	memset(vx_mask.vni, 0xff, sizeof(vx_mask.vni));
	if (flow_outer_items(s, ctx, src_vtep, IPPROTO_UDP) < 0 ||
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
RULE_SHAPE(shape_vxlan_encap)
RULE_SHAPE(shape_vxlan_decap)

static struct offload_tunnel vxlan_tunnel = {
	.encap = DP_ENCAP_VXLAN,
	.encap_shape = &shape_vxlan_encap,
	.decap_shape = &shape_vxlan_decap,
	.encap_actions = vxlan_encap,
	.decap_items = vxlan_decap_items,
	.decap_actions = vxlan_decap,
};
OFFLOAD_TUNNEL(vxlan_tunnel)
