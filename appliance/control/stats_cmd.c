/* SPDX-License-Identifier: BSD-3-Clause */
/* stats: every port's counters and the network/FDB summary; stats clear. */
#include "control/cmd.h"
#include "l2/fdb.h"
#include "l2/network.h"
#include "ports/port.h"
#include "ports/port_json.h"
#include "control/stats.h"

static struct stats_section *sections;

void stats_register_section(struct stats_section *sec)
{
	struct stats_section **tail = &sections;
	while (*tail != NULL)
		tail = &(*tail)->next;
	sec->next = NULL;
	*tail = sec;
}

static json_t *stats_ports(void)
{
	json_t *list = json_array();
	for (uint16_t i = 0; i < NFVA_MAX_PORTS; i++) {
		const struct port *p = port_by_index(i);
		if (p == NULL)
			continue;
		json_t *row = json_pack("{s:s}", "port", p->name);
		json_t *counters = port_counters_to_json(p);
		json_object_update(row, counters);
		json_decref(counters);
		json_array_append_new(list, row);
	}
	return list;
}

static json_t *stats_networks(void)
{
	json_t *list = json_array();
	for (uint16_t i = 0; i < NFVA_MAX_NETWORKS; i++) {
		const struct network *n = network_by_index(i);
		if (n != NULL)
			json_array_append_new(list, json_pack("{s:s, s:i}", "network", n->name,
					"macs", (int)fdb_count_network(i)));
	}
	return list;
}

static int stats_show_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	(void)a;
	r->result = json_pack("{s:o, s:o, s:{s:i, s:i}}", "ports", stats_ports(), "networks",
			stats_networks(), "fdb", "entries", (int)fdb_count(), "capacity",
			(int)fdb_capacity());
	for (const struct stats_section *sec = sections; sec != NULL; sec = sec->next)
		json_object_set_new(r->result, sec->name, sec->show());
	return 0;
}
NFVA_CMD(stats_show_cmd, "stats [show]", "counters of every port, networks and FDB")

static int stats_clear_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	(void)a;
	(void)r;
	for (uint16_t i = 0; i < NFVA_MAX_PORTS; i++) {
		struct port *p = port_by_index(i);
		if (p != NULL)
			port_counters_clear(p);
	}
	return 0;
}
NFVA_CMD(stats_clear_cmd, "stats clear", "reset the port counters (stats and port show)")
