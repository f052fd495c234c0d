/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Neighbour Discovery validation (overlay/nd.c) against messages laid out
 * here byte by byte from RFC 4861 4.3/4.4, with a checksum computed here
 * (RFC 4443 2.3 pseudo-header), not by the code under test:
 * - a valid NS (solicited-node group, source lladdr option) and NA (S, O,
 *   target lladdr option) parse, with their fields;
 * - every discard of 7.1.1/7.1.2 is refused: hop limit != 255, bad
 *   checksum, code != 0, short message, an option of length 0 or past the
 *   end, a multicast target, NS from :: with an option or not to a
 *   solicited-node group, NA to a multicast group with S set, a payload
 *   length that disagrees;
 * - the address helpers (solicited-node group, prefix match, 33:33 MAC).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "core/ip_addr.h"
#include "overlay/nd.h"

static const char *const US = "2001:db8:17::1", *const PEER = "2001:db8:17::2";
static const uint8_t MAC[6] = { 0x02, 0x11, 0x22, 0x33, 0x44, 0x55 };

struct frame {
	struct rte_ipv6_hdr ip;
	uint8_t icmp[64];
	uint32_t len;
};

static void addr(const char *s, uint8_t out[16])
{
	assert_int_equal(inet_pton(AF_INET6, s, out), 1);
}

/* RFC 4443 2.3: ones' complement sum over the pseudo-header and message. */
static void checksum(struct frame *f)
{
	uint32_t sum = 0;
	uint8_t pseudo[40] = { 0 };

	memcpy(pseudo, f->ip.src_addr, 16);
	memcpy(pseudo + 16, f->ip.dst_addr, 16);
	pseudo[34] = (uint8_t)(f->len >> 8);
	pseudo[35] = (uint8_t)f->len;
	pseudo[39] = 58;
	f->icmp[2] = f->icmp[3] = 0;
	for (unsigned i = 0; i < 40; i += 2)
		sum += (uint32_t)(pseudo[i] << 8 | pseudo[i + 1]);
	for (unsigned i = 0; i < f->len; i += 2)
		sum += (uint32_t)(f->icmp[i] << 8 | (i + 1 < f->len ? f->icmp[i + 1] : 0));
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	f->icmp[2] = (uint8_t)(~sum >> 8);
	f->icmp[3] = (uint8_t)~sum;
}

/* type 135/136, target, one lladdr option (type opt) unless opt is 0. */
static void build(struct frame *f, uint8_t type, const char *src, const char *dst,
		const char *target, uint8_t flags, uint8_t opt)
{
	memset(f, 0, sizeof(*f));
	f->ip.vtc_flow = htonl(6u << 28);
	f->ip.proto = 58;
	f->ip.hop_limits = 255;
	addr(src, f->ip.src_addr);
	addr(dst, f->ip.dst_addr);
	f->icmp[0] = type;
	f->icmp[4] = flags;
	addr(target, f->icmp + 8);
	f->len = 24;
	if (opt != 0) {
		f->icmp[24] = opt;
		f->icmp[25] = 1;
		memcpy(f->icmp + 26, MAC, 6);
		f->len = 32;
	}
	f->ip.payload_len = htons((uint16_t)f->len);
	checksum(f);
}

static int parse(struct frame *f, struct nd_msg *m)
{
	return nd_parse(&f->ip, f->icmp, f->len, m);
}

static void test_valid(void **state)
{
	struct frame f;
	struct nd_msg m;
	uint8_t us[16];
	(void)state;

	addr(US, us);
	build(&f, 135, PEER, "ff02::1:ff00:1", US, 0, 1);
	assert_int_equal(parse(&f, &m), 0);
	assert_int_equal(m.type, 135);
	assert_memory_equal(m.target, us, 16);
	assert_true(m.has_lladdr);
	assert_memory_equal(m.lladdr.addr_bytes, MAC, 6);

	build(&f, 136, PEER, US, PEER, 0x60, 2);
	assert_int_equal(parse(&f, &m), 0);
	assert_int_equal(m.flags, ND_NA_FLAG_SOLICITED | ND_NA_FLAG_OVERRIDE);
	assert_true(m.has_lladdr);
	/* An NA without the option is valid (it only confirms). */
	build(&f, 136, PEER, US, PEER, 0x40, 0);
	assert_int_equal(parse(&f, &m), 0);
	assert_false(m.has_lladdr);
	/* DAD probe: from :: to the solicited-node group, no option. */
	build(&f, 135, "::", "ff02::1:ff00:1", US, 0, 0);
	assert_int_equal(parse(&f, &m), 0);
}

