/* SPDX-License-Identifier: BSD-3-Clause */
/* lisp commands: settings, local EIDs, the map-cache, map-resolvers and
 * map-servers (client side), sites (map-server role), counters. */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include "control/cmd.h"
#include "core/dp_config.h"
#include "l2/network.h"
#include "ports/port.h"
#include "control/stats.h"
#include "overlay/underlay.h"
#include "lisp/lisp_private.h"
#include "overlay/vtep_id.h"

static bool valid_iid(const char *s)
{
	char *end;
	unsigned long v = strtoul(s, &end, 10);
	return s[0] >= '0' && s[0] <= '9' && *end == '\0' && v <= 0xffffff;
}

static bool valid_addr(const char *s)
{
	struct lisp_addr a;
	return lisp_addr_parse(s, &a) == 0;
}

static bool valid_eid_prefix(const char *s)
{
	struct lisp_addr a;
	uint8_t plen;
	return lisp_prefix_parse(s, &a, &plen) == 0;
}

static struct cmd_type t_iid = { .name = "IID",
	.describe = "an instance ID (0-16777215)",
	.valid = valid_iid };
static struct cmd_type t_addr = { .name = "ADDR",
	.describe = "an IPv4 or IPv6 address",
	.valid = valid_addr };
static struct cmd_type t_eidp = { .name = "EIDPREFIX",
	.describe = "an IPv4 or IPv6 prefix without host bits (10.1.0.0/16, 2001:db8::/32)",
	.valid = valid_eid_prefix };

RTE_INIT(lisp_cmd_types)
{
	cmd_register_type(&t_iid);
	cmd_register_type(&t_addr);
	cmd_register_type(&t_eidp);
}

/* The LISP network of the IID argument; NONE with the error set. */
static uint16_t iid_network(const struct cmd_args *a, struct cmd_reply *r)
{
	uint32_t iid = cmd_arg_u32(a, "IID", 0);
	uint16_t n = lisp_network_of_iid(iid);
	if (n == NFVA_NETWORK_NONE) {
		cmd_error(r, ENOENT, "no LISP network has instance ID %u", iid);
	} else if (!lisp_tables_ready()) {
		cmd_error(r, ENOMEM, "the LISP tables could not be created (see the log)");
		n = NFVA_NETWORK_NONE;
	}
	return n;
}

static const char *const kind_names[] = { [LISP_MC_STATIC] = "static",
	[LISP_MC_DYNAMIC] = "dynamic",
	[LISP_MC_NEGATIVE] = "negative",
	[LISP_MC_PENDING] = "pending" };
static const char *const action_names[] = { [LISP_ACT_NONE] = "none",
	[LISP_ACT_NATIVE] = "native-forward",
	[LISP_ACT_MAP_REQUEST] = "send-map-request",
	[LISP_ACT_DROP] = "drop",
	[LISP_ACT_DROP_POLICY] = "drop-policy-denied",
	[LISP_ACT_DROP_AUTH] = "drop-auth-failure" };

static json_t *mc_json(const struct lisp_mc_entry *e)
{
	json_t *rlocs = json_array();
	uint64_t now = lisp_now_ms();
	for (unsigned i = 0; i < e->n_rlocs; i++) {
		const struct lisp_rloc *r = &e->rlocs[i];
		json_array_append_new(rlocs,
				json_pack("{s:o, s:i, s:i}", "rloc", vtep_id_json(r->id),
						"priority", r->priority, "weight", r->weight));
	}
	const char *action =
			e->action < RTE_DIM(action_names) ? action_names[e->action] : "unknown";
	json_t *ttl = e->ttl_s ? json_integer(e->ttl_s) : json_null();
	json_t *expires = json_null();
	if (e->expires_ms != 0) {
		uint64_t left_ms = e->expires_ms > now ? e->expires_ms - now : 0;
		expires = json_integer((json_int_t)((left_ms + 999) / 1000));
	}
	return json_pack("{s:i, s:o, s:s, s:s, s:o, s:o, s:o}", "iid",
			(int)lisp_network_iid(e->network), "eid",
			lisp_prefix_json(&e->prefix, e->plen), "type", kind_names[e->kind],
			"action", action, "ttl_s", ttl, "expires_in_s", expires, "rlocs", rlocs);
}

