/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Actions as testpmd 22.11 text. Actions whose data testpmd keeps in a
 * numbered slot (raw_encap, raw_decap, sample) or in its one "set vxlan"
 * configuration get their "set ..." line first; the flow line then refers to
 * the slot. Samples are set before the rule's own vxlan configuration, since
 * "set sample_actions" copies the vxlan configuration of the moment.
 *
 * "set sample_actions" in testpmd 22.11 takes as its first action only
 * queue, rss, mark, count, port_id, raw_encap, vxlan_encap, nvgre_encap; a
 * later one may also be port_representor (measured on 22.11.11). So a
 * sample's represented_port is written as port_id (anywhere), and its
 * port_representor only when another action comes first.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include <rte_byteorder.h>
#include <rte_ether.h>
#include <rte_ip.h>

#include "offload/testpmd/testpmd_dump.h"

#define SUB_MAX 16 /* actions in a sample list we print */
#define OMIT TP_OMIT

/* One action list: the rule's, or a sample's sub-actions. */
struct tp_list {
	const struct rte_flow_action *actions;
	int *slot;
	unsigned max;      /* entries of slot[] */
	bool sub;          /* inside set sample_actions */
	const char *where; /* "action" or "sample_actions 3 action" for notes */
};

static const char *action_type_name(enum rte_flow_action_type type)
{
	const char *name = NULL;

	if (rte_flow_conv(RTE_FLOW_CONV_OP_ACTION_NAME_PTR, &name, sizeof(name),
			    (void *)(uintptr_t)type, NULL) < 0 ||
			name == NULL)
		return "?";
	return name;
}

/* NULL when the action can be printed in this list, else why not. */
static const char *unsupported(const struct rte_flow_action *a, bool sub)
{
	switch (a->type) {
	case RTE_FLOW_ACTION_TYPE_VOID:
	case RTE_FLOW_ACTION_TYPE_COUNT:
		return NULL;
	case RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT:
	case RTE_FLOW_ACTION_TYPE_PORT_REPRESENTOR:
	case RTE_FLOW_ACTION_TYPE_PORT_ID:
	case RTE_FLOW_ACTION_TYPE_QUEUE:
	case RTE_FLOW_ACTION_TYPE_MARK:
	case RTE_FLOW_ACTION_TYPE_RAW_ENCAP:
	case RTE_FLOW_ACTION_TYPE_VXLAN_ENCAP:
		return a->conf == NULL ? "no configuration" : NULL;
	case RTE_FLOW_ACTION_TYPE_DROP:
	case RTE_FLOW_ACTION_TYPE_VXLAN_DECAP:
	case RTE_FLOW_ACTION_TYPE_OF_POP_VLAN:
		return sub ? "not accepted by testpmd 22.11 set sample_actions" : NULL;
	case RTE_FLOW_ACTION_TYPE_JUMP:
	case RTE_FLOW_ACTION_TYPE_RAW_DECAP:
	case RTE_FLOW_ACTION_TYPE_OF_PUSH_VLAN:
	case RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_VID:
	case RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_PCP:
	case RTE_FLOW_ACTION_TYPE_SAMPLE:
		if (sub)
			return "not accepted by testpmd 22.11 set sample_actions";
		return a->conf == NULL ? "no configuration" : NULL;
	default:
		return "not known to this printer";
	}
}

static int slot_take(struct tp_rule *r, unsigned *n, const char *what)
{
	if (*n == TP_SLOTS) {
		tp_printf(r->o, "# %s: testpmd has %u slots, all taken by this rule: left out\n",
				what, TP_SLOTS);
		return OMIT;
	}
	return (int)((r->base + (*n)++) % TP_SLOTS);
}

static void hex_note(struct tp_out *o, const uint8_t *data, size_t size)
{
	for (size_t i = 0; data != NULL && i < size; i++)
		tp_printf(o, "%02x", data[i]);
	tp_printf(o, "\n");
}

