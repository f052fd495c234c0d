/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Which mirror sessions take a flow's frames, and how the e-switch carries
 * them (control thread, on every install and revalidation).
 *
 * Side "in" is what the ingress port receives, side "out" what the egress
 * port sends: the frame exactly where the slow path would copy it. A
 * session's filter is decided here when its terms are about fields the
 * rule's pattern fixes (the VM-side MACs and tag); then a session whose
 * filter cannot match takes nothing from the flow. A side is done by the
 * e-switch itself (SAMPLE with ratio N to the destination VF, or encap to a
 * VXLAN collector through the uplink) when one session takes it, with no
 * snap length and no filter term left to decide per frame. Anything else
 * (ERSPAN's per-copy sequence and timestamp, snap length, IP/L4 filters,
 * several sessions, a destination outside the e-switch) keeps the flow
 * offloaded and has the e-switch hand one marked copy per frame to the slow
 * path, which makes the session copies itself.
 */
#include <stdio.h>
#include <string.h>

#include <rte_hash_crc.h>

#include "overlay/encap.h"
#include "mirror/mirror.h"
#include "overlay/underlay.h"
#include "offload/offload_private.h"
#include "overlay/vtep_id.h"

#define FILTER_KNOWN (MF_SRC_MAC | MF_DST_MAC | MF_VLAN)

enum verdict { NEVER, ALWAYS, PER_FRAME };

/* The frame on a side: the VM's side of the flow has the decision's MACs
 * (and the side's tag); the uplink side is a tunnel frame nothing is known of. */
struct side_frame {
	bool known;
	const struct offload_decision *d;
	uint16_t vlan;
};

static enum verdict filter_verdict(const struct mirror_filter *f, const struct side_frame *fr)
{
	if (f->fields == 0)
		return ALWAYS;
	if (!fr->known)
		return PER_FRAME;
	if ((f->fields & MF_SRC_MAC) && !rte_is_same_ether_addr(&f->src_mac, &fr->d->src))
		return NEVER;
	if ((f->fields & MF_DST_MAC) && !rte_is_same_ether_addr(&f->dst_mac, &fr->d->dst))
		return NEVER;
	if ((f->fields & MF_VLAN) && (fr->vlan == NFVA_VLAN_NONE || fr->vlan != f->vlan))
		return NEVER;
	return (f->fields & ~FILTER_KNOWN) != 0 ? PER_FRAME : ALWAYS;
}

static bool session_has_source(const struct mirror_session *s, uint16_t port)
{
	for (unsigned k = 0; k < s->n_sources; k++)
		if (s->sources[k] == port)
			return true;
	return false;
}

/* Can the e-switch make this session's copies by itself? why when not. */
static bool session_native(const struct mirror_session *s, int sw, struct mirror_side *side,
		const struct encap_template **tmpl)
{
	const struct underlay *u = underlay_get();
	const char *why = NULL;

	if (s->snaplen != 0)
		why = "snap length";
	else if (s->dest == DP_MIRROR_ERSPAN)
		why = "ERSPAN sequence/timestamp";
	else if (s->dest == DP_MIRROR_PORT && !port_offloadable(s->dest_port, sw))
		why = "destination outside the e-switch";
	else if (s->dest == DP_MIRROR_VXLAN && (!u->active || !port_offloadable(u->port, sw)))
		why = "collector not behind this e-switch";
	else if (s->dest == DP_MIRROR_VXLAN && vtep_id_is_v6(s->dest_ip))
		why = "collector over IPv6 (not compiled yet)";
	else if (s->dest == DP_MIRROR_VXLAN) {
		*tmpl = encap_lookup(NFVA_MIRROR_OWNER_BASE + s->index, s->dest_ip);
		if (*tmpl == NULL || !(*tmpl)->resolved)
			why = "collector not resolved";
	}
	if (why != NULL) {
		snprintf(side->why, sizeof(side->why), "%s", why);
		return false;
	}
	side->mode = s->dest == DP_MIRROR_PORT ? MIRROR_HW_PORT : MIRROR_HW_VXLAN;
	side->session = s->index;
	side->ratio = s->sample_n > 1 ? s->sample_n : 1;
	side->ethdev = port_ethdev(s->dest == DP_MIRROR_PORT ? s->dest_port : u->port);
	if (*tmpl != NULL)
		side->tmpl_crc = rte_hash_crc((*tmpl)->hdr, (*tmpl)->len, 0);
	return true;
}

