/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The flow hashes that pick the outer UDP source port of tunnelled frames:
 * of an Ethernet frame (VXLAN, RFC 7348 entropy) and of an IP packet (LISP,
 * RFC 9300 section 5.3). Shared by the slow path and the emulated e-switch
 * so both emit the same bytes for the same frame.
 */
#ifndef NFVA_FLOW_HASH_H
#define NFVA_FLOW_HASH_H

#include <netinet/in.h>
#include <string.h>
#include <rte_ether.h>
#include <rte_hash_crc.h>
#include <rte_ip.h>
#include <rte_ip_frag.h>
#include <rte_mbuf.h>

/* Hash of the inner Ethernet addresses and, for IPv4, addresses, protocol
 * and the first four L4 bytes (ports). m starts at the inner frame. */
static inline uint32_t inner_flow_hash(const struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	uint32_t len = rte_pktmbuf_data_len(m);
	/* rte_hash_crc() loads 8 and 4 bytes at a time, and the frame may start
	 * at any offset (a tag popped: 4 past the headroom): hash an aligned
	 * copy (the same value). */
	uint64_t head[2];
	if (len < sizeof(*eth)) { /* a runt (a mirror copy may be one): what it has */
		memcpy(head, eth, len);
		return rte_hash_crc(head, len, 0);
	}
	memcpy(head, eth, 2 * RTE_ETHER_ADDR_LEN);
	uint32_t h = rte_hash_crc(head, 2 * RTE_ETHER_ADDR_LEN, 0);

	if (eth->ether_type != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
			len < sizeof(*eth) + sizeof(struct rte_ipv4_hdr))
		return h;
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(eth + 1);
	h = rte_hash_crc_8byte(((uint64_t)ip->src_addr << 32) | ip->dst_addr, h);
	h = rte_hash_crc_1byte(ip->next_proto_id, h);
	uint32_t l4 = sizeof(*eth) + rte_ipv4_hdr_len(ip);
	if ((ip->next_proto_id == IPPROTO_UDP || ip->next_proto_id == IPPROTO_TCP) &&
			len >= l4 + 4 && !rte_ipv4_frag_pkt_is_fragmented(ip)) {
		uint32_t ports;
		memcpy(&ports, rte_pktmbuf_mtod_offset(m, const uint8_t *, l4), sizeof(ports));
		h = rte_hash_crc_4byte(ports, h);
	}
	return h;
}

/* Hash of an IP packet (m starts at the IPv4 or IPv6 header): addresses,
 * protocol and, for UDP and TCP of a non-fragment, the ports; 0 for
 * anything else. */
static inline uint32_t ip_flow_hash(const struct rte_mbuf *m)
{
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t len = rte_pktmbuf_data_len(m), l4, h;
	uint8_t proto;

	if (len >= sizeof(struct rte_ipv4_hdr) && p[0] >> 4 == 4) {
		const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)p;
		h = rte_hash_crc_8byte(((uint64_t)ip->src_addr << 32) | ip->dst_addr, 0);
		proto = ip->next_proto_id;
		l4 = rte_ipv4_hdr_len(ip);
		if (rte_ipv4_frag_pkt_is_fragmented(ip))
			return rte_hash_crc_1byte(proto, h);
	} else if (len >= sizeof(struct rte_ipv6_hdr) && p[0] >> 4 == 6) {
		const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)p;
		uint64_t addrs[4]; /* the header sits at offset 14: copy to align */
		memcpy(addrs, ip->src_addr, sizeof(addrs));
		h = rte_hash_crc(addrs, sizeof(addrs), 0);
		proto = ip->proto;
		l4 = sizeof(*ip);
	} else {
		return 0;
	}
	h = rte_hash_crc_1byte(proto, h);
	if ((proto == IPPROTO_UDP || proto == IPPROTO_TCP) && len >= l4 + 4) {
		uint32_t ports;
		memcpy(&ports, p + l4, sizeof(ports));
		h = rte_hash_crc_4byte(ports, h);
	}
	return h;
}

/* UDP source port for a hash: the dynamic range 49152-65535. */
static inline uint16_t entropy_udp_port(uint32_t hash)
{
	return (uint16_t)(49152 + (hash & 0x3fff));
}

/* IPv6 flow label for a hash (RFC 6437, 6438): its low 20 bits, never 0
 * (0 would say "no label"), host order. */
static inline uint32_t entropy_flow_label(uint32_t hash)
{
	uint32_t label = hash & 0xfffff;
	return label != 0 ? label : 1;
}

#endif
