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

static const char *const shape_names[SHAPE_MAX] = {
	[SHAPE_L2] = "l2", [SHAPE_L2_VLAN] = "l2-vlan",
	[SHAPE_VXLAN_ENCAP] = "vxlan-encap", [SHAPE_VXLAN_DECAP] = "vxlan-decap",
	[SHAPE_GRE_ENCAP] = "gre-encap", [SHAPE_GRE_DECAP] = "gre-decap",
	[SHAPE_LISP_ENCAP] = "lisp-encap", [SHAPE_LISP_DECAP] = "lisp-decap",
	[SHAPE_MIRROR_PORT] = "mirror-port", [SHAPE_MIRROR_SOFTWARE] = "mirror-software",
};

const char *shape_name(enum rule_shape s)
{
	return s < SHAPE_MAX ? shape_names[s] : "?";
}

/* A template with documentation addresses (RFC 5737), for probing only. */
static void sample_template(struct encap_template *t, uint8_t encap)
{
	const struct tunnel_ops *ops = tunnel_ops_get(encap);
	struct network_overlay ov = { .encap = encap, .vni = 42, .udp_port = 4789 };
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)t->hdr;
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(eth + 1);

	memset(t, 0, sizeof(*t));
	t->encap = encap;
	t->resolved = true;
	eth->dst_addr = (struct rte_ether_addr){ { 0x02, 0, 0, 0, 0, 0x02 } };
	eth->src_addr = (struct rte_ether_addr){ { 0x02, 0, 0, 0, 0, 0x01 } };
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	ip->version_ihl = RTE_IPV4_VHL_DEF;
	ip->time_to_live = 64;
	ip->next_proto_id = ops->ip_proto;
	ip->src_addr = RTE_BE32(0xc0000201);
	ip->dst_addr = RTE_BE32(0xc0000202);
	ops->write((uint8_t *)(ip + 1), &ov);
	t->len = sizeof(*eth) + sizeof(*ip) + ops->hdr_len;
}

static void sample_decision(enum rule_shape shape, struct offload_decision *d,
		struct compile_ctx *ctx, struct encap_template *t)
{
	memset(d, 0, sizeof(*d));
	d->in_vlan = d->out_vlan = NFVA_VLAN_NONE;
	d->src = (struct rte_ether_addr){ { 0x02, 0, 0, 0, 0x10, 0x01 } };
	d->dst = (struct rte_ether_addr){ { 0x02, 0, 0, 0, 0x10, 0x02 } };
	d->vtep_ip = RTE_BE32(0xc0000202);
	ctx->local_ip = RTE_BE32(0xc0000201);
	ctx->vni = 42;
	ctx->udp_port = 4789;
	d->eid_src = RTE_BE32(0xc6336401); /* 198.51.100.1 */
	d->eid_dst = RTE_BE32(0xcb007101); /* 203.0.113.1 */
	bool vxlan = shape == SHAPE_VXLAN_ENCAP || shape == SHAPE_VXLAN_DECAP;
	bool lisp = shape == SHAPE_LISP_ENCAP || shape == SHAPE_LISP_DECAP;
	ctx->encap = vxlan ? DP_ENCAP_VXLAN : lisp ? DP_ENCAP_LISP : DP_ENCAP_GRE;
	sample_template(t, ctx->encap);
	ctx->tmpl = t;
	if (shape == SHAPE_VXLAN_ENCAP || shape == SHAPE_GRE_ENCAP)
		d->kind = OFFLOAD_ENCAP;
	else if (shape == SHAPE_VXLAN_DECAP || shape == SHAPE_GRE_DECAP)
		d->kind = OFFLOAD_DECAP;
	else if (shape == SHAPE_LISP_ENCAP)
		d->kind = OFFLOAD_LISP_ENCAP;
	else if (shape == SHAPE_LISP_DECAP)
		d->kind = OFFLOAD_LISP_DECAP;
	else
		d->kind = OFFLOAD_L2;
	if (shape == SHAPE_L2_VLAN)
		d->in_vlan = d->out_vlan = 100;
}

/* Mirror shapes: an L2 rule copying what the VF sends. */
static void sample_mirror(enum rule_shape shape, struct compile_ctx *ctx)
{
	struct mirror_side *in = &ctx->mirror.in;

	in->ratio = 1;
	if (shape == SHAPE_MIRROR_PORT) {
		in->mode = MIRROR_HW_PORT;
		in->ethdev = ctx->out_ethdev;
	} else if (shape == SHAPE_MIRROR_SOFTWARE) {
		in->mode = MIRROR_HW_SOFTWARE;
		in->ethdev = ctx->in_ethdev;
		in->mark = OFFLOAD_MIRROR_MARK;
	}
}

static void probe_shape(struct offload_eswitch *sw, enum rule_shape shape, uint16_t vf)
{
	struct shape_cap *cap = &sw->caps[shape];
	struct offload_decision d;
	struct compile_ctx ctx = { 0 };
	struct encap_template t;
	struct rte_flow_error err = { 0 };
	enum rule_shape got;
	struct flow_spec *s = malloc(sizeof(*s));

	if (s == NULL)
		return;
	sample_decision(shape, &d, &ctx, &t);
	bool from_vf = d.kind != OFFLOAD_DECAP && d.kind != OFFLOAD_LISP_DECAP;
	bool to_uplink = d.kind == OFFLOAD_ENCAP || d.kind == OFFLOAD_LISP_ENCAP;
	ctx.in_ethdev = port_ethdev(from_vf ? vf : sw->uplink);
	ctx.out_ethdev = port_ethdev(to_uplink ? sw->uplink : vf);
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
		snprintf(cap->reason, sizeof(cap->reason), "%s", err.message != NULL ?
				err.message : rte_strerror(ret < 0 ? -ret : rte_errno));
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
	for (unsigned s = 0; s < SHAPE_MAX; s++) {
		probe_shape(sw, s, vf);
		NFVA_LOG(INFO, "port %u: %-12s %s%s%s", sw->uplink, shape_name(s),
				sw->caps[s].supported ? "offloaded" : "software",
				sw->caps[s].supported ? "" : ": ", sw->caps[s].reason);
	}
}
