/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the emulated e-switch (appliance/offload/emu_switch.h) with
 * hand-written rte_flow rules and hand-made frames. This file: the EAL and
 * mbuf pool, exact and masked matching as rte_flow defines it (NULL mask =
 * default mask, prefix and partial masks, "ETH / IPV4" = untagged), and
 * priorities. test_emu_switch_actions.c: what rules do to frames, byte for
 * byte. test_emu_switch_sample.c: SAMPLE and MARK. test_emu_switch_lisp.c:
 * the RAW item, LISP decap and encap. test_emu_switch_limits.c: lifecycle,
 * refusals, limits, scale.
 * test_emu_switch_rcu.c: deferred frees and a worker racing the control.
 * test_emu_switch_cache.c: the per-packet shortcuts (the exact-match cache
 * never outlives a change; the outer checksum added up).
 *
 *   port 1 (VF a) ---+                    +--- port 2 (VF b)
 *   port 3 (VF c) ---+-- emulated switch -+--- port 0 (uplink, VTEP 192.0.2.1)
 */
#include <stdlib.h>

#include "eal_fixture.h"
#include "emu_test.h"

struct rte_mempool *pool;
struct emu_switch *sw;
unsigned pool_avail;

static int emu_eal_init(void)
{
	if (unit_eal_init("emu_switch") < 0)
		return -1;
	pool = rte_pktmbuf_pool_create("emu_test", 4095, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
			SOCKET_ID_ANY);
	return pool == NULL ? -1 : 0;
}

static void emu_eal_cleanup(void)
{
	rte_mempool_free(pool);
	unit_eal_cleanup();
}

static void test_l2_exact(void **state)
{
	struct rte_flow_item pat[] = { PORT_ITEM(1),
		ITEM(ETH, ETH_MACS(mac(1, 1), mac(1, 2)), ETH_MACS_MASK), ITEM_END };
	struct rte_flow_action act[] = { OUT(2), ACT(COUNT, NULL), ACT_END };
	struct frame f, g, out;
	(void)state;

	add(1, pat, act);
	l2_frame(&f, mac(1, 1), mac(1, 2));
	assert_int_equal(send1(1, &f, &out), 2);
	assert_true(out.len == f.len && memcmp(out.b, f.b, f.len) == 0);
	assert_int_equal(send1(3, &f, NULL), MISS); /* other port */
	l2_frame(&g, mac(1, 1), mac(1, 3));
	assert_int_equal(send1(1, &g, NULL), MISS); /* other source */

	/* 100 frames, every other one a hit: misses stay in order, across the
	 * switch's 64-frame chunks. */
	struct rte_mbuf *pkts[100];
	struct sink s = { .n = 0 };
	for (unsigned i = 0; i < RTE_DIM(pkts); i++) {
		pkts[i] = mbuf_of(i % 2 ? &g : &f);
		pkts[i]->hash.usr = i;
	}
	assert_int_equal(emu_switch_process(sw, 1, pkts, 100, 100, sink_out, &s), 50);
	assert_int_equal(s.n, 50);
	for (unsigned i = 0; i < 50; i++) {
		assert_int_equal(pkts[i]->hash.usr, 2 * i + 1);
		assert_int_equal(s.m[i]->hash.usr, 2 * i);
		assert_int_equal(s.port[i], 2);
		rte_pktmbuf_free(pkts[i]);
	}
	sink_clear(&s);
}

