/* SPDX-License-Identifier: BSD-3-Clause */
/* Building flow_spec objects (see flow_spec.h). */
#include <errno.h>
#include <string.h>

#include "offload/flow/flow_spec.h"

void flow_spec_init(struct flow_spec *s, uint32_t group, uint32_t priority)
{
	memset(s, 0, sizeof(*s));
	s->attr.group = group;
	s->attr.priority = priority;
	s->attr.transfer = 1;
}

void *flow_spec_alloc(struct flow_spec *s, size_t size)
{
	size_t start = RTE_ALIGN_CEIL(s->used, 8);
	if (size == 0)
		return NULL;
	if (start + size > sizeof(s->arena)) {
		s->used = sizeof(s->arena) + 1; /* remembered as overflow */
		return NULL;
	}
	s->used = start + size;
	return memset(&s->arena[start], 0, size);
}

static const void *arena_copy(struct flow_spec *s, const void *src, size_t size)
{
	if (src == NULL || size == 0)
		return NULL;
	void *dst = flow_spec_alloc(s, size);
	return dst == NULL ? NULL : memcpy(dst, src, size);
}

struct rte_flow_item *flow_spec_item(struct flow_spec *s, enum rte_flow_item_type type,
		const void *spec, const void *mask, size_t size)
{
	if (s->n_items + 1 >= FLOW_SPEC_MAX_ITEMS) {
		s->used = sizeof(s->arena) + 1;
		return NULL;
	}
	struct rte_flow_item *it = &s->pattern[s->n_items++];
	it->type = type;
	it->spec = arena_copy(s, spec, size);
	it->mask = arena_copy(s, mask, size);
	return it;
}

struct rte_flow_action *flow_spec_action(struct flow_spec *s, enum rte_flow_action_type type,
		const void *conf, size_t size)
{
	if (s->n_actions + 1 >= FLOW_SPEC_MAX_ACTIONS) {
		s->used = sizeof(s->arena) + 1;
		return NULL;
	}
	struct rte_flow_action *a = &s->actions[s->n_actions++];
	a->type = type;
	a->conf = arena_copy(s, conf, size);
	return a;
}

int flow_spec_finish(struct flow_spec *s)
{
	if (s->used > sizeof(s->arena))
		return -ENOSPC;
	s->pattern[s->n_items++].type = RTE_FLOW_ITEM_TYPE_END;
	s->actions[s->n_actions++].type = RTE_FLOW_ACTION_TYPE_END;
	return 0;
}

const struct rte_flow_action *flow_spec_sample_count(const struct flow_spec *s, unsigned index)
{
	for (unsigned i = 0; i < s->n_actions; i++) {
		const struct rte_flow_action *a = &s->actions[i];
		if (a->type != RTE_FLOW_ACTION_TYPE_SAMPLE || a->conf == NULL || index-- != 0)
			continue;
		const struct rte_flow_action_sample *conf = a->conf;
		for (const struct rte_flow_action *sub = conf->actions;
				sub != NULL && sub->type != RTE_FLOW_ACTION_TYPE_END; sub++)
			if (sub->type == RTE_FLOW_ACTION_TYPE_COUNT)
				return sub;
		return NULL;
	}
	return NULL;
}

int flow_spec_add_item(struct flow_spec *s, enum rte_flow_item_type type, const void *spec,
		const void *mask, size_t size)
{
	return flow_spec_item(s, type, spec, mask, size) == NULL ? -ENOSPC : 0;
}

int flow_spec_add_action(struct flow_spec *s, enum rte_flow_action_type type, const void *conf,
		size_t size)
{
	return flow_spec_action(s, type, conf, size) == NULL ? -ENOSPC : 0;
}
