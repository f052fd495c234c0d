/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rule lifecycle, four times a second on the control thread: read each
 * offloaded rule's counters (also when `offload show` asks); traffic in
 * hardware keeps the FDB entries of its MACs alive (the slow path no longer
 * sees those frames); a rule idle for the idle timeout is removed and its FDB
 * entries then age normally.
 * Software rules (refused by the backend) are retried after the same time.
 * Also fills the e-switch part of every datapath snapshot.
 */
#include "control/periodic.h"
#include "core/clock.h"
#include "core/dp_config.h"
#include "offload/emu/emu_switch.h"
#include "offload/offload_private.h"

/* Traffic in hardware keeps alive what the slow path no longer sees. */
static void rule_touch(const struct offload_decision *d, uint32_t now_s)
{
	const struct offload_kind_ops *k = offload_kind_get(d->kind);
	if (k != NULL)
		k->touch(d, now_s);
}

static void rule_tick(struct offload_rule *r, void *arg)
{
	uint64_t now = *(const uint64_t *)arg;
	struct offload_eswitch *sw = eswitch_get(r->eswitch);
	struct rte_flow_query_count c = { 0 };
	struct rte_flow_error err;

	rule_read_copies(r);
	if (r->state == RULE_OFFLOADED && sw != NULL &&
			sw->backend->query(sw, r->handle, &c, &err) == 0 && c.hits_set &&
			c.hits != r->hits) {
		r->hits = c.hits;
		r->bytes = c.bytes;
		r->active_ms = now;
		uint32_t now_s = nfva_now_s();
		rule_touch(&r->decision, now_s);
	}
}

static bool rule_idle(const struct offload_rule *r, const void *arg)
{
	uint64_t now = *(const uint64_t *)arg;
	return now - r->active_ms >= offload_cfg.idle_timeout_ms;
}

void offload_counters_read(void)
{
	uint64_t now = offload_now_ms();
	rules_walk(rule_tick, &now);
}

static void lifecycle_run(void)
{
	if (rules_count() == 0)
		return;
	offload_counters_read();
	uint64_t now = offload_now_ms();
	unsigned before = rules_count();
	rules_remove_if(rule_idle, &now);
	offload_stats.idle_removed += before - rules_count();
}

void eswitch_build(struct dp_config *cfg)
{
	for (uint16_t i = 0; i < NFVA_MAX_PORTS; i++) {
		int sw_id = eswitch_of_port(i);
		const struct offload_eswitch *sw = sw_id >= 0 ? eswitch_get(sw_id) : NULL;
		if (sw == NULL)
			continue;
		cfg->ports[i].offload = offload_cfg.enabled && offload_cfg.port_enabled[i];
		cfg->ports[i].emu = sw->backend == &offload_backend_emu ? sw->backend_ctx : NULL;
	}
}

static struct periodic_task lifecycle_task = { .name = "offload-lifecycle",
	.interval_ms = 250,
	.run = lifecycle_run };

RTE_INIT(lifecycle_register)
{
	periodic_register(&lifecycle_task);
}