struct show_filter {
	uint16_t network;
	json_t *list;
};

static void mc_show_one(const struct lisp_mc_entry *e, void *arg)
{
	struct show_filter *f = arg;
	if (f->network == NFVA_NETWORK_NONE || f->network == e->network)
		json_array_append_new(f->list, mc_json(e));
}

static int mc_show_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	struct show_filter f = { .network = NFVA_NETWORK_NONE, .list = json_array() };
	if (cmd_arg(a, "IID") != NULL && (f.network = iid_network(a, r)) == NFVA_NETWORK_NONE) {
		json_decref(f.list);
		return -ENOENT;
	}
	lisp_mc_walk(mc_show_one, &f);
	r->result = f.list;
	return 0;
}
NFVA_CMD_RO(mc_show_cmd, "lisp map-cache show [IID]",
		"map-cache entries: EID prefix, type, RLOCs with priority and weight, TTL")

static int mc_add_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	uint16_t n = iid_network(a, r);
	struct lisp_mc_spec s = { .network = n, .kind = LISP_MC_STATIC, .configured = true };
	struct lisp_rloc rloc = { .priority = (uint8_t)cmd_arg_u32(a, "N", 1),
		.weight = (uint8_t)cmd_arg_u32(a, "N2", 100) };
	struct nfva_ip ip;

	if (n == NFVA_NETWORK_NONE)
		return -ENOENT;
	lisp_prefix_parse(cmd_arg(a, "EIDPREFIX"), &s.prefix, &s.plen);
	cmd_arg_addr(a, "ADDR", &ip);
	if (cmd_arg_u32(a, "N", 1) > 255 || cmd_arg_u32(a, "N2", 100) > 255)
		return cmd_error(r, EINVAL, "priority and weight are 0-255");
	if (!vtep_addr_usable(&ip))
		return cmd_error(r, EINVAL, "RLOC %s: " VTEP_ADDR_RULE, cmd_arg(a, "ADDR"));
	int ret = vtep_id_from_ip(&ip, &rloc.id);
	if (ret < 0)
		return cmd_error(r, -ret, "RLOC %s: the IPv6 VTEP table is full (%d addresses)",
				cmd_arg(a, "ADDR"), VTEP6_MAX);
	s.ttl_s = cmd_arg_u32(a, "SECONDS", 0);
	const struct lisp_mc_entry *old = lisp_mc_find(n, &s.prefix, s.plen);
	if (old != NULL && old->kind == LISP_MC_STATIC) { /* another RLOC of the set */
		s.n_rlocs = old->n_rlocs;
		memcpy(s.rlocs, old->rlocs, sizeof(s.rlocs));
		if (cmd_arg(a, "SECONDS") == NULL)
			s.ttl_s = old->ttl_s;
	}
	unsigned i = 0;
	while (i < s.n_rlocs && s.rlocs[i].id != rloc.id)
		i++;
	if (i == LISP_MAX_RLOCS)
		return cmd_error(r, ENOSPC, "an entry has at most %d RLOCs", LISP_MAX_RLOCS);
	s.rlocs[i] = rloc;
	if (i == s.n_rlocs)
		s.n_rlocs++;
	ret = lisp_mc_set(&s);
	if (ret < 0)
		return cmd_error(r, -ret, "map-cache: %s", strerror(-ret));
	r->result = mc_json(lisp_mc_find(n, &s.prefix, s.plen));
	return 0;
}
NFVA_CMD(mc_add_cmd,
		"lisp map-cache add IID EIDPREFIX rloc ADDR [priority N] [weight N2] [ttl SECONDS]",
		"static map-cache entry (again with another RLOC: the RLOC set grows; lowest "
		"priority wins, weights share flows; defaults priority 1 weight 100, no expiry)")

