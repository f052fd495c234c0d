/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Control messages the appliance originates on the uplink, over IPv4 or
 * IPv6 (the destination's family, from our address of that family): plain UDP to or
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

bool lisp_local_rloc(uint8_t family, struct nfva_ip *out)
{
	const struct underlay *u = underlay_get();
	if (!u->active)
		return false;
	if (family == AF_INET && u->ip != 0) {
		*out = nfva_ip_v4(u->ip);
		return true;
	}
	if (family == AF_INET6 && u->has_ip6) {
		*out = nfva_ip_v6(u->ip6);
		return true;
	}
	return false;
}

const struct nfva_ip *lisp_itr_pick(const struct lisp_map_request *rq, uint8_t family)
{
	const struct nfva_ip *same = family == AF_INET6 ? &rq->itr_v6 : &rq->itr_v4;
	const struct nfva_ip *other = family == AF_INET6 ? &rq->itr_v4 : &rq->itr_v6;
	struct nfva_ip mine;

	/* Only an address a peer may name: never multicast, link-local or ours. */
	if (same->family != 0 && lisp_local_rloc(same->family, &mine) && lisp_rloc_ok(same))
		return same;
	if (other->family != 0 && lisp_local_rloc(other->family, &mine) && lisp_rloc_ok(other))
		return other;
	return NULL;
}

void lisp_tx_prepare(const struct nfva_ip *dst)
{
	struct nfva_ip nh;
	if (underlay_nexthop_ip(dst, &nh))
		neigh_resolve_ip(&nh);
}

static bool tx_dst_mac(const struct nfva_ip *dst, const struct rte_ether_addr *given,
		struct rte_ether_addr *mac)
{
	struct nfva_ip nh;
	if (given != NULL) {
		*mac = *given;
		return true;
	}
	if (!underlay_nexthop_ip(dst, &nh))
		return false;
	if (neigh_mac_ip(&nh, mac))
		return true;
	neigh_resolve_ip(&nh);
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

/* Hop limit 255 for control messages over IPv6, as Open Overlay Router
 * sends them. */
static void put_ipv6(struct rte_ipv6_hdr *ip, const uint8_t src[16], const uint8_t dst[16],
		uint16_t payload, uint8_t hop_limit)
{
	memset(ip, 0, sizeof(*ip));
	ip->vtc_flow = RTE_BE32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16(payload);
	ip->proto = IPPROTO_UDP;
	ip->hop_limits = hop_limit;
	memcpy(ip->src_addr, src, 16);
	memcpy(ip->dst_addr, dst, 16);
}

/* The outer IP header of family for a UDP datagram of udp_len at p; returns
 * where the UDP header goes. */
static struct rte_udp_hdr *put_outer(uint8_t *p, const struct nfva_ip *src,
		const struct nfva_ip *dst, uint16_t udp_len)
{
	if (dst->family == AF_INET) {
		put_ipv4((struct rte_ipv4_hdr *)p, nfva_ip_get_v4(src), nfva_ip_get_v4(dst),
				udp_len);
		return (struct rte_udp_hdr *)(p + sizeof(struct rte_ipv4_hdr));
	}
	put_ipv6((struct rte_ipv6_hdr *)p, src->addr, dst->addr, udp_len, 255);
	return (struct rte_udp_hdr *)(p + sizeof(struct rte_ipv6_hdr));
}

/* Ethernet + IPv4 or IPv6 (dst's family) + UDP (checksummed) + payload. */
static int tx_frame(const struct nfva_ip *dst, uint16_t sport, uint16_t dport, const void *p1,
		uint16_t l1, const struct rte_ether_addr *dst_mac)
{
	const struct underlay *u = underlay_get();
	struct rte_ether_addr src_mac, dmac;
	struct nfva_ip src;

	if (!lisp_local_rloc(dst->family, &src) || !underlay_mac(&src_mac)) {
		lisp.c.control_unresolved++;
		return -ENETDOWN;
	}
	if (!tx_dst_mac(dst, dst_mac, &dmac)) {
		lisp.c.control_unresolved++;
		return -EAGAIN;
	}
	bool v6 = dst->family == AF_INET6;
	uint16_t ip_len = v6 ? sizeof(struct rte_ipv6_hdr) : sizeof(struct rte_ipv4_hdr);
	uint16_t udp_len = sizeof(struct rte_udp_hdr) + l1;
	uint16_t len = sizeof(struct rte_ether_hdr) + ip_len + udp_len;
	struct rte_mbuf *m = rte_pktmbuf_alloc(nfva_mbuf_pool());
	uint8_t *p = m == NULL ? NULL : (uint8_t *)rte_pktmbuf_append(m, len);
	if (p == NULL) {
		rte_pktmbuf_free(m);
		return -ENOBUFS;
	}
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)p;
	eth->dst_addr = dmac;
	eth->src_addr = src_mac;
	eth->ether_type = v6 ? RTE_BE16(RTE_ETHER_TYPE_IPV6) : RTE_BE16(RTE_ETHER_TYPE_IPV4);
	struct rte_udp_hdr *udp = put_outer((uint8_t *)(eth + 1), &src, dst, udp_len);
	udp->src_port = rte_cpu_to_be_16(sport);
	udp->dst_port = rte_cpu_to_be_16(dport);
	udp->dgram_len = rte_cpu_to_be_16(udp_len);
	udp->dgram_cksum = 0;
	memcpy(udp + 1, p1, l1);
	if (v6) /* never 0 over IPv6 */
		udp->dgram_cksum = rte_ipv6_udptcp_cksum((struct rte_ipv6_hdr *)(eth + 1), udp);
	else
		udp->dgram_cksum = rte_ipv4_udptcp_cksum((struct rte_ipv4_hdr *)(eth + 1), udp);
	return ctrl_send(m, u->port) ? 0 : -ENOBUFS;
}

int lisp_tx_udp(const struct nfva_ip *dst, uint16_t sport, uint16_t dport, const void *payload,
		uint16_t len, const struct rte_ether_addr *dst_mac)
{
	return tx_frame(dst, sport, dport, payload, len, dst_mac);
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
		put_ipv6(ip, src->bytes, dst->bytes, udp_len, 64);
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

int lisp_tx_ecm(const struct nfva_ip *dst, const struct lisp_addr *inner_src,
		const struct lisp_addr *inner_dst, const void *msg, uint16_t len,
		const struct rte_ether_addr *dst_mac)
{
	uint8_t buf[4 + sizeof(struct rte_ipv6_hdr) + sizeof(struct rte_udp_hdr) +
			LISP_MSG_MAX_SIZE];

	if (len > LISP_MSG_MAX_SIZE || inner_src->family != inner_dst->family)
		return -EINVAL;
	memset(buf, 0, 4);
	buf[0] = LISP_ECM << 4;
	uint16_t inner = ecm_inner(buf + 4, inner_src, inner_dst, msg, len);
	return tx_frame(dst, LISP_CTRL_PORT, LISP_CTRL_PORT, buf, (uint16_t)(4 + inner), dst_mac);
}
