/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Is a decision still what the slow path would decide now? Checked before a
 * rule is installed and on every revalidation, against the same state the
 * slow path reads: the FDB for both MACs, the ports and their e-switch, the
 * network's overlay, the encapsulation template and the underlay.
 */
#include <rte_ethdev.h>

#include "../fdb.h"
#include "../mirror/mirror.h"
#include "../network.h"
#include "../port.h"
#include "../underlay.h"
#include "offload_private.h"

static bool port_offloadable(uint16_t port, int sw)
{
	return port < NFVA_MAX_PORTS && offload_cfg.enabled && offload_cfg.port_enabled[port] &&
		eswitch_of_port(port) == sw;
}

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

bool decision_current(const struct offload_decision *d, struct compile_ctx *ctx,
		const char **why)
{
	const struct network *n = network_by_index(d->network);
	int sw = eswitch_of_port(d->in_port);

	*why = "port or network gone, or offload off";
	if (n == NULL || sw < 0 || !port_offloadable(d->in_port, sw) ||
			!port_offloadable(d->out_port, sw))
		return false;
	/* Copies are made by the slow path: flows of mirrored ports stay there. */
	*why = "a mirror session uses the port";
	if (mirror_port_is_source(d->in_port) || mirror_port_is_source(d->out_port))
		return false;
	ctx->in_ethdev = port_ethdev(d->in_port);
	ctx->out_ethdev = port_ethdev(d->out_port);
	*why = "the forwarding state changed";
	switch (d->kind) {
	case OFFLOAD_L2:
		return fdb_is_port(d->network, &d->src, d->in_port, d->in_vlan) &&
			fdb_is_port(d->network, &d->dst, d->out_port, d->out_vlan);
	case OFFLOAD_ENCAP:
		return encap_current(d, n, ctx);
	case OFFLOAD_DECAP:
		return decap_current(d, n, ctx);
	default:
		return false;
	}
}
