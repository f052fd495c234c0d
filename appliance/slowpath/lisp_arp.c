/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lisp_arp: proxy ARP toward the VMs of a LISP network. The sender of any
 * ARP is learned as a local EID. A request for a local EID is passed to
 * that VM (so local VMs resolve each other); a request for any other
 * address is answered in place with the gateway MAC, so VMs need no static
 * ARP entries (the hack the seed article needed). A gratuitous ARP or a
 * probe only teaches; replies go to a local EID they target.
 */
#include <sys/socket.h>

#include <rte_arp.h>

#include "lisp/lisp_dp.h"
#include "core/datapath.h"
#include "slowpath/slowpath.h"

static void arp_learn(uint16_t network, const struct rte_arp_hdr *arp, const struct l2_meta *meta)
{
	const struct rte_arp_ipv4 *d = &arp->arp_data;
	uint32_t h = rte_be_to_cpu_32(d->arp_sip);
	if (h == 0 || (h >> 28) == 0xe || h == 0xffffffff)
		return;
	const struct lisp_eid *e = lisp_eid_lookup(network, AF_INET, &d->arp_sip);
	if (e != NULL && e->port == meta->in_port && e->vlan == meta->in_vlan &&
			rte_is_same_ether_addr(&e->mac, &d->arp_sha))
		return;
	if (e == NULL || !(e->flags & LISP_EID_STATIC))
		lisp_eid_report(network, AF_INET, &d->arp_sip, &d->arp_sha, meta->in_port,
				meta->in_vlan);
}

/* Turn the request in m into the gateway's reply and send it back. */
static void arp_answer(struct worker *w, struct rte_mbuf *m, const struct l2_meta *meta)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_arp_hdr *arp = (struct rte_arp_hdr *)(eth + 1);
	struct rte_arp_ipv4 *d = &arp->arp_data;
	const struct rte_ether_addr *gw = &w->cfg->lisp.gw_mac;
	uint32_t target = d->arp_tip;

	eth->dst_addr = d->arp_sha;
	eth->src_addr = *gw;
	arp->arp_opcode = RTE_BE16(RTE_ARP_OP_REPLY);
	d->arp_tha = d->arp_sha;
	d->arp_tip = d->arp_sip;
	d->arp_sha = *gw;
	d->arp_sip = target;
	port_output(w, meta->in_port, meta->in_vlan, m);
}

uint16_t lisp_arp_input(struct worker *w, struct rte_mbuf *m, const struct l2_meta *meta)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct rte_arp_hdr *arp = (const struct rte_arp_hdr *)(eth + 1);

	if (rte_pktmbuf_data_len(m) < sizeof(*eth) + sizeof(*arp) ||
			arp->arp_hardware != RTE_BE16(RTE_ARP_HRD_ETHER) ||
			arp->arp_protocol != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
			arp->arp_hlen != RTE_ETHER_ADDR_LEN || arp->arp_plen != 4 ||
			!rte_is_same_ether_addr(&arp->arp_data.arp_sha, &eth->src_addr)) {
		worker_drop_net(w, meta->in_port, meta->network, DROP_LISP_ARP_INVALID, m);
		return 0;
	}
	arp_learn(meta->network, arp, meta);
	uint16_t op = rte_be_to_cpu_16(arp->arp_opcode);
	uint32_t tip = arp->arp_data.arp_tip;
	if (op == RTE_ARP_OP_REQUEST &&
			(tip == arp->arp_data.arp_sip || arp->arp_data.arp_sip == 0)) {
		rte_pktmbuf_free(m); /* gratuitous ARP or a probe: learned (or nothing to learn) */
		return 0;
	}
	const struct lisp_eid *local = lisp_eid_lookup(meta->network, AF_INET, &tip);
	if (local != NULL) {
		if (local->port == meta->in_port && local->vlan == meta->in_vlan)
			worker_drop_net(w, meta->in_port, meta->network, DROP_LOCAL_DEST, m);
		else
			port_output(w, local->port, local->vlan, m);
		return 0;
	}
	if (op == RTE_ARP_OP_REQUEST)
		arp_answer(w, m, meta);
	else if (op == RTE_ARP_OP_REPLY)
		rte_pktmbuf_free(m); /* a reply to nobody here: learned */
	else
		worker_drop_net(w, meta->in_port, meta->network, DROP_LISP_ARP_INVALID, m);
	return 0;
}
