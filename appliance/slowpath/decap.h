/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Decapsulation stages, registered by what they take from the uplink: IPv4
 * (and, for stages that say so, IPv6) packets of one protocol to the VTEP
 * address (or to a network's multicast group), keyed by the UDP destination port or the GRE
 * protocol type. Each stage registers itself from its own file (DECAP_STAGE); underlay_input
 * validates the outer headers and hands each packet to the stage whose key
 * it carries, and counts not_tunnel when none does.
 *
 * A stage gets m at the outer Ethernet header with o its validated outer
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

/* The validated outer header of a packet for a stage, either family. */
struct decap_outer {
	const struct rte_ipv4_hdr *ip4; /* the outer IPv4 header; NULL over IPv6 */
	const struct rte_ipv6_hdr *ip6; /* the outer IPv6 header; NULL over IPv4 */
	uint32_t l3_end;                /* offset of the tunnel header (Ethernet + IP header) */
	uint32_t l4_len;                /* bytes from there to the end of the IP packet */
	uint32_t src;                   /* id of the outer source (overlay/vtep_id.h); 0: an
	                                 * IPv6 source without one yet (tunnel_accept adds it) */
	bool udp_zero_csum6;            /* UDP checksum 0 over IPv6 (networks decide) */
};

typedef int (*decap_input_fn)(struct worker *w, uint16_t port, struct rte_mbuf *m,
		struct decap_outer *o, struct l2_meta *meta);

struct decap_stage {
	const char *name;
	uint8_t ip_proto; /* IPPROTO_UDP or IPPROTO_GRE */
	/* UDP: destination port; GRE: protocol type (host order). 0 (UDP only):
	 * the ports the networks of encap chose (VXLAN's udp-port). */
	uint16_t key;
	uint8_t encap; /* key 0: enum dp_encap of those networks */
	bool to_group; /* also packets to a network's multicast group */
	bool ipv6;     /* also over an IPv6 underlay (else IPv4 only) */
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
		bool to_group, bool ipv6);

/* underlay_input.c: a tunnel packet to us (to_group: to a network's
 * group) with outer header o, of protocol proto (UDP or GRE), handed to its
 * stage; DROP_NONE or why it was not. The IPv4 and IPv6 paths call it. */
int decap_dispatch(struct worker *w, uint16_t port, struct rte_mbuf *m, struct decap_outer *o,
		uint8_t proto, bool to_group, struct l2_meta *meta);

/* What stages share: strip the outer Ethernet and IP headers of m (at
 * Ethernet) and the tunnel header of len bytes after them. */
static inline void decap_strip(struct rte_mbuf *m, const struct decap_outer *o, uint32_t len)
{
	rte_pktmbuf_adj(m, (uint16_t)(o->l3_end + len));
}

/* The tunnel header after the outer IP header (m at Ethernet). */
static inline const uint8_t *decap_l4(const struct rte_mbuf *m, const struct decap_outer *o)
{
	return rte_pktmbuf_mtod_offset(m, const uint8_t *, o->l3_end);
}

#endif
