/* SPDX-License-Identifier: BSD-3-Clause */
/* Network commands: network add | del | set | attach | detach | show. */
#include <arpa/inet.h>
#include <stdlib.h>
#include <string.h>

#include "control/cmd.h"
#include "control/stats.h"
#include "core/clock.h"
#include "l2/fdb.h"
#include "l2/network.h"
#include "ports/port.h"
#include "overlay/underlay.h"
#include "overlay/vtep_id.h"

static json_t *ip_json(uint32_t id)
{
	return vtep_id_json(id);
}

/* The flood list: each VTEP once, with its origins (config, evpn). */
static json_t *flood_to_json(const struct network *n)
{
	uint32_t *list = malloc((n->vteps.n + n->evpn_vteps.n + 1) * sizeof(*list));
	json_t *flood = json_array();
	if (list == NULL)
		return flood;
	unsigned k = network_flood_list(n, list);
	for (unsigned i = 0; i < k; i++) {
		unsigned o = network_vtep_origins(n, list[i]);
		json_t *origins = json_array();
		if (o & VTEP_CONFIG)
			json_array_append_new(origins, json_string("config"));
		if (o & VTEP_EVPN)
			json_array_append_new(origins, json_string("evpn"));
		json_array_append_new(flood,
				json_pack("{s:o, s:o}", "vtep", ip_json(list[i]), "origin",
						origins));
	}
	free(list);
	return flood;
}

static json_t *overlay_to_json(const struct network *n)
{
	const struct network_overlay *o = &n->overlay;
	const struct tunnel_ops *ops = tunnel_ops_get(o->encap);

	if (ops == NULL)
		return json_null();
	json_t *vteps = json_array();
	for (unsigned i = 0; i < n->vteps.n; i++)
		json_array_append_new(vteps, ip_json(n->vteps.ip[i]));
	unsigned mtu = underlay_mtu();
	/* inner_mtu is the inner IP MTU: L2 overlays also carry the inner Ethernet. */
	unsigned overhead = tunnel_overhead(o->encap) + (ops->l3 ? 0 : RTE_ETHER_HDR_LEN);
	bool own_port = ops->udp_port != 0 && !ops->l3; /* VXLAN: per network */
	json_t *j = json_pack("{s:s, s:i, s:o, s:o, s:b, s:b, s:b, s:b, s:b, s:b, s:o, s:o}",
			"encap", o->nvgre ? "nvgre" : ops->name, "vni", (int)o->vni, "udp_port",
			own_port ? json_integer(o->udp_port) : json_null(), "group",
			o->group != 0 ? ip_json(o->group) : json_null(), "df", o->df, "udp_csum",
			o->udp_csum, "udp6_zero_csum", o->udp6_zero_csum, "strict", o->strict,
			"collector", o->collector, "evpn", o->evpn, "inner_mtu",
			mtu > overhead ? json_integer(mtu - overhead) : json_null(), "vteps",
			vteps);
	/* Over an IPv6 underlay the outer header is 20 bytes longer. */
	unsigned overhead6 = overhead + sizeof(struct rte_ipv6_hdr) - sizeof(struct rte_ipv4_hdr);
	bool v6 = underlay_get()->active && underlay_get()->has_ip6 && mtu > overhead6;
	json_object_set_new(j, "inner_mtu6", v6 ? json_integer(mtu - overhead6) : json_null());
	json_object_set_new(j, "flood", flood_to_json(n));
	return j;
}

static json_t *network_to_json(const struct network *n)
{
	json_t *members = json_array();

	for (unsigned m = 0; m < n->n_members; m++) {
		const struct port *p = port_by_index(n->members[m].port);
		uint16_t vlan = n->members[m].vlan;
		json_t *vlan_json = vlan == NFVA_VLAN_NONE ? json_null() : json_integer(vlan);
		json_array_append_new(members,
				json_pack("{s:s, s:o}", "port", p != NULL ? p->name : "?", "vlan",
						vlan_json));
	}
	json_t *j = json_pack("{s:s, s:i, s:I, s:i, s:o}", "name", n->name, "index", n->index,
			"mac_limit", (json_int_t)n->mac_limit, "macs",
			(int)fdb_count_network(n->index), "members", members);
	json_object_set_new(j, "overlay", overlay_to_json(n));
	return j;
}

