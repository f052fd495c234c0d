/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Emulated e-switch tests of what executed rules do to frames, byte for
 * byte: VXLAN decap (exactly the 50 outer bytes) and encap (outer lengths,
 * checksum, UDP source port = the slow path's inner-flow entropy), GRE by
 * RAW_ENCAP/RAW_DECAP, VLAN push/pop/QinQ, drop, delivery to the
 * representor, and the COUNT counters.
 *
 *   VF (port 3, 02:00:00:00:07:02) -- switch -- uplink (port 0, VTEP 192.0.2.1)
 *                                               remote VTEP 192.0.2.2
 */
#include "core/flow_hash.h"
#include "emu_test.h"

/* A VXLAN frame from the remote VTEP to us around inner. */
static void vxlan_frame(struct frame *f, uint16_t dport, uint32_t vni, const struct frame *inner)
{
	f->len = 0;
	put_eth(f, UPLINK_MAC, mac(9, 8), RTE_ETHER_TYPE_IPV4);
	uint16_t ip = put_ipv4(f, REMOTE_IP, LOCAL_IP, IPPROTO_UDP);
	uint16_t udp = put_udp(f, 50000, dport);
	put_vxlan(f, vni);
	put(f, inner->b, inner->len);
	ipv4_finish(f, ip, udp);
}

/* uplink / eth dst us / ipv4 remote->local udp / udp dport / vxlan vni / eth dst
 *   -> vxlan_decap / represented_port out / count */
static struct emu_rule *decap_rule(uint16_t dport, uint32_t vni, uint16_t out)
{
	struct rte_flow_item_eth eth = {
		.hdr = { .dst_addr = UPLINK_MAC, .ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4) }
	};
	struct rte_flow_item_eth eth_mask = { .hdr = { .dst_addr = MAC_FULL,
							      .ether_type = RTE_BE16(0xffff) } };
	struct rte_flow_item_ipv4 ip = {
		.hdr = { .src_addr = REMOTE_IP, .dst_addr = LOCAL_IP, .next_proto_id = IPPROTO_UDP }
	};
	struct rte_flow_item_ipv4 ip_mask = { .hdr = { .src_addr = RTE_BE32(0xffffffff),
							      .dst_addr = RTE_BE32(0xffffffff),
							      .next_proto_id = 0xff } };
	struct rte_flow_item_udp udp = { .hdr.dst_port = rte_cpu_to_be_16(dport) };
	struct rte_flow_item_udp udp_mask = { .hdr.dst_port = RTE_BE16(0xffff) };
	struct rte_flow_item_vxlan vx = { .hdr.vx_vni = rte_cpu_to_be_32(vni << 8) };
	struct rte_flow_item_eth inner = { .hdr.dst_addr = mac(7, 1) };
	struct rte_flow_item pat[] = { PORT_ITEM(0), ITEM(ETH, &eth, &eth_mask),
		ITEM(IPV4, &ip, &ip_mask), ITEM(UDP, dport ? &udp : NULL, &udp_mask),
		ITEM(VXLAN, &vx, NULL),
		ITEM(ETH, &inner, (&(struct rte_flow_item_eth){ .hdr.dst_addr = MAC_FULL })),
		ITEM_END };
	struct rte_flow_action act[] = { ACT(VXLAN_DECAP, NULL), OUT(out), ACT(COUNT, NULL),
		ACT_END };
	return add(1, pat, act);
}

void test_vxlan_decap(void **state)
{
	struct frame inner, f, out;
	(void)state;

	l2_frame(&inner, mac(7, 1), mac(7, 2));
	struct emu_rule *r = decap_rule(0, 42, 3); /* UDP port left open: 4789 */
	vxlan_frame(&f, 4789, 42, &inner);
	assert_int_equal(send1(0, &f, &out), 3);
	assert_int_equal(f.len - out.len, 50);
	assert_memory_equal(out.b, inner.b, inner.len);
	query(r, 0, 1, f.len);
	vxlan_frame(&f, 4789, 43, &inner);
	assert_int_equal(send1(0, &f, NULL), MISS);
	vxlan_frame(&f, 8472, 42, &inner);
	assert_int_equal(send1(0, &f, NULL), MISS);
	l2_frame(&out, mac(7, 9), mac(7, 2));
	vxlan_frame(&f, 4789, 42, &out);
	assert_int_equal(send1(0, &f, NULL), MISS);

	/* another VXLAN port: frames to it are parsed as VXLAN while a rule uses it */
	struct emu_rule *r2 = decap_rule(8472, 7, 4);
	vxlan_frame(&f, 8472, 7, &inner);
	assert_int_equal(send1(0, &f, &out), 4);
	assert_memory_equal(out.b, inner.b, inner.len);
	emu_switch_rule_destroy(sw, r2, NULL);
	assert_int_equal(send1(0, &f, NULL), MISS);
}

