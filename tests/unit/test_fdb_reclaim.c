/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * FDB capacity under bulk deletes while a worker learns (reliability review
 * D1). A real QSBR reader thread stands for a worker: it reports quiescent
 * states and learns new MACs in a loop, as workers do, while the control
 * thread flushes and refills a full table several times. Every deleted
 * entry must come back: after the rounds the table must take its full
 * capacity again, and the worker must never have waited on the writer lock
 * for the length of a bulk delete (it may be told to retry instead).
 *
 * Ageing in steps (the soak's stalls): with a reader that stops reporting,
 * a step must return at once with nothing removed once half the defer
 * queue's room is used, never wait, and go on when the reader moves; the
 * table must be whole again afterwards.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "core/bounds.h"
#include "l2/fdb.h"
#include "eal_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#define CAPACITY 16384
#define ROUNDS 4
#define NET 1
#define WORKER_ID 0

static struct rte_rcu_qsbr *qsbr;

struct worker_arg {
	volatile bool stop;
	uint64_t learned, busy, full, other;
};

static struct fdb_key key_of(uint32_t i)
{
	struct fdb_key k = { .network = NET,
		.mac = { .addr_bytes = { 0x02, 0x00, i >> 24, i >> 16, i >> 8, i } } };
	return k;
}

static union fdb_dest port_dest(uint16_t port)
{
	union fdb_dest d = { .u64 = 0 };
	d.kind = FDB_DEST_PORT;
	d.port = port;
	d.vlan = NFVA_VLAN_NONE;
	return d;
}

/* A worker: quiescent state, then try to learn a MAC nobody else uses. */
static void *worker_main(void *p)
{
	struct worker_arg *a = p;
	uint32_t i = 0x40000000;

	rte_rcu_qsbr_thread_register(qsbr, WORKER_ID);
	rte_rcu_qsbr_thread_online(qsbr, WORKER_ID);
	while (!__atomic_load_n(&a->stop, __ATOMIC_ACQUIRE)) {
		rte_rcu_qsbr_quiescent(qsbr, WORKER_ID);
		struct fdb_key k = key_of(i++);
		switch (fdb_learn(&k, port_dest(2), 1, NULL)) {
		case FDB_LEARN_NEW:
			a->learned++;
			break;
		case FDB_LEARN_BUSY:
			a->busy++;
			break;
		case FDB_LEARN_FULL:
			a->full++;
			break;
		default:
			a->other++;
			break;
		}
	}
	rte_rcu_qsbr_thread_offline(qsbr, WORKER_ID);
	rte_rcu_qsbr_thread_unregister(qsbr, WORKER_ID);
	return NULL;
}

/* Control learns until the table says full; returns how many went in. */
static uint32_t fill(uint32_t base)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < 4 * CAPACITY; i++) {
		struct fdb_key k = key_of(base + i);
		enum fdb_learn_result r = fdb_learn(&k, port_dest(1), 1, NULL);
		if (r == FDB_LEARN_NEW)
			n++;
		else if (r == FDB_LEARN_FULL)
			break;
	}
	return n;
}

static void test_flush_while_worker_learns(void **state)
{
	(void)state;
	const struct fdb_filter all = { NFVA_NETWORK_NONE, NFVA_PORT_NONE, .dynamic_only = false };
	struct worker_arg arg = { 0 };
	pthread_t t;

	assert_int_equal(fill(0), CAPACITY);
	assert_int_equal(pthread_create(&t, NULL, worker_main, &arg), 0);
	for (uint32_t round = 1; round <= ROUNDS; round++) {
		unsigned flushed = fdb_flush(&all);
		printf("round %u: flushed %u, refilled %u (worker: learned %lu, busy %lu, "
		       "full %lu)\n",
				round, flushed, fill(round * 4 * CAPACITY),
				(unsigned long)arg.learned, (unsigned long)arg.busy,
				(unsigned long)arg.full);
	}
	__atomic_store_n(&arg.stop, true, __ATOMIC_RELEASE);
	pthread_join(t, NULL);
	assert_int_equal(arg.other, 0);

	/* Empty again, the table must take its full capacity. */
	fdb_flush(&all);
	assert_int_equal(fdb_count(), 0);
	uint32_t refill = fill(0x20000000);
	printf("after %u rounds: the table takes %u of %u entries\n", ROUNDS, refill, CAPACITY);
	assert_int_equal(refill, CAPACITY);
	assert_int_equal(fdb_count(), CAPACITY);
}