static int mc_negative_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	uint16_t n = iid_network(a, r);
	struct lisp_mc_spec s = { .network = n,
		.kind = LISP_MC_NEGATIVE,
		.action = LISP_ACT_DROP,
		.configured = true };

	if (n == NFVA_NETWORK_NONE)
		return -ENOENT;
	lisp_prefix_parse(cmd_arg(a, "EIDPREFIX"), &s.prefix, &s.plen);
	if (cmd_has(a, "native-forward"))
		s.action = LISP_ACT_NATIVE;
	else if (cmd_has(a, "send-map-request"))
		s.action = LISP_ACT_MAP_REQUEST;
	s.ttl_s = cmd_arg_u32(a, "SECONDS", 0);
	int ret = lisp_mc_set(&s);
	if (ret < 0)
		return cmd_error(r, -ret, "map-cache: %s", strerror(-ret));
	r->result = mc_json(lisp_mc_find(n, &s.prefix, s.plen));
	return 0;
}
NFVA_CMD(mc_negative_cmd,
		"lisp map-cache add IID EIDPREFIX negative [action "
		"drop|native-forward|send-map-request] "
		"[ttl SECONDS]",
		"negative map-cache entry: drop (default), natively forward (nfva drops: no native "
		"path), or send a Map-Request")

static int mc_del_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	uint16_t n = iid_network(a, r);
	struct lisp_addr p;
	uint8_t plen;

	if (n == NFVA_NETWORK_NONE)
		return -ENOENT;
	lisp_prefix_parse(cmd_arg(a, "EIDPREFIX"), &p, &plen);
	if (lisp_mc_del(n, &p, plen) < 0)
		return cmd_error(r, ENOENT, "no map-cache entry %s in instance %s",
				cmd_arg(a, "EIDPREFIX"), cmd_arg(a, "IID"));
	return 0;
}
NFVA_CMD(mc_del_cmd, "lisp map-cache del IID EIDPREFIX", "remove a map-cache entry")

static int mc_flush_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	uint16_t n = NFVA_NETWORK_NONE;
	if (cmd_arg(a, "IID") != NULL && (n = iid_network(a, r)) == NFVA_NETWORK_NONE)
		return -ENOENT;
	if (lisp_tables_ready())
		lisp_mc_flush(n, cmd_has(a, "dynamic") ? LISP_MC_DYNAMIC : 0);
	return 0;
}
NFVA_CMD(mc_flush_cmd, "lisp map-cache flush [IID] [dynamic]",
		"remove map-cache entries (all, or only those learned from Map-Replies)")

struct eid_show {
	uint16_t network;
	json_t *list;
};

static void eid_show_one(const struct lisp_eid *e, void *arg)
{
	struct eid_show *f = arg;
	struct lisp_addr a = { .family = e->key.family };
	char mac[RTE_ETHER_ADDR_FMT_SIZE];
	const struct port *p = port_by_index(e->port);

	if (f->network != NFVA_NETWORK_NONE && f->network != e->key.network)
		return;
	memcpy(a.bytes, e->key.addr, 16);
	rte_ether_format_addr(mac, sizeof(mac), &e->mac);
	json_t *vlan = e->vlan == NFVA_VLAN_NONE ? json_null() : json_integer(e->vlan);
	const char *type = (e->flags & LISP_EID_STATIC) ? "static" : "learned";
	json_t *j = json_pack("{s:i, s:o, s:s, s:s, s:o, s:s}", "iid",
			(int)lisp_network_iid(e->key.network), "eid", lisp_addr_json(&a), "mac",
			mac, "port", p != NULL ? p->name : "?", "vlan", vlan, "type", type);
	json_array_append_new(f->list, j);
}

