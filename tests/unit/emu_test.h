/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Helpers of the emulated e-switch unit test: hand-made frames built header
 * by header, a sink that records what executed rules output, rte_flow
 * literals, and "install this rule" / "send this frame, see what came out".
 */
#ifndef NFVA_TEST_EMU_TEST_H
#define NFVA_TEST_EMU_TEST_H

#include <netinet/in.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_mbuf.h>
#include <rte_udp.h>
#include <rte_vxlan.h>

#include "offload/emu/emu_switch.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

/* Defined by test_emu_switch.c: the pool, the switch under test (one per
 * test, no QSBR) and the pool's free count before the test. */
extern struct rte_mempool *pool;
extern struct emu_switch *sw;
extern unsigned pool_avail;
/* ---- frames ---- */

struct frame {
	uint8_t b[512];
	uint16_t len;
};

static inline struct rte_ether_addr mac(uint8_t a, uint8_t b)
{
	return (struct rte_ether_addr){ { 0x02, 0x00, 0x00, 0x00, a, b } };
}

static inline uint32_t ip4(uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	return rte_cpu_to_be_32((uint32_t)a << 24 | (uint32_t)b << 16 | (uint32_t)c << 8 | d);
}

static inline void *put(struct frame *f, const void *data, size_t n)
{
	void *p = &f->b[f->len];
	if (data != NULL)
		memcpy(p, data, n);
	else
		memset(p, 0, n);
	f->len = (uint16_t)(f->len + n);
	return p;
}

static inline void put_eth(struct frame *f, struct rte_ether_addr dst, struct rte_ether_addr src,
		uint16_t type)
{
	struct rte_ether_hdr h = { .dst_addr = dst,
		.src_addr = src,
		.ether_type = rte_cpu_to_be_16(type) };
	put(f, &h, sizeof(h));
}

static inline void put_vlan(struct frame *f, uint16_t tci, uint16_t type)
{
	struct rte_vlan_hdr h = { .vlan_tci = rte_cpu_to_be_16(tci),
		.eth_proto = rte_cpu_to_be_16(type) };
	put(f, &h, sizeof(h));
}

/* Returns the header's offset, for ipv4_finish(). */
static inline uint16_t put_ipv4(struct frame *f, uint32_t src, uint32_t dst, uint8_t proto)
{
	struct rte_ipv4_hdr h = { .version_ihl = RTE_IPV4_VHL_DEF,
		.time_to_live = 64,
		.next_proto_id = proto,
		.src_addr = src,
		.dst_addr = dst };
	uint16_t off = f->len;
	put(f, &h, sizeof(h));
	return off;
}

static inline uint16_t put_udp(struct frame *f, uint16_t sport, uint16_t dport)
{
	struct rte_udp_hdr h = { .src_port = rte_cpu_to_be_16(sport),
		.dst_port = rte_cpu_to_be_16(dport) };
	uint16_t off = f->len;
	put(f, &h, sizeof(h));
	return off;
}

static inline void put_vxlan(struct frame *f, uint32_t vni)
{
	struct rte_vxlan_hdr h = { .vx_flags = RTE_BE32(0x08000000),
		.vx_vni = rte_cpu_to_be_32(vni << 8) };
	put(f, &h, sizeof(h));
}

/* GRE with the K bit and a key, for Ethernet (0x6558). */
static inline void put_gre_key(struct frame *f, uint32_t key)
{
	rte_be16_t h[2] = { RTE_BE16(0x2000), RTE_BE16(0x6558) };
	rte_be32_t k = rte_cpu_to_be_32(key);
	put(f, h, sizeof(h));
	put(f, &k, sizeof(k));
}

static inline void put_payload(struct frame *f, size_t n, uint8_t seed)
{
	uint8_t *p = put(f, NULL, n);
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)(seed + i);
}

/* Lengths (and the IPv4 checksum) once the frame is complete. */
static inline void ipv4_finish(struct frame *f, uint16_t ip_off, int udp_off)
{
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)&f->b[ip_off];
	ip->total_length = rte_cpu_to_be_16(f->len - ip_off);
	ip->hdr_checksum = 0;
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	if (udp_off >= 0) {
		struct rte_udp_hdr *udp = (struct rte_udp_hdr *)&f->b[udp_off];
		udp->dgram_len = rte_cpu_to_be_16(f->len - udp_off);
	}
}

/* IPv6 without extension headers, hop limit 64; returns the header's offset,
 * for ipv6_finish(). */
