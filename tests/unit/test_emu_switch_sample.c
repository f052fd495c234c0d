/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Emulated e-switch tests of SAMPLE and MARK: copies byte for byte (the
 * frame as it is at the SAMPLE's place), a copy encapsulated in VXLAN, ratio
 * 1 in N, copies returned for the representor with their mark, the room
 * the caller gives (cap) and sample_drops, the counters of the copies, and
 * every refusal.
 *
 *   VF a (port 1) --+-- switch --+-- VF b (port 2)
 *                   |            +-- mirror collector (port 3)
 *                   +------------+-- uplink (port 0)
 */
#include "core/flow_hash.h"
#include "emu_test.h"

#define SAMPLE_OF(r, ...)                                                                          \
	ACT(SAMPLE,                                                                                \
			(&(struct rte_flow_action_sample){ .ratio = (r),                           \
					.actions = (struct rte_flow_action[]){ __VA_ARGS__,        \
							ACT_END } }))
#define MARK(v) ACT(MARK, (&(struct rte_flow_action_mark){ .id = (v) }))
#define TO_REPRESENTOR(p)                                                                          \
	ACT(PORT_REPRESENTOR, (&(struct rte_flow_action_ethdev){ .port_id = (p) }))

static const struct rte_flow_item from1[] = { PORT_ITEM(1), ITEM(ETH, NULL, NULL), ITEM_END };

static bool marked(const struct rte_mbuf *m, uint32_t id)
{
	uint64_t both = RTE_MBUF_F_RX_FDIR | RTE_MBUF_F_RX_FDIR_ID;

	return (m->ol_flags & both) == both && m->hash.fdir.hi == id;
}

/* The sink's frame sent to port, the only one there. */
static struct rte_mbuf *sent_to(const struct sink *s, uint16_t port)
{
	struct rte_mbuf *m = NULL;

	for (unsigned i = 0; i < s->n; i++)
		if (s->port[i] == port) {
			assert_null(m);
			m = s->m[i];
		}
	assert_non_null(m);
	return m;
}

static void query_sample(struct emu_rule *r, unsigned index, uint64_t hits, uint64_t bytes)
{
	struct rte_flow_query_count c = { 0 };

	assert_int_equal(emu_switch_rule_query_sample(sw, r, index, &c, NULL), 0);
	assert_int_equal(c.hits, hits);
	assert_int_equal(c.bytes, bytes);
}

void test_sample_mirror(void **state)
{
	struct rte_flow_action act[] = { SAMPLE_OF(1, ACT(COUNT, NULL), OUT(3)), OUT(2),
		ACT(COUNT, NULL), ACT_END };
	struct rte_flow_action uncounted[] = { SAMPLE_OF(1, OUT(3)), OUT(2), ACT_END };
	struct rte_flow_item from4[] = { PORT_ITEM(4), ITEM(ETH, NULL, NULL), ITEM_END };
	struct rte_flow_query_count c = { 0 };
	struct rte_flow_error err = { 0 };
	struct rte_mbuf *pkts[4];
	struct sink s = { .n = 0 };
	struct frame f, copy, orig;
	(void)state;

	struct emu_rule *r = add(1, from1, act);
	l2_frame(&f, mac(2, 1), mac(1, 1));
	assert_int_equal(send_n(1, &f, pkts, 1, 1, &s), 0);
	assert_int_equal(s.n, 2);
	frame_from(&copy, sent_to(&s, 3));
	frame_from(&orig, sent_to(&s, 2));
	assert_int_equal(copy.len, f.len);
	assert_memory_equal(copy.b, f.b, f.len);
	assert_memory_equal(orig.b, f.b, f.len);
	sink_clear(&s);
	assert_int_equal(send_n(1, &f, pkts, 3, 3, &s), 0);
	assert_int_equal(s.n, 6);
	sink_clear(&s);
	query(r, 0, 4, 4 * f.len);
	query_sample(r, 0, 4, 4 * f.len);
	query_sample(r, 0, 4, 4 * f.len);
	assert_int_equal(emu_switch_sample_drops(sw), 0);

	/* no second SAMPLE; a SAMPLE without COUNT */
	assert_int_equal(emu_switch_rule_query_sample(sw, r, 1, &c, &err), -EINVAL);
	struct emu_rule *u = add(1, from4, uncounted);
	assert_int_equal(emu_switch_rule_query_sample(sw, u, 0, &c, &err), -ENOTSUP);
	assert_int_equal(err.type, RTE_FLOW_ERROR_TYPE_ACTION);
	assert_int_equal(emu_switch_rule_query(sw, u, &c, &err), -ENOTSUP);
}

/* The copy sees the ops listed before its SAMPLE, not those after. */
void test_sample_position(void **state)
{
	const struct rte_flow_action_of_push_vlan push = { .ethertype = RTE_BE16(0x8100) };
	const struct rte_flow_action_of_set_vlan_vid vid100 = { .vlan_vid = RTE_BE16(100) };
	const struct rte_flow_action_of_set_vlan_vid vid200 = { .vlan_vid = RTE_BE16(200) };
	struct rte_flow_item from4[] = { PORT_ITEM(4), ITEM(ETH, NULL, NULL), ITEM_END };
	struct rte_flow_item from5[] = { PORT_ITEM(5), ITEM(ETH, NULL, NULL), ITEM_END };
	struct rte_flow_action first[] = { SAMPLE_OF(1, OUT(3)), ACT(OF_PUSH_VLAN, &push),
		ACT(OF_SET_VLAN_VID, &vid100), OUT(2), ACT_END };
	struct rte_flow_action after[] = { ACT(OF_PUSH_VLAN, &push), ACT(OF_SET_VLAN_VID, &vid100),
		SAMPLE_OF(1, OUT(3)), OUT(2), ACT_END };
	/* a VID set after the SAMPLE changes the pushed tag of the original only */
	struct rte_flow_action between[] = { ACT(OF_PUSH_VLAN, &push), SAMPLE_OF(1, OUT(3)),
		ACT(OF_SET_VLAN_VID, &vid200), OUT(2), ACT_END };
	struct rte_mbuf *pkts[1];
	struct sink s = { .n = 0 };
	struct frame f, tag100, tag0, tag200, out;
	(void)state;

	add(1, from1, first);
	add(1, from4, after);
	add(1, from5, between);
	l2_frame(&f, mac(2, 1), mac(1, 1));
	struct frame *tagged[] = { &tag0, &tag100, &tag200 };
	const uint16_t vid[] = { 0, 100, 200 };
	for (unsigned i = 0; i < 3; i++) {
		tagged[i]->len = 0;
		put_eth(tagged[i], mac(2, 1), mac(1, 1), RTE_ETHER_TYPE_VLAN);
		put_vlan(tagged[i], vid[i], RTE_ETHER_TYPE_IPV4);
		put(tagged[i], &f.b[14], f.len - 14u);
	}
	const struct {
		uint16_t in;
		const struct frame *copy, *orig;
	} cases[] = { { 1, &f, &tag100 }, { 4, &tag100, &tag100 }, { 5, &tag0, &tag200 } };
	for (unsigned i = 0; i < RTE_DIM(cases); i++) {
		assert_int_equal(send_n(cases[i].in, &f, pkts, 1, 1, &s), 0);
		frame_from(&out, sent_to(&s, 3));
		assert_int_equal(out.len, cases[i].copy->len);
		assert_memory_equal(out.b, cases[i].copy->b, out.len);
		frame_from(&out, sent_to(&s, 2));
		assert_int_equal(out.len, cases[i].orig->len);
		assert_memory_equal(out.b, cases[i].orig->b, out.len);
		sink_clear(&s);
	}
}

/* 50 bytes of VXLAN to the collector, UDP source port 0 (entropy). */
static void vxlan_template(struct frame *t)
{
	t->len = 0;
	put_eth(t, mac(9, 1), UPLINK_MAC, RTE_ETHER_TYPE_IPV4);
	put_ipv4(t, LOCAL_IP, REMOTE_IP, IPPROTO_UDP);
	put_udp(t, 0, 4789);
	put_vxlan(t, 7);
}

void test_sample_encap(void **state)
{
	struct frame tmpl, f, want, out;
	(void)state;

	vxlan_template(&tmpl);
	struct rte_flow_action_raw_encap enc = { .data = tmpl.b, .size = tmpl.len };
	struct rte_flow_action act[] = {
		SAMPLE_OF(1, ACT(RAW_ENCAP, &enc), ACT(COUNT, NULL), OUT(0)), OUT(2), ACT_END
	};
	struct rte_mbuf *pkts[1];
	struct sink s = { .n = 0 };

	struct emu_rule *r = add(1, from1, act);
	l2_frame(&f, mac(2, 1), mac(1, 1));
	struct rte_mbuf *m = mbuf_of(&f);
	uint16_t sport = entropy_udp_port(inner_flow_hash(m));
	rte_pktmbuf_free(m);
	want = tmpl;
	put(&want, f.b, f.len);
	memcpy(&want.b[34], &(rte_be16_t){ rte_cpu_to_be_16(sport) }, 2);
	ipv4_finish(&want, 14, 34);

	assert_int_equal(send_n(1, &f, pkts, 1, 1, &s), 0);
	frame_from(&out, sent_to(&s, 0));
	assert_int_equal(out.len, want.len);
	assert_memory_equal(out.b, want.b, want.len);
	assert_int_equal(rte_raw_cksum(&out.b[14], sizeof(struct rte_ipv4_hdr)), 0xffff);
	frame_from(&out, sent_to(&s, 2));
	assert_int_equal(out.len, f.len);
	assert_memory_equal(out.b, f.b, f.len);
	sink_clear(&s);
	query_sample(r, 0, 1, f.len); /* as copied, before its encap */
}

void test_sample_ratio(void **state)
{
	struct rte_flow_action act[] = { SAMPLE_OF(4, ACT(COUNT, NULL), OUT(3)), OUT(2),
		ACT(COUNT, NULL), ACT_END };
	struct rte_mbuf *pkts[100];
	struct sink s = { .n = 0 };
	struct frame f;
	(void)state;

	struct emu_rule *r = add(1, from1, act);
	l2_frame(&f, mac(2, 1), mac(1, 1));
	assert_int_equal(send_n(1, &f, pkts, 100, 100, &s), 0);
	unsigned copies = 0, originals = 0;
	for (unsigned i = 0; i < s.n; i++) {
		copies += s.port[i] == 3;
		originals += s.port[i] == 2;
		/* the 1st, 5th, 9th ... frame: its copy comes just before it */
		if (s.port[i] == 3)
			assert_int_equal(s.m[i + 1]->hash.usr % 4, 0);
	}
	assert_int_equal(copies, 25);
	assert_int_equal(originals, 100);
	sink_clear(&s);
	query(r, 0, 100, 100 * f.len);
	query_sample(r, 0, 25, 25 * f.len);
}

/* Copies for the representor come back with the misses, marked. */
void test_sample_representor(void **state)
{
	struct rte_flow_action act[] = { SAMPLE_OF(1, MARK(77), TO_REPRESENTOR(1)), OUT(2),
		ACT_END };
	struct rte_flow_item only_hit[] = { PORT_ITEM(1),
		ITEM(ETH, ETH_MACS(mac(2, 1), mac(1, 1)), NULL), ITEM_END };
	struct rte_mbuf *pkts[8];
	struct sink s = { .n = 0 };
	struct frame hit, miss, out;
	(void)state;

	add(1, only_hit, act);
	l2_frame(&hit, mac(2, 1), mac(1, 1));
	l2_frame(&miss, mac(2, 9), mac(1, 1));
	assert_int_equal(send_n(1, &hit, pkts, 1, 1, &s), 1);
	assert_true(marked(pkts[0], 77));
	frame_from(&out, pkts[0]);
	assert_memory_equal(out.b, hit.b, hit.len);
	assert_false(sent_to(&s, 2)->ol_flags & RTE_MBUF_F_RX_FDIR);
	free_n(pkts, 1);
	sink_clear(&s);

	/* miss, hit, miss, hit: the misses first and in order, then the copies */
	for (uint16_t i = 0; i < 4; i++) {
		pkts[i] = mbuf_of(i % 2 ? &hit : &miss);
		pkts[i]->hash.usr = i;
	}
	assert_int_equal(emu_switch_process(sw, 1, pkts, 4, 8, sink_out, &s), 4);
	assert_int_equal(pkts[0]->hash.usr, 0);
	assert_int_equal(pkts[1]->hash.usr, 2);
	assert_false(pkts[0]->ol_flags & RTE_MBUF_F_RX_FDIR);
	assert_true(marked(pkts[2], 77) && marked(pkts[3], 77));
	assert_int_equal(s.n, 2);
	free_n(pkts, 4);
	sink_clear(&s);
	assert_int_equal(emu_switch_sample_drops(sw), 0);
}

/* No room in pkts for a copy: freed, counted; the frames themselves fit. */
void test_sample_cap(void **state)
{
	struct rte_flow_action to_rep[] = { SAMPLE_OF(1, MARK(5), TO_REPRESENTOR(1)),
		TO_REPRESENTOR(1), ACT_END };
	struct rte_flow_item from4[] = { PORT_ITEM(4), ITEM(ETH, NULL, NULL), ITEM_END };
	struct rte_flow_action to_port[] = { SAMPLE_OF(1, MARK(6), TO_REPRESENTOR(4)), OUT(2),
		ACT_END };
	struct rte_mbuf *pkts[4];
	struct sink s = { .n = 0 };
	struct frame f;
	(void)state;

	add(1, from1, to_rep);
	add(1, from4, to_port);
	l2_frame(&f, mac(2, 1), mac(1, 1));
	assert_int_equal(send_n(1, &f, pkts, 1, 1, &s), 1);
	assert_false(marked(pkts[0], 5)); /* the frame, not its copy */
	assert_int_equal(emu_switch_sample_drops(sw), 1);
	free_n(pkts, 1);
	assert_int_equal(send_n(1, &f, pkts, 2, 3, &s), 3);
	assert_int_equal(pkts[0]->hash.usr, 0);
	assert_int_equal(pkts[1]->hash.usr, 1);
	assert_true(marked(pkts[2], 5));
	assert_int_equal(emu_switch_sample_drops(sw), 2);
	free_n(pkts, 3);
	/* the frame went out: its slot takes the copy */
	assert_int_equal(send_n(4, &f, pkts, 1, 1, &s), 1);
	assert_true(marked(pkts[0], 6));
	assert_int_equal(s.n, 1);
	free_n(pkts, 1);
	sink_clear(&s);
	assert_int_equal(emu_switch_sample_drops(sw), 2);
}

/* A byte table, as laid out here. */
/* clang-format off */
static const uint8_t vx_hdr[50] = { [12] = 0x08, [14] = 0x45, [23] = IPPROTO_UDP, [36] = 0x12,
	[37] = 0xb5, [42] = 0x08 };
/* clang-format on */
static const struct rte_flow_action_raw_encap vx_encap = { .data = (uint8_t *)vx_hdr,
	.size = sizeof(vx_hdr) };

struct sample_refusal {
	const char *what;
	struct rte_flow_action actions[6];
	int err;
	enum rte_flow_error_type type;
	const char *msg; /* in err.message */
};

static const struct sample_refusal refusals[] = {
	{ "ratio 0", { SAMPLE_OF(0, OUT(3)), OUT(2), ACT_END }, EINVAL,
			RTE_FLOW_ERROR_TYPE_ACTION_CONF, "ratio" },
	{ "no fate", { SAMPLE_OF(1, ACT(COUNT, NULL)), OUT(2), ACT_END }, EINVAL,
			RTE_FLOW_ERROR_TYPE_ACTION_CONF, "no fate" },
	{ "two fates", { SAMPLE_OF(1, OUT(3), TO_REPRESENTOR(1)), OUT(2), ACT_END }, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ACTION, "more than one fate" },
	{ "three samples",
			{ SAMPLE_OF(1, OUT(3)), SAMPLE_OF(2, OUT(3)), SAMPLE_OF(3, OUT(3)), OUT(2),
					ACT_END },
			ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, "more than 2 SAMPLE" },
	{ "DROP in a sample", { SAMPLE_OF(1, ACT(DROP, NULL)), OUT(2), ACT_END }, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ACTION,
			"action DROP is not supported in a sample list" },
	{ "VLAN pop in a sample", { SAMPLE_OF(1, ACT(OF_POP_VLAN, NULL), OUT(3)), OUT(2), ACT_END },
			ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, "OF_POP_VLAN" },
	{ "two encaps",
			{ SAMPLE_OF(1, ACT(RAW_ENCAP, &vx_encap), ACT(RAW_ENCAP, &vx_encap),
					  OUT(3)),
					OUT(2), ACT_END },
			ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, "encap" },
	{ "two marks", { SAMPLE_OF(1, MARK(1), MARK(2), OUT(3)), OUT(2), ACT_END }, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ACTION, "MARK" },
	{ "other representor", { SAMPLE_OF(1, TO_REPRESENTOR(2)), OUT(2), ACT_END }, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ACTION_CONF, "ingress" },
	{ "two marks in the rule", { MARK(1), MARK(2), OUT(2), ACT_END }, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ACTION, "MARK" },
	{ "MARK without id", { ACT(MARK, NULL), OUT(2), ACT_END }, EINVAL,
			RTE_FLOW_ERROR_TYPE_ACTION, "configuration" },
};

void test_sample_refusals(void **state)
{
	struct rte_flow_attr attr = { .transfer = 1 };
	(void)state;

	for (unsigned i = 0; i < RTE_DIM(refusals); i++) {
		const struct sample_refusal *t = &refusals[i];
		struct rte_flow_error err = { 0 };
		print_message("refused: %-24s ", t->what);
		int ret = emu_switch_validate(sw, &attr, from1, t->actions, &err);
		print_message("%s\n", err.message);
		assert_int_equal(ret, -t->err);
		assert_int_equal(err.type, t->type);
		assert_non_null(strstr(err.message, t->msg));
		assert_null(emu_switch_rule_create(sw, &attr, from1, t->actions, &err));
		assert_int_equal(rte_errno, t->err);
	}
	assert_int_equal(emu_switch_rule_count(sw), 0);
}

void test_mark(void **state)
{
	struct rte_flow_action out_marked[] = { MARK(0xabcdef), OUT(2), ACT_END };
	struct rte_flow_item from4[] = { PORT_ITEM(4), ITEM(ETH, NULL, NULL), ITEM_END };
	struct rte_flow_action rep_marked[] = { TO_REPRESENTOR(4), MARK(9), ACT(COUNT, NULL),
		ACT_END };
	struct rte_mbuf *pkts[1];
	struct sink s = { .n = 0 };
	struct frame f, out;
	(void)state;

	add(1, from1, out_marked);
	struct emu_rule *r = add(1, from4, rep_marked);
	l2_frame(&f, mac(2, 1), mac(1, 1));
	assert_int_equal(send_n(1, &f, pkts, 1, 1, &s), 0);
	assert_true(marked(sent_to(&s, 2), 0xabcdef));
	frame_from(&out, s.m[0]);
	assert_memory_equal(out.b, f.b, f.len);
	sink_clear(&s);
	assert_int_equal(send_n(4, &f, pkts, 1, 1, &s), 1);
	assert_true(marked(pkts[0], 9));
	free_n(pkts, 1);
	query(r, 0, 1, f.len);
}
