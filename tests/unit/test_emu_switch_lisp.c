/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Emulated e-switch tests of LISP as rte_flow 22.11 can say it: decap by a
 * RAW item on the UDP payload (instance ID in the LISP header, inner IPv4
 * destination) with RAW_DECAP 50 + RAW_ENCAP 14, encap by RAW_DECAP 14 +
 * RAW_ENCAP 50 with the slow path's entropy (ip_flow_hash), the RAW item's
 * refusals, and RAW and VXLAN rules side by side on other UDP ports. Over
 * an IPv6 underlay (lisp6-decap): the same RAW item after IPV6 / UDP,
 * RAW_DECAP 70.
 *
 *   EID host (port 1, 02:00:00:00:07:01) -- switch -- uplink (port 0, RLOC 192.0.2.1
 *                                                      or 2001:db8::1)
 *                                                      remote RLOC 192.0.2.2 or 2001:db8::2
 */
#include "core/flow_hash.h"
#include "emu_test.h"

#define LISP_PORT 4341
#define IID 0x00002a
#define EID_SRC ip4(10, 1, 0, 1)
#define EID_DST ip4(10, 2, 0, 2)

static void put_lisp(struct frame *f, uint32_t iid)
{
	const uint8_t h[8] = { 0x88, 0x11, 0x22, 0x33, (uint8_t)(iid >> 16), (uint8_t)(iid >> 8),
		(uint8_t)iid, 0 };
	put(f, h, sizeof(h));
}

/* An inner IPv4/UDP packet with n bytes of payload. */
static void put_inner(struct frame *f, uint32_t dst, size_t n)
{
	uint16_t ip = put_ipv4(f, EID_SRC, dst, IPPROTO_UDP);
	uint16_t udp = put_udp(f, 1111, 2222);
	put_payload(f, n, 0x30);
	struct rte_ipv4_hdr *h = (struct rte_ipv4_hdr *)&f->b[ip];
	h->total_length = rte_cpu_to_be_16(f->len - ip);
	h->hdr_checksum = rte_ipv4_cksum(h);
	((struct rte_udp_hdr *)&f->b[udp])->dgram_len = rte_cpu_to_be_16(f->len - udp);
}

/* RLOC to RLOC, UDP to 4341, LISP with iid, then the inner packet. */
static void lisp_frame(struct frame *f, uint32_t iid, uint32_t dst)
{
	f->len = 0;
	put_eth(f, UPLINK_MAC, mac(9, 8), RTE_ETHER_TYPE_IPV4);
	uint16_t ip = put_ipv4(f, REMOTE_IP, LOCAL_IP, IPPROTO_UDP);
	uint16_t udp = put_udp(f, 50001, LISP_PORT);
	put_lisp(f, iid);
	put_inner(f, dst, 10);
	ipv4_finish(f, ip, udp);
}

static const uint8_t local6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t remote6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 };
static const uint8_t other6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 3 };

/* The same over IPv6 from src to dst, next header nh; pad bytes after the
 * IPv6 packet (not part of it). */
static void lisp6_frame(struct frame *f, const uint8_t src[16], const uint8_t dst[16], uint8_t nh,
		uint32_t iid, uint32_t eid, size_t pad)
{
	f->len = 0;
	put_eth(f, UPLINK_MAC, mac(9, 8), RTE_ETHER_TYPE_IPV6);
	uint16_t ip = put_ipv6(f, src, dst, nh, 0x54321);
	uint16_t udp = put_udp(f, 50001, LISP_PORT);
	put_lisp(f, iid);
	put_inner(f, eid, 10);
	ipv6_finish(f, ip, udp);
	put(f, NULL, pad);
}

/* The RAW item: IID (payload 4-6) and inner destination (payload 24-27). */
static struct {
	uint8_t spec[28];
	uint8_t mask[28];
	struct rte_flow_item_raw raw, raw_mask;
	struct rte_flow_item_udp udp, udp_mask;
	struct rte_flow_item_ipv6 ip6, ip6_mask;
	struct rte_flow_item_ethdev port; /* outlives the call, unlike PORT_ITEM's literal */
	struct rte_flow_item pat[6];
} lisp_match;

