/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * l2_forward: destination lookup. Known unicast goes to its attachment;
 * broadcast, multicast and unknown unicast are flooded to the network's
 * other members. A frame whose destination sits behind its own ingress
 * attachment is dropped (local_dest), as a learning bridge does.
 */
#include <rte_ether.h>

#include "l2/fdb.h"
#include "offload/offload.h"
#include "core/datapath.h"
#include "slowpath/slowpath.h"

/* The decision just taken, offered to the offload engine when both ends
 * can carry it in the e-switch. */
static void l2_offer(struct worker *w, const struct rte_mbuf *m, const struct l2_meta *meta,
		union fdb_dest d)
{
	const struct dp_config *cfg = w->cfg;
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	struct offload_decision dec = { .network = meta->network,
		.in_port = meta->in_port,
		.in_vlan = meta->in_vlan,
		.out_vlan = NFVA_VLAN_NONE,
		.src = eth->src_addr,
		.dst = eth->dst_addr };

	if (!cfg->ports[meta->in_port].offload)
		return;
	if (d.kind == FDB_DEST_VTEP) {
		dec.kind = OFFLOAD_ENCAP;
		dec.out_port = cfg->underlay.port;
		dec.vtep_ip = d.vtep_ip;
	} else {
		dec.kind = meta->from_vtep != 0 ? OFFLOAD_DECAP : OFFLOAD_L2;
		dec.out_port = d.port;
		dec.out_vlan = d.vlan;
		dec.vtep_ip = meta->from_vtep;
	}
	if (cfg->ports[dec.out_port].offload)
		offload_request(w->id, w->now, &dec);
}

static void l2_unicast(struct worker *w, struct rte_mbuf *m, const struct l2_meta *meta,
		union fdb_dest d)
{
	if (d.kind == FDB_DEST_VTEP) {
		/* Split horizon: what came from the overlay never goes back into it. */
		if (meta->from_vtep != 0) {
			worker_drop_net(w, meta->in_port, meta->network, DROP_SPLIT_HORIZON, m);
		} else {
			l2_offer(w, m, meta, d);
			worker_net_tx(w, meta->network, m);
			tunnel_output(w, m, meta->in_port, meta->network, d.vtep_ip);
		}
		return;
	}
	if (d.port == meta->in_port && d.vlan == meta->in_vlan && meta->from_vtep == 0) {
		worker_drop_net(w, meta->in_port, meta->network, DROP_LOCAL_DEST, m);
		return;
	}
	l2_offer(w, m, meta, d);
	worker_net_tx(w, meta->network, m);
	port_output(w, d.port, d.vlan, m);
}

void l2_forward(struct worker *w, struct rte_mbuf **pkts, const struct l2_meta *meta, uint16_t n)
{
	struct fdb_key keys[NFVA_BURST];
	struct fdb_entry *entries[NFVA_BURST];

	for (uint16_t i = 0; i < n; i++) {
		const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(pkts[i], struct rte_ether_hdr *);
		keys[i].network = meta[i].network;
		rte_ether_addr_copy(&eth->dst_addr, &keys[i].mac);
	}
	fdb_lookup_bulk(keys, n, entries);
	for (uint16_t i = 0; i < n; i++) {
		if (!rte_is_unicast_ether_addr(&keys[i].mac) || entries[i] == NULL ||
				w->cfg->networks[meta[i].network].overlay.collector)
			l2_flood(w, pkts[i], &meta[i]);
		else
			l2_unicast(w, pkts[i], &meta[i], fdb_entry_dest(entries[i]));
	}
}
