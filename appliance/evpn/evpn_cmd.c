/* SPDX-License-Identifier: BSD-3-Clause */
/* EVPN commands: evpn set netns | resync | show (see evpn.c, docs/evpn.md). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "control/cmd.h"
#include "control/running_config.h"
#include "control/stats.h"
#include "evpn/evpn_private.h"
#include "l2/network.h"

static int evpn_netns_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	const char *name = cmd_arg(a, "NAME");
	struct evnl nl;

	for (uint32_t i = 0; i < evpn.n_nets; i++)
		if (evpn.nets[i].used)
			return cmd_error(r, EBUSY, "EVPN networks exist: delete them first");
	if (evpn_selfmap_create() < 0)
		return cmd_error(r, ENOMEM, "no memory for the EVPN tables");
	int ret = evnl_open(&nl, name);
	if (ret < 0)
		return cmd_error(r, -ret, "netns %s: %s", name, strerror(-ret));
	evpn_sync_free();
	evnl_close(&evpn.nl);
	evpn.nl = nl;
	snprintf(evpn.netns, sizeof(evpn.netns), "%s", name);
	evpn.want_resync = true;
	r->result = json_pack("{s:s}", "netns", name);
	return 0;
}
NFVA_CMD(evpn_netns_cmd, "evpn set netns NAME",
		"the network namespace where FRR runs and the shadow objects live (before "
		"any network add ... evpn)")

static int evpn_resync_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	(void)a;
	if (!evnl_is_open(&evpn.nl))
		return cmd_error(r, ENOTCONN, "no EVPN netns (evpn set netns NAME)");
	evpn.want_resync = true;
	r->result = json_pack("{s:b}", "resync", 1);
	return 0;
}
NFVA_CMD_RO(evpn_resync_cmd, "evpn resync", "dump the control netns again (mark and sweep)")

/* config show: the netns, before the networks that use it. */
static void evpn_config(struct config_out *o)
{
	if (!evnl_is_open(&evpn.nl))
		return;
	config_add(o, "evpn set netns");
	config_word(o, evpn.netns);
	config_end(o);
}
CONFIG_SECTION(CONFIG_ORDER_EVPN, evpn_config)

static json_t *ip_json(uint32_t ip)
{
	char buf[INET_ADDRSTRLEN];
	inet_ntop(AF_INET, &ip, buf, sizeof(buf));
	return json_string(buf);
}

struct mac_count {
	unsigned in, out;
};

static void count_macs(const struct fdb_entry *e, void *arg)
{
	struct mac_count *c = arg;
	if (e->dest.flags & FDB_F_EVPN)
		c->in++;
	else if (e->dest.kind == FDB_DEST_PORT)
		c->out++;
}

static json_t *net_json(const struct evpn_net *e)
{
	const struct network *n = network_by_index(e->network);
	struct fdb_filter f = { .network = e->network, .port = NFVA_PORT_NONE, .evpn_too = true };
	struct mac_count c = { 0 };
	json_t *vteps = json_array();

	fdb_walk(&f, count_macs, &c);
	for (uint32_t i = 0; n != NULL && i < n->evpn_vteps.n; i++)
		json_array_append_new(vteps, ip_json(n->evpn_vteps.ip[i]));
	return json_pack("{s:s, s:i, s:b, s:o, s:{s:s, s:s, s:s, s:s}, s:{s:i, s:o}, s:{s:i}}",
			"network", n != NULL ? n->name : "?", "vni", (int)e->vni, "ready", e->ready,
			"error", e->error != 0 ? json_string(strerror(-e->error)) : json_null(),
			"shadow", "bridge", e->br, "vxlan", e->vx, "veth", e->ve, "veth_peer",
			e->vp, "in", "macs", (int)c.in, "vteps", vteps, "out", "macs", (int)c.out);
}

static json_t *counters_json(void)
{
	const struct evpn_counters *c = &evpn.c;
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:i, "
			 "s:f}",
			"in_mac_add", (json_int_t)c->in_mac_add, "in_mac_del",
			(json_int_t)c->in_mac_del, "in_vtep_add", (json_int_t)c->in_vtep_add,
			"in_vtep_del", (json_int_t)c->in_vtep_del, "out_add",
			(json_int_t)c->out_add, "out_del", (json_int_t)c->out_del, "resyncs",
			(json_int_t)c->resyncs, "overflows", (json_int_t)c->overflows, "swept_macs",
			(json_int_t)c->swept_macs, "swept_vteps", (json_int_t)c->swept_vteps,
			"swept_out", (json_int_t)c->swept_out, "in_refused",
			(json_int_t)c->in_refused, "nl_errors", (json_int_t)c->nl_errors,
			"last_errno", c->last_errno, "last_resync_ms", c->last_resync_ms);
}

static int evpn_show_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	(void)a;
	json_t *nets = json_array();
	for (uint32_t i = 0; i < evpn.n_nets; i++)
		if (evpn.nets[i].used)
			json_array_append_new(nets, net_json(&evpn.nets[i]));
	r->result = json_pack("{s:o, s:b, s:b, s:o, s:o}", "netns",
			evpn.netns[0] != '\0' ? json_string(evpn.netns) : json_null(), "connected",
			evnl_is_open(&evpn.nl), "resync_running", evpn.dumping || evpn.want_resync,
			"networks", nets, "counters", counters_json());
	return 0;
}
NFVA_CMD_RO(evpn_show_cmd, "evpn show",
		"EVPN: netns, networks with shadow objects, MACs and VTEPs in (from FRR) and out "
		"(advertised), resync and error counters")

STATS_SECTION("evpn", counters_json)
