/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LISP control messages: the codec and the HMAC against byte strings written
 * here from RFC 9301 / RFC 8060, not from the encoder.
 * - Map-Register with one LCAF (IID 1000) record: exact bytes, HMAC-SHA-1
 *   and HMAC-SHA-256 (RFC 2202 / RFC 4231 test vectors check libcrypto use).
 * - Round trips: Map-Request, Map-Reply (negative and positive), ECM.
 * - IPv6 locators and ITR-RLOCs (AFI 2) beside IPv4 ones, exact bytes.
 * - Every truncation of a valid message is refused (-EINVAL), as are an
 *   unknown key id, an auth length that does not match it, an unknown LCAF,
 *   a prefix length longer than the address, and trailing bytes.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "lisp/lisp_msg.h"
#include "lisp/lisp_private.h"

static struct lisp_addr v4(const char *s)
{
	struct lisp_addr a = { .family = AF_INET };
	inet_pton(AF_INET, s, a.bytes);
	return a;
}

static uint32_t ip(const char *s)
{
	uint32_t x;
	inet_pton(AF_INET, s, &x);
	return x;
}

static void rec_host(struct lisp_record *r, uint32_t iid, const char *eid, const char *rloc)
{
	memset(r, 0, sizeof(*r));
	r->iid = iid;
	r->eid = v4(eid);
	r->plen = 32;
	r->ttl_min = 1440;
	r->authoritative = true;
	r->n_locs = 1;
	r->locs[0] = (struct lisp_locator){ .addr = nfva_ip_v4(ip(rloc)),
		.priority = 1,
		.weight = 100,
		.flags = LISP_LOC_L | LISP_LOC_R };
}

/* The expected bytes of a Map-Register, written from the RFC layout. */
static const uint8_t reg_expected[] = {
	0x30, 0x00, 0x01, 0x01,                         /* type 3, M, 1 record */
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, /* nonce */
	0x00, 0x01, 0x00, 0x14,                         /* key id 1, auth length 20 */
	/* 20 bytes of authentication data go here */
	0x00, 0x00, 0x05, 0xa0,                   /* TTL 1440 min */
	0x01, 0x20, 0x10, 0x00,                   /* 1 locator, /32, A bit */
	0x00, 0x00, 0x40, 0x03,                   /* version 0, AFI LCAF */
	0x00, 0x00, 0x02, 0x00, 0x00, 0x0a,       /* LCAF type 2 (IID), length 10 */
	0x00, 0x00, 0x03, 0xe8,                   /* IID 1000 */
	0x00, 0x01, 10, 1, 1, 30,                 /* AFI 1, 10.1.1.30 */
	0x01, 0x64, 0xff, 0x00,                   /* priority 1, weight 100, m 255/0 */
	0x00, 0x05, 0x00, 0x01, 192, 168, 1, 252, /* L|R, AFI 1, RLOC */
};

static void test_register_bytes(void **state)
{
	struct lisp_map_register rg = { .type = LISP_MAP_REGISTER,
		.want_notify = true,
		.key_id = LISP_KEY_SHA1,
		.nonce = 0x0102030405060708ull,
		.n_records = 1 };
	uint8_t buf[LISP_MSG_MAX_SIZE];
	size_t auth_off;
	(void)state;

	rec_host(&rg.records[0], 1000, "10.1.1.30", "192.168.1.252");
	int len = lisp_put_map_register(buf, sizeof(buf), &rg, &auth_off);
	assert_int_equal(len, sizeof(reg_expected) + 20);
	assert_int_equal(auth_off, 16);
	assert_memory_equal(buf, reg_expected, 16);
	assert_memory_equal(buf + 36, reg_expected + 16, sizeof(reg_expected) - 16);

	assert_int_equal(lisp_auth_sign(LISP_KEY_SHA1, "k", buf, len, auth_off), 0);
	assert_true(lisp_auth_verify(LISP_KEY_SHA1, "k", buf, len, auth_off));
	assert_false(lisp_auth_verify(LISP_KEY_SHA1, "K", buf, len, auth_off));
	buf[40] ^= 1; /* any changed bit of the message */
	assert_false(lisp_auth_verify(LISP_KEY_SHA1, "k", buf, len, auth_off));
	buf[40] ^= 1;

	struct lisp_map_register back;
	assert_int_equal(lisp_parse_map_register(buf, len, &back), 0);
	assert_int_equal(back.n_records, 1);
	assert_int_equal(back.records[0].iid, 1000);
	assert_int_equal(back.records[0].plen, 32);
	struct nfva_ip want_rloc = nfva_ip_v4(ip("192.168.1.252"));
	assert_true(nfva_ip_eq(&back.records[0].locs[0].addr, &want_rloc));
	assert_int_equal(back.records[0].locs[0].flags, LISP_LOC_L | LISP_LOC_R);
	assert_true(back.want_notify);
	assert_int_equal(back.nonce, 0x0102030405060708ull);
	for (int cut = 0; cut < len; cut++)
		assert_int_equal(lisp_parse_map_register(buf, cut, &back), -EINVAL);
	buf[len] = 0;
	assert_int_equal(lisp_parse_map_register(buf, len + 1, &back), -EINVAL);
	buf[15] = 19; /* auth length not that of key id 1 */
	assert_int_equal(lisp_parse_map_register(buf, len, &back), -EINVAL);
	buf[15] = 20;
	buf[13] = 9; /* unknown key id */
	assert_int_equal(lisp_parse_map_register(buf, len, &back), -EINVAL);
}