/* Over IPv4 (any addresses), or over IPv6 when ipv6: remote6 -> local6,
 * next header UDP (kind_lisp.c's lisp6-decap). */
static const struct rte_flow_item *lisp_pattern_over(bool ipv6, uint16_t port, uint32_t iid,
		uint32_t dst)
{
	typeof(lisp_match) *l = &lisp_match;

	memset(l, 0, sizeof(*l));
	l->ip6.hdr.proto = IPPROTO_UDP;
	l->ip6_mask.hdr.proto = 0xff;
	memcpy(l->ip6.hdr.src_addr, remote6, 16);
	memcpy(l->ip6.hdr.dst_addr, local6, 16);
	memset(l->ip6_mask.hdr.src_addr, 0xff, 16);
	memset(l->ip6_mask.hdr.dst_addr, 0xff, 16);
	l->spec[4] = (uint8_t)(iid >> 16);
	l->spec[5] = (uint8_t)(iid >> 8);
	l->spec[6] = (uint8_t)iid;
	memcpy(&l->spec[24], &dst, 4);
	memset(&l->mask[4], 0xff, 3);
	memset(&l->mask[24], 0xff, 4);
	l->raw = (struct rte_flow_item_raw){ .relative = 1, .length = 28, .pattern = l->spec };
	l->raw_mask = (struct rte_flow_item_raw){ .pattern = l->mask };
	l->udp.hdr.dst_port = rte_cpu_to_be_16(port);
	l->udp_mask.hdr.dst_port = RTE_BE16(0xffff);
	l->port.port_id = 0;
	const struct rte_flow_item pat[] = { ITEM(REPRESENTED_PORT, &l->port, NULL),
		ITEM(ETH, NULL, NULL), ITEM(IPV4, NULL, NULL), ITEM(UDP, &l->udp, &l->udp_mask),
		ITEM(RAW, &l->raw, &l->raw_mask), ITEM_END };
	const struct rte_flow_item ip6 = ITEM(IPV6, &l->ip6, &l->ip6_mask);
	memcpy(l->pat, pat, sizeof(pat));
	if (ipv6)
		l->pat[2] = ip6;
	return l->pat;
}

static const struct rte_flow_item *lisp_pattern(uint16_t port, uint32_t iid, uint32_t dst)
{
	return lisp_pattern_over(false, port, iid, dst);
}

static const struct rte_ether_hdr eid_eth = { .dst_addr = { { 2, 0, 0, 0, 7, 1 } },
	.src_addr = { { 2, 0, 0, 0, 7, 9 } },
	.ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4) };
static const struct rte_flow_action_raw_decap decap50 = { .size = 50 };
static const struct rte_flow_action_raw_encap encap14 = { .data = (uint8_t *)&eid_eth,
	.size = sizeof(eid_eth) };
static const struct rte_flow_action decap_act[] = { ACT(RAW_DECAP, &decap50),
	ACT(RAW_ENCAP, &encap14), OUT(1), ACT(COUNT, NULL), ACT_END };

void test_raw_lisp(void **state)
{
	struct frame f, out, inner;
	(void)state;

	struct emu_rule *r = add(1, lisp_pattern(LISP_PORT, IID, EID_DST), decap_act);
	lisp_frame(&f, IID, EID_DST);
	inner.len = 0;
	put(&inner, &eid_eth, sizeof(eid_eth));
	put(&inner, &f.b[50], f.len - 50u);
	assert_int_equal(send1(0, &f, &out), 1);
	assert_int_equal(out.len, inner.len);
	assert_memory_equal(out.b, inner.b, inner.len);
	query(r, 0, 1, f.len);

	lisp_frame(&f, IID + 1, EID_DST);
	assert_int_equal(send1(0, &f, NULL), MISS); /* other instance */
	lisp_frame(&f, IID, ip4(10, 2, 0, 3));
	assert_int_equal(send1(0, &f, NULL), MISS); /* other EID */
	lisp_frame(&f, IID, EID_DST);
	f.b[50 + 12] ^= 1; /* inner source: not matched */
	f.b[42 + 1] ^= 1;  /* nonce: not matched */
	assert_int_equal(send1(0, &f, NULL), 1);
	f.len = 42 + 27; /* 27 bytes of UDP payload */
	assert_int_equal(send1(0, &f, NULL), MISS);
}

