/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The networks' part of the running configuration, in three sections so
 * that the lines replay: every `network add` (overlay options included, the
 * MAC limit as set now), then every attachment, then every VTEP of the
 * flood lists. Networks in index order and members in array order: replaying
 * them rebuilds the same order. An attachment an upper module made (a guest
 * port) is written by that module (EVENT_CONFIG_OWNED).
 */
#include <arpa/inet.h>

#include "control/running_config.h"
#include "core/event.h"
#include "l2/network.h"
#include "overlay/vtep_id.h"
#include "ports/port.h"

static void overlay_words(const struct network_overlay *ov, struct config_out *o)
{
	const struct tunnel_ops *ops = tunnel_ops_get(ov->encap);
	char ip[NFVA_IP_STRLEN];

	if (ops == NULL)
		return;
	if (ov->encap == DP_ENCAP_LISP) {
		config_add(o, "iid %u encap lisp", ov->vni);
		return;
	}
	config_add(o, "vni %u encap %s", ov->vni, ov->nvgre ? "nvgre" : ops->name);
	if (ov->encap == DP_ENCAP_VXLAN && ov->udp_port != ops->udp_port)
		config_add(o, "udp-port %u", ov->udp_port);
	if (ov->group != 0)
		config_add(o, "group %s", vtep_id_format(ov->group, ip, sizeof(ip)));
	if (ov->df)
		config_add(o, "df on");
	if (ov->udp_csum)
		config_add(o, "udp-csum");
	if (ov->udp6_zero_csum)
		config_add(o, "udp6-zero-csum");
	if (ov->strict)
		config_add(o, "strict");
	if (ov->collector)
		config_add(o, "collector");
	if (ov->evpn)
		config_add(o, "evpn");
}

static void networks_config(struct config_out *o)
{
	for (uint16_t i = 0; i < network_capacity(); i++) {
		const struct network *n = network_by_index(i);
		if (n == NULL)
			continue;
		config_add(o, "network add");
		config_word(o, n->name);
		if (n->mac_limit != 0)
			config_add(o, "mac-limit %u", n->mac_limit);
		overlay_words(&n->overlay, o);
		config_end(o);
	}
}
CONFIG_SECTION(CONFIG_ORDER_NETWORKS, networks_config)

static bool written_elsewhere(const struct network *n, const struct dp_attachment *m)
{
	struct nfva_event ev = { .type = EVENT_CONFIG_OWNED,
		.port = m->port,
		.network = n->index,
		.vlan = m->vlan };
	return event_check(&ev) < 0;
}

static void attachments_config(struct config_out *o)
{
	for (uint16_t i = 0; i < network_capacity(); i++) {
		const struct network *n = network_by_index(i);
		for (unsigned m = 0; n != NULL && m < n->n_members; m++) {
			const struct port *p = port_by_index(n->members[m].port);
			if (p == NULL || written_elsewhere(n, &n->members[m]))
				continue;
			config_add(o, "network");
			config_word(o, n->name);
			config_add(o, "attach");
			config_word(o, p->name);
			if (n->members[m].vlan != NFVA_VLAN_NONE)
				config_add(o, "vlan %u", n->members[m].vlan);
			config_end(o);
		}
	}
}
CONFIG_SECTION(CONFIG_ORDER_ATTACH, attachments_config)

static void vteps_config(struct config_out *o)
{
	char ip[NFVA_IP_STRLEN];

	for (uint16_t i = 0; i < network_capacity(); i++) {
		const struct network *n = network_by_index(i);
		for (unsigned v = 0; n != NULL && v < n->vteps.n; v++) {
			config_add(o, "network");
			config_word(o, n->name);
			config_add(o, "vtep add %s",
					vtep_id_format(n->vteps.ip[v], ip, sizeof(ip)));
			config_end(o);
		}
	}
}
CONFIG_SECTION(CONFIG_ORDER_VTEPS, vteps_config)
