/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * L2 GRE in rte_flow terms. Encap: RAW_ENCAP with the template's bytes
 * (Ethernet / IPv4 proto 47 / GRE K=1 0x6558 / key). Decap items: outer ETH,
 * IPV4 proto 47, GRE with K set and C, S clear (so the header has a fixed
 * size), GRE_KEY; action RAW_DECAP of those 42 bytes.
 */
#include <string.h>

#include <rte_ip.h>

#include "../dp_config.h"
#include "offload_private.h"

#define GRE_K 0x2000
#define GRE_CKS_MASK 0xb000 /* C, K and S bits */
#define GRE_DECAP_LEN (sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv4_hdr) + 8)

int flow_gre_encap(struct flow_spec *s, const struct compile_ctx *ctx)
{
	uint8_t *data = flow_spec_alloc(s, ctx->tmpl->len);
	if (data == NULL)
		return -ENOSPC;
	memcpy(data, ctx->tmpl->hdr, ctx->tmpl->len);
	struct rte_flow_action_raw_encap conf = { .data = data, .size = ctx->tmpl->len };
	return flow_spec_action(s, RTE_FLOW_ACTION_TYPE_RAW_ENCAP, &conf, sizeof(conf)) == NULL ?
		-ENOSPC : 0;
}

int flow_gre_decap_items(struct flow_spec *s, const struct compile_ctx *ctx, uint32_t src_vtep)
{
	struct rte_flow_item_gre gre = { .c_rsvd0_ver = RTE_BE16(GRE_K),
		.protocol = RTE_BE16(0x6558) };
	struct rte_flow_item_gre gre_mask = { .c_rsvd0_ver = RTE_BE16(GRE_CKS_MASK),
		.protocol = RTE_BE16(0xffff) };
	rte_be32_t key = rte_cpu_to_be_32(ctx->vni), key_mask = RTE_BE32(0xffffffff);

	if (flow_outer_items(s, ctx, src_vtep, IPPROTO_GRE) < 0 ||
			flow_spec_item(s, RTE_FLOW_ITEM_TYPE_GRE, &gre, &gre_mask, sizeof(gre)) ==
				NULL ||
			flow_spec_item(s, RTE_FLOW_ITEM_TYPE_GRE_KEY, &key, &key_mask,
				sizeof(key)) == NULL)
		return -ENOSPC;
	return 0;
}

int flow_gre_decap_action(struct flow_spec *s)
{
	struct rte_flow_action_raw_decap conf = { .data = NULL, .size = GRE_DECAP_LEN };
	return flow_spec_action(s, RTE_FLOW_ACTION_TYPE_RAW_DECAP, &conf, sizeof(conf)) == NULL ?
		-ENOSPC : 0;
}
