/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * stats: one object whose members are the sections modules register from
 * their own files (ports, networks, fdb, punt, offload, lisp, ...), in
 * registration order; stats clear tells every module (EVENT_STATS_CLEAR).
 */
#include <string.h>

#include "control/cmd.h"
#include "control/stats.h"
#include "core/event.h"

static struct stats_section *sections;

void stats_register_section(struct stats_section *sec)
{
	struct stats_section **tail = &sections;
	while (*tail != NULL)
		tail = &(*tail)->next;
	sec->next = NULL;
	*tail = sec;
}

const struct stats_section *stats_sections(void)
{
	return sections;
}

json_t *stats_section_json(const char *name)
{
	for (const struct stats_section *sec = sections; sec != NULL; sec = sec->next)
		if (strcmp(sec->name, name) == 0)
			return sec->show();
	return NULL;
}

static int stats_show_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	(void)a;
	r->result = json_object();
	for (const struct stats_section *sec = sections; sec != NULL; sec = sec->next)
		json_object_set_new(r->result, sec->name, sec->show());
	return 0;
}
NFVA_CMD_RO(stats_show_cmd, "stats [show]", "counters of every port, networks and FDB")

static int stats_clear_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	(void)a;
	(void)r;
	event_publish_simple(EVENT_STATS_CLEAR);
	return 0;
}
NFVA_CMD(stats_clear_cmd, "stats clear", "reset the port counters (stats and port show)")
