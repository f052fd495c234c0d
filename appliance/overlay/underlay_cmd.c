/* SPDX-License-Identifier: BSD-3-Clause */
/* underlay set / underlay show (see underlay.h), and its config lines. */
#include <arpa/inet.h>
#include <string.h>

#include <rte_ethdev.h>

#include "control/cmd.h"
#include "control/running_config.h"
#include "core/ip_addr.h"
#include "core/log.h"
#include "overlay/underlay.h"
#include "ports/port.h"

NFVA_LOG_REGISTER(underlay_cmd)

/* The IPv4 half of `underlay set`: into u, or an error in r. */
static int set_v4(const struct cmd_args *a, struct cmd_reply *r, const struct nfva_ip *ip,
		uint8_t len, struct underlay *u)
{
	struct nfva_ip gw = { 0 };
	uint32_t addr = nfva_ip_get_v4(ip);

	if (len == 0 || len > 32 || IN_MULTICAST(ntohl(addr)) || addr == 0)
		return cmd_error(r, EINVAL, "%s is not a unicast address/prefix",
				cmd_arg(a, "PREFIX"));
	u->gateway = 0;
	if (cmd_arg_addr(a, "ADDR", &gw)) {
		if (gw.family != AF_INET)
			return cmd_error(r, EINVAL, "gateway %s is not IPv4 like %s",
					cmd_arg(a, "ADDR"), cmd_arg(a, "PREFIX"));
		u->gateway = nfva_ip_get_v4(&gw);
		if ((u->gateway & underlay_prefix_mask(len)) != (addr & underlay_prefix_mask(len)))
			return cmd_error(r, EINVAL, "gateway %s is not on %s", cmd_arg(a, "ADDR"),
					cmd_arg(a, "PREFIX"));
	}
	u->ip = addr;
	u->prefix_len = len;
	return 0;
}

/* An IPv6 address the uplink may own: global or unique-local unicast. */
static const char *bad_ip6(const uint8_t a[16])
{
	if (ipv6_is_unspecified(a) || ipv6_is_loopback(a))
		return "unspecified or loopback";
	if (ipv6_is_multicast(a))
		return "multicast";
	if (ipv6_is_link_local(a))
		return "link-local";
	if (ipv6_is_v4_mapped(a))
		return "IPv4-mapped";
	return NULL;
}

/* The IPv6 half of `underlay set`. */
static int set_v6(const struct cmd_args *a, struct cmd_reply *r, const struct nfva_ip *ip,
		uint8_t len, struct underlay *u)
{
	struct nfva_ip gw = { 0 };
	const char *why = bad_ip6(ip->addr);

	if (len == 0 || len > 128)
		return cmd_error(r, EINVAL, "%s: prefix length must be 1-128",
				cmd_arg(a, "PREFIX"));
	if (why != NULL)
		return cmd_error(r, EINVAL, "%s is %s, not a unicast VTEP address",
				cmd_arg(a, "PREFIX"), why);
	memset(u->gateway6, 0, sizeof(u->gateway6));
	if (cmd_arg_addr(a, "ADDR", &gw)) {
		if (gw.family != AF_INET6)
			return cmd_error(r, EINVAL, "gateway %s is not IPv6 like %s",
					cmd_arg(a, "ADDR"), cmd_arg(a, "PREFIX"));
		/* A router's link-local address is what RAs announce: allowed. */
		if (ipv6_is_multicast(gw.addr) || ipv6_is_unspecified(gw.addr) ||
				(!ipv6_is_link_local(gw.addr) &&
						!ipv6_same_prefix(gw.addr, ip->addr, len)))
			return cmd_error(r, EINVAL, "gateway %s is not on %s", cmd_arg(a, "ADDR"),
					cmd_arg(a, "PREFIX"));
		memcpy(u->gateway6, gw.addr, 16);
	}
	memcpy(u->ip6, ip->addr, 16);
	u->prefix6_len = len;
	u->has_ip6 = true;
	return 0;
}

/* Sets the address of PREFIX's family; the other family's address stays
 * when PORT is already the uplink. Moving the uplink to another port starts
 * it afresh with this address only (the other one is dropped, logged). */