static inline uint16_t put_ipv6(struct frame *f, const uint8_t src[16], const uint8_t dst[16],
		uint8_t proto, uint32_t label)
{
	struct rte_ipv6_hdr h = { .vtc_flow = rte_cpu_to_be_32(6u << 28 | label),
		.proto = proto,
		.hop_limits = 64 };
	memcpy(h.src_addr, src, 16);
	memcpy(h.dst_addr, dst, 16);
	uint16_t off = f->len;
	put(f, &h, sizeof(h));
	return off;
}

/* The payload length (and UDP length) once the frame is complete. */
static inline void ipv6_finish(struct frame *f, uint16_t ip_off, int udp_off)
{
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)&f->b[ip_off];
	ip->payload_len = rte_cpu_to_be_16(f->len - ip_off - sizeof(*ip));
	if (udp_off >= 0) {
		struct rte_udp_hdr *udp = (struct rte_udp_hdr *)&f->b[udp_off];
		udp->dgram_len = rte_cpu_to_be_16(f->len - udp_off);
	}
}

/* An untagged IPv4/UDP frame with 18 bytes of payload (64 bytes on the wire). */
static inline void frame_udp(struct frame *f, struct rte_ether_addr dst, struct rte_ether_addr src,
		uint32_t ip_src, uint32_t ip_dst, uint16_t sport, uint16_t dport)
{
	f->len = 0;
	put_eth(f, dst, src, RTE_ETHER_TYPE_IPV4);
	uint16_t ip = put_ipv4(f, ip_src, ip_dst, IPPROTO_UDP);
	uint16_t udp = put_udp(f, sport, dport);
	put_payload(f, 18, 0x40);
	ipv4_finish(f, ip, udp);
}

static inline struct rte_mbuf *mbuf_of(const struct frame *f)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(pool);
	if (m == NULL)
		return NULL;
	memcpy(rte_pktmbuf_append(m, f->len), f->b, f->len);
	return m;
}

/* ---- where executed rules send frames ---- */

#define SINK_MAX 256
struct sink {
	unsigned n;
	uint16_t port[SINK_MAX];
	struct rte_mbuf *m[SINK_MAX];
};

static inline void sink_out(void *ctx, uint16_t port, struct rte_mbuf *m)
{
	struct sink *s = ctx;
	if (s->n == SINK_MAX) {
		rte_pktmbuf_free(m);
		return;
	}
	s->port[s->n] = port;
	s->m[s->n++] = m;
}

static inline void sink_clear(struct sink *s)
{
	for (unsigned i = 0; i < s->n; i++)
		rte_pktmbuf_free(s->m[i]);
	s->n = 0;
}

/* ---- rules and sending ---- */

#define ITEM(t, s, m)                                                                              \
	{                                                                                          \
		.type = RTE_FLOW_ITEM_TYPE_##t, .spec = (s), .mask = (m)                           \
	}
#define ITEM_END                                                                                   \
	{                                                                                          \
		.type = RTE_FLOW_ITEM_TYPE_END                                                     \
	}
#define PORT_ITEM(p)                                                                               \
	ITEM(REPRESENTED_PORT, (&(struct rte_flow_item_ethdev){ .port_id = (p) }), NULL)
#define ACT(t, c)                                                                                  \
	{                                                                                          \
		.type = RTE_FLOW_ACTION_TYPE_##t, .conf = (c)                                      \
	}
#define ACT_END                                                                                    \
	{                                                                                          \
		.type = RTE_FLOW_ACTION_TYPE_END                                                   \
	}
#define OUT(p) ACT(REPRESENTED_PORT, (&(struct rte_flow_action_ethdev){ .port_id = (p) }))
#define MAC_FULL                                                                                   \
	{                                                                                          \
		.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }                               \
	}
#define ETH_MACS(d, s) (&(struct rte_flow_item_eth){ .hdr = { .dst_addr = (d), .src_addr = (s) } })
#define ETH_MACS_MASK                                                                              \
	(&(struct rte_flow_item_eth){ .hdr = { .dst_addr = MAC_FULL, .src_addr = MAC_FULL } })

enum { MISS = -1, DROPPED = -2 };

#define UPLINK_MAC mac(9, 9)
#define LOCAL_IP ip4(192, 0, 2, 1)
#define REMOTE_IP ip4(192, 0, 2, 2)

