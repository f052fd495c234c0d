/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LISP (RFC 9300) in rte_flow terms, for IPv4 EIDs. DPDK 22.11 has no LISP
 * item, so the decap pattern reads the LISP header and the inner IPv4
 * destination with a RAW item right after UDP 4341.
 *
 *   encap  represented_port(VF) / eth VM -> gateway MAC [/ vlan] / ipv4 EID src -> EID dst
 *          -> [of_pop_vlan] / raw_decap(14: Ethernet) / raw_encap(Ethernet / IPv4 /
 *             UDP 4341, source 0 = entropy / LISP with I and the instance ID) /
 *             represented_port(uplink) / count
 *   decap  represented_port(uplink) / eth to the uplink MAC / ipv4 RLOC -> local RLOC /
 *          udp dst 4341 / raw(+0: I bit, instance ID; +24: inner IPv4 destination)
 *          -> raw_decap(50) / raw_encap(Ethernet gateway -> VM) [/ push vlan] /
 *             represented_port(VF) / count
 *          over IPv6 (lisp6-decap): eth type 0x86DD / ipv6 RLOC -> ours, next
 *          header UDP (no extension header) / the same udp and raw
 *          -> raw_decap(70) / the same actions
 * Encap toward an IPv6 RLOC is not offloaded: the UDP checksum is mandatory
 * there and an e-switch writes the one it is given (kind_lisp.c).
 *
 * What the e-switch does not do that the slow path does: the nonce (N is
 * cleared in offloaded frames: a NIC would repeat one nonce, and RFC 9300
 * makes N optional), copying a lower outer TTL inward on decap, checking
 * the inner IPv4 checksum. Outer IPv4 options are not expected on decap.
 */
#include <string.h>

#include <rte_ip.h>
#include <rte_udp.h>

#include "lisp/lisp_dp.h"
#include "offload/offload_private.h"

#define LISP_HDR_LEN 8
#define LISP_F_N 0x80
#define LISP_F_I 0x08
#define RAW_LEN 28       /* LISP header + inner IPv4 up to its destination */
#define RAW_INNER_DST 24 /* 8 + offsetof(struct rte_ipv4_hdr, dst_addr) */
#define LISP_DECAP_LEN                                                                             \
	(sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv4_hdr) + sizeof(struct rte_udp_hdr) + \
			LISP_HDR_LEN)
#define LISP6_DECAP_LEN                                                                            \
	(sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv6_hdr) + sizeof(struct rte_udp_hdr) + \
			LISP_HDR_LEN)

int flow_lisp_encap_items(struct flow_spec *s, const struct offload_decision *d)
{
	struct rte_flow_item_ipv4 ip = { .hdr = { .src_addr = d->eid_src,
							 .dst_addr = d->eid_dst } };
	struct rte_flow_item_ipv4 mask = { .hdr = { .src_addr = RTE_BE32(0xffffffff),
							   .dst_addr = RTE_BE32(0xffffffff) } };
	return flow_spec_add_item(s, RTE_FLOW_ITEM_TYPE_IPV4, &ip, &mask, sizeof(ip));
}

/* The template without the per-packet parts a rule cannot vary. */
int flow_lisp_encap_actions(struct flow_spec *s, const struct compile_ctx *ctx)
{
	const struct encap_template *t = ctx->tmpl;
	uint8_t hdr[sizeof(t->hdr)];
	size_t l4 = sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv4_hdr);

	if (t->len != l4 + sizeof(struct rte_udp_hdr) + LISP_HDR_LEN)
		return -EINVAL;
	memcpy(hdr, t->hdr, t->len);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(hdr + l4);
	uint8_t *lisp = (uint8_t *)(udp + 1);
	udp->src_port = 0;
	udp->dgram_cksum = 0;
	lisp[0] &= (uint8_t)~LISP_F_N;
	memset(&lisp[1], 0, 3);
	int ret = flow_raw_decap(s, sizeof(struct rte_ether_hdr));
	return ret < 0 ? ret : flow_raw_encap(s, hdr, t->len);
}

static int item_lisp_raw(struct flow_spec *s, uint32_t iid, uint32_t eid)
{
	uint8_t *pattern = flow_spec_alloc(s, RAW_LEN);
	uint8_t *mask = flow_spec_alloc(s, RAW_LEN);

	if (pattern == NULL || mask == NULL)
		return -ENOSPC;
	pattern[0] = LISP_F_I;
	mask[0] = LISP_F_I;
	pattern[4] = (uint8_t)(iid >> 16);
	pattern[5] = (uint8_t)(iid >> 8);
	pattern[6] = (uint8_t)iid;
	memset(&mask[4], 0xff, 3);
	memcpy(&pattern[RAW_INNER_DST], &eid, sizeof(eid));
	memset(&mask[RAW_INNER_DST], 0xff, sizeof(eid));
	struct rte_flow_item_raw spec = { .relative = 1, .length = RAW_LEN, .pattern = pattern };
	struct rte_flow_item_raw m = { .relative = 1,
		.search = 1,
		.offset = -1,
		.limit = 0xffff,
		.length = 0xffff,
		.pattern = mask };
	return flow_spec_add_item(s, RTE_FLOW_ITEM_TYPE_RAW, &spec, &m, sizeof(spec));
}

int flow_lisp_decap_items(struct flow_spec *s, const struct offload_decision *d,
		const struct compile_ctx *ctx)
{
	struct rte_flow_item_udp udp = { .hdr.dst_port = RTE_BE16(LISP_DATA_PORT) };
	struct rte_flow_item_udp udp_mask = { .hdr.dst_port = RTE_BE16(0xffff) };

	if (flow_outer_items(s, ctx, &ctx->remote, IPPROTO_UDP) < 0 ||
			flow_spec_item(s, RTE_FLOW_ITEM_TYPE_UDP, &udp, &udp_mask, sizeof(udp)) ==
					NULL)
		return -ENOSPC;
	return item_lisp_raw(s, ctx->vni, d->eid_dst);
}

int flow_lisp_decap_actions(struct flow_spec *s, const struct offload_decision *d,
		const struct compile_ctx *ctx)
{
	struct rte_ether_hdr eth = { .dst_addr = d->dst,
		.src_addr = d->src,
		.ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4) };
	int ret = flow_raw_decap(s, nfva_ip_is_v6(&ctx->remote) ? LISP6_DECAP_LEN : LISP_DECAP_LEN);
	return ret < 0 ? ret : flow_raw_encap(s, &eth, sizeof(eth));
}