void test_vxlan_encap(void **state)
{
	struct rte_flow_item_eth o_eth = { .hdr = { .dst_addr = mac(9, 1),
							   .src_addr = UPLINK_MAC,
							   .ether_type = RTE_BE16(
									   RTE_ETHER_TYPE_IPV4) } };
	struct rte_flow_item_ipv4 o_ip = { .hdr = { .version_ihl = RTE_IPV4_VHL_DEF,
							   .time_to_live = 64,
							   .next_proto_id = IPPROTO_UDP,
							   .src_addr = LOCAL_IP,
							   .dst_addr = REMOTE_IP } };
	struct rte_flow_item_udp o_udp = { .hdr = { .dst_port = RTE_BE16(4789) } };
	struct rte_flow_item_vxlan o_vx = { .hdr = { .vx_flags = RTE_BE32(0x08000000),
							    .vx_vni = RTE_BE32(42 << 8) } };
	struct rte_flow_item def[] = { ITEM(ETH, &o_eth, NULL), ITEM(IPV4, &o_ip, NULL),
		ITEM(UDP, &o_udp, NULL), ITEM(VXLAN, &o_vx, NULL), ITEM_END };
	struct rte_flow_action_vxlan_encap conf = { .definition = def };
	struct rte_flow_item pat[] = { PORT_ITEM(3),
		ITEM(ETH, ETH_MACS(mac(7, 2), mac(7, 1)), NULL), ITEM_END };
	struct rte_flow_action act[] = { ACT(VXLAN_ENCAP, &conf), OUT(0), ACT(COUNT, NULL),
		ACT_END };
	struct frame inner, want, out;
	(void)state;

	struct emu_rule *r = add(1, pat, act);
	frame_udp(&inner, mac(7, 2), mac(7, 1), ip4(10, 0, 0, 2), ip4(10, 0, 0, 1), 3333, 4444);
	struct rte_mbuf *m = mbuf_of(&inner);
	uint16_t sport = entropy_udp_port(inner_flow_hash(m));
	rte_pktmbuf_free(m);
	/* what a NIC (and nfva's slow path) emits */
	want.len = 0;
	put_eth(&want, mac(9, 1), UPLINK_MAC, RTE_ETHER_TYPE_IPV4);
	uint16_t ip = put_ipv4(&want, LOCAL_IP, REMOTE_IP, IPPROTO_UDP);
	uint16_t udp = put_udp(&want, sport, 4789);
	put_vxlan(&want, 42);
	put(&want, inner.b, inner.len);
	ipv4_finish(&want, ip, udp);

	assert_int_equal(send1(3, &inner, &out), 0);
	assert_int_equal(out.len, inner.len + 50);
	assert_memory_equal(out.b, want.b, want.len);
	assert_int_equal(rte_raw_cksum(&out.b[ip], sizeof(struct rte_ipv4_hdr)), 0xffff);
	assert_true(sport >= 49152);
	query(r, 0, 1, inner.len); /* bytes as received */

	/* a given source port is kept */
	emu_switch_flush(sw, NULL);
	o_udp.hdr.src_port = RTE_BE16(1234);
	add(1, pat, act);
	assert_int_equal(send1(3, &inner, &out), 0);
	assert_int_equal(out.b[udp] << 8 | out.b[udp + 1], 1234);
}

static void gre_template(struct frame *t, uint32_t key)
{
	t->len = 0;
	put_eth(t, mac(9, 1), UPLINK_MAC, RTE_ETHER_TYPE_IPV4);
	put_ipv4(t, LOCAL_IP, REMOTE_IP, IPPROTO_GRE); /* length and checksum: 0 */
	put_gre_key(t, key);
}

