/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LISP's part of the running configuration: settings that differ from the
 * defaults, map-resolvers and map-servers (with their keys), sites (one line
 * per prefix), static EIDs and the configured map-cache entries (static, and
 * negative ones made by a command; never what Map-Replies installed). EIDs
 * and map-cache entries are sorted (their table slots depend on what was
 * learned); the rest is in the order of its arrays, which replaying keeps.
 * Entries with a TTL start it again when replayed.
 */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "control/running_config.h"
#include "lisp/lisp_private.h"
#include "overlay/vtep_id.h"
#include "ports/port.h"

static const char *auth_word(uint16_t key_id)
{
	return key_id == LISP_KEY_SHA256 ? "auth sha256" : "";
}

static void settings_config(struct config_out *o)
{
	static const struct rte_ether_addr default_gw = { { 0x02, 0, 0, 0, 0, 0x01 } };
	char mac[RTE_ETHER_ADDR_FMT_SIZE], ip[NFVA_IP_STRLEN];
	bool gw = !rte_is_same_ether_addr(&lisp.gw_mac, &default_gw);

	if (gw || lisp.record_ttl_min != LISP_DEFAULT_TTL_MIN ||
			lisp.eid_ageing_s != LISP_EID_AGEING_S) {
		rte_ether_format_addr(mac, sizeof(mac), &lisp.gw_mac);
		config_add(o, "lisp set");
		if (gw)
			config_add(o, "gateway-mac %s", mac);
		if (lisp.record_ttl_min != LISP_DEFAULT_TTL_MIN)
			config_add(o, "record-ttl %u", lisp.record_ttl_min);
		if (lisp.eid_ageing_s != LISP_EID_AGEING_S)
			config_add(o, "eid-ageing %u", lisp.eid_ageing_s);
		config_end(o);
	}
	lisp_limits_config(o);
	for (unsigned i = 0; i < lisp.n_resolvers; i++) {
		config_add(o, "lisp map-resolver add %s",
				nfva_ip_format(&lisp.resolvers[i], ip, sizeof(ip)));
		config_end(o);
	}
	for (unsigned i = 0; i < lisp.n_servers; i++) {
		const struct lisp_server *s = &lisp.servers[i];
		config_add(o, "lisp map-server add %s key", nfva_ip_format(&s->ip, ip, sizeof(ip)));
		config_word(o, s->key);
		config_add(o, "%s", auth_word(s->key_id));
		config_end(o);
	}
}

static const char *prefix_text(const struct lisp_addr *a, uint8_t plen, char *buf, size_t len)
{
	char addr[INET6_ADDRSTRLEN];
	inet_ntop(a->family, a->bytes, addr, sizeof(addr));
	snprintf(buf, len, "%s/%u", addr, plen);
	return buf;
}

static void sites_config(struct config_out *o)
{
	char prefix[INET6_ADDRSTRLEN + 4];

	for (unsigned i = 0; i < LISP_MAX_SITES; i++) {
		const struct lisp_site *s = &lisp.sites[i];
		for (unsigned k = 0; s->used && k < s->n_prefixes; k++) {
			const struct lisp_site_prefix *p = &s->prefixes[k];
			config_add(o, "lisp site add");
			config_word(o, s->name);
			config_add(o, "key");
			config_word(o, s->key);
			config_add(o, "eid-prefix %u %s", p->iid,
					prefix_text(&p->addr, p->plen, prefix, sizeof(prefix)));
			config_add(o, "%s", auth_word(s->key_id));
			if (p->more_specifics)
				config_add(o, "accept-more-specifics");
			config_end(o);
		}
	}
}

/* A sorted copy of what a walk finds. */
struct collected {
	size_t n, cap, size;
	uint8_t *items;
	bool failed;
};

static void collect(struct collected *c, const void *item)
{
	if (c->failed)
		return;
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 32;
		uint8_t *items = realloc(c->items, cap * c->size);
		if (items == NULL) {
			c->failed = true;
			return;
		}
		c->items = items;
		c->cap = cap;
	}
	memcpy(c->items + c->n++ * c->size, item, c->size);
}

static void collect_eid(const struct lisp_eid *e, void *arg)
{
	if (e->flags & LISP_EID_STATIC)
		collect(arg, e);
}

