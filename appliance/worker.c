/* SPDX-License-Identifier: BSD-3-Clause */
/* Worker lcores: the poll loop, idle back-off, start/stop (see worker.h). */
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
 * path (they would not reach the representor on a real NIC). */
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

static unsigned worker_poll_ports(struct worker *w)
{
	const struct dp_worker_plan *plan = &w->cfg->workers[w->id];
	struct rte_mbuf *pkts[2 * NFVA_BURST]; /* room for e-switch mirror copies */
	unsigned total = 0;

	for (uint16_t i = 0; i < plan->n_queues; i++) {
		uint16_t port = plan->queues[i].port;
		const struct dp_port *p = &w->cfg->ports[port];
		uint16_t n = rte_eth_rx_burst(p->ethdev, plan->queues[i].queue, pkts, NFVA_BURST);
		if (n == 0)
			continue;
		struct port_counters *c = &w->counters[port];
		w->rx_port = port;
		total += n;
		if (p->emu != NULL)
			n = worker_eswitch(w, p, c, pkts, n);
		else if (p->offload) /* a NIC's mirror copies arrive on the representor */
			n = mirror_marked(w, pkts, n);
		c->rx_packets += n;
		for (uint16_t j = 0; j < n; j++)
			c->rx_bytes += rte_pktmbuf_pkt_len(pkts[j]);
		if (n != 0)
			slowpath_input(w, port, pkts, n);
	}
	return total;
}

static int worker_main(void *arg)
{
	struct worker *w = arg;
	struct rte_rcu_qsbr *v = dp_qsbr();
	unsigned idle = 0;

	rte_rcu_qsbr_thread_register(v, w->id);
	rte_rcu_qsbr_thread_online(v, w->id);
	NFVA_LOG(INFO, "worker %u on lcore %u", w->id, w->lcore);
	while (!__atomic_load_n(&stop_requested, __ATOMIC_RELAXED)) {
		w->cfg = dp_config_load();
		w->now = nfva_now_s();
		unsigned n = worker_poll_ports(w);
		if (w->id == 0)
			ctrl_input(w);
		if (unlikely(w->n_retry != 0))
			l2_learn_retry(w);
		port_output_flush(w);
		w->cfg = NULL;
		rte_rcu_qsbr_quiescent(v, w->id);
		idle = n == 0 ? idle + 1 : 0;
		/* Back off when idle so that several appliances can share a small
		 * machine; never on the forwarding path itself. */
		if (!options.busy_poll && idle > IDLE_POLLS_BEFORE_SLEEP)
			rte_delay_us_sleep(options.idle_sleep_us);
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
