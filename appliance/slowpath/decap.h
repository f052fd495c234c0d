/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Decapsulation stages, registered by what they take from the uplink: IPv4
 * packets of one protocol to the VTEP address (or to a network's multicast
 * group), keyed by the UDP destination port or the GRE protocol type. Each
 * stage registers itself from its own file (DECAP_STAGE); underlay_input
 * validates the outer headers and hands each packet to the stage whose key
 * it carries, and counts not_tunnel when none does.
 *
 * A stage gets m at the outer Ethernet header with ip its validated IPv4
 * header, and returns DROP_NONE with meta filled and m at the inner frame
 * (or meta->network = NFVA_NETWORK_NONE when it consumed m itself), or a
 * drop reason with m untouched (the caller drops it). Workers only.
 */
#ifndef NFVA_DECAP_H
#define NFVA_DECAP_H

#include <stdbool.h>
#include <stdint.h>
#include <rte_common.h>
#include <rte_ip.h>
#include <rte_mbuf.h>

struct worker;
struct l2_meta;
struct dp_config;

typedef int (*decap_input_fn)(struct worker *w, uint16_t port, struct rte_mbuf *m,
		const struct rte_ipv4_hdr *ip, struct l2_meta *meta);

struct decap_stage {
	const char *name;
	uint8_t ip_proto; /* IPPROTO_UDP or IPPROTO_GRE */
	/* UDP: destination port; GRE: protocol type (host order). 0 (UDP only):
	 * the ports the networks of encap chose (VXLAN's udp-port). */
	uint16_t key;
	uint8_t encap; /* key 0: enum dp_encap of those networks */
	bool to_group; /* also packets to a network's multicast group */
	/* NULL, or whether the stage takes traffic with this snapshot. */
	bool (*active)(const struct dp_config *cfg);
	decap_input_fn input;
	struct decap_stage *next; /* private */
};

void decap_register(struct decap_stage *s);
#define DECAP_STAGE(var)                                                                           \
	RTE_INIT(decap_register_##var)                                                             \
	{                                                                                          \
		decap_register(&var);                                                              \
	}

/* The stage for a packet of proto with key (host order), or NULL. */
const struct decap_stage *decap_find(const struct dp_config *cfg, uint8_t proto, uint16_t key,
		bool to_group);

/* What stages share: strip the outer Ethernet and IPv4 headers of m (at
 * Ethernet) and the tunnel header of len bytes after them. */
static inline void decap_strip(struct rte_mbuf *m, const struct rte_ipv4_hdr *ip, uint32_t len)
{
	rte_pktmbuf_adj(m, (uint16_t)(sizeof(struct rte_ether_hdr) + rte_ipv4_hdr_len(ip) + len));
}

/* The tunnel header after the outer IPv4 header (m at Ethernet). */
static inline const uint8_t *decap_l4(const struct rte_mbuf *m, const struct rte_ipv4_hdr *ip)
{
	return rte_pktmbuf_mtod_offset(m, const uint8_t *,
			sizeof(struct rte_ether_hdr) + rte_ipv4_hdr_len(ip));
}

/* Bytes of the IPv4 payload (the packet was validated: total >= hlen). */
static inline uint32_t decap_l4_len(const struct rte_ipv4_hdr *ip)
{
	return rte_be_to_cpu_16(ip->total_length) - rte_ipv4_hdr_len(ip);
}

#endif