static struct network *network_arg(const struct cmd_args *a, struct cmd_reply *r)
{
	struct network *n = network_find(cmd_arg(a, "NETWORK"));
	if (n == NULL)
		cmd_error(r, ENOENT, "no network named %s", cmd_arg(a, "NETWORK"));
	return n;
}

/* group ADDR: an IPv4 multicast group, or an IPv6 one wider than
 * interface-local scope (ff0X:: with X >= 2); o->group its id. */
static int group_arg(const struct cmd_args *a, struct cmd_reply *r, struct network_overlay *o)
{
	const char *text = cmd_arg(a, "ADDR");
	struct nfva_ip g;

	if (text == NULL)
		return 0;
	nfva_ip_parse(text, &g);
	bool ok = nfva_ip_is_v6(&g) ? ipv6_is_multicast(g.addr) && (g.addr[1] & 0x0f) >= 2
				    : IN_MULTICAST(ntohl(nfva_ip_get_v4(&g)));
	if (!ok)
		return cmd_error(r, EINVAL,
				"group %s is not a multicast address (IPv4, or IPv6 of scope 2 "
				"or wider)",
				text);
	if (vtep_id_from_ip(&g, &o->group) < 0)
		return cmd_error(r, ENOSPC, "%u IPv6 VTEPs and groups known already (the bound)",
				VTEP6_MAX);
	return 0;
}

/* Overlay options of `network add`; -errno with the reply's error set. */
static int overlay_args(const struct cmd_args *a, struct cmd_reply *r, struct network_overlay *o)
{
	bool has_vni = cmd_arg(a, "VNI") != NULL || cmd_arg(a, "VNI2") != NULL;
	bool has_encap = cmd_has(a, "vxlan") || cmd_has(a, "gre") || cmd_has(a, "nvgre") ||
			cmd_has(a, "lisp");
	bool evpn = cmd_has(a, "evpn");

	memset(o, 0, sizeof(*o));
	if (!has_vni && !has_encap) {
		if (cmd_arg(a, "ADDR") != NULL || cmd_arg(a, "N2") != NULL ||
				cmd_has(a, "strict") || cmd_has(a, "on") || cmd_has(a, "off") ||
				cmd_has(a, "udp-csum") || cmd_has(a, "udp6-zero-csum") ||
				cmd_has(a, "collector") || evpn)
			return cmd_error(r, EINVAL,
					"group, udp-port, df, udp-csum, udp6-zero-csum, strict, "
					"collector and evpn need vni and encap");
		return 0;
	}
	if (!has_vni || !has_encap)
		return cmd_error(r, EINVAL, "an overlay needs both vni and encap");
	o->encap = cmd_has(a, "vxlan") ? DP_ENCAP_VXLAN : DP_ENCAP_GRE;
	o->nvgre = cmd_has(a, "nvgre");
	o->vni = cmd_arg_u32(a, "VNI", 0);
	bool lisp = cmd_has(a, "lisp");
	bool vxlan_gre_only = cmd_arg(a, "VNI") != NULL || cmd_arg(a, "N2") != NULL ||
			cmd_arg(a, "ADDR") != NULL || cmd_has(a, "strict");
	if ((cmd_arg(a, "VNI2") != NULL) != lisp || (lisp && vxlan_gre_only))
		return cmd_error(r, EINVAL,
				"encap lisp takes iid (not vni, udp-port, group, strict)");
	if (cmd_has(a, "lisp")) {
		o->encap = DP_ENCAP_LISP; /* the instance ID travels in vni */
		o->vni = cmd_arg_u32(a, "VNI2", 0);
	}
	o->udp_port = (uint16_t)cmd_arg_u32(a, "N2", 4789);
	if (cmd_arg(a, "N2") != NULL &&
			(o->encap != DP_ENCAP_VXLAN || o->udp_port == 0 ||
					cmd_arg_u32(a, "N2", 0) > 65535))
		return cmd_error(r, EINVAL, "udp-port is for vxlan, 1-65535");
	int ret = group_arg(a, r, o);
	if (ret < 0)
		return ret;
	o->df = cmd_has(a, "on");
	o->udp_csum = cmd_has(a, "udp-csum");
	o->udp6_zero_csum = cmd_has(a, "udp6-zero-csum");
	if (o->udp6_zero_csum && o->encap != DP_ENCAP_VXLAN)
		return cmd_error(r, EINVAL, "udp6-zero-csum is for encap vxlan");
	o->strict = cmd_has(a, "strict");
	o->collector = cmd_has(a, "collector");
	if (o->collector && o->encap == DP_ENCAP_LISP)
		return cmd_error(r, EINVAL, "a LISP network cannot be a mirror collector");
	o->evpn = evpn;
	if (evpn && (o->encap != DP_ENCAP_VXLAN || o->nvgre || o->group != 0 || o->collector))
		return cmd_error(r, EINVAL,
				"evpn is for encap vxlan (FRR's EVPN), with head-end replication "
				"(no group), not a collector");
	if (o->nvgre && o->vni > 0xffffff)
		return cmd_error(r, EINVAL, "an NVGRE VSID has 24 bits");
	return 0;
}

