/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lisp_nd: proxy Neighbor Discovery (RFC 4861) toward the VMs of a LISP
 * network, the IPv6 twin of lisp_arp. A Neighbor Solicitation for an
 * address that is not a local EID is answered in place with a Neighbor
 * Advertisement (Solicited, Override) carrying the gateway MAC; one for a
 * local EID goes to that VM. DAD probes (source ::) are not answered.
 * Advertisements are only learned from.
 */
#include <string.h>
#include <sys/socket.h>

#include <rte_ip.h>

#include "lisp/lisp_dp.h"
#include "core/datapath.h"
#include "slowpath/slowpath.h"

#define ND_NS 135
#define ND_NA 136
#define ND_OPT_TLLA 2
#define NA_LEN 32 /* type, code, csum, flags, target, TLLA option */

static void nd_answer(struct worker *w, struct rte_mbuf *m, const struct l2_meta *meta,
		const uint8_t target[16])
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)(eth + 1);
	const struct rte_ether_addr *gw = &w->cfg->lisp.gw_mac;
	uint32_t want = sizeof(*eth) + sizeof(*ip) + NA_LEN;
	uint32_t have = rte_pktmbuf_data_len(m);

	if (have > want)
		rte_pktmbuf_trim(m, have - want);
	else if (have < want && rte_pktmbuf_append(m, want - have) == NULL) {
		worker_drop_net(w, meta->in_port, meta->network, DROP_NO_MBUF, m);
		return;
	}
	uint8_t tgt[16];
	memcpy(tgt, target, 16);
	eth->dst_addr = eth->src_addr;
	eth->src_addr = *gw;
	memcpy(ip->dst_addr, ip->src_addr, 16);
	memcpy(ip->src_addr, tgt, 16);
	ip->payload_len = RTE_BE16(NA_LEN);
	ip->hop_limits = 255;
	uint8_t *na = (uint8_t *)(ip + 1);
	memset(na, 0, NA_LEN);
	na[0] = ND_NA;
	na[4] = 0x60; /* Solicited, Override */
	memcpy(na + 8, tgt, 16);
	na[24] = ND_OPT_TLLA;
	na[25] = 1;
	memcpy(na + 26, gw, RTE_ETHER_ADDR_LEN);
	uint16_t sum = rte_ipv6_udptcp_cksum(ip, na);
	memcpy(na + 2, &sum, sizeof(sum));
	port_output(w, meta->in_port, meta->in_vlan, m);
}

uint16_t lisp_nd_input(struct worker *w, struct rte_mbuf *m, const struct l2_meta *meta)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)(eth + 1);
	const uint8_t *icmp = (const uint8_t *)(ip + 1);
	uint32_t icmp_len = rte_be_to_cpu_16(ip->payload_len);
	static const uint8_t zero[16];

	if (icmp_len < 24 || ip->hop_limits != 255 || icmp[1] != 0 ||
			rte_ipv6_udptcp_cksum_verify(ip, icmp) != 0) {
		worker_drop_net(w, meta->in_port, meta->network, DROP_LISP_ARP_INVALID, m);
		return 0;
	}
	uint8_t target[16];
	memcpy(target, icmp + 8, 16);
	bool dad = memcmp(ip->src_addr, zero, 16) == 0;
	bool link_local = ip->src_addr[0] == 0xfe && (ip->src_addr[1] & 0xc0) == 0x80;
	if (!dad && !link_local)
		lisp_eid_report(meta->network, AF_INET6, ip->src_addr, &eth->src_addr,
				meta->in_port, meta->in_vlan);
	if (icmp[0] == ND_NA || dad) {
		rte_pktmbuf_free(m); /* learned, or a DAD probe nobody here answers */
		return 0;
	}
	const struct lisp_eid *local = lisp_eid_lookup(meta->network, AF_INET6, target);
	if (local != NULL) {
		if (local->port == meta->in_port && local->vlan == meta->in_vlan)
			worker_drop_net(w, meta->in_port, meta->network, DROP_LOCAL_DEST, m);
		else
			port_output(w, local->port, local->vlan, m);
		return 0;
	}
	nd_answer(w, m, meta, target);
	return 0;
}
