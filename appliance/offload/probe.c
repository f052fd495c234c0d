/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Capability probe: for each rule shape, compile a sample rule on this
 * e-switch's own ports and ask the backend to validate *and create* it (then
 * destroy it). Validation alone is not proof: net_tap validates rules that it
 * then refuses to create. A shape that fails keeps its flows in software and
 * the PMD's message is shown by `offload show caps`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_ip.h>

#include "core/dp_config.h"
#include "overlay/encap_build.h"
#include "core/log.h"
#include "ports/port.h"
#include "offload/offload_private.h"

NFVA_LOG_REGISTER(probe)

static struct rule_shape *shapes; /* sorted by name */
static unsigned n_shapes;

void rule_shape_register(struct rule_shape *s)
{
	RTE_VERIFY(n_shapes < SHAPE_MAX);
	s->id = (uint8_t)n_shapes++;
	struct rule_shape **at = &shapes;
	while (*at != NULL && strcmp((*at)->name, s->name) < 0)
		at = &(*at)->next;
	s->next = *at;
	*at = s;
}

const struct rule_shape *rule_shape_first(void)
{
	return shapes;
}

/* Documentation addresses (RFC 5737, RFC 3849): ours ends in 1, the
 * remote VTEP's in 2. */
static const uint8_t sample_ip6[2][16] = {
	{ 0x20, 0x01, 0x0d, 0xb8, [15] = 1 },
	{ 0x20, 0x01, 0x0d, 0xb8, [15] = 2 },
};

/* The outer IP header of a sample template; its length. */
static size_t sample_ip(struct encap_template *t, void *l3, uint8_t proto)
{
	if (t->ipv6) {
		struct rte_ipv6_hdr *ip6 = l3;
		ip6->vtc_flow = RTE_BE32(6u << 28);
		ip6->proto = proto;
		ip6->hop_limits = 64;
		memcpy(ip6->src_addr, sample_ip6[0], 16);
		memcpy(ip6->dst_addr, sample_ip6[1], 16);
		return sizeof(*ip6);
	}
	struct rte_ipv4_hdr *ip = l3;
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->time_to_live = 64;
	ip->next_proto_id = proto;
	ip->src_addr = RTE_BE32(0xc0000201);
	ip->dst_addr = RTE_BE32(0xc0000202);
	return sizeof(*ip);
}

/* A template for probing only (no checksum to fill: it would be refused
 * over IPv6). */
static void sample_template(struct encap_template *t, uint8_t encap, bool ipv6)
{
	const struct tunnel_ops *ops = tunnel_ops_get(encap);
	struct network_overlay ov = { .encap = encap, .vni = 42, .udp_port = 4789 };
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)t->hdr;

	memset(t, 0, sizeof(*t));
	t->encap = encap;
	t->resolved = true;
	t->ipv6 = ipv6;
	eth->dst_addr = (struct rte_ether_addr){ { 0x02, 0, 0, 0, 0, 0x02 } };
	eth->src_addr = (struct rte_ether_addr){ { 0x02, 0, 0, 0, 0, 0x01 } };
	eth->ether_type = ipv6 ? RTE_BE16(RTE_ETHER_TYPE_IPV6) : RTE_BE16(RTE_ETHER_TYPE_IPV4);
	size_t l3_len = sample_ip(t, eth + 1, ops->ip_proto);
	ops->write((uint8_t *)(eth + 1) + l3_len, &ov);
	t->len = (uint8_t)(sizeof(*eth) + l3_len + ops->hdr_len);
}

