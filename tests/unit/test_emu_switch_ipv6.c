/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Emulated e-switch tests of an IPv6 underlay, byte for byte: VXLAN decap
 * matched by the outer IPv6 source, destination and next header (each one
 * wrong is a miss, as is the same frame over IPv4), padding trimmed to the
 * payload length; VXLAN_ENCAP with an IPv6 definition (payload length, UDP
 * length, source port and flow label from the slow path's inner-flow hash,
 * the UDP checksum as given); GRE over IPv6 by RAW_ENCAP/RAW_DECAP.
 *
 *   VF (port 3) -- switch -- uplink (port 0, 2001:db8::1), remote 2001:db8::2
 */
#include "core/flow_hash.h"
#include "emu_test.h"

static const uint8_t local6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t remote6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
static const uint8_t other6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 3 };

static void vxlan6_frame(struct frame *f, const uint8_t src[16], const uint8_t dst[16],
		uint32_t vni, const struct frame *inner, size_t padding)
{
	f->len = 0;
	put_eth(f, UPLINK_MAC, mac(9, 8), RTE_ETHER_TYPE_IPV6);
	uint16_t ip = put_ipv6(f, src, dst, IPPROTO_UDP, 0x12345);
	uint16_t udp = put_udp(f, 50000, 4789);
	put_vxlan(f, vni);
	put(f, inner->b, inner->len);
	ipv6_finish(f, ip, udp);
	put(f, NULL, padding); /* after the IPv6 packet: not part of it */
}

/* uplink / eth dst us, 0x86DD / ipv6 remote->local next header UDP / udp 4789 /
 * vxlan vni / eth dst -> vxlan_decap / represented_port 3 / count */
static struct emu_rule *decap6_rule(uint32_t vni)
{
	struct rte_flow_item_eth eth = {
		.hdr = { .dst_addr = UPLINK_MAC, .ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV6) }
	};
	struct rte_flow_item_eth eth_mask = { .hdr = { .dst_addr = MAC_FULL,
							      .ether_type = RTE_BE16(0xffff) } };
	struct rte_flow_item_ipv6 ip = { .hdr.proto = IPPROTO_UDP };
	struct rte_flow_item_ipv6 ip_mask = { .hdr.proto = 0xff };
	memcpy(ip.hdr.src_addr, remote6, 16);
	memcpy(ip.hdr.dst_addr, local6, 16);
	memset(ip_mask.hdr.src_addr, 0xff, 16);
	memset(ip_mask.hdr.dst_addr, 0xff, 16);
	struct rte_flow_item_udp udp = { .hdr.dst_port = RTE_BE16(4789) };
	struct rte_flow_item_udp udp_mask = { .hdr.dst_port = RTE_BE16(0xffff) };
	struct rte_flow_item_vxlan vx = { .hdr.vx_vni = rte_cpu_to_be_32(vni << 8) };
	struct rte_flow_item pat[] = { PORT_ITEM(0), ITEM(ETH, &eth, &eth_mask),
		ITEM(IPV6, &ip, &ip_mask), ITEM(UDP, &udp, &udp_mask), ITEM(VXLAN, &vx, NULL),
		ITEM(ETH, ETH_MACS(mac(7, 1), mac(7, 2)), ETH_MACS_MASK), ITEM_END };
	struct rte_flow_action act[] = { ACT(VXLAN_DECAP, NULL), OUT(3), ACT(COUNT, NULL),
		ACT_END };
	return add(1, pat, act);
}

