/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The inner-flow hash that picks the outer UDP source port of VXLAN frames
 * (RFC 7348 entropy). Shared by the slow path and the emulated e-switch so
 * both emit the same bytes for the same frame.
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
	uint32_t h = rte_hash_crc(eth, 2 * RTE_ETHER_ADDR_LEN, 0);
	uint32_t len = rte_pktmbuf_data_len(m);

	if (eth->ether_type != RTE_BE16(RTE_ETHER_TYPE_IPV4) ||
			len < sizeof(*eth) + sizeof(struct rte_ipv4_hdr))
		return h;
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(eth + 1);
	h = rte_hash_crc_8byte(((uint64_t)ip->src_addr << 32) | ip->dst_addr, h);
	h = rte_hash_crc_1byte(ip->next_proto_id, h);
	uint32_t l4 = sizeof(*eth) + rte_ipv4_hdr_len(ip);
	if ((ip->next_proto_id == IPPROTO_UDP || ip->next_proto_id == IPPROTO_TCP) &&
			len >= l4 + 4 && !rte_ipv4_frag_pkt_is_fragmented(ip))
	{
		uint32_t ports;
		memcpy(&ports, rte_pktmbuf_mtod_offset(m, const uint8_t *, l4), sizeof(ports));
		h = rte_hash_crc_4byte(ports, h);
	}
	return h;
}

/* UDP source port for a hash: the dynamic range 49152-65535. */
static inline uint16_t entropy_udp_port(uint32_t hash)
{
	return (uint16_t)(49152 + (hash & 0x3fff));
}

#endif