/* Known answers: HMAC over "what do ya want for nothing?" followed by the
 * zeroed authentication field, key "Jefe" (the RFC 2202 / RFC 4231 case 2
 * inputs), computed independently (Python hmac). The field's own content
 * must not matter. */
static void test_hmac_vectors(void **state)
{
	static const uint8_t sha1[20] = { 0x7a, 0x78, 0xa4, 0x1a, 0xcb, 0xc5, 0x92, 0x0c, 0x5e,
		0x36, 0x33, 0xf5, 0x13, 0xf6, 0xd2, 0xbe, 0xee, 0x75, 0xf8, 0x3f };
	static const uint8_t sha256[32] = { 0x32, 0xf1, 0xaa, 0xbe, 0xa2, 0x85, 0x97, 0xa6, 0xc5,
		0x36, 0x3a, 0x7c, 0x30, 0x06, 0x85, 0x34, 0xbd, 0x8e, 0x48, 0x38, 0x98, 0xed, 0x42,
		0xab, 0xc3, 0x15, 0x9e, 0x7d, 0x5b, 0x93, 0x87, 0x8c };
	const char *data = "what do ya want for nothing?";
	uint8_t msg[128];
	size_t n = strlen(data);
	(void)state;

	memcpy(msg, data, n);
	memset(msg + n, 0xaa, 20);
	assert_int_equal(lisp_auth_sign(LISP_KEY_SHA1, "Jefe", msg, n + 20, n), 0);
	assert_memory_equal(msg + n, sha1, sizeof(sha1));
	assert_true(lisp_auth_verify(LISP_KEY_SHA1, "Jefe", msg, n + 20, n));
	memset(msg + n, 0x55, 32);
	assert_int_equal(lisp_auth_sign(LISP_KEY_SHA256, "Jefe", msg, n + 32, n), 0);
	assert_memory_equal(msg + n, sha256, sizeof(sha256));
	assert_true(lisp_auth_verify(LISP_KEY_SHA256, "Jefe", msg, n + 32, n));
	assert_false(lisp_auth_verify(LISP_KEY_SHA256, "jefe", msg, n + 32, n));
	/* The field must fit in the message; unknown key ids sign nothing. */
	assert_int_equal(lisp_auth_sign(LISP_KEY_SHA1, "Jefe", msg, n, n), -EINVAL);
	assert_int_equal(lisp_auth_sign(7, "Jefe", msg, n + 32, n), -EINVAL);
}