static int eid_show_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	struct eid_show f = { .network = NFVA_NETWORK_NONE, .list = json_array() };
	if (cmd_arg(a, "IID") != NULL && (f.network = iid_network(a, r)) == NFVA_NETWORK_NONE) {
		json_decref(f.list);
		return -ENOENT;
	}
	lisp_eid_walk(eid_show_one, &f);
	r->result = f.list;
	return 0;
}
NFVA_CMD_RO(eid_show_cmd, "lisp eid show [IID]",
		"local EIDs: address, MAC, port, learned or static")

static int eid_add_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	uint16_t n = iid_network(a, r);
	struct lisp_addr addr;
	struct rte_ether_addr mac;
	uint16_t vlan = (uint16_t)cmd_arg_u32(a, "VLAN", NFVA_VLAN_NONE);

	if (n == NFVA_NETWORK_NONE)
		return -ENOENT;
	const struct port *p = port_find(cmd_arg(a, "PORT"));
	if (p == NULL)
		return cmd_error(r, ENOENT, "no port named %s", cmd_arg(a, "PORT"));
	const struct network *net = network_of_attachment(p->index, vlan);
	if (net == NULL || net->index != n)
		return cmd_error(r, EINVAL, "port %s%s is not attached to that network", p->name,
				vlan != NFVA_VLAN_NONE ? " (with that vlan)" : "");
	lisp_addr_parse(cmd_arg(a, "ADDR"), &addr);
	cmd_arg_mac(a, "MAC", &mac);
	if (!rte_is_unicast_ether_addr(&mac) || rte_is_zero_ether_addr(&mac))
		return cmd_error(r, EINVAL, "a VM MAC is a unicast address");
	int ret = lisp_eid_set(n, &addr, &mac, p->index, vlan, LISP_EID_STATIC);
	if (ret < 0)
		return cmd_error(r, -ret, "EID table: %s", strerror(-ret));
	return 0;
}
NFVA_CMD(eid_add_cmd, "lisp eid add IID ADDR mac MAC port PORT [vlan VLAN]",
		"a static local EID: the VM with MAC behind PORT (never aged, not moved by "
		"learning)")

static int eid_del_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	uint16_t n = iid_network(a, r);
	struct lisp_addr addr;
	if (n == NFVA_NETWORK_NONE)
		return -ENOENT;
	lisp_addr_parse(cmd_arg(a, "ADDR"), &addr);
	if (lisp_eid_del(n, &addr) < 0)
		return cmd_error(r, ENOENT, "no EID %s in instance %s", cmd_arg(a, "ADDR"),
				cmd_arg(a, "IID"));
	return 0;
}
NFVA_CMD(eid_del_cmd, "lisp eid del IID ADDR", "forget a local EID (learned or static)")

static int resolver_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	struct nfva_ip ip;
	cmd_arg_addr(a, "ADDR", &ip);
	for (unsigned i = 0; i < lisp.n_resolvers; i++)
		if (nfva_ip_eq(&lisp.resolvers[i], &ip)) {
			if (cmd_has(a, "add"))
				return cmd_error(r, EEXIST, "map-resolver %s exists",
						cmd_arg(a, "ADDR"));
			lisp.resolvers[i] = lisp.resolvers[--lisp.n_resolvers];
			return 0;
		}
	if (cmd_has(a, "del"))
		return cmd_error(r, ENOENT, "no map-resolver %s", cmd_arg(a, "ADDR"));
	if (lisp.n_resolvers == LISP_MAX_RESOLVERS)
		return cmd_error(r, ENOSPC, "at most %d map-resolvers", LISP_MAX_RESOLVERS);
	if (!vtep_addr_usable(&ip))
		return cmd_error(r, EINVAL, "map-resolver %s: " VTEP_ADDR_RULE, cmd_arg(a, "ADDR"));
	lisp.resolvers[lisp.n_resolvers++] = ip;
	lisp_tx_prepare(&ip);
	return 0;
}
NFVA_CMD(resolver_cmd, "lisp map-resolver add|del ADDR",
		"where Map-Requests go on a map-cache miss (our own RLOC: we resolve ourselves)")

