/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Emulated e-switch tests of the rule lifecycle and the edges: destroy and
 * flush, every refusal a PMD would make (with its rte_flow_error type and
 * errno), max_rules, the 32-mask limit, and 100,000 rules with the install rate, a lookup rate and
 * the memory used printed (never asserted: this is not a benchmark).
 */
#include <stdlib.h>
#include <time.h>

#include "emu_test.h"

static const struct rte_flow_item any_eth[] = { ITEM(ETH, NULL, NULL), ITEM_END };
static const struct rte_flow_action to1[] = { OUT(1), ACT_END };

static const struct rte_flow_item_ipv4 tos_spec = { .hdr.type_of_service = 4 };
static const struct rte_flow_item_ipv4 tos_mask = { .hdr.type_of_service = 0xff };
static const struct rte_flow_item_vlan more_vlan = { .has_more_vlan = 1 };
static const struct rte_flow_item_vxlan vx_flags = { .hdr.vx_flags = RTE_BE32(0xff000000) };
static const struct rte_flow_item_ethdev port1 = { .port_id = 1 };
static const struct rte_flow_action_ethdev out2 = { .port_id = 2 };
static const struct rte_flow_item_eth eth_spec = { .hdr.dst_addr = { { 2, 0, 0, 0, 0, 1 } } };
static const struct rte_flow_item_eth eth_last = { .hdr.dst_addr = { { 2, 0, 0, 0, 0, 9 } } };
static const struct rte_flow_action_raw_decap big_decap = { .size = 200 };
/* A byte table, as laid out here. */
/* clang-format off */
static const uint8_t gre_csum_hdr[38] = { [12] = 0x08, [14] = 0x45, [23] = IPPROTO_GRE,
	[34] = 0x80, [36] = 0x65, [37] = 0x58 };
/* clang-format on */
static const struct rte_flow_action_raw_encap gre_csum = { .data = (uint8_t *)gre_csum_hdr,
	.size = sizeof(gre_csum_hdr) };
static const struct rte_flow_item bad_def[] = { ITEM(ETH, &eth_spec, NULL),
	ITEM(IPV6, &(struct rte_flow_item_ipv6){ .hdr.proto = IPPROTO_TCP }, NULL),
	ITEM(UDP, &(struct rte_flow_item_udp){ .hdr.dst_port = 0 }, NULL),
	ITEM(VXLAN, &(struct rte_flow_item_vxlan){ .hdr.vx_vni = 0 }, NULL), ITEM_END };
static const struct rte_flow_item_ipv6 v6_label = { .hdr.vtc_flow = RTE_BE32(0xfffff) };
static const struct rte_flow_action_vxlan_encap bad_encap = {
	.definition = (struct rte_flow_item *)bad_def
};

struct refusal {
	const char *what;
	struct rte_flow_attr attr;
	struct rte_flow_item pattern[8];
	struct rte_flow_action actions[4];
	int err;
	enum rte_flow_error_type type;
};

#define TRANSFER                                                                                   \
	{                                                                                          \
		.transfer = 1                                                                      \
	}
