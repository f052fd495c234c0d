/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * l2_flood: replicates a frame to every member of its network except the
 * attachment it came from. Each member but the last gets a private copy
 * (members may need a vlan tag pushed, later an outer header prepended).
 */
#include "../worker.h"
#include "slowpath.h"

void l2_flood(struct worker *w, struct rte_mbuf *m, const struct l2_meta *meta)
{
	const struct dp_network *net = &w->cfg->networks[meta->network];
	const struct dp_attachment *last = NULL;

	for (uint16_t i = 0; i < net->n_members; i++) {
		const struct dp_attachment *a = &net->members[i];
		if (a->port == meta->in_port && a->vlan == meta->in_vlan)
			continue;
		if (last != NULL) {
			struct rte_mbuf *copy = rte_pktmbuf_copy(m, w->pool, 0, UINT32_MAX);
			if (copy == NULL)
				w->counters[last->port].drops[DROP_NO_MBUF]++;
			else
				port_output(w, last->port, last->vlan, copy);
		}
		last = a;
	}
	if (last == NULL) {
		worker_drop(w, meta->in_port, DROP_NO_MEMBER, m);
		return;
	}
	w->counters[meta->in_port].flooded++;
	port_output(w, last->port, last->vlan, m);
}