/* The sample rule of a shape: documentation addresses, VNI 42. */
static void sample_decision(const struct rule_shape *shape, struct offload_decision *d,
		struct compile_ctx *ctx, struct encap_template *t)
{
	memset(d, 0, sizeof(*d));
	d->kind = shape->kind;
	d->in_vlan = d->out_vlan = shape->vlan ? 100 : NFVA_VLAN_NONE;
	d->src = (struct rte_ether_addr){ { 0x02, 0, 0, 0, 0x10, 0x01 } };
	d->dst = (struct rte_ether_addr){ { 0x02, 0, 0, 0, 0x10, 0x02 } };
	d->vtep_ip = RTE_BE32(0xc0000202);
	ctx->local_ip = RTE_BE32(0xc0000201);
	memcpy(ctx->local_ip6, sample_ip6[0], 16);
	ctx->remote = shape->ipv6 ? nfva_ip_v6(sample_ip6[1]) : nfva_ip_v4(d->vtep_ip);
	ctx->vni = 42;
	ctx->udp_port = 4789;
	d->eid_src = RTE_BE32(0xc6336401); /* 198.51.100.1 */
	d->eid_dst = RTE_BE32(0xcb007101); /* 203.0.113.1 */
	ctx->encap = shape->encap;
	if (tunnel_ops_get(shape->encap) != NULL) {
		sample_template(t, shape->encap, shape->ipv6);
		ctx->tmpl = t;
	}
}

/* Mirror shapes: an L2 rule copying what the VF sends. */
static void sample_mirror(const struct rule_shape *shape, struct compile_ctx *ctx)
{
	struct mirror_side *in = &ctx->mirror.in;

	in->ratio = 1;
	in->mode = shape->mirror;
	if (shape->mirror == MIRROR_HW_PORT) {
		in->ethdev = ctx->out_ethdev;
	} else if (shape->mirror == MIRROR_HW_SOFTWARE) {
		in->ethdev = ctx->in_ethdev;
		in->mark = OFFLOAD_MIRROR_MARK;
	}
}

static void probe_shape(struct offload_eswitch *sw, const struct rule_shape *shape, uint16_t vf)
{
	const struct offload_kind_ops *k = offload_kind_get(shape->kind);
	struct shape_cap *cap = &sw->caps[shape->id];
	struct offload_decision d;
	struct compile_ctx ctx = { 0 };
	struct encap_template t;
	struct rte_flow_error err = { 0 };
	const struct rule_shape *got;
	struct flow_spec *s = malloc(sizeof(*s));

	if (s == NULL)
		return;
	sample_decision(shape, &d, &ctx, &t);
	ctx.in_ethdev = port_ethdev(k->from_vf ? vf : sw->uplink);
	ctx.out_ethdev = port_ethdev(k->to_vf ? vf : sw->uplink);
	sample_mirror(shape, &ctx);
	rte_eth_macaddr_get(port_ethdev(sw->uplink), &ctx.uplink_mac);
	cap->probed = true;
	cap->supported = false;
	int ret = offload_compile(&d, &ctx, s, &got);
	if (ret == 0)
		ret = sw->backend->validate(sw, s, &err);
	void *h = ret == 0 ? sw->backend->create(sw, s, &err) : NULL;
	if (h != NULL) {
		cap->supported = true;
		cap->reason[0] = '\0';
		sw->backend->destroy(sw, h, &err);
	} else {
		snprintf(cap->reason, sizeof(cap->reason), "%s",
				err.message != NULL ? err.message
						    : rte_strerror(ret < 0 ? -ret : rte_errno));
	}
	free(s);
}

void eswitch_probe(struct offload_eswitch *sw)
{
	uint16_t vf = sw->uplink; /* until a VF exists, probe with the uplink itself */

	for (uint16_t i = 0; i < NFVA_MAX_PORTS; i++) {
		const struct port *p = port_by_index(i);
		if (p != NULL && p->vf_of == sw->uplink) {
			vf = i;
			break;
		}
	}
	for (const struct rule_shape *s = rule_shape_first(); s != NULL; s = s->next) {
		const struct shape_cap *cap = &sw->caps[s->id];
		probe_shape(sw, s, vf);
		NFVA_LOG(INFO, "port %u: %-15s %s%s%s", sw->uplink, s->name,
				cap->supported ? "offloaded" : "software",
				cap->supported ? "" : ": ", cap->reason);
	}
}
