/* SPDX-License-Identifier: BSD-3-Clause */
/* Port commands: port add | del | set | show. */
#include <stdio.h>

#include "control/cmd.h"
#include "control/stats.h"
#include "ports/port.h"
#include "ports/port_json.h"

static int port_add_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	struct port_params params = {
		.name = cmd_arg(a, "NAME"),
		.devargs = cmd_arg(a, "DEVARGS"),
		.mtu = (uint16_t)cmd_arg_u32(a, "MTU", 0),
		.mac_limit = cmd_arg_u32(a, "N", 0),
	};
	uint32_t rxd = cmd_arg_u32(a, "N2", 0), txd = cmd_arg_u32(a, "N3", 0);
	if (rxd > 16384 || txd > 16384)
		return cmd_error(r, EINVAL, "rxd/txd must be at most 16384");
	params.rxd = (uint16_t)rxd;
	params.txd = (uint16_t)txd;
	uint32_t rxq = cmd_arg_u32(a, "N4", 0), txq = cmd_arg_u32(a, "N5", 0);
	if ((cmd_arg(a, "N4") != NULL && (rxq == 0 || rxq > NFVA_MAX_RXQ)) ||
			(cmd_arg(a, "N5") != NULL && (txq == 0 || txq > NFVA_MAX_WORKERS)))
		return cmd_error(r, EINVAL, "rxq is 1-%d, txq 1-%d", NFVA_MAX_RXQ,
				NFVA_MAX_WORKERS);
	params.rxq = (uint16_t)rxq;
	params.txq = (uint16_t)txq;
	params.eswitch = cmd_has(a, "emulated") ? PORT_ESWITCH_EMULATED
			: cmd_has(a, "nic")     ? PORT_ESWITCH_NIC
						: PORT_ESWITCH_NONE;
	params.vf_of = NFVA_PORT_NONE;
	if (cmd_arg(a, "PORT") != NULL) {
		const struct port *up = port_find(cmd_arg(a, "PORT"));
		if (up == NULL || up->eswitch == PORT_ESWITCH_NONE)
			return cmd_error(r, EINVAL, "vf-of %s: no such port with an e-switch",
					cmd_arg(a, "PORT"));
		if (params.eswitch != PORT_ESWITCH_NONE)
			return cmd_error(r, EINVAL, "a VF cannot have an e-switch of its own");
		params.vf_of = up->index;
	}
	int ret = port_add(&params, r->error, sizeof(r->error));
	if (ret < 0)
		return ret;
	r->result = port_to_json(port_find(params.name));
	return 0;
}
NFVA_CMD(port_add_cmd,
		"port add NAME dev DEVARGS [mtu MTU] [mac-limit N] [rxd N2] [txd N3] [rxq N4] "
		"[txq N5] [eswitch emulated|nic] [vf-of PORT]",
		"add a port on any ethdev: PCI devargs or a vdev (net_af_packet0,iface=veth0 ...); "
		"rxq/txq: queues (default: one per worker, as many as the device has; RSS over "
		"several rx queues); "
		"eswitch: this PF/uplink has a VF switch (nic: rte_flow, emulated: vdevs); "
		"vf-of: this port is a VF (representor) of that e-switch")

static struct port *port_arg(const struct cmd_args *a, struct cmd_reply *r)
{
	struct port *p = port_find(cmd_arg(a, "PORT"));
	if (p == NULL)
		cmd_error(r, ENOENT, "no port named %s", cmd_arg(a, "PORT"));
	return p;
}

static int port_del_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	struct port *p = port_arg(a, r);
	if (p == NULL)
		return -ENOENT;
	for (uint16_t i = 0; p->eswitch != PORT_ESWITCH_NONE && i < NFVA_MAX_PORTS; i++) {
		const struct port *vf = port_by_index(i);
		if (vf != NULL && vf->vf_of == p->index)
			return cmd_error(r, EBUSY, "port %s is a VF of %s: delete the VFs first",
					vf->name, p->name);
	}
	return port_del(p);
}
NFVA_CMD(port_del_cmd, "port del PORT", "stop and remove a port (its FDB entries go too)")

static int port_set_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	struct port *p = port_arg(a, r);
	if (p == NULL)
		return -ENOENT;
	p->mac_limit = cmd_arg_u32(a, "N", 0);
	int ret = dp_config_commit();
	if (ret == 0)
		r->result = port_to_json(p);
	return ret;
}
NFVA_CMD(port_set_cmd, "port set PORT mac-limit N", "limit the MACs learned on a port (0 = none)")

static int port_show_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	const char *name = cmd_arg(a, "PORT");
	json_t *list = json_array();

	if (name != NULL && port_find(name) == NULL) {
		json_decref(list);
		return cmd_error(r, ENOENT, "no port named %s", name);
	}
	for (uint16_t i = 0; i < NFVA_MAX_PORTS; i++) {
		struct port *p = port_by_index(i);
		if (p != NULL && (name == NULL || p == port_find(name)))
			json_array_append_new(list, port_to_json(p));
	}
	r->result = list;
	return 0;
}
NFVA_CMD(port_show_cmd, "port show [PORT]", "ports with link state and counters")

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
STATS_SECTION("ports", stats_ports)

static int port_set_rxq_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	struct port *p = port_arg(a, r);
	if (p == NULL)
		return -ENOENT;
	uint32_t q = cmd_arg_u32(a, "N", 0);
	uint16_t worker = cmd_has(a, "any") ? NFVA_WORKER_ANY : (uint16_t)cmd_arg_u32(a, "N2", 0);
	if (q > UINT16_MAX)
		return cmd_error(r, EINVAL, "no rx queue %u", q);
	return port_pin_rxq(p, (uint16_t)q, worker, r->error, sizeof(r->error));
}
NFVA_CMD(port_set_rxq_cmd, "port set PORT rxq N worker N2",
		"pin rx queue N of PORT to worker N2 (shown in port show's rx_queues)")

static int port_unpin_rxq_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	return port_set_rxq_cmd(a, r); /* the syntax has "any", not N2 */
}
NFVA_CMD(port_unpin_rxq_cmd, "port set PORT rxq N worker any",
		"let rx queue N of PORT be placed round robin again")
