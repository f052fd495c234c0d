/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Action validation and compilation for the emulated e-switch: the action
 * list becomes a short program of header operations (decap, VLAN pop, push,
 * set, encap) and SAMPLEs in list order, then one fate (REPRESENTED_PORT,
 * PORT_REPRESENTOR or DROP), plus COUNT and MARK. As a switchdev PMD would,
 * it refuses a rule with no fate or two, a decap the pattern does not
 * guarantee, a second decap, encap, COUNT or MARK, a third SAMPLE, and
 * anything it cannot execute (SAMPLE lists: emu_switch_sample.c).
 *
 * L3 encap (LISP): an encap right after a RAW_DECAP that removed the
 * Ethernet header sees an IP packet, and takes its UDP source port entropy
 * from ip_flow_hash() rather than inner_flow_hash(). The decap is taken to
 * have removed the Ethernet header when its size is 14, or 18 in a rule
 * whose pattern requires a VLAN tag (tagged frames); any other size leaves
 * an Ethernet frame as far as entropy is concerned.
 */
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_flow.h>

#include "offload/emu/emu_switch_private.h"

#define VID_MASK 0x0fff
#define PCP_MASK 0xe000
#define PCP_SHIFT 13

struct action_ctx {
	const struct emu_match *m;
	struct emu_prog *prog;
	struct emu_encap *encap;
	struct emu_sample *samples;
	bool fate;
	bool decap;
	bool l3;  /* the frame is an IP packet at this point */
	int push; /* ops[] index of the tag now outermost, or -1 */
};

static int conf_missing(const struct rte_flow_action *a, struct rte_flow_error *error)
{
	return rte_flow_error_set(error, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION, a,
			"action needs a configuration");
}

static int add_op(struct action_ctx *c, const struct rte_flow_action *a, struct emu_op op,
		struct rte_flow_error *error)
{
	if (c->prog->n_ops == EMU_MAX_OPS)
		return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, a,
				"too many header actions for the emulated e-switch");
	c->prog->ops[c->prog->n_ops++] = op;
	return 0;
}

static int fate(struct action_ctx *c, const struct rte_flow_action *a, enum emu_fate f,
		struct rte_flow_error *error)
{
	const struct rte_flow_action_ethdev *conf = a->conf;

	if (c->fate)
		return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, a,
				"more than one fate action");
	if (f != EMU_FATE_DROP && conf == NULL)
		return conf_missing(a, error);
	if (f != EMU_FATE_DROP && conf->port_id >= RTE_MAX_ETHPORTS)
		return rte_flow_error_set(error, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION_CONF, conf,
				"port id out of range");
	/* Misses (and this fate) return to the caller, who takes them as
	 * received on the ingress port's representor: no other is possible. */
	if (f == EMU_FATE_REPRESENTOR && c->m->in_port >= 0 && conf->port_id != c->m->in_port)
		return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION_CONF, conf,
				"PORT_REPRESENTOR must name the ingress port's representor");
	c->fate = true;
	c->prog->fate = f;
	c->prog->port = f == EMU_FATE_DROP ? 0 : conf->port_id;
	return 0;
}

static int decap(struct action_ctx *c, const struct rte_flow_action *a,
		struct rte_flow_error *error)
{
	struct emu_op op = { .code = EMU_OP_VXLAN_DECAP };

	if (c->decap)
		return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, a,
				"more than one decap action");
	if (c->prog->encap != NULL)
		return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, a,
				"decap after encap");
	if (a->type == RTE_FLOW_ACTION_TYPE_VXLAN_DECAP) {
		if ((c->m->key.flags & EMU_F_VXLAN) == 0)
			return rte_flow_error_set(error, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION, a,
					"VXLAN_DECAP needs a VXLAN item in the pattern");
	} else {
		const struct rte_flow_action_raw_decap *conf = a->conf;
		if (conf == NULL)
			return conf_missing(a, error);
		if (conf->size == 0 || conf->size > EMU_MAX_DECAP)
			return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION_CONF,
					conf, "RAW_DECAP size must be 1 to 128 bytes");
		op.code = EMU_OP_RAW_DECAP;
		op.arg = (uint16_t)conf->size;
		bool tagged = (c->m->mask.flags & c->m->key.flags & EMU_F_VLAN) != 0;
		size_t l2_len = sizeof(struct rte_ether_hdr) +
				(tagged ? sizeof(struct rte_vlan_hdr) : 0);
		c->l3 = conf->size == sizeof(struct rte_ether_hdr) || conf->size == l2_len;
	}
	c->decap = true;
	c->push = -1;
	return add_op(c, a, op, error);
}

