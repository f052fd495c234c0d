/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LISP encapsulation (RFC 9300 section 5) of an IP packet whose Ethernet
 * header is already gone. The (network, RLOC) template carries the outer
 * Ethernet, IPv4 (TTL 64, DF per network) or IPv6 (hop limit 64), UDP to
 * 4341 and the LISP header with N and I set and the instance ID; per packet:
 * lengths, the IPv4 checksum or the IPv6 flow label (from the inner flow),
 * the UDP source port (a hash of the inner flow in 49152-65535, RFC 9300
 * section 5.3 entropy), a random 24-bit nonce and the UDP checksum when the
 * template asks for it: over IPv4 when the network has udp-csum, always over
 * IPv6 (RFC 9300 allows 0 over both, but a Linux UDP socket, as Open
 * Overlay Router's, drops zero ones over IPv6). Called by the
 * workers (slowpath/lisp_local_input.c) and by the control thread for the
 * frames it held (lisp_hold.c); the caller counts and frees what is refused.
 */
#include <rte_ip.h>
#include <rte_random.h>
#include <rte_udp.h>

#include "core/drop.h"
#include "core/flow_hash.h"
#include "lisp/lisp_dp.h"
#include "overlay/encap.h"

/* The outer IP header's per-packet fields; returns the UDP header. */
static struct rte_udp_hdr *fill_outer(const struct encap_template *t, void *l3, uint32_t ip_len,
		uint32_t hash)
{
	if (t->ipv6) { /* flow label from the inner flow, as tunnel_output */
		struct rte_ipv6_hdr *ip6 = l3;
		ip6->vtc_flow = rte_cpu_to_be_32(6u << 28 | entropy_flow_label(hash));
		ip6->payload_len = rte_cpu_to_be_16(ip_len - sizeof(*ip6));
		return (struct rte_udp_hdr *)(ip6 + 1);
	}
	struct rte_ipv4_hdr *ip = l3;
	ip->total_length = rte_cpu_to_be_16(ip_len);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	return (struct rte_udp_hdr *)(ip + 1);
}

int lisp_encap(struct rte_mbuf *m, const struct encap_template *t, uint32_t hash, uint16_t mtu)
{
	uint32_t ip_len = rte_pktmbuf_pkt_len(m) + t->len - sizeof(struct rte_ether_hdr);

	if (ip_len > mtu)
		return DROP_MTU;
	if (!rte_pktmbuf_is_contiguous(m) && rte_pktmbuf_linearize(m) != 0)
		return DROP_NO_MBUF;
	uint8_t *hdr = (uint8_t *)rte_pktmbuf_prepend(m, t->len);
	if (hdr == NULL)
		return DROP_NO_MBUF;
	rte_memcpy(hdr, t->hdr, t->len);
	void *l3 = hdr + sizeof(struct rte_ether_hdr);
	struct rte_udp_hdr *udp = fill_outer(t, l3, ip_len, hash);
	uint32_t ip_hlen = (uint32_t)((uint8_t *)udp - (uint8_t *)l3);
	udp->src_port = rte_cpu_to_be_16(entropy_udp_port(hash));
	udp->dgram_len = rte_cpu_to_be_16(ip_len - ip_hlen);
	uint8_t *lisp = (uint8_t *)(udp + 1);
	uint32_t nonce = (uint32_t)rte_rand();
	lisp[1] = (uint8_t)(nonce >> 16);
	lisp[2] = (uint8_t)(nonce >> 8);
	lisp[3] = (uint8_t)nonce;
	if (t->udp_csum && t->ipv6)
		udp->dgram_cksum = rte_ipv6_udptcp_cksum(l3, udp); /* never 0 */
	else if (t->udp_csum)
		udp->dgram_cksum = rte_ipv4_udptcp_cksum(l3, udp);
	return DROP_NONE;
}
