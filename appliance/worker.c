/* SPDX-License-Identifier: BSD-3-Clause */
/* Worker lcores: the poll loop, idle back-off, load accounting, packet
 * trace dispatch, start/stop (see worker.h). */
#include <string.h>

#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>

#include "core/clock.h"
#include "offload/offload.h"
#include "core/log.h"
#include "mirror/mirror.h"
#include "slowpath/slowpath.h"
#include "slowpath/trace.h"
#include "core/workers.h"
#include "worker.h"

NFVA_LOG_REGISTER(worker)

#define IDLE_POLLS_BEFORE_SLEEP 256

static volatile bool stop_requested;
static struct worker_options options;

static void worker_eswitch_output(void *ctx, uint16_t out_ethdev, struct rte_mbuf *m)
{
	struct worker *w = ctx;
	uint16_t port = w->cfg->ethdev_port[out_ethdev];

	if (port == NFVA_PORT_NONE) { /* a rule toward a port we do not have */
		worker_drop(w, w->rx_port, DROP_ESWITCH_PORT, m);
		return;
	}
	/* The e-switch made this frame's mirror copies (its rule's SAMPLE):
	 * sending it must not make them again. */
	m->ol_flags |= mirror_copy_flag;
	port_output(w, port, NFVA_VLAN_NONE, m);
}

/* Emulated e-switch in front of the port: rule hits never reach the slow
 * path (they would not reach the representor on a real NIC). pkts has room
 * for 2 * NFVA_BURST frames (mirror copies come back with the misses). */
static uint16_t worker_eswitch(struct worker *w, const struct dp_port *p, struct port_counters *c,
		struct rte_mbuf **pkts, uint16_t n)
{
	uint64_t bytes = 0;
	for (uint16_t j = 0; j < n; j++)
		bytes += rte_pktmbuf_pkt_len(pkts[j]);
	uint16_t left = offload_eswitch_rx(p->emu, p->ethdev, pkts, n, 2 * NFVA_BURST,
			worker_eswitch_output, w);
	/* Copies for software mirroring came back with the misses. */
	left = mirror_marked(w, pkts, left);
	for (uint16_t j = 0; j < left; j++)
		bytes -= rte_pktmbuf_pkt_len(pkts[j]);
	c->eswitch_packets += n - left;
	c->eswitch_bytes += bytes;
	return left;
}

/* One received burst (or part of one) through the e-switch and the slow
 * path, timed from w->tsc. pkts has room for 2 * NFVA_BURST. */
static void worker_burst(struct worker *w, uint16_t port, struct rte_mbuf **pkts, uint16_t n)
{
	const struct dp_port *p = &w->cfg->ports[port];
	struct port_counters *c = &w->counters[port];
	uint16_t in = n;

	if (p->emu != NULL) {
		n = worker_eswitch(w, p, c, pkts, n);
		worker_stage(w, STAGE_ESWITCH, in);
		if (unlikely(w->trace != NULL))
			trace_stage(w, STAGE_ESWITCH, n, NULL);
	} else if (p->offload) { /* a NIC's mirror copies arrive on the representor */
		n = mirror_marked(w, pkts, n);
	}
	c->rx_packets += n;
	for (uint16_t j = 0; j < n; j++)
		c->rx_bytes += rte_pktmbuf_pkt_len(pkts[j]);
	if (n != 0)
		slowpath_input(w, port, pkts, n);
}

/* Tracing is armed: the frames to trace go through alone, in order with
 * the others, so that each one's decisions can be told apart. */
static void worker_burst_traced(struct worker *w, uint16_t port, struct rte_mbuf **pkts, uint16_t n)
{
	struct rte_mbuf *sub[2 * NFVA_BURST];
	uint16_t start = 0;

	for (uint16_t i = 0; i < n; i++) {
		if (!trace_want(port))
			continue;
		if (i > start) {
			memcpy(sub, pkts + start, (i - start) * sizeof(*sub));
			worker_burst(w, port, sub, i - start);
		}
		sub[0] = pkts[i];
		trace_begin(w, port, sub[0]);
		w->tsc = rte_rdtsc(); /* the trace's own work is not a stage's */
		worker_burst(w, port, sub, 1);
		trace_end(w);
		w->tsc = rte_rdtsc();
		start = i + 1;
	}
	if (n > start) {
		memcpy(sub, pkts + start, (n - start) * sizeof(*sub));
		worker_burst(w, port, sub, n - start);
	}
}

