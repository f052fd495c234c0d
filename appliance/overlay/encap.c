/* SPDX-License-Identifier: BSD-3-Clause */
/* The encapsulation template table and its upkeep (see encap.h). */
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include "core/hash_key8.h"

#include "control/periodic.h"
#include "control/stats.h"
#include "core/args.h"
#include "core/clock.h"
#include "core/dp_config.h"
#include "core/event.h"
#include "core/log.h"
#include "core/module.h"
#include "core/punt.h"
#include "overlay/encap.h"
#include "overlay/encap_build.h"
#include "overlay/neigh.h"
#include "overlay/underlay.h"
#include "overlay/vtep_id.h"

NFVA_LOG_REGISTER(encap)

struct encap_key {
	uint32_t owner;
	uint32_t ip;
};

static struct rte_hash *table;
static struct rte_rcu_qsbr *qsbr;
static uint64_t hold_dropped, expired;
static struct encap_owner_class *owner_classes;

void encap_register_owner(struct encap_owner_class *c)
{
	c->next = owner_classes;
	owner_classes = c;
}

/* Tunnel parameters of an owner; *keep_ip tells whether a template toward
 * ip should stay (strict networks keep only their configured VTEPs). */
static const struct network_overlay *owner_overlay(uint32_t owner, uint32_t ip, bool *keep_ip)
{
	*keep_ip = true;
	for (const struct encap_owner_class *c = owner_classes; c != NULL; c = c->next) {
		if (owner < c->base || owner - c->base >= c->count)
			continue;
		if (c->keeps != NULL)
			*keep_ip = c->keeps(owner, ip);
		return c->overlay(owner);
	}
	return NULL;
}

/* Old templates and key slots wait here for the grace period (room for every
 * template: a refresh may replace them all). */
struct encap_garbage {
	unsigned n_templates, n_slots;
	void **templates;
	int32_t *slots;
};
static struct encap_garbage garbage;
static uint32_t capacity; /* --max-templates */

int encap_init(struct rte_rcu_qsbr *v)
{
	capacity = nfva_options()->max_templates;
	struct rte_hash_parameters params = {
		.name = "nfva_encap",
		.entries = capacity,
		.key_len = sizeof(struct encap_key),
		.hash_func = hash_key8_crc,
		.socket_id = SOCKET_ID_ANY,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
				RTE_HASH_EXTRA_FLAGS_NO_FREE_ON_DEL,
	};
	qsbr = v;
	RTE_BUILD_BUG_ON(sizeof(struct encap_key) != 8);
	garbage.templates = calloc(capacity, sizeof(*garbage.templates));
	garbage.slots = calloc(capacity, sizeof(*garbage.slots));
	if (garbage.templates == NULL || garbage.slots == NULL)
		return errno_log(ENOMEM, "encap garbage lists");
	table = rte_hash_create(&params);
	if (table == NULL)
		return errno_log(rte_errno, "rte_hash_create(encap)");
	rte_hash_set_cmp_func(table, hash_key8_cmp);
	return 0;
}

void encap_fini(void)
{
	const void *key;
	void *data;
	uint32_t next = 0;

	while (table != NULL && rte_hash_iterate(table, &key, &data, &next) >= 0)
		free(data);
	rte_hash_free(table);
	table = NULL;
	free(garbage.templates);
	free(garbage.slots);
	memset(&garbage, 0, sizeof(garbage));
}

const struct encap_template *encap_lookup(uint32_t owner, uint32_t vtep_ip)
{
	struct encap_key key = { .owner = owner, .ip = vtep_ip };
	void *data;
	return rte_hash_lookup_data(table, &key, &data) >= 0 ? data : NULL;
}

static void encap_collect(void)
{
	if (garbage.n_templates == 0 && garbage.n_slots == 0)
		return;
	rte_rcu_qsbr_synchronize(qsbr, RTE_QSBR_THRID_INVALID);
	for (unsigned i = 0; i < garbage.n_templates; i++)
		free(garbage.templates[i]);
	for (unsigned i = 0; i < garbage.n_slots; i++)
		rte_hash_free_key_with_position(table, garbage.slots[i]);
	garbage.n_templates = garbage.n_slots = 0;
}

/* Build and publish the template for key; the old one goes to garbage. */
static int encap_publish(const struct encap_key *key, void *old)
{
	bool keep;
	const struct network_overlay *ov = owner_overlay(key->owner, key->ip, &keep);
	struct encap_template *t = calloc(1, sizeof(*t));

	if (t == NULL)
		return -ENOMEM;
	if (ov == NULL || !keep || encap_build(t, ov, key->owner, key->ip) < 0) {
		free(t);
		return -EINVAL;
	}
	t->last_used = old != NULL ? ((const struct encap_template *)old)->last_used : nfva_now_s();
	if (old != NULL && memcmp(old, t, sizeof(*t)) == 0) {
		free(t);
		return 0;
	}
	int ret = rte_hash_add_key_data(table, key, t);
	if (ret < 0) {
		free(t);
		return ret;
	}
	if (old != NULL)
		garbage.templates[garbage.n_templates++] = old;
	else
		vtep_id_ref(key->ip, 1); /* the template keeps its IPv6 VTEP's id */
	if (t->nexthop.family != 0 && !t->resolved)
		neigh_resolve_ip(&t->nexthop);
	return 0;
}

int encap_ensure(uint32_t owner, uint32_t vtep_ip)
{
	struct encap_key key = { .owner = owner, .ip = vtep_ip };
	void *data;

	if (rte_hash_lookup_data(table, &key, &data) >= 0)
		return 0;
	int ret = encap_publish(&key, NULL);
	encap_collect();
	/* A new template (resolved at once by a known neighbour) may let rules
	 * that waited for it be built. */
	if (ret == 0)
		event_publish_simple(EVENT_ENCAP_CHANGED);
	return ret;
}

