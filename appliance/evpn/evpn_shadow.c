/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The shadow objects of EVPN networks (created when the network is added,
 * removed with it) and the out mirror: the FDB's change feed and removals of
 * an EVPN network become static entries on its veth (see evpn.c).
 */
#include <stdio.h>
#include <string.h>

#include "core/event.h"
#include "core/log.h"
#include "evpn/evpn_private.h"
#include "l2/network.h"
#include "overlay/underlay.h"

NFVA_LOG_REGISTER(evpn_shadow)

static void shadow_names(struct evpn_net *e)
{
	snprintf(e->br, sizeof(e->br), "nbr%u", e->vni);
	snprintf(e->vx, sizeof(e->vx), "nvx%u", e->vni);
	snprintf(e->ve, sizeof(e->ve), "nve%u", e->vni);
	snprintf(e->vp, sizeof(e->vp), "nvp%u", e->vni);
}

/* Objects of an earlier run (nfva restarted): gone, with whatever they held. */
static void shadow_remove(const struct evpn_net *e)
{
	evnl_link_del(&evpn.nl, e->ve); /* its peer goes with it */
	evnl_link_del(&evpn.nl, e->vx);
	evnl_link_del(&evpn.nl, e->br);
}

/* One step of the creation; on failure, what failed is logged. */
static int step(int ret, const char *what, const char *name)
{
	if (ret < 0)
		NFVA_LOG(ERR, "%s %s: %s", what, name, strerror(-ret));
	return ret;
}

static int shadow_ifindex(const char *name)
{
	int ifindex = evnl_ifindex(&evpn.nl, name);
	return ifindex > 0 ? ifindex : step(-ENODEV, "no ifindex for", name);
}

static int shadow_create(struct evpn_net *e, const struct network *n)
{
	int ret;

	shadow_remove(e);
	if ((ret = step(evnl_bridge_add(&evpn.nl, e->br), "bridge", e->br)) < 0 ||
			(ret = e->br_ifindex = shadow_ifindex(e->br)) < 0)
		return ret;
	ret = evnl_vxlan_add(&evpn.nl, e->vx, n->overlay.vni, underlay_get()->ip,
			n->overlay.udp_port, e->br_ifindex);
	if (step(ret, "vxlan", e->vx) < 0 || (ret = e->vx_ifindex = shadow_ifindex(e->vx)) < 0)
		return ret;
	if ((ret = step(evnl_port_learning_off(&evpn.nl, e->vx_ifindex), "learning off", e->vx)) <
			0)
		return ret;
	ret = evnl_veth_add(&evpn.nl, e->ve, e->vp, e->br_ifindex);
	if (step(ret, "veth", e->ve) < 0 || (ret = e->ve_ifindex = shadow_ifindex(e->ve)) < 0)
		return ret;
	return step(evnl_port_learning_off(&evpn.nl, e->ve_ifindex), "learning off", e->ve);
}

int evpn_net_create(uint16_t network)
{
	const struct network *n = network_by_index(network);
	struct evpn_net *e = &evpn.nets[network];

	memset(e, 0, sizeof(*e));
	e->used = true;
	e->network = network;
	e->vni = n->overlay.vni;
	shadow_names(e);
	e->error = shadow_create(e, n);
	if (e->error < 0) {
		evpn.c.nl_errors++;
		evpn.c.last_errno = -e->error;
		NFVA_LOG(ERR, "network %s: shadow objects in netns %s: %s", n->name, evpn.netns,
				strerror(-e->error));
		shadow_remove(e);
		return e->error;
	}
	e->ready = true;
	fdb_feed_watch(network, true);
	NFVA_LOG(INFO, "network %s: VNI %u shadowed by %s, %s, %s in netns %s", n->name, e->vni,
			e->br, e->vx, e->ve, evpn.netns);
	return 0;
}

void evpn_net_destroy(struct evpn_net *e)
{
	fdb_feed_watch(e->network, false);
	if (evnl_is_open(&evpn.nl))
		shadow_remove(e);
	memset(e, 0, sizeof(*e));
}

static struct evpn_net *evpn_net_of(uint16_t network)
{
	if (network >= evpn.n_nets || !evpn.nets[network].used || !evpn.nets[network].ready)
		return NULL;
	return &evpn.nets[network];
}

/* A network refused before it is published: EVPN needs the netns and the VTEP. */
static int evpn_network_check(const struct nfva_event *ev)
{
	for (uint32_t i = 0; i < evpn.n_nets; i++) {
		const struct network *n = network_by_index((uint16_t)i);
		if (n == NULL || !n->overlay.evpn || evpn.nets[i].used)
			continue;
		if (!evnl_is_open(&evpn.nl)) {
			snprintf(ev->err, ev->errlen, "no EVPN netns (evpn set netns NAME first)");
			return -EINVAL;
		}
		if (!underlay_get()->active) {
			snprintf(ev->err, ev->errlen,
					"an EVPN network needs the underlay (its IP is the VTEP)");
			return -EINVAL;
		}
	}
	return 0;
}
EVENT_SUBSCRIBE(EVENT_NETWORK_CHECK, evpn_network_check)

static int evpn_network_added(const struct nfva_event *ev)
{
	const struct network *n = network_by_index(ev->network);
	if (n != NULL && n->overlay.evpn && ev->network < evpn.n_nets)
		evpn_net_create(ev->network);
	return 0;
}
EVENT_SUBSCRIBE(EVENT_NETWORK_ADDED, evpn_network_added)

static int evpn_network_removing(const struct nfva_event *ev)
{
	if (ev->network < evpn.n_nets && evpn.nets[ev->network].used)
		evpn_net_destroy(&evpn.nets[ev->network]);
	return 0;
}
EVENT_SUBSCRIBE(EVENT_NETWORK_REMOVING, evpn_network_removing)

/* Out: a key of an EVPN network changed; local entries are advertised. An
 * entry now behind a VTEP came from EVPN itself (zebra moved the kernel's
 * entry off the veth first): nothing to withdraw. */
static int evpn_fdb_changed(const struct nfva_event *ev)
{
	const struct evpn_net *e = evpn_net_of(ev->network);
	union fdb_dest d;

	if (e != NULL && fdb_lookup_dest(ev->network, ev->mac, &d) && d.kind == FDB_DEST_PORT)
		evpn_out_mac(e, ev->mac, true);
	return 0;
}
EVENT_SUBSCRIBE(EVENT_FDB_CHANGED, evpn_fdb_changed)

/* Out: aged, flushed, deleted local entries are withdrawn (a remote one the
 * in mirror removed never was on the veth). */
static int evpn_fdb_removed(const struct nfva_event *ev)
{
	const struct evpn_net *e = evpn_net_of(ev->network);

	if (e != NULL && !evpn.removing_own)
		evpn_out_mac(e, ev->mac, false);
	return 0;
}
EVENT_SUBSCRIBE(EVENT_FDB_REMOVED, evpn_fdb_removed)

static int evpn_fdb_resync(const struct nfva_event *ev)
{
	if (ev->network == NFVA_NETWORK_NONE || evpn_net_of(ev->network) != NULL)
		evpn.want_resync = true;
	return 0;
}
EVENT_SUBSCRIBE(EVENT_FDB_RESYNC, evpn_fdb_resync)