static unsigned worker_poll_ports(struct worker *w)
{
	const struct dp_worker_plan *plan = &w->cfg->workers[w->id];
	struct rte_mbuf *pkts[2 * NFVA_BURST]; /* room for e-switch mirror copies */
	unsigned total = 0;

	for (uint16_t i = 0; i < plan->n_queues; i++) {
		uint16_t port = plan->queues[i].port;
		uint16_t n = rte_eth_rx_burst(w->cfg->ports[port].ethdev, plan->queues[i].queue,
				pkts, NFVA_BURST);
		if (n == 0)
			continue;
		/* From the end of the last stage: empty polls before it included. */
		worker_stage(w, STAGE_RX, n);
		w->rx_port = port;
		total += n;
		if (unlikely(trace_armed)) /* the one test tracing costs when off */
			worker_burst_traced(w, port, pkts, n);
		else
			worker_burst(w, port, pkts, n);
	}
	return total;
}

/* The end of an iteration: frames from control, deferred learning, the tx
 * bursts, and a `stats clear` to honour. */
static void worker_iteration_end(struct worker *w)
{
	if (w->id == 0) {
		unsigned n = ctrl_input(w);
		if (n != 0)
			worker_stage(w, STAGE_CTRL_INPUT, n);
	}
	if (unlikely(w->n_retry != 0))
		l2_learn_retry(w);
	if (w->n_dirty != 0)
		worker_stage(w, STAGE_OUTPUT, port_output_flush(w));
	uint32_t gen = __atomic_load_n(&workers_clear_gen, __ATOMIC_ACQUIRE);
	if (unlikely(w->vteps.clear_gen != gen)) {
		memset(&w->loop, 0, sizeof(w->loop));
		memset(w->stages, 0, sizeof(w->stages));
		vtep_stats_reset(&w->vteps, gen);
	}
}

/* Busy or idle: the iteration's cycles go to one or the other. With stage
 * timing on, a busy iteration ends with its last stage (w->tsc, no
 * rte_rdtsc of its own). */
static uint64_t worker_account(struct worker *w, uint64_t start, unsigned n)
{
	uint64_t now = n != 0 && w->timing ? w->tsc : rte_rdtsc();
	struct loop_counters *l = &w->loop;

	l->iterations++;
	if (n != 0) {
		l->busy_iterations++;
		l->busy_cycles += now - start;
		l->packets += n;
	} else {
		l->idle_cycles += now - start;
	}
	w->tsc = now;
	return now;
}

static int worker_main(void *arg)
{
	struct worker *w = arg;
	struct rte_rcu_qsbr *v = dp_qsbr();
	unsigned idle = 0;

	rte_rcu_qsbr_thread_register(v, w->id);
	rte_rcu_qsbr_thread_online(v, w->id);
	NFVA_LOG(INFO, "worker %u on lcore %u", w->id, w->lcore);
	uint64_t tsc = w->tsc = rte_rdtsc();
	while (!__atomic_load_n(&stop_requested, __ATOMIC_RELAXED)) {
		w->cfg = dp_config_load();
		w->now = nfva_now_s();
		w->timing = __atomic_load_n(&stage_timing, __ATOMIC_RELAXED);
		unsigned n = worker_poll_ports(w);
		worker_iteration_end(w);
		w->cfg = NULL;
		rte_rcu_qsbr_quiescent(v, w->id);
		tsc = worker_account(w, tsc, n);
		idle = n == 0 ? idle + 1 : 0;
		/* Back off when idle so that several appliances can share a small
		 * machine; never on the forwarding path itself. */
		if (!options.busy_poll && idle > IDLE_POLLS_BEFORE_SLEEP) {
			rte_delay_us_sleep(options.idle_sleep_us);
			uint64_t now = rte_rdtsc();
			w->loop.sleep_cycles += now - tsc;
			tsc = w->tsc = now;
		}
	}
	rte_rcu_qsbr_thread_offline(v, w->id);
	rte_rcu_qsbr_thread_unregister(v, w->id);
	return 0;
}

int workers_start(struct rte_mempool *pool, const struct worker_options *opts)
{
	options = *opts;
	if (options.idle_sleep_us == 0)
		options.idle_sleep_us = 100;
	int ret = workers_alloc(pool);
	for (unsigned i = 0; ret == 0 && i < workers_count(); i++) {
		struct worker *w = worker_get(i);
		w->vteps.clear_gen = __atomic_load_n(&workers_clear_gen, __ATOMIC_ACQUIRE);
		ret = rte_eal_remote_launch(worker_main, w, w->lcore);
		if (ret != 0)
			return errno_log(ret, "rte_eal_remote_launch");
	}
	return ret;
}

void workers_stop(void)
{
	__atomic_store_n(&stop_requested, true, __ATOMIC_RELAXED);
	rte_eal_mp_wait_lcore();
	workers_free();
}
