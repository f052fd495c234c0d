/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The emulated e-switch's control side (see emu_switch.h): creation, rule
 * validation, creation, destruction, query and flush. A rule is compiled
 * (emu_switch_items.c, emu_switch_actions.c) into one allocation holding its
 * masked key, program and encap bytes, then attached to the mask table of
 * its mask (emu_switch_tables.c); destroyed rules are freed after an RCU
 * grace period (emu_switch_defer.c). Control thread only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_malloc.h>

#include "../log.h"
#include "emu_switch_private.h"

NFVA_LOG_REGISTER(emu_switch)

#define VXLAN_REFS_BYTES (65536 * sizeof(uint32_t))

static uint32_t switch_ids;

struct emu_switch *emu_switch_create(const char *name, uint32_t max_rules,
		struct rte_rcu_qsbr *qsbr)
{
	if (name == NULL || max_rules == 0 || max_rules > (1u << 31)) {
		rte_errno = EINVAL;
		return NULL;
	}
	struct emu_switch *sw = rte_zmalloc("emu_switch", sizeof(*sw), RTE_CACHE_LINE_SIZE);
	if (sw == NULL) {
		rte_errno = ENOMEM;
		return NULL;
	}
	snprintf(sw->name, sizeof(sw->name), "%s", name);
	sw->id = __atomic_fetch_add(&switch_ids, 1, __ATOMIC_RELAXED);
	sw->max_rules = max_rules;
	sw->qsbr = qsbr;
	sw->mem = sizeof(*sw) + VXLAN_REFS_BYTES;
	TAILQ_INIT(&sw->rules);
	sw->vxlan_refs = calloc(65536, sizeof(*sw->vxlan_refs));
	int ret = sw->vxlan_refs == NULL ? -ENOMEM : emu_defer_init(sw);
	if (ret == 0)
		ret = emu_tables_init(sw);
	if (ret < 0) {
		emu_switch_free(sw);
		rte_errno = -ret;
		return NULL;
	}
	NFVA_LOG(INFO, "%s: emulated e-switch, up to %u rules", sw->name, max_rules);
	return sw;
}

void emu_switch_free(struct emu_switch *sw)
{
	if (sw == NULL)
		return;
	if (sw->tables != NULL) {
		emu_switch_flush(sw, NULL);
		rte_free(sw->tables);
	}
	emu_defer_fini(sw);
	free(sw->vxlan_refs);
	rte_free(sw);
}

static int check_attr(const struct rte_flow_attr *attr, struct rte_flow_error *error)
{
	if (attr == NULL)
		return rte_flow_error_set(error, EINVAL, RTE_FLOW_ERROR_TYPE_ATTR, NULL,
				"NULL attributes");
	if (!attr->transfer)
		return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ATTR_TRANSFER, attr,
				"emulated e-switch takes transfer rules only");
	if (attr->egress)
		return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ATTR_EGRESS, attr,
				"egress transfer rules are not supported");
	if (attr->group != 0)
		return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ATTR_GROUP, attr,
				"emulated e-switch has group 0 only");
	if (attr->priority > EMU_MAX_PRIORITY)
		return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ATTR_PRIORITY, attr,
				"priority above 16777215");
	return 0;
}

struct compiled {
	struct emu_match match;
	struct emu_prog prog;
	struct emu_encap encap;
};

static int compile(const struct rte_flow_attr *attr, const struct rte_flow_item pattern[],
		const struct rte_flow_action actions[], struct compiled *c,
		struct rte_flow_error *error)
{
	int ret = check_attr(attr, error);

	if (ret == 0)
		ret = emu_items_compile(pattern, &c->match, error);
	if (ret == 0)
		ret = emu_actions_compile(actions, &c->match, &c->prog, &c->encap, error);
	return ret;
}

int emu_switch_validate(struct emu_switch *sw, const struct rte_flow_attr *attr,
		const struct rte_flow_item pattern[], const struct rte_flow_action actions[],
		struct rte_flow_error *error)
{
	struct compiled c;

	RTE_SET_USED(sw);
	return compile(attr, pattern, actions, &c, error);
}

