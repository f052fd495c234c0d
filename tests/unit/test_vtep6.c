/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The IPv6 VTEP id table (overlay/vtep6.c): ids round-trip, the bound is
 * kept and counted, referenced and recently used addresses survive the
 * sweep, the others go after two sweeps, and a released slot is not given
 * to another address while a worker (a QSBR reader) may still hold its id.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "eal_fixture.h"
#include "overlay/vtep_id.h"

#define READER 0
#define T0 1000u

static struct rte_rcu_qsbr *qsbr;

/* 2001:db8:: + i */
static void addr_of(unsigned i, uint8_t a[16])
{
	static const uint8_t base[16] = { 0x20, 0x01, 0x0d, 0xb8 };
	memcpy(a, base, 16);
	a[12] = (uint8_t)(i >> 24);
	a[13] = (uint8_t)(i >> 16);
	a[14] = (uint8_t)(i >> 8);
	a[15] = (uint8_t)i;
}

static int setup(void **state)
{
	(void)state;
	if (unit_eal_init("vtep6") < 0)
		return -1;
	size_t sz = rte_rcu_qsbr_get_memsize(4);
	qsbr = rte_zmalloc("qsbr", sz, RTE_CACHE_LINE_SIZE);
	return qsbr == NULL || rte_rcu_qsbr_init(qsbr, 4) != 0 ? -1 : 0;
}

static int teardown(void **state)
{
	(void)state;
	rte_free(qsbr);
	unit_eal_cleanup();
	return 0;
}

static int table_up(void **state)
{
	(void)state;
	return vtep6_init(qsbr);
}

static int table_down(void **state)
{
	(void)state;
	vtep6_fini();
	return 0;
}

/* Every id is IPv6's, distinct, and names its address; IPv4 stays itself. */
static void test_ids_round_trip(void **state)
{
	uint8_t a[16];
	struct nfva_ip ip;
	uint32_t first;

	(void)state;
	addr_of(1, a);
	first = vtep6_add(a, T0);
	assert_true(vtep_id_is_v6(first));
	assert_int_equal(vtep6_add(a, T0), first);
	assert_int_equal(vtep6_lookup(a, T0), first);
	assert_true(vtep_id_to_ip(first, &ip));
	assert_true(nfva_ip_is_v6(&ip));
	assert_memory_equal(ip.addr, a, 16);
	addr_of(2, a);
	assert_int_equal(vtep6_lookup(a, T0), 0);
	assert_int_not_equal(vtep6_add(a, T0), first);

	struct nfva_ip v4 = nfva_ip_v4(RTE_BE32(0xc0a80101)),
		       zero8 = nfva_ip_v4(RTE_BE32(0x00000005));
	uint32_t id;
	assert_int_equal(vtep_id_from_ip(&v4, &id), 0);
	assert_int_equal(id, RTE_BE32(0xc0a80101));
	assert_false(vtep_id_is_v6(id));
	assert_int_equal(vtep_id_from_ip(&zero8, &id), -EINVAL);
	assert_false(vtep_id_to_ip(RTE_BE32(0x00fffffe), &ip)); /* no such id */
}

/* VTEP6_MAX addresses fit; one more is refused and counted; nothing else
 * changes. */
static void test_bound(void **state)
{
	uint8_t a[16];
	struct vtep6_stats st;

	(void)state;
	for (unsigned i = 0; i < VTEP6_MAX; i++) {
		addr_of(i, a);
		assert_int_not_equal(vtep6_add(a, T0), 0);
	}
	addr_of(VTEP6_MAX, a);
	assert_int_equal(vtep6_add(a, T0), 0);
	assert_int_equal(vtep6_lookup(a, T0), 0);
	vtep6_get_stats(&st);
	assert_int_equal(st.count, VTEP6_MAX);
	assert_int_equal(st.full, 1);
	addr_of(7, a);
	assert_int_not_equal(vtep6_lookup(a, T0), 0);
}

/* Referenced or recently used addresses stay; an unused one goes only at
 * the second sweep that finds it unused. */
static void test_sweep(void **state)
{
	uint8_t a[16];
	uint32_t kept, used, idle;

	(void)state;
	addr_of(10, a);
	kept = vtep6_add(a, T0);
	addr_of(11, a);
	used = vtep6_add(a, T0);
	addr_of(12, a);
	idle = vtep6_add(a, T0);
	vtep_id_ref(kept, 1);
	uint32_t later = T0 + VTEP6_IDLE_S;
	assert_int_equal(vtep6_sweep_at(later), 0); /* condemned only */
	addr_of(11, a);
	assert_int_equal(vtep6_lookup(a, later), used); /* a frame: used again */
	assert_int_equal(vtep6_sweep_at(later + 10), 1);
	struct nfva_ip ip;
	assert_false(vtep_id_to_ip(idle, &ip));
	assert_true(vtep_id_to_ip(kept, &ip));
	assert_true(vtep_id_to_ip(used, &ip));
	vtep_id_ref(kept, -1);
	assert_int_equal(vtep6_sweep_at(later + 2 * VTEP6_IDLE_S), 0);
	assert_int_equal(vtep6_sweep_at(later + 2 * VTEP6_IDLE_S + 10), 2);
}

/* A full table, one address released while a reader is stalled: its slot
 * waits for the grace period; a new address gets it only afterwards. */
static void test_no_reuse_before_grace(void **state)
{
	uint8_t a[16];

	(void)state;
	for (unsigned i = 0; i < VTEP6_MAX; i++) {
		addr_of(i, a);
		assert_int_not_equal(vtep6_add(a, T0), 0);
		if (i != 0)
			vtep_id_ref(vtep6_lookup(a, T0), 1);
	}
	assert_int_equal(rte_rcu_qsbr_thread_register(qsbr, READER), 0);
	rte_rcu_qsbr_thread_online(qsbr, READER); /* and then silent */
	uint32_t later = T0 + VTEP6_IDLE_S;
	vtep6_sweep_at(later);
	assert_int_equal(vtep6_sweep_at(later + 10), 1); /* address 0 */
	addr_of(VTEP6_MAX + 1, a);
	assert_int_equal(vtep6_add(a, later), 0); /* its slot still waits */
	rte_rcu_qsbr_quiescent(qsbr, READER);
	assert_int_not_equal(vtep6_add(a, later), 0);
	rte_rcu_qsbr_thread_offline(qsbr, READER);
	rte_rcu_qsbr_thread_unregister(qsbr, READER);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ids_round_trip, table_up, table_down),
		cmocka_unit_test_setup_teardown(test_bound, table_up, table_down),
		cmocka_unit_test_setup_teardown(test_sweep, table_up, table_down),
		cmocka_unit_test_setup_teardown(test_no_reuse_before_grace, table_up, table_down),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
