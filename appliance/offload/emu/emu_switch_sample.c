/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * SAMPLE and MARK in the emulated e-switch: a SAMPLE's sub-action list
 * compiled (VOID, COUNT, MARK, RAW_ENCAP, VXLAN_ENCAP and exactly one of
 * REPRESENTED_PORT, PORT_REPRESENTOR; at most one encap, COUNT, MARK), and
 * the execution of the rules the fast path leaves aside (prog.flags): those
 * with a SAMPLE or a MARK.
 *
 * A copy is the frame as it is at the SAMPLE's place in the action list
 * (header ops listed before it apply, those after do not), made by
 * rte_pktmbuf_copy() from the frame's own pool; then the sample's encap
 * (fixed per packet as the main ENCAP is), its MARK, and its fate: out() for
 * REPRESENTED_PORT, back to the caller for PORT_REPRESENTOR. A copy that
 * cannot be made, encapsulated or returned is counted in sample_drops; the
 * original goes on untouched. Ratio N copies the 1st, (N+1)th, ... frame
 * to reach the SAMPLE (a relaxed fetch-add per rule: workers share it).
 */
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_flow.h>
#include <rte_mbuf.h>

#include "offload/emu/emu_switch_private.h"

/* ---- compile (control) ---- */

static int sub_fate(const struct emu_match *m, struct emu_sample *s, bool *fate,
		const struct rte_flow_action *a, struct rte_flow_error *error)
{
	const struct rte_flow_action_ethdev *conf = a->conf;
	bool representor = a->type == RTE_FLOW_ACTION_TYPE_PORT_REPRESENTOR;

	if (*fate)
		return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, a,
				"SAMPLE: more than one fate action in its list");
	if (conf == NULL || conf->port_id >= RTE_MAX_ETHPORTS)
		return rte_flow_error_set(error, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION_CONF, a,
				"SAMPLE: port action without a valid port id");
	/* copies come back with the misses, taken as from the ingress port */
	if (representor && m->in_port >= 0 && conf->port_id != m->in_port)
		return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION_CONF, conf,
				"SAMPLE: PORT_REPRESENTOR must name the ingress port's "
				"representor");
	*fate = true;
	s->fate = representor ? EMU_FATE_REPRESENTOR : EMU_FATE_PORT;
	s->port = conf->port_id;
	return 0;
}

static int sub_encap(struct emu_sample *s, bool l3, const struct rte_flow_action *a,
		struct rte_flow_error *error)
{
	if (s->encap.len != 0)
		return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, a,
				"SAMPLE: more than one encap action in its list");
	if (a->conf == NULL)
		return rte_flow_error_set(error, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION, a,
				"SAMPLE: encap action needs a configuration");
	int ret = emu_encap_parse(a, &s->encap, error);
	s->encap.l3 = l3;
	return ret;
}

static int sub_once(bool *seen, const struct rte_flow_action *a, const char *msg,
		struct rte_flow_error *error)
{
	if (*seen)
		return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, a, msg);
	*seen = true;
	return 0;
}

static int sub_unsupported(const struct rte_flow_action *a, struct rte_flow_error *error)
{
	static __thread char msg[112];
	const char *name = NULL;

	if (rte_flow_conv(RTE_FLOW_CONV_OP_ACTION_NAME_PTR, &name, sizeof(name),
			    (void *)(uintptr_t)a->type, NULL) < 0 ||
			name == NULL)
		name = "of this type";
	snprintf(msg, sizeof(msg),
			"SAMPLE: action %s is not supported in a sample list by "
			"the emulated e-switch",
			name);
	return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, a, msg);
}

static int sub_action(const struct emu_match *m, bool l3, struct emu_sample *s, bool *fate,
		const struct rte_flow_action *a, struct rte_flow_error *error)
{
	const struct rte_flow_action_mark *mark = a->conf;

	switch (a->type) {
	case RTE_FLOW_ACTION_TYPE_VOID:
		return 0;
	case RTE_FLOW_ACTION_TYPE_COUNT:
		return sub_once(&s->count, a, "SAMPLE: more than one COUNT in its list", error);
	case RTE_FLOW_ACTION_TYPE_MARK:
		if (mark == NULL)
			return rte_flow_error_set(error, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION, a,
					"SAMPLE: MARK needs a configuration");
		s->mark = mark->id;
		return sub_once(&s->mark_set, a, "SAMPLE: more than one MARK in its list", error);
	case RTE_FLOW_ACTION_TYPE_RAW_ENCAP:
	case RTE_FLOW_ACTION_TYPE_VXLAN_ENCAP:
		return sub_encap(s, l3, a, error);
	case RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT:
	case RTE_FLOW_ACTION_TYPE_PORT_REPRESENTOR:
		return sub_fate(m, s, fate, a, error);
	default:
		return sub_unsupported(a, error);
	}
}

