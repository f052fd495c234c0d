/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * E-switches: a port added with `eswitch emulated|nic` is a PF/uplink with a
 * VF switch; ports added `vf-of` it are its VFs (representors). On creation
 * the backend is set up (emulated switch, or the NIC's transfer proxy),
 * rules left by a previous run are flushed, and the rule shapes are probed.
 */
#include <stdio.h>
#include <string.h>

#include "core/dp_config.h"
#include "core/log.h"
#include "ports/port.h"
#include "offload/emu/emu_switch.h"
#include "core/event.h"
#include "offload/offload_private.h"

NFVA_LOG_REGISTER(eswitch)

static struct offload_eswitch eswitches[NFVA_MAX_PORTS]; /* indexed by uplink port */

struct offload_eswitch *eswitch_get(uint16_t id)
{
	return id < NFVA_MAX_PORTS && eswitches[id].used ? &eswitches[id] : NULL;
}

int eswitch_of_port(uint16_t port)
{
	const struct port *p = port_by_index(port);
	if (p == NULL)
		return -1;
	if (p->eswitch != PORT_ESWITCH_NONE && eswitches[port].used)
		return port;
	if (p->vf_of != NFVA_PORT_NONE && eswitch_get(p->vf_of) != NULL)
		return p->vf_of;
	return -1;
}

uint16_t port_ethdev(uint16_t port)
{
	const struct port *p = port_by_index(port);
	return p != NULL ? p->ethdev : UINT16_MAX;
}

static int eswitch_backend_init(struct offload_eswitch *sw, const struct port *p)
{
	struct rte_flow_error err = { 0 };
	char name[64];

	if (p->eswitch == PORT_ESWITCH_EMULATED) {
		snprintf(name, sizeof(name), "emu_%s", p->name);
		sw->backend = &offload_backend_emu;
		sw->proxy_ethdev = p->ethdev;
		sw->backend_ctx = emu_switch_create(name, offload_cfg.max_rules, dp_qsbr());
		return sw->backend_ctx == NULL ? -rte_errno : 0;
	}
	sw->backend = &offload_backend_nic;
	if (rte_flow_pick_transfer_proxy(p->ethdev, &sw->proxy_ethdev, &err) != 0) {
		NFVA_LOG(WARNING, "%s: no transfer proxy (%s); using the port itself", p->name,
				err.message ? err.message : "no message");
		sw->proxy_ethdev = p->ethdev;
	}
	return 0;
}

static int eswitch_port_added(const struct nfva_event *ev)
{
	const struct port *p = port_by_index(ev->port);
	struct rte_flow_error err = { 0 };

	if (p == NULL)
		return 0;
	if (p->vf_of != NFVA_PORT_NONE && eswitch_get(p->vf_of) != NULL) {
		eswitch_probe(eswitch_get(p->vf_of));
		dp_config_commit();
		return 0;
	}
	if (p->eswitch == PORT_ESWITCH_NONE)
		return 0;
	struct offload_eswitch *sw = &eswitches[ev->port];
	memset(sw, 0, sizeof(*sw));
	sw->uplink = ev->port;
	if (eswitch_backend_init(sw, p) < 0) {
		NFVA_LOG(ERR, "%s: e-switch backend failed: %s", p->name, rte_strerror(rte_errno));
		return 0;
	}
	sw->used = true;
	/* Rules a previous run left behind are not ours to trust. */
	if (sw->backend->flush(sw, &err) != 0)
		NFVA_LOG(INFO, "%s: flush of stale rules: %s", p->name,
				err.message ? err.message : "not supported");
	eswitch_probe(sw);
	dp_config_commit();
	NFVA_LOG(INFO, "%s: e-switch (%s backend, proxy ethdev %u)", p->name, sw->backend->name,
			sw->proxy_ethdev);
	return 0;
}
EVENT_SUBSCRIBE(EVENT_PORT_ADDED, eswitch_port_added)

static bool rule_uses_port(const struct offload_rule *r, const void *arg)
{
	uint16_t port = *(const uint16_t *)arg;
	return r->decision.in_port == port || r->decision.out_port == port || r->eswitch == port;
}

static int eswitch_port_removing(const struct nfva_event *ev)
{
	rules_remove_if(rule_uses_port, &ev->port);
	return 0;
}
EVENT_SUBSCRIBE(EVENT_PORT_REMOVING, eswitch_port_removing)

static int eswitch_port_removed(const struct nfva_event *ev)
{
	struct offload_eswitch *sw = eswitch_get(ev->port);
	if (sw == NULL)
		return 0;
	sw->backend->fini(sw); /* workers no longer see the switch */
	sw->used = false;
	return 0;
}
EVENT_SUBSCRIBE(EVENT_PORT_REMOVED, eswitch_port_removed)

bool port_offloadable(uint16_t port, int sw)
{
	return port < NFVA_MAX_PORTS && offload_cfg.enabled && offload_cfg.port_enabled[port] &&
			eswitch_of_port(port) == sw;
}
