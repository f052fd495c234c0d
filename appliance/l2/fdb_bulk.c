/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Flush, ageing and walks of the FDB, in bounded batches (control thread).
 *
 * Learners never wait for the writer lock (fdb_learn only tries it, and a
 * worker retries what it could not learn with its next burst), so a long pass
 * must not hold it either: candidates are collected by scanning the entry
 * pool a chunk at a time (not rte_hash_iterate, whose one call may walk
 * every empty slot of a large table) and deleted a batch at a time, the lock
 * released in between (an entry is checked again when its batch runs). Deleted entries wait in
 * rte_hash's RCU defer queue; so that the queue never overflows (an overflowing queue leaks the key
 * slot and the entry for good), control waits for a grace period once it has deleted half the
 * queue's room since the last one.
 *
 * Flushes (commands) wait, yielding the CPU: a worker sharing it, or
 * preempted, must run to report. The ageing task never waits: it works in
 * steps (fdb_age_step) of a bounded scan and at most the queue's remaining
 * room of deletes, takes a grace-period token when the room is used, and
 * resumes on a later turn of the control loop once the token has passed, so
 * a table of aged MACs never stalls commands.
 */
#include <sched.h>
#include <stdlib.h>

#include <rte_common.h>

#include <rte_rcu_qsbr.h>

#include "core/log.h"
#include "l2/fdb.h"
#include "l2/fdb_private.h"

NFVA_LOG_REGISTER(fdb_bulk)

#define SCAN_CHUNK 4096    /* pool entries examined per hold of the lock */
#define DELETE_BATCH 256   /* entries deleted per hold of the lock */
#define WALK_CHUNK 256     /* pool entries a walk's callback sees per hold of the lock */
#define AGE_STEP_SCAN 8192 /* pool entries one ageing step examines */

typedef bool (*fdb_doomed_fn)(const struct fdb_entry *e, const void *arg);

/* Entries were only ever taken below this: a table of a thousand MACs in a
 * pool sized for a million is scanned in microseconds. */
static uint32_t pool_high(void)
{
	return __atomic_load_n(&fdb.pool_high, __ATOMIC_ACQUIRE);
}

static bool fdb_filter_match(const struct fdb_filter *f, const struct fdb_entry *e)
{
	union fdb_dest d = fdb_entry_dest(e);
	if (f == NULL)
		return true;
	if (f->network != NFVA_NETWORK_NONE && f->network != e->key.network)
		return false;
	if (f->port != NFVA_PORT_NONE && f->port != d.port)
		return false;
	if (f->dynamic_only && (d.flags & FDB_F_STATIC))
		return false;
	if (d.flags & FDB_F_EVPN)
		return f->evpn_too || f->evpn_only;
	return !f->evpn_only;
}

struct key_list {
	struct fdb_key *keys;
	size_t n, cap;
};

static bool key_list_add(struct key_list *l, const struct fdb_key *k)
{
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 1024;
		struct fdb_key *keys = realloc(l->keys, cap * sizeof(*keys));
		if (keys == NULL)
			return false; /* delete what we have; the next pass gets the rest */
		l->keys = keys;
		l->cap = cap;
	}
	l->keys[l->n++] = *k;
	return true;
}

/* Keys of the entries doomed() selects among pool entries [from, to), at
 * most max of them, a chunk of the pool per hold of the lock; returns where
 * it stopped. Keys are collected before anything is deleted: deleting from
 * an extendable-bucket rte_hash compacts its chains under other keys. */
static uint32_t fdb_collect_range(fdb_doomed_fn doomed, const void *arg, uint32_t from, uint32_t to,
		size_t max, struct key_list *l)
{
	bool room = true;
	uint32_t i = from;

	while (i < to && room) {
		uint32_t end = RTE_MIN(i + SCAN_CHUNK, to);
		rte_spinlock_lock(&fdb.write_lock);
		for (; i < end && room; i++) {
			const struct fdb_entry *e = &fdb.pool[i];
			if (e->in_table && doomed(e, arg))
				room = key_list_add(l, &e->key) && l->n < max;
		}
		rte_spinlock_unlock(&fdb.write_lock);
	}
	return i;
}

