/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The emulated e-switch's control side (see emu_switch.h): creation, rule
 * validation, creation, destruction, query and flush. A rule is compiled
 * (emu_switch_items.c, emu_switch_actions.c) into one allocation holding its
 * masked key, program, encap bytes and samples, then attached to the mask table of
 * its mask (emu_switch_tables.c); destroyed rules are freed after an RCU
 * grace period (emu_switch_defer.c). Control thread only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_malloc.h>

#include "core/log.h"
#include "offload/emu/emu_switch_private.h"

NFVA_LOG_REGISTER(emu_switch)

#define UDP_REFS_BYTES (65536 * sizeof(uint32_t))

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
	sw->mem = sizeof(*sw) + UDP_REFS_BYTES;
	TAILQ_INIT(&sw->rules);
	sw->udp_refs = calloc(65536, sizeof(*sw->udp_refs));
	int ret = sw->udp_refs == NULL ? -ENOMEM : emu_defer_init(sw);
	if (ret == 0)
		ret = emu_tables_init(sw);
	if (ret == 0)
		ret = emu_emc_init(sw);
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
	emu_emc_fini(sw);
	free(sw->udp_refs);
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
	struct emu_sample samples[EMU_MAX_SAMPLES];
};

static int compile(const struct rte_flow_attr *attr, const struct rte_flow_item pattern[],
		const struct rte_flow_action actions[], struct compiled *c,
		struct rte_flow_error *error)
{
	int ret = check_attr(attr, error);

	if (ret == 0)
		ret = emu_items_compile(pattern, &c->match, error);
	if (ret == 0)
		ret = emu_actions_compile(actions, &c->match, &c->prog, &c->encap, c->samples,
				error);
	return ret;
}

/* A UDP port is parsed as VXLAN or for a RAW item's payload, not both. */
static int check_ports(const struct emu_switch *sw, const struct emu_match *m,
		struct rte_flow_error *error)
{
	static __thread char msg[112];
	uint16_t port = m->vxlan_port != 0 ? m->vxlan_port : m->payload_port;
	enum emu_udp_kind kind = m->vxlan_port != 0 ? EMU_UDP_VXLAN : EMU_UDP_PAYLOAD;

	if (port == 0 || emu_udp_port_check(sw, kind, port) == 0)
		return 0;
	snprintf(msg, sizeof(msg), "UDP port %u is taken by another rule's %s item", port,
			kind == EMU_UDP_VXLAN ? "RAW" : "VXLAN");
	return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ITEM, NULL, msg);
}

int emu_switch_validate(struct emu_switch *sw, const struct rte_flow_attr *attr,
		const struct rte_flow_item pattern[], const struct rte_flow_action actions[],
		struct rte_flow_error *error)
{
	struct compiled c;
	int ret = compile(attr, pattern, actions, &c, error);

	return ret < 0 ? ret : check_ports(sw, &c.match, error);
}

/* One block: the rule, its encap, its samples (8-byte aligned). */
static size_t rule_layout(const struct compiled *c, size_t *samples_off)
{
	size_t size = sizeof(struct emu_rule) + (c->prog.encap != NULL ? sizeof(c->encap) : 0);

	*samples_off = RTE_ALIGN_CEIL(size, sizeof(uint64_t));
	return *samples_off + c->prog.n_samples * sizeof(struct emu_sample);
}

static struct emu_rule *rule_alloc(struct emu_switch *sw, const struct compiled *c,
		uint32_t priority)
{
	size_t samples_off;
	size_t size = rule_layout(c, &samples_off);
	struct emu_rule *r = aligned_alloc(RTE_CACHE_LINE_SIZE,
			RTE_ALIGN_CEIL(size, RTE_CACHE_LINE_SIZE));

	if (r == NULL)
		return NULL;
	memset(r, 0, sizeof(*r));
	r->size = RTE_ALIGN_CEIL(size, RTE_CACHE_LINE_SIZE);
	r->rank = ((uint64_t)priority << EMU_SEQ_BITS) | (sw->seq++ & ((1ull << EMU_SEQ_BITS) - 1));
	r->prog = c->prog;
	r->prog.mtu = emu_egress_mtu(&c->prog);
	if (c->prog.encap != NULL) {
		struct emu_encap *e = (struct emu_encap *)r->tail;
		*e = c->encap;
		r->prog.encap = e;
	}
	if (c->prog.n_samples != 0) {
		r->prog.samples = (struct emu_sample *)((uint8_t *)r + samples_off);
		memcpy(r->prog.samples, c->samples, c->prog.n_samples * sizeof(c->samples[0]));
	}
	r->key = c->match.key;
	r->vxlan_port = c->match.vxlan_port;
	r->payload_port = c->match.payload_port;
	return r;
}

