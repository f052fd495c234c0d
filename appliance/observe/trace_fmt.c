/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * One-line summaries of the frames a trace keeps (observe.h): Ethernet, a
 * VLAN tag, ARP, IPv4/IPv6, UDP/TCP/ICMP, and one level of VXLAN, GRE
 * (L2 GRE, NVGRE, ERSPAN II/III) or LISP encapsulation with the frame
 * inside. Bytes beyond what was kept are "...". Control thread.
 */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "observe/observe.h"

struct fmt {
	char *buf;
	size_t size, len;
};

static void put(struct fmt *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void put(struct fmt *f, const char *fmt, ...)
{
	va_list ap;

	if (f->len >= f->size)
		return;
	va_start(ap, fmt);
	int n = vsnprintf(f->buf + f->len, f->size - f->len, fmt, ap);
	va_end(ap);
	if (n > 0)
		f->len += (size_t)n;
}

static unsigned be16(const uint8_t *p)
{
	return (unsigned)p[0] << 8 | p[1];
}

static void put_mac(struct fmt *f, const uint8_t *m)
{
	put(f, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
}

static void put_ip(struct fmt *f, int family, const uint8_t *a)
{
	char s[INET6_ADDRSTRLEN];
	put(f, "%s", inet_ntop(family, a, s, sizeof(s)) != NULL ? s : "?");
}

static void eth_frame(struct fmt *f, const uint8_t *p, uint32_t len, int depth);
static void ip_packet(struct fmt *f, const uint8_t *p, uint32_t len, int depth);

static void udp_payload(struct fmt *f, const uint8_t *p, uint32_t len, int depth)
{
	if (len < 8) {
		put(f, " ...");
		return;
	}
	unsigned sport = be16(p), dport = be16(p + 2);
	put(f, " udp %u > %u", sport, dport);
	if (depth > 0 || len < 16)
		return;
	if (dport == 4789 && (p[8] & 0x08)) {
		put(f, " vxlan vni %u [", (unsigned)p[12] << 16 | p[13] << 8 | p[14]);
		eth_frame(f, p + 16, len - 16, depth + 1);
		put(f, "]");
	} else if (dport == 4341) {
		put(f, " lisp");
		if (p[8] & 0x08)
			put(f, " iid %u", (unsigned)p[12] << 16 | p[13] << 8 | p[14]);
		put(f, " [");
		ip_packet(f, p + 16, len - 16, depth + 1);
		put(f, "]");
	}
}

static void gre_payload(struct fmt *f, const uint8_t *p, uint32_t len, int depth)
{
	if (len < 4) {
		put(f, " gre ...");
		return;
	}
	unsigned flags = be16(p), proto = be16(p + 2), off = 4;
	bool key = flags & 0x2000, seq = flags & 0x1000;
	uint32_t k = 0;
	if (flags & 0x8000)
		off += 4;
	if (key && len >= off + 4)
		k = (uint32_t)p[off] << 24 | p[off + 1] << 16 | p[off + 2] << 8 | p[off + 3];
	off += (key ? 4 : 0) + (seq ? 4 : 0);
	if (proto == 0x88be || proto == 0x22eb) {
		unsigned session = len >= off + 4 ? (be16(p + off + 2) & 0x3ff) : 0;
		put(f, " erspan %s session %u", proto == 0x88be ? "II" : "III", session);
		off += proto == 0x88be ? 8 : 12;
	} else {
		put(f, " gre proto 0x%04x", proto);
		if (key)
			put(f, " key %u", k);
	}
	if (depth == 0 && len > off && (proto == 0x6558 || proto == 0x88be || proto == 0x22eb)) {
		put(f, " [");
		eth_frame(f, p + off, len - off, depth + 1);
		put(f, "]");
	}
}

static void ip_packet(struct fmt *f, const uint8_t *p, uint32_t len, int depth)
{
	if (len >= 20 && p[0] >> 4 == 4) {
		uint32_t hlen = (p[0] & 0xf) * 4u;
		put(f, "ipv4 ");
		put_ip(f, AF_INET, p + 12);
		put(f, " > ");
		put_ip(f, AF_INET, p + 16);
		put(f, " ttl %u", p[8]);
		if (len < hlen)
			return;
		if (p[9] == 17)
			udp_payload(f, p + hlen, len - hlen, depth);
		else if (p[9] == 47)
			gre_payload(f, p + hlen, len - hlen, depth);
		else if (p[9] == 1 && len >= hlen + 2)
			put(f, " icmp type %u", p[hlen]);
		else if (p[9] == 6 && len >= hlen + 4)
			put(f, " tcp %u > %u", be16(p + hlen), be16(p + hlen + 2));
		else
			put(f, " proto %u", p[9]);
	} else if (len >= 40 && p[0] >> 4 == 6) {
		put(f, "ipv6 ");
		put_ip(f, AF_INET6, p + 8);
		put(f, " > ");
		put_ip(f, AF_INET6, p + 24);
		put(f, " next %u", p[6]);
		if (p[6] == 17)
			udp_payload(f, p + 40, len - 40, depth);
		else if (p[6] == 58 && len >= 41)
			put(f, " icmp6 type %u", p[40]);
	} else {
		put(f, "ip ...");
	}
}

static void arp_packet(struct fmt *f, const uint8_t *p, uint32_t len)
{
	if (len < 28) {
		put(f, " arp ...");
		return;
	}
	unsigned op = be16(p + 6);
	if (op == 1) {
		put(f, " arp who-has ");
		put_ip(f, AF_INET, p + 24);
		put(f, " tell ");
		put_ip(f, AF_INET, p + 14);
	} else {
		put(f, " arp reply ");
		put_ip(f, AF_INET, p + 14);
		put(f, " is-at ");
		put_mac(f, p + 8);
	}
}

static void eth_frame(struct fmt *f, const uint8_t *p, uint32_t len, int depth)
{
	if (len < 14) {
		put(f, "runt (%u bytes)", len);
		return;
	}
	put_mac(f, p + 6);
	put(f, " > ");
	put_mac(f, p);
	unsigned type = be16(p + 12), off = 14;
	while ((type == 0x8100 || type == 0x88a8) && len >= off + 4) {
		put(f, " vlan %u", be16(p + off) & 0xfff);
		type = be16(p + off + 2);
		off += 4;
	}
	if (type == 0x0806)
		arp_packet(f, p + off, len - off);
	else if (type == 0x0800 || type == 0x86dd) {
		put(f, " ");
		ip_packet(f, p + off, len - off, depth);
	} else
		put(f, " type 0x%04x", type);
}

const char *observe_frame_summary(const uint8_t *p, uint32_t kept, uint32_t len, char *buf,
		size_t size)
{
	struct fmt f = { .buf = buf, .size = size };

	buf[0] = '\0';
	eth_frame(&f, p, kept, 0);
	if (kept < len)
		put(&f, " ...");
	return buf;
}