static inline struct emu_rule *add(uint32_t prio, const struct rte_flow_item *pat,
		const struct rte_flow_action *act)
{
	struct rte_flow_attr attr = { .transfer = 1, .priority = prio };
	struct rte_flow_error err = { 0 };
	struct emu_rule *r = emu_switch_rule_create(sw, &attr, pat, act, &err);

	if (r == NULL)
		print_message("rule refused: %s\n", err.message);
	assert_non_null(r);
	return r;
}

/* Sends f in on port in; returns the output port, MISS or DROPPED, and the
 * frame that came out (or back) in out. */
static inline int send1(uint16_t in, const struct frame *f, struct frame *out)
{
	struct rte_mbuf *pkts[1] = { mbuf_of(f) };
	struct sink s = { .n = 0 };
	struct frame dummy;
	struct rte_mbuf *m;
	int ret;

	assert_non_null(pkts[0]);
	if (out == NULL)
		out = &dummy;
	uint16_t n = emu_switch_process(sw, in, pkts, 1, 1, sink_out, &s);
	if (n == 1) {
		assert_int_equal(s.n, 0);
		m = pkts[0];
		ret = MISS;
	} else if (s.n == 1) {
		m = s.m[0];
		ret = s.port[0];
	} else {
		return DROPPED;
	}
	out->len = (uint16_t)rte_pktmbuf_pkt_len(m);
	memcpy(out->b, rte_pktmbuf_read(m, 0, out->len, out->b), out->len);
	rte_pktmbuf_free(m);
	return ret;
}

/* What m holds, into f. */
static inline void frame_from(struct frame *f, const struct rte_mbuf *m)
{
	f->len = (uint16_t)rte_pktmbuf_pkt_len(m);
	const void *p = rte_pktmbuf_read(m, 0, f->len, f->b);
	if (p != f->b)
		memcpy(f->b, p, f->len);
}

/* One copy of f per slot of pkts[0, n), hash.usr = the slot; then the burst
 * through the switch with room for cap. Returns what came back. */
static inline uint16_t send_n(uint16_t in, const struct frame *f, struct rte_mbuf **pkts,
		uint16_t n, uint16_t cap, struct sink *s)
{
	for (uint16_t i = 0; i < n; i++) {
		pkts[i] = mbuf_of(f);
		assert_non_null(pkts[i]);
		pkts[i]->hash.usr = i;
	}
	return emu_switch_process(sw, in, pkts, n, cap, sink_out, s);
}

static inline void free_n(struct rte_mbuf **pkts, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		rte_pktmbuf_free(pkts[i]);
}

static inline void query(struct emu_rule *r, int reset, uint64_t hits, uint64_t bytes)
{
	struct rte_flow_query_count c = { .reset = (uint32_t)reset };
	assert_int_equal(emu_switch_rule_query(sw, r, &c, NULL), 0);
	assert_true(c.hits_set && c.bytes_set);
	assert_int_equal(c.hits, hits);
	assert_int_equal(c.bytes, bytes);
}

static inline void l2_frame(struct frame *f, struct rte_ether_addr dst, struct rte_ether_addr src)
{
	frame_udp(f, dst, src, ip4(10, 0, 0, 1), ip4(10, 0, 0, 2), 1000, 2000);
}

/* test_emu_switch_actions.c */
void test_vxlan_decap(void **state);
void test_vxlan_encap(void **state);
void test_gre_raw(void **state);
void test_vxlan6_decap(void **state);
void test_vxlan6_encap(void **state);
void test_gre6_raw(void **state);
void test_vlan(void **state);
void test_drop_and_representor(void **state);
void test_counters(void **state);

/* test_emu_switch_sample.c */
void test_sample_mirror(void **state);
void test_sample_position(void **state);
void test_sample_encap(void **state);
void test_sample_ratio(void **state);
void test_sample_representor(void **state);
void test_sample_cap(void **state);
void test_sample_refusals(void **state);
void test_mark(void **state);

/* test_emu_switch_lisp.c */
void test_raw_lisp(void **state);
void test_lisp6_decap(void **state);
void test_raw_refusals(void **state);
void test_lisp_encap(void **state);
void test_raw_vxlan_coexist(void **state);

/* test_emu_switch_cache.c */
void test_cache_destroy(void **state);
void test_cache_replace(void **state);
void test_cache_umask(void **state);
void test_encap_checksum(void **state);

/* test_emu_switch_limits.c */
void test_destroy_flush(void **state);
void test_validation(void **state);
void test_capacity(void **state);
void test_mask_limit(void **state);
void test_many_rules(void **state);

/* test_emu_switch_rcu.c */
void test_rcu(void **state);
void test_concurrent(void **state);
void test_count_two_workers(void **state);

#endif
