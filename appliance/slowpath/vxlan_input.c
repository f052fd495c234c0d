/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vxlan_input: UDP to the VXLAN port of some network (a decapsulation stage)
 * -> check the header (length, I flag), find the network by (VNI, port),
 * hand the inner frame to the L2 stages.
 */
#include <rte_udp.h>
#include <rte_vxlan.h>

#include "core/datapath.h"
#include "slowpath/decap.h"
#include "slowpath/slowpath.h"

static int vxlan_input(struct worker *w, uint16_t port, struct rte_mbuf *m, struct decap_outer *o,
		struct l2_meta *meta)
{
	const uint32_t hdr_len = sizeof(struct rte_udp_hdr) + sizeof(struct rte_vxlan_hdr);

	(void)port;
	if (o->l4_len < hdr_len)
		return DROP_TUNNEL_TRUNCATED;
	const struct rte_udp_hdr *udp = (const struct rte_udp_hdr *)decap_l4(m, o);
	const struct rte_vxlan_hdr *vx = (const struct rte_vxlan_hdr *)(udp + 1);
	if (!(vx->vx_flags & RTE_BE32(0x08000000)))
		return DROP_TUNNEL_FLAGS;
	uint32_t vni = rte_be_to_cpu_32(vx->vx_vni) >> 8;
	uint16_t network = dp_vni_lookup(w->cfg, DP_ENCAP_VXLAN, udp->dst_port, vni);
	if (network == NFVA_NETWORK_NONE)
		return DROP_UNKNOWN_VNI;
	decap_strip(m, o, hdr_len);
	return tunnel_accept(w, m, network, o, meta);
}

static struct decap_stage vxlan_decap = { .name = "vxlan",
	.ip_proto = IPPROTO_UDP,
	.key = 0, /* the udp-port of each VXLAN network */
	.encap = DP_ENCAP_VXLAN,
	.to_group = true,
	.ipv6 = true,
	.input = vxlan_input };
DECAP_STAGE(vxlan_decap)
