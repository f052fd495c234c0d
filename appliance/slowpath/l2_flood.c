/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * l2_flood: replicates a frame to every member of its network except the
 * attachment it came from, and — for frames from local ports only (split
 * horizon) — into the overlay: to the multicast group if the network has one,
 * else to each VTEP of its head-end replication list (configured and EVPN
 * VTEPs, up to --max-vteps). Each destination but the last gets a private
 * copy (tags and outer headers are pushed per copy). The destinations are
 * walked in place, never listed: nothing is allocated per frame but the
 * copies' mbufs, however long the flood list.
 */
#include "core/datapath.h"
#include "slowpath/slowpath.h"

/* Members that get the frame: all but the ingress attachment. */
static uint16_t flood_local_count(const struct dp_network *net, const struct l2_meta *meta)
{
	uint16_t n = 0;
	for (uint16_t i = 0; i < net->n_members; i++) {
		const struct dp_attachment *a = &net->members[i];
		n += meta->from_vtep != 0 || a->port != meta->in_port || a->vlan != meta->in_vlan;
	}
	return n;
}

/* VTEPs (or the group) that get the frame. */
static uint32_t flood_tunnel_count(const struct dp_overlay *o, const struct l2_meta *meta)
{
	if (meta->from_vtep != 0 || o->encap == DP_ENCAP_NONE)
		return 0;
	return o->group != 0 ? 1 : o->n_vteps;
}

/* m itself for the last destination, else a copy (NULL: counted, none). */
static struct rte_mbuf *flood_copy(struct worker *w, struct rte_mbuf *m, const struct l2_meta *meta,
		bool last)
{
	if (last)
		return m;
	struct rte_mbuf *copy = rte_pktmbuf_copy(m, w->pool, 0, UINT32_MAX);
	if (copy == NULL) {
		w->counters[meta->in_port].drops[DROP_NO_MBUF]++;
		w->nets[meta->network].drops[DROP_NO_MBUF]++;
	}
	return copy;
}

void l2_flood(struct worker *w, struct rte_mbuf *m, const struct l2_meta *meta)
{
	const struct dp_network *net = &w->cfg->networks[meta->network];
	const struct dp_overlay *o = &net->overlay;
	uint16_t n_local = flood_local_count(net, meta);
	uint32_t n_tunnel = flood_tunnel_count(o, meta), left = n_local + n_tunnel;

	if (left == 0) {
		worker_drop_net(w, meta->in_port, meta->network, DROP_NO_MEMBER, m);
		return;
	}
	w->counters[meta->in_port].flooded++;
	w->nets[meta->network].flooded++;
	for (uint16_t i = 0; i < net->n_members && n_local != 0; i++) {
		const struct dp_attachment *a = &net->members[i];
		if (meta->from_vtep == 0 && a->port == meta->in_port && a->vlan == meta->in_vlan)
			continue;
		struct rte_mbuf *c = flood_copy(w, m, meta, --left == 0);
		if (c == NULL)
			continue;
		worker_net_tx(w, meta->network, c);
		port_output(w, a->port, a->vlan, c);
	}
	for (uint32_t i = 0; i < n_tunnel; i++) {
		uint32_t vtep = o->group != 0 ? o->group : o->vteps[i];
		struct rte_mbuf *c = flood_copy(w, m, meta, --left == 0);
		if (c == NULL)
			continue;
		worker_net_tx(w, meta->network, c);
		tunnel_output(w, c, meta->in_port, meta->network, vtep);
	}
}