void test_vxlan6_decap(void **state)
{
	struct frame inner, f, out;
	(void)state;

	l2_frame(&inner, mac(7, 1), mac(7, 2));
	struct emu_rule *r = decap6_rule(42);
	vxlan6_frame(&f, remote6, local6, 42, &inner, 6);
	assert_int_equal(send1(0, &f, &out), 3);
	assert_int_equal(out.len, inner.len); /* 70 outer bytes off, the padding trimmed */
	assert_memory_equal(out.b, inner.b, inner.len);
	query(r, 1, 1, f.len);
	vxlan6_frame(&f, other6, local6, 42, &inner, 0); /* another VTEP */
	assert_int_equal(send1(0, &f, NULL), MISS);
	vxlan6_frame(&f, remote6, other6, 42, &inner, 0); /* not to us */
	assert_int_equal(send1(0, &f, NULL), MISS);
	vxlan6_frame(&f, remote6, local6, 43, &inner, 0); /* another VNI */
	assert_int_equal(send1(0, &f, NULL), MISS);
	vxlan6_frame(&f, remote6, local6, 42, &inner, 0);
	f.b[sizeof(struct rte_ether_hdr) + 6] = 60; /* a destination options header first */
	assert_int_equal(send1(0, &f, NULL), MISS);

	/* the same tunnel over IPv4: the IPV6 item wants an IPv6 header */
	f.len = 0;
	put_eth(&f, UPLINK_MAC, mac(9, 8), RTE_ETHER_TYPE_IPV4);
	uint16_t ip = put_ipv4(&f, REMOTE_IP, LOCAL_IP, IPPROTO_UDP);
	uint16_t udp = put_udp(&f, 50000, 4789);
	put_vxlan(&f, 42);
	put(&f, inner.b, inner.len);
	ipv4_finish(&f, ip, udp);
	assert_int_equal(send1(0, &f, NULL), MISS);
	query(r, 0, 0, 0); /* none of the misses counted */
}

/* ETH / IPV6 local->remote (flow label 0: the NIC's) / UDP 4789 / VXLAN 42. */
static struct emu_rule *encap6_rule(uint32_t label)
{
	struct rte_flow_item_eth o_eth = { .hdr = { .dst_addr = mac(9, 1),
							   .src_addr = UPLINK_MAC,
							   .ether_type = RTE_BE16(
									   RTE_ETHER_TYPE_IPV6) } };
	struct rte_flow_item_ipv6 o_ip = { .hdr = { .vtc_flow = rte_cpu_to_be_32(6u << 28 | label),
							   .proto = IPPROTO_UDP,
							   .hop_limits = 64 } };
	memcpy(o_ip.hdr.src_addr, local6, 16);
	memcpy(o_ip.hdr.dst_addr, remote6, 16);
	struct rte_flow_item_udp o_udp = { .hdr = { .dst_port = RTE_BE16(4789) } };
	struct rte_flow_item_vxlan o_vx = { .hdr = { .vx_flags = RTE_BE32(0x08000000),
							    .vx_vni = RTE_BE32(42 << 8) } };
	struct rte_flow_item def[] = { ITEM(ETH, &o_eth, NULL), ITEM(IPV6, &o_ip, NULL),
		ITEM(UDP, &o_udp, NULL), ITEM(VXLAN, &o_vx, NULL), ITEM_END };
	struct rte_flow_action_vxlan_encap conf = { .definition = def };
	struct rte_flow_item pat[] = { PORT_ITEM(3),
		ITEM(ETH, ETH_MACS(mac(7, 2), mac(7, 1)), NULL), ITEM_END };
	struct rte_flow_action act[] = { ACT(VXLAN_ENCAP, &conf), OUT(0), ACT(COUNT, NULL),
		ACT_END };
	return add(1, pat, act);
}

void test_vxlan6_encap(void **state)
{
	struct frame inner, want, out;
	(void)state;

	struct emu_rule *r = encap6_rule(0);
	frame_udp(&inner, mac(7, 2), mac(7, 1), ip4(10, 0, 0, 2), ip4(10, 0, 0, 1), 3333, 4444);
	struct rte_mbuf *m = mbuf_of(&inner);
	uint32_t hash = inner_flow_hash(m);
	rte_pktmbuf_free(m);
	/* what nfva's slow path emits for a udp6-zero-csum network */
	want.len = 0;
	put_eth(&want, mac(9, 1), UPLINK_MAC, RTE_ETHER_TYPE_IPV6);
	uint16_t ip = put_ipv6(&want, local6, remote6, IPPROTO_UDP, entropy_flow_label(hash));
	uint16_t udp = put_udp(&want, entropy_udp_port(hash), 4789);
	put_vxlan(&want, 42);
	put(&want, inner.b, inner.len);
	ipv6_finish(&want, ip, udp);

	assert_int_equal(send1(3, &inner, &out), 0);
	assert_int_equal(out.len, inner.len + 70);
	assert_memory_equal(out.b, want.b, want.len);
	assert_int_not_equal(rte_be_to_cpu_32(((struct rte_ipv6_hdr *)&out.b[ip])->vtc_flow) &
					RTE_IPV6_HDR_FL_MASK,
			0);
	assert_int_equal(out.b[udp + 6] | out.b[udp + 7], 0); /* the checksum as given: 0 */
	query(r, 0, 1, inner.len);

	/* a given flow label is kept */
	emu_switch_flush(sw, NULL);
	encap6_rule(0xabcde);
	assert_int_equal(send1(3, &inner, &out), 0);
	assert_int_equal(rte_be_to_cpu_32(((struct rte_ipv6_hdr *)&out.b[ip])->vtc_flow),
			6u << 28 | 0xabcde);
}

