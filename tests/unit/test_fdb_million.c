/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The FDB with 1 M entries (part of test_fdb): every MAC learned and found
 * again, and the learning and bulk lookup rates printed (never asserted: this
 * is not a benchmark; bench/nfvabench/micro.py reads the figures).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/bounds.h"
#include "fdb_test.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#define MILLION 1000000u
#define BULK 32u

static void million_learn(const struct fdb_key *keys)
{
	struct timespec t0, t1;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (uint32_t i = 0; i < MILLION; i++) {
		enum fdb_learn_result r =
				fdb_learn(&keys[i], port_dest(i % 50, NFVA_VLAN_NONE), 1, NULL);
		if (r != FDB_LEARN_NEW)
			fail_msg("MAC %u: learn result %d", i, r);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = elapsed_s(&t0, &t1);
	printf("fdb: learned %u MACs in %.3f s (%.2f M MACs/s)\n", MILLION, s, MILLION / s / 1e6);
}

/* Returns the hits over `passes` full sweeps, timed. */
static uint64_t million_lookup(const struct fdb_key *keys, unsigned passes)
{
	struct fdb_entry *out[BULK];
	struct timespec t0, t1;
	uint64_t hits = 0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (unsigned p = 0; p < passes; p++) {
		for (uint32_t i = 0; i < MILLION; i += BULK) {
			unsigned n = RTE_MIN(BULK, MILLION - i);
			fdb_lookup_bulk(&keys[i], n, out);
			for (unsigned j = 0; j < n; j++)
				hits += out[j] != NULL;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double s = elapsed_s(&t0, &t1);
	printf("fdb: %u bulk lookups (batches of %u) in %.3f s (%.2f M lookups/s)\n",
			passes * MILLION, BULK, s, passes * MILLION / s / 1e6);
	return hits;
}

/* The keys live in *state; the table is sized 1 << 20. */
int million_setup(void **state)
{
	struct fdb_key *keys = malloc(MILLION * sizeof(*keys));

	if (keys == NULL)
		return -1;
	for (uint32_t i = 0; i < MILLION; i++)
		keys[i] = key_of(NET_A + i % 4, i);
	*state = keys;
	return fdb_init(1u << 20, qsbr);
}

int million_teardown(void **state)
{
	fdb_fini();
	free(*state);
	return 0;
}

void test_million(void **state)
{
	const struct fdb_key *keys = *state;
	struct fdb_entry *out[BULK];

	million_learn(keys);
	assert_int_equal(fdb_count(), MILLION);
	assert_int_equal(fdb_count_port(0), MILLION / 50);
	assert_int_equal(fdb_count_port(49), MILLION / 50);
	assert_int_equal(fdb_count_network(NET_A), MILLION / 4);

	/* Every lookup hits, and hits the entry of its own key. */
	for (uint32_t i = 0; i < MILLION; i += BULK) {
		fdb_lookup_bulk(&keys[i], BULK, out);
		for (unsigned j = 0; j < BULK; j++) {
			if (out[j] == NULL || memcmp(&out[j]->key, &keys[i + j], sizeof(keys[0])))
				fail_msg("MAC %u: wrong lookup result", i + j);
			if (fdb_entry_dest(out[j]).port != (i + j) % 50)
				fail_msg("MAC %u: wrong port", i + j);
		}
	}
	assert_int_equal(million_lookup(keys, 4), 4ull * MILLION);
}
