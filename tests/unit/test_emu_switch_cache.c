/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Emulated e-switch tests of its per-packet shortcuts. The exact-match cache
 * (emu_switch_cache.c, the lookup in emu_switch_classify.c): this thread is
 * EAL's main lcore, so it classifies through its cache. A rule destroyed,
 * outranked, replaced or flushed is never reached through the cache
 * afterwards (frames go to software, or to the new winner), a cached miss
 * does not hide a rule installed later, and fields no rule matches do not
 * split a flow. The encap's outer IPv4 checksum, added up from a sum made
 * at rule install.
 */
#include "emu_test.h"

#define BURST 64

/* Sends BURST copies of f in on port 1; returns the port they all went out
 * on, or MISS when they all came back (anything else fails the test). */
static int burst_to(const struct frame *f)
{
	struct rte_mbuf *pkts[BURST];
	struct sink s = { .n = 0 };
	uint16_t back = send_n(1, f, pkts, BURST, BURST, &s);

	if (back == BURST) {
		assert_int_equal(s.n, 0);
		free_n(pkts, back);
		return MISS;
	}
	assert_int_equal(back, 0);
	assert_int_equal(s.n, BURST);
	int port = s.port[0];
	for (unsigned i = 0; i < s.n; i++)
		assert_int_equal(s.port[i], port);
	sink_clear(&s);
	return port;
}

static uint64_t cache_hits(void)
{
	uint64_t hits, misses;

	emu_switch_cache_stats(sw, &hits, &misses);
	return hits;
}

/* The rule pattern of the flow these tests send (port 1, both MACs). */
#define L2_PATTERN(name)                                                                           \
	struct rte_flow_item name[] = { PORT_ITEM(1),                                              \
		ITEM(ETH, ETH_MACS(mac(1, 1), mac(1, 2)), ETH_MACS_MASK), ITEM_END }

/* Destroyed: the next frames go to software, though the cache held them. */
void test_cache_destroy(void **state)
{
	struct rte_flow_action to2[] = { OUT(2), ACT(COUNT, NULL), ACT_END };
	L2_PATTERN(l2_pat);
	struct frame f;
	(void)state;

	l2_frame(&f, mac(1, 1), mac(1, 2));
	struct emu_rule *r = add(1, l2_pat, to2);
	assert_int_equal(burst_to(&f), 2);
	uint64_t before = cache_hits();
	assert_int_equal(burst_to(&f), 2);
	assert_true(cache_hits() >= before + BURST); /* carried by the cache */
	query(r, 0, 2 * BURST, 2 * BURST * f.len);
	assert_int_equal(emu_switch_rule_destroy(sw, r, NULL), 0);
	assert_int_equal(burst_to(&f), MISS);
	assert_int_equal(burst_to(&f), MISS); /* the miss cached, still a miss */
	assert_int_equal(send1(1, &f, NULL), MISS);
}

/* Outranked, replaced, then the miss cached before a rule came. */
void test_cache_replace(void **state)
{
	struct rte_flow_action to2[] = { OUT(2), ACT_END };
	struct rte_flow_action to3[] = { OUT(3), ACT_END };
	struct rte_flow_action to4[] = { OUT(4), ACT_END };
	L2_PATTERN(l2_pat);
	struct frame f;
	(void)state;

	l2_frame(&f, mac(1, 1), mac(1, 2));
	assert_int_equal(burst_to(&f), MISS);
	assert_int_equal(burst_to(&f), MISS);
	struct emu_rule *a = add(1, l2_pat, to2);
	assert_int_equal(burst_to(&f), 2);
	assert_int_equal(burst_to(&f), 2);
	struct emu_rule *b = add(0, l2_pat, to3); /* better priority, same key */
	assert_int_equal(burst_to(&f), 3);
	assert_int_equal(burst_to(&f), 3);
	assert_int_equal(emu_switch_rule_destroy(sw, b, NULL), 0);
	assert_int_equal(burst_to(&f), 2);
	assert_int_equal(emu_switch_rule_destroy(sw, a, NULL), 0);
	/* a new rule, perhaps at the freed one's address */
	add(5, l2_pat, to4);
	assert_int_equal(burst_to(&f), 4);
	assert_int_equal(burst_to(&f), 4);
	/* a broader rule in another mask table that outranks it */
	struct rte_flow_item any[] = { PORT_ITEM(1), ITEM(ETH, NULL, NULL), ITEM_END };
	add(0, any, to3);
	assert_int_equal(burst_to(&f), 3);
	emu_switch_flush(sw, NULL);
	assert_int_equal(burst_to(&f), MISS);
}

