/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the FDB (appliance/fdb.h): learning, moves, networks, static
 * entries, ageing, MAC limits, flushes, a full table whose entries must be
 * recycled through the RCU defer queue; test_fdb_million.c (the same
 * executable): a 1 M-entry table with a printed (never asserted)
 * learning/lookup microbenchmark.
 *
 * No worker thread registers with the QSBR variable here, so every grace
 * period is over at once and deleted entries are reclaimable immediately.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "core/bounds.h"
#include "l2/fdb.h"
#include "eal_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "fdb_test.h"

#define SMALL_FDB 65536

struct rte_rcu_qsbr *qsbr;

static struct fdb_entry *lookup(uint16_t network, uint32_t i)
{
	struct fdb_key k = key_of(network, i);
	struct fdb_entry *e;

	fdb_lookup_bulk(&k, 1, &e);
	return e;
}

static enum fdb_learn_result learn(uint16_t network, uint32_t i, uint16_t port, uint32_t now,
		const struct fdb_limits *limits)
{
	struct fdb_key k = key_of(network, i);
	return fdb_learn(&k, port_dest(port, NFVA_VLAN_NONE), now, limits);
}

static void assert_dest(const struct fdb_entry *e, uint16_t port, uint16_t vlan, uint8_t flags)
{
	assert_non_null(e);
	union fdb_dest d = fdb_entry_dest(e);
	assert_int_equal(d.kind, FDB_DEST_PORT);
	assert_int_equal(d.port, port);
	assert_int_equal(d.vlan, vlan);
	assert_int_equal(d.flags, flags);
}

static int group_setup(void **state)
{
	(void)state;
	if (unit_eal_init("fdb") < 0)
		return -1;
	qsbr = rte_zmalloc("test_qsbr", rte_rcu_qsbr_get_memsize(4), RTE_CACHE_LINE_SIZE);
	if (qsbr == NULL || rte_rcu_qsbr_init(qsbr, 4) != 0)
		return -1;
	return 0;
}

static int group_teardown(void **state)
{
	(void)state;
	rte_free(qsbr);
	unit_eal_cleanup();
	return 0;
}

static int fdb_setup(void **state)
{
	(void)state;
	return fdb_init(SMALL_FDB, qsbr);
}

static int fdb_setup_tiny(void **state)
{
	(void)state;
	return fdb_init(1024, qsbr);
}

static int fdb_teardown(void **state)
{
	(void)state;
	fdb_fini();
	return 0;
}

static void test_learn_lookup(void **state)
{
	(void)state;
	struct fdb_key k = key_of(NET_A, 1);

	assert_int_equal(fdb_capacity(), SMALL_FDB);
	assert_int_equal(fdb_count(), 0);
	assert_null(lookup(NET_A, 1));
	assert_int_equal(fdb_learn(&k, port_dest(3, 10), 100, NULL), FDB_LEARN_NEW);

	struct fdb_entry *e = lookup(NET_A, 1);
	assert_dest(e, 3, 10, 0);
	assert_int_equal(e->last_seen, 100);
	assert_int_equal(e->created, 100);
	assert_memory_equal(&e->key, &k, sizeof(k));
	assert_int_equal(fdb_count(), 1);
	assert_int_equal(fdb_count_port(3), 1);
	assert_int_equal(fdb_count_port(4), 0);
	assert_int_equal(fdb_count_network(NET_A), 1);
	assert_int_equal(fdb_count_network(NET_B), 0);
	assert_int_equal(fdb_count_port(NFVA_PORT_NONE), 0);

	/* Same attachment again: only the stamp changes. */
	assert_int_equal(fdb_learn(&k, port_dest(3, 10), 105, NULL), FDB_LEARN_UNCHANGED);
	assert_ptr_equal(lookup(NET_A, 1), e);
	assert_int_equal(e->last_seen, 105);
	assert_int_equal(e->created, 100);
	assert_int_equal(fdb_count(), 1);

	/* Bulk: hits and misses mixed, in order. */
	struct fdb_key keys[3] = { key_of(NET_A, 1), key_of(NET_A, 2), key_of(NET_A, 1) };
	struct fdb_entry *out[3] = { NULL, e, NULL };
	fdb_lookup_bulk(keys, 3, out);
	assert_ptr_equal(out[0], e);
	assert_null(out[1]);
	assert_ptr_equal(out[2], e);
}