static void ports_ref(struct emu_switch *sw, const struct emu_rule *r)
{
	if (r->vxlan_port != 0)
		emu_udp_port_ref(sw, EMU_UDP_VXLAN, r->vxlan_port);
	if (r->payload_port != 0)
		emu_udp_port_ref(sw, EMU_UDP_PAYLOAD, r->payload_port);
}

static void ports_unref(struct emu_switch *sw, const struct emu_rule *r)
{
	if (r->vxlan_port != 0)
		emu_udp_port_unref(sw, EMU_UDP_VXLAN, r->vxlan_port);
	if (r->payload_port != 0)
		emu_udp_port_unref(sw, EMU_UDP_PAYLOAD, r->payload_port);
}

struct emu_rule *emu_switch_rule_create(struct emu_switch *sw, const struct rte_flow_attr *attr,
		const struct rte_flow_item pattern[], const struct rte_flow_action actions[],
		struct rte_flow_error *error)
{
	struct compiled c;

	if (compile(attr, pattern, actions, &c, error) < 0 || check_ports(sw, &c.match, error) < 0)
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
	/* The port is parsed before any frame can hit the rule. */
	ports_ref(sw, r);
	if (emu_table_attach(sw, r, &c.match.mask, error) < 0) {
		ports_unref(sw, r);
		emu_emc_invalidate(sw); /* a key extracted meanwhile may have the port */
		free(r);
		return NULL;
	}
	TAILQ_INSERT_TAIL(&sw->rules, r, link);
	sw->n_rules++;
	sw->mem += r->size;
	emu_emc_invalidate(sw); /* it may outrank what a cache holds */
	return r;
}

static void rule_remove(struct emu_switch *sw, struct emu_rule *r)
{
	emu_table_detach(sw, r);
	ports_unref(sw, r);
	TAILQ_REMOVE(&sw->rules, r, link);
	sw->n_rules--;
	emu_emc_invalidate(sw); /* before the free is queued: no cache reaches r */
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

/* Workers own the counters; a reset moves the base line. */
static void count_read(const uint64_t *hits, const uint64_t *bytes, uint64_t *hits_base,
		uint64_t *bytes_base, struct rte_flow_query_count *count)
{
	uint64_t h = __atomic_load_n(hits, __ATOMIC_RELAXED);
	uint64_t b = __atomic_load_n(bytes, __ATOMIC_RELAXED);

	count->hits = h - *hits_base;
	count->bytes = b - *bytes_base;
	if (count->reset) {
		*hits_base = h;
		*bytes_base = b;
	}
	count->hits_set = 1;
	count->bytes_set = 1;
}

uint64_t emu_switch_rule_first_hit(const struct emu_rule *rule)
{
	return rule != NULL ? __atomic_load_n(&rule->first_hit_tsc, __ATOMIC_RELAXED) : 0;
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
	count_read(&rule->hits, &rule->bytes, &rule->hits_base, &rule->bytes_base, count);
	return 0;
}

int emu_switch_rule_query_sample(struct emu_switch *sw, struct emu_rule *rule, unsigned index,
		struct rte_flow_query_count *count, struct rte_flow_error *error)
{
	RTE_SET_USED(sw);
	if (rule == NULL || count == NULL)
		return rte_flow_error_set(error, EINVAL, RTE_FLOW_ERROR_TYPE_HANDLE, rule,
				"no rule or no count to fill");
	if (index >= rule->prog.n_samples)
		return rte_flow_error_set(error, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION, NULL,
				index == 0 ? "rule has no SAMPLE action"
					   : "rule has no second SAMPLE action");
	struct emu_sample *s = &rule->prog.samples[index];
	if (!s->count)
		return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, NULL,
				"SAMPLE has no COUNT action in its list");
	count_read(&s->hits, &s->bytes, &s->hits_base, &s->bytes_base, count);
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

uint64_t emu_switch_sample_drops(const struct emu_switch *sw)
{
	return __atomic_load_n(&sw->sample_drops, __ATOMIC_RELAXED);
}