/* Fields no rule matches (here the UDP source port) do not split a flow:
 * after one burst, frames of other source ports are cache hits too. */
void test_cache_umask(void **state)
{
	struct rte_flow_action to2[] = { OUT(2), ACT_END };
	L2_PATTERN(l2_pat);
	struct rte_mbuf *pkts[BURST];
	struct sink s = { .n = 0 };
	struct frame f;
	(void)state;

	add(1, l2_pat, to2);
	for (unsigned round = 0; round < 2; round++) {
		uint64_t before = cache_hits();
		for (unsigned i = 0; i < BURST; i++) {
			frame_udp(&f, mac(1, 1), mac(1, 2), ip4(10, 0, 0, 1), ip4(10, 0, 0, 2),
					(uint16_t)(1000 + 64 * round + i), 2000);
			pkts[i] = mbuf_of(&f);
			assert_non_null(pkts[i]);
		}
		assert_int_equal(emu_switch_process(sw, 1, pkts, BURST, BURST, sink_out, &s), 0);
		assert_int_equal(s.n, BURST);
		sink_clear(&s);
		if (round == 1)
			assert_int_equal(cache_hits(), before + BURST);
	}
}

/* The outer IPv4 checksum, added up from the header's sum and the length:
 * the very 16 bits rte_ipv4_cksum() gives, for every length (a RAW_ENCAP
 * whose template carries a stale total length and odd header bytes). */
void test_encap_checksum(void **state)
{
	struct frame tmpl = { .len = 0 }, inner, out;
	(void)state;

	put_eth(&tmpl, mac(9, 1), UPLINK_MAC, RTE_ETHER_TYPE_IPV4);
	uint16_t ip = put_ipv4(&tmpl, ip4(203, 0, 113, 255), ip4(198, 51, 100, 7), IPPROTO_UDP);
	put_udp(&tmpl, 5555, 4341);
	struct rte_ipv4_hdr *h = (struct rte_ipv4_hdr *)&tmpl.b[ip];
	h->total_length = RTE_BE16(0x1234);
	h->packet_id = RTE_BE16(0xfedc);
	h->type_of_service = 0xb8;
	struct rte_flow_action_raw_encap conf = { .data = tmpl.b, .size = tmpl.len };
	struct rte_flow_item pat[] = { PORT_ITEM(3), ITEM(ETH, NULL, NULL), ITEM_END };
	struct rte_flow_action act[] = { ACT(RAW_ENCAP, &conf), OUT(0), ACT_END };

	add(1, pat, act);
	for (uint16_t n = 0; n + 64u + tmpl.len <= sizeof(out.b); n++) {
		inner.len = 0;
		put_eth(&inner, mac(7, 2), mac(7, 1), RTE_ETHER_TYPE_IPV4);
		put_payload(&inner, 46u + n, (uint8_t)n);
		assert_int_equal(send1(3, &inner, &out), 0);
		assert_int_equal(out.len, inner.len + tmpl.len);
		struct rte_ipv4_hdr *o = (struct rte_ipv4_hdr *)&out.b[ip];
		assert_int_equal(rte_be_to_cpu_16(o->total_length), out.len - ip);
		rte_be16_t got = o->hdr_checksum;
		o->hdr_checksum = 0;
		assert_int_equal(got, rte_ipv4_cksum(o));
	}
}