static void plan_side(uint16_t port, uint8_t direction, const struct side_frame *fr, int sw,
		uint16_t representor, struct mirror_side *side, const struct encap_template **tmpl)
{
	const struct mirror_session *only = NULL;
	unsigned n = 0;
	bool per_frame = false;

	memset(side, 0, sizeof(*side));
	*tmpl = NULL;
	for (unsigned i = 0; i < NFVA_MAX_MIRRORS; i++) {
		const struct mirror_session *s = mirror_by_index(i);
		if (s == NULL || !(s->directions & direction) || !session_has_source(s, port))
			continue;
		enum verdict v = filter_verdict(&s->filter, fr);
		if (v == NEVER)
			continue;
		per_frame |= v == PER_FRAME;
		only = s;
		n++;
	}
	if (n == 0)
		return;
	if (n == 1 && !per_frame && session_native(only, sw, side, tmpl))
		return;
	if (n > 1)
		snprintf(side->why, sizeof(side->why), "%u sessions", n);
	else if (per_frame)
		snprintf(side->why, sizeof(side->why), "filter on IP/L4 fields");
	*tmpl = NULL;
	side->mode = MIRROR_HW_SOFTWARE;
	side->session = 0;
	side->ratio = 1;
	side->tmpl_crc = 0;
	side->ethdev = representor;
	side->mark = offload_mirror_mark(port, direction == MIRROR_OUT);
}

void mirror_plan_make(const struct offload_decision *d, int sw, struct compile_ctx *ctx)
{
	/* The VM's side: ingress for frames from a VF, egress for frames to one. */
	const struct offload_kind_ops *k = offload_kind_get(d->kind);
	bool from_vm = k != NULL && k->from_vf;
	bool to_vm = k != NULL && k->to_vf;
	struct side_frame in = { .known = from_vm, .d = d, .vlan = d->in_vlan };
	struct side_frame out = { .known = to_vm, .d = d, .vlan = d->out_vlan };

	plan_side(d->in_port, MIRROR_IN, &in, sw, ctx->in_ethdev, &ctx->mirror.in,
			&ctx->mirror_tmpl[0]);
	plan_side(d->out_port, MIRROR_OUT, &out, sw, ctx->in_ethdev, &ctx->mirror.out,
			&ctx->mirror_tmpl[1]);
}

bool mirror_plan_active(const struct mirror_plan *p)
{
	return p->in.mode != MIRROR_HW_NONE || p->out.mode != MIRROR_HW_NONE;
}

static int side_describe(const struct mirror_side *side, const char *name, char *buf, size_t len)
{
	const struct mirror_session *s = mirror_by_index(side->session);

	switch (side->mode) {
	case MIRROR_HW_PORT:
	case MIRROR_HW_VXLAN:
		return snprintf(buf, len, "%s: e-switch SAMPLE 1/%u for %s", name, side->ratio,
				s != NULL ? s->name : "?");
	case MIRROR_HW_SOFTWARE:
		return snprintf(buf, len, "%s: copies made in software (%s)", name, side->why);
	default:
		return 0;
	}
}

void mirror_plan_describe(const struct mirror_plan *p, char *buf, size_t len)
{
	int n = side_describe(&p->in, "in", buf, len);
	if (n < 0 || (size_t)n >= len)
		return;
	if (n > 0 && p->out.mode != MIRROR_HW_NONE)
		n += snprintf(buf + n, len - n, "; ");
	if ((size_t)n < len)
		side_describe(&p->out, "out", buf + n, len - n);
	if (n == 0 && p->out.mode == MIRROR_HW_NONE)
		buf[0] = '\0';
}
