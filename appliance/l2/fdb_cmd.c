/* SPDX-License-Identifier: BSD-3-Clause */
/* FDB commands (show, add, del, flush, ageing), the ageing task, and the
 * FDB's config lines (static entries, ageing). */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "core/clock.h"
#include "control/cmd.h"
#include "control/stats.h"
#include "core/event.h"
#include "control/periodic.h"
#include "control/running_config.h"
#include "l2/fdb.h"
#include "l2/network.h"
#include "ports/port.h"
#include "overlay/encap.h"
#include "overlay/underlay.h"
#include "overlay/vtep_id.h"

static uint32_t ageing_s = NFVA_DEFAULT_AGEING_S;

static void fdb_ageing_run(void);

static struct periodic_task ageing_task = { .name = "fdb-ageing",
	.interval_ms = 1000,
	.run = fdb_ageing_run };

/* A pass over the whole table, in steps that never wait for the workers: a
 * step that could remove nothing (the workers have not yet moved on) comes
 * back a millisecond later, not at once, so it never spins. */
static void fdb_ageing_run(void)
{
	unsigned removed;
	if (fdb_age_step(nfva_now_s(), ageing_s, &removed))
		periodic_again(&ageing_task, removed > 0 ? 0 : 1);
}

struct fdb_show_ctx {
	json_t *list;
	uint32_t now;
};

static json_t *dest_vlan_json(union fdb_dest d)
{
	if (d.kind != FDB_DEST_PORT || d.vlan == NFVA_VLAN_NONE)
		return json_null();
	return json_integer(d.vlan);
}

static json_t *dest_vtep_json(union fdb_dest d)
{
	return d.kind == FDB_DEST_VTEP ? vtep_id_json(d.vtep_ip) : json_null();
}

static void fdb_show_one(const struct fdb_entry *e, void *arg)
{
	struct fdb_show_ctx *ctx = arg;
	union fdb_dest d = fdb_entry_dest(e);
	const struct network *n = network_by_index(e->key.network);
	const struct port *p = port_by_index(d.port);
	char mac[RTE_ETHER_ADDR_FMT_SIZE];
	bool is_static = d.flags & FDB_F_STATIC;
	const char *type = is_static ? "static" : (d.flags & FDB_F_EVPN) ? "evpn" : "dynamic";

	rte_ether_format_addr(mac, sizeof(mac), &e->key.mac);
	json_t *age = json_null();
	if (!is_static && !(d.flags & FDB_F_EVPN))
		age = json_integer(RTE_MAX((int32_t)(ctx->now - e->last_seen), 0));
	json_t *entry = json_pack("{s:s, s:s, s:s, s:o, s:o, s:s, s:o}", "mac", mac, "network",
			n ? n->name : "?", "port", p ? p->name : "?", "vlan", dest_vlan_json(d),
			"vtep", dest_vtep_json(d), "type", type, "age", age);
	json_array_append_new(ctx->list, entry);
}

/* fdb show streams: a million entries never sit in memory at once, and the
 * writer lock is held only while a few hundred are read. */
struct fdb_show_state {
	struct fdb_filter filter;
	uint32_t cursor;
};

static unsigned fdb_show_next(void *state, json_t *list, unsigned max)
{
	struct fdb_show_state *st = state;
	struct fdb_show_ctx ctx = { .list = list, .now = nfva_now_s() };
	if (st->cursor == UINT32_MAX)
		return 0;
	/* Walks until max matches or the end: 0 only at the end. */
	return fdb_walk_part(&st->filter, &st->cursor, max, fdb_show_one, &ctx);
}

static int fdb_show_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	struct fdb_filter f = { .network = NFVA_NETWORK_NONE,
		.port = NFVA_PORT_NONE,
		.evpn_too = true };
	const char *net = cmd_arg(a, "NETWORK"), *port = cmd_arg(a, "PORT");

	if (net != NULL) {
		const struct network *n = network_find(net);
		if (n == NULL)
			return cmd_error(r, ENOENT, "no network named %s", net);
		f.network = n->index;
	}
	if (port != NULL) {
		const struct port *p = port_find(port);
		if (p == NULL)
			return cmd_error(r, ENOENT, "no port named %s", port);
		f.port = p->index;
	}
	struct fdb_show_state *st = calloc(1, sizeof(*st));
	if (st == NULL)
		return cmd_error(r, ENOMEM, "out of memory");
	st->filter = f;
	r->stream = (struct cmd_stream){ .next = fdb_show_next, .free = free, .state = st };
	return 0;
}
NFVA_CMD_RO(fdb_show_cmd, "fdb show [network NETWORK] [port PORT]",
		"MAC table: mac, network, port/vlan or vtep, type (dynamic: learned, static: "
		"configured, evpn: from BGP EVPN), age in seconds")