static void fdb_collect(fdb_doomed_fn doomed, const void *arg, struct key_list *l)
{
	fdb_collect_range(doomed, arg, 0, pool_high(), SIZE_MAX, l);
}

static bool fdb_grace_due(void)
{
	return fdb.deleted_since_grace >= fdb.dq_size / 2;
}

/* Has the grace period begun once the room was used passed? Never waits. */
static bool fdb_grace_passed(void)
{
	if (!fdb.grace_pending) {
		fdb.grace_token = rte_rcu_qsbr_start(fdb.qsbr);
		fdb.deleted_at_token = fdb.deleted_since_grace;
		fdb.grace_pending = true;
	}
	if (rte_rcu_qsbr_check(fdb.qsbr, fdb.grace_token, false) != 1)
		return false;
	fdb.deleted_since_grace -= fdb.deleted_at_token; /* deletes after the token stay counted */
	fdb.grace_pending = false;
	return true;
}

/* Keeps the defer queue from overflowing: after half its room of deletes,
 * wait until every worker has left what it might still read. Not
 * rte_rcu_qsbr_synchronize: its spin would keep a worker that shares this
 * CPU from running to report. */
void fdb_grace_wait_if_needed(void)
{
	while (fdb_grace_due() && !fdb_grace_passed())
		sched_yield();
}

/* Deletes the listed keys that doomed() still selects, a batch per hold;
 * the list keeps only the deleted keys, first. */
static unsigned fdb_delete(fdb_doomed_fn doomed, const void *arg, struct key_list *l)
{
	unsigned removed = 0;
	void *data;

	for (size_t i = 0; i < l->n;) {
		rte_spinlock_lock(&fdb.write_lock);
		for (unsigned b = 0; b < DELETE_BATCH && i < l->n; b++, i++) {
			if (rte_hash_lookup_data(fdb.hash, &l->keys[i], &data) < 0 ||
					!doomed(data, arg))
				continue;
			fdb_remove_locked(&l->keys[i], data);
			l->keys[removed++] = l->keys[i];
		}
		rte_spinlock_unlock(&fdb.write_lock);
		fdb_grace_wait_if_needed();
	}
	return removed;
}

/* Deletes the listed keys, then tells (EVENT_FDB_REMOVED) and frees the list. */
static unsigned fdb_delete_listed(fdb_doomed_fn doomed, const void *arg, struct key_list *l)
{
	unsigned removed = fdb_delete(doomed, arg, l);
	for (size_t i = 0; i < removed; i++)
		fdb_removed(l->keys[i].network, &l->keys[i].mac);
	free(l->keys);
	return removed;
}

static unsigned fdb_remove_if(fdb_doomed_fn doomed, const void *arg)
{
	struct key_list l = { 0 };

	fdb_collect(doomed, arg, &l);
	return fdb_delete_listed(doomed, arg, &l);
}

static bool fdb_doomed_by_filter(const struct fdb_entry *e, const void *arg)
{
	return fdb_filter_match(arg, e);
}

unsigned fdb_flush(const struct fdb_filter *filter)
{
	return fdb_remove_if(fdb_doomed_by_filter, filter);
}

struct vtep_arg {
	const struct fdb_filter *filter;
	uint32_t vtep_ip;
};

static bool fdb_doomed_by_vtep(const struct fdb_entry *e, const void *arg)
{
	const struct vtep_arg *a = arg;
	union fdb_dest d = fdb_entry_dest(e);
	return d.kind == FDB_DEST_VTEP && d.vtep_ip == a->vtep_ip && fdb_filter_match(a->filter, e);
}