/* A RAW_DECAP right before an encap of an Ethernet header alone (IPv4
 * type): the frame in between is an IPv4 packet, trimmed to its length (as
 * the slow path trims a LISP inner packet). */
static void l3_decap_mark(struct action_ctx *c)
{
	const struct emu_encap *e = c->encap;
	struct emu_op *last = c->prog->n_ops == 0 ? NULL : &c->prog->ops[c->prog->n_ops - 1];

	if (last == NULL || last->code != EMU_OP_RAW_DECAP || e->ip_off != 0 ||
			e->len < sizeof(struct rte_ether_hdr))
		return;
	if (e->hdr[e->len - 2] == 0x08 && e->hdr[e->len - 1] == 0x00)
		last->flags |= EMU_OP_F_L3_OUT;
}

static int encap(struct action_ctx *c, const struct rte_flow_action *a,
		struct rte_flow_error *error)
{
	struct emu_op op = { .code = EMU_OP_ENCAP };

	if (c->prog->encap != NULL)
		return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, a,
				"more than one encap action");
	if (a->conf == NULL)
		return conf_missing(a, error);
	int ret = emu_encap_parse(a, c->encap, error);
	if (ret < 0)
		return ret;
	c->encap->l3 = c->l3;
	l3_decap_mark(c);
	c->prog->encap = c->encap; /* moved into the rule by the caller */
	c->push = -1;
	c->l3 = false;
	return add_op(c, a, op, error);
}

/* The copy is the frame as the ops listed before see it. */
static int sample(struct action_ctx *c, const struct rte_flow_action *a,
		struct rte_flow_error *error)
{
	struct emu_prog *p = c->prog;

	if (p->n_samples == EMU_MAX_SAMPLES)
		return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, a,
				"more than 2 SAMPLE actions in a rule");
	int ret = emu_sample_compile(a, c->m, c->l3, &c->samples[p->n_samples], error);
	if (ret < 0)
		return ret;
	struct emu_op op = { .code = EMU_OP_SAMPLE, .arg = p->n_samples };
	ret = add_op(c, a, op, error);
	if (ret < 0)
		return ret;
	p->n_samples++;
	p->flags |= EMU_P_SAMPLE;
	c->push = -1; /* a VLAN set after the copy must not reach the copy */
	return 0;
}

static int mark(struct action_ctx *c, const struct rte_flow_action *a, struct rte_flow_error *error)
{
	const struct rte_flow_action_mark *conf = a->conf;

	if (conf == NULL)
		return conf_missing(a, error);
	if (c->prog->flags & EMU_P_MARK)
		return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, a,
				"more than one MARK action");
	c->prog->flags |= EMU_P_MARK;
	c->prog->mark = conf->id;
	return 0;
}

static int push_vlan(struct action_ctx *c, const struct rte_flow_action *a,
		struct rte_flow_error *error)
{
	const struct rte_flow_action_of_push_vlan *conf = a->conf;

	if (conf == NULL)
		return conf_missing(a, error);
	uint16_t tpid = rte_be_to_cpu_16(conf->ethertype);
	if (tpid != RTE_ETHER_TYPE_VLAN && tpid != RTE_ETHER_TYPE_QINQ)
		return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION_CONF, conf,
				"OF_PUSH_VLAN takes TPID 0x8100 or 0x88a8 only");
	struct emu_op op = { .code = EMU_OP_PUSH_VLAN, .arg = tpid };
	c->push = c->prog->n_ops;
	return add_op(c, a, op, error);
}

/* OpenFlow semantics: SET_VLAN_VID/PCP change the outermost tag, which is
 * the one just pushed, if any; else the frame's own (if it has one). */
static int set_vlan(struct action_ctx *c, const struct rte_flow_action *a, uint16_t tci,
		uint16_t mask, struct rte_flow_error *error)
{
	if (c->push >= 0) {
		struct emu_op *op = &c->prog->ops[c->push];
		op->tci = (uint16_t)((op->tci & ~mask) | tci);
		op->tci_mask |= mask;
		return 0;
	}
	struct emu_op op = { .code = EMU_OP_SET_VLAN, .tci = tci, .tci_mask = mask };
	return add_op(c, a, op, error);
}

static int vlan_action(struct action_ctx *c, const struct rte_flow_action *a,
		struct rte_flow_error *error)
{
	struct emu_op pop = { .code = EMU_OP_POP_VLAN };

