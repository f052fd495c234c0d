/* SPDX-License-Identifier: BSD-3-Clause */
/* The encapsulation template table and its upkeep (see encap.h). */
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include "core/hash_key8.h"

#include "core/dp_config.h"
#include "overlay/encap.h"
#include "overlay/encap_build.h"
#include "core/log.h"
#include "overlay/neigh.h"
#include "l2/network.h"
#include "core/punt.h"
#include "overlay/underlay.h"

NFVA_LOG_REGISTER(encap)

struct encap_key {
	uint32_t owner;
	uint32_t ip;
};

static struct rte_hash *table;
static struct rte_rcu_qsbr *qsbr;
static uint64_t hold_dropped;
static struct encap_listener *listeners;
static struct encap_owner_class *owner_classes;

void encap_register_owner(struct encap_owner_class *c)
{
	c->next = owner_classes;
	owner_classes = c;
}

static bool network_wants(const struct network *n, uint32_t ip)
{
	const struct network_overlay *o = &n->overlay;
	if (ip == o->group)
		return true;
	for (unsigned i = 0; i < o->n_vteps; i++)
		if (o->vteps[i] == ip)
			return true;
	return false;
}

/* Tunnel parameters of an owner; *keep_ip tells whether a template toward
 * ip should stay (strict networks keep only their configured VTEPs). */
static const struct network_overlay *owner_overlay(uint32_t owner, uint32_t ip, bool *keep_ip)
{
	*keep_ip = true;
	if (owner < NFVA_MAX_NETWORKS) {
		const struct network *n = network_by_index(owner);
		if (n == NULL || n->overlay.encap == DP_ENCAP_NONE)
			return NULL;
		*keep_ip = !n->overlay.strict || network_wants(n, ip);
		return &n->overlay;
	}
	for (const struct encap_owner_class *c = owner_classes; c != NULL; c = c->next)
		if (owner >= c->base && owner - c->base < c->count)
			return c->overlay(owner);
	return NULL;
}

void encap_register_listener(struct encap_listener *l)
{
	l->next = listeners;
	listeners = l;
}

int encap_init(struct rte_rcu_qsbr *v)
{
	struct rte_hash_parameters params = {
		.name = "nfva_encap",
		.entries = NFVA_MAX_TEMPLATES,
		.key_len = sizeof(struct encap_key),
		.hash_func = hash_key8_crc,
		.socket_id = SOCKET_ID_ANY,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
			RTE_HASH_EXTRA_FLAGS_NO_FREE_ON_DEL,
	};
	qsbr = v;
	RTE_BUILD_BUG_ON(sizeof(struct encap_key) != 8);
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
}

const struct encap_template *encap_lookup(uint32_t owner, uint32_t vtep_ip)
{
	struct encap_key key = { .owner = owner, .ip = vtep_ip };
	void *data;
	return rte_hash_lookup_data(table, &key, &data) >= 0 ? data : NULL;
}

/* Old templates and key slots wait here for the grace period. */
struct encap_garbage {
	unsigned n_templates, n_slots;
	void *templates[NFVA_MAX_TEMPLATES];
	int32_t slots[NFVA_MAX_TEMPLATES];
};
static struct encap_garbage garbage;

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
	if (t->nexthop_ip != 0 && !t->resolved)
		neigh_resolve(t->nexthop_ip);
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
	for (struct encap_listener *l = listeners; ret == 0 && l != NULL; l = l->next)
		l->changed();
	return ret;
}

static void encap_remove(const struct encap_key *key, void *old)
{
	int32_t pos = rte_hash_del_key(table, key);
	if (pos >= 0)
		garbage.slots[garbage.n_slots++] = pos;
	garbage.templates[garbage.n_templates++] = old;
}

/* Rebuild every template from the current configuration and neighbours;
 * drop templates of networks without an overlay; when only_nexthop is set,
 * touch only templates through that next hop. */
static void encap_refresh(uint32_t only_nexthop)
{
	struct encap_key keys[NFVA_MAX_TEMPLATES];
	void *olds[NFVA_MAX_TEMPLATES];
	unsigned n = 0;
	const void *key;
	void *data;
	uint32_t next = 0;

	while (rte_hash_iterate(table, &key, &data, &next) >= 0 && n < NFVA_MAX_TEMPLATES) {
		const struct encap_template *t = data;
		if (only_nexthop != 0 && t->nexthop_ip != only_nexthop)
			continue;
		keys[n] = *(const struct encap_key *)key;
		olds[n++] = data;
	}
	for (unsigned i = 0; i < n; i++)
		if (encap_publish(&keys[i], olds[i]) < 0)
			encap_remove(&keys[i], olds[i]);
	bool changed = garbage.n_templates != 0;
	encap_collect();
	for (struct encap_listener *l = listeners; changed && l != NULL; l = l->next)
		l->changed();
}

/* Snapshot builder: configured VTEPs and groups get templates. */
static void encap_build_hook(struct dp_config *cfg)
{
	(void)cfg;
	encap_refresh(0);
	for (uint16_t i = 0; i < NFVA_MAX_NETWORKS; i++) {
		const struct network *n = network_by_index(i);
		if (n == NULL || n->overlay.encap == DP_ENCAP_NONE)
			continue;
		for (unsigned v = 0; v < n->overlay.n_vteps; v++)
			encap_ensure(i, n->overlay.vteps[v]);
		if (n->overlay.group != 0)
			encap_ensure(i, n->overlay.group);
	}
}

void encap_hold(struct rte_mbuf *m)
{
	const struct pkt_meta *meta = pkt_meta(m);
	const struct encap_template *t = NULL;

	if (encap_ensure(meta->owner, meta->vtep_ip) == 0)
		t = encap_lookup(meta->owner, meta->vtep_ip);
	if (t == NULL || t->nexthop_ip == 0) {
		hold_dropped++;
		rte_pktmbuf_free(m);
	} else if (t->resolved) {
		ctrl_reinject(m, meta->owner, meta->vtep_ip);
	} else {
		neigh_hold(t->nexthop_ip, m);
	}
}

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

static void encap_neigh_changed(uint32_t ip)
{
	encap_refresh(ip);
}

static void encap_underlay_changed(void)
{
	encap_refresh(0);
}

static struct dp_config_builder encap_builder = { .name = "encap", .build = encap_build_hook };
static struct neigh_listener encap_neigh_listener = { .changed = encap_neigh_changed };
static struct underlay_listener encap_underlay_listener = { .changed = encap_underlay_changed };

RTE_INIT(encap_register)
{
	dp_config_register_builder(&encap_builder);
	neigh_register_listener(&encap_neigh_listener);
	underlay_register_listener(&encap_underlay_listener);
}
