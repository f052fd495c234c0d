/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbour Discovery messages (RFC 4861): the validation of §7.1.1/§7.1.2
 * and the fields nfva uses (target, flags, the link-layer address option).
 * Pure functions over a frame's bytes: the workers validate with it (drop
 * reason nd_invalid), the control thread reads the fields with it.
 */
#ifndef NFVA_ND_H
#define NFVA_ND_H

#include <stdbool.h>
#include <stdint.h>
#include <rte_ether.h>
#include <rte_ip.h>

#define ND_NEIGHBOR_SOLICIT 135
#define ND_NEIGHBOR_ADVERT 136
#define ND_NA_FLAG_ROUTER 0x80
#define ND_NA_FLAG_SOLICITED 0x40
#define ND_NA_FLAG_OVERRIDE 0x20
#define ND_OPT_SOURCE_LLADDR 1
#define ND_OPT_TARGET_LLADDR 2
#define ND_HOP_LIMIT 255
/* NS and NA: type, code, checksum, 4 bytes (flags), target. */
#define ND_MSG_LEN 24

struct nd_msg {
	uint8_t type;  /* ND_NEIGHBOR_SOLICIT or ND_NEIGHBOR_ADVERT */
	uint8_t flags; /* NA: ND_NA_FLAG_* */
	uint8_t target[16];
	bool has_lladdr; /* NS: source, NA: target link-layer address option */
	struct rte_ether_addr lladdr;
};

/* Validates an NS or NA whose ICMPv6 message (len bytes, the whole IPv6
 * payload: no extension headers) follows ip; fills msg. 0, or -EINVAL when
 * RFC 4861 says to discard it: hop limit not 255, bad checksum, code not
 * 0, too short, an option of length 0 or running past the end, a multicast
 * target, NS from :: not to a solicited-node group or with a source
 * link-layer option, NA to a multicast group with the Solicited flag. */
int nd_parse(const struct rte_ipv6_hdr *ip, const uint8_t *icmp, uint32_t len, struct nd_msg *msg);

/* Is dst the solicited-node multicast group of addr? */
bool nd_is_solicited_node_of(const uint8_t dst[16], const uint8_t addr[16]);

/* 33:33 + the last 32 bits of an IPv6 multicast group (RFC 2464 7). */
void ipv6_multicast_mac(const uint8_t group[16], struct rte_ether_addr *mac);

#endif
