/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * gre_input: L2 GRE (RFC 2784/2890, protocol 0x6558), a decapsulation
 * stage -> the K bit must be
 * set, version 0, no routing; checksum and sequence words are skipped. The
 * key finds the network (plain GRE), or its upper 24 bits do (NVGRE VSID).
 */
#include <string.h>

#include <rte_gre.h>

#include "core/datapath.h"
#include "slowpath/decap.h"
#include "slowpath/slowpath.h"

#define GRE_C 0x8000
#define GRE_R 0x4000
#define GRE_K 0x2000
#define GRE_S 0x1000
#define GRE_VERSION 0x0007
#define ETHER_TYPE_TEB 0x6558

static int gre_input(struct worker *w, uint16_t port, struct rte_mbuf *m, struct decap_outer *o,
		struct l2_meta *meta)
{
	const uint8_t *p = decap_l4(m, o);
	uint32_t len = o->l4_len;
	uint16_t flags = (uint16_t)(p[0] << 8 | p[1]);

	(void)port;
	if (!(flags & GRE_K) || (flags & (GRE_R | GRE_VERSION)))
		return DROP_TUNNEL_FLAGS;
	uint32_t hdr_len = 4 + (flags & GRE_C ? 4 : 0);
	uint32_t key_off = hdr_len;
	hdr_len += 4 + (flags & GRE_S ? 4 : 0);
	if (len < hdr_len)
		return DROP_TUNNEL_TRUNCATED;
	rte_be32_t key_be;
	memcpy(&key_be, p + key_off, sizeof(key_be)); /* headers are not aligned */
	uint32_t key = rte_be_to_cpu_32(key_be);
	uint16_t network = dp_vni_lookup(w->cfg, DP_ENCAP_GRE, 0, key);
	if (network == NFVA_NETWORK_NONE)
		network = dp_vni_lookup(w->cfg, DP_ENCAP_GRE | DP_VNI_NVGRE, 0, key >> 8);
	if (network == NFVA_NETWORK_NONE)
		return DROP_UNKNOWN_VNI;
	decap_strip(m, o, hdr_len);
	return tunnel_accept(w, m, network, o, meta);
}

static struct decap_stage gre_decap = { .name = "gre",
	.ip_proto = IPPROTO_GRE,
	.key = ETHER_TYPE_TEB,
	.to_group = true,
	.ipv6 = true,
	.input = gre_input };
DECAP_STAGE(gre_decap)
