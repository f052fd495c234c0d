/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mirror filters: a small expression language, compiled once into a flat
 * struct that the slow path evaluates per frame (and that the offload layer
 * can turn into rte_flow items). An expression is a conjunction of terms,
 * optionally joined with "and":
 *
 *   src-mac MAC | dst-mac MAC | vlan VID | ethertype ipv4|ipv6|arp|0xNNNN
 *   src PREFIX | dst PREFIX | host PREFIX      IPv4 or IPv6, e.g. 10.0.0.0/8, 2001:db8::/32
 *   proto icmp|icmp6|tcp|udp|sctp|N
 *   sport N[-M] | dport N[-M] | port N[-M]     TCP, UDP or SCTP
 *
 * "host" and "port" match either direction. Example:
 *   "dst 8.8.8.8/32 and proto icmp"   "vlan 10 dport 80-89"
 */
#ifndef NFVA_MIRROR_FILTER_H
#define NFVA_MIRROR_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

enum mirror_filter_field {
	MF_SRC_MAC = 1 << 0,
	MF_DST_MAC = 1 << 1,
	MF_VLAN = 1 << 2,
	MF_ETHERTYPE = 1 << 3,
	MF_SRC_IP = 1 << 4,
	MF_DST_IP = 1 << 5,
	MF_HOST_IP = 1 << 6,
	MF_PROTO = 1 << 7,
	MF_SPORT = 1 << 8,
	MF_DPORT = 1 << 9,
	MF_PORT = 1 << 10,
};

struct ip_prefix {
	uint8_t family; /* 4 or 6 */
	uint8_t len;
	uint8_t addr[16]; /* network order, IPv4 in the first 4 bytes */
};

struct port_range {
	uint16_t lo, hi;
};

struct mirror_filter {
	uint32_t fields; /* MF_* present */
	struct rte_ether_addr src_mac, dst_mac;
	uint16_t vlan;
	uint16_t ethertype;
	struct ip_prefix src, dst, host;
	uint8_t proto;
	struct port_range sport, dport, port;
};

/* 0, or -EINVAL with a message naming the offending word in err. */
int mirror_filter_parse(const char *text, struct mirror_filter *f, char *err, size_t errlen);
/* Does the frame (starting at its Ethernet header) match? */
bool mirror_filter_match(const struct mirror_filter *f, const struct rte_mbuf *m);

#endif