static struct emu_rule *rule_alloc(struct emu_switch *sw, const struct compiled *c,
		uint32_t priority)
{
	size_t size = sizeof(struct emu_rule) + (c->prog.encap != NULL ? sizeof(c->encap) : 0);
	struct emu_rule *r = aligned_alloc(RTE_CACHE_LINE_SIZE,
			RTE_ALIGN_CEIL(size, RTE_CACHE_LINE_SIZE));

	if (r == NULL)
		return NULL;
	memset(r, 0, sizeof(*r));
	r->size = RTE_ALIGN_CEIL(size, RTE_CACHE_LINE_SIZE);
	r->rank = ((uint64_t)priority << EMU_SEQ_BITS) | (sw->seq++ & ((1ull << EMU_SEQ_BITS) - 1));
	r->prog = c->prog;
	if (c->prog.encap != NULL) {
		r->encap[0] = c->encap;
		r->prog.encap = &r->encap[0];
	}
	r->key = c->match.key;
	r->vxlan_port = c->match.vxlan_port;
	return r;
}

struct emu_rule *emu_switch_rule_create(struct emu_switch *sw, const struct rte_flow_attr *attr,
		const struct rte_flow_item pattern[], const struct rte_flow_action actions[],
		struct rte_flow_error *error)
{
	struct compiled c;

	if (compile(attr, pattern, actions, &c, error) < 0)
		return NULL;
	if (sw->n_rules >= sw->max_rules) {
		rte_flow_error_set(error, ENOSPC, RTE_FLOW_ERROR_TYPE_UNSPECIFIED, NULL,
				"emulated e-switch full (max_rules)");
		return NULL;
	}
	struct emu_rule *r = rule_alloc(sw, &c, attr->priority);
	if (r == NULL) {
		rte_flow_error_set(error, ENOMEM, RTE_FLOW_ERROR_TYPE_UNSPECIFIED, NULL,
				"emulated e-switch: no memory for a rule");
		return NULL;
	}
	/* The port is VXLAN before any frame can hit the rule. */
	if (r->vxlan_port != 0)
		emu_vxlan_port_ref(sw, r->vxlan_port);
	if (emu_table_attach(sw, r, &c.match.mask, error) < 0) {
		if (r->vxlan_port != 0)
			emu_vxlan_port_unref(sw, r->vxlan_port);
		free(r);
		return NULL;
	}
	TAILQ_INSERT_TAIL(&sw->rules, r, link);
	sw->n_rules++;
	sw->mem += r->size;
	return r;
}

static void rule_remove(struct emu_switch *sw, struct emu_rule *r)
{
	emu_table_detach(sw, r);
	if (r->vxlan_port != 0)
		emu_vxlan_port_unref(sw, r->vxlan_port);
	TAILQ_REMOVE(&sw->rules, r, link);
	sw->n_rules--;
	emu_defer(sw, EMU_DEFER_RULE, r, 0);
}

int emu_switch_rule_destroy(struct emu_switch *sw, struct emu_rule *rule,
		struct rte_flow_error *error)
{
	if (rule == NULL || rule->table == NULL)
		return rte_flow_error_set(error, EINVAL, RTE_FLOW_ERROR_TYPE_HANDLE, rule,
				"no such rule");
	rule_remove(sw, rule);
	return 0;
}

int emu_switch_rule_query(struct emu_switch *sw, struct emu_rule *rule,
		struct rte_flow_query_count *count, struct rte_flow_error *error)
{
	RTE_SET_USED(sw);
	if (rule == NULL || count == NULL)
		return rte_flow_error_set(error, EINVAL, RTE_FLOW_ERROR_TYPE_HANDLE, rule,
				"no rule or no count to fill");
	if (rule->prog.count == EMU_COUNT_NONE)
		return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, NULL,
				"rule has no COUNT action");
	/* Workers own the counters; a reset moves the base line. */
	uint64_t hits = __atomic_load_n(&rule->hits, __ATOMIC_RELAXED);
	uint64_t bytes = __atomic_load_n(&rule->bytes, __ATOMIC_RELAXED);
	count->hits = hits - rule->hits_base;
	count->bytes = bytes - rule->bytes_base;
	if (count->reset) {
		rule->hits_base = hits;
		rule->bytes_base = bytes;
	}
	count->hits_set = 1;
	count->bytes_set = 1;
	return 0;
}

int emu_switch_flush(struct emu_switch *sw, struct rte_flow_error *error)
{
	struct emu_rule *r;

	RTE_SET_USED(error);
	while ((r = TAILQ_FIRST(&sw->rules)) != NULL)
		rule_remove(sw, r);
	emu_tables_reset(sw);
	emu_defer_drain(sw);
	return 0;
}

unsigned emu_switch_rule_count(const struct emu_switch *sw)
{
	return sw->n_rules;
}

size_t emu_switch_memory(const struct emu_switch *sw)
{
	return sw->mem + emu_tables_memory(sw);
}
