/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The underlay, control side: which port is the uplink, its addresses (one
 * IPv4 and one IPv6 prefix at most: dual-stack), and a gateway per family.
 * Next hops for remote VTEPs follow from it: on-link VTEPs directly, others
 * through the gateway. Tunnels run over either family; the IPv6 address
 * also answers Neighbour Discovery and ICMPv6 echo.
 */
#ifndef NFVA_UNDERLAY_H
#define NFVA_UNDERLAY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <rte_ether.h>

struct underlay {
	bool active;
	uint16_t port; /* appliance port index */
	uint32_t ip;   /* network order, 0 = no IPv4 address */
	uint8_t prefix_len;
	uint32_t gateway; /* network order, 0 = none */
	bool has_ip6;
	uint8_t prefix6_len;
	uint8_t ip6[16];
	uint8_t gateway6[16]; /* :: = none */
};

const struct underlay *underlay_get(void);
/* Next hop toward ip (network order), or 0 when there is no route (no
 * IPv4 address, or off-link without a gateway). */
uint32_t underlay_nexthop(uint32_t ip);
/* Next hop toward an IPv6 destination into nh; false when there is none. */
bool underlay_nexthop6(const uint8_t dst[16], uint8_t nh[16]);
/* Either family: the next hop toward dst into nh; false when there is none. */
struct nfva_ip;
bool underlay_nexthop_ip(const struct nfva_ip *dst, struct nfva_ip *nh);
/* Uplink MAC and IP MTU (0 when there is no underlay). */
bool underlay_mac(struct rte_ether_addr *mac);
unsigned underlay_mtu(void);

/* Make u the underlay: refused (-errno, err) when a subscriber of
 * EVENT_UNDERLAY_CHECK says no (the port is a network member); else
 * published, then EVENT_UNDERLAY_CHANGED. Control thread. */
int underlay_set(const struct underlay *u, char *err, size_t errlen);
/* The IPv4 mask of a prefix length, network order. */
uint32_t underlay_prefix_mask(uint8_t len);

#endif