int emu_sample_compile(const struct rte_flow_action *a, const struct emu_match *m, bool l3,
		struct emu_sample *s, struct rte_flow_error *error)
{
	const struct rte_flow_action_sample *conf = a->conf;
	bool fate = false;

	memset(s, 0, sizeof(*s));
	if (conf == NULL || conf->actions == NULL)
		return rte_flow_error_set(error, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION_CONF, a,
				"SAMPLE needs a ratio and an action list");
	if (conf->ratio == 0)
		return rte_flow_error_set(error, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION_CONF, conf,
				"SAMPLE ratio must be 1 or more");
	s->ratio = conf->ratio;
	for (const struct rte_flow_action *sub = conf->actions;
			sub->type != RTE_FLOW_ACTION_TYPE_END; sub++) {
		int ret = sub_action(m, l3, s, &fate, sub, error);
		if (ret < 0)
			return ret;
	}
	if (!fate)
		return rte_flow_error_set(error, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION_CONF, conf,
				"SAMPLE: no fate in its list (REPRESENTED_PORT or "
				"PORT_REPRESENTOR)");
	return 0;
}

/* ---- execute (workers) ---- */

static void sample_drop(struct emu_switch *sw, struct rte_mbuf *copy)
{
	rte_pktmbuf_free(copy);
	__atomic_fetch_add(&sw->sample_drops, 1, __ATOMIC_RELAXED);
}

/* A copy of m if this frame is sampled; the copy sent out, or returned
 * (in *back) for the caller. Returns the copies in *back (0 or 1). */
static unsigned sample(struct emu_switch *sw, struct emu_sample *s, struct rte_mbuf *m,
		emu_output_fn out, void *ctx, struct rte_mbuf **back, uint64_t *hits,
		uint64_t *bytes)
{
	if (s->ratio > 1 && __atomic_fetch_add(&s->seen, 1, __ATOMIC_RELAXED) % s->ratio != 0)
		return 0;
	struct rte_mbuf *c = rte_pktmbuf_copy(m, m->pool, 0, UINT32_MAX);
	if (c == NULL) {
		__atomic_fetch_add(&sw->sample_drops, 1, __ATOMIC_RELAXED);
		return 0;
	}
	if (s->count) {
		(*hits)++;
		*bytes += rte_pktmbuf_pkt_len(c);
	}
	if (s->encap.len != 0 && emu_exec_encap(c, &s->encap) < 0) {
		sample_drop(sw, c);
		return 0;
	}
	if (s->mark_set)
		emu_mark(c, s->mark);
	if (s->fate == EMU_FATE_PORT) {
		out(ctx, s->port, c);
		return 0;
	}
	*back = c;
	return 1;
}

static void fate(const struct emu_prog *p, struct rte_mbuf *m, struct emu_ret *ret,
		emu_output_fn out, void *ctx)
{
	if (p->fate == EMU_FATE_DROP) {
		rte_pktmbuf_free(m);
		return;
	}
	if (p->flags & EMU_P_MARK)
		emu_mark(m, p->mark);
	if (p->fate == EMU_FATE_PORT)
		out(ctx, p->port, m);
	else
		emu_ret_frame(ret, m);
}

void emu_exec_special(struct emu_switch *sw, const struct emu_rule *r, struct rte_mbuf *m,
		struct emu_ret *ret, unsigned consumed, emu_output_fn out, void *ctx,
		struct emu_copy_count *cc)
{
	const struct emu_prog *p = &r->prog;
	struct rte_mbuf *back[EMU_MAX_SAMPLES];
	unsigned n_back = 0;
	int err = 0;

	for (unsigned i = 0; i < p->n_ops && err == 0; i++) {
		const struct emu_op *op = &p->ops[i];
		if (op->code == EMU_OP_SAMPLE)
			n_back += sample(sw, &p->samples[op->arg], m, out, ctx, &back[n_back],
					&cc->hits[op->arg], &cc->bytes[op->arg]);
		else
			err = emu_exec_op(p, op, m);
	}
	if (err == 0 && emu_egress_too_big(p, m)) {
		__atomic_fetch_add(&sw->mtu_drops, 1, __ATOMIC_RELAXED);
		rte_pktmbuf_free(m);
	} else if (err == 0) {
		fate(p, m, ret, out, ctx);
	} else {
		__atomic_fetch_add(&sw->exec_errors, 1, __ATOMIC_RELAXED);
		rte_pktmbuf_free(m);
	}
	/* after the frame itself: its slot may take a copy */
	for (unsigned i = 0; i < n_back; i++)
		if (!emu_ret_copy(ret, consumed, back[i]))
			sample_drop(sw, back[i]);
}
