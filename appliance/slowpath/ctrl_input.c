/* SPDX-License-Identifier: BSD-3-Clause */
/* ctrl_input (worker 0 only): frames from the control thread — ARP and IGMP
 * to send as they are, held frames to encapsulate now that they can be. */
#include "core/punt.h"
#include "core/datapath.h"
#include "slowpath/slowpath.h"

unsigned ctrl_input(struct worker *w)
{
	struct rte_mbuf *pkts[NFVA_BURST];
	unsigned n = ctrl_dequeue(pkts, NFVA_BURST);

	for (unsigned i = 0; i < n; i++) {
		const struct pkt_meta *meta = pkt_meta(pkts[i]);
		if (meta->kind == CTRL_REINJECT)
			tunnel_output(w, pkts[i], meta->port, meta->owner, meta->vtep_ip);
		else if (meta->port < NFVA_MAX_PORTS)
			port_output(w, meta->port, NFVA_VLAN_NONE, pkts[i]);
		else
			rte_pktmbuf_free(pkts[i]);
	}
	return n;
}
