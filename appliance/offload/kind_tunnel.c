/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tunnel decisions of VXLAN, GRE and NVGRE networks, over an IPv4 or IPv6
 * underlay (the shape says which: vxlan-encap, vxlan6-encap, ...), with the
 * tunnel's own pieces from its offload_tunnel row (vxlan_rule.c, gre_rule.c).
 * IPv6 encap rules of a network that wants the UDP checksum are refused
 * (software): an e-switch writes the checksum it is given.
 *   ENCAP  VF -> tunnel to the remote VTEP where the destination MAC is
 *          represented_port(VF) / eth dst+src [/ vlan] / end
 *          -> [of_pop_vlan] / <encap actions> / represented_port(uplink) / count
 *   DECAP  uplink tunnel from a VTEP -> the VF of the destination MAC
 *          represented_port(uplink) / <outer items> / eth dst+src / end
 *          -> <decap actions> / [push vlan] / represented_port(VF) / count
 */
#include <arpa/inet.h>

#include "core/dp_config.h"
#include "l2/network.h"
#include "overlay/encap.h"
#include "overlay/encap_build.h"
#include "overlay/underlay.h"
#include "overlay/vtep_id.h"
#include "offload/offload_private.h"

static struct offload_tunnel *tunnels;

void offload_tunnel_register(struct offload_tunnel *t)
{
	RTE_VERIFY(offload_tunnel_get(t->encap) == NULL);
	t->next = tunnels;
	tunnels = t;
}

const struct offload_tunnel *offload_tunnel_get(uint8_t encap)
{
	for (const struct offload_tunnel *t = tunnels; t != NULL; t = t->next)
		if (t->encap == encap)
			return t;
	return NULL;
}

static bool encap_current(const struct offload_decision *d, const struct network *n,
		struct compile_ctx *ctx, const char **why)
{
	(void)why;
	if (!overlay_ctx(n, ctx) || d->out_port != underlay_get()->port)
		return false;
	if (!fdb_is_port(d->network, &d->src, d->in_port, d->in_vlan) ||
			!fdb_is_vtep(d->network, &d->dst, d->vtep_ip))
		return false;
	ctx->tmpl = encap_lookup(d->network, d->vtep_ip);
	return ctx->tmpl != NULL && ctx->tmpl->resolved;
}

static bool decap_current(const struct offload_decision *d, const struct network *n,
		struct compile_ctx *ctx, const char **why)
{
	(void)why;
	if (!overlay_ctx(n, ctx) || d->in_port != underlay_get()->port ||
			!vtep_id_to_ip(d->vtep_ip, &ctx->remote))
		return false;
	return fdb_is_vtep(d->network, &d->src, d->vtep_ip) &&
			fdb_is_port(d->network, &d->dst, d->out_port, d->out_vlan);
}

static int encap_compile(const struct offload_decision *d, const struct compile_ctx *ctx,
		struct flow_spec *s, const struct rule_shape **shape)
{
	const struct offload_tunnel *t = offload_tunnel_get(ctx->encap);
	if (t == NULL)
		return -ENOTSUP;
	*shape = ctx->tmpl->ipv6 ? t->encap6_shape : t->encap_shape;
	if (*shape == NULL)
		return compile_refuse("no e-switch rule for this tunnel over IPv6", -EAFNOSUPPORT);
	/* No NIC fills a UDP checksum on encap (ConnectX writes what it is
	 * given): over IPv6, where it is mandatory, only networks that send 0
	 * (udp6-zero-csum) are offloaded; the others stay in software. */
	const struct tunnel_ops *ops = tunnel_ops_get(ctx->encap);
	if (ctx->tmpl->ipv6 && ctx->tmpl->udp_csum && ops != NULL && ops->ip_proto == IPPROTO_UDP)
		return compile_refuse("the IPv6 UDP checksum is computed in software only "
				      "(udp6-zero-csum offloads)",
				-EPROTONOSUPPORT);
	int ret = compile_vf_actions(d, ctx, s, compile_vf_items(d, ctx, s));
	if (ret == 0)
		ret = t->encap_actions(s, ctx);
	return compile_finish(ctx, s, ret);
}

static int decap_compile(const struct offload_decision *d, const struct compile_ctx *ctx,
		struct flow_spec *s, const struct rule_shape **shape)
{
	const struct offload_tunnel *t = offload_tunnel_get(ctx->encap);
	if (t == NULL)
		return -ENOTSUP;
	*shape = nfva_ip_is_v6(&ctx->remote) ? t->decap6_shape : t->decap_shape;
	if (*shape == NULL)
		return compile_refuse("no e-switch rule for this tunnel over IPv6", -EAFNOSUPPORT);
	int ret = compile_port_item(s, ctx->in_ethdev);
	if (ret == 0)
		ret = t->decap_items(s, ctx);
	if (ret == 0)
		ret = compile_eth_macs(s, d, NFVA_VLAN_NONE);
	if (ret == 0)
		ret = compile_sample(s, ctx, false);
	if (ret == 0)
		ret = t->decap_actions(s, ctx);
	compile_push_vlan(s, d->out_vlan);
	return compile_finish(ctx, s, ret);
}

/* The e-switch carried frames: the MACs' entries and the template stay. */
static void tunnel_touch(const struct offload_decision *d, uint32_t now_s)
{
	const struct encap_template *t = encap_lookup(d->network, d->vtep_ip);
	touch_macs(d, now_s);
	if (t != NULL && d->kind == OFFLOAD_ENCAP)
		encap_touch(t, now_s);
}

static void vtep_json(const struct offload_decision *d, json_t *j)
{
	json_object_set_new(j, "vtep", vtep_id_json(d->vtep_ip));
}

static struct offload_kind_ops kind_encap = {
	.kind = OFFLOAD_ENCAP,
	.name = "encap",
	.from_vf = true,
	.to_vf = false,
	.current = encap_current,
	.compile = encap_compile,
	.touch = tunnel_touch,
	.to_json = vtep_json,
};
static struct offload_kind_ops kind_decap = {
	.kind = OFFLOAD_DECAP,
	.name = "decap",
	.from_vf = false,
	.to_vf = true,
	.current = decap_current,
	.compile = decap_compile,
	.touch = tunnel_touch,
	.to_json = vtep_json,
};
OFFLOAD_KIND(kind_encap)
OFFLOAD_KIND(kind_decap)