static const struct rte_flow_action_raw_decap decap70 = { .size = 70 };
static const struct rte_flow_action decap6_act[] = { ACT(RAW_DECAP, &decap70),
	ACT(RAW_ENCAP, &encap14), OUT(1), ACT(COUNT, NULL), ACT_END };

/* lisp6-decap: 70 outer bytes off (Ethernet, IPv6, UDP, LISP), the padding
 * after the IPv6 packet trimmed, the Ethernet header of the EID on; the
 * outer source, destination, next header, the instance ID and the inner
 * destination matched. */
void test_lisp6_decap(void **state)
{
	struct frame f, out, inner;
	(void)state;

	struct emu_rule *r = add(1, lisp_pattern_over(true, LISP_PORT, IID, EID_DST), decap6_act);
	lisp6_frame(&f, remote6, local6, IPPROTO_UDP, IID, EID_DST, 6);
	inner.len = 0;
	put(&inner, &eid_eth, sizeof(eid_eth));
	put(&inner, &f.b[70], f.len - 70u - 6u);
	assert_int_equal(send1(0, &f, &out), 1);
	assert_int_equal(out.len, inner.len);
	assert_memory_equal(out.b, inner.b, inner.len);
	query(r, 1, 1, f.len);

	lisp6_frame(&f, other6, local6, IPPROTO_UDP, IID, EID_DST, 0); /* another RLOC */
	assert_int_equal(send1(0, &f, NULL), MISS);
	lisp6_frame(&f, remote6, other6, IPPROTO_UDP, IID, EID_DST, 0); /* not to us */
	assert_int_equal(send1(0, &f, NULL), MISS);
	lisp6_frame(&f, remote6, local6, IPPROTO_UDP, IID + 1, EID_DST, 0); /* other instance */
	assert_int_equal(send1(0, &f, NULL), MISS);
	lisp6_frame(&f, remote6, local6, IPPROTO_UDP, IID, ip4(10, 2, 0, 3), 0); /* other EID */
	assert_int_equal(send1(0, &f, NULL), MISS);
	lisp6_frame(&f, remote6, local6, 60, IID, EID_DST, 0); /* an extension header first */
	assert_int_equal(send1(0, &f, NULL), MISS);
	lisp_frame(&f, IID, EID_DST); /* the same over IPv4 */
	assert_int_equal(send1(0, &f, NULL), MISS);
	query(r, 0, 0, 0); /* none of the misses counted */
}

struct raw_refusal {
	const char *what;
	struct rte_flow_item_raw raw;
	bool udp_port; /* the UDP item gives the port exactly */
	int err;
	enum rte_flow_error_type type;
};

static uint8_t any28[28], ttl_mask[28] = { [16] = 0xff }; /* the inner TTL */
static const struct raw_refusal raw_refusals[] = {
	{ "NULL mask, 28 bytes", { .relative = 1, .length = 28, .pattern = any28 }, true, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ITEM_MASK },
	{ "relative 0", { .length = 8, .pattern = any28 }, true, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ITEM_SPEC },
	{ "search 1", { .relative = 1, .search = 1, .length = 8, .pattern = any28 }, true, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ITEM_SPEC },
	{ "limit 4", { .relative = 1, .limit = 4, .length = 8, .pattern = any28 }, true, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ITEM_SPEC },
	{ "bytes 20-28", { .relative = 1, .offset = 20, .length = 9, .pattern = any28 }, true,
			ENOTSUP, RTE_FLOW_ERROR_TYPE_ITEM_SPEC },
	{ "offset -1", { .relative = 1, .offset = -1, .length = 4, .pattern = any28 }, true,
			ENOTSUP, RTE_FLOW_ERROR_TYPE_ITEM_SPEC },
	{ "no pattern", { .relative = 1, .length = 4 }, true, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ITEM_SPEC },
	{ "UDP port open", { .relative = 1, .length = 8, .pattern = any28 }, false, ENOTSUP,
			RTE_FLOW_ERROR_TYPE_ITEM },
};