unsigned fdb_flush_vtep(const struct fdb_filter *filter, uint32_t vtep_ip)
{
	struct vtep_arg arg = { .filter = filter, .vtep_ip = vtep_ip };
	return fdb_remove_if(fdb_doomed_by_vtep, &arg);
}

struct ageing_arg {
	uint32_t now;
	uint32_t ageing_s;
};

static bool fdb_doomed_by_age(const struct fdb_entry *e, const void *arg)
{
	const struct ageing_arg *a = arg;
	if (e->dest.flags & (FDB_F_STATIC | FDB_F_EVPN))
		return false;
	uint32_t seen = __atomic_load_n(&e->last_seen, __ATOMIC_RELAXED);
	/* Signed: a worker may stamp a second newer than the walk's "now".
	 * Strictly greater: stamps are whole seconds, so an entry seen late in
	 * second S must live until S + ageing + 1 to have lived ageing seconds. */
	return (int32_t)(a->now - seen) > (int32_t)a->ageing_s;
}

unsigned fdb_age(uint32_t now, uint32_t ageing_s)
{
	struct ageing_arg arg = { .now = now, .ageing_s = ageing_s };
	return fdb_remove_if(fdb_doomed_by_age, &arg);
}

/* One step: deletes less than the defer queue's remaining room (half the
 * queue), so fdb_delete's own check never finds a grace period due and
 * nothing waits. */
bool fdb_age_step(uint32_t now, uint32_t ageing_s, unsigned *removed)
{
	struct ageing_arg arg = { .now = now, .ageing_s = ageing_s };
	struct key_list l = { 0 };

	*removed = 0;
	uint32_t half = fdb.dq_size / 2;
	if (fdb.deleted_since_grace + 1 >= half && !fdb_grace_passed())
		return true; /* come back when the workers have moved on */
	if (fdb.deleted_since_grace + 1 >= half)
		return true; /* deletes since the token used the room again */
	uint32_t room = half - 1 - fdb.deleted_since_grace;
	uint32_t high = pool_high();
	uint32_t to = RTE_MIN(fdb.age_cursor + AGE_STEP_SCAN, high);
	fdb.age_cursor = fdb_collect_range(fdb_doomed_by_age, &arg, fdb.age_cursor, to, room, &l);
	*removed = fdb_delete_listed(fdb_doomed_by_age, &arg, &l);
	if (fdb.age_cursor < high)
		return true;
	fdb.age_cursor = 0;
	return false;
}

/* Only control deletes, and control is walking: entries stay valid while the
 * lock is released between chunks (learners may add or move some meanwhile;
 * a walk is a view of a changing table, not a snapshot). */
void fdb_walk(const struct fdb_filter *filter, fdb_walk_cb cb, void *arg)
{
	uint32_t high = pool_high();
	for (uint32_t base = 0; base < high; base += WALK_CHUNK) {
		uint32_t end = RTE_MIN(base + WALK_CHUNK, high);
		rte_spinlock_lock(&fdb.write_lock);
		for (uint32_t i = base; i < end; i++) {
			const struct fdb_entry *e = &fdb.pool[i];
			if (e->in_table && fdb_filter_match(filter, e))
				cb(e, arg);
		}
		rte_spinlock_unlock(&fdb.write_lock);
	}
}

unsigned fdb_walk_part(const struct fdb_filter *filter, uint32_t *cursor, unsigned max,
		fdb_walk_cb cb, void *arg)
{
	unsigned found = 0;
	uint32_t i = *cursor;

	uint32_t high = pool_high();
	while (i < high && found < max) {
		uint32_t end = RTE_MIN(i + WALK_CHUNK, high);
		rte_spinlock_lock(&fdb.write_lock);
		for (; i < end && found < max; i++) {
			const struct fdb_entry *e = &fdb.pool[i];
			if (e->in_table && fdb_filter_match(filter, e)) {
				cb(e, arg);
				found++;
			}
		}
		rte_spinlock_unlock(&fdb.write_lock);
	}
	*cursor = i < high ? i : UINT32_MAX;
	return found;
}