static void test_request_reply(void **state)
{
	struct lisp_map_request rq = { .nonce = 42,
		.itr_v4 = nfva_ip_v4(ip("192.168.1.249")),
		.n_eids = 1,
		.src_eid = v4("10.1.1.20") };
	struct lisp_map_request rq2;
	uint8_t buf[LISP_MSG_MAX_SIZE];
	(void)state;

	rq.eids[0].eid = v4("10.1.1.30");
	rq.eids[0].plen = 32;
	int len = lisp_put_map_request(buf, sizeof(buf), &rq);
	/* type 1, IRC 0, 1 record, nonce, src EID AFI 1, ITR-RLOC AFI 1, record */
	static const uint8_t want[] = { 0x10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 42, 0, 1, 10, 1, 1, 20,
		0, 1, 192, 168, 1, 249, 0, 32, 0, 1, 10, 1, 1, 30 };
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	assert_int_equal(lisp_parse_map_request(buf, len, &rq2), 0);
	assert_true(nfva_ip_eq(&rq2.itr_v4, &rq.itr_v4));
	assert_int_equal(rq2.itr_v6.family, 0);
	assert_memory_equal(&rq2.eids[0].eid, &rq.eids[0].eid, sizeof(rq.eids[0].eid));
	for (int cut = 0; cut < len; cut++)
		assert_int_equal(lisp_parse_map_request(buf, cut, &rq2), -EINVAL);
	buf[25] = 33; /* /33 of an IPv4 EID */
	assert_int_equal(lisp_parse_map_request(buf, len, &rq2), -EINVAL);

	struct lisp_map_reply rp = { .nonce = 7, .n_records = 2 }, rp2;
	rec_host(&rp.records[0], 0, "10.1.1.30", "192.168.1.252");
	rp.records[1] = rp.records[0];
	rp.records[1].n_locs = 0;
	rp.records[1].action = LISP_ACT_NATIVE;
	rp.records[1].eid = v4("10.1.1.99");
	len = lisp_put_map_reply(buf, sizeof(buf), &rp);
	assert_true(len > 0);
	assert_int_equal(lisp_parse_map_reply(buf, len, &rp2), 0);
	assert_int_equal(rp2.n_records, 2);
	assert_int_equal(rp2.records[1].n_locs, 0);
	assert_int_equal(rp2.records[1].action, LISP_ACT_NATIVE);
	assert_int_equal(rp2.records[0].locs[0].weight, 100);
	for (int cut = 0; cut < len; cut++)
		assert_int_equal(lisp_parse_map_reply(buf, cut, &rp2), -EINVAL);
}

static struct nfva_ip v6ip(const char *s)
{
	uint8_t a[16];
	inet_pton(AF_INET6, s, a);
	return nfva_ip_v6(a);
}

/* IPv6 locators and ITR-RLOCs (AFI 2), byte for byte from RFC 9301's
 * layout: a Map-Request from a dual-stack ITR lists both ITR-RLOCs (IRC 1);
 * a record's IPv6 locator is kept beside an IPv4 one, an LCAF locator is
 * skipped; a request with only an IPv6 ITR-RLOC parses. */
