/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ERSPAN collection: `mirror collect erspan session N to port PORT` makes
 * nfva terminate ERSPAN II/III sessions sent to its VTEP address and deliver
 * the mirrored frames to a local analyser port (slowpath/erspan_input.c).
 */
#include <arpa/inet.h>
#include <string.h>

#include "control/cmd.h"
#include "control/running_config.h"
#include "core/dp_config.h"
#include "core/event.h"
#include "mirror/mirror.h"
#include "ports/port.h"
#include "overlay/vtep_id.h"

static uint16_t collect_port[ERSPAN_SESSIONS];
static uint32_t collect_from[ERSPAN_SESSIONS]; /* the one sender accepted, 0 = any */

static int collect_add_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	uint32_t session = cmd_arg_u32(a, "N", 0);
	const struct port *p = port_find(cmd_arg(a, "PORT"));

	if (session >= ERSPAN_SESSIONS)
		return cmd_error(r, EINVAL, "ERSPAN session ids have 10 bits (0-1023)");
	if (p == NULL)
		return cmd_error(r, ENOENT, "no port named %s", cmd_arg(a, "PORT"));
	uint32_t from = 0;
	struct nfva_ip ip;
	if (cmd_arg(a, "ADDR") != NULL &&
			(nfva_ip_parse(cmd_arg(a, "ADDR"), &ip) < 0 || !vtep_addr_usable(&ip)))
		return cmd_error(r, EINVAL, "from takes the unicast address of the sender");
	if (cmd_arg(a, "ADDR") != NULL && vtep_id_from_ip(&ip, &from) < 0)
		return cmd_error(r, ENOSPC, "%u IPv6 VTEPs known already (the bound)", VTEP6_MAX);
	collect_port[session] = p->index;
	vtep_id_ref(collect_from[session], -1);
	vtep_id_ref(from, 1);
	collect_from[session] = from;
	return dp_config_commit();
}
NFVA_CMD(collect_add_cmd, "mirror collect erspan session N to port PORT [from ADDR]",
		"terminate ERSPAN II/III session N sent to the VTEP address (IPv4 or IPv6); "
		"deliver to PORT (with from: only what ADDR sends, the rest counted as "
		"erspan_sender)")

static int collect_del_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	uint32_t session = cmd_arg_u32(a, "N", 0);
	if (session >= ERSPAN_SESSIONS || collect_port[session] == NFVA_PORT_NONE)
		return cmd_error(r, ENOENT, "ERSPAN session %u is not collected", session);
	collect_port[session] = NFVA_PORT_NONE;
	vtep_id_ref(collect_from[session], -1);
	collect_from[session] = 0;
	return dp_config_commit();
}
NFVA_CMD(collect_del_cmd, "mirror collect del session N", "stop collecting an ERSPAN session")

static json_t *collect_from_json(uint32_t ip)
{
	return ip == 0 ? json_null() : vtep_id_json(ip);
}

static int collect_show_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	json_t *list = json_array();
	(void)a;
	for (unsigned i = 0; i < ERSPAN_SESSIONS; i++) {
		const struct port *p = port_by_index(collect_port[i]);
		if (collect_port[i] == NFVA_PORT_NONE || p == NULL)
			continue;
		json_array_append_new(list,
				json_pack("{s:i, s:s, s:o}", "session", (int)i, "port", p->name,
						"from", collect_from_json(collect_from[i])));
	}
	r->result = list;
	return 0;
}
NFVA_CMD_RO(collect_show_cmd, "mirror collect show", "collected ERSPAN sessions")

void mirror_collect_build(struct dp_mirrors *dm)
{
	for (unsigned i = 0; i < ERSPAN_SESSIONS; i++) {
		bool live = collect_port[i] != NFVA_PORT_NONE &&
				port_by_index(collect_port[i]) != NULL;
		dm->erspan_collect[i] = live ? collect_port[i] : NFVA_PORT_NONE;
		dm->erspan_from[i] = collect_from[i];
	}
}

static int collect_port_removing(const struct nfva_event *ev)
{
	for (unsigned i = 0; i < ERSPAN_SESSIONS; i++)
		if (collect_port[i] == ev->port) {
			collect_port[i] = NFVA_PORT_NONE;
			vtep_id_ref(collect_from[i], -1);
			collect_from[i] = 0;
		}
	return 0;
}
EVENT_SUBSCRIBE(EVENT_PORT_REMOVING, collect_port_removing)

static void collect_config(struct config_out *o)
{
	char ip[NFVA_IP_STRLEN];

	for (unsigned i = 0; i < ERSPAN_SESSIONS; i++) {
		const struct port *p = port_by_index(collect_port[i]);
		if (collect_port[i] == NFVA_PORT_NONE || p == NULL)
			continue;
		config_add(o, "mirror collect erspan session %u to port", i);
		config_word(o, p->name);
		if (collect_from[i] != 0)
			config_add(o, "from %s", vtep_id_format(collect_from[i], ip, sizeof(ip)));
		config_end(o);
	}
}
CONFIG_SECTION(CONFIG_ORDER_COLLECT, collect_config)

RTE_INIT(mirror_collect_init)
{
	for (unsigned i = 0; i < ERSPAN_SESSIONS; i++)
		collect_port[i] = NFVA_PORT_NONE;
}