static void encap_remove(const struct encap_key *key, void *old)
{
	int32_t pos = rte_hash_del_key(table, key);
	if (pos >= 0)
		garbage.slots[garbage.n_slots++] = pos;
	garbage.templates[garbage.n_templates++] = old;
	vtep_id_ref(key->ip, -1);
}

/* Rebuild every template from the current configuration and neighbours;
 * drop templates of networks without an overlay; when only_nexthop is set,
 * touch only templates through that next hop. */
static void encap_refresh(const struct nfva_ip *only_nexthop)
{
	unsigned room = encap_count() + 1, n = 0;
	struct encap_key *keys = malloc(room * sizeof(*keys));
	void **olds = malloc(room * sizeof(*olds));
	const void *key;
	void *data;
	uint32_t next = 0;

	if (keys == NULL || olds == NULL) {
		free(keys);
		free(olds);
		NFVA_LOG(ERR, "templates not refreshed: out of memory");
		return;
	}
	while (rte_hash_iterate(table, &key, &data, &next) >= 0 && n < room) {
		const struct encap_template *t = data;
		if (only_nexthop != NULL && !nfva_ip_eq(&t->nexthop, only_nexthop))
			continue;
		keys[n] = *(const struct encap_key *)key;
		olds[n++] = data;
	}
	for (unsigned i = 0; i < n; i++)
		if (encap_publish(&keys[i], olds[i]) < 0)
			encap_remove(&keys[i], olds[i]);
	free(keys);
	free(olds);
	bool changed = garbage.n_templates != 0;
	encap_collect();
	if (changed)
		event_publish_simple(EVENT_ENCAP_CHANGED);
}

static bool owner_pinned(uint32_t owner, uint32_t ip)
{
	for (const struct encap_owner_class *c = owner_classes; c != NULL; c = c->next)
		if (owner >= c->base && owner - c->base < c->count)
			return c->pinned == NULL || c->pinned(owner, ip);
	return false;
}

/* Templates nothing configured and no frame used for --template-idle-s go. */
static void encap_expire(void)
{
	struct encap_key keys[64];
	void *olds[64];
	unsigned n = 0;
	const void *key;
	void *data;
	uint32_t next = 0, now = nfva_now_s();
	int32_t idle_s = (int32_t)nfva_options()->template_idle_s;

	while (n < RTE_DIM(keys) && rte_hash_iterate(table, &key, &data, &next) >= 0) {
		const struct encap_template *t = data;
		uint32_t used = __atomic_load_n(&t->last_used, __ATOMIC_RELAXED);
		if ((int32_t)(now - used) <= idle_s || owner_pinned(t->owner, t->vtep_ip))
			continue;
		keys[n] = *(const struct encap_key *)key;
		olds[n++] = data;
	}
	for (unsigned i = 0; i < n; i++)
		encap_remove(&keys[i], olds[i]);
	expired += n;
	encap_collect();
	if (n != 0)
		event_publish_simple(EVENT_ENCAP_CHANGED);
}

static json_t *encap_stats(void)
{
	return json_pack("{s:i, s:i, s:I, s:I}", "count", (int)encap_count(), "capacity",
			(int)capacity, "expired", (json_int_t)expired, "hold_dropped",
			(json_int_t)hold_dropped);
}
STATS_SECTION("templates", encap_stats)

static struct periodic_task encap_expire_task = { .name = "encap-expire",
	.interval_ms = 5000,
	.run = encap_expire };

RTE_INIT(encap_expire_register)
{
	periodic_register(&encap_expire_task);
}

/* Every commit: templates follow the configuration (a network's options,
 * owners gone); the owners' build then ensures their configured VTEPs. */
static void encap_build_hook(struct dp_config *cfg)
{
	(void)cfg;
	encap_refresh(NULL);
}

static void encap_hold(struct rte_mbuf *m)
{
	const struct pkt_meta *meta = pkt_meta(m);
	const struct encap_template *t = NULL;

	if (encap_ensure(meta->owner, meta->vtep_ip) == 0)
		t = encap_lookup(meta->owner, meta->vtep_ip);
	if (t != NULL && t->resolved) {
		ctrl_reinject(m, meta->owner, meta->vtep_ip);
	} else if (t == NULL || t->nexthop.family == 0) {
		hold_dropped++;
		rte_pktmbuf_free(m);
	} else {
		neigh_hold_ip(&t->nexthop, m);
	}
}

struct punt_handler encap_hold_punt = { .name = "hold", .input = encap_hold, .quota = 512 };
PUNT_HANDLER(encap_hold_punt)

void encap_walk(encap_walk_cb cb, void *arg)
{
	const void *key;
	void *data;
	uint32_t next = 0;
	while (rte_hash_iterate(table, &key, &data, &next) >= 0)
		cb(data, arg);
}

unsigned encap_count(void)
{
	return (unsigned)rte_hash_count(table);
}

static int encap_neigh_changed(const struct nfva_event *ev)
{
	encap_refresh(&ev->addr);
	return 0;
}
EVENT_SUBSCRIBE(EVENT_NEIGH_CHANGED, encap_neigh_changed)

static int encap_underlay_changed(const struct nfva_event *ev)
{
	(void)ev;
	encap_refresh(NULL);
	return 0;
}
EVENT_SUBSCRIBE(EVENT_UNDERLAY_CHANGED, encap_underlay_changed)

static int encap_module_init(void)
{
	return encap_init(dp_qsbr());
}

static struct nfva_module encap_module = {
	.name = "encap",
	.depends_on = "snapshot neighbours",
	.init = encap_module_init,
	.fini = encap_fini,
	.build = encap_build_hook,
};
NFVA_MODULE(encap_module)
