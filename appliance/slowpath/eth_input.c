/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * eth_input: validates the Ethernet header and an optional 802.1Q tag, maps
 * (port, vlan) to a network and strips the tag. One tag at most: a QinQ
 * outer tag (0x88a8) or a second 0x8100 is dropped as vlan_stack. VID 0
 * (priority tag) counts as untagged.
 */
#include <rte_ether.h>

#include "core/datapath.h"
#include "slowpath/slowpath.h"

/* Returns the drop reason, or DROP_NONE when the frame is accepted. */
static enum drop_reason eth_classify(const struct dp_port *p, struct rte_mbuf *m,
		struct l2_meta *meta)
{
	uint32_t len = rte_pktmbuf_data_len(m);
	const struct rte_ether_hdr *eth;
	uint16_t vlan = NFVA_VLAN_NONE;

	if (len < sizeof(struct rte_ether_hdr))
		return DROP_RUNT;
	eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_QINQ))
		return DROP_VLAN_STACK;
	if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_VLAN)) {
		if (len < sizeof(*eth) + sizeof(struct rte_vlan_hdr))
			return DROP_TRUNCATED;
		const struct rte_vlan_hdr *vh = (const struct rte_vlan_hdr *)(eth + 1);
		if (vh->eth_proto == RTE_BE16(RTE_ETHER_TYPE_VLAN) ||
				vh->eth_proto == RTE_BE16(RTE_ETHER_TYPE_QINQ))
			return DROP_VLAN_STACK;
		uint16_t vid = rte_be_to_cpu_16(vh->vlan_tci) & 0xfff;
		if (vid != 0)
			vlan = vid;
	}
	if (!rte_is_unicast_ether_addr(&eth->src_addr) || rte_is_zero_ether_addr(&eth->src_addr))
		return DROP_SRC_INVALID;
	meta->network = dp_port_network(p, vlan);
	if (meta->network == NFVA_NETWORK_NONE)
		return vlan == NFVA_VLAN_NONE ? DROP_NO_NETWORK : DROP_VLAN_UNKNOWN;
	meta->in_vlan = vlan;
	if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_VLAN))
		rte_vlan_strip(m);
	return DROP_NONE;
}

uint16_t eth_input(struct worker *w, uint16_t port, struct rte_mbuf **pkts, struct l2_meta *meta,
		uint16_t n)
{
	const struct dp_port *p = &w->cfg->ports[port];
	uint16_t alive = 0;

	for (uint16_t i = 0; i < n; i++) {
		struct rte_mbuf *m = pkts[i];
		meta[alive].in_port = port;
		meta[alive].from_vtep = 0;
		enum drop_reason why = eth_classify(p, m, &meta[alive]);
		if (why != DROP_NONE) {
			worker_drop(w, port, why, m);
			continue;
		}
		struct net_counters *nc = &w->nets[meta[alive].network];
		nc->rx_packets++;
		nc->rx_bytes += rte_pktmbuf_pkt_len(m);
		pkts[alive++] = m;
	}
	return alive;
}
