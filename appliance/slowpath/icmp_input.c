/* SPDX-License-Identifier: BSD-3-Clause */
/* icmp_input: answers ICMP echo requests to the VTEP address in place (the
 * request becomes the reply) and sends it back out of the uplink, at most
 * ICMP_REPLY_RATE a second per worker (icmp_rate_limited beyond). */
#include <rte_icmp.h>
#include <rte_ip.h>

#include "core/datapath.h"
#include "slowpath/slowpath.h"

void icmp_input(struct worker *w, struct rte_mbuf *m, uint16_t port)
{
	struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	uint32_t hlen = rte_ipv4_hdr_len(ip);
	uint32_t icmp_len = rte_be_to_cpu_16(ip->total_length) - hlen;
	struct rte_icmp_hdr *icmp = (struct rte_icmp_hdr *)((uint8_t *)ip + hlen);

	if (icmp_len < sizeof(*icmp) || rte_raw_cksum(icmp, icmp_len) != 0xffff) {
		worker_drop(w, port, DROP_ICMP_INVALID, m);
		return;
	}
	if (icmp->icmp_type != RTE_IP_ICMP_ECHO_REQUEST || icmp->icmp_code != 0) {
		worker_drop(w, port, DROP_NOT_TUNNEL, m);
		return;
	}
	if (!token_bucket_take(&w->icmp_replies)) {
		worker_drop(w, port, DROP_ICMP_RATE, m);
		return;
	}
	struct rte_ether_addr mac = eth->src_addr;
	eth->src_addr = w->cfg->underlay.mac;
	eth->dst_addr = mac;
	ip->dst_addr = ip->src_addr;
	ip->src_addr = w->cfg->underlay.ip;
	ip->time_to_live = 64;
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	icmp->icmp_type = RTE_IP_ICMP_ECHO_REPLY;
	icmp->icmp_cksum = 0;
	icmp->icmp_cksum = ~rte_raw_cksum(icmp, icmp_len);
	port_output(w, port, NFVA_VLAN_NONE, m);
}
