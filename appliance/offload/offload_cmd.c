/* SPDX-License-Identifier: BSD-3-Clause */
/* Offload commands: show (rules, caps, counters), dump testpmd, on/off, limits. */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>

#include "control/cmd.h"
#include "control/running_config.h"
#include "core/event.h"
#include "core/dp_config.h"
#include "l2/network.h"
#include "ports/port.h"
#include "control/stats.h"
#include "offload/offload_private.h"

uint64_t offload_dropped_requests(void);

static const char *port_name(uint16_t i)
{
	const struct port *p = port_by_index(i);
	return p != NULL ? p->name : "?";
}

static json_t *mac_json(const struct rte_ether_addr *mac)
{
	char buf[RTE_ETHER_ADDR_FMT_SIZE];
	rte_ether_format_addr(buf, sizeof(buf), mac);
	return json_string(buf);
}

/* From the worker's request to the first frame the rule carried, in us;
 * null while it has carried none, or where the backend cannot tell. */
static json_t *live_us_json(const struct offload_rule *r, const struct offload_eswitch *sw)
{
	if (sw == NULL || sw->backend->first_hit == NULL || r->state != RULE_OFFLOADED ||
			r->handle == NULL || r->asked_tsc == 0)
		return json_null();
	uint64_t first = sw->backend->first_hit((struct offload_eswitch *)sw, r->handle);
	if (first == 0 || first < r->asked_tsc)
		return json_null();
	return json_integer((json_int_t)((first - r->asked_tsc) * 1000000 / rte_get_tsc_hz()));
}

static void rule_json(struct offload_rule *r, void *arg)
{
	const struct offload_decision *d = &r->decision;
	const struct offload_kind_ops *k = offload_kind_get(d->kind);
	const struct network *n = network_by_index(d->network);
	const struct offload_eswitch *sw = eswitch_get(r->eswitch);
	uint64_t now = offload_now_ms();
	char mirror[160];

	mirror_plan_describe(&r->mirror, mirror, sizeof(mirror));
	json_t *j = json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:s, s:I, s:I, s:I, "
			      "s:I, s:i, s:s}",
			"kind", k != NULL ? k->name : "?", "shape", r->shape ? r->shape->name : "?",
			"network", n ? n->name : "?", "in", port_name(d->in_port), "out",
			port_name(d->out_port), "src", mac_json(&d->src), "dst", mac_json(&d->dst),
			"vtep", json_null(), "state",
			r->state == RULE_OFFLOADED ? "offloaded" : "software", "reason", r->reason,
			"hits", (json_int_t)r->hits, "bytes", (json_int_t)r->bytes, "age_s",
			(json_int_t)((now - r->created_ms) / 1000), "idle_s",
			(json_int_t)((now - r->active_ms) / 1000), "install_us", (int)r->install_us,
			"backend", sw ? sw->backend->name : "-");
	json_object_set_new(j, "mirror", mirror[0] ? json_string(mirror) : json_null());
	json_object_set_new(j, "live_us", live_us_json(r, sw));
	if (k != NULL && k->to_json != NULL)
		k->to_json(d, j); /* vtep in place, kind-specific fields after */
	json_array_append_new(arg, j);
}

static json_t *cap_json(const struct offload_eswitch *sw, uint16_t port,
		const struct rule_shape *shape)
{
	const struct shape_cap *cap = &sw->caps[shape->id];
	const char *support = !cap->probed ? "unknown" : cap->supported ? "offloaded" : "software";
	return json_pack("{s:s, s:s, s:s, s:s, s:s}", "eswitch", port_name(port), "backend",
			sw->backend->name, "shape", shape->name, "support", support, "reason",
			cap->reason);
}

static json_t *caps_json(void)
{
	json_t *list = json_array();
	for (uint16_t i = 0; i < NFVA_MAX_PORTS; i++) {
		const struct offload_eswitch *sw = eswitch_get(i);
		const struct rule_shape *s = sw != NULL ? rule_shape_first() : NULL;
		for (; s != NULL; s = s->next)
			json_array_append_new(list, cap_json(sw, i, s));
	}
	return list;
}

static int offload_show_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	if (cmd_has(a, "caps")) {
		r->result = caps_json();
		return 0;
	}
	offload_counters_read(); /* hits as of now, not of the last tick */
	json_t *list = json_array();
	rules_walk(rule_json, list);
	r->result = list;
	return 0;
}
NFVA_CMD_RO(offload_show_cmd, "offload show [caps]",
		"rules with state (offloaded/software), reason, hits, bytes, age; caps: what the "
		"backend of each e-switch accepts")

struct dump_ctx {
	char *buf;
	size_t len, cap;
	unsigned index;
};

static void dump_rule(struct offload_rule *r, void *arg)
{
	struct dump_ctx *c = arg;
	const struct offload_eswitch *sw = eswitch_get(r->eswitch);
	if (!r->compiled)
		return; /* no rule: an empty pattern and action list would match everything */
	int n = flow_spec_to_testpmd(r->spec, sw ? sw->proxy_ethdev : 0, c->index, NULL, 0);

	if (n < 0)
		return;
	if (c->len + n + 1 > c->cap) {
		size_t cap = (c->len + n + 1) * 2;
		char *nb = realloc(c->buf, cap);
		if (nb == NULL)
			return;
		c->buf = nb;
		c->cap = cap;
	}
	flow_spec_to_testpmd(r->spec, sw ? sw->proxy_ethdev : 0, c->index++, c->buf + c->len,
			c->cap - c->len);
	c->len += n;
}