static int server_add_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	struct lisp_server s = { .key_id = cmd_has(a, "sha256") ? LISP_KEY_SHA256 : LISP_KEY_SHA1 };
	cmd_arg_addr(a, "ADDR", &s.ip);
	if (strlen(cmd_arg(a, "SECRET")) >= sizeof(s.key))
		return cmd_error(r, EINVAL, "a key has at most %zu characters", sizeof(s.key) - 1);
	snprintf(s.key, sizeof(s.key), "%s", cmd_arg(a, "SECRET"));
	if (!vtep_addr_usable(&s.ip))
		return cmd_error(r, EINVAL, "map-server %s: " VTEP_ADDR_RULE, cmd_arg(a, "ADDR"));
	for (unsigned i = 0; i < lisp.n_servers; i++)
		if (nfva_ip_eq(&lisp.servers[i].ip, &s.ip))
			return cmd_error(r, EEXIST, "map-server %s exists", cmd_arg(a, "ADDR"));
	if (lisp.n_servers == LISP_MAX_SERVERS)
		return cmd_error(r, ENOSPC, "at most %d map-servers", LISP_MAX_SERVERS);
	s.generation_sent = UINT64_MAX; /* register at the next tick */
	lisp.servers[lisp.n_servers++] = s;
	lisp_tx_prepare(&s.ip);
	return 0;
}
NFVA_CMD(server_add_cmd, "lisp map-server add ADDR key SECRET [auth sha1|sha256]",
		"register local EIDs with this map-server (HMAC-SHA-1-96 by default, or "
		"HMAC-SHA-256-128), every minute once a Map-Notify verified")

static int server_del_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	struct nfva_ip ip;
	cmd_arg_addr(a, "ADDR", &ip);
	for (unsigned i = 0; i < lisp.n_servers; i++)
		if (nfva_ip_eq(&lisp.servers[i].ip, &ip)) {
			lisp.servers[i] = lisp.servers[--lisp.n_servers];
			return 0;
		}
	return cmd_error(r, ENOENT, "no map-server %s", cmd_arg(a, "ADDR"));
}
NFVA_CMD(server_del_cmd, "lisp map-server del ADDR", "stop registering with a map-server")

static int servers_show_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	json_t *list = json_array();
	(void)a;
	for (unsigned i = 0; i < lisp.n_servers; i++) {
		const struct lisp_server *s = &lisp.servers[i];
		json_array_append_new(list,
				json_pack("{s:o, s:s, s:b, s:I, s:I}", "ip", lisp_ip_json(&s->ip),
						"auth",
						s->key_id == LISP_KEY_SHA256 ? "sha256" : "sha1",
						"registered", s->notified, "registers_sent",
						(json_int_t)s->registers_sent, "notifies_accepted",
						(json_int_t)s->notifies_ok));
	}
	r->result = list;
	return 0;
}
NFVA_CMD_RO(servers_show_cmd, "lisp map-server show", "map-servers and registration state")

static int resolvers_show_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	json_t *list = json_array();
	(void)a;
	for (unsigned i = 0; i < lisp.n_resolvers; i++)
		json_array_append_new(list, lisp_ip_json(&lisp.resolvers[i]));
	r->result = list;
	return 0;
}
NFVA_CMD_RO(resolvers_show_cmd, "lisp map-resolver show", "configured map-resolvers")

