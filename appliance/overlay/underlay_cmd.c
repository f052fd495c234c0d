/* SPDX-License-Identifier: BSD-3-Clause */
/* underlay set / underlay show (see underlay.h), and its config line. */
#include <arpa/inet.h>

#include <rte_ethdev.h>

#include "control/cmd.h"
#include "control/running_config.h"
#include "core/log.h"
#include "overlay/underlay.h"
#include "ports/port.h"

NFVA_LOG_REGISTER(underlay_cmd)

static int underlay_set_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	const struct port *p = port_find(cmd_arg(a, "PORT"));
	struct underlay u = { .active = true };

	if (p == NULL)
		return cmd_error(r, ENOENT, "no port named %s", cmd_arg(a, "PORT"));
	cmd_arg_prefix(a, "PREFIX", &u.ip, &u.prefix_len);
	if (u.prefix_len == 0 || u.prefix_len > 32 || IN_MULTICAST(ntohl(u.ip)) || u.ip == 0)
		return cmd_error(r, EINVAL, "%s is not a unicast address/prefix",
				cmd_arg(a, "PREFIX"));
	if (cmd_arg_ipv4(a, "IP", &u.gateway) &&
			(u.gateway & underlay_prefix_mask(u.prefix_len)) !=
					(u.ip & underlay_prefix_mask(u.prefix_len)))
		return cmd_error(r, EINVAL, "gateway %s is not on %s", cmd_arg(a, "IP"),
				cmd_arg(a, "PREFIX"));
	u.port = p->index;
	int ret = underlay_set(&u, r->error, sizeof(r->error));
	if (ret == 0)
		NFVA_LOG(INFO, "underlay on %s, %s", p->name, cmd_arg(a, "PREFIX"));
	return ret;
}
NFVA_CMD(underlay_set_cmd, "underlay set uplink PORT ip PREFIX [gateway IP]",
		"make PORT the uplink with the local VTEP address (a.b.c.d/len) and a gateway")

static json_t *ip_or_null(uint32_t ip)
{
	char buf[INET_ADDRSTRLEN];
	if (ip == 0)
		return json_null();
	inet_ntop(AF_INET, &ip, buf, sizeof(buf));
	return json_string(buf);
}

static int underlay_show_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	struct rte_ether_addr mac;
	char mac_str[RTE_ETHER_ADDR_FMT_SIZE] = "";
	const struct underlay *u = underlay_get();
	const struct port *p = u->active ? port_by_index(u->port) : NULL;

	(void)a;
	if (p == NULL) {
		r->result = json_pack("{s:b}", "active", false);
		return 0;
	}
	if (underlay_mac(&mac))
		rte_ether_format_addr(mac_str, sizeof(mac_str), &mac);
	r->result = json_pack("{s:b, s:s, s:o, s:i, s:o, s:s, s:i}", "active", true, "uplink",
			p->name, "ip", ip_or_null(u->ip), "prefix_len", u->prefix_len, "gateway",
			ip_or_null(u->gateway), "mac", mac_str, "mtu", p->mtu);
	return 0;
}
NFVA_CMD_RO(underlay_show_cmd, "underlay show", "uplink, VTEP address, gateway, MAC and MTU")

static void underlay_config(struct config_out *o)
{
	const struct underlay *u = underlay_get();
	const struct port *p = u->active ? port_by_index(u->port) : NULL;
	char ip[INET_ADDRSTRLEN], gw[INET_ADDRSTRLEN];

	if (p == NULL)
		return;
	inet_ntop(AF_INET, &u->ip, ip, sizeof(ip));
	config_add(o, "underlay set uplink");
	config_word(o, p->name);
	config_add(o, "ip %s/%u", ip, u->prefix_len);
	if (u->gateway != 0)
		config_add(o, "gateway %s", inet_ntop(AF_INET, &u->gateway, gw, sizeof(gw)));
	config_end(o);
}
CONFIG_SECTION(CONFIG_ORDER_UNDERLAY, underlay_config)
