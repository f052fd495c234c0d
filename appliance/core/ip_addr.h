/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * struct nfva_ip: an IPv4 or IPv6 address, family-neutral, usable as a hash
 * key (fixed size, unused bytes zero, built only by the helpers below or a
 * zeroing initialiser). IPv4 sits in addr[0..3] in network
 * order. Parsing and printing with inet_pton/inet_ntop.
 */
#ifndef NFVA_IP_ADDR_H
#define NFVA_IP_ADDR_H

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

/* 8-byte aligned and without implicit padding: rte_hash_crc reads keys
 * 8 bytes at a time, and every byte of a key is hashed and compared. */
struct nfva_ip {
	uint8_t family; /* AF_INET or AF_INET6; 0: none */
	uint8_t pad[3]; /* zero */
	uint8_t addr[16];
	uint8_t pad2[4]; /* zero */
} __attribute__((aligned(8)));

/* INET6_ADDRSTRLEN, enough for either family. */
#define NFVA_IP_STRLEN 46

static inline struct nfva_ip nfva_ip_v4(uint32_t ip_be)
{
	struct nfva_ip a = { .family = AF_INET };
	memcpy(a.addr, &ip_be, 4);
	return a;
}

static inline struct nfva_ip nfva_ip_v6(const uint8_t addr[16])
{
	struct nfva_ip a = { .family = AF_INET6 };
	memcpy(a.addr, addr, 16);
	return a;
}

static inline uint32_t nfva_ip_get_v4(const struct nfva_ip *a)
{
	uint32_t ip;
	memcpy(&ip, a->addr, 4);
	return ip;
}

static inline bool nfva_ip_is_v6(const struct nfva_ip *a)
{
	return a->family == AF_INET6;
}

static inline bool nfva_ip_eq(const struct nfva_ip *a, const struct nfva_ip *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

/* Total order: IPv4 before IPv6, then by address (for sorted output). */
static inline int nfva_ip_cmp(const struct nfva_ip *a, const struct nfva_ip *b)
{
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->addr, b->addr, sizeof(a->addr));
}

/* "a.b.c.d" or an IPv6 address: 0 and *out filled, or -EINVAL. */
static inline int nfva_ip_parse(const char *s, struct nfva_ip *out)
{
	struct nfva_ip a = { 0 };
	if (inet_pton(AF_INET, s, a.addr) == 1)
		a.family = AF_INET;
	else if (inet_pton(AF_INET6, s, a.addr) == 1)
		a.family = AF_INET6;
	else
		return -EINVAL;
	*out = a;
	return 0;
}

static inline const char *nfva_ip_format(const struct nfva_ip *a, char *buf, size_t len)
{
	if (a->family != AF_INET && a->family != AF_INET6)
		return "none";
	return inet_ntop(a->family, a->addr, buf, (socklen_t)len);
}

/* IPv6 address classes the underlay refuses or treats specially. */
static inline bool ipv6_is_multicast(const uint8_t a[16])
{
	return a[0] == 0xff;
}

static inline bool ipv6_is_link_local(const uint8_t a[16])
{
	return a[0] == 0xfe && (a[1] & 0xc0) == 0x80;
}

static inline bool ipv6_is_unspecified(const uint8_t a[16])
{
	static const uint8_t zero[16];
	return memcmp(a, zero, 16) == 0;
}

static inline bool ipv6_is_loopback(const uint8_t a[16])
{
	static const uint8_t one[16] = { [15] = 1 };
	return memcmp(a, one, 16) == 0;
}

/* IPv4-mapped (::ffff:a.b.c.d): not a real IPv6 underlay address. */
static inline bool ipv6_is_v4_mapped(const uint8_t a[16])
{
	static const uint8_t pre[12] = { [10] = 0xff, [11] = 0xff };
	return memcmp(a, pre, 12) == 0;
}

/* Do a and b share their first len bits? */
static inline bool ipv6_same_prefix(const uint8_t a[16], const uint8_t b[16], unsigned len)
{
	unsigned bytes = len / 8, bits = len % 8;
	if (memcmp(a, b, bytes) != 0)
		return false;
	if (bits == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - bits));
	return (a[bytes] & mask) == (b[bytes] & mask);
}

/* The solicited-node multicast group of a (ff02::1:ffXX:XXXX), RFC 4291 2.7.1. */
static inline void ipv6_solicited_node(const uint8_t a[16], uint8_t out[16])
{
	static const uint8_t pre[13] = { 0xff, 0x02, [11] = 0x01, [12] = 0xff };
	memcpy(out, pre, 13);
	memcpy(out + 13, a + 13, 3);
}

#endif
