/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Map-Register / Map-Notify authentication (RFC 9301 section 5.6): an HMAC
 * over the whole message with the authentication data field zeroed, keyed
 * by the site's shared secret. HMAC and SHA come from libcrypto (OpenSSL);
 * the comparison is constant-time. Any length a UDP datagram can carry is
 * signed and checked (a Map-Register of 16 records with IPv6 locators is
 * larger than the messages nfva builds itself).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "lisp/lisp_private.h"

static const EVP_MD *key_md(uint16_t key_id)
{
	switch (key_id) {
	case LISP_KEY_SHA1:
		return EVP_sha1();
	case LISP_KEY_SHA256:
		return EVP_sha256();
	default:
		return NULL;
	}
}

/* HMAC of msg (len bytes) with its auth field zeroed, into out. */
static int auth_compute(uint16_t key_id, const char *key, const uint8_t *msg, size_t len,
		size_t auth_off, uint8_t *out)
{
	const EVP_MD *md = key_md(key_id);
	size_t alen = lisp_auth_len(key_id);
	unsigned int out_len = 0;

	if (md == NULL || len > UINT16_MAX || auth_off + alen > len)
		return -EINVAL;
	uint8_t *copy = malloc(len);
	if (copy == NULL)
		return -ENOMEM;
	memcpy(copy, msg, len);
	memset(copy + auth_off, 0, alen);
	int ret = HMAC(md, key, (int)strlen(key), copy, len, out, &out_len) == NULL ||
					out_len != alen
			? -EIO
			: 0;
	free(copy);
	return ret;
}

int lisp_auth_sign(uint16_t key_id, const char *key, uint8_t *msg, size_t len, size_t auth_off)
{
	uint8_t mac[EVP_MAX_MD_SIZE];
	int ret = auth_compute(key_id, key, msg, len, auth_off, mac);
	if (ret == 0)
		memcpy(msg + auth_off, mac, lisp_auth_len(key_id));
	return ret;
}

bool lisp_auth_verify(uint16_t key_id, const char *key, const uint8_t *msg, size_t len,
		size_t auth_off)
{
	uint8_t mac[EVP_MAX_MD_SIZE];
	if (auth_compute(key_id, key, msg, len, auth_off, mac) != 0)
		return false;
	return CRYPTO_memcmp(mac, msg + auth_off, lisp_auth_len(key_id)) == 0;
}
