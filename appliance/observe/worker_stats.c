/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * `stats workers`: per worker, what OVS pmd-perf-show and VPP show runtime
 * tell: the rx queues it polls, busy and idle cycles (TSC), packets, cycles
 * per packet, and per stage of the burst path the bursts, packets and
 * cycles (core/stages.h). Also the `workers` section of `stats`.
 */
#include <stdio.h>

#include <rte_cycles.h>

#include "control/cmd.h"
#include "control/stats.h"
#include "core/dp_config.h"
#include "core/event.h"
#include "core/workers.h"
#include "observe/observe.h"
#include "ports/port.h"

static json_t *ratio(uint64_t num, uint64_t den)
{
	return den == 0 ? json_null() : json_real((double)num / (double)den);
}

static json_t *rx_queues_json(unsigned id)
{
	const struct dp_config *cfg = dp_config_load();
	json_t *list = json_array();

	if (cfg == NULL || id >= NFVA_MAX_WORKERS)
		return list;
	const struct dp_worker_plan *plan = &cfg->workers[id];
	for (uint16_t i = 0; i < plan->n_queues; i++) {
		const struct port *p = port_by_index(plan->queues[i].port);
		char q[NFVA_NAME_SIZE + 8];
		snprintf(q, sizeof(q), "%s:%u", p != NULL ? p->name : "?",
				(unsigned)plan->queues[i].queue);
		json_array_append_new(list, json_string(q));
	}
	return list;
}

static json_t *stages_json(const struct worker *w)
{
	json_t *list = json_array();

	for (unsigned s = 0; s < STAGE_MAX; s++) {
		const struct stage_counters *c = &w->stages[s];
		json_array_append_new(list,
				json_pack("{s:s, s:I, s:I, s:I, s:o}", "stage", stage_name(s),
						"bursts", (json_int_t)c->calls, "packets",
						(json_int_t)c->packets, "cycles",
						(json_int_t)c->cycles, "cycles_per_packet",
						ratio(c->cycles, c->packets)));
	}
	return list;
}

json_t *observe_worker_json(unsigned id)
{
	const struct worker *w = worker_get(id);
	if (w == NULL)
		return json_null();
	struct loop_counters l = w->loop;
	/* Busy share of the time the worker ran (polling or asleep). */
	uint64_t total = l.busy_cycles + l.idle_cycles + l.sleep_cycles;
	json_t *busy_pct = total == 0 ? json_null()
				      : json_real(100.0 * (double)l.busy_cycles / (double)total);
	return json_pack("{s:i, s:i, s:o, s:I, s:I, s:I, s:I, s:I, s:o, s:I, s:o, s:o}", "worker",
			(int)id, "lcore", (int)w->lcore, "rx_queues", rx_queues_json(id),
			"iterations", (json_int_t)l.iterations, "busy_iterations",
			(json_int_t)l.busy_iterations, "busy_cycles", (json_int_t)l.busy_cycles,
			"idle_cycles", (json_int_t)l.idle_cycles, "sleep_cycles",
			(json_int_t)l.sleep_cycles, "busy_pct", busy_pct, "packets",
			(json_int_t)l.packets, "cycles_per_packet", ratio(l.busy_cycles, l.packets),
			"stages", stages_json(w));
}

/* {"tsc_hz": N, "worker0": {...}, ...}: one section per worker when rendered. */
json_t *observe_workers_json(void)
{
	json_t *j = json_pack("{s:I, s:b}", "tsc_hz", (json_int_t)rte_get_tsc_hz(), "stage_timing",
			__atomic_load_n(&stage_timing, __ATOMIC_RELAXED));

	for (unsigned i = 0; i < workers_count(); i++) {
		char key[24];
		snprintf(key, sizeof(key), "worker%u", i);
		json_object_set_new(j, key, observe_worker_json(i));
	}
	return j;
}
STATS_SECTION("workers", observe_workers_json)

static int stats_workers_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	(void)a;
	r->result = observe_workers_json();
	return 0;
}
NFVA_CMD_RO(stats_workers_cmd, "stats workers",
		"per worker: rx queues, busy/idle cycles, packets, cycles per packet, per stage")

static int stats_workers_timing_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	__atomic_store_n(&stage_timing, cmd_has(a, "on"), __ATOMIC_RELAXED);
	r->result = json_pack("{s:b}", "stage_timing", cmd_has(a, "on"));
	return 0;
}
NFVA_CMD(stats_workers_timing_cmd, "stats workers timing on|off",
		"time each stage (on, the default) or only count its bursts and packets (off: "
		"one rte_rdtsc per busy iteration instead of one per stage)")

static int workers_stats_clear_event(const struct nfva_event *ev)
{
	(void)ev;
	workers_stats_clear();
	return 0;
}
EVENT_SUBSCRIBE(EVENT_STATS_CLEAR, workers_stats_clear_event)