static void test_discards(void **state)
{
	struct frame f;
	struct nd_msg m;
	(void)state;

	build(&f, 135, PEER, "ff02::1:ff00:1", US, 0, 1);
	f.ip.hop_limits = 254;
	assert_int_equal(parse(&f, &m), -EINVAL);
	build(&f, 135, PEER, "ff02::1:ff00:1", US, 0, 1);
	f.icmp[3] ^= 1;
	assert_int_equal(parse(&f, &m), -EINVAL);
	build(&f, 135, PEER, "ff02::1:ff00:1", US, 0, 1);
	f.icmp[1] = 1;
	checksum(&f);
	assert_int_equal(parse(&f, &m), -EINVAL);
	build(&f, 135, PEER, "ff02::1:ff00:1", US, 0, 1);
	f.icmp[25] = 0; /* option length 0 */
	checksum(&f);
	assert_int_equal(parse(&f, &m), -EINVAL);
	build(&f, 135, PEER, "ff02::1:ff00:1", US, 0, 1);
	f.icmp[25] = 2; /* 16 bytes, 8 there */
	checksum(&f);
	assert_int_equal(parse(&f, &m), -EINVAL);
	build(&f, 135, PEER, "ff02::1:ff00:1", "ff02::1", 0, 1);
	assert_int_equal(parse(&f, &m), -EINVAL);
	build(&f, 135, "::", "ff02::1:ff00:1", US, 0, 1);
	assert_int_equal(parse(&f, &m), -EINVAL);
	build(&f, 135, "::", US, US, 0, 0);
	assert_int_equal(parse(&f, &m), -EINVAL);
	build(&f, 136, PEER, "ff02::1", PEER, 0x40, 2);
	assert_int_equal(parse(&f, &m), -EINVAL);
	build(&f, 136, PEER, US, PEER, 0x40, 2);
	f.ip.payload_len = htons(40);
	assert_int_equal(parse(&f, &m), -EINVAL);
	build(&f, 136, PEER, US, PEER, 0x40, 0);
	f.len = 20;
	f.ip.payload_len = htons(20);
	checksum(&f);
	assert_int_equal(parse(&f, &m), -EINVAL);
	build(&f, 128, PEER, US, PEER, 0, 0); /* not ND at all */
	assert_int_equal(parse(&f, &m), -EINVAL);
}

static void test_helpers(void **state)
{
	uint8_t a[16], b[16], sn[16], want[16];
	struct rte_ether_addr mac;
	(void)state;

	addr("2001:db8:17::abcd:1234", a);
	ipv6_solicited_node(a, sn);
	addr("ff02::1:ffcd:1234", want);
	assert_memory_equal(sn, want, 16);
	assert_true(nd_is_solicited_node_of(want, a));
	ipv6_multicast_mac(sn, &mac);
	const uint8_t mac_want[6] = { 0x33, 0x33, 0xff, 0xcd, 0x12, 0x34 };
	assert_memory_equal(mac.addr_bytes, mac_want, 6);
	addr("2001:db8:17:0:ffff::", b);
	assert_true(ipv6_same_prefix(a, b, 64));
	assert_false(ipv6_same_prefix(a, b, 65));
	assert_true(ipv6_same_prefix(a, b, 0));
	addr("fe80::1", b);
	assert_true(ipv6_is_link_local(b));
	assert_false(ipv6_is_link_local(a));
	struct nfva_ip x, y;
	assert_int_equal(nfva_ip_parse("10.0.0.1", &x), 0);
	assert_int_equal(nfva_ip_parse("2001:db8::1", &y), 0);
	assert_true(nfva_ip_cmp(&x, &y) < 0);
	assert_int_equal(nfva_ip_parse("10.0.0.256", &x), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_valid),
		cmocka_unit_test(test_discards),
		cmocka_unit_test(test_helpers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