static void test_move(void **state)
{
	(void)state;
	struct fdb_key k = key_of(NET_A, 7);

	assert_int_equal(fdb_learn(&k, port_dest(1, NFVA_VLAN_NONE), 10, NULL), FDB_LEARN_NEW);
	struct fdb_entry *e = lookup(NET_A, 7);
	assert_int_equal(fdb_learn(&k, port_dest(2, NFVA_VLAN_NONE), 20, NULL), FDB_LEARN_MOVED);
	/* A move is an in-place store: the same entry, a new dest. */
	assert_ptr_equal(lookup(NET_A, 7), e);
	assert_dest(e, 2, NFVA_VLAN_NONE, 0);
	assert_int_equal(e->last_seen, 20);
	assert_int_equal(fdb_count(), 1);
	assert_int_equal(fdb_count_port(1), 0);
	assert_int_equal(fdb_count_port(2), 1);
	assert_int_equal(fdb_count_network(NET_A), 1);

	/* Same port, another vlan is a move too. */
	assert_int_equal(fdb_learn(&k, port_dest(2, 30), 21, NULL), FDB_LEARN_MOVED);
	assert_dest(e, 2, 30, 0);
	assert_int_equal(fdb_count_port(2), 1);

	/* Moving onto a port at its limit is refused; the entry stays put. */
	struct fdb_limits lim = { .port = 1 };
	assert_int_equal(learn(NET_A, 8, 5, 22, &lim), FDB_LEARN_NEW);
	assert_int_equal(fdb_learn(&k, port_dest(5, NFVA_VLAN_NONE), 23, &lim),
			FDB_LEARN_LIMIT_PORT);
	assert_dest(e, 2, 30, 0);
	assert_int_equal(fdb_count_port(5), 1);
	assert_int_equal(fdb_count_port(2), 1);
}

static void test_networks_are_separate(void **state)
{
	(void)state;

	assert_int_equal(learn(NET_A, 1, 1, 10, NULL), FDB_LEARN_NEW);
	assert_int_equal(learn(NET_B, 1, 2, 10, NULL), FDB_LEARN_NEW);
	assert_int_equal(fdb_count(), 2);
	assert_int_equal(fdb_count_network(NET_A), 1);
	assert_int_equal(fdb_count_network(NET_B), 1);
	struct fdb_entry *a = lookup(NET_A, 1), *b = lookup(NET_B, 1);
	assert_true(a != b);
	assert_dest(a, 1, NFVA_VLAN_NONE, 0);
	assert_dest(b, 2, NFVA_VLAN_NONE, 0);

	struct fdb_key ka = key_of(NET_A, 1);
	assert_int_equal(fdb_del(&ka), 0);
	assert_int_equal(fdb_del(&ka), -ENOENT);
	assert_null(lookup(NET_A, 1));
	assert_dest(lookup(NET_B, 1), 2, NFVA_VLAN_NONE, 0);
	assert_int_equal(fdb_count(), 1);
	assert_int_equal(fdb_count_network(NET_A), 0);
	assert_int_equal(fdb_count_port(1), 0);
}

