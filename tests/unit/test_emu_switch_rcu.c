/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Emulated e-switch tests of RCU: frees deferred until registered workers
 * are quiescent, hash key slots recycled through the defer queue, and a
 * worker thread classifying frames while the control thread creates,
 * destroys and flushes rules under it (run it under ASan to see a missed
 * grace period as a use after free); two workers counting on one rule that
 * pins its ingress port (a port's rx queues on two workers).
 */
#include <inttypes.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <rte_malloc.h>
#include <rte_rcu_qsbr.h>

#include "emu_test.h"

static const struct rte_flow_action to1[] = { OUT(1), ACT_END };

static struct rte_rcu_qsbr *qsbr_create(unsigned workers)
{
	size_t size = rte_rcu_qsbr_get_memsize(workers);
	struct rte_rcu_qsbr *q = rte_zmalloc("emu_test_qsbr", size, RTE_CACHE_LINE_SIZE);

	assert_non_null(q);
	assert_int_equal(rte_rcu_qsbr_init(q, workers), 0);
	return q;
}

/* Destroyed rules stay allocated until every registered worker has been
 * quiescent; an offline worker does not hold anything up. No assertion
 * while this thread is online: a failure would leave a grace period that
 * never ends for the teardown. */
void test_rcu(void **state)
{
	struct rte_rcu_qsbr *qsbr = qsbr_create(1);
	struct rte_flow_item pat[] = { PORT_ITEM(1), ITEM(ETH, NULL, NULL), ITEM_END };
	struct emu_switch *plain = sw;
	struct frame f;
	(void)state;

	assert_int_equal(rte_rcu_qsbr_thread_register(qsbr, 0), 0);
	sw = emu_switch_create("rcu", 64, qsbr);
	assert_non_null(sw);
	size_t empty = emu_switch_memory(sw);
	struct emu_rule *r = add(1, pat, to1);
	l2_frame(&f, mac(1, 1), mac(1, 2));
	assert_int_equal(send1(1, &f, NULL), 1);
	size_t with_rule = emu_switch_memory(sw);

	rte_rcu_qsbr_thread_online(qsbr, 0); /* a worker that holds on */
	int destroyed = emu_switch_rule_destroy(sw, r, NULL);
	int after = send1(1, &f, NULL);
	size_t pending = emu_switch_memory(sw);
	rte_rcu_qsbr_quiescent(qsbr, 0);
	rte_rcu_qsbr_thread_offline(qsbr, 0);
	assert_int_equal(destroyed, 0);
	assert_true(with_rule > empty);
	assert_int_equal(after, MISS);        /* unreachable at once ... */
	assert_int_equal(pending, with_rule); /* ... freed later */

	/* churn: 20,000 rules through a 64-rule switch, whose hash key slots
	 * come back through the defer queue */
	for (unsigned i = 0; i < 20000; i++) {
		struct emu_rule *c = add(1, pat, to1);
		assert_int_equal(emu_switch_rule_destroy(sw, c, NULL), 0);
	}
	emu_switch_flush(sw, NULL); /* waits for a grace period */
	assert_int_equal(emu_switch_memory(sw), empty);
	emu_switch_free(sw);
	sw = plain;
	rte_rcu_qsbr_thread_unregister(qsbr, 0);
	rte_free(qsbr);
}

#define WORKER_FRAMES 32
#define CHURN 30000
#define LIVE 1000

struct worker {
	struct rte_rcu_qsbr *qsbr;
	struct emu_switch *sw;
	volatile bool stop;
	uint64_t bursts;
	uint64_t hits;
	uint64_t bad; /* frames neither output to port 2 nor missed */
};

static struct rte_ether_addr churn_mac(unsigned i)
{
	return mac((uint8_t)(0x40 + (i >> 8) % 8), (uint8_t)i);
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	struct rte_mbuf *frames[WORKER_FRAMES], *pkts[WORKER_FRAMES];
	struct sink s = { .n = 0 };
	struct frame f;

	for (unsigned i = 0; i < WORKER_FRAMES; i++) {
		l2_frame(&f, churn_mac(i * 67), mac(1, 2));
		frames[i] = mbuf_of(&f);
	}
	rte_rcu_qsbr_thread_online(w->qsbr, 0);
	while (!w->stop) {
		memcpy(pkts, frames, sizeof(pkts));
		s.n = 0;
		uint16_t miss = emu_switch_process(w->sw, 1, pkts, WORKER_FRAMES, WORKER_FRAMES,
				sink_out, &s);
		w->hits += s.n;
		for (unsigned i = 0; i < s.n; i++)
			w->bad += s.port[i] != 2;
		w->bad += miss + s.n != WORKER_FRAMES;
		w->bursts++;
		rte_rcu_qsbr_quiescent(w->qsbr, 0);
	}
	rte_rcu_qsbr_thread_offline(w->qsbr, 0);
	for (unsigned i = 0; i < WORKER_FRAMES; i++)
		rte_pktmbuf_free(frames[i]);
	return NULL;
}

/* Rules on two masks (dst only, dst+src) come and go under the worker; the
 * tables grow, empty, get evicted by flushes. */
void test_concurrent(void **state)
{
	struct rte_flow_item_eth eth = { .hdr.src_addr = mac(1, 2) };
	struct rte_flow_item_eth dst_mask = { .hdr.dst_addr = MAC_FULL };
	struct rte_flow_item pat[] = { PORT_ITEM(1), ITEM(ETH, &eth, NULL), ITEM_END };
	struct rte_flow_action act[] = { OUT(2), ACT(COUNT, NULL), ACT_END };
	static struct emu_rule *live[LIVE];
	struct worker w = { .qsbr = qsbr_create(1) };
	pthread_t tid;
	(void)state;

	w.sw = emu_switch_create("concurrent", 4096, w.qsbr);
	assert_non_null(w.sw);
	assert_int_equal(rte_rcu_qsbr_thread_register(w.qsbr, 0), 0);
	assert_int_equal(pthread_create(&tid, NULL, worker_main, &w), 0);
	unsigned failed = 0;
	memset(live, 0, sizeof(live));
	/* no assertion until the worker is joined: it would keep running on a
	 * switch the teardown frees */
	for (unsigned i = 0; i < CHURN; i++) {
		struct rte_flow_attr attr = { .transfer = 1, .priority = i % 4 };
		unsigned slot = i % LIVE;
		if (live[slot] != NULL)
			failed += emu_switch_rule_destroy(w.sw, live[slot], NULL) != 0;
		eth.hdr.dst_addr = churn_mac(i);
		pat[1].mask = i % 3 ? &dst_mask : NULL;
		live[slot] = emu_switch_rule_create(w.sw, &attr, pat, act, NULL);
		failed += live[slot] == NULL;
		if (i % 10000 == 9999) {
			failed += emu_switch_flush(w.sw, NULL) != 0;
			memset(live, 0, sizeof(live));
		}
	}
	w.stop = true;
	pthread_join(tid, NULL);
	print_message("worker: %" PRIu64 " bursts, %" PRIu64 " hits during %u rule changes\n",
			w.bursts, w.hits, 2 * CHURN);
	emu_switch_free(w.sw);
	assert_int_equal(failed, 0);
	assert_int_equal(w.bad, 0);
	assert_true(w.bursts > 0);
	rte_rcu_qsbr_thread_unregister(w.qsbr, 0);
	rte_free(w.qsbr);
}

#define COUNT_BURSTS 200000

struct counter_worker {
	struct emu_switch *sw;
	unsigned cpu;  /* EAL pins the main thread, and threads inherit it */
	uint64_t hits; /* frames its sink received */
};

static void *counter_main(void *arg)
{
	struct counter_worker *w = arg;
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(w->cpu, &one);
	pthread_setaffinity_np(pthread_self(), sizeof(one), &one);
	struct rte_mbuf *frames[WORKER_FRAMES], *pkts[WORKER_FRAMES];
	struct sink s = { .n = 0 };
	struct frame f;

	l2_frame(&f, mac(1, 1), mac(1, 2));
	for (unsigned i = 0; i < WORKER_FRAMES; i++)
		frames[i] = mbuf_of(&f);
	for (unsigned b = 0; b < COUNT_BURSTS; b++) {
		memcpy(pkts, frames, sizeof(pkts));
		s.n = 0;
		emu_switch_process(w->sw, 1, pkts, WORKER_FRAMES, WORKER_FRAMES, sink_out, &s);
		w->hits += s.n;
	}
	for (unsigned i = 0; i < WORKER_FRAMES; i++)
		rte_pktmbuf_free(frames[i]);
	return NULL;
}

/* Both workers' hits reach the counter: none lost to the other's store. */
void test_count_two_workers(void **state)
{
	struct rte_flow_item pat[] = { PORT_ITEM(1), ITEM(ETH, NULL, NULL), ITEM_END };
	struct rte_flow_action act[] = { OUT(2), ACT(COUNT, NULL), ACT_END };
	struct counter_worker w[2] = { { .sw = sw, .cpu = 0 }, { .sw = sw, .cpu = 1 } };
	struct rte_flow_query_count count = { .reset = 0 };
	pthread_t tid[2];
	(void)state;

	if (sysconf(_SC_NPROCESSORS_ONLN) < 2)
		skip(); /* the race needs two CPUs */
	struct emu_rule *r = add(1, pat, act);
	for (unsigned i = 0; i < 2; i++)
		assert_int_equal(pthread_create(&tid[i], NULL, counter_main, &w[i]), 0);
	for (unsigned i = 0; i < 2; i++)
		pthread_join(tid[i], NULL);
	assert_int_equal(emu_switch_rule_query(sw, r, &count, NULL), 0);
	print_message("two workers: %" PRIu64 " + %" PRIu64 " hits output, counter %" PRIu64 "\n",
			w[0].hits, w[1].hits, count.hits);
	assert_int_equal(w[0].hits + w[1].hits, 2ull * COUNT_BURSTS * WORKER_FRAMES);
	assert_int_equal(count.hits, w[0].hits + w[1].hits);
	struct frame f;
	l2_frame(&f, mac(1, 1), mac(1, 2));
	assert_int_equal(count.bytes, count.hits * f.len);
}
