/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Deferred frees of the emulated e-switch: what workers may still be reading
 * (rules, hash key slots, replaced hashes, tables, table sets) is freed only
 * after an RCU QSBR grace period, through an rte_rcu_qsbr defer queue that
 * only the control thread fills (so it stays in order: the key slots of a
 * hash are always returned before the hash itself is freed). Without a QSBR
 * variable (unit tests) everything is freed at once.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_malloc.h>

#include "core/log.h"
#include "offload/emu/emu_switch_private.h"

NFVA_LOG_REGISTER(emu_switch)

#define DEFER_SIZE 8192    /* entries in flight before a forced grace period */
#define DEFER_RECLAIM 1024 /* reclaim from this many on each enqueue */

struct defer_entry {
	uint32_t kind; /* enum emu_defer_kind */
	uint32_t pos;
	void *ptr;
};

static void defer_free_one(struct emu_switch *sw, const struct defer_entry *e)
{
	switch (e->kind) {
	case EMU_DEFER_RULE:
		sw->mem -= ((struct emu_rule *)e->ptr)->size;
		free(e->ptr);
		break;
	case EMU_DEFER_KEY:
		rte_hash_free_key_with_position(e->ptr, e->pos);
		break;
	case EMU_DEFER_HASH:
		rte_hash_free(e->ptr);
		break;
	case EMU_DEFER_MEM:
		rte_free(e->ptr);
		break;
	}
}

static void defer_free(void *p, void *e, unsigned int n)
{
	const struct defer_entry *entries = e;

	for (unsigned int i = 0; i < n; i++)
		defer_free_one(p, &entries[i]);
}

int emu_defer_init(struct emu_switch *sw)
{
	char name[RTE_RCU_QSBR_DQ_NAMESIZE];

	if (sw->qsbr == NULL)
		return 0;
	snprintf(name, sizeof(name), "emu%u", sw->id);
	struct rte_rcu_qsbr_dq_parameters params = {
		.name = name,
		.flags = RTE_RCU_QSBR_DQ_MT_UNSAFE,
		.size = DEFER_SIZE,
		.esize = sizeof(struct defer_entry),
		.trigger_reclaim_limit = DEFER_RECLAIM,
		.max_reclaim_size = DEFER_RECLAIM,
		.free_fn = defer_free,
		.p = sw,
		.v = sw->qsbr,
	};
	sw->dq = rte_rcu_qsbr_dq_create(&params);
	if (sw->dq == NULL)
		return errno_log(rte_errno, "rte_rcu_qsbr_dq_create");
	return 0;
}

/* Control: ptr is unreachable for workers that start now; free it once those
 * that may hold it have passed a quiescent state. */
void emu_defer(struct emu_switch *sw, enum emu_defer_kind kind, void *ptr, uint32_t pos)
{
	struct defer_entry e = { .kind = kind, .pos = pos, .ptr = ptr };

	if (sw->dq == NULL) {
		defer_free_one(sw, &e);
		return;
	}
	if (rte_rcu_qsbr_dq_enqueue(sw->dq, &e) == 0)
		return;
	/* Queue full of entries still in their grace period: wait for one. */
	emu_defer_drain(sw);
	defer_free_one(sw, &e);
}

/* Control: free what is past its grace period, without waiting. */
void emu_defer_reclaim(struct emu_switch *sw)
{
	unsigned int freed, pending, available;

	if (sw->dq != NULL)
		rte_rcu_qsbr_dq_reclaim(sw->dq, UINT_MAX, &freed, &pending, &available);
}

/* Control: wait for a grace period and free everything deferred so far. */
void emu_defer_drain(struct emu_switch *sw)
{
	unsigned int freed, pending, available;

	if (sw->dq == NULL)
		return;
	rte_rcu_qsbr_synchronize(sw->qsbr, RTE_QSBR_THRID_INVALID);
	rte_rcu_qsbr_dq_reclaim(sw->dq, UINT_MAX, &freed, &pending, &available);
}

void emu_defer_fini(struct emu_switch *sw)
{
	if (sw->dq == NULL)
		return;
	emu_defer_drain(sw);
	if (rte_rcu_qsbr_dq_delete(sw->dq) != 0)
		NFVA_LOG(ERR, "%s: defer queue not empty at free", sw->name);
	sw->dq = NULL;
}
