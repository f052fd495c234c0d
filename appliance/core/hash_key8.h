/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rte_hash helpers for 8-byte keys (FDB, encapsulation templates): rte_hash
 * has inlined comparisons only for multiples of 16 bytes and falls back to
 * memcmp() otherwise, which the profile showed at ~8% of the slow path. One
 * 64-bit compare does it; CRC32 (SSE4.2) hashes faster than jhash.
 */
#ifndef NFVA_HASH_KEY8_H
#define NFVA_HASH_KEY8_H

#include <stdint.h>
#include <string.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>

static inline int hash_key8_cmp(const void *a, const void *b, size_t len)
{
	uint64_t x, y;
	(void)len;
	memcpy(&x, a, sizeof(x));
	memcpy(&y, b, sizeof(y));
	return x != y;
}

static inline uint32_t hash_key8_crc(const void *key, uint32_t len, uint32_t init)
{
	uint64_t k;
	(void)len;
	memcpy(&k, key, sizeof(k));
	return rte_hash_crc_8byte(k, init);
}

#endif
