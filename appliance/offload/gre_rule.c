/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * L2 GRE in rte_flow terms, over IPv4 or IPv6. Encap: RAW_ENCAP with the
 * template's bytes (Ethernet / IPv4 or IPv6 proto 47 / GRE K=1 0x6558 / key).
 * Decap items: outer ETH, IPV4 or IPV6 proto 47, GRE with K set and C, S
 * clear (so the header has a fixed size), GRE_KEY; action RAW_DECAP of
 * those 42 (IPv4) or 62 (IPv6) bytes. Also the RAW_ENCAP /
 * RAW_DECAP builders other tunnels share (lisp_rule.c). NVGRE networks
 * are GRE with the VSID in the key.
 */
#include <string.h>

#include <rte_ip.h>

#include "core/dp_config.h"
#include "offload/offload_private.h"

#define GRE_K 0x2000
#define GRE_CKS_MASK 0xb000 /* C, K and S bits */
#define GRE_DECAP_LEN (sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv4_hdr) + 8)
#define GRE6_DECAP_LEN (sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv6_hdr) + 8)

int flow_raw_encap(struct flow_spec *s, const void *bytes, size_t len)
{
	uint8_t *data = flow_spec_alloc(s, len);
	if (data == NULL)
		return -ENOSPC;
	memcpy(data, bytes, len);
	struct rte_flow_action_raw_encap conf = { .data = data, .size = len };
	return flow_spec_add_action(s, RTE_FLOW_ACTION_TYPE_RAW_ENCAP, &conf, sizeof(conf));
}

int flow_raw_decap(struct flow_spec *s, size_t len)
{
	struct rte_flow_action_raw_decap conf = { .data = NULL, .size = len };
	return flow_spec_add_action(s, RTE_FLOW_ACTION_TYPE_RAW_DECAP, &conf, sizeof(conf));
}

static int gre_encap(struct flow_spec *s, const struct compile_ctx *ctx)
{
	return flow_raw_encap(s, ctx->tmpl->hdr, ctx->tmpl->len);
}

static int gre_decap_items(struct flow_spec *s, const struct compile_ctx *ctx)
{
	struct rte_flow_item_gre gre = { .c_rsvd0_ver = RTE_BE16(GRE_K),
		.protocol = RTE_BE16(0x6558) };
	struct rte_flow_item_gre gre_mask = { .c_rsvd0_ver = RTE_BE16(GRE_CKS_MASK),
		.protocol = RTE_BE16(0xffff) };
	rte_be32_t key = rte_cpu_to_be_32(ctx->vni), key_mask = RTE_BE32(0xffffffff);

	if (flow_outer_items(s, ctx, &ctx->remote, IPPROTO_GRE) < 0 ||
			flow_spec_item(s, RTE_FLOW_ITEM_TYPE_GRE, &gre, &gre_mask, sizeof(gre)) ==
					NULL ||
			flow_spec_item(s, RTE_FLOW_ITEM_TYPE_GRE_KEY, &key, &key_mask,
					sizeof(key)) == NULL)
		return -ENOSPC;
	return 0;
}

static int gre_decap(struct flow_spec *s, const struct compile_ctx *ctx)
{
	return flow_raw_decap(s, nfva_ip_is_v6(&ctx->remote) ? GRE6_DECAP_LEN : GRE_DECAP_LEN);
}

static struct rule_shape shape_gre_encap = { .name = "gre-encap",
	.kind = OFFLOAD_ENCAP,
	.encap = DP_ENCAP_GRE };
static struct rule_shape shape_gre_decap = { .name = "gre-decap",
	.kind = OFFLOAD_DECAP,
	.encap = DP_ENCAP_GRE };
static struct rule_shape shape_gre6_encap = { .name = "gre6-encap",
	.kind = OFFLOAD_ENCAP,
	.encap = DP_ENCAP_GRE,
	.ipv6 = true };
static struct rule_shape shape_gre6_decap = { .name = "gre6-decap",
	.kind = OFFLOAD_DECAP,
	.encap = DP_ENCAP_GRE,
	.ipv6 = true };
RULE_SHAPE(shape_gre_encap)
RULE_SHAPE(shape_gre_decap)
RULE_SHAPE(shape_gre6_encap)
RULE_SHAPE(shape_gre6_decap)

static struct offload_tunnel gre_tunnel = {
	.encap = DP_ENCAP_GRE,
	.encap_shape = &shape_gre_encap,
	.decap_shape = &shape_gre_decap,
	.encap6_shape = &shape_gre6_encap,
	.decap6_shape = &shape_gre6_decap,
	.encap_actions = gre_encap,
	.decap_items = gre_decap_items,
	.decap_actions = gre_decap,
};
OFFLOAD_TUNNEL(gre_tunnel)
