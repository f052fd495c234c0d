/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vxlan_input: UDP to a VXLAN port of some network -> check the header
 * (length, I flag), find the network by (VNI, port), hand the inner frame to
 * the L2 stages. UDP to other ports is not overlay traffic.
 */
#include <rte_udp.h>
#include <rte_vxlan.h>

#include "core/datapath.h"
#include "slowpath/slowpath.h"

static bool vxlan_port_in_use(const struct dp_config *cfg, uint16_t port_be)
{
	for (uint16_t i = 0; i < cfg->n_vnis; i++)
		if (cfg->vnis[i].encap == DP_ENCAP_VXLAN && cfg->vnis[i].udp_port == port_be)
			return true;
	return false;
}

int vxlan_input(struct worker *w, struct rte_mbuf *m, uint32_t outer_src, struct l2_meta *meta)
{
	const uint32_t hdr_len = sizeof(struct rte_udp_hdr) + sizeof(struct rte_vxlan_hdr);

	if (rte_pktmbuf_data_len(m) < sizeof(struct rte_udp_hdr))
		return DROP_TUNNEL_TRUNCATED;
	const struct rte_udp_hdr *udp = rte_pktmbuf_mtod(m, const struct rte_udp_hdr *);
	uint16_t dport = udp->dst_port;
	if (!vxlan_port_in_use(w->cfg, dport))
		return DROP_NOT_TUNNEL;
	if (rte_pktmbuf_data_len(m) < hdr_len)
		return DROP_TUNNEL_TRUNCATED;
	const struct rte_vxlan_hdr *vx = (const struct rte_vxlan_hdr *)(udp + 1);
	if (!(vx->vx_flags & RTE_BE32(0x08000000)))
		return DROP_TUNNEL_FLAGS;
	uint32_t vni = rte_be_to_cpu_32(vx->vx_vni) >> 8;
	uint16_t network = dp_vni_lookup(w->cfg, DP_ENCAP_VXLAN, dport, vni);
	if (network == NFVA_NETWORK_NONE)
		return DROP_UNKNOWN_VNI;
	rte_pktmbuf_adj(m, hdr_len);
	return tunnel_accept(w, m, network, outer_src, meta);
}
