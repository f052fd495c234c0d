/* SPDX-License-Identifier: BSD-3-Clause */
/* Building ARP requests/replies and IGMPv2 reports for the uplink (ND:
 * underlay_tx6.c). */
#include <string.h>

#include <rte_arp.h>
#include <rte_ip.h>

#include "core/mbufs.h"
#include "ports/port.h"
#include "core/punt.h"
#include "overlay/underlay.h"
#include "overlay/underlay_tx.h"

struct rte_mbuf *uplink_frame(const struct rte_ether_addr *dst, uint16_t ether_type, uint16_t len,
		void **payload)
{
	struct rte_ether_addr src;
	if (!underlay_mac(&src))
		return NULL;
	struct rte_mbuf *m = rte_pktmbuf_alloc(nfva_mbuf_pool());
	if (m == NULL)
		return NULL;
	struct rte_ether_hdr *eth = (void *)rte_pktmbuf_append(m, sizeof(*eth) + len);
	if (eth == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	eth->dst_addr = *dst;
	eth->src_addr = src;
	eth->ether_type = rte_cpu_to_be_16(ether_type);
	*payload = eth + 1;
	memset(*payload, 0, len);
	return m;
}

static int send_arp(uint16_t op, uint32_t target_ip, const struct rte_ether_addr *target_mac)
{
	static const struct rte_ether_addr bcast = { .addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff,
								     0xff } };
	const struct underlay *u = underlay_get();
	struct rte_arp_hdr *arp;
	struct rte_mbuf *m = uplink_frame(op == RTE_ARP_OP_REQUEST ? &bcast : target_mac,
			RTE_ETHER_TYPE_ARP, sizeof(*arp), (void **)&arp);

	if (m == NULL)
		return -ENOBUFS;
	arp->arp_hardware = rte_cpu_to_be_16(RTE_ARP_HRD_ETHER);
	arp->arp_protocol = rte_cpu_to_be_16(RTE_ETHER_TYPE_IPV4);
	arp->arp_hlen = RTE_ETHER_ADDR_LEN;
	arp->arp_plen = 4;
	arp->arp_opcode = rte_cpu_to_be_16(op);
	underlay_mac(&arp->arp_data.arp_sha);
	arp->arp_data.arp_sip = u->ip;
	if (op == RTE_ARP_OP_REPLY)
		arp->arp_data.arp_tha = *target_mac;
	arp->arp_data.arp_tip = target_ip;
	return ctrl_send(m, u->port) ? 0 : -ENOBUFS;
}

int underlay_send_arp_request(uint32_t target_ip)
{
	return send_arp(RTE_ARP_OP_REQUEST, target_ip, NULL);
}

int underlay_send_arp_reply(uint32_t target_ip, const struct rte_ether_addr *target_mac)
{
	return send_arp(RTE_ARP_OP_REPLY, target_ip, target_mac);
}

void ipv4_multicast_mac(uint32_t group, struct rte_ether_addr *mac)
{
	const uint8_t *g = (const uint8_t *)&group;
	*mac = (struct rte_ether_addr){ .addr_bytes = { 0x01, 0x00, 0x5e, g[1] & 0x7f, g[2],
							g[3] } };
}

/* Packed: it follows a 24-byte IPv4 header (router alert) after the 14-byte
 * Ethernet header, so it is only 2-byte aligned in the mbuf. */
struct igmp_v2 {
	uint8_t type;
	uint8_t max_resp;
	rte_be16_t checksum;
	rte_be32_t group;
} __rte_packed;

/* IGMPv2 membership report with the Router Alert option (RFC 2236). */
int underlay_send_igmp_report(uint32_t group)
{
	const struct underlay *u = underlay_get();
	struct rte_ether_addr dst;
	uint8_t *p;

	ipv4_multicast_mac(group, &dst);
	struct rte_mbuf *m = uplink_frame(&dst, RTE_ETHER_TYPE_IPV4, 24 + sizeof(struct igmp_v2),
			(void **)&p);
	if (m == NULL)
		return -ENOBUFS;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)p;
	ip->version_ihl = 0x46;
	ip->total_length = rte_cpu_to_be_16(24 + sizeof(struct igmp_v2));
	ip->time_to_live = 1;
	ip->next_proto_id = IPPROTO_IGMP;
	ip->src_addr = u->ip;
	ip->dst_addr = group;
	static const uint8_t router_alert[4] = { 0x94, 0x04, 0x00, 0x00 };
	memcpy(p + 20, router_alert, sizeof(router_alert));
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	struct igmp_v2 *igmp = (struct igmp_v2 *)(p + 24);
	igmp->type = 0x16;
	igmp->group = group;
	igmp->checksum = ~rte_raw_cksum(igmp, sizeof(*igmp));
	return ctrl_send(m, u->port) ? 0 : -ENOBUFS;
}