static int site_add_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	struct lisp_site s = { .n_prefixes = 1,
		.key_id = cmd_has(a, "sha256") ? LISP_KEY_SHA256 : LISP_KEY_SHA1 };
	snprintf(s.name, sizeof(s.name), "%s", cmd_arg(a, "NAME"));
	if (strlen(cmd_arg(a, "SECRET")) >= sizeof(s.key))
		return cmd_error(r, EINVAL, "a key has at most %zu characters", sizeof(s.key) - 1);
	snprintf(s.key, sizeof(s.key), "%s", cmd_arg(a, "SECRET"));
	s.prefixes[0].iid = cmd_arg_u32(a, "IID", 0);
	s.prefixes[0].more_specifics = cmd_has(a, "accept-more-specifics");
	lisp_prefix_parse(cmd_arg(a, "EIDPREFIX"), &s.prefixes[0].addr, &s.prefixes[0].plen);
	int ret = lisp_site_add(&s, r->error, sizeof(r->error));
	if (ret == 0)
		r->result = lisp_ms_sites_json();
	return ret;
}
NFVA_CMD(site_add_cmd,
		"lisp site add NAME key SECRET eid-prefix IID EIDPREFIX [auth sha1|sha256] "
		"[accept-more-specifics]",
		"map-server role: accept Map-Registers for the prefix (and more specific ones with "
		"accept-more-specifics) signed with the key; answer Map-Requests as map-resolver")

static int site_show_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	(void)a;
	r->result = lisp_ms_sites_json();
	return 0;
}
NFVA_CMD_RO(site_show_cmd, "lisp site show", "sites, their prefixes and current registrations")

static json_t *lisp_counters_json(void)
{
	json_t *c = json_object();
#define LISP_COUNTER_JSON(name)                                                                    \
	json_object_set_new(c, #name, json_integer((json_int_t)lisp.c.name));
	LISP_COUNTERS(LISP_COUNTER_JSON)
#undef LISP_COUNTER_JSON
	json_object_set_new(c, "map_cache_entries", json_integer(lisp_mc_count()));
	json_object_set_new(c, "eids", json_integer(lisp_eid_count()));
	return c;
}

static int lisp_show_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	char mac[RTE_ETHER_ADDR_FMT_SIZE];
	(void)a;
	rte_ether_format_addr(mac, sizeof(mac), &lisp.gw_mac);
	json_t *res = json_array();
	for (unsigned i = 0; i < lisp.n_resolvers; i++)
		json_array_append_new(res, lisp_ip_json(&lisp.resolvers[i]));
	r->result = json_pack("{s:s, s:i, s:i, s:o, s:b, s:o}", "gateway_mac", mac,
			"record_ttl_min", (int)lisp.record_ttl_min, "eid_ageing_s",
			(int)lisp.eid_ageing_s, "map_resolvers", res, "map_server_role",
			lisp_ms_active(), "counters", lisp_counters_json());
	json_object_set_new(r->result, "limits", lisp_limits_json());
	return 0;
}
NFVA_CMD_RO(lisp_show_cmd, "lisp show", "LISP settings and counters")

static int lisp_set_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	struct rte_ether_addr mac = lisp.gw_mac;
	if (cmd_arg_mac(a, "MAC", &mac) &&
			(!rte_is_unicast_ether_addr(&mac) || rte_is_zero_ether_addr(&mac)))
		return cmd_error(r, EINVAL, "the gateway MAC is a unicast address");
	if (cmd_arg(a, "N") != NULL &&
			(cmd_arg_u32(a, "N", 0) == 0 || cmd_arg_u32(a, "N", 0) > 0xffff))
		return cmd_error(r, EINVAL, "record-ttl is 1-65535 minutes");
	lisp.record_ttl_min = cmd_arg_u32(a, "N", lisp.record_ttl_min);
	lisp.eid_ageing_s = cmd_arg_u32(a, "SECONDS", lisp.eid_ageing_s);
	lisp.gw_mac = mac;
	return dp_config_commit();
}
NFVA_CMD(lisp_set_cmd, "lisp set [gateway-mac MAC] [record-ttl N] [eid-ageing SECONDS]",
		"gateway MAC of proxy ARP/ND (default 02:00:00:00:00:01), TTL of our mappings in "
		"minutes (default 1440), ageing of learned EIDs (default 300 s)")

static struct stats_section lisp_stats = { .name = "lisp", .show = lisp_counters_json };

RTE_INIT(lisp_stats_register)
{
	stats_register_section(&lisp_stats);
}
