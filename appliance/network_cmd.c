/* SPDX-License-Identifier: BSD-3-Clause */
/* Network commands: network add | del | set | attach | detach | show. */
#include "control/cmd.h"
#include "fdb.h"
#include "network.h"
#include "port.h"

static json_t *network_to_json(const struct network *n)
{
	json_t *members = json_array();

	for (unsigned m = 0; m < n->n_members; m++) {
		const struct port *p = port_by_index(n->members[m].port);
		uint16_t vlan = n->members[m].vlan;
		json_array_append_new(members, json_pack("{s:s, s:o}", "port",
				p != NULL ? p->name : "?", "vlan",
				vlan == NFVA_VLAN_NONE ? json_null() : json_integer(vlan)));
	}
	return json_pack("{s:s, s:i, s:i, s:i, s:o}", "name", n->name, "index", n->index,
			"mac_limit", (int)n->mac_limit, "macs",
			(int)fdb_count_network(n->index), "members", members);
}

static struct network *network_arg(const struct cmd_args *a, struct cmd_reply *r)
{
	struct network *n = network_find(cmd_arg(a, "NETWORK"));
	if (n == NULL)
		cmd_error(r, ENOENT, "no network named %s", cmd_arg(a, "NETWORK"));
	return n;
}

static int network_add_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	const char *name = cmd_arg(a, "NAME");
	int ret = network_add(name, cmd_arg_u32(a, "N", 0), r->error, sizeof(r->error));
	if (ret == 0)
		r->result = network_to_json(network_find(name));
	return ret;
}
NFVA_CMD(network_add_cmd, "network add NAME [mac-limit N]", "create a network (bridge domain)")

static int network_del_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	struct network *n = network_arg(a, r);
	return n == NULL ? -ENOENT : network_del(n);
}
NFVA_CMD(network_del_cmd, "network del NETWORK", "delete a network and its FDB entries")

static int network_set_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	struct network *n = network_arg(a, r);
	if (n == NULL)
		return -ENOENT;
	int ret = network_set_mac_limit(n, cmd_arg_u32(a, "N", 0));
	if (ret == 0)
		r->result = network_to_json(n);
	return ret;
}
NFVA_CMD(network_set_cmd, "network NETWORK set mac-limit N",
	"limit the MACs a network learns (0 = none)")

/* Resolves PORT and the optional vlan; NULL with the error set. */
static struct port *attachment_arg(const struct cmd_args *a, struct cmd_reply *r, uint16_t *vlan)
{
	struct port *p = port_find(cmd_arg(a, "PORT"));
	if (p == NULL) {
		cmd_error(r, ENOENT, "no port named %s", cmd_arg(a, "PORT"));
		return NULL;
	}
	*vlan = (uint16_t)cmd_arg_u32(a, "VLAN", NFVA_VLAN_NONE);
	return p;
}

static int network_attach_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	struct network *n = network_arg(a, r);
	uint16_t vlan;
	struct port *p = n == NULL ? NULL : attachment_arg(a, r, &vlan);
	if (p == NULL)
		return -ENOENT;
	int ret = network_attach(n, p->index, vlan, r->error, sizeof(r->error));
	if (ret == 0)
		r->result = network_to_json(n);
	return ret;
}
NFVA_CMD(network_attach_cmd, "network NETWORK attach PORT [vlan VLAN]",
	"make PORT a member (with VLAN: frames tagged VLAN on the port; pop/push)")

static int network_detach_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	struct network *n = network_arg(a, r);
	uint16_t vlan;
	struct port *p = n == NULL ? NULL : attachment_arg(a, r, &vlan);
	if (p == NULL)
		return -ENOENT;
	int ret = network_detach(n, p->index, vlan, r->error, sizeof(r->error));
	if (ret == 0)
		r->result = network_to_json(n);
	return ret;
}
NFVA_CMD(network_detach_cmd, "network NETWORK detach PORT [vlan VLAN]",
	"remove a member (its FDB entries go too)")

static int network_show_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	const char *name = cmd_arg(a, "NETWORK");
	const struct network *only = name ? network_find(name) : NULL;

	if (name != NULL && only == NULL)
		return cmd_error(r, ENOENT, "no network named %s", name);
	json_t *list = json_array();
	for (uint16_t i = 0; i < NFVA_MAX_NETWORKS; i++) {
		const struct network *n = network_by_index(i);
		if (n != NULL && (only == NULL || n == only))
			json_array_append_new(list, network_to_json(n));
	}
	r->result = list;
	return 0;
}
NFVA_CMD(network_show_cmd, "network show [NETWORK]", "networks with members and MAC counts")
