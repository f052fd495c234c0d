/* SPDX-License-Identifier: BSD-3-Clause */
/* FDB commands (show, add, del, flush, ageing) and the ageing task. */
#include <arpa/inet.h>
#include <stdlib.h>

#include "core/clock.h"
#include "control/cmd.h"
#include "control/stats.h"
#include "core/event.h"
#include "control/periodic.h"
#include "l2/fdb.h"
#include "l2/network.h"
#include "ports/port.h"
#include "overlay/encap.h"
#include "overlay/underlay.h"

static uint32_t ageing_s = NFVA_DEFAULT_AGEING_S;

static void fdb_ageing_run(void)
{
	fdb_age(nfva_now_s(), ageing_s);
}

static struct periodic_task ageing_task = { .name = "fdb-ageing",
	.interval_ms = 1000,
	.run = fdb_ageing_run };

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
	char ip[INET_ADDRSTRLEN];
	if (d.kind != FDB_DEST_VTEP)
		return json_null();
	inet_ntop(AF_INET, &d.vtep_ip, ip, sizeof(ip));
	return json_string(ip);
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
NFVA_CMD(fdb_show_cmd, "fdb show [network NETWORK] [port PORT]",
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
	uint32_t ip;
	int ret = fdb_key_arg(a, r, &key);

	if (ret < 0)
		return ret;
	const struct network *n = network_by_index(key.network);
	const struct underlay *u = underlay_get();
	if (n->overlay.encap == DP_ENCAP_NONE || !u->active)
		return cmd_error(r, EINVAL, "network %s has no overlay, or there is no underlay",
				n->name);
	cmd_arg_ipv4(a, "IP", &ip);
	if (IN_MULTICAST(ntohl(ip)) || ip == 0)
		return cmd_error(r, EINVAL, "a VTEP is a unicast address");
	union fdb_dest d = { .kind = FDB_DEST_VTEP, .port = u->port, .vtep_ip = ip };
	ret = fdb_add_static(&key, d);
	if (ret < 0)
		return cmd_error(r, ret, "fdb full");
	encap_ensure(key.network, ip); /* resolve its next hop now, not on the first frame */
	return 0;
}
NFVA_CMD(fdb_add_vtep_cmd, "fdb add MAC network NETWORK vtep IP",
		"add a static remote entry: MAC is behind the VTEP IP")

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
NFVA_CMD(fdb_summary_cmd, "fdb summary", "entries, capacity and ageing time")

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