static int underlay_set_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	const struct port *p = port_find(cmd_arg(a, "PORT"));
	const struct underlay *cur = underlay_get();
	struct underlay u = { .active = true };
	struct nfva_ip ip;
	uint8_t len = 0;

	if (p == NULL)
		return cmd_error(r, ENOENT, "no port named %s", cmd_arg(a, "PORT"));
	if (!cmd_arg_addr_prefix(a, "PREFIX", &ip, &len))
		return cmd_error(r, EINVAL, "%s is not a prefix", cmd_arg(a, "PREFIX"));
	if (cur->active && cur->port == p->index)
		u = *cur;
	else if (cur->active && (cur->ip != 0) + cur->has_ip6 > 1)
		NFVA_LOG(WARNING, "uplink moves to %s: its other address is dropped", p->name);
	int ret = ip.family == AF_INET ? set_v4(a, r, &ip, len, &u) : set_v6(a, r, &ip, len, &u);
	if (ret < 0)
		return ret;
	u.port = p->index;
	ret = underlay_set(&u, r->error, sizeof(r->error));
	if (ret == 0)
		NFVA_LOG(INFO, "underlay on %s, %s", p->name, cmd_arg(a, "PREFIX"));
	return ret;
}
NFVA_CMD(underlay_set_cmd, "underlay set uplink PORT ip PREFIX [gateway ADDR]",
		"make PORT the uplink with a local address of either family (a.b.c.d/len or "
		"x:x::x/len) and a gateway; PORT may hold one IPv4 and one IPv6 address")

static json_t *ip_or_null(uint32_t ip)
{
	char buf[INET_ADDRSTRLEN];
	if (ip == 0)
		return json_null();
	inet_ntop(AF_INET, &ip, buf, sizeof(buf));
	return json_string(buf);
}

static json_t *ip6_or_null(bool set, const uint8_t ip6[16])
{
	char buf[INET6_ADDRSTRLEN];
	if (!set)
		return json_null();
	inet_ntop(AF_INET6, ip6, buf, sizeof(buf));
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
	r->result = json_pack("{s:b, s:s, s:o, s:o, s:o, s:s, s:i}", "active", true, "uplink",
			p->name, "ip", ip_or_null(u->ip), "prefix_len",
			u->ip != 0 ? json_integer(u->prefix_len) : json_null(), "gateway",
			ip_or_null(u->gateway), "mac", mac_str, "mtu", p->mtu);
	json_object_set_new(r->result, "ip6", ip6_or_null(u->has_ip6, u->ip6));
	json_object_set_new(r->result, "prefix6_len",
			u->has_ip6 ? json_integer(u->prefix6_len) : json_null());
	json_object_set_new(r->result, "gateway6",
			ip6_or_null(!ipv6_is_unspecified(u->gateway6), u->gateway6));
	return 0;
}
NFVA_CMD_RO(underlay_show_cmd, "underlay show",
		"uplink, its IPv4 and IPv6 addresses and gateways, MAC and MTU")

/* One line per family; the second keeps the first (same uplink). */
static void underlay_config(struct config_out *o)
{
	const struct underlay *u = underlay_get();
	const struct port *p = u->active ? port_by_index(u->port) : NULL;
	char ip[INET6_ADDRSTRLEN], gw[INET6_ADDRSTRLEN];

	if (p == NULL)
		return;
	if (u->ip != 0) {
		inet_ntop(AF_INET, &u->ip, ip, sizeof(ip));
		config_add(o, "underlay set uplink");
		config_word(o, p->name);
		config_add(o, "ip %s/%u", ip, u->prefix_len);
		if (u->gateway != 0)
			config_add(o, "gateway %s",
					inet_ntop(AF_INET, &u->gateway, gw, sizeof(gw)));
		config_end(o);
	}
	if (u->has_ip6) {
		inet_ntop(AF_INET6, u->ip6, ip, sizeof(ip));
		config_add(o, "underlay set uplink");
		config_word(o, p->name);
		config_add(o, "ip %s/%u", ip, u->prefix6_len);
		if (!ipv6_is_unspecified(u->gateway6))
			config_add(o, "gateway %s",
					inet_ntop(AF_INET6, u->gateway6, gw, sizeof(gw)));
		config_end(o);
	}
}
CONFIG_SECTION(CONFIG_ORDER_UNDERLAY, underlay_config)
