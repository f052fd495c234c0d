/* SPDX-License-Identifier: BSD-3-Clause */
/* Neighbour commands (neigh add | del | show), the static neighbours' config
 * lines and the neighbour timer task. */
#include <arpa/inet.h>
#include <stdlib.h>

#include "control/cmd.h"
#include "control/running_config.h"
#include "control/periodic.h"
#include "overlay/neigh_private.h"
#include "core/punt.h"
#include "control/stats.h"

static json_t *neigh_stats_json(void);
static json_t *nd_stats_json(void);

static const char *const state_names[] = {
	[NEIGH_INCOMPLETE] = "incomplete",
	[NEIGH_REACHABLE] = "reachable",
	[NEIGH_STALE] = "stale",
	[NEIGH_FAILED] = "failed",
	[NEIGH_PERMANENT] = "permanent",
};

static bool unicast_ip(const struct nfva_ip *ip)
{
	uint32_t v4 = nfva_ip_get_v4(ip);
	if (ip->family == AF_INET6)
		return !ipv6_is_unspecified(ip->addr) && !ipv6_is_multicast(ip->addr) &&
				!ipv6_is_loopback(ip->addr);
	return v4 != 0 && !IN_MULTICAST(ntohl(v4)) && v4 != INADDR_BROADCAST;
}

static int neigh_add_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	struct nfva_ip ip = { 0 };
	struct rte_ether_addr mac;

	cmd_arg_addr(a, "ADDR", &ip);
	cmd_arg_mac(a, "MAC", &mac);
	if (!unicast_ip(&ip))
		return cmd_error(r, EINVAL, "a neighbour is a unicast address");
	if (!rte_is_unicast_ether_addr(&mac) || rte_is_zero_ether_addr(&mac))
		return cmd_error(r, EINVAL, "%s is not a unicast MAC", cmd_arg(a, "MAC"));
	int ret = neigh_add_static_ip(&ip, &mac);
	return ret < 0 ? cmd_error(r, ret, "neighbour table full") : 0;
}
NFVA_CMD(neigh_add_cmd, "neigh add ADDR lladdr MAC",
		"add a static (permanent) underlay neighbour, IPv4 or IPv6")

static int neigh_del_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	struct nfva_ip ip = { 0 };
	cmd_arg_addr(a, "ADDR", &ip);
	return neigh_del_ip(&ip) < 0 ? cmd_error(r, ENOENT, "no neighbour %s", cmd_arg(a, "ADDR"))
				     : 0;
}
NFVA_CMD(neigh_del_cmd, "neigh del ADDR", "remove a neighbour")

static int neigh_resolve_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	struct nfva_ip ip = { 0 };
	cmd_arg_addr(a, "ADDR", &ip);
	if (!unicast_ip(&ip))
		return cmd_error(r, EINVAL, "a neighbour is a unicast address");
	return neigh_want(&ip) < 0 ? cmd_error(r, ENOSPC, "neighbour table full") : 0;
}
NFVA_CMD(neigh_resolve_cmd, "neigh resolve ADDR",
		"resolve ADDR now (ARP or Neighbour Discovery) and keep it resolved")

static json_t *neigh_to_json(const struct neigh *n, uint64_t now)
{
	char ip[NFVA_IP_STRLEN], mac[RTE_ETHER_ADDR_FMT_SIZE];
	bool has_mac = n->state != NEIGH_INCOMPLETE && !rte_is_zero_ether_addr(&n->mac);

	nfva_ip_format(&n->ip, ip, sizeof(ip));
	rte_ether_format_addr(mac, sizeof(mac), &n->mac);
	json_t *confirmed = n->confirmed_ms ? json_integer((json_int_t)(now - n->confirmed_ms))
					    : json_null();
	json_t *retry = n->state == NEIGH_FAILED && n->next_probe_ms > now
			? json_integer((json_int_t)(n->next_probe_ms - now))
			: json_null();
	return json_pack("{s:s, s:o, s:s, s:i, s:o, s:b, s:o}", "ip", ip, "lladdr",
			has_mac ? json_string(mac) : json_null(), "state", state_names[n->state],
			"held", n->n_held, "confirmed_ago_ms", confirmed, "wanted", n->wanted,
			"retry_in_ms", retry);
}