/* GRE (K, key 7) over IPv6: RAW_ENCAP of the 62 template bytes, RAW_DECAP of 62. */
void test_gre6_raw(void **state)
{
	struct frame tmpl, inner, want, out, f;
	(void)state;

	tmpl.len = 0;
	put_eth(&tmpl, mac(9, 1), UPLINK_MAC, RTE_ETHER_TYPE_IPV6);
	uint16_t ip = put_ipv6(&tmpl, local6, remote6, IPPROTO_GRE, 0);
	put_gre_key(&tmpl, 7);
	assert_int_equal(tmpl.len, 62);
	struct rte_flow_action_raw_encap enc = { .data = tmpl.b, .size = tmpl.len };
	struct rte_flow_item pat[] = { PORT_ITEM(3),
		ITEM(ETH, ETH_MACS(mac(7, 2), mac(7, 1)), NULL), ITEM_END };
	struct rte_flow_action act[] = { ACT(RAW_ENCAP, &enc), OUT(0), ACT_END };
	add(1, pat, act);
	l2_frame(&inner, mac(7, 2), mac(7, 1));
	struct rte_mbuf *m = mbuf_of(&inner);
	uint32_t hash = inner_flow_hash(m);
	rte_pktmbuf_free(m);
	want = tmpl;
	((struct rte_ipv6_hdr *)&want.b[ip])->vtc_flow =
			rte_cpu_to_be_32(6u << 28 | entropy_flow_label(hash));
	put(&want, inner.b, inner.len);
	ipv6_finish(&want, ip, -1);
	assert_int_equal(send1(3, &inner, &out), 0);
	assert_int_equal(out.len, want.len);
	assert_memory_equal(out.b, want.b, want.len);

	/* decap: uplink / eth / ipv6 remote->local GRE / gre / gre_key 7 -> raw_decap 62 */
	struct rte_flow_item_ipv6 dip = { .hdr.proto = IPPROTO_GRE };
	struct rte_flow_item_ipv6 dmask = { .hdr.proto = 0xff };
	memcpy(dip.hdr.src_addr, remote6, 16);
	memset(dmask.hdr.src_addr, 0xff, 16);
	rte_be32_t key = RTE_BE32(7);
	struct rte_flow_item dpat[] = { PORT_ITEM(0), ITEM(ETH, NULL, NULL),
		ITEM(IPV6, &dip, &dmask), ITEM(GRE, NULL, NULL), ITEM(GRE_KEY, &key, NULL),
		ITEM_END };
	struct rte_flow_action_raw_decap dec = { .size = 62 };
	struct rte_flow_action dact[] = { ACT(RAW_DECAP, &dec), OUT(3), ACT_END };
	add(1, dpat, dact);
	f.len = 0;
	put_eth(&f, UPLINK_MAC, mac(9, 1), RTE_ETHER_TYPE_IPV6);
	ip = put_ipv6(&f, remote6, local6, IPPROTO_GRE, 5);
	put_gre_key(&f, 7);
	put(&f, inner.b, inner.len);
	ipv6_finish(&f, ip, -1);
	put(&f, NULL, 4);
	assert_int_equal(send1(0, &f, &out), 3);
	assert_int_equal(out.len, inner.len);
	assert_memory_equal(out.b, inner.b, inner.len);
}
