/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Is a decision still what the slow path would decide now? Checked before a
 * rule is installed and on every revalidation, against the same state the
 * slow path reads: the FDB for both MACs, the ports and their e-switch, the
 * network's overlay, the encapsulation template and the underlay; for LISP
 * the local EID table and the map-cache. Also works out how the mirror
 * sessions of the flow's ports are carried (mirror_plan.c).
 */
#include <sys/socket.h>

#include <rte_ethdev.h>

#include "l2/fdb.h"
#include "lisp/lisp.h"
#include "lisp/lisp_dp.h"
#include "l2/network.h"
#include "ports/port.h"
#include "overlay/underlay.h"
#include "offload/offload_private.h"

static bool fdb_is_port(uint16_t net, const struct rte_ether_addr *mac, uint16_t port,
		uint16_t vlan)
{
	union fdb_dest d;
	return fdb_lookup_dest(net, mac, &d) && d.kind == FDB_DEST_PORT && d.port == port &&
		d.vlan == vlan;
}

static bool fdb_is_vtep(uint16_t net, const struct rte_ether_addr *mac, uint32_t vtep)
{
	union fdb_dest d;
	return fdb_lookup_dest(net, mac, &d) && d.kind == FDB_DEST_VTEP && d.vtep_ip == vtep;
}

static bool overlay_ctx(const struct network *n, struct compile_ctx *ctx)
{
	const struct underlay *u = underlay_get();
	if (n->overlay.encap == DP_ENCAP_NONE || !u->active)
		return false;
	ctx->encap = n->overlay.encap;
	ctx->vni = n->overlay.nvgre ? n->overlay.vni << 8 : n->overlay.vni;
	ctx->udp_port = n->overlay.udp_port;
	ctx->local_ip = u->ip;
	return underlay_mac(&ctx->uplink_mac);
}

static bool encap_current(const struct offload_decision *d, const struct network *n,
		struct compile_ctx *ctx)
{
	if (!overlay_ctx(n, ctx) || d->out_port != underlay_get()->port)
		return false;
	if (!fdb_is_port(d->network, &d->src, d->in_port, d->in_vlan) ||
			!fdb_is_vtep(d->network, &d->dst, d->vtep_ip))
		return false;
	ctx->tmpl = encap_lookup(d->network, d->vtep_ip);
	return ctx->tmpl != NULL && ctx->tmpl->resolved;
}

static bool decap_current(const struct offload_decision *d, const struct network *n,
		struct compile_ctx *ctx)
{
	if (!overlay_ctx(n, ctx) || d->in_port != underlay_get()->port)
		return false;
	return fdb_is_vtep(d->network, &d->src, d->vtep_ip) &&
		fdb_is_port(d->network, &d->dst, d->out_port, d->out_vlan);
}

static bool lisp_ctx(const struct offload_decision *d, const struct network *n,
		struct compile_ctx *ctx)
{
	const struct underlay *u = underlay_get();
	uint16_t uplink = d->kind == OFFLOAD_LISP_ENCAP ? d->out_port : d->in_port;

	if (n->overlay.encap != DP_ENCAP_LISP || !u->active || uplink != u->port)
		return false;
	ctx->encap = DP_ENCAP_LISP;
	ctx->vni = n->overlay.vni; /* the instance ID */
	ctx->local_ip = u->ip;
	lisp_gateway_mac(&ctx->gw_mac);
	return underlay_mac(&ctx->uplink_mac);
}

/* The VM's EID where the decision saw it. */
static bool eid_is(uint16_t net, uint32_t ip, const struct rte_ether_addr *mac, uint16_t port,
		uint16_t vlan)
{
	const struct lisp_eid *e = lisp_eid_lookup(net, AF_INET, &ip);
	return e != NULL && e->port == port && e->vlan == vlan &&
		rte_is_same_ether_addr(&e->mac, mac);
}

static bool lisp_encap_current(const struct offload_decision *d, const struct network *n,
		struct compile_ctx *ctx, const char **why)
{
	if (!lisp_ctx(d, n, ctx) || !rte_is_same_ether_addr(&d->dst, &ctx->gw_mac) ||
			!eid_is(d->network, d->eid_src, &d->src, d->in_port, d->in_vlan) ||
			lisp_eid_lookup(d->network, AF_INET, &d->eid_dst) != NULL)
		return false;
	const struct lisp_mc_entry *e = lisp_mc_lookup(d->network, AF_INET, &d->eid_dst);
	if (e == NULL || (e->kind != LISP_MC_STATIC && e->kind != LISP_MC_DYNAMIC))
		return false;
	if (e->n_best != 1) {
		*why = "several RLOCs share the EID's flows by weight";
		return false;
	}
	if (e->rlocs[e->best[0]].ip != d->vtep_ip)
		return false;
	ctx->tmpl = encap_lookup(d->network, d->vtep_ip);
	return ctx->tmpl != NULL && ctx->tmpl->resolved;
}

static bool lisp_decap_current(const struct offload_decision *d, const struct network *n,
		struct compile_ctx *ctx)
{
	return lisp_ctx(d, n, ctx) && rte_is_same_ether_addr(&d->src, &ctx->gw_mac) &&
		eid_is(d->network, d->eid_dst, &d->dst, d->out_port, d->out_vlan);
}

static bool kind_current(const struct offload_decision *d, const struct network *n,
		struct compile_ctx *ctx, const char **why)
{
	switch (d->kind) {
	case OFFLOAD_L2:
		return fdb_is_port(d->network, &d->src, d->in_port, d->in_vlan) &&
			fdb_is_port(d->network, &d->dst, d->out_port, d->out_vlan);
	case OFFLOAD_ENCAP:
		return encap_current(d, n, ctx);
	case OFFLOAD_DECAP:
		return decap_current(d, n, ctx);
	case OFFLOAD_LISP_ENCAP:
		return lisp_encap_current(d, n, ctx, why);
	case OFFLOAD_LISP_DECAP:
		return lisp_decap_current(d, n, ctx);
	default:
		return false;
	}
}

bool decision_current(const struct offload_decision *d, struct compile_ctx *ctx,
		const char **why)
{
	const struct network *n = network_by_index(d->network);
	int sw = eswitch_of_port(d->in_port);

	*why = "port or network gone, or offload off";
	if (n == NULL || sw < 0 || !port_offloadable(d->in_port, sw) ||
			!port_offloadable(d->out_port, sw))
		return false;
	ctx->in_ethdev = port_ethdev(d->in_port);
	ctx->out_ethdev = port_ethdev(d->out_port);
	*why = "the forwarding state changed";
	if (!kind_current(d, n, ctx, why))
		return false;
	mirror_plan_make(d, sw, ctx);
	return true;
}