static void test_static(void **state)
{
	(void)state;
	struct fdb_key s = key_of(NET_A, 1);

	assert_int_equal(fdb_add_static(&s, port_dest(1, NFVA_VLAN_NONE)), 0);
	struct fdb_entry *e = lookup(NET_A, 1);
	assert_dest(e, 1, NFVA_VLAN_NONE, FDB_F_STATIC);
	/* Learning never moves it, not even to the same attachment. */
	assert_int_equal(learn(NET_A, 1, 2, 50, NULL), FDB_LEARN_STATIC);
	assert_int_equal(learn(NET_A, 1, 1, 50, NULL), FDB_LEARN_STATIC);
	assert_dest(e, 1, NFVA_VLAN_NONE, FDB_F_STATIC);
	assert_int_equal(fdb_count_port(1), 1);
	assert_int_equal(fdb_count_port(2), 0);

	/* A static add over a dynamic entry makes it static (and moves it). */
	assert_int_equal(learn(NET_A, 2, 1, 50, NULL), FDB_LEARN_NEW);
	struct fdb_key d = key_of(NET_A, 2);
	assert_int_equal(fdb_add_static(&d, port_dest(3, 7)), 0);
	assert_dest(lookup(NET_A, 2), 3, 7, FDB_F_STATIC);
	assert_int_equal(fdb_count_port(1), 1);
	assert_int_equal(fdb_count_port(3), 1);
	assert_int_equal(fdb_count(), 2);

	/* Ageing skips statics, however old. */
	assert_int_equal(learn(NET_A, 3, 1, 50, NULL), FDB_LEARN_NEW);
	assert_int_equal(fdb_age(50 + 300 + 1, 300), 1);
	assert_null(lookup(NET_A, 3));
	assert_int_equal(fdb_age(UINT32_MAX - 1, 1), 0);
	assert_non_null(lookup(NET_A, 1));
	assert_non_null(lookup(NET_A, 2));
	assert_int_equal(fdb_count(), 2);
}

static void test_ageing(void **state)
{
	(void)state;
	const uint32_t ageing = 300;

	assert_int_equal(learn(NET_A, 1, 1, 100, NULL), FDB_LEARN_NEW);
	assert_int_equal(learn(NET_A, 2, 1, 100, NULL), FDB_LEARN_NEW);
	assert_int_equal(learn(NET_B, 3, 2, 150, NULL), FDB_LEARN_NEW);
	assert_int_equal(learn(NET_A, 4, 1, 100, NULL), FDB_LEARN_NEW);

	/* At the ageing time itself nothing goes: stamps are whole seconds, so
	 * an entry seen late in second 100 has only lived ageing - 1 seconds
	 * and a bit at 100 + ageing. */
	assert_int_equal(fdb_age(100 + ageing - 1, ageing), 0);
	assert_int_equal(fdb_age(100 + ageing, ageing), 0);
	assert_int_equal(fdb_count(), 4);

	/* 4 was hit by a worker at 380: it stays with 3 (seen at 150). */
	fdb_touch(lookup(NET_A, 4), 380);
	assert_int_equal(lookup(NET_A, 4)->last_seen, 380);
	assert_int_equal(fdb_age(100 + ageing + 1, ageing), 2);
	assert_null(lookup(NET_A, 1));
	assert_null(lookup(NET_A, 2));
	assert_non_null(lookup(NET_B, 3));
	assert_non_null(lookup(NET_A, 4));
	assert_int_equal(fdb_count(), 2);
	assert_int_equal(fdb_count_port(1), 1);
	assert_int_equal(fdb_count_network(NET_A), 1);

	/* Relearning refreshes like a touch does. */
	assert_int_equal(learn(NET_B, 3, 2, 449, NULL), FDB_LEARN_UNCHANGED);
	assert_int_equal(fdb_age(380 + ageing + 1, ageing), 1);
	assert_null(lookup(NET_A, 4));
	assert_non_null(lookup(NET_B, 3));
	assert_int_equal(fdb_age(449 + ageing + 1, ageing), 1);
	assert_int_equal(fdb_count(), 0);
	assert_int_equal(fdb_count_port(2), 0);
}

static void test_port_limit(void **state)
{
	(void)state;
	const struct fdb_limits lim = { .port = 10 };

	for (uint32_t i = 0; i < 10; i++)
		assert_int_equal(learn(NET_A, i, 1, 10, &lim), FDB_LEARN_NEW);
	assert_int_equal(learn(NET_A, 10, 1, 10, &lim), FDB_LEARN_LIMIT_PORT);
	assert_null(lookup(NET_A, 10));
	assert_int_equal(fdb_count_port(1), 10);
	/* Known MACs are still refreshed. */
	assert_int_equal(learn(NET_A, 0, 1, 11, &lim), FDB_LEARN_UNCHANGED);

	/* Another port has its own budget. */
	for (uint32_t i = 100; i < 110; i++)
		assert_int_equal(learn(NET_A, i, 2, 10, &lim), FDB_LEARN_NEW);
	assert_int_equal(learn(NET_A, 110, 2, 10, &lim), FDB_LEARN_LIMIT_PORT);
	assert_int_equal(fdb_count_port(2), 10);
	assert_int_equal(fdb_count(), 20);

	/* Room made on port 1 is usable again. */
	struct fdb_key k = key_of(NET_A, 0);
	assert_int_equal(fdb_del(&k), 0);
	assert_int_equal(learn(NET_A, 10, 1, 12, &lim), FDB_LEARN_NEW);
	assert_non_null(lookup(NET_A, 10));
	assert_int_equal(fdb_count_port(1), 10);
}