void test_gre_raw(void **state)
{
	struct frame tmpl, inner, want, out;
	(void)state;

	gre_template(&tmpl, 42);
	assert_int_equal(tmpl.len, 42);
	struct rte_flow_action_raw_encap enc = { .data = tmpl.b, .size = tmpl.len };
	struct rte_flow_item encap_pat[] = { PORT_ITEM(3),
		ITEM(ETH, ETH_MACS(mac(7, 2), mac(7, 1)), NULL), ITEM_END };
	struct rte_flow_action encap_act[] = { ACT(RAW_ENCAP, &enc), OUT(0), ACT_END };
	add(1, encap_pat, encap_act);

	struct rte_flow_item_gre gre = { .c_rsvd0_ver = RTE_BE16(0x2000),
		.protocol = RTE_BE16(0x6558) };
	struct rte_flow_item_gre gre_mask = { .c_rsvd0_ver = RTE_BE16(0xb000),
		.protocol = RTE_BE16(0xffff) };
	rte_be32_t key = RTE_BE32(42);
	struct rte_flow_item_ipv4 ip = { .hdr = { .src_addr = LOCAL_IP, .dst_addr = REMOTE_IP } };
	struct rte_flow_item decap_pat[] = { PORT_ITEM(0), ITEM(ETH, NULL, NULL),
		ITEM(IPV4, &ip, NULL), ITEM(GRE, &gre, &gre_mask), ITEM(GRE_KEY, &key, NULL),
		ITEM(ETH, (&(struct rte_flow_item_eth){ .hdr.dst_addr = mac(7, 2) }),
				(&(struct rte_flow_item_eth){ .hdr.dst_addr = MAC_FULL })),
		ITEM_END };
	struct rte_flow_action_raw_decap dec = { .size = 42 };
	struct rte_flow_action decap_act[] = { ACT(RAW_DECAP, &dec), OUT(1), ACT_END };
	add(1, decap_pat, decap_act);

	l2_frame(&inner, mac(7, 2), mac(7, 1));
	want = tmpl;
	put(&want, inner.b, inner.len);
	ipv4_finish(&want, sizeof(struct rte_ether_hdr), -1);
	assert_int_equal(send1(3, &inner, &out), 0);
	assert_int_equal(out.len, want.len);
	assert_memory_equal(out.b, want.b, want.len);

	/* what went out as GRE comes back in and is decapsulated */
	assert_int_equal(send1(0, &out, &inner), 1);
	assert_int_equal(inner.len, out.len - 42);
	assert_memory_equal(inner.b, &out.b[42], inner.len);
	gre_template(&want, 43);
	put(&want, inner.b, inner.len);
	assert_int_equal(send1(0, &want, NULL), MISS); /* other key */
}

void test_vlan(void **state)
{
	struct rte_flow_item_eth untagged = { .hdr = { .dst_addr = mac(2, 1),
							      .src_addr = mac(1, 1) },
		.has_vlan = 0 };
	struct rte_flow_item_eth untagged_mask = { .hdr = { .dst_addr = MAC_FULL,
								   .src_addr = MAC_FULL },
		.has_vlan = 1 };
	struct rte_flow_item push_pat[] = { PORT_ITEM(1), ITEM(ETH, &untagged, &untagged_mask),
		ITEM_END };
	struct rte_flow_action push_act[] = {
		ACT(OF_PUSH_VLAN,
				(&(struct rte_flow_action_of_push_vlan){
						.ethertype = RTE_BE16(0x8100) })),
		ACT(OF_SET_VLAN_VID,
				(&(struct rte_flow_action_of_set_vlan_vid){
						.vlan_vid = RTE_BE16(100) })),
		ACT(OF_SET_VLAN_PCP, (&(struct rte_flow_action_of_set_vlan_pcp){ .vlan_pcp = 3 })),
		OUT(2), ACT_END
	};
	struct rte_flow_item_vlan vid100 = { .hdr.vlan_tci = RTE_BE16(100) };
	struct rte_flow_item pop_pat[] = { PORT_ITEM(2), ITEM(ETH, NULL, NULL),
		ITEM(VLAN, &vid100, NULL), ITEM_END };
	struct rte_flow_action pop_act[] = { ACT(OF_POP_VLAN, NULL), OUT(1), ACT_END };
	struct rte_flow_item qinq_pat[] = { PORT_ITEM(3), ITEM(ETH, NULL, NULL),
		ITEM(VLAN, NULL, NULL), ITEM_END };
	struct rte_flow_action qinq_act[] = {
		ACT(OF_PUSH_VLAN,
				(&(struct rte_flow_action_of_push_vlan){
						.ethertype = RTE_BE16(0x88a8) })),
		OUT(4), ACT_END
	};
	struct frame f, tagged, out;
	(void)state;

	add(1, push_pat, push_act);
	add(1, pop_pat, pop_act);
	add(1, qinq_pat, qinq_act);
	l2_frame(&f, mac(2, 1), mac(1, 1));
	tagged.len = 0;
	put_eth(&tagged, mac(2, 1), mac(1, 1), RTE_ETHER_TYPE_VLAN);
	put_vlan(&tagged, 3 << 13 | 100, RTE_ETHER_TYPE_IPV4);
	put(&tagged, &f.b[14], f.len - 14u);
	assert_int_equal(send1(1, &f, &out), 2);
	assert_int_equal(out.len, tagged.len);
	assert_memory_equal(out.b, tagged.b, tagged.len);
	assert_int_equal(send1(1, &tagged, NULL), MISS); /* has_vlan 0 */
	assert_int_equal(send1(2, &tagged, &out), 1);
	assert_int_equal(out.len, f.len);
	assert_memory_equal(out.b, f.b, f.len);
	/* push without set: the new outer tag copies the TCI of the old one */
	assert_int_equal(send1(3, &tagged, &out), 4);
	assert_int_equal(out.len, tagged.len + 4);
	const uint8_t s_tag[] = { 0x88, 0xa8, 0x60, 0x64, 0x81, 0x00, 0x60, 0x64, 0x08, 0x00 };
	assert_memory_equal(&out.b[12], s_tag, sizeof(s_tag));
	assert_memory_equal(&out.b[22], &f.b[14], f.len - 14u);
}