static int prepare_raw(struct tp_rule *r, const char *verb, const uint8_t *data, size_t size,
		unsigned *n)
{
	const char *why;
	char what[32];

	if (tp_raw_check(data, size, &why) < 0) {
		tp_printf(r->o, "# %s of %zu bytes not printable as testpmd items (%s), left out: ",
				verb, size, why);
		hex_note(r->o, data, size);
		return OMIT;
	}
	int slot = slot_take(r, n, verb);
	if (slot == OMIT)
		return OMIT;
	snprintf(what, sizeof(what), "%s %d", verb, slot);
	tp_raw_notes(r->o, what, data, size);
	tp_printf(r->o, "set %s %d ", verb, slot);
	tp_raw_print(r->o, data, size);
	tp_printf(r->o, "end_set\n");
	return slot;
}

/* Decap without data: the headers are known by their total length only. */
static int prepare_decap_size(struct tp_rule *r, size_t size)
{
	static const struct {
		size_t size;
		const char *items;
	} layouts[] = {
		{ 14, "eth" },
		{ 18, "eth / vlan" },
		{ 38, "eth / ipv4 / gre" },
		{ 42, "eth / ipv4 / gre / gre_key" },
		{ 50, "eth / ipv4 / udp / vxlan" },
		{ 62, "eth / ipv6 / gre / gre_key" },
		{ 70, "eth / ipv6 / udp / vxlan" },
	};

	for (unsigned i = 0; i < RTE_DIM(layouts); i++) {
		if (layouts[i].size != size)
			continue;
		int slot = slot_take(r, &r->n_decap, "raw_decap");
		if (slot != OMIT)
			tp_printf(r->o, "set raw_decap %d %s / end_set\n", slot, layouts[i].items);
		return slot;
	}
	tp_printf(r->o, "# raw_decap of %zu bytes without data: no known header layout, left out\n",
			size);
	return OMIT;
}

static void list_prepare(struct tp_rule *r, const struct tp_list *l);
static void list_print(struct tp_out *o, const struct tp_list *l);

/* testpmd 22.11 refuses port_representor as the first sample action. */
static void sample_first(struct tp_rule *r, const struct rte_flow_action *a, int *slot, unsigned n,
		const char *where)
{
	unsigned i = 0;

	while (i < n && (slot[i] == OMIT || a[i].type == RTE_FLOW_ACTION_TYPE_VOID))
		i++;
	if (i == n || a[i].type != RTE_FLOW_ACTION_TYPE_PORT_REPRESENTOR)
		return;
	tp_printf(r->o,
			"# %s %u: testpmd 22.11 takes port_representor in set sample_actions "
			"only after another action: left out\n",
			where, i);
	slot[i] = OMIT;
}

static int prepare_sample(struct tp_rule *r, const struct rte_flow_action_sample *c)
{
	int sub_slot[SUB_MAX];
	char where[48];
	unsigned n = 0;

	while (c->actions != NULL && c->actions[n].type != RTE_FLOW_ACTION_TYPE_END)
		if (++n == SUB_MAX) {
			tp_printf(r->o, "# sample: more than %u sub-actions, left out\n",
					SUB_MAX - 1);
			return OMIT;
		}
	int slot = slot_take(r, &r->n_sample, "sample_actions");
	if (slot == OMIT)
		return OMIT;
	snprintf(where, sizeof(where), "sample_actions %d action", slot);
	struct tp_list sub = { c->actions, sub_slot, SUB_MAX, true, where };
	list_prepare(r, &sub);
	sample_first(r, c->actions, sub_slot, n, where);
	unsigned printable = 0;
	for (unsigned i = 0; i < n; i++)
		printable += sub_slot[i] != OMIT && c->actions[i].type != RTE_FLOW_ACTION_TYPE_VOID;
	if (printable == 0) {
		tp_printf(r->o,
				"# sample: no sub-action to print and testpmd refuses an empty "
				"list: left out\n");
		r->n_sample--; /* give the slot back: nothing used it */
		return OMIT;
	}
	tp_printf(r->o, "set sample_actions %d ", slot);
	list_print(r->o, &sub);
	tp_printf(r->o, "end\n");
	return slot;
}

