/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the EAL harnesses share: EAL without hugepages or PCI (two lcores:
 * the harness thread plays worker 0, no worker thread is launched), every
 * module as main() initialises them, a configuration given as command lines
 * (the same command language as the startup file), and one step of the
 * appliance: the slow path on a burst, then the control side (punted frames
 * to their handlers, periodic tasks, offload requests) and worker 0's
 * control ring and tx flush, as the poll loop and the control loop do.
 */
#ifndef NFVA_FUZZ_ENV_H
#define NFVA_FUZZ_ENV_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_cycles.h>
#include <rte_eal.h>
#include <rte_ethdev.h>

#include "control/cmd.h"
#include "control/periodic.h"
#include "core/clock.h"
#include "core/dp_config.h"
#include "core/mbufs.h"
#include "core/module.h"
#include "core/punt.h"
#include "core/workers.h"
#include "offload/offload.h"
#include "ports/port.h"
#include "slowpath/slowpath.h"

#include "../lib/eal_env.h"

static inline void fuzz_die(const char *what)
{
	fprintf(stderr, "fuzz setup: %s\n", what);
	abort();
}

/* EAL, modules, first snapshot; worker 0's context (not launched). */
static inline struct worker *fuzz_env_init(const char *name)
{
	static const char *const log_levels[] = { "*:error", NULL };
	if (test_eal_init("fuzz", name, 512, "0,1", log_levels) < 0)
		fuzz_die("rte_eal_init");
	atexit(test_eal_remove_runtime_dir);
	if (modules_init() != 0 || dp_config_commit() != 0)
		fuzz_die("modules");
	if (workers_alloc(nfva_mbuf_pool()) != 0)
		fuzz_die("workers_alloc");
	return worker_get(0);
}

/* Every line must succeed: the harness runs on a known configuration. */
static inline void fuzz_configure(const char *const *lines, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		struct cmd_reply reply;
		if (cmd_execute(lines[i], &reply) < 0) {
			fprintf(stderr, "fuzz setup: `%s`: %s\n", lines[i], reply.error);
			abort();
		}
		json_decref(reply.result);
		cmd_stream_free(&reply.stream);
	}
}

/* The MAC of a port by name (net_null picks one at random). */
static inline void fuzz_port_mac(const char *name, uint8_t mac[6])
{
	const struct port *p = port_find(name);
	struct rte_ether_addr a;
	if (p == NULL || rte_eth_macaddr_get(p->ethdev, &a) != 0)
		fuzz_die("port mac");
	memcpy(mac, a.addr_bytes, 6);
}

/* One poll-loop iteration for pkts received on port, then the control side
 * until nothing is left to do (a handler may send: worker 0 takes it). */
static inline void fuzz_step(struct worker *w, uint16_t port, struct rte_mbuf **pkts, uint16_t n)
{
	w->cfg = dp_config_load();
	w->now = nfva_now_s();
	w->rx_port = port;
	if (n != 0)
		slowpath_input(w, port, pkts, n);
	port_output_flush(w);
	w->cfg = NULL;
	for (unsigned round = 0; round < 4; round++) {
		unsigned work = punt_service() + offload_service();
		periodic_run();
		w->cfg = dp_config_load();
		ctrl_input(w);
		if (w->n_retry != 0)
			l2_learn_retry(w);
		port_output_flush(w);
		w->cfg = NULL;
		if (work == 0)
			break;
	}
}

#endif