static int network_add_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	const char *name = cmd_arg(a, "NAME");
	struct network_overlay ov;
	int ret = overlay_args(a, r, &ov);

	if (ret == 0)
		ret = network_add(name, cmd_arg_u32(a, "N", 0), &ov, r->error, sizeof(r->error));
	if (ret == 0)
		r->result = network_to_json(network_find(name));
	return ret;
}
NFVA_CMD(network_add_cmd,
		"network add NAME [mac-limit N] [vni VNI] [iid VNI2] [encap vxlan|gre|nvgre|lisp] "
		"[udp-port N2] [group ADDR] [df on|off] [udp-csum] [udp6-zero-csum] [strict] "
		"[collector] [evpn]",
		"create a network; with vni and encap it crosses the underlay (VXLAN port 4789 "
		"by default; group: BUM to a multicast group; udp-csum: UDP checksums over IPv4; "
		"udp6-zero-csum: UDP checksum 0 over IPv6, sent and accepted (RFC 6935; the "
		"peers must agree, Linux udp6zerocsumtx/rx); strict: only flood-list VTEPs; "
		"collector: a sink for remote mirror copies — no learning, flooded locally; "
		"evpn: remote MACs and VTEPs from BGP EVPN through FRR, see evpn ...); "
		"iid N encap lisp: an L3 LISP overlay with instance ID N (see lisp ...)")

static int network_vtep_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	struct network *n = network_arg(a, r);
	struct nfva_ip addr;
	uint32_t id = 0;
	int ret;

	if (n == NULL)
		return -ENOENT;
	if (nfva_ip_parse(cmd_arg(a, "ADDR"), &addr) < 0 || !vtep_addr_usable(&addr))
		return cmd_error(r, EINVAL, VTEP_ADDR_RULE);
	if (cmd_has(a, "add")) {
		if (vtep_id_from_ip(&addr, &id) < 0)
			return cmd_error(r, ENOSPC, "%u IPv6 VTEPs known already (the bound)",
					VTEP6_MAX);
		ret = network_vtep_add(n, id, r->error, sizeof(r->error));
	} else {
		if (nfva_ip_is_v6(&addr))
			id = vtep6_lookup(addr.addr, nfva_now_s()); /* 0: no such VTEP */
		else
			id = nfva_ip_get_v4(&addr);
		ret = network_vtep_del(n, id, r->error, sizeof(r->error));
	}
	if (ret == 0)
		r->result = network_to_json(n);
	return ret;
}
NFVA_CMD(network_vtep_cmd, "network NETWORK vtep add|del ADDR",
		"add or remove a configured remote VTEP (IPv4 or IPv6) of the head-end "
		"replication list")

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
	for (uint32_t i = 0; i < network_capacity(); i++) {
		const struct network *n = network_by_index((uint16_t)i);
		if (n != NULL && (only == NULL || n == only))
			json_array_append_new(list, network_to_json(n));
	}
	r->result = list;
	return 0;
}
NFVA_CMD_RO(network_show_cmd, "network show [NETWORK]", "networks with members and MAC counts")

static json_t *stats_networks(void)
{
	json_t *list = json_array();
	for (uint32_t i = 0; i < network_capacity(); i++) {
		const struct network *n = network_by_index((uint16_t)i);
		if (n == NULL)
			continue;
		int macs = (int)fdb_count_network((uint16_t)i);
		json_t *row = json_pack("{s:s, s:i}", "network", n->name, "macs", macs);
		json_t *counters = network_counters_to_json(n);
		json_object_update(row, counters);
		json_decref(counters);
		json_array_append_new(list, row);
	}
	return list;
}
STATS_SECTION("networks", stats_networks)