static void test_network_limit(void **state)
{
	(void)state;
	const struct fdb_limits lim = { .network = 5 };

	for (uint32_t i = 0; i < 5; i++)
		assert_int_equal(learn(NET_A, i, 1 + i % 2, 10, &lim), FDB_LEARN_NEW);
	assert_int_equal(learn(NET_A, 5, 3, 10, &lim), FDB_LEARN_LIMIT_NETWORK);
	assert_null(lookup(NET_A, 5));
	assert_int_equal(fdb_count_network(NET_A), 5);
	assert_int_equal(fdb_count_port(3), 0);

	/* A move inside a full network adds no MAC: allowed. */
	assert_int_equal(learn(NET_A, 0, 2, 11, &lim), FDB_LEARN_MOVED);
	assert_int_equal(fdb_count_network(NET_A), 5);

	/* Another network has its own budget, even on the same port. */
	for (uint32_t i = 0; i < 5; i++)
		assert_int_equal(learn(NET_B, i, 1, 10, &lim), FDB_LEARN_NEW);
	assert_int_equal(learn(NET_B, 5, 1, 10, &lim), FDB_LEARN_LIMIT_NETWORK);
	assert_int_equal(fdb_count_network(NET_B), 5);
	assert_int_equal(fdb_count(), 10);

	/* The port limit is checked first when both are reached. */
	const struct fdb_limits both = { .port = 1, .network = 5 };
	assert_int_equal(learn(NET_A, 6, 1, 10, &both), FDB_LEARN_LIMIT_PORT);
}

static void count_cb(const struct fdb_entry *e, void *arg)
{
	(void)e;
	(*(unsigned *)arg)++;
}

static unsigned walk_count(uint16_t network, uint16_t port, bool dynamic_only)
{
	struct fdb_filter f = { .network = network, .port = port, .dynamic_only = dynamic_only };
	unsigned n = 0;

	fdb_walk(&f, count_cb, &n);
	return n;
}

/* net A: 3 on port 1, 2 on port 2, 1 static on port 1; net B: 4 on port 1. */
static void populate_for_flush(void)
{
	for (uint32_t i = 0; i < 3; i++)
		assert_int_equal(learn(NET_A, i, 1, 10, NULL), FDB_LEARN_NEW);
	for (uint32_t i = 3; i < 5; i++)
		assert_int_equal(learn(NET_A, i, 2, 10, NULL), FDB_LEARN_NEW);
	struct fdb_key s = key_of(NET_A, 99);
	assert_int_equal(fdb_add_static(&s, port_dest(1, NFVA_VLAN_NONE)), 0);
	for (uint32_t i = 0; i < 4; i++)
		assert_int_equal(learn(NET_B, i, 1, 10, NULL), FDB_LEARN_NEW);
	assert_int_equal(fdb_count(), 10);
}

