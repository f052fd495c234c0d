/* SPDX-License-Identifier: BSD-3-Clause */
/* Building Neighbor Solicitations and Advertisements (RFC 4861 4.3, 4.4) for
 * the uplink's IPv6 address. */
#include <string.h>

#include <rte_ip.h>

#include "core/ip_addr.h"
#include "core/punt.h"
#include "overlay/nd.h"
#include "overlay/underlay.h"
#include "overlay/underlay_tx.h"

/* NS and NA with one link-layer address option: 24 + 8 bytes. */
#define ND_TX_LEN (ND_MSG_LEN + 8)

static int send_nd(const uint8_t dst[16], const struct rte_ether_addr *dst_mac, uint8_t type,
		uint8_t flags, const uint8_t target[16])
{
	const struct underlay *u = underlay_get();
	uint8_t *p;

	if (!u->active || !u->has_ip6)
		return -ENETDOWN;
	struct rte_mbuf *m = uplink_frame(dst_mac, RTE_ETHER_TYPE_IPV6,
			sizeof(struct rte_ipv6_hdr) + ND_TX_LEN, (void **)&p);
	if (m == NULL)
		return -ENOBUFS;
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)p;
	uint8_t *icmp = p + sizeof(*ip);
	ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16(ND_TX_LEN);
	ip->proto = IPPROTO_ICMPV6;
	ip->hop_limits = ND_HOP_LIMIT;
	memcpy(ip->src_addr, u->ip6, 16);
	memcpy(ip->dst_addr, dst, 16);
	icmp[0] = type;
	icmp[4] = flags;
	memcpy(icmp + 8, target, 16);
	icmp[ND_MSG_LEN] =
			type == ND_NEIGHBOR_SOLICIT ? ND_OPT_SOURCE_LLADDR : ND_OPT_TARGET_LLADDR;
	icmp[ND_MSG_LEN + 1] = 1; /* 8 bytes */
	underlay_mac((struct rte_ether_addr *)(icmp + ND_MSG_LEN + 2));
	uint16_t ck = rte_ipv6_udptcp_cksum(ip, icmp);
	memcpy(icmp + 2, &ck, 2);
	return ctrl_send(m, u->port) ? 0 : -ENOBUFS;
}

int underlay_send_ns(const uint8_t target[16])
{
	uint8_t group[16];
	struct rte_ether_addr mac;

	ipv6_solicited_node(target, group);
	ipv6_multicast_mac(group, &mac);
	return send_nd(group, &mac, ND_NEIGHBOR_SOLICIT, 0, target);
}

int underlay_send_na(const uint8_t dst[16], const struct rte_ether_addr *dst_mac, uint8_t flags)
{
	return send_nd(dst, dst_mac, ND_NEIGHBOR_ADVERT, flags, underlay_get()->ip6);
}