static json_t *underlay_stats_json(void)
{
	struct punt_stats p;
	punt_get_stats(&p);
	json_t *j = json_pack("{s:o, s:o, s:{s:I, s:I, s:I, s:I}}", "arp", neigh_stats_json(), "nd",
			nd_stats_json(), "punt", "punted", (json_int_t)p.punted, "punt_full",
			(json_int_t)p.punt_full, "ctrl_sent", (json_int_t)p.ctrl_sent, "ctrl_full",
			(json_int_t)p.ctrl_full);
	json_object_set_new(json_object_get(j, "punt"), "kinds", punt_kinds_json());
	return j;
}

static json_t *neigh_stats_json(void)
{
	const struct neigh_stats *s = &neigh_table.stats;
	json_t *j = json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "requests_sent",
			(json_int_t)s->requests_sent, "replies", (json_int_t)s->replies,
			"requests_answered", (json_int_t)s->requests_answered, "updates",
			(json_int_t)s->updates, "held", (json_int_t)s->held, "held_dropped",
			(json_int_t)s->held_dropped, "failures", (json_int_t)s->failures,
			"table_full", (json_int_t)s->table_full, "arp_ignored",
			(json_int_t)s->arp_ignored);
	json_object_set_new(j, "recoveries", json_integer((json_int_t)s->recoveries));
	json_object_set_new(j, "evicted", json_integer((json_int_t)s->evicted));
	json_object_set_new(j, "expired", json_integer((json_int_t)s->expired));
	json_object_set_new(j, "replies_rate_limited",
			json_integer((json_int_t)s->replies_rate_limited));
	return j;
}

static json_t *nd_stats_json(void)
{
	const struct neigh_stats *s = &neigh_table.stats;
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "ns_sent", (json_int_t)s->ns_sent,
			"ns_answered", (json_int_t)s->ns_answered, "na_received",
			(json_int_t)s->na_received, "na_unsolicited", (json_int_t)s->na_unsolicited,
			"nd_ignored", (json_int_t)s->nd_ignored, "na_rate_limited",
			(json_int_t)s->na_rate_limited, "learned_stale",
			(json_int_t)s->nd_learned_stale);
}

static int neigh_show_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	json_t *list = json_array();
	uint64_t now = neigh_now_ms();

	for (uint32_t i = 0; i < neigh_table.capacity; i++)
		if (neigh_table.entries[i].used)
			json_array_append_new(list, neigh_to_json(&neigh_table.entries[i], now));
	if (cmd_has(a, "stats")) {
		r->result = json_pack("{s:o, s:o, s:o}", "neighbours", list, "counters",
				neigh_stats_json(), "nd", nd_stats_json());
		return 0;
	}
	r->result = list;
	return 0;
}
NFVA_CMD_RO(neigh_show_cmd, "neigh show [stats]",
		"underlay neighbours of both families with state (with stats: ARP and ND "
		"counters too)")

static int by_address(const void *a, const void *b)
{
	return nfva_ip_cmp(a, b);
}

/* Static neighbours, by address (table slots depend on what was learned). */
static void neigh_config(struct config_out *o)
{
	struct nfva_ip *ips = calloc(neigh_table.capacity, sizeof(*ips));
	unsigned n = 0;

	if (ips == NULL) {
		config_fail(o);
		return;
	}
	for (uint32_t i = 0; i < neigh_table.capacity; i++)
		if (neigh_table.entries[i].used && neigh_table.entries[i].state == NEIGH_PERMANENT)
			ips[n++] = neigh_table.entries[i].ip;
	qsort(ips, n, sizeof(ips[0]), by_address);
	for (unsigned i = 0; i < n; i++) {
		char ip[NFVA_IP_STRLEN], mac[RTE_ETHER_ADDR_FMT_SIZE];
		const struct neigh *e = neigh_find(&ips[i]);
		nfva_ip_format(&ips[i], ip, sizeof(ip));
		rte_ether_format_addr(mac, sizeof(mac), &e->mac);
		config_add(o, "neigh add %s lladdr %s", ip, mac);
		config_end(o);
	}
	free(ips);
}
CONFIG_SECTION(CONFIG_ORDER_NEIGH, neigh_config)

static struct stats_section underlay_section = { .name = "underlay", .show = underlay_stats_json };

static struct periodic_task neigh_task = { .name = "neigh-timers",
	.interval_ms = 250,
	.run = neigh_timers };

RTE_INIT(neigh_cmd_register)
{
	periodic_register(&neigh_task);
	stats_register_section(&underlay_section);
}
