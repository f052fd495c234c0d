/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Is a decision still what the slow path would decide now? Checked before a
 * rule is installed and on every revalidation: the ports and their e-switch
 * here, then the kind's own check (kind_*.c) against the same state the
 * slow path reads (the FDB, the network's overlay, the encapsulation
 * template, the underlay, LISP's tables). Also works out how the mirror
 * sessions of the flow's ports are carried (mirror_plan.c).
 */
#include <string.h>

#include <rte_ethdev.h>

#include "l2/fdb.h"
#include "l2/network.h"
#include "overlay/underlay.h"
#include "ports/port.h"
#include "offload/offload_private.h"

bool fdb_is_port(uint16_t net, const struct rte_ether_addr *mac, uint16_t port, uint16_t vlan)
{
	union fdb_dest d;
	return fdb_lookup_dest(net, mac, &d) && d.kind == FDB_DEST_PORT && d.port == port &&
			d.vlan == vlan;
}

bool fdb_is_vtep(uint16_t net, const struct rte_ether_addr *mac, uint32_t vtep)
{
	union fdb_dest d;
	return fdb_lookup_dest(net, mac, &d) && d.kind == FDB_DEST_VTEP && d.vtep_ip == vtep;
}

void touch_macs(const struct offload_decision *d, uint32_t now_s)
{
	fdb_touch_key(d->network, &d->src, now_s);
	fdb_touch_key(d->network, &d->dst, now_s);
}

bool overlay_ctx(const struct network *n, struct compile_ctx *ctx)
{
	const struct underlay *u = underlay_get();
	if (n->overlay.encap == DP_ENCAP_NONE || !u->active)
		return false;
	ctx->encap = n->overlay.encap;
	ctx->vni = n->overlay.nvgre ? n->overlay.vni << 8 : n->overlay.vni;
	ctx->udp_port = n->overlay.udp_port;
	ctx->local_ip = u->ip;
	if (u->has_ip6)
		memcpy(ctx->local_ip6, u->ip6, sizeof(ctx->local_ip6));
	return underlay_mac(&ctx->uplink_mac);
}

bool decision_current(const struct offload_decision *d, struct compile_ctx *ctx, const char **why)
{
	const struct offload_kind_ops *k = offload_kind_get(d->kind);
	const struct network *n = network_by_index(d->network);
	int sw = eswitch_of_port(d->in_port);

	*why = "port or network gone, or offload off";
	if (k == NULL || n == NULL || sw < 0 || !port_offloadable(d->in_port, sw) ||
			!port_offloadable(d->out_port, sw))
		return false;
	ctx->in_ethdev = port_ethdev(d->in_port);
	ctx->out_ethdev = port_ethdev(d->out_port);
	*why = "the forwarding state changed";
	if (!k->current(d, n, ctx, why))
		return false;
	mirror_plan_make(d, sw, ctx);
	return true;
}