static int offload_dump_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	struct dump_ctx c = { 0 };
	(void)a;
	rules_walk(dump_rule, &c);
	r->result = json_string(c.buf != NULL ? c.buf : "");
	free(c.buf);
	return 0;
}
NFVA_CMD_RO(offload_dump_cmd, "offload dump testpmd",
		"every rule as dpdk-testpmd commands, to replay on real hardware")

static int offload_switch_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	bool on = cmd_has(a, "on");
	const char *name = cmd_arg(a, "PORT");

	if (name != NULL) {
		const struct port *p = port_find(name);
		if (p == NULL)
			return cmd_error(r, ENOENT, "no port named %s", name);
		offload_cfg.port_enabled[p->index] = on;
	} else {
		offload_cfg.enabled = on;
	}
	return dp_config_commit(); /* revalidation removes what may no longer run */
}
NFVA_CMD(offload_switch_cmd, "offload on|off [port PORT]",
		"turn offload on or off, globally or for one port (off: pure software switch)")

static int offload_set_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	uint32_t idle = cmd_arg_u32(a, "SECONDS", 10);
	if (idle > 86400)
		return cmd_error(r, EINVAL, "idle-timeout is at most 86400 seconds (a day)");
	if (cmd_arg(a, "SECONDS") != NULL)
		offload_cfg.idle_timeout_ms = idle * 1000;
	if (cmd_arg(a, "N") != NULL)
		offload_cfg.max_rules_per_port = cmd_arg_u32(a, "N", 0);
	return 0;
}
NFVA_CMD(offload_set_cmd, "offload set [idle-timeout SECONDS] [max-rules-per-port N]",
		"idle rules are removed after SECONDS; beyond N rules on a port flows stay in "
		"software")

static int offload_flush_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	unsigned n = rules_count();
	(void)a;
	rules_remove_if(NULL, NULL);
	r->result = json_pack("{s:i}", "removed", (int)n);
	return 0;
}
NFVA_CMD(offload_flush_cmd, "offload flush", "remove every rule (flows fall back to software)")

static int by_name(const void *a, const void *b)
{
	return strcmp((*(const struct port *const *)a)->name,
			(*(const struct port *const *)b)->name);
}

/* Settings that differ from the defaults; ports by name (their indexes may
 * change when the configuration is replayed). */
static void offload_config(struct config_out *o)
{
	const struct port *off[NFVA_MAX_PORTS];
	unsigned n = 0;

	if (!offload_cfg.enabled) {
		config_add(o, "offload off");
		config_end(o);
	}
	for (uint16_t i = 0; i < NFVA_MAX_PORTS; i++)
		if (port_by_index(i) != NULL && !offload_cfg.port_enabled[i])
			off[n++] = port_by_index(i);
	qsort(off, n, sizeof(off[0]), by_name);
	for (unsigned i = 0; i < n; i++) {
		config_add(o, "offload off port");
		config_word(o, off[i]->name);
		config_end(o);
	}
	bool idle = offload_cfg.idle_timeout_ms != OFFLOAD_IDLE_TIMEOUT_MS;
	bool limit = offload_cfg.max_rules_per_port != OFFLOAD_MAX_RULES;
	if (!idle && !limit)
		return;
	config_add(o, "offload set");
	if (idle)
		config_add(o, "idle-timeout %u", offload_cfg.idle_timeout_ms / 1000);
	if (limit)
		config_add(o, "max-rules-per-port %u", offload_cfg.max_rules_per_port);
	config_end(o);
}
CONFIG_SECTION(CONFIG_ORDER_OFFLOAD, offload_config)

/* A port added later in the same slot starts with offload on, like any new port. */
static int offload_port_removed(const struct nfva_event *ev)
{
	offload_cfg.port_enabled[ev->port] = true;
	return 0;
}
EVENT_SUBSCRIBE(EVENT_PORT_REMOVED, offload_port_removed)

static json_t *offload_stats_json(void)
{
	const struct offload_stats *s = &offload_stats;
	uint64_t avg = s->installs ? s->install_us_total / s->installs : 0;
	json_t *reasons = json_object();
	for (unsigned i = 0; i < FAILURE_REASONS && failure_reasons[i].count != 0; i++)
		json_object_set_new(reasons, failure_reasons[i].message,
				json_integer((json_int_t)failure_reasons[i].count));
	unsigned offloaded = rules_count_offloaded();
	json_t *j = json_pack("{s:b, s:i, s:i, s:i, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
			      "s:I, s:I, s:i}",
			"enabled", offload_cfg.enabled, "rules", (int)offloaded, "software",
			(int)(rules_count() - offloaded), "pending", (int)offload_pending(),
			"requests", (json_int_t)s->requests, "requests_dropped",
			(json_int_t)offload_dropped_requests(), "installs", (json_int_t)s->installs,
			"removals", (json_int_t)s->removals, "failures", (json_int_t)s->failures,
			"stale", (json_int_t)s->stale, "limit", (json_int_t)s->limit,
			"idle_removed", (json_int_t)s->idle_removed, "invalidations",
			(json_int_t)s->invalidations, "rebuilds", (json_int_t)s->rebuilds,
			"install_us_avg", (json_int_t)avg, "install_us_max",
			(int)s->install_us_max);
	json_object_set_new(j, "failure_reasons", reasons);
	return j;
}

static struct stats_section offload_section = { .name = "offload", .show = offload_stats_json };

RTE_INIT(offload_cmd_register)
{
	stats_register_section(&offload_section);
}