void test_raw_refusals(void **state)
{
	struct rte_flow_attr attr = { .transfer = 1 };
	struct rte_flow_item_udp udp = { .hdr.dst_port = RTE_BE16(LISP_PORT) };
	struct rte_flow_item_raw ttl = { .pattern = ttl_mask };
	struct rte_flow_error err = { 0 };
	(void)state;

	for (unsigned i = 0; i < RTE_DIM(raw_refusals); i++) {
		const struct raw_refusal *t = &raw_refusals[i];
		const struct rte_flow_item pat[] = { ITEM(IPV4, NULL, NULL),
			ITEM(UDP, t->udp_port ? &udp : NULL, NULL), ITEM(RAW, &t->raw, NULL),
			ITEM_END };
		print_message("refused: %-24s ", t->what);
		assert_int_equal(emu_switch_validate(sw, &attr, pat, decap_act, &err), -t->err);
		print_message("%s\n", err.message);
		assert_int_equal(err.type, t->type);
	}
	/* NULL mask: all 28 bytes, the 12 the key lacks too; an explicit mask */
	const char *why =
			"RAW: the emulated e-switch extracts UDP payload bytes 0-7 and 20-27 only";
	assert_string_equal(err.message,
			"RAW must follow a UDP item with an exact destination port");
	const struct rte_flow_item with_mask[] = { ITEM(IPV4, NULL, NULL), ITEM(UDP, &udp, NULL),
		ITEM(RAW, &raw_refusals[0].raw, &ttl), ITEM_END };
	assert_int_equal(emu_switch_validate(sw, &attr, with_mask, decap_act, &err), -ENOTSUP);
	assert_string_equal(err.message, why);
	const struct rte_flow_item no_mask[] = { ITEM(IPV4, NULL, NULL), ITEM(UDP, &udp, NULL),
		ITEM(RAW, &raw_refusals[0].raw, NULL), ITEM_END };
	assert_int_equal(emu_switch_validate(sw, &attr, no_mask, decap_act, &err), -ENOTSUP);
	assert_string_equal(err.message, why);
	/* out of place, or no spec */
	const struct rte_flow_item after_ip[] = { ITEM(IPV4, NULL, NULL),
		ITEM(RAW, &raw_refusals[0].raw, NULL), ITEM_END };
	assert_int_equal(emu_switch_validate(sw, &attr, after_ip, decap_act, &err), -ENOTSUP);
	const struct rte_flow_item no_spec[] = { ITEM(IPV4, NULL, NULL), ITEM(UDP, &udp, NULL),
		ITEM(RAW, NULL, NULL), ITEM_END };
	assert_int_equal(emu_switch_validate(sw, &attr, no_spec, decap_act, &err), -EINVAL);
}

/* 50 bytes: Ethernet, IPv4 RLOC to RLOC, UDP 0 -> 4341, LISP N+I with IID. */
static void lisp_template(struct frame *t)
{
	t->len = 0;
	put_eth(t, mac(9, 1), UPLINK_MAC, RTE_ETHER_TYPE_IPV4);
	put_ipv4(t, LOCAL_IP, REMOTE_IP, IPPROTO_UDP);
	put_udp(t, 0, LISP_PORT);
	put_lisp(t, IID);
}

