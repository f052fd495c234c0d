/* SPDX-License-Identifier: BSD-3-Clause */
/* Underlay configuration, its commands and its part of the snapshot. */
#include <arpa/inet.h>

#include <rte_ethdev.h>

#include "control/cmd.h"
#include "core/dp_config.h"
#include "core/log.h"
#include "l2/network.h"
#include "ports/port.h"
#include "overlay/underlay.h"

NFVA_LOG_REGISTER(underlay)

static struct underlay underlay;
static struct underlay_listener *listeners;

const struct underlay *underlay_get(void)
{
	return &underlay;
}

void underlay_register_listener(struct underlay_listener *l)
{
	l->next = listeners;
	listeners = l;
}

static uint32_t prefix_mask(uint8_t len)
{
	return len == 0 ? 0 : htonl(~0u << (32 - len));
}

uint32_t underlay_nexthop(uint32_t ip)
{
	uint32_t mask = prefix_mask(underlay.prefix_len);
	if (!underlay.active)
		return 0;
	if ((ip & mask) == (underlay.ip & mask))
		return ip;
	return underlay.gateway;
}

bool underlay_mac(struct rte_ether_addr *mac)
{
	const struct port *p = underlay.active ? port_by_index(underlay.port) : NULL;
	return p != NULL && rte_eth_macaddr_get(p->ethdev, mac) == 0;
}

unsigned underlay_mtu(void)
{
	const struct port *p = underlay.active ? port_by_index(underlay.port) : NULL;
	return p != NULL ? p->mtu : 0;
}

static void underlay_notify(void)
{
	for (struct underlay_listener *l = listeners; l != NULL; l = l->next)
		l->changed();
}

static int underlay_set_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	const struct port *p = port_find(cmd_arg(a, "PORT"));
	struct underlay u = { .active = true };

	if (p == NULL)
		return cmd_error(r, ENOENT, "no port named %s", cmd_arg(a, "PORT"));
	for (unsigned vlan = 0; vlan < 4096; vlan++)
		if (network_of_attachment(p->index, vlan == 0 ? NFVA_VLAN_NONE : vlan) != NULL)
			return cmd_error(r, EBUSY, "port %s is attached to a network", p->name);
	cmd_arg_prefix(a, "PREFIX", &u.ip, &u.prefix_len);
	if (u.prefix_len == 0 || u.prefix_len > 32 || IN_MULTICAST(ntohl(u.ip)) || u.ip == 0)
		return cmd_error(r, EINVAL, "%s is not a unicast address/prefix", cmd_arg(a, "PREFIX"));
	if (cmd_arg_ipv4(a, "IP", &u.gateway) &&
			(u.gateway & prefix_mask(u.prefix_len)) != (u.ip & prefix_mask(u.prefix_len)))
		return cmd_error(r, EINVAL, "gateway %s is not on %s", cmd_arg(a, "IP"),
				cmd_arg(a, "PREFIX"));
	u.port = p->index;
	underlay = u;
	int ret = dp_config_commit();
	underlay_notify();
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
	const struct port *p = underlay.active ? port_by_index(underlay.port) : NULL;

	(void)a;
	if (p == NULL) {
		r->result = json_pack("{s:b}", "active", false);
		return 0;
	}
	if (underlay_mac(&mac))
		rte_ether_format_addr(mac_str, sizeof(mac_str), &mac);
	r->result = json_pack("{s:b, s:s, s:o, s:i, s:o, s:s, s:i}", "active", true, "uplink",
			p->name, "ip", ip_or_null(underlay.ip), "prefix_len", underlay.prefix_len,
			"gateway", ip_or_null(underlay.gateway), "mac", mac_str, "mtu", p->mtu);
	return 0;
}
NFVA_CMD(underlay_show_cmd, "underlay show", "uplink, VTEP address, gateway, MAC and MTU")

static void underlay_build(struct dp_config *cfg)
{
	const struct port *p = underlay.active ? port_by_index(underlay.port) : NULL;
	if (p == NULL)
		return;
	cfg->underlay.active = true;
	cfg->underlay.port = underlay.port;
	cfg->underlay.ip = underlay.ip;
	cfg->underlay.mtu = p->mtu;
	underlay_mac(&cfg->underlay.mac);
}

static void underlay_port_removing(uint16_t port)
{
	if (underlay.active && underlay.port == port) {
		underlay.active = false;
		NFVA_LOG(WARNING, "uplink removed: overlays are down");
	}
}

static struct dp_config_builder underlay_builder = { .name = "underlay", .build = underlay_build };
static struct port_del_hook underlay_port_hook = { .removing = underlay_port_removing };

RTE_INIT(underlay_register)
{
	dp_config_register_builder(&underlay_builder);
	port_register_del_hook(&underlay_port_hook);
}
