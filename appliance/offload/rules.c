/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The rule table: decision -> rule (rte_hash, control thread only). Install
 * checks that the decision still holds, compiles it, and gives it to the
 * e-switch's backend; a refusal keeps the flow in software with the PMD's
 * reason recorded. Nothing here ever stops traffic: until a rule is live,
 * and whenever it goes, the slow path forwards. Walks follow a list of the
 * rules, not rte_hash_iterate: that walks every bucket of a table sized
 * for a million rules (the first `offload show` of an idle appliance took
 * 118-311 ms, faulting in the empty buckets).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_jhash.h>

#include "core/log.h"
#include "offload/offload_private.h"

NFVA_LOG_REGISTER(rules)

static struct rte_hash *table;
static TAILQ_HEAD(, offload_rule) rule_list = TAILQ_HEAD_INITIALIZER(rule_list);
static uint32_t port_rules[NFVA_MAX_PORTS];

int rules_init(void)
{
	struct rte_hash_parameters params = {
		.name = "nfva_offload_rules",
		.entries = offload_cfg.max_rules,
		.key_len = sizeof(struct offload_decision),
		.hash_func = rte_jhash,
		.socket_id = SOCKET_ID_ANY,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	table = rte_hash_create(&params);
	return table == NULL ? errno_log(rte_errno, "rte_hash_create(rules)") : 0;
}

void rules_fini(void)
{
	rules_remove_if(NULL, NULL);
	rte_hash_free(table);
	table = NULL;
}

unsigned rules_count(void)
{
	return table == NULL ? 0 : (unsigned)rte_hash_count(table);
}

unsigned rules_count_offloaded(void)
{
	unsigned n = 0;
	for (unsigned i = 0; i < NFVA_MAX_PORTS; i++)
		n += port_rules[i];
	return n;
}

unsigned rules_count_port(uint16_t port)
{
	return port < NFVA_MAX_PORTS ? port_rules[port] : 0;
}

static void rule_free(struct offload_rule *r)
{
	free(r->spec);
	free(r);
}

/* The probed shape a mirrored rule also needs, NULL for none. */
static const struct rule_shape *mirror_shape(const struct mirror_plan *p)
{
	if (p->in.mode == MIRROR_HW_SOFTWARE || p->out.mode == MIRROR_HW_SOFTWARE)
		return &shape_mirror_software;
	return mirror_plan_active(p) ? &shape_mirror_port : NULL;
}

/* Try the backend; on refusal the rule stays in software with the reason. */
static void rule_offload(struct offload_rule *r, struct offload_eswitch *sw)
{
	struct rte_flow_error err = { 0 };
	const struct rule_shape *shapes[2] = { r->shape, mirror_shape(&r->mirror) };

	for (unsigned i = 0; i < RTE_DIM(shapes); i++) {
		const struct shape_cap *cap = shapes[i] != NULL ? &sw->caps[shapes[i]->id] : NULL;
		if (cap != NULL && cap->probed && !cap->supported) {
			snprintf(r->reason, sizeof(r->reason), "shape %s not supported: %s",
					shapes[i]->name, cap->reason);
			return;
		}
	}
	uint64_t t0 = rte_rdtsc();
	r->handle = sw->backend->create(sw, r->spec, &err);
	r->install_us = (uint32_t)((rte_rdtsc() - t0) * 1000000 / rte_get_tsc_hz());
	if (r->handle != NULL) {
		r->state = RULE_OFFLOADED;
		offload_stats.installs++;
		offload_stats.install_us_total += r->install_us;
		if (r->install_us > offload_stats.install_us_max)
			offload_stats.install_us_max = r->install_us;
		return;
	}
	snprintf(r->reason, sizeof(r->reason), "%s (%s)",
			err.message != NULL ? err.message : "refused", rte_strerror(rte_errno));
	offload_count_failure(err.message != NULL ? err.message : "refused");
	NFVA_LOG(DEBUG, "rule refused: %s", r->reason);
}

static void rule_compile(struct offload_rule *r, const struct compile_ctx *ctx, bool limited);

static struct offload_rule *rule_build(const struct offload_decision *d,
		const struct compile_ctx *ctx, int sw_id, bool limited)
{
	struct offload_rule *r = calloc(1, sizeof(*r));
	if (r == NULL || (r->spec = malloc(sizeof(*r->spec))) == NULL) {
		free(r);
		return NULL;
	}
	r->decision = *d;
	r->eswitch = sw_id;
	r->created_ms = r->active_ms = offload_now_ms();
	rule_compile(r, ctx, limited);
	return r;
}

/* Compile and hand to the backend (again, on a rebuild). */
static void rule_compile(struct offload_rule *r, const struct compile_ctx *ctx, bool limited)
{
	r->state = RULE_SOFTWARE;
	r->handle = NULL;
	r->reason[0] = '\0';
	memset(r->copies, 0, sizeof(r->copies));
	if (ctx->tmpl != NULL)
		r->tmpl = *ctx->tmpl;
	r->mirror = ctx->mirror;
	int ret = offload_compile(&r->decision, ctx, r->spec, &r->shape);
	r->compiled = ret == 0;
	if (ret < 0)
		snprintf(r->reason, sizeof(r->reason), "compile: %s",
				compile_refusal() != NULL ? compile_refusal() : strerror(-ret));
	else if ((r->limited = limited))
		snprintf(r->reason, sizeof(r->reason), "rule limit of the port reached (%u)",
				offload_cfg.max_rules_per_port);
	else
		rule_offload(r, eswitch_get(r->eswitch));
}

void rules_install(const struct offload_decision *d, uint64_t asked_tsc)
{
	struct compile_ctx ctx = { 0 };
	const char *why;

	void *data;
	if (rte_hash_lookup_data(table, d, &data) >= 0) {
		struct offload_rule *old = data;
		if (!old->limited)
			return;
		/* Retry a flow the limit kept in software once there is room. */
		if (port_rules[d->in_port] >= offload_cfg.max_rules_per_port) {
			offload_stats.limit++; /* asked again, refused again */
			return;
		}
		rules_remove(old);
	}
	if (rules_count() >= offload_cfg.max_rules) {
		offload_stats.limit++;
		return;
	}
	if (!decision_current(d, &ctx, &why)) {
		offload_stats.stale++;
		return;
	}
	/* Beyond the port's limit the flow stays in software, visibly. */
	bool limited = port_rules[d->in_port] >= offload_cfg.max_rules_per_port;
	struct offload_rule *r = rule_build(d, &ctx, eswitch_of_port(d->in_port), limited);
	if (r == NULL)
		return;
	if (limited)
		offload_stats.limit++;
	if (rte_hash_add_key_data(table, d, r) < 0) {
		rules_remove(r);
		return;
	}
	TAILQ_INSERT_TAIL(&rule_list, r, link);
	r->listed = true;
	r->asked_tsc = asked_tsc;
	if (r->state == RULE_OFFLOADED)
		port_rules[d->in_port]++;
}

/* Destroys the rule in the backend and forgets it. */
void rules_remove(struct offload_rule *r)
{
	struct rte_flow_error err = { 0 };
	struct offload_eswitch *sw = eswitch_get(r->eswitch);

	bool offloaded = r->state == RULE_OFFLOADED;
	if (offloaded)
		rule_read_copies(r);
	if (offloaded && sw != NULL) {
		if (sw->backend->destroy(sw, r->handle, &err) != 0)
			NFVA_LOG(WARNING, "destroy: %s", err.message ? err.message : "failed");
		offload_stats.removals++;
	}
	if (r->listed) {
		TAILQ_REMOVE(&rule_list, r, link);
		r->listed = false;
		if (rte_hash_del_key(table, &r->decision) >= 0 && offloaded)
			port_rules[r->decision.in_port]--;
	}
	rule_free(r);
}

/* Takes the rule out of the backend (keeping it in the table). */
static void rule_unload(struct offload_rule *r)
{
	struct rte_flow_error err = { 0 };
	struct offload_eswitch *sw = eswitch_get(r->eswitch);

	if (r->state != RULE_OFFLOADED)
		return;
	rule_read_copies(r);
	if (sw != NULL && sw->backend->destroy(sw, r->handle, &err) != 0)
		NFVA_LOG(WARNING, "destroy: %s", err.message ? err.message : "failed");
	offload_stats.removals++;
	port_rules[r->decision.in_port]--;
	r->state = RULE_SOFTWARE;
}

/* The rule's actions no longer match what the slow path would do (another
 * template, other mirror sessions): replace it at once. In between, frames
 * take the slow path, which already follows the new state. */
static void rule_rebuild(struct offload_rule *r, const struct compile_ctx *ctx)
{
	rule_unload(r);
	r->asked_tsc = 0; /* rebuilt, not asked for: no decision-to-rule latency */
	rule_compile(r, ctx, r->limited);
	if (r->state == RULE_OFFLOADED)
		port_rules[r->decision.in_port]++;
	offload_stats.rebuilds++;
}

static bool rule_changed(const struct offload_rule *r, const struct compile_ctx *ctx)
{
	if (ctx->tmpl != NULL &&
			(ctx->tmpl->len != r->tmpl.len || ctx->tmpl->udp_csum != r->tmpl.udp_csum ||
					memcmp(ctx->tmpl->hdr, r->tmpl.hdr, r->tmpl.len) != 0))
		return true;
	return memcmp(&ctx->mirror, &r->mirror, sizeof(r->mirror)) != 0;
}

/* Every rule against the current state: gone, rebuilt or kept. Returns how
 * many were removed. Collect first (see rules_remove_if). */
unsigned rules_refresh(void)
{
	unsigned n = rules_count(), k = 0, removed = 0;
	struct offload_rule **all = n ? malloc(n * sizeof(*all)) : NULL;
	struct offload_rule *r;

	if (all == NULL)
		return 0;
	TAILQ_FOREACH(r, &rule_list, link)
		if (k < n)
			all[k++] = r;
	for (unsigned i = 0; i < k; i++) {
		struct compile_ctx ctx = { 0 };
		const char *why;
		if (!decision_current(&all[i]->decision, &ctx, &why)) {
			rules_remove(all[i]);
			removed++;
		} else if (rule_changed(all[i], &ctx)) {
			rule_rebuild(all[i], &ctx);
		}
	}
	free(all);
	return removed;
}

void rules_walk(rules_walk_cb cb, void *arg)
{
	struct offload_rule *r;
	TAILQ_FOREACH(r, &rule_list, link)
		cb(r, arg);
}

/* NULL doomed removes everything. Collect first: doomed() and removal may
 * change the list. */
void rules_remove_if(bool (*doomed)(const struct offload_rule *r, const void *arg), const void *arg)
{
	unsigned n = rules_count(), k = 0;
	struct offload_rule **victims = n ? malloc(n * sizeof(*victims)) : NULL;
	struct offload_rule *r;

	if (victims == NULL)
		return;
	TAILQ_FOREACH(r, &rule_list, link)
		if (k < n && (doomed == NULL || doomed(r, arg)))
			victims[k++] = r;
	for (unsigned i = 0; i < k; i++)
		rules_remove(victims[i]);
	free(victims);
}