static void list_prepare(struct tp_rule *r, const struct tp_list *l)
{
	const struct rte_flow_action *a;
	unsigned i, n_vxlan = 0;

	for (i = 0, a = l->actions; a != NULL && a->type != RTE_FLOW_ACTION_TYPE_END; i++, a++) {
		const char *why = i < l->max ? unsupported(a, l->sub) : "too many actions";
		if (i < l->max)
			l->slot[i] = why == NULL ? 0 : OMIT;
		if (why != NULL)
			tp_printf(r->o, "# unsupported %s %u (%s, type %d): %s; left out below\n",
					l->where, i, action_type_name(a->type), (int)a->type, why);
		else if (l->sub && a->type == RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT)
			tp_printf(r->o,
					"# %s %u: represented_port written as port_id, as "
					"testpmd 22.11 set sample_actions has no represented_port "
					"as its first action\n",
					l->where, i);
	}
	/* samples first: set sample_actions takes the vxlan configuration of now */
	for (i = 0, a = l->actions; i < l->max && a != NULL && a->type != RTE_FLOW_ACTION_TYPE_END;
			i++, a++)
		if (l->slot[i] != OMIT && a->type == RTE_FLOW_ACTION_TYPE_SAMPLE)
			l->slot[i] = prepare_sample(r, a->conf);
	for (i = 0, a = l->actions; i < l->max && a != NULL && a->type != RTE_FLOW_ACTION_TYPE_END;
			i++, a++) {
		if (l->slot[i] == OMIT)
			continue;
		if (a->type == RTE_FLOW_ACTION_TYPE_RAW_ENCAP) {
			const struct rte_flow_action_raw_encap *c = a->conf;
			if (c->preserve != NULL)
				tp_printf(r->o, "# raw_encap: its preserve mask is not printed\n");
			l->slot[i] = prepare_raw(r, "raw_encap", c->data, c->size, &r->n_encap);
		} else if (a->type == RTE_FLOW_ACTION_TYPE_RAW_DECAP) {
			const struct rte_flow_action_raw_decap *c = a->conf;
			l->slot[i] = c->data != NULL
					? prepare_raw(r, "raw_decap", c->data, c->size, &r->n_decap)
					: prepare_decap_size(r, c->size);
		} else if (a->type == RTE_FLOW_ACTION_TYPE_VXLAN_ENCAP) {
			if (n_vxlan++ == 0) {
				l->slot[i] = tp_vxlan_prepare(r, a->conf);
				continue;
			}
			tp_printf(r->o,
					"# vxlan_encap: testpmd has one vxlan configuration, "
					"a second vxlan_encap is left out\n");
			l->slot[i] = OMIT;
		}
	}
}

/* Actions printed as a bare name. */
static const char *const bare[] = {
	[RTE_FLOW_ACTION_TYPE_VOID] = "void",
	[RTE_FLOW_ACTION_TYPE_DROP] = "drop",
	[RTE_FLOW_ACTION_TYPE_VXLAN_ENCAP] = "vxlan_encap",
	[RTE_FLOW_ACTION_TYPE_VXLAN_DECAP] = "vxlan_decap",
	[RTE_FLOW_ACTION_TYPE_OF_POP_VLAN] = "of_pop_vlan",
};

/* Actions that send to a port; false when a is none of them. */
static bool port_action_print(struct tp_out *o, const struct rte_flow_action *a, bool sub)
{
	const void *c = a->conf;

	switch (a->type) {
	case RTE_FLOW_ACTION_TYPE_REPRESENTED_PORT:
		tp_printf(o, sub ? "port_id id %u / " : "represented_port ethdev_port_id %u / ",
				((const struct rte_flow_action_ethdev *)c)->port_id);
		return true;
	case RTE_FLOW_ACTION_TYPE_PORT_REPRESENTOR:
		tp_printf(o, "port_representor port_id %u / ",
				((const struct rte_flow_action_ethdev *)c)->port_id);
		return true;
	case RTE_FLOW_ACTION_TYPE_PORT_ID: {
		const struct rte_flow_action_port_id *p = c;
		tp_printf(o, "port_id %sid %u / ", p->original ? "original 1 " : "", p->id);
		return true;
	}
	default:
		return false;
	}
}

