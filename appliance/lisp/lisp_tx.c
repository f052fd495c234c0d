/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control messages the appliance originates on the uplink: plain UDP to or
 * from port 4342 (Map-Reply, Map-Register, Map-Notify) and Encapsulated
 * Control Messages (Map-Request). They reach the wire through the control
 * ring and worker 0. The outer destination MAC is the next hop's from the
 * neighbour table, or the one a request came from; an unresolved next hop
 * starts resolution and the message is not sent (-EAGAIN): LISP control
 * messages are retried by their senders.
 */
#include <string.h>
#include <sys/socket.h>

#include <rte_ip.h>
#include <rte_udp.h>

#include "overlay/neigh.h"
#include "core/mbufs.h"
#include "ports/port.h"
#include "core/punt.h"
#include "overlay/underlay.h"
#include "lisp/lisp_private.h"

static uint16_t ip_ident;

void lisp_tx_prepare(uint32_t dst)
{
	uint32_t nh = underlay_nexthop(dst);
	if (nh != 0)
		neigh_resolve(nh);
}

static bool tx_dst_mac(uint32_t dst, const struct rte_ether_addr *given, struct rte_ether_addr *mac)
{
	if (given != NULL) {
		*mac = *given;
		return true;
	}
	uint32_t nh = underlay_nexthop(dst);
	if (nh == 0)
		return false;
	if (neigh_mac(nh, mac))
		return true;
	neigh_resolve(nh);
	return false;
}

static void put_ipv4(struct rte_ipv4_hdr *ip, uint32_t src, uint32_t dst, uint16_t payload)
{
	memset(ip, 0, sizeof(*ip));
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->total_length = rte_cpu_to_be_16(sizeof(*ip) + payload);
	ip->packet_id = rte_cpu_to_be_16(ip_ident++);
	ip->time_to_live = 64;
	ip->next_proto_id = IPPROTO_UDP;
	ip->src_addr = src;
	ip->dst_addr = dst;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
}

/* Ethernet + IPv4 + UDP (checksummed) + payload. */
static int tx_frame(uint32_t dst, uint16_t sport, uint16_t dport, const void *p1, uint16_t l1,
		const void *p2, uint16_t l2, const struct rte_ether_addr *dst_mac)
{
	const struct underlay *u = underlay_get();
	struct rte_ether_addr src_mac, dmac;

	if (!u->active || !underlay_mac(&src_mac)) {
		lisp.c.control_unresolved++;
		return -ENETDOWN;
	}
	if (!tx_dst_mac(dst, dst_mac, &dmac)) {
		lisp.c.control_unresolved++;
		return -EAGAIN;
	}
	struct rte_mbuf *m = rte_pktmbuf_alloc(nfva_mbuf_pool());
	uint16_t udp_len = sizeof(struct rte_udp_hdr) + l1 + l2;
	uint16_t len = sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv4_hdr) + udp_len;
	uint8_t *p = m == NULL ? NULL : (uint8_t *)rte_pktmbuf_append(m, len);
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return -ENOBUFS;
	}
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)p;
	eth->dst_addr = dmac;
	eth->src_addr = src_mac;
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);
	put_ipv4(ip, u->ip, dst, udp_len);
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);
	udp->src_port = rte_cpu_to_be_16(sport);
	udp->dst_port = rte_cpu_to_be_16(dport);
	udp->dgram_len = rte_cpu_to_be_16(udp_len);
	udp->dgram_cksum = 0;
	memcpy(udp + 1, p1, l1);
	if (l2 != 0)
		memcpy((uint8_t *)(udp + 1) + l1, p2, l2);
	udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);
	return ctrl_send(m, u->port) ? 0 : -ENOBUFS;
}

int lisp_tx_udp(uint32_t dst, uint16_t sport, uint16_t dport, const void *payload, uint16_t len,
		const struct rte_ether_addr *dst_mac)
{
	return tx_frame(dst, sport, dport, payload, len, NULL, 0, dst_mac);
}

/* The inner IP + UDP header of an ECM (UDP checksum 0 for IPv4; IPv6 needs one). */
static uint16_t ecm_inner(uint8_t *buf, const struct lisp_addr *src, const struct lisp_addr *dst,
		const void *msg, uint16_t len)
{
	uint16_t udp_len = sizeof(struct rte_udp_hdr) + len;
	struct rte_udp_hdr *udp;

	if (dst->family == AF_INET) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)buf;
		uint32_t s, d;
		memcpy(&s, src->bytes, 4);
		memcpy(&d, dst->bytes, 4);
		put_ipv4(ip, s, d, udp_len);
		udp = (struct rte_udp_hdr *)(ip + 1);
	} else {
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)buf;
		memset(ip, 0, sizeof(*ip));
		ip->vtc_flow = RTE_BE32(6u << 28);
		ip->payload_len = rte_cpu_to_be_16(udp_len);
		ip->proto = IPPROTO_UDP;
		ip->hop_limits = 64;
		memcpy(ip->src_addr, src->bytes, 16);
		memcpy(ip->dst_addr, dst->bytes, 16);
		udp = (struct rte_udp_hdr *)(ip + 1);
	}
	udp->src_port = RTE_BE16(LISP_CTRL_PORT);
	udp->dst_port = RTE_BE16(LISP_CTRL_PORT);
	udp->dgram_len = rte_cpu_to_be_16(udp_len);
	udp->dgram_cksum = 0;
	memcpy(udp + 1, msg, len);
	if (dst->family == AF_INET6)
		udp->dgram_cksum = rte_ipv6_udptcp_cksum((struct rte_ipv6_hdr *)buf, udp);
	return (uint16_t)((uint8_t *)(udp + 1) - buf + len);
}

int lisp_tx_ecm(uint32_t dst, const struct lisp_addr *inner_src, const struct lisp_addr *inner_dst,
		const void *msg, uint16_t len, const struct rte_ether_addr *dst_mac)
{
	uint8_t buf[4 + sizeof(struct rte_ipv6_hdr) + sizeof(struct rte_udp_hdr) +
			LISP_MSG_MAX_SIZE];

	if (len > LISP_MSG_MAX_SIZE || inner_src->family != inner_dst->family)
		return -EINVAL;
	memset(buf, 0, 4);
	buf[0] = LISP_ECM << 4;
	uint16_t inner = ecm_inner(buf + 4, inner_src, inner_dst, msg, len);
	return tx_frame(dst, LISP_CTRL_PORT, LISP_CTRL_PORT, buf, (uint16_t)(4 + inner), NULL, 0,
			dst_mac);
}