void test_lisp_encap(void **state)
{
	struct frame tmpl, f, want, out;
	(void)state;

	lisp_template(&tmpl);
	assert_int_equal(tmpl.len, 50);
	const struct rte_flow_action_raw_decap decap14 = { .size = 14 };
	const struct rte_flow_action_raw_encap enc = { .data = tmpl.b, .size = tmpl.len };
	struct rte_flow_item pat[] = { PORT_ITEM(1),
		ITEM(ETH, ETH_MACS(UPLINK_MAC, mac(7, 1)), NULL), ITEM_END };
	struct rte_flow_action act[] = { ACT(RAW_DECAP, &decap14), ACT(RAW_ENCAP, &enc), OUT(0),
		ACT(COUNT, NULL), ACT_END };

	struct emu_rule *r = add(1, pat, act);
	f.len = 0;
	put_eth(&f, UPLINK_MAC, mac(7, 1), RTE_ETHER_TYPE_IPV4);
	put_inner(&f, EID_DST, 20);
	struct rte_mbuf *m = mbuf_of(&f);
	rte_pktmbuf_adj(m, 14);
	uint16_t sport = entropy_udp_port(ip_flow_hash(m));
	rte_pktmbuf_free(m);
	want = tmpl;
	put(&want, &f.b[14], f.len - 14u);
	memcpy(&want.b[34], &(rte_be16_t){ rte_cpu_to_be_16(sport) }, 2);
	ipv4_finish(&want, 14, 34);

	assert_int_equal(send1(1, &f, &out), 0);
	assert_int_equal(out.len, want.len);
	assert_memory_equal(out.b, want.b, want.len);
	assert_int_equal(rte_raw_cksum(&out.b[14], sizeof(struct rte_ipv4_hdr)), 0xffff);
	query(r, 0, 1, f.len);
}

static struct emu_rule *vxlan_decap_rule(void)
{
	struct rte_flow_item_udp udp = { .hdr.dst_port = RTE_BE16(4789) };
	struct rte_flow_item_udp udp_mask = { .hdr.dst_port = RTE_BE16(0xffff) };
	struct rte_flow_item_vxlan vx = { .hdr.vx_vni = RTE_BE32(42 << 8) };
	struct rte_flow_item pat[] = { PORT_ITEM(0), ITEM(ETH, NULL, NULL), ITEM(IPV4, NULL, NULL),
		ITEM(UDP, &udp, &udp_mask), ITEM(VXLAN, &vx, NULL), ITEM_END };
	struct rte_flow_action act[] = { ACT(VXLAN_DECAP, NULL), OUT(3), ACT_END };

	return add(1, pat, act);
}

void test_raw_vxlan_coexist(void **state)
{
	struct rte_flow_attr attr = { .transfer = 1, .priority = 1 };
	struct rte_flow_error err = { 0 };
	struct frame f, inner, vx;
	(void)state;

	struct emu_rule *v = vxlan_decap_rule();
	add(1, lisp_pattern(LISP_PORT, IID, EID_DST), decap_act);
	l2_frame(&inner, mac(7, 1), mac(7, 2));
	vx.len = 0;
	put_eth(&vx, UPLINK_MAC, mac(9, 8), RTE_ETHER_TYPE_IPV4);
	uint16_t ip = put_ipv4(&vx, REMOTE_IP, LOCAL_IP, IPPROTO_UDP);
	uint16_t udp = put_udp(&vx, 50000, 4789);
	put_vxlan(&vx, 42);
	put(&vx, inner.b, inner.len);
	ipv4_finish(&vx, ip, udp);
	lisp_frame(&f, IID, EID_DST);
	assert_int_equal(send1(0, &vx, NULL), 3);
	assert_int_equal(send1(0, &f, NULL), 1);

	/* one port, one meaning: RAW on the VXLAN port and VXLAN on the RAW port */
	assert_null(emu_switch_rule_create(sw, &attr, lisp_pattern(4789, IID, EID_DST), decap_act,
			&err));
	assert_int_equal(rte_errno, ENOTSUP);
	print_message("RAW on 4789: %s\n", err.message);
	assert_non_null(strstr(err.message, "UDP port 4789"));
	assert_int_equal(emu_switch_validate(sw, &attr, lisp_pattern(4789, IID, EID_DST), decap_act,
					 &err),
			-ENOTSUP);
	emu_switch_rule_destroy(sw, v, NULL);
	add(1, lisp_pattern(4789, IID, EID_DST), decap_act);
	assert_null(emu_switch_rule_create(sw, &attr,
			(struct rte_flow_item[]){ ITEM(IPV4, NULL, NULL), ITEM(UDP, NULL, NULL),
					ITEM(VXLAN, NULL, NULL), ITEM_END },
			decap_act, &err));
	assert_int_equal(rte_errno, ENOTSUP);
	assert_int_equal(send1(0, &f, NULL), 1);
}
