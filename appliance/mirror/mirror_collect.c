/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ERSPAN collection: `mirror collect erspan session N to port PORT` makes
 * nfva terminate ERSPAN II/III sessions sent to its VTEP address and deliver
 * the mirrored frames to a local analyser port (slowpath/erspan_input.c).
 */
#include <string.h>

#include "control/cmd.h"
#include "ports/port.h"
#include "mirror/mirror.h"

#define ERSPAN_SESSIONS 1024

static uint16_t collect_port[ERSPAN_SESSIONS];

static int collect_add_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	uint32_t session = cmd_arg_u32(a, "N", 0);
	const struct port *p = port_find(cmd_arg(a, "PORT"));

	if (session >= ERSPAN_SESSIONS)
		return cmd_error(r, EINVAL, "ERSPAN session ids have 10 bits (0-1023)");
	if (p == NULL)
		return cmd_error(r, ENOENT, "no port named %s", cmd_arg(a, "PORT"));
	collect_port[session] = p->index;
	return dp_config_commit();
}
NFVA_CMD(collect_add_cmd, "mirror collect erspan session N to port PORT",
	"terminate ERSPAN II/III session N sent to the VTEP address; deliver to PORT")

static int collect_del_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	uint32_t session = cmd_arg_u32(a, "N", 0);
	if (session >= ERSPAN_SESSIONS || collect_port[session] == NFVA_PORT_NONE)
		return cmd_error(r, ENOENT, "ERSPAN session %u is not collected", session);
	collect_port[session] = NFVA_PORT_NONE;
	return dp_config_commit();
}
NFVA_CMD(collect_del_cmd, "mirror collect del session N", "stop collecting an ERSPAN session")

static int collect_show_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	json_t *list = json_array();
	(void)a;
	for (unsigned i = 0; i < ERSPAN_SESSIONS; i++) {
		const struct port *p = port_by_index(collect_port[i]);
		if (collect_port[i] != NFVA_PORT_NONE && p != NULL)
			json_array_append_new(list, json_pack("{s:i, s:s}", "session", (int)i,
					"port", p->name));
	}
	r->result = list;
	return 0;
}
NFVA_CMD(collect_show_cmd, "mirror collect show", "collected ERSPAN sessions")

static void collect_build(struct dp_config *cfg)
{
	for (unsigned i = 0; i < ERSPAN_SESSIONS; i++)
		if (collect_port[i] != NFVA_PORT_NONE && port_by_index(collect_port[i]) != NULL)
			cfg->erspan_collect[i] = collect_port[i];
}

static void collect_port_removing(uint16_t port)
{
	for (unsigned i = 0; i < ERSPAN_SESSIONS; i++)
		if (collect_port[i] == port)
			collect_port[i] = NFVA_PORT_NONE;
}

static struct dp_config_builder collect_builder = { .name = "erspan-collect",
	.build = collect_build };
static struct port_del_hook collect_port_hook = { .removing = collect_port_removing };

RTE_INIT(mirror_collect_register)
{
	for (unsigned i = 0; i < ERSPAN_SESSIONS; i++)
		collect_port[i] = NFVA_PORT_NONE;
	dp_config_register_builder(&collect_builder);
	port_register_del_hook(&collect_port_hook);
}