static void test_ipv6_locators(void **state)
{
	struct lisp_map_request rq = { .nonce = 9,
		.itr_v4 = nfva_ip_v4(ip("192.0.2.1")),
		.itr_v6 = v6ip("2001:db8:3::2"),
		.n_eids = 1 },
				rq2;
	uint8_t buf[LISP_MSG_MAX_SIZE];
	(void)state;

	rq.eids[0].eid = v4("10.1.1.30");
	rq.eids[0].plen = 32;
	int len = lisp_put_map_request(buf, sizeof(buf), &rq);
	static const uint8_t want[] = { 0x10, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 9, /* IRC 1 */
		0, 0,                                                          /* no source EID */
		0, 1, 192, 0, 2, 1,                                            /* ITR-RLOC 1 */
		0, 2, 0x20, 0x01, 0x0d, 0xb8, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2, /* ITR-RLOC 2 */
		0, 32, 0, 1, 10, 1, 1, 30 };
	assert_int_equal(len, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	assert_int_equal(lisp_parse_map_request(buf, len, &rq2), 0);
	assert_true(nfva_ip_eq(&rq2.itr_v4, &rq.itr_v4));
	assert_true(nfva_ip_eq(&rq2.itr_v6, &rq.itr_v6));
	for (int cut = 0; cut < len; cut++)
		assert_int_equal(lisp_parse_map_request(buf, cut, &rq2), -EINVAL);

	/* Only the IPv6 ITR-RLOC: IRC 0, AFI 2. */
	rq.itr_v4.family = 0;
	len = lisp_put_map_request(buf, sizeof(buf), &rq);
	assert_int_equal(len, sizeof(want) - 6);
	assert_int_equal(buf[2], 0);
	assert_int_equal(lisp_parse_map_request(buf, len, &rq2), 0);
	assert_int_equal(rq2.itr_v4.family, 0);
	assert_true(nfva_ip_eq(&rq2.itr_v6, &rq.itr_v6));
	rq.itr_v6.family = 0; /* none at all: refused both ways */
	assert_int_equal(lisp_put_map_request(buf, sizeof(buf), &rq), -EINVAL);

	/* A Map-Reply record with locators IPv6, LCAF (skipped), IPv4. */
	static const uint8_t reply[] = { 0x20, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 5, /* 1 record */
		0, 0, 0, 60, 3, 32, 0, 0, 0, 0, 0, 1, 10, 1, 1, 30, /* TTL 60, 3 locators, /32 */
		2, 50, 255, 0, 0, 5, 0, 2, 0x20, 0x01, 0x0d, 0xb8, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0x11,                                                           /* 2001:db8:3::11 */
		1, 100, 255, 0, 0, 1, 0x40, 0x03, 0, 0, 1, 0, 0, 2, 0xaa, 0xbb, /* LCAF type 1 */
		1, 100, 255, 0, 0, 1, 0, 1, 192, 0, 2, 9 };
	struct lisp_map_reply rp;
	assert_int_equal(lisp_parse_map_reply(reply, sizeof(reply), &rp), 0);
	assert_int_equal(rp.records[0].n_locs, 2);
	struct nfva_ip l6 = v6ip("2001:db8:3::11"), l4 = nfva_ip_v4(ip("192.0.2.9"));
	assert_true(nfva_ip_eq(&rp.records[0].locs[0].addr, &l6));
	assert_int_equal(rp.records[0].locs[0].priority, 2);
	assert_int_equal(rp.records[0].locs[0].weight, 50);
	assert_int_equal(rp.records[0].locs[0].flags, LISP_LOC_L | LISP_LOC_R);
	assert_true(nfva_ip_eq(&rp.records[0].locs[1].addr, &l4));
	for (size_t cut = 0; cut < sizeof(reply); cut++)
		assert_int_equal(lisp_parse_map_reply(reply, cut, &rp), -EINVAL);

	/* Encoded again: the IPv6 locator goes out as AFI 2 with 16 bytes. */
	struct lisp_map_reply out = { .nonce = 5, .n_records = 1 };
	out.records[0] = rp.records[0];
	out.records[0].n_locs = 1;
	len = lisp_put_map_reply(buf, sizeof(buf), &out);
	assert_int_equal(len, 12 + 16 + 24); /* header, record, one 24-byte locator */
	assert_memory_equal(buf + 28, reply + 28, 24);
}

static void test_lcaf_and_ecm(void **state)
{
	/* A Map-Reply record whose EID is an LCAF of type 1 (AFI list): refused. */
	static const uint8_t bad_lcaf[] = { 0x20, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0,
		32, 0, 0, 0, 0, 0x40, 0x03, 0, 0, 1, 0, 0, 6, 0, 1, 10, 0, 0, 1 };
	struct lisp_map_reply rp;
	(void)state;
	assert_int_equal(lisp_parse_map_reply(bad_lcaf, sizeof(bad_lcaf), &rp), -EINVAL);

	/* ECM: header, IPv4 10.0.0.1 -> 10.0.0.2 UDP 4342 -> 4342, 4-byte message. */
	uint8_t ecm[4 + 20 + 8 + 4] = { 0x80, 0, 0, 0, 0x45, 0, 0, 32, 0, 0, 0, 0, 64, 17, 0, 0, 10,
		0, 0, 1, 10, 0, 0, 2, 0x10, 0xf6, 0x10, 0xf6, 0, 12, 0, 0, 0x10, 0, 0, 0 };
	uint32_t s = 0;
	for (int i = 0; i < 20; i += 2)
		s += (uint32_t)ecm[4 + i] << 8 | ecm[5 + i];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	ecm[14] = (uint8_t)(~s >> 8);
	ecm[15] = (uint8_t)~s;
	struct lisp_ecm e;
	assert_int_equal(lisp_parse_ecm(ecm, sizeof(ecm), &e), 0);
	assert_int_equal(e.inner_sport, 4342);
	assert_int_equal(e.msg_len, 4);
	for (size_t cut = 0; cut < sizeof(ecm); cut++)
		assert_int_equal(lisp_parse_ecm(ecm, cut, &e), -EINVAL);
	ecm[15] ^= 1; /* inner checksum wrong */
	assert_int_equal(lisp_parse_ecm(ecm, sizeof(ecm), &e), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_register_bytes),
		cmocka_unit_test(test_hmac_vectors),
		cmocka_unit_test(test_request_reply),
		cmocka_unit_test(test_ipv6_locators),
		cmocka_unit_test(test_lcaf_and_ecm),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