void test_drop_and_representor(void **state)
{
	struct rte_flow_item drop_pat[] = { PORT_ITEM(1),
		ITEM(ETH, ETH_MACS(mac(6, 1), mac(6, 2)), NULL), ITEM_END };
	struct rte_flow_action drop_act[] = { ACT(COUNT, NULL), ACT(DROP, NULL), ACT_END };
	struct rte_flow_item rep_pat[] = { PORT_ITEM(2), ITEM(ETH, NULL, NULL), ITEM_END };
	struct rte_flow_action rep_act[] = {
		ACT(PORT_REPRESENTOR, (&(struct rte_flow_action_ethdev){ .port_id = 2 })),
		ACT(COUNT, NULL), ACT_END
	};
	struct frame f, out;
	(void)state;

	struct emu_rule *d = add(1, drop_pat, drop_act);
	struct emu_rule *r = add(1, rep_pat, rep_act);
	l2_frame(&f, mac(6, 1), mac(6, 2));
	assert_int_equal(send1(1, &f, NULL), DROPPED);
	assert_int_equal(rte_mempool_avail_count(pool), pool_avail);
	query(d, 0, 1, f.len);
	assert_int_equal(send1(2, &f, &out), MISS); /* delivered to the representor */
	assert_memory_equal(out.b, f.b, f.len);
	query(r, 0, 1, f.len);
}

void test_counters(void **state)
{
	struct rte_flow_item pat[] = { PORT_ITEM(1), ITEM(ETH, NULL, NULL), ITEM_END };
	struct rte_flow_action counted[] = { OUT(2), ACT(COUNT, NULL), ACT_END };
	struct rte_flow_item pat2[] = { PORT_ITEM(2), ITEM(ETH, NULL, NULL), ITEM_END };
	struct rte_flow_action plain[] = { OUT(1), ACT_END };
	struct rte_flow_query_count c = { 0 };
	struct rte_flow_error err = { 0 };
	struct frame f, big;
	(void)state;

	struct emu_rule *r = add(1, pat, counted);
	struct emu_rule *p = add(1, pat2, plain);
	l2_frame(&f, mac(1, 1), mac(1, 2));
	big = f;
	put_payload(&big, 36, 0);
	for (int i = 0; i < 3; i++)
		assert_int_equal(send1(1, &f, NULL), 2);
	assert_int_equal(send1(1, &big, NULL), 2);
	query(r, 1, 4, 3 * f.len + big.len); /* read and reset */
	query(r, 0, 0, 0);
	assert_int_equal(send1(1, &f, NULL), 2);
	query(r, 0, 1, f.len);
	assert_int_equal(emu_switch_rule_query(sw, p, &c, &err), -ENOTSUP);
	assert_int_equal(err.type, RTE_FLOW_ERROR_TYPE_ACTION);
}