static int fdb_key_arg(const struct cmd_args *a, struct cmd_reply *r, struct fdb_key *key)
{
	const struct network *n = network_find(cmd_arg(a, "NETWORK"));
	if (n == NULL)
		return cmd_error(r, ENOENT, "no network named %s", cmd_arg(a, "NETWORK"));
	key->network = n->index;
	cmd_arg_mac(a, "MAC", &key->mac);
	if (!rte_is_unicast_ether_addr(&key->mac) || rte_is_zero_ether_addr(&key->mac))
		return cmd_error(r, EINVAL, "%s is not a unicast MAC", cmd_arg(a, "MAC"));
	return 0;
}

static int fdb_add_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	struct fdb_key key;
	int ret = fdb_key_arg(a, r, &key);
	if (ret < 0)
		return ret;
	const struct port *p = port_find(cmd_arg(a, "PORT"));
	if (p == NULL)
		return cmd_error(r, ENOENT, "no port named %s", cmd_arg(a, "PORT"));
	uint16_t vlan = (uint16_t)cmd_arg_u32(a, "VLAN", NFVA_VLAN_NONE);
	const struct network *n = network_of_attachment(p->index, vlan);
	if (n == NULL || n->index != key.network)
		return cmd_error(r, EINVAL, "port %s%s is not attached to network %s", p->name,
				vlan == NFVA_VLAN_NONE ? "" : " (with that vlan)",
				cmd_arg(a, "NETWORK"));
	union fdb_dest d = { .kind = FDB_DEST_PORT, .port = p->index, .vlan = vlan };
	ret = fdb_add_static(&key, d);
	return ret < 0 ? cmd_error(r, ret, "fdb full") : 0;
}
NFVA_CMD(fdb_add_cmd, "fdb add MAC network NETWORK port PORT [vlan VLAN]",
		"add a static entry (never aged, never moved by learning)")

static int fdb_add_vtep_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	struct fdb_key key;
	struct nfva_ip addr;
	uint32_t ip;
	int ret = fdb_key_arg(a, r, &key);

	if (ret < 0)
		return ret;
	const struct network *n = network_by_index(key.network);
	const struct underlay *u = underlay_get();
	if (n->overlay.encap == DP_ENCAP_NONE || !u->active)
		return cmd_error(r, EINVAL, "network %s has no overlay, or there is no underlay",
				n->name);
	if (nfva_ip_parse(cmd_arg(a, "ADDR"), &addr) < 0 || !vtep_addr_usable(&addr))
		return cmd_error(r, EINVAL, VTEP_ADDR_RULE);
	if (vtep_id_from_ip(&addr, &ip) < 0)
		return cmd_error(r, ENOSPC, "%u IPv6 VTEPs known already (the bound)", VTEP6_MAX);
	/* The template first (its next hop resolved now, not on the first
	 * frame): an entry toward a VTEP nfva cannot encapsulate to is refused,
	 * not kept. */
	ret = encap_ensure(key.network, ip);
	if (ret < 0)
		return cmd_error(r, -ret, "no encapsulation toward %s in network %s: %s",
				cmd_arg(a, "ADDR"), n->name,
				ret == -EINVAL ? "not one of its VTEPs (strict network)"
					       : "the template table is full");
	union fdb_dest d = { .kind = FDB_DEST_VTEP, .port = u->port, .vtep_ip = ip };
	ret = fdb_add_static(&key, d);
	return ret < 0 ? cmd_error(r, ret, "fdb full") : 0;
}
NFVA_CMD(fdb_add_vtep_cmd, "fdb add MAC network NETWORK vtep ADDR",
		"add a static remote entry: MAC is behind the VTEP ADDR (IPv4 or IPv6)")

static int fdb_del_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	struct fdb_key key;
	int ret = fdb_key_arg(a, r, &key);
	if (ret < 0)
		return ret;
	if (fdb_del(&key) < 0)
		return cmd_error(r, ENOENT, "no entry for %s in %s", cmd_arg(a, "MAC"),
				cmd_arg(a, "NETWORK"));
	return 0;
}
NFVA_CMD(fdb_del_cmd, "fdb del MAC network NETWORK", "remove one entry, static or dynamic")

static int fdb_flush_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	struct fdb_filter f = { .network = NFVA_NETWORK_NONE,
		.port = NFVA_PORT_NONE,
		.dynamic_only = !cmd_has(a, "all") };
	const char *net = cmd_arg(a, "NETWORK"), *port = cmd_arg(a, "PORT");

	if (net != NULL && network_find(net) == NULL)
		return cmd_error(r, ENOENT, "no network named %s", net);
	if (port != NULL && port_find(port) == NULL)
		return cmd_error(r, ENOENT, "no port named %s", port);
	if (net != NULL)
		f.network = network_find(net)->index;
	if (port != NULL)
		f.port = port_find(port)->index;
	r->result = json_pack("{s:i}", "flushed", (int)fdb_flush(&f));
	return 0;
}
NFVA_CMD(fdb_flush_cmd, "fdb flush [network NETWORK] [port PORT] [all]",
		"remove dynamic entries (with 'all', static ones too; never EVPN ones)")