static const struct refusal refusals[] = {
	{ "no transfer", { .ingress = 1 }, { ITEM(ETH, NULL, NULL), ITEM_END }, { OUT(1), ACT_END },
			ENOTSUP, RTE_FLOW_ERROR_TYPE_ATTR_TRANSFER },
	{ "group 1", { .transfer = 1, .group = 1 }, { ITEM_END }, { OUT(1), ACT_END }, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ATTR_GROUP },
	{ "priority 2^24", { .transfer = 1, .priority = 1u << 24 }, { ITEM_END },
			{ OUT(1), ACT_END }, ENOTSUP, RTE_FLOW_ERROR_TYPE_ATTR_PRIORITY },
	{ "item last", TRANSFER,
			{ { .type = RTE_FLOW_ITEM_TYPE_ETH, .spec = &eth_spec, .last = &eth_last },
					ITEM_END },
			{ OUT(1), ACT_END }, ENOTSUP, RTE_FLOW_ERROR_TYPE_ITEM_LAST },
	{ "TCP item", TRANSFER,
			{ ITEM(ETH, NULL, NULL), ITEM(IPV6, NULL, NULL), ITEM(TCP, NULL, NULL),
					ITEM_END },
			{ OUT(1), ACT_END }, ENOTSUP, RTE_FLOW_ERROR_TYPE_ITEM },
	{ "IPv6 flow label mask", TRANSFER, { ITEM(IPV6, &v6_label, &v6_label), ITEM_END },
			{ OUT(1), ACT_END }, ENOTSUP, RTE_FLOW_ERROR_TYPE_ITEM_MASK },
	{ "TOS mask", TRANSFER, { ITEM(IPV4, &tos_spec, &tos_mask), ITEM_END }, { OUT(1), ACT_END },
			ENOTSUP, RTE_FLOW_ERROR_TYPE_ITEM_MASK },
	{ "has_more_vlan", TRANSFER,
			{ ITEM(ETH, NULL, NULL), ITEM(VLAN, &more_vlan, &more_vlan), ITEM_END },
			{ OUT(1), ACT_END }, ENOTSUP, RTE_FLOW_ERROR_TYPE_ITEM_MASK },
	{ "VXLAN flags mask", TRANSFER,
			{ ITEM(IPV4, NULL, NULL), ITEM(UDP, NULL, NULL),
					ITEM(VXLAN, &vx_flags, &vx_flags), ITEM_END },
			{ OUT(1), ACT_END }, ENOTSUP, RTE_FLOW_ERROR_TYPE_ITEM_MASK },
	{ "UDP after ETH", TRANSFER, { ITEM(ETH, NULL, NULL), ITEM(UDP, NULL, NULL), ITEM_END },
			{ OUT(1), ACT_END }, ENOTSUP, RTE_FLOW_ERROR_TYPE_ITEM },
	{ "inner IPV4", TRANSFER,
			{ ITEM(IPV4, NULL, NULL), ITEM(UDP, NULL, NULL), ITEM(VXLAN, NULL, NULL),
					ITEM(ETH, NULL, NULL), ITEM(IPV4, NULL, NULL), ITEM_END },
			{ OUT(1), ACT_END }, ENOTSUP, RTE_FLOW_ERROR_TYPE_ITEM },
	{ "two ports", TRANSFER,
			{ ITEM(REPRESENTED_PORT, &port1, NULL),
					ITEM(REPRESENTED_PORT, &port1, NULL), ITEM_END },
			{ OUT(1), ACT_END }, ENOTSUP, RTE_FLOW_ERROR_TYPE_ITEM },
	{ "two fates", TRANSFER, { ITEM_END }, { OUT(1), ACT(DROP, NULL), ACT_END }, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ACTION },
	{ "no fate", TRANSFER, { ITEM_END }, { ACT(COUNT, NULL), ACT_END }, EINVAL,
			RTE_FLOW_ERROR_TYPE_ACTION_NUM },
	{ "QUEUE", TRANSFER, { ITEM_END },
			{ ACT(QUEUE, &(struct rte_flow_action_queue){ 1 }), OUT(1), ACT_END },
			ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION },
	{ "VXLAN_ENCAP IPv6 / TCP", TRANSFER, { ITEM_END },
			{ ACT(VXLAN_ENCAP, &bad_encap), OUT(1), ACT_END }, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ACTION_CONF },
	{ "RAW_DECAP 200", TRANSFER, { ITEM_END }, { ACT(RAW_DECAP, &big_decap), OUT(1), ACT_END },
			ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION_CONF },
	{ "RAW_ENCAP GRE csum", TRANSFER, { ITEM_END },
			{ ACT(RAW_ENCAP, &gre_csum), OUT(1), ACT_END }, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ACTION_CONF },
	{ "VXLAN_DECAP, no VXLAN", TRANSFER, { ITEM(ETH, NULL, NULL), ITEM_END },
			{ ACT(VXLAN_DECAP, NULL), OUT(1), ACT_END }, EINVAL,
			RTE_FLOW_ERROR_TYPE_ACTION },
	{ "representor of another port", TRANSFER,
			{ ITEM(REPRESENTED_PORT, &port1, NULL), ITEM_END },
			{ ACT(PORT_REPRESENTOR, &out2), ACT_END }, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ACTION_CONF },
};

