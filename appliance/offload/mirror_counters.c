/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mirror sessions as the e-switch carries them: copies counted by the COUNT
 * inside each SAMPLE (read with the rules' own counters and once more
 * before a rule goes), and how many rules carry a session natively or hand
 * its copies to the slow path. Control thread.
 */
#include "mirror/mirror.h"
#include "offload/offload_private.h"

static uint64_t copies[NFVA_MAX_MIRRORS];

static bool side_native(const struct mirror_side *side)
{
	return side->mode == MIRROR_HW_PORT || side->mode == MIRROR_HW_VXLAN;
}

void rule_read_copies(struct offload_rule *r)
{
	struct offload_eswitch *sw = eswitch_get(r->eswitch);
	const struct mirror_side *sides[2] = { &r->mirror.in, &r->mirror.out };
	unsigned index = 0;

	if (r->state != RULE_OFFLOADED || sw == NULL || sw->backend->query_sample == NULL)
		return;
	for (unsigned i = 0; i < 2; i++) {
		if (sides[i]->mode == MIRROR_HW_NONE)
			continue;
		struct rte_flow_query_count c = { 0 };
		struct rte_flow_error err;
		if (side_native(sides[i]) &&
				sw->backend->query_sample(sw, r->handle, r->spec, index, &c,
						&err) == 0 &&
				c.hits_set && c.hits > r->copies[i]) {
			copies[sides[i]->session % NFVA_MAX_MIRRORS] += c.hits - r->copies[i];
			r->copies[i] = c.hits;
		}
		index++;
	}
}

struct state_walk {
	unsigned session;
	const struct mirror_session *s;
	struct mirror_hw_state *st;
};

static bool software_side_takes(const struct mirror_side *side, const struct mirror_session *s)
{
	uint16_t port = side->mark & 0xffff;
	uint8_t dir = (side->mark & OFFLOAD_MIRROR_MARK_OUT) ? MIRROR_OUT : MIRROR_IN;

	if (side->mode != MIRROR_HW_SOFTWARE || !(s->directions & dir))
		return false;
	for (unsigned k = 0; k < s->n_sources; k++)
		if (s->sources[k] == port)
			return true;
	return false;
}

static void state_rule(struct offload_rule *r, void *arg)
{
	struct state_walk *w = arg;
	const struct mirror_side *sides[2] = { &r->mirror.in, &r->mirror.out };

	if (r->state != RULE_OFFLOADED)
		return;
	for (unsigned i = 0; i < 2; i++) {
		if (side_native(sides[i]) && sides[i]->session == w->session)
			w->st->rules_eswitch++;
		else if (software_side_takes(sides[i], w->s))
			w->st->rules_software_copies++;
	}
}

/* mirror show asks through mirror_hw(): mirroring sits below offload. */
static void offload_mirror_state(unsigned session, struct mirror_hw_state *st)
{
	struct state_walk w = { .session = session, .s = mirror_by_index(session), .st = st };

	memset(st, 0, sizeof(*st));
	st->copies = session < NFVA_MAX_MIRRORS ? copies[session] : 0;
	if (w.s != NULL)
		rules_walk(state_rule, &w);
}

RTE_INIT(offload_mirror_register)
{
	mirror_set_hw(offload_mirror_state);
}