static int fdb_ageing_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	ageing_s = cmd_arg_u32(a, "SECONDS", NFVA_DEFAULT_AGEING_S);
	r->result = json_pack("{s:i}", "ageing", (int)ageing_s);
	return 0;
}
NFVA_CMD(fdb_ageing_cmd, "fdb ageing SECONDS", "set the ageing time of dynamic entries")

static int fdb_summary_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	(void)a;
	r->result = json_pack("{s:i, s:i, s:i}", "entries", (int)fdb_count(), "capacity",
			(int)fdb_capacity(), "ageing", (int)ageing_s);
	return 0;
}
NFVA_CMD_RO(fdb_summary_cmd, "fdb summary", "entries, capacity and ageing time")

/* Static entries, collected under the walk and written after it. */
struct static_list {
	size_t n, cap;
	struct fdb_entry *items; /* copies */
	bool failed;
};

static void collect_static(const struct fdb_entry *e, void *arg)
{
	struct static_list *l = arg;
	if (!(fdb_entry_dest(e).flags & FDB_F_STATIC) || l->failed)
		return;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct fdb_entry *items = realloc(l->items, cap * sizeof(*items));
		if (items == NULL) {
			l->failed = true;
			return;
		}
		l->items = items;
		l->cap = cap;
	}
	l->items[l->n] = *e;
	l->items[l->n++].dest = fdb_entry_dest(e);
}

/* By network, then MAC: hash positions differ from one run to the next. */
static int by_key(const void *a, const void *b)
{
	const struct fdb_key *x = &((const struct fdb_entry *)a)->key;
	const struct fdb_key *y = &((const struct fdb_entry *)b)->key;
	if (x->network != y->network)
		return x->network < y->network ? -1 : 1;
	return memcmp(&x->mac, &y->mac, sizeof(x->mac));
}

static void static_line(const struct fdb_entry *e, struct config_out *o)
{
	const struct network *n = network_by_index(e->key.network);
	const struct port *p = port_by_index(e->dest.port);
	char mac[RTE_ETHER_ADDR_FMT_SIZE], ip[NFVA_IP_STRLEN];

	if (n == NULL || (e->dest.kind == FDB_DEST_PORT && p == NULL))
		return;
	rte_ether_format_addr(mac, sizeof(mac), &e->key.mac);
	config_add(o, "fdb add %s network", mac);
	config_word(o, n->name);
	if (e->dest.kind == FDB_DEST_VTEP) {
		config_add(o, "vtep %s", vtep_id_format(e->dest.vtep_ip, ip, sizeof(ip)));
	} else {
		config_add(o, "port");
		config_word(o, p->name);
		if (e->dest.vlan != NFVA_VLAN_NONE)
			config_add(o, "vlan %u", e->dest.vlan);
	}
	config_end(o);
}

static void fdb_config(struct config_out *o)
{
	struct fdb_filter all = { .network = NFVA_NETWORK_NONE, .port = NFVA_PORT_NONE };
	struct static_list l = { 0 };

	fdb_walk(&all, collect_static, &l);
	if (l.n > 1) /* qsort wants a non-null array, even empty */
		qsort(l.items, l.n, sizeof(l.items[0]), by_key);
	for (size_t i = 0; i < l.n; i++)
		static_line(&l.items[i], o);
	free(l.items);
	if (l.failed) /* an incomplete list must not be saved as if it were whole */
		config_fail(o);
	if (ageing_s != NFVA_DEFAULT_AGEING_S) {
		config_add(o, "fdb ageing %u", ageing_s);
		config_end(o);
	}
}
CONFIG_SECTION(CONFIG_ORDER_FDB, fdb_config)

RTE_INIT(fdb_cmd_register)
{
	periodic_register(&ageing_task);
}

static json_t *stats_fdb(void)
{
	return json_pack("{s:i, s:i}", "entries", (int)fdb_count(), "capacity",
			(int)fdb_capacity());
}
STATS_SECTION("fdb", stats_fdb)

/* port show: how many MACs the FDB holds behind the port. */
static int fdb_port_show(const struct nfva_event *ev)
{
	json_object_set_new(ev->json, "macs", json_integer(fdb_count_port(ev->port)));
	return 0;
}
EVENT_SUBSCRIBE(EVENT_PORT_SHOW, fdb_port_show)