static void test_masks(void **state)
{
	struct rte_flow_item_ipv4 ip = { .hdr.dst_addr = ip4(10, 1, 2, 0) };
	struct rte_flow_item_ipv4 ip_mask = { .hdr.dst_addr = ip4(255, 255, 255, 0) };
	struct rte_flow_item prefix[] = { PORT_ITEM(1), ITEM(ETH, NULL, NULL),
		ITEM(IPV4, &ip, &ip_mask), ITEM_END };
	/* spec bits outside the mask (the last two bytes) are ignored */
	struct rte_flow_item_eth oui = { .hdr.dst_addr = mac(0x12, 0x34) };
	struct rte_flow_item_eth oui_mask = { .hdr.dst_addr = { { 0xff, 0xff, 0xff, 0xff } } };
	struct rte_flow_item partial[] = { PORT_ITEM(3), ITEM(ETH, &oui, &oui_mask), ITEM_END };
	struct rte_flow_action to4[] = { OUT(4), ACT_END }, to5[] = { OUT(5), ACT_END };
	struct frame f;
	(void)state;

	add(1, prefix, to4);
	add(1, partial, to5);
	frame_udp(&f, mac(1, 1), mac(1, 2), ip4(10, 0, 0, 1), ip4(10, 1, 2, 77), 1, 2);
	assert_int_equal(send1(1, &f, NULL), 4);
	frame_udp(&f, mac(1, 1), mac(1, 2), ip4(10, 0, 0, 1), ip4(10, 1, 3, 1), 1, 2);
	assert_int_equal(send1(1, &f, NULL), MISS);
	/* "ETH / IPV4" is untagged IPv4 only (rte_flow.h) */
	f.len = 0;
	put_eth(&f, mac(1, 1), mac(1, 2), RTE_ETHER_TYPE_VLAN);
	put_vlan(&f, 10, RTE_ETHER_TYPE_IPV4);
	uint16_t o = put_ipv4(&f, ip4(10, 0, 0, 1), ip4(10, 1, 2, 77), IPPROTO_UDP);
	ipv4_finish(&f, o, -1);
	assert_int_equal(send1(1, &f, NULL), MISS);

	l2_frame(&f, (struct rte_ether_addr){ { 0x02, 0, 0, 0, 0xab, 0xcd } }, mac(1, 2));
	assert_int_equal(send1(3, &f, NULL), 5);
	l2_frame(&f, (struct rte_ether_addr){ { 0x02, 0, 0, 1, 0x12, 0x34 } }, mac(1, 2));
	assert_int_equal(send1(3, &f, NULL), MISS);
}

static void test_default_masks(void **state)
{
	/* NULL mask = the item's default: ETH matches MACs, not the type */
	struct rte_flow_item_eth eth = { .hdr = { .dst_addr = mac(3, 1),
							 .src_addr = mac(3, 2),
							 .ether_type = RTE_BE16(
									 RTE_ETHER_TYPE_ARP) } };
	struct rte_flow_item p1[] = { PORT_ITEM(1), ITEM(ETH, &eth, NULL), ITEM_END };
	/* VLAN: VID only (0x0fff), not the PCP */
	struct rte_flow_item_vlan vlan = { .hdr.vlan_tci = RTE_BE16(0xe064) };
	struct rte_flow_item p2[] = { PORT_ITEM(2), ITEM(ETH, NULL, NULL), ITEM(VLAN, &vlan, NULL),
		ITEM_END };
	/* IPV4: addresses only, so protocol and TOS in the spec do not count */
	struct rte_flow_item_ipv4 ip = { .hdr = { .src_addr = ip4(10, 0, 0, 1),
							 .dst_addr = ip4(10, 0, 0, 2),
							 .next_proto_id = IPPROTO_TCP,
							 .type_of_service = 0xff } };
	struct rte_flow_item p3[] = { PORT_ITEM(3), ITEM(ETH, NULL, NULL), ITEM(IPV4, &ip, NULL),
		ITEM_END };
	struct rte_flow_action to7[] = { OUT(7), ACT_END };
	struct frame f;
	(void)state;

	add(1, p1, to7);
	add(1, p2, to7);
	add(1, p3, to7);
	l2_frame(&f, mac(3, 1), mac(3, 2));
	assert_int_equal(send1(1, &f, NULL), 7);
	l2_frame(&f, mac(3, 1), mac(3, 3));
	assert_int_equal(send1(1, &f, NULL), MISS);
	assert_int_equal(send1(3, &f, NULL), 7); /* 10.0.0.1 -> 10.0.0.2, UDP */

	f.len = 0;
	put_eth(&f, mac(1, 1), mac(1, 2), RTE_ETHER_TYPE_VLAN);
	put_vlan(&f, 0x0064, RTE_ETHER_TYPE_ARP);
	put_payload(&f, 46, 0);
	assert_int_equal(send1(2, &f, NULL), 7);
	f.b[15] = 0x65; /* VID 101 */
	assert_int_equal(send1(2, &f, NULL), MISS);
	l2_frame(&f, mac(1, 1), mac(1, 2));
	assert_int_equal(send1(2, &f, NULL), MISS); /* untagged */
}

