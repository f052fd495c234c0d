/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * l2_flood: replicates a frame to every member of its network except the
 * attachment it came from, and — for frames from local ports only (split
 * horizon) — into the overlay: to the multicast group if the network has one,
 * else to each VTEP of its head-end replication list. Each destination but
 * the last gets a private copy (tags and outer headers are pushed per copy).
 */
#include "core/datapath.h"
#include "slowpath/slowpath.h"

struct flood_dest {
	bool tunnel;
	uint16_t port, vlan; /* local attachment */
	uint32_t vtep;       /* tunnel destination */
};

static void flood_send(struct worker *w, struct rte_mbuf *m, const struct l2_meta *meta,
		const struct flood_dest *d)
{
	worker_net_tx(w, meta->network, m);
	if (d->tunnel)
		tunnel_output(w, m, meta->in_port, meta->network, d->vtep);
	else
		port_output(w, d->port, d->vlan, m);
}

static uint16_t flood_targets(const struct dp_network *net, const struct l2_meta *meta,
		struct flood_dest *out)
{
	uint16_t n = 0;

	for (uint16_t i = 0; i < net->n_members; i++) {
		const struct dp_attachment *a = &net->members[i];
		if (meta->from_vtep == 0 && a->port == meta->in_port && a->vlan == meta->in_vlan)
			continue;
		out[n++] = (struct flood_dest){ .port = a->port, .vlan = a->vlan };
	}
	const struct dp_overlay *o = &net->overlay;
	if (meta->from_vtep != 0 || o->encap == DP_ENCAP_NONE)
		return n;
	if (o->group != 0) {
		out[n++] = (struct flood_dest){ .tunnel = true, .vtep = o->group };
		return n;
	}
	for (uint16_t i = 0; i < o->n_vteps; i++)
		out[n++] = (struct flood_dest){ .tunnel = true, .vtep = o->vteps[i] };
	return n;
}

void l2_flood(struct worker *w, struct rte_mbuf *m, const struct l2_meta *meta)
{
	struct flood_dest dests[NFVA_MAX_MEMBERS + NFVA_MAX_VTEPS];
	uint16_t n = flood_targets(&w->cfg->networks[meta->network], meta, dests);

	if (n == 0) {
		worker_drop_net(w, meta->in_port, meta->network, DROP_NO_MEMBER, m);
		return;
	}
	w->counters[meta->in_port].flooded++;
	w->nets[meta->network].flooded++;
	for (uint16_t i = 0; i + 1 < n; i++) {
		struct rte_mbuf *copy = rte_pktmbuf_copy(m, w->pool, 0, UINT32_MAX);
		if (copy == NULL) {
			w->counters[meta->in_port].drops[DROP_NO_MBUF]++;
			w->nets[meta->network].drops[DROP_NO_MBUF]++;
		} else
			flood_send(w, copy, meta, &dests[i]);
	}
	flood_send(w, m, meta, &dests[n - 1]);
}
