/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Worker lcores (worker.c): each polls the rx queues of the ports its plan in
 * the current dp_config assigns to it, hands each burst to the port's
 * e-switch (offload_port_rx) and what is left to the slow path, flushes its
 * tx buffers, then reports an RCU quiescent state. The top of the appliance:
 * nothing below includes this.
 */
#ifndef NFVA_WORKER_H
#define NFVA_WORKER_H

#include <stdbool.h>
#include <rte_mempool.h>

struct worker_options {
	bool busy_poll;         /* never sleep when idle (benchmarks) */
	unsigned idle_sleep_us; /* sleep after a run of empty polls */
};

/* Control thread: make the worker contexts and launch one per lcore but main. */
int workers_start(struct rte_mempool *pool, const struct worker_options *opts);
/* Control thread: stop them, wait, free the contexts. */
void workers_stop(void);

#endif