static int eid_order(const void *a, const void *b)
{
	const struct lisp_eid_key *x = &((const struct lisp_eid *)a)->key;
	const struct lisp_eid_key *y = &((const struct lisp_eid *)b)->key;
	if (x->network != y->network)
		return x->network < y->network ? -1 : 1;
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	return memcmp(x->addr, y->addr, sizeof(x->addr));
}

static void eid_line(const struct lisp_eid *e, struct config_out *o)
{
	const struct port *p = port_by_index(e->port);
	char addr[INET6_ADDRSTRLEN], mac[RTE_ETHER_ADDR_FMT_SIZE];

	if (p == NULL)
		return;
	inet_ntop(e->key.family, e->key.addr, addr, sizeof(addr));
	rte_ether_format_addr(mac, sizeof(mac), &e->mac);
	config_add(o, "lisp eid add %u %s mac %s port", lisp_network_iid(e->key.network), addr,
			mac);
	config_word(o, p->name);
	if (e->vlan != NFVA_VLAN_NONE)
		config_add(o, "vlan %u", e->vlan);
	config_end(o);
}

static void collect_mc(const struct lisp_mc_entry *e, void *arg)
{
	if (e->configured && (e->kind == LISP_MC_STATIC || e->kind == LISP_MC_NEGATIVE))
		collect(arg, e);
}

static int mc_order(const void *a, const void *b)
{
	const struct lisp_mc_entry *x = a, *y = b;
	if (x->network != y->network)
		return x->network < y->network ? -1 : 1;
	int c = memcmp(&x->prefix, &y->prefix, sizeof(x->prefix));
	return c != 0 ? c : (int)x->plen - (int)y->plen;
}

static void mc_lines(const struct lisp_mc_entry *e, struct config_out *o)
{
	static const char *const actions[] = { [LISP_ACT_NATIVE] = "native-forward",
		[LISP_ACT_MAP_REQUEST] = "send-map-request",
		[LISP_ACT_DROP] = "drop" };
	char prefix[INET6_ADDRSTRLEN + 4], ip[NFVA_IP_STRLEN];
	uint32_t iid = lisp_network_iid(e->network);

	prefix_text(&e->prefix, e->plen, prefix, sizeof(prefix));
	/* One line per RLOC: the first sets the TTL, the others add to the set. */
	for (unsigned i = 0; e->kind == LISP_MC_STATIC && i < e->n_rlocs; i++) {
		const struct lisp_rloc *r = &e->rlocs[i];
		config_add(o, "lisp map-cache add %u %s rloc %s", iid, prefix,
				vtep_id_format(r->id, ip, sizeof(ip)));
		if (r->priority != 1)
			config_add(o, "priority %u", r->priority);
		if (r->weight != 100)
			config_add(o, "weight %u", r->weight);
		if (i == 0 && e->ttl_s != 0)
			config_add(o, "ttl %u", e->ttl_s);
		config_end(o);
	}
	if (e->kind != LISP_MC_NEGATIVE)
		return;
	config_add(o, "lisp map-cache add %u %s negative", iid, prefix);
	if (e->action != LISP_ACT_DROP && e->action < RTE_DIM(actions) && actions[e->action])
		config_add(o, "action %s", actions[e->action]);
	if (e->ttl_s != 0)
		config_add(o, "ttl %u", e->ttl_s);
	config_end(o);
}

static void tables_config(struct config_out *o)
{
	struct collected eids = { .size = sizeof(struct lisp_eid) };
	struct collected mcs = { .size = sizeof(struct lisp_mc_entry) };

	if (!lisp_tables_ready())
		return;
	lisp_eid_walk(collect_eid, &eids);
	lisp_mc_walk(collect_mc, &mcs);
	qsort(eids.items, eids.n, eids.size, eid_order);
	qsort(mcs.items, mcs.n, mcs.size, mc_order);
	for (size_t i = 0; i < eids.n; i++)
		eid_line((const struct lisp_eid *)(eids.items + i * eids.size), o);
	for (size_t i = 0; i < mcs.n; i++)
		mc_lines((const struct lisp_mc_entry *)(mcs.items + i * mcs.size), o);
	if (eids.failed || mcs.failed)
		config_fail(o);
	free(eids.items);
	free(mcs.items);
}

static void lisp_config(struct config_out *o)
{
	settings_config(o);
	sites_config(o);
	tables_config(o);
}
CONFIG_SECTION(CONFIG_ORDER_LISP, lisp_config)