void test_destroy_flush(void **state)
{
	struct frame f;
	size_t empty = emu_switch_memory(sw);
	(void)state;

	struct rte_flow_item pat[] = { PORT_ITEM(1),
		ITEM(ETH, ETH_MACS(mac(1, 1), mac(1, 2)), NULL), ITEM_END };
	struct rte_flow_action act[] = { OUT(2), ACT_END };
	struct emu_rule *r = add(1, pat, act);
	l2_frame(&f, mac(1, 1), mac(1, 2));
	assert_int_equal(send1(1, &f, NULL), 2);
	assert_true(emu_switch_memory(sw) > empty);
	assert_int_equal(emu_switch_rule_destroy(sw, r, NULL), 0);
	assert_int_equal(emu_switch_rule_count(sw), 0);
	assert_int_equal(send1(1, &f, NULL), MISS);
	for (uint8_t i = 0; i < 10; i++) {
		struct rte_flow_item p[] = { PORT_ITEM(i), ITEM(ETH, NULL, NULL), ITEM_END };
		add(i, p, act);
	}
	assert_int_equal(emu_switch_rule_count(sw), 10);
	assert_int_equal(send1(1, &f, NULL), 2);
	assert_int_equal(emu_switch_flush(sw, NULL), 0);
	assert_int_equal(emu_switch_rule_count(sw), 0);
	assert_int_equal(send1(1, &f, NULL), MISS);
	assert_int_equal(emu_switch_memory(sw), empty);
}

void test_validation(void **state)
{
	(void)state;
	for (unsigned i = 0; i < RTE_DIM(refusals); i++) {
		const struct refusal *t = &refusals[i];
		struct rte_flow_error err = { 0 };
		print_message("refused: %-28s ", t->what);
		rte_errno = 0;
		int ret = emu_switch_validate(sw, &t->attr, t->pattern, t->actions, &err);
		print_message("%s\n", err.message);
		assert_int_equal(ret, -t->err);
		assert_int_equal(rte_errno, t->err);
		assert_int_equal(err.type, t->type);
		assert_non_null(err.message);
		memset(&err, 0, sizeof(err));
		assert_null(emu_switch_rule_create(sw, &t->attr, t->pattern, t->actions, &err));
		assert_int_equal(rte_errno, t->err);
		assert_int_equal(err.type, t->type);
	}
	assert_int_equal(emu_switch_rule_count(sw), 0);
}

void test_capacity(void **state)
{
	struct rte_flow_error err = { 0 };
	struct rte_flow_attr attr = { .transfer = 1 };
	struct emu_switch *small = emu_switch_create("small", 4, NULL);
	(void)state;

	assert_non_null(small);
	for (int i = 0; i < 4; i++)
		assert_non_null(emu_switch_rule_create(small, &attr, any_eth, to1, &err));
	assert_null(emu_switch_rule_create(small, &attr, any_eth, to1, &err));
	assert_int_equal(rte_errno, ENOSPC);
	assert_int_equal(emu_switch_rule_count(small), 4);
	emu_switch_free(small);
}

/* 32 IPv4 prefix lengths are 32 masks; a 33rd mask fits once one empties. */
void test_mask_limit(void **state)
{
	struct rte_flow_item_ipv4 ip[32], ip_mask[32];
	struct rte_flow_item pat[32][2];
	struct emu_rule *r[32];
	struct rte_flow_error err = { 0 };
	struct rte_flow_attr attr = { .transfer = 1 };
	(void)state;

	for (unsigned i = 0; i < 32; i++) {
		ip[i] = (struct rte_flow_item_ipv4){ .hdr.dst_addr = ip4(10, 1, 2, 3) };
		ip_mask[i] = (struct rte_flow_item_ipv4){ .hdr.dst_addr = rte_cpu_to_be_32(
									  ~0u << (31 - i)) };
		pat[i][0] = (struct rte_flow_item)ITEM(IPV4, &ip[i], &ip_mask[i]);
		pat[i][1] = (struct rte_flow_item)ITEM_END;
		r[i] = add(1, pat[i], to1);
	}
	assert_null(emu_switch_rule_create(sw, &attr, any_eth, to1, &err));
	assert_int_equal(rte_errno, ENOSPC);
	assert_int_equal(err.type, RTE_FLOW_ERROR_TYPE_UNSPECIFIED);
	print_message("33rd mask: %s\n", err.message);
	/* a second rule on an existing mask is fine */
	ip[5].hdr.dst_addr = ip4(10, 9, 9, 9);
	add(1, pat[5], to1);
	emu_switch_rule_destroy(sw, r[0], NULL);
	add(1, any_eth, to1);
	assert_int_equal(emu_switch_rule_count(sw), 33);
}