static void test_walk_and_flush(void **state)
{
	(void)state;

	populate_for_flush();
	assert_int_equal(walk_count(NFVA_NETWORK_NONE, NFVA_PORT_NONE, false), 10);
	assert_int_equal(walk_count(NET_A, NFVA_PORT_NONE, false), 6);
	assert_int_equal(walk_count(NET_A, 1, false), 4);
	assert_int_equal(walk_count(NET_A, 1, true), 3);
	assert_int_equal(walk_count(NFVA_NETWORK_NONE, 1, false), 8);

	struct fdb_filter by_net = { .network = NET_B, .port = NFVA_PORT_NONE };
	assert_int_equal(fdb_flush(&by_net), 4);
	assert_int_equal(fdb_count_network(NET_B), 0);
	assert_int_equal(fdb_count(), 6);

	struct fdb_filter by_port = { .network = NFVA_NETWORK_NONE, .port = 2 };
	assert_int_equal(fdb_flush(&by_port), 2);
	assert_int_equal(fdb_count_port(2), 0);
	assert_int_equal(fdb_count_port(1), 4);

	struct fdb_filter dynamic = { NFVA_NETWORK_NONE, NFVA_PORT_NONE, .dynamic_only = true };
	assert_int_equal(fdb_flush(&dynamic), 3);
	assert_int_equal(fdb_count(), 1);
	assert_dest(lookup(NET_A, 99), 1, NFVA_VLAN_NONE, FDB_F_STATIC);
	assert_int_equal(fdb_flush(&dynamic), 0);

	struct fdb_filter all = { NFVA_NETWORK_NONE, NFVA_PORT_NONE, .dynamic_only = false };
	assert_int_equal(fdb_flush(&all), 1);
	assert_int_equal(fdb_count(), 0);
	assert_int_equal(fdb_count_port(1), 0);
	assert_int_equal(fdb_count_network(NET_A), 0);
	assert_int_equal(walk_count(NFVA_NETWORK_NONE, NFVA_PORT_NONE, false), 0);
}

/* Learns [first, first + n) on port 1; returns how many were NEW. Once the
 * table says FULL, it must keep saying so. */
static uint32_t learn_until_full(uint32_t first, uint32_t n)
{
	uint32_t added = 0;
	bool full = false;

	for (uint32_t i = first; i < first + n; i++) {
		enum fdb_learn_result r = learn(NET_A, i, 1, 10, NULL);
		if (r == FDB_LEARN_FULL) {
			full = true;
			assert_null(lookup(NET_A, i));
			continue;
		}
		assert_false(full);
		assert_int_equal(r, FDB_LEARN_NEW);
		added++;
	}
	assert_true(full);
	return added;
}

static void test_table_full(void **state)
{
	(void)state;
	const uint32_t cap = fdb_capacity();
	const struct fdb_filter all = { NFVA_NETWORK_NONE, NFVA_PORT_NONE, .dynamic_only = false };

	assert_int_equal(cap, 1024);
	uint32_t added = learn_until_full(0, 4 * cap);
	assert_int_equal(added, cap);
	assert_int_equal(fdb_count(), added);
	for (uint32_t i = 0; i < added; i++)
		assert_non_null(lookup(NET_A, i));

	/* Nine fills need far more entries than the pool holds (capacity + 1/8
	 * + 64): deleted entries must come back through the defer queue (no
	 * registered reader, so every grace period is over at once). */
	for (uint32_t round = 1; round <= 8; round++) {
		assert_int_equal(fdb_flush(&all), added);
		assert_int_equal(fdb_count(), 0);
		assert_int_equal(fdb_count_port(1), 0);
		assert_int_equal(learn_until_full(round * 4 * cap, 4 * cap), added);
		assert_non_null(lookup(NET_A, round * 4 * cap));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_learn_lookup, fdb_setup, fdb_teardown),
		cmocka_unit_test_setup_teardown(test_move, fdb_setup, fdb_teardown),
		cmocka_unit_test_setup_teardown(test_networks_are_separate, fdb_setup,
				fdb_teardown),
		cmocka_unit_test_setup_teardown(test_static, fdb_setup, fdb_teardown),
		cmocka_unit_test_setup_teardown(test_ageing, fdb_setup, fdb_teardown),
		cmocka_unit_test_setup_teardown(test_port_limit, fdb_setup, fdb_teardown),
		cmocka_unit_test_setup_teardown(test_network_limit, fdb_setup, fdb_teardown),
		cmocka_unit_test_setup_teardown(test_walk_and_flush, fdb_setup, fdb_teardown),
		cmocka_unit_test_setup_teardown(test_table_full, fdb_setup_tiny, fdb_teardown),
		cmocka_unit_test_setup_teardown(test_million, million_setup, million_teardown),
	};
	return cmocka_run_group_tests_name("fdb", tests, group_setup, group_teardown);
}
