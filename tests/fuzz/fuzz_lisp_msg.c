/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: every LISP control-message decoder (lisp/lisp_msg.c:
 * type, Map-Request, Map-Reply, Map-Register/Notify, ECM) on arbitrary
 * bytes, and for each message a decoder accepts, these properties:
 *   - encode(decode(x)) decodes to the same structure (round trip);
 *   - the encoder writes exactly what it returns into a buffer of exactly
 *     that size, and refuses (-ENOSPC) a buffer one byte shorter without
 *     writing past it (ASan watches the heap buffer's end);
 *   - a Map-Register/Notify's authentication field lies inside the message,
 *     lisp_auth_sign then lisp_auth_verify agree, and verify on the original
 *     bytes runs;
 *   - an ECM's inner message lies inside the outer one, and is decoded too.
 * Pure functions: no EAL.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lisp/lisp_msg.h"
#include "lisp/lisp_private.h"

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_lisp_msg: property failed: %s (line %d)\n", #cond,   \
					__LINE__);                                                 \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

#define ENC_CAP 8192

/* Encode with enc into a buffer of exactly the size it needs, and into one
 * byte less; returns the exact buffer (len in *len). */
typedef int (*encode_fn)(uint8_t *buf, size_t cap, const void *msg);

static uint8_t *encode_exact(encode_fn enc, const void *msg, int *len)
{
	uint8_t *big = malloc(ENC_CAP);
	CHECK(big != NULL);
	*len = enc(big, ENC_CAP, msg);
	free(big);
	if (*len <= 0)
		return NULL;
	uint8_t *exact = malloc((size_t)*len);
	CHECK(exact != NULL);
	CHECK(enc(exact, (size_t)*len, msg) == *len);
	uint8_t *shorter = malloc((size_t)*len - 1 + 1);
	CHECK(shorter != NULL);
	CHECK(enc(shorter, (size_t)*len - 1, msg) == -ENOSPC);
	free(shorter);
	return exact;
}

static int enc_request(uint8_t *b, size_t cap, const void *m)
{
	return lisp_put_map_request(b, cap, m);
}

static int enc_reply(uint8_t *b, size_t cap, const void *m)
{
	return lisp_put_map_reply(b, cap, m);
}

static int enc_register(uint8_t *b, size_t cap, const void *m)
{
	size_t auth_off;
	return lisp_put_map_register(b, cap, m, &auth_off);
}

static void request_roundtrip(const struct lisp_map_request *rq)
{
	struct lisp_map_request again;
	int len;
	uint8_t *b = encode_exact(enc_request, rq, &len);
	CHECK(b != NULL);
	CHECK(lisp_parse_map_request(b, (size_t)len, &again) == 0);
	CHECK(memcmp(rq, &again, sizeof(again)) == 0);
	free(b);
}

static void reply_roundtrip(const struct lisp_map_reply *rp)
{
	struct lisp_map_reply again;
	int len;
	uint8_t *b = encode_exact(enc_reply, rp, &len);
	CHECK(b != NULL);
	CHECK(lisp_parse_map_reply(b, (size_t)len, &again) == 0);
	CHECK(memcmp(rp, &again, sizeof(again)) == 0);
	free(b);
}

static void register_checks(const uint8_t *data, size_t size, const struct lisp_map_register *rg)
{
	struct lisp_map_register again;
	int len;

	CHECK(rg->auth_off + rg->auth_len <= size);
	(void)lisp_auth_verify(rg->key_id, "fuzz-key", data, size, rg->auth_off);
	uint8_t *copy = malloc(size);
	CHECK(copy != NULL);
	memcpy(copy, data, size);
	CHECK(lisp_auth_sign(rg->key_id, "fuzz-key", copy, size, rg->auth_off) == 0);
	CHECK(lisp_auth_verify(rg->key_id, "fuzz-key", copy, size, rg->auth_off));
	free(copy);
	uint8_t *b = encode_exact(enc_register, rg, &len);
	CHECK(b != NULL);
	CHECK(lisp_parse_map_register(b, (size_t)len, &again) == 0);
	CHECK(memcmp(rg, &again, sizeof(again)) == 0);
	free(b);
}

static void decode_all(const uint8_t *data, size_t size, unsigned depth)
{
	struct lisp_map_request rq;
	struct lisp_map_reply rp;
	struct lisp_map_register rg;
	struct lisp_ecm ecm;

	(void)lisp_msg_type(data, size);
	if (lisp_parse_map_request(data, size, &rq) == 0)
		request_roundtrip(&rq);
	if (lisp_parse_map_reply(data, size, &rp) == 0)
		reply_roundtrip(&rp);
	if (lisp_parse_map_register(data, size, &rg) == 0)
		register_checks(data, size, &rg);
	if (lisp_parse_ecm(data, size, &ecm) == 0) {
		CHECK(ecm.msg >= data && ecm.msg + ecm.msg_len <= data + size);
		if (depth == 0)
			decode_all(ecm.msg, ecm.msg_len, depth + 1);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	decode_all(data, size, 0);
	return 0;
}