/* Learns n MACs from base at time now (control, no reader). */
static void learn_at(uint32_t base, uint32_t n, uint32_t now)
{
	for (uint32_t i = 0; i < n; i++) {
		struct fdb_key k = key_of(base + i);
		assert_int_equal(fdb_learn(&k, port_dest(1), now, NULL), FDB_LEARN_NEW);
	}
}

/* Runs ageing steps until the pass ends or (stalled reader) a step removes
 * nothing; the number removed. quiesce: the reader reports before every
 * step (a step may still find a token it has only just taken unpassed). */
static uint32_t age_steps(uint32_t now, bool quiesce, bool *done)
{
	uint32_t total = 0;
	unsigned removed;
	for (int guard = 0; guard < 100000; guard++) {
		if (quiesce)
			rte_rcu_qsbr_quiescent(qsbr, WORKER_ID);
		*done = !fdb_age_step(now, 2, &removed);
		total += removed;
		if (*done || (removed == 0 && !quiesce))
			return total;
	}
	fail_msg("ageing steps never ended");
	return total;
}

static void test_ageing_steps_never_wait(void **state)
{
	(void)state;
	bool done;

	learn_at(0, CAPACITY / 2, 1);                  /* aged at 4 */
	learn_at(CAPACITY, CAPACITY / 2, 100);         /* not aged */
	rte_rcu_qsbr_thread_register(qsbr, WORKER_ID); /* this thread: a reader that stalls */
	rte_rcu_qsbr_thread_online(qsbr, WORKER_ID);

	uint32_t first = age_steps(4, false, &done);
	printf("stalled reader: %u removed, then the step returns at once\n", first);
	assert_false(done);
	assert_in_range(first, 1, CAPACITY / 16 + 32); /* below half the defer queue's room */
	unsigned removed;
	for (int i = 0; i < 1000; i++) {
		assert_true(fdb_age_step(4, 2, &removed));
		assert_int_equal(removed, 0);
	}
	uint32_t rest = age_steps(4, true, &done); /* the reader moves on, step by step */
	assert_true(done);
	assert_int_equal(first + rest, CAPACITY / 2);
	assert_int_equal(fdb_count(), CAPACITY / 2);
	rte_rcu_qsbr_thread_offline(qsbr, WORKER_ID);
	rte_rcu_qsbr_thread_unregister(qsbr, WORKER_ID);

	/* Nothing leaked in the defer queue: the table takes its capacity again. */
	assert_int_equal(fill(0x30000000), CAPACITY / 2);
	assert_int_equal(fdb_count(), CAPACITY);
}

static int group_setup(void **state)
{
	(void)state;
	if (unit_eal_init("fdb_reclaim") < 0)
		return -1;
	qsbr = rte_zmalloc("test_qsbr", rte_rcu_qsbr_get_memsize(1), RTE_CACHE_LINE_SIZE);
	if (qsbr == NULL || rte_rcu_qsbr_init(qsbr, 1) != 0)
		return -1;
	return fdb_init(CAPACITY, qsbr);
}

static int fdb_fresh(void **state)
{
	(void)state;
	fdb_fini();
	return fdb_init(CAPACITY, qsbr);
}

static int group_teardown(void **state)
{
	(void)state;
	fdb_fini();
	rte_free(qsbr);
	unit_eal_cleanup();
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flush_while_worker_learns),
		cmocka_unit_test_setup_teardown(test_ageing_steps_never_wait, fdb_fresh, NULL),
	};
	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