	switch (a->type) {
	case RTE_FLOW_ACTION_TYPE_OF_POP_VLAN:
		c->push = -1;
		return add_op(c, a, pop, error);
	case RTE_FLOW_ACTION_TYPE_OF_PUSH_VLAN:
		return push_vlan(c, a, error);
	case RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_VID: {
		const struct rte_flow_action_of_set_vlan_vid *conf = a->conf;
		if (conf == NULL)
			return conf_missing(a, error);
		uint16_t vid = rte_be_to_cpu_16(conf->vlan_vid);
		if (vid > VID_MASK)
			return rte_flow_error_set(error, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION_CONF,
					conf, "VLAN ID above 4095");
		return set_vlan(c, a, vid, VID_MASK, error);
	}
	default: {
		const struct rte_flow_action_of_set_vlan_pcp *conf = a->conf;
		if (conf == NULL)
			return conf_missing(a, error);
		if (conf->vlan_pcp > 7)
			return rte_flow_error_set(error, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION_CONF,
					conf, "VLAN PCP above 7");
		return set_vlan(c, a, (uint16_t)(conf->vlan_pcp << PCP_SHIFT), PCP_MASK, error);
	}
	}
}

static const char *unsupported_action(enum rte_flow_action_type type)
{
	static __thread char msg[96];
	const char *name = NULL;

	if (rte_flow_conv(RTE_FLOW_CONV_OP_ACTION_NAME_PTR, &name, sizeof(name),
			    (void *)(uintptr_t)type, NULL) < 0 ||
			name == NULL)
		name = "of this type";
	snprintf(msg, sizeof(msg), "action %s is not supported by the emulated e-switch", name);
	return msg;
}

static int action_compile(struct action_ctx *c, const struct rte_flow_action *a,
		struct rte_flow_error *error)
{
	switch (a->type) {
	case RTE_FLOW_ACTION_TYPE_VOID:
		return 0;
	case RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT:
		return fate(c, a, EMU_FATE_PORT, error);
	case RTE_FLOW_ACTION_TYPE_PORT_REPRESENTOR:
		return fate(c, a, EMU_FATE_REPRESENTOR, error);
	case RTE_FLOW_ACTION_TYPE_DROP:
		return fate(c, a, EMU_FATE_DROP, error);
	case RTE_FLOW_ACTION_TYPE_COUNT:
		if (c->prog->count)
			return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, a,
					"more than one COUNT action");
		c->prog->count = EMU_COUNT_SHARED;
		return 0;
	case RTE_FLOW_ACTION_TYPE_VXLAN_DECAP:
	case RTE_FLOW_ACTION_TYPE_RAW_DECAP:
		return decap(c, a, error);
	case RTE_FLOW_ACTION_TYPE_VXLAN_ENCAP:
	case RTE_FLOW_ACTION_TYPE_RAW_ENCAP:
		return encap(c, a, error);
	case RTE_FLOW_ACTION_TYPE_OF_POP_VLAN:
	case RTE_FLOW_ACTION_TYPE_OF_PUSH_VLAN:
	case RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_VID:
	case RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_PCP:
		return vlan_action(c, a, error);
	case RTE_FLOW_ACTION_TYPE_SAMPLE:
		return sample(c, a, error);
	case RTE_FLOW_ACTION_TYPE_MARK:
		return mark(c, a, error);
	default:
		return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ACTION, a,
				unsupported_action(a->type));
	}
}

int emu_actions_compile(const struct rte_flow_action actions[], const struct emu_match *m,
		struct emu_prog *prog, struct emu_encap *encap, struct emu_sample *samples,
		struct rte_flow_error *error)
{
	struct action_ctx c = { .m = m,
		.prog = prog,
		.encap = encap,
		.samples = samples,
		.push = -1 };

	memset(prog, 0, sizeof(*prog));
	if (actions == NULL)
		return rte_flow_error_set(error, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION_NUM, NULL,
				"NULL action list");
	const struct rte_flow_action *a;
	for (a = actions; a->type != RTE_FLOW_ACTION_TYPE_END; a++) {
		int ret = action_compile(&c, a, error);
		if (ret < 0)
			return ret;
	}
	if (!c.fate)
		return rte_flow_error_set(error, EINVAL, RTE_FLOW_ERROR_TYPE_ACTION_NUM, actions,
				"no fate action (REPRESENTED_PORT, PORT_REPRESENTOR or DROP)");
	return 0;
}
