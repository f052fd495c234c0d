/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LISP decisions of IPv4 EIDs (the rule pieces are in lisp_rule.c):
 *   LISP_ENCAP  VF -> LISP: the VM's EID to a remote EID, toward the one best
 *               RLOC of the map-cache entry (IPv4 RLOCs only: over IPv6 the
 *               UDP checksum is mandatory here and no NIC fills it)
 *   LISP_DECAP  uplink LISP from an RLOC -> the VF of a local EID, over IPv4
 *               (lisp-decap) or IPv6 (lisp6-decap: vtep_ip is the RLOC's
 *               IPv6 id, overlay/vtep_id.h)
 * Both are current while the local EID table and the map-cache say what the
 * slow path would do now (the slow path answers ARP with the gateway MAC,
 * so the VM's frames go to that MAC and come back from it).
 */
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "core/dp_config.h"
#include "l2/network.h"
#include "lisp/lisp.h"
#include "lisp/lisp_dp.h"
#include "overlay/encap.h"
#include "overlay/underlay.h"
#include "overlay/vtep_id.h"
#include "offload/offload_private.h"

static struct rule_shape shape_lisp_encap = { .name = "lisp-encap",
	.kind = OFFLOAD_LISP_ENCAP,
	.encap = DP_ENCAP_LISP };
static struct rule_shape shape_lisp_decap = { .name = "lisp-decap",
	.kind = OFFLOAD_LISP_DECAP,
	.encap = DP_ENCAP_LISP };
static struct rule_shape shape_lisp6_decap = { .name = "lisp6-decap",
	.kind = OFFLOAD_LISP_DECAP,
	.encap = DP_ENCAP_LISP,
	.ipv6 = true };
RULE_SHAPE(shape_lisp_encap)
RULE_SHAPE(shape_lisp_decap)
RULE_SHAPE(shape_lisp6_decap)

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
	if (u->has_ip6)
		memcpy(ctx->local_ip6, u->ip6, sizeof(ctx->local_ip6));
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
	if (e->rlocs[e->best[0]].id != d->vtep_ip)
		return false;
	ctx->tmpl = encap_lookup(d->network, d->vtep_ip);
	/* The UDP checksum is mandatory for LISP over IPv6 here (RFC 9300
	 * allows 0, the peers may not) and an e-switch writes the one it is
	 * given: encap toward an IPv6 RLOC stays in software. */
	if (ctx->tmpl != NULL && ctx->tmpl->ipv6) {
		*why = "LISP encap over an IPv6 underlay is not offloaded (UDP checksum)";
		return false;
	}
	return ctx->tmpl != NULL && ctx->tmpl->resolved;
}

/* The RLOC is the id's address now (an IPv6 id released since names
 * nothing), to the uplink's address of that family. */
static bool lisp_decap_current(const struct offload_decision *d, const struct network *n,
		struct compile_ctx *ctx, const char **why)
{
	(void)why;
	if (!lisp_ctx(d, n, ctx) || !vtep_id_to_ip(d->vtep_ip, &ctx->remote) ||
			(nfva_ip_is_v6(&ctx->remote) && !underlay_get()->has_ip6))
		return false;
	return rte_is_same_ether_addr(&d->src, &ctx->gw_mac) &&
			eid_is(d->network, d->eid_dst, &d->dst, d->out_port, d->out_vlan);
}

static int lisp_encap_compile(const struct offload_decision *d, const struct compile_ctx *ctx,
		struct flow_spec *s, const struct rule_shape **shape)
{
	int ret = compile_vf_items(d, ctx, s);
	if (ret == 0)
		ret = flow_lisp_encap_items(s, d);
	ret = compile_vf_actions(d, ctx, s, ret);
	if (ret == 0)
		ret = flow_lisp_encap_actions(s, ctx);
	*shape = &shape_lisp_encap;
	return compile_finish(ctx, s, ret);
}

static int lisp_decap_compile(const struct offload_decision *d, const struct compile_ctx *ctx,
		struct flow_spec *s, const struct rule_shape **shape)
{
	int ret = compile_port_item(s, ctx->in_ethdev);
	if (ret == 0)
		ret = flow_lisp_decap_items(s, d, ctx);
	if (ret == 0)
		ret = compile_sample(s, ctx, false);
	if (ret == 0)
		ret = flow_lisp_decap_actions(s, d, ctx);
	compile_push_vlan(s, d->out_vlan);
	*shape = nfva_ip_is_v6(&ctx->remote) ? &shape_lisp6_decap : &shape_lisp_decap;
	return compile_finish(ctx, s, ret);
}

/* Encap traffic in hardware keeps the VM's EID alive; nothing ages on decap. */
static void lisp_encap_touch(const struct offload_decision *d, uint32_t now_s)
{
	const struct encap_template *t = encap_lookup(d->network, d->vtep_ip);
	lisp_eid_touch(d->network, AF_INET, &d->eid_src, now_s);
	if (t != NULL)
		encap_touch(t, now_s);
}

/* Frames from an IPv6 RLOC in hardware keep its id, as frames in software
 * would (an id unreferenced and silent for VTEP6_IDLE_S is released). */
static void lisp_decap_touch(const struct offload_decision *d, uint32_t now_s)
{
	struct nfva_ip rloc;

	if (vtep_id_is_v6(d->vtep_ip) && vtep_id_to_ip(d->vtep_ip, &rloc))
		vtep6_lookup(rloc.addr, now_s);
}

/* The RLOC and the EIDs matched ("src -> dst", or the destination). */
static void lisp_json(const struct offload_decision *d, json_t *j)
{
	char src[INET_ADDRSTRLEN], dst[INET_ADDRSTRLEN];
	char both[2 * INET_ADDRSTRLEN + 4];

	json_object_set_new(j, "vtep", vtep_id_json(d->vtep_ip));
	inet_ntop(AF_INET, &d->eid_dst, dst, sizeof(dst));
	inet_ntop(AF_INET, &d->eid_src, src, sizeof(src));
	snprintf(both, sizeof(both), "%s -> %s", src, dst);
	json_object_set_new(j, "eid", json_string(d->kind == OFFLOAD_LISP_DECAP ? dst : both));
}

static struct offload_kind_ops kind_lisp_encap = {
	.kind = OFFLOAD_LISP_ENCAP,
	.name = "lisp-encap",
	.from_vf = true,
	.to_vf = false,
	.current = lisp_encap_current,
	.compile = lisp_encap_compile,
	.touch = lisp_encap_touch,
	.to_json = lisp_json,
};
static struct offload_kind_ops kind_lisp_decap = {
	.kind = OFFLOAD_LISP_DECAP,
	.name = "lisp-decap",
	.from_vf = false,
	.to_vf = true,
	.current = lisp_decap_current,
	.compile = lisp_decap_compile,
	.touch = lisp_decap_touch,
	.to_json = lisp_json,
};
OFFLOAD_KIND(kind_lisp_encap)
OFFLOAD_KIND(kind_lisp_decap)
