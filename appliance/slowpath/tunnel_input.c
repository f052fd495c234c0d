/* SPDX-License-Identifier: BSD-3-Clause */
/* Checks common to every decapsulator: strict VTEP list (the flood list,
 * configured and EVPN VTEPs), an id for a new IPv6 VTEP (bounded table),
 * a zero UDP checksum over IPv6 only where the network agreed to it,
 * inner frame length,
 * no VLAN tag inside (a tag would reach the tenant of that VLAN on a port
 * where this network is untagged: networks are told apart by VNI, never by
 * a tag the sender chose). */
#include <rte_ether.h>

#include "core/datapath.h"
#include "overlay/vtep_id.h"
#include "slowpath/decap.h"
#include "slowpath/slowpath.h"

/* The outer source's id: an IPv6 one is added on its first frame (where
 * the network learns from anyone). */
static int outer_source(struct worker *w, const struct dp_overlay *o, struct decap_outer *outer)
{
	if (outer->src != 0)
		return DROP_NONE;
	if (o->strict)
		return DROP_VTEP_NOT_ALLOWED; /* its VTEPs have ids already */
	outer->src = vtep6_add(outer->ip6->src_addr, w->now);
	return outer->src != 0 ? DROP_NONE : DROP_VTEP6_FULL;
}

static int tunnel_check(struct worker *w, struct rte_mbuf *m, uint16_t network,
		struct decap_outer *outer)
{
	const struct dp_overlay *o = &w->cfg->networks[network].overlay;

	if (outer->udp_zero_csum6 && !o->udp6_zero_csum)
		return DROP_UDP_CHECKSUM;
	int why = outer_source(w, o, outer);
	if (why != DROP_NONE)
		return why;
	/* The flood list is sorted: a binary search, however long it is. */
	if (o->strict && !dp_sorted_has(o->vteps, o->n_vteps, outer->src))
		return DROP_VTEP_NOT_ALLOWED;
	if (rte_pktmbuf_data_len(m) < sizeof(struct rte_ether_hdr))
		return DROP_INNER_SHORT;
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	if (!rte_is_unicast_ether_addr(&eth->src_addr) || rte_is_zero_ether_addr(&eth->src_addr))
		return DROP_SRC_INVALID;
	if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_VLAN) ||
			eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_QINQ) ||
			eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_QINQ1))
		return DROP_INNER_TAGGED;
	return DROP_NONE;
}

int tunnel_accept(struct worker *w, struct rte_mbuf *m, uint16_t network, struct decap_outer *outer,
		struct l2_meta *meta)
{
	struct net_counters *nc = &w->nets[network];
	int why = tunnel_check(w, m, network, outer);

	if (why != DROP_NONE) { /* the caller drops it, counted on the uplink */
		nc->drops[why]++;
		return why;
	}
	nc->rx_packets++;
	nc->rx_bytes += rte_pktmbuf_pkt_len(m);
	meta->network = network;
	meta->from_vtep = outer->src;
	return DROP_NONE;
}