static void action_print(struct tp_out *o, const struct rte_flow_action *a, int slot, bool sub)
{
	const void *c = a->conf;

	if ((unsigned)a->type < RTE_DIM(bare) && bare[a->type] != NULL) {
		if (!sub || a->type != RTE_FLOW_ACTION_TYPE_VOID) /* sample lists refuse void */
			tp_printf(o, "%s / ", bare[a->type]);
		return;
	}
	if (port_action_print(o, a, sub))
		return;
	switch (a->type) {
	case RTE_FLOW_ACTION_TYPE_QUEUE:
		tp_printf(o, "queue index %u / ", ((const struct rte_flow_action_queue *)c)->index);
		break;
	case RTE_FLOW_ACTION_TYPE_MARK:
		tp_printf(o, "mark id %u / ", ((const struct rte_flow_action_mark *)c)->id);
		break;
	case RTE_FLOW_ACTION_TYPE_COUNT:
		if (c != NULL && ((const struct rte_flow_action_count *)c)->id != 0)
			tp_printf(o, "count identifier %u / ",
					((const struct rte_flow_action_count *)c)->id);
		else
			tp_printf(o, "count / ");
		break;
	case RTE_FLOW_ACTION_TYPE_JUMP:
		tp_printf(o, "jump group %u / ", ((const struct rte_flow_action_jump *)c)->group);
		break;
	case RTE_FLOW_ACTION_TYPE_RAW_ENCAP:
	case RTE_FLOW_ACTION_TYPE_RAW_DECAP: {
		bool encap = a->type == RTE_FLOW_ACTION_TYPE_RAW_ENCAP;
		tp_printf(o, "%s index %d / ", encap ? "raw_encap" : "raw_decap", slot);
		break;
	}
	case RTE_FLOW_ACTION_TYPE_OF_PUSH_VLAN: {
		const struct rte_flow_action_of_push_vlan *push = c;
		tp_printf(o, "of_push_vlan ethertype 0x%04x / ", rte_be_to_cpu_16(push->ethertype));
		break;
	}
	case RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_VID: {
		const struct rte_flow_action_of_set_vlan_vid *vid = c;
		tp_printf(o, "of_set_vlan_vid vlan_vid %u / ", rte_be_to_cpu_16(vid->vlan_vid));
		break;
	}
	case RTE_FLOW_ACTION_TYPE_OF_SET_VLAN_PCP:
		tp_printf(o, "of_set_vlan_pcp vlan_pcp %u / ",
				((const struct rte_flow_action_of_set_vlan_pcp *)c)->vlan_pcp);
		break;
	case RTE_FLOW_ACTION_TYPE_SAMPLE:
		tp_printf(o, "sample ratio %u index %d / ",
				((const struct rte_flow_action_sample *)c)->ratio, slot);
		break;
	default:
		break; /* unsupported() said so in a note */
	}
}

static void list_print(struct tp_out *o, const struct tp_list *l)
{
	const struct rte_flow_action *a = l->actions;

	for (unsigned i = 0; i < l->max && a != NULL && a->type != RTE_FLOW_ACTION_TYPE_END;
			i++, a++)
		if (l->slot[i] != OMIT)
			action_print(o, a, l->slot[i], l->sub);
}

void tp_actions_prepare(struct tp_rule *r, const struct rte_flow_action *actions)
{
	struct tp_list l = { actions, r->slot, RTE_DIM(r->slot), false, "action" };

	list_prepare(r, &l);
}

void tp_actions_print(struct tp_out *o, struct tp_rule *r, const struct rte_flow_action *actions)
{
	struct tp_list l = { actions, r->slot, RTE_DIM(r->slot), false, "action" };

	list_print(o, &l);
}
