/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A complete rte_flow rule as DPDK structures: attr + pattern + actions, with
 * the specs, masks and action configurations they point to stored inside
 * the same object (an arena), so a spec can be handed to any backend, printed
 * as a testpmd command and freed as one block (not copied: the pointers in
 * pattern and actions point into its own arena).
 */
#ifndef NFVA_FLOW_SPEC_H
#define NFVA_FLOW_SPEC_H

#include <stddef.h>
#include <stdint.h>
#include <rte_flow.h>

#define FLOW_SPEC_MAX_ITEMS 16
#define FLOW_SPEC_MAX_ACTIONS 16
#define FLOW_SPEC_ARENA 2048

struct flow_spec {
	struct rte_flow_attr attr;
	unsigned n_items;   /* END included once finished */
	unsigned n_actions; /* END included once finished */
	struct rte_flow_item pattern[FLOW_SPEC_MAX_ITEMS];
	struct rte_flow_action actions[FLOW_SPEC_MAX_ACTIONS];
	size_t used;
	uint8_t arena[FLOW_SPEC_ARENA] __rte_aligned(16);
};

void flow_spec_init(struct flow_spec *s, uint32_t group, uint32_t priority);
/* Copies spec and mask (either may be NULL) into the arena. Returns the item
 * or NULL when full. */
struct rte_flow_item *flow_spec_item(struct flow_spec *s, enum rte_flow_item_type type,
		const void *spec, const void *mask, size_t size);
/* Copies conf (may be NULL) into the arena. */
struct rte_flow_action *flow_spec_action(struct flow_spec *s, enum rte_flow_action_type type,
		const void *conf, size_t size);
/* The same, returning 0 or -ENOSPC (for compilers that chain steps). */
int flow_spec_add_item(struct flow_spec *s, enum rte_flow_item_type type, const void *spec,
		const void *mask, size_t size);
int flow_spec_add_action(struct flow_spec *s, enum rte_flow_action_type type, const void *conf,
		size_t size);
/* Raw bytes in the arena (encap data, SAMPLE sub-action lists, ...). */
void *flow_spec_alloc(struct flow_spec *s, size_t size);
/* The COUNT action inside the index-th SAMPLE of the action list, or NULL. */
const struct rte_flow_action *flow_spec_sample_count(const struct flow_spec *s, unsigned index);
/* Terminates pattern and actions with END; -ENOSPC if anything overflowed. */
int flow_spec_finish(struct flow_spec *s);

#endif
