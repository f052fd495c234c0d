/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A LISP packet arrived for an address of a LISP network that is not (yet)
 * a local EID: a VM that has not spoken since nfva started. Control sends
 * an ARP probe (RFC 5227: sender IP 0.0.0.0, sender MAC the gateway MAC)
 * for that address on every attachment of the network, at most once a
 * second per address and, all addresses together, at the glean rate of
 * `lisp limits` (anyone on the underlay can send LISP data to any address:
 * each probe round is a broadcast on up to NFVA_MAX_MEMBERS ports); the
 * VM's reply teaches the EID table, and the next packets are delivered.
 */
#include <string.h>

#include <rte_arp.h>
#include <rte_ip.h>

#include "l2/network.h"
#include "core/mbufs.h"
#include "ports/port.h"
#include "core/punt.h"
#include "lisp/lisp_private.h"

#define GLEAN_SLOTS 64

static struct {
	uint16_t network;
	uint32_t ip;
	uint64_t sent_ms;
} recent[GLEAN_SLOTS];

static bool glean_allowed(uint16_t network, uint32_t ip)
{
	uint64_t now = lisp_now_ms();
	unsigned slot = (rte_be_to_cpu_32(ip) * 2654435761u + network) % GLEAN_SLOTS;
	if (recent[slot].network == network && recent[slot].ip == ip &&
			now - recent[slot].sent_ms < 1000)
		return false;
	recent[slot].network = network;
	recent[slot].ip = ip;
	recent[slot].sent_ms = now;
	return true;
}

static void probe_send(uint16_t port, uint16_t vlan, uint32_t ip)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(nfva_mbuf_pool());
	uint16_t tag = vlan != NFVA_VLAN_NONE ? sizeof(struct rte_vlan_hdr) : 0;
	uint16_t len = sizeof(struct rte_ether_hdr) + tag + sizeof(struct rte_arp_hdr);
	uint8_t *p = m == NULL ? NULL : (uint8_t *)rte_pktmbuf_append(m, len);

	if (p == NULL) {
		rte_pktmbuf_free(m);
		return;
	}
	memset(p, 0, len);
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)p;
	memset(&eth->dst_addr, 0xff, RTE_ETHER_ADDR_LEN);
	eth->src_addr = lisp.gw_mac;
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_ARP);
	if (tag != 0) {
		eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_VLAN);
		struct rte_vlan_hdr *vh = (struct rte_vlan_hdr *)(eth + 1);
		vh->vlan_tci = rte_cpu_to_be_16(vlan);
		vh->eth_proto = RTE_BE16(RTE_ETHER_TYPE_ARP);
	}
	struct rte_arp_hdr *arp = (struct rte_arp_hdr *)(p + sizeof(*eth) + tag);
	arp->arp_hardware = RTE_BE16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = 4;
	arp->arp_opcode = RTE_BE16(RTE_ARP_OP_REQUEST);
	arp->arp_data.arp_sha = lisp.gw_mac;
	arp->arp_data.arp_tip = ip;
	ctrl_send(m, port);
}

void lisp_glean_input(struct rte_mbuf *m)
{
	uint16_t network = (uint16_t)pkt_meta(m)->owner;
	const struct rte_ipv4_hdr *ip = rte_pktmbuf_mtod(m, const struct rte_ipv4_hdr *);
	uint32_t dst = ip->dst_addr;
	const struct network *n = network_by_index(network);

	rte_pktmbuf_free(m);
	if (n == NULL || n->overlay.encap != DP_ENCAP_LISP || !glean_allowed(network, dst) ||
			!lisp_allow_glean())
		return;
	lisp.c.glean_probes++;
	for (unsigned i = 0; i < n->n_members; i++)
		probe_send(n->members[i].port, n->members[i].vlan, dst);
}
