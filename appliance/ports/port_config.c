/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ports' part of the running configuration: one `port add` per port,
 * with the options as they were given (not what the device made of them, so
 * the line replays on the same device). E-switch uplinks and other ports
 * first, VFs after them (a VF names its uplink); each group in port index
 * order, which replaying keeps. A port an upper module made (a guest's
 * vhost-user port) is written by that module (EVENT_CONFIG_OWNED).
 */
#include "control/running_config.h"
#include "core/event.h"
#include "ports/port.h"
#include "ports/vhost_port.h"

static bool written_elsewhere(const struct port *p)
{
	struct nfva_event ev = { .type = EVENT_CONFIG_OWNED,
		.port = p->index,
		.network = NFVA_NETWORK_NONE,
		.vlan = NFVA_VLAN_NONE };
	return event_check(&ev) < 0;
}

void port_config_mac_limit(const struct port *p, struct config_out *o)
{
	if (p->mac_limit == 0)
		return;
	config_add(o, "port set");
	config_word(o, p->name);
	config_add(o, "mac-limit %u", p->mac_limit);
	config_end(o);
}

/* `port set NAME rxq Q worker W` for each pinned rx queue. */
static void port_pins(const struct port *p, struct config_out *o)
{
	for (uint16_t q = 0; q < p->n_rxq; q++) {
		if (p->rxq_worker[q] == NFVA_WORKER_ANY)
			continue;
		config_add(o, "port set");
		config_word(o, p->name);
		config_add(o, "rxq %u worker %u", q, p->rxq_worker[q]);
		config_end(o);
	}
}

static void port_line(const struct port *p, struct config_out *o)
{
	const struct port *up = port_by_index(p->vf_of);

	if (vhost_port_config(p, o)) {
		port_config_mac_limit(p, o); /* not an option of that syntax */
		port_pins(p, o);
		return;
	}
	config_add(o, "port add");
	config_word(o, p->name);
	config_add(o, "dev");
	config_word(o, p->devargs);
	if (p->cfg_mtu != 0)
		config_add(o, "mtu %u", p->cfg_mtu);
	if (p->mac_limit != 0)
		config_add(o, "mac-limit %u", p->mac_limit);
	if (p->cfg_rxd != 0)
		config_add(o, "rxd %u", p->cfg_rxd);
	if (p->cfg_txd != 0)
		config_add(o, "txd %u", p->cfg_txd);
	if (p->cfg_rxq != 0)
		config_add(o, "rxq %u", p->cfg_rxq);
	if (p->cfg_txq != 0)
		config_add(o, "txq %u", p->cfg_txq);
	if (p->eswitch != PORT_ESWITCH_NONE)
		config_add(o, "eswitch %s", p->eswitch == PORT_ESWITCH_NIC ? "nic" : "emulated");
	if (up != NULL) {
		config_add(o, "vf-of");
		config_word(o, up->name);
	}
	config_end(o);
	port_pins(p, o);
}

static void ports_config(struct config_out *o)
{
	for (int vfs = 0; vfs < 2; vfs++)
		for (uint16_t i = 0; i < NFVA_MAX_PORTS; i++) {
			const struct port *p = port_by_index(i);
			if (p != NULL && (p->vf_of != NFVA_PORT_NONE) == vfs &&
					!written_elsewhere(p))
				port_line(p, o);
		}
}
CONFIG_SECTION(CONFIG_ORDER_PORTS, ports_config)