static void test_priorities(void **state)
{
	struct rte_flow_item_eth dst_only = { .hdr.dst_addr = mac(5, 1) };
	struct rte_flow_item broad[] = { PORT_ITEM(1),
		ITEM(ETH, &dst_only, (&(struct rte_flow_item_eth){ .hdr.dst_addr = MAC_FULL })),
		ITEM_END };
	struct rte_flow_item narrow[] = { PORT_ITEM(1),
		ITEM(ETH, ETH_MACS(mac(5, 1), mac(5, 2)), ETH_MACS_MASK), ITEM_END };
	struct rte_flow_action to5[] = { OUT(5), ACT_END }, to6[] = { OUT(6), ACT_END };
	struct rte_flow_action to7[] = { OUT(7), ACT_END };
	struct frame both, only_broad;
	(void)state;

	l2_frame(&both, mac(5, 1), mac(5, 2));
	l2_frame(&only_broad, mac(5, 1), mac(5, 3));
	/* the lower priority value wins, whatever the order of installation */
	struct emu_rule *b = add(5, broad, to5);
	struct emu_rule *n = add(1, narrow, to6);
	assert_int_equal(send1(1, &both, NULL), 6);
	assert_int_equal(send1(1, &only_broad, NULL), 5);
	emu_switch_rule_destroy(sw, b, NULL);
	emu_switch_rule_destroy(sw, n, NULL);
	n = add(1, narrow, to6);
	b = add(5, broad, to5);
	assert_int_equal(send1(1, &both, NULL), 6);
	/* equal priorities, different masks: the first installed */
	struct emu_rule *b2 = add(1, broad, to7);
	assert_int_equal(send1(1, &both, NULL), 6);
	assert_int_equal(send1(1, &only_broad, NULL), 7); /* same key as b, better */
	emu_switch_rule_destroy(sw, n, NULL);
	assert_int_equal(send1(1, &both, NULL), 7);
	/* same mask and key: priority, then first installed, and the next
	 * takes over when the winner goes */
	struct emu_rule *b0 = add(0, broad, to6);
	assert_int_equal(send1(1, &both, NULL), 6);
	emu_switch_rule_destroy(sw, b0, NULL);
	assert_int_equal(send1(1, &both, NULL), 7);
	struct emu_rule *b3 = add(1, broad, to5);
	assert_int_equal(send1(1, &both, NULL), 7);
	emu_switch_rule_destroy(sw, b2, NULL);
	assert_int_equal(send1(1, &both, NULL), 5);
	emu_switch_rule_destroy(sw, b3, NULL);
	assert_int_equal(send1(1, &both, NULL), 5); /* b, priority 5 */
	emu_switch_rule_destroy(sw, b, NULL);
	assert_int_equal(send1(1, &both, NULL), MISS);
	assert_int_equal(emu_switch_rule_count(sw), 0);
}

static int setup(void **state)
{
	(void)state;
	pool_avail = rte_mempool_avail_count(pool);
	sw = emu_switch_create("test", 1024, NULL);
	return sw == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	emu_switch_free(sw);
	sw = NULL;
	/* every frame was output, dropped or returned, and freed: no leak */
	return rte_mempool_avail_count(pool) == pool_avail ? 0 : -1;
}

static int group_setup(void **state)
{
	(void)state;
	return emu_eal_init();
}

static int group_teardown(void **state)
{
	(void)state;
	emu_eal_cleanup();
	return 0;
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
int main(void)
{
	const struct CMUnitTest tests[] = {
		T(test_l2_exact),
		T(test_masks),
		T(test_default_masks),
		T(test_priorities),
		T(test_vxlan_decap),
		T(test_vxlan_encap),
		T(test_gre_raw),
		T(test_vxlan6_decap),
		T(test_vxlan6_encap),
		T(test_gre6_raw),
		T(test_vlan),
		T(test_drop_and_representor),
		T(test_counters),
		T(test_sample_mirror),
		T(test_sample_position),
		T(test_sample_encap),
		T(test_sample_ratio),
		T(test_sample_representor),
		T(test_sample_cap),
		T(test_sample_refusals),
		T(test_mark),
		T(test_raw_lisp),
		T(test_lisp6_decap),
		T(test_raw_refusals),
		T(test_lisp_encap),
		T(test_raw_vxlan_coexist),
		T(test_cache_destroy),
		T(test_cache_replace),
		T(test_cache_umask),
		T(test_encap_checksum),
		T(test_destroy_flush),
		T(test_validation),
		T(test_capacity),
		T(test_mask_limit),
		T(test_rcu),
		T(test_concurrent),
		T(test_count_two_workers),
		T(test_many_rules),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
