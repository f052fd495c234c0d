/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The underlay, control side: which port is the uplink, the local VTEP
 * address and prefix, and the default gateway. Next hops for remote VTEPs
 * follow from it: on-link VTEPs directly, others through the gateway.
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
	uint32_t ip;   /* network order */
	uint8_t prefix_len;
	uint32_t gateway; /* network order, 0 = none */
};

const struct underlay *underlay_get(void);
/* Next hop toward ip (network order), or 0 when there is no route. */
uint32_t underlay_nexthop(uint32_t ip);
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