/* CPU time: the figures stay meaningful on a loaded machine. */
static double since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

static struct rte_ether_addr nth_mac(uint32_t i)
{
	return (struct rte_ether_addr){ { 0x02, 0x10, (uint8_t)(i >> 24), (uint8_t)(i >> 16),
			(uint8_t)(i >> 8), (uint8_t)i } };
}

#define MANY_DEFAULT 100000
#define MANY_MAX 1000000 /* the switch below is created for 2^20 rules */
#define LOOKUP_ROUNDS 2000

/* Rules of test_many_rules: 100 000, or NFVA_EMU_RULES (the benchmark asks for
 * 1 M, with NFVA_UNIT_MEM_MB for the memory they need). */
static uint32_t many_rules(void)
{
	const char *s = getenv("NFVA_EMU_RULES");
	unsigned long n = s != NULL ? strtoul(s, NULL, 10) : MANY_DEFAULT;
	return n >= 1000 && n <= MANY_MAX ? (uint32_t)n : MANY_DEFAULT;
}
static uint32_t MANY = MANY_DEFAULT;

/* A burst of 64 frames to MANY destinations through the switch, repeatedly. */
static void lookup_rate(void)
{
	struct rte_mbuf *frames[64], *pkts[64];
	struct sink s = { .n = 0 };
	struct timespec t0;
	struct frame f;

	for (unsigned i = 0; i < 64; i++) {
		l2_frame(&f, nth_mac(i * 1559 % MANY), mac(1, 2));
		frames[i] = mbuf_of(&f);
	}
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	for (unsigned round = 0; round < LOOKUP_ROUNDS; round++) {
		memcpy(pkts, frames, sizeof(pkts));
		s.n = 0;
		assert_int_equal(emu_switch_process(sw, 1, pkts, 64, 64, sink_out, &s), 0);
	}
	double t = since(&t0);
	print_message("%u frames through %u rules: %.1f Mpps, %.1f ns/frame (CPU time)\n",
			64 * LOOKUP_ROUNDS, MANY, 64 * LOOKUP_ROUNDS / t / 1e6,
			t * 1e9 / (64 * LOOKUP_ROUNDS));
	for (unsigned i = 0; i < 64; i++)
		rte_pktmbuf_free(frames[i]);
}

void test_many_rules(void **state)
{
	struct rte_flow_item_eth eth = { 0 };
	struct rte_flow_item pat[] = { PORT_ITEM(1),
		ITEM(ETH, &eth, (&(struct rte_flow_item_eth){ .hdr.dst_addr = MAC_FULL })),
		ITEM_END };
	struct rte_flow_action act[] = { OUT(2), ACT(COUNT, NULL), ACT_END };
	struct rte_flow_attr attr = { .transfer = 1, .priority = 1 };
	struct emu_switch *plain = sw;
	struct timespec t0;
	struct frame f;
	(void)state;

	MANY = many_rules();
	sw = emu_switch_create("many", 1u << 20, NULL);
	assert_non_null(sw);
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	for (uint32_t i = 0; i < MANY; i++) {
		eth.hdr.dst_addr = nth_mac(i);
		if (emu_switch_rule_create(sw, &attr, pat, act, NULL) == NULL)
			fail_msg("rule %u refused", i);
	}
	double t = since(&t0);
	print_message("%u rules installed in %.3f s: %.0f rules/s, %.2f us per rule, "
		      "%.1f MiB (CPU time)\n",
			MANY, t, MANY / t, t * 1e6 / MANY,
			(double)emu_switch_memory(sw) / (1 << 20));
	assert_int_equal(emu_switch_rule_count(sw), MANY);
	for (uint32_t i = 0; i < MANY; i += 997) {
		l2_frame(&f, nth_mac(i), mac(1, 2));
		assert_int_equal(send1(1, &f, NULL), 2);
	}
	l2_frame(&f, nth_mac(MANY), mac(1, 2));
	assert_int_equal(send1(1, &f, NULL), MISS);
	lookup_rate();
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
	emu_switch_flush(sw, NULL);
	print_message("flushed in %.3f s (CPU time)\n", since(&t0));
	assert_int_equal(emu_switch_rule_count(sw), 0);
	emu_switch_free(sw);
	sw = plain;
}
