/* SPDX-License-Identifier: BSD-3-Clause */
/* The forwarding database: rte_hash + entry pool + writer lock (see fdb.h). */
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include "core/hash_key8.h"
#include <rte_spinlock.h>

#include "l2/fdb.h"
#include "core/bounds.h"
#include "core/args.h"
#include "core/dp_config.h"
#include "core/event.h"
#include "core/log.h"
#include "core/module.h"

NFVA_LOG_REGISTER(fdb)

struct fdb_table {
	struct rte_hash *hash;
	struct fdb_entry *pool; /* capacity + defer-queue slack */
	uint32_t *free_stack;   /* indexes of free pool entries */
	uint32_t n_free;
	uint32_t pool_size;
	uint32_t capacity;
	uint32_t count;
	uint32_t port_macs[NFVA_MAX_PORTS];
	uint32_t network_macs[NFVA_MAX_NETWORKS];
	rte_spinlock_t write_lock;
};

static struct fdb_table fdb;
/* Rules and other state that depend on an entry follow its removal. */
static void fdb_removed(uint16_t network, const struct rte_ether_addr *mac)
{
	struct nfva_event ev = { .type = EVENT_FDB_REMOVED, .network = network, .mac = mac };
	event_publish(&ev);
}

bool fdb_lookup_dest(uint16_t network, const struct rte_ether_addr *mac, union fdb_dest *dest)
{
	struct fdb_key key = { .network = network, .mac = *mac };
	void *data;
	if (rte_hash_lookup_data(fdb.hash, &key, &data) < 0)
		return false;
	*dest = fdb_entry_dest(data);
	return true;
}

void fdb_touch_key(uint16_t network, const struct rte_ether_addr *mac, uint32_t now)
{
	struct fdb_key key = { .network = network, .mac = *mac };
	void *data;
	if (rte_hash_lookup_data(fdb.hash, &key, &data) >= 0)
		fdb_touch(data, now);
}

/* Called by rte_hash when a deleted entry is past its grace period, always
 * from a writer holding write_lock. */
static void fdb_entry_reclaim(void *p, void *key_data)
{
	struct fdb_entry *e = key_data;
	(void)p;
	memset(e, 0, sizeof(*e));
	fdb.free_stack[fdb.n_free++] = (uint32_t)(e - fdb.pool);
}

static struct fdb_entry *fdb_entry_alloc(void)
{
	if (fdb.n_free == 0)
		return NULL;
	return &fdb.pool[fdb.free_stack[--fdb.n_free]];
}

static int fdb_hash_create(uint32_t capacity)
{
	struct rte_hash_parameters params = {
		.name = "nfva_fdb",
		.entries = capacity,
		.key_len = sizeof(struct fdb_key),
		.hash_func = hash_key8_crc,
		.socket_id = SOCKET_ID_ANY,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
				RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};
	RTE_BUILD_BUG_ON(sizeof(struct fdb_key) != 8);
	fdb.hash = rte_hash_create(&params);
	if (fdb.hash == NULL)
		return errno_log(rte_errno, "rte_hash_create(fdb)");
	rte_hash_set_cmp_func(fdb.hash, hash_key8_cmp);
	return 0;
}

int fdb_init(uint32_t max_entries, struct rte_rcu_qsbr *qsbr)
{
	int ret;

	memset(&fdb, 0, sizeof(fdb));
	rte_spinlock_init(&fdb.write_lock);
	fdb.capacity = max_entries;
	/* Deleted entries wait in the defer queue; keep room for them. */
	fdb.pool_size = max_entries + max_entries / 8 + 64;
	fdb.pool = calloc(fdb.pool_size, sizeof(*fdb.pool));
	fdb.free_stack = calloc(fdb.pool_size, sizeof(*fdb.free_stack));
	if (fdb.pool == NULL || fdb.free_stack == NULL) {
		fdb_fini();
		return errno_log(ENOMEM, "fdb pool");
	}
	for (uint32_t i = 0; i < fdb.pool_size; i++)
		fdb.free_stack[i] = fdb.pool_size - 1 - i;
	fdb.n_free = fdb.pool_size;

	ret = fdb_hash_create(max_entries);
	if (ret < 0) {
		fdb_fini();
		return ret;
	}
	struct rte_hash_rcu_config rcu = {
		.v = qsbr,
		.mode = RTE_HASH_QSBR_MODE_DQ,
		.dq_size = fdb.pool_size - max_entries,
		.key_data_ptr = &fdb,
		.free_key_data_func = fdb_entry_reclaim,
	};
	if (rte_hash_rcu_qsbr_add(fdb.hash, &rcu) != 0) {
		ret = errno_log(rte_errno, "rte_hash_rcu_qsbr_add(fdb)");
		fdb_fini();
		return ret;
	}
	NFVA_LOG(INFO, "fdb sized for %u entries", max_entries);
	return 0;
}

void fdb_fini(void)
{
	rte_hash_free(fdb.hash);
	free(fdb.pool);
	free(fdb.free_stack);
	memset(&fdb, 0, sizeof(fdb));
}

uint32_t fdb_capacity(void)
{
	return fdb.capacity;
}

void fdb_lookup_bulk(const struct fdb_key *keys, unsigned n, struct fdb_entry **out)
{
	const void *key_ptrs[RTE_HASH_LOOKUP_BULK_MAX];
	uint64_t hits = 0;

	for (unsigned i = 0; i < n; i++)
		key_ptrs[i] = &keys[i];
	rte_hash_lookup_bulk_data(fdb.hash, key_ptrs, n, &hits, (void **)out);
	for (unsigned i = 0; i < n; i++)
		if (!(hits & (1ULL << i)))
			out[i] = NULL;
}

static void fdb_count_add(union fdb_dest dest, uint16_t network, int delta)
{
	if (dest.kind == FDB_DEST_PORT && dest.port < NFVA_MAX_PORTS)
		fdb.port_macs[dest.port] += delta;
	if (network < NFVA_MAX_NETWORKS)
		fdb.network_macs[network] += delta;
	fdb.count += delta;
}

/* Caller holds write_lock. */
static int fdb_insert_locked(const struct fdb_key *key, union fdb_dest dest, uint32_t now)
{
	struct fdb_entry *e = fdb_entry_alloc();
	if (e == NULL)
		return -ENOSPC;
	e->dest = dest;
	e->last_seen = now;
	e->created = now;
	e->key = *key;
	/* rte_hash publishes the key with release semantics: readers that find
	 * it see the initialised entry. */
	int ret = rte_hash_add_key_data(fdb.hash, key, e);
	if (ret < 0) {
		fdb.free_stack[fdb.n_free++] = (uint32_t)(e - fdb.pool);
		return ret;
	}
	fdb_count_add(dest, key->network, 1);
	return 0;
}

static bool fdb_limit_reached(const struct fdb_key *key, union fdb_dest dest,
		const struct fdb_limits *limits, enum fdb_learn_result *why)
{
	if (limits == NULL)
		return false;
	if (limits->port != 0 && dest.kind == FDB_DEST_PORT && dest.port < NFVA_MAX_PORTS &&
			fdb.port_macs[dest.port] >= limits->port) {
		*why = FDB_LEARN_LIMIT_PORT;
		return true;
	}
	if (limits->network != 0 && key->network < NFVA_MAX_NETWORKS &&
			fdb.network_macs[key->network] >= limits->network) {
		*why = FDB_LEARN_LIMIT_NETWORK;
		return true;
	}
	return false;
}

/* Caller holds write_lock; e is the existing entry for key. */
static enum fdb_learn_result fdb_move_locked(struct fdb_entry *e, union fdb_dest dest, uint32_t now,
		const struct fdb_limits *limits)
{
	union fdb_dest old = e->dest;
	enum fdb_learn_result why;

	if (old.flags & FDB_F_STATIC)
		return FDB_LEARN_STATIC;
	if (old.u64 == dest.u64) {
		e->last_seen = now;
		return FDB_LEARN_UNCHANGED;
	}
	if (old.kind != dest.kind || old.port != dest.port) {
		struct fdb_limits port_only = { .port = limits ? limits->port : 0 };
		if (fdb_limit_reached(&e->key, dest, &port_only, &why))
			return why;
	}
	fdb_count_add(old, e->key.network, -1);
	__atomic_store_n(&e->dest.u64, dest.u64, __ATOMIC_RELEASE);
	__atomic_store_n(&e->last_seen, now, __ATOMIC_RELAXED);
	fdb_count_add(dest, e->key.network, 1);
	return FDB_LEARN_MOVED;
}

enum fdb_learn_result fdb_learn(const struct fdb_key *key, union fdb_dest dest, uint32_t now,
		const struct fdb_limits *limits)
{
	enum fdb_learn_result result = FDB_LEARN_NEW;
	void *data;

	dest.flags &= ~FDB_F_STATIC;
	rte_spinlock_lock(&fdb.write_lock);
	if (rte_hash_lookup_data(fdb.hash, key, &data) >= 0)
		result = fdb_move_locked(data, dest, now, limits);
	else if (!fdb_limit_reached(key, dest, limits, &result) &&
			fdb_insert_locked(key, dest, now) < 0)
		result = FDB_LEARN_FULL;
	rte_spinlock_unlock(&fdb.write_lock);
	return result;
}

int fdb_add_static(const struct fdb_key *key, union fdb_dest dest)
{
	void *data;
	int ret = 0;

	dest.flags |= FDB_F_STATIC;
	rte_spinlock_lock(&fdb.write_lock);
	if (rte_hash_lookup_data(fdb.hash, key, &data) >= 0) {
		struct fdb_entry *e = data;
		fdb_count_add(e->dest, key->network, -1);
		__atomic_store_n(&e->dest.u64, dest.u64, __ATOMIC_RELEASE);
		fdb_count_add(dest, key->network, 1);
	} else {
		ret = fdb_insert_locked(key, dest, 0);
	}
	rte_spinlock_unlock(&fdb.write_lock);
	return ret;
}

/* Caller holds write_lock. The entry returns to the pool after the grace period. */
static void fdb_remove_locked(const struct fdb_key *key, struct fdb_entry *e)
{
	union fdb_dest dest = e->dest;
	if (rte_hash_del_key(fdb.hash, key) >= 0)
		fdb_count_add(dest, key->network, -1);
}

int fdb_del(const struct fdb_key *key)
{
	void *data;
	int ret = -ENOENT;

	rte_spinlock_lock(&fdb.write_lock);
	if (rte_hash_lookup_data(fdb.hash, key, &data) >= 0) {
		fdb_remove_locked(key, data);
		ret = 0;
	}
	rte_spinlock_unlock(&fdb.write_lock);
	if (ret == 0)
		fdb_removed(key->network, &key->mac);
	return ret;
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
	return true;
}

/* Removes every entry doomed() selects, under the writer lock. Keys are
 * collected first: deleting from an extendable-bucket rte_hash compacts its
 * chains, which would make a single iterate-and-delete pass skip entries. */
static unsigned fdb_remove_if(bool (*doomed)(const struct fdb_entry *, const void *),
		const void *arg)
{
	struct fdb_key *keys = NULL;
	size_t n = 0, cap = 0;
	const void *key;
	void *data;
	uint32_t next = 0;

	rte_spinlock_lock(&fdb.write_lock);
	while (rte_hash_iterate(fdb.hash, &key, &data, &next) >= 0) {
		if (!doomed(data, arg))
			continue;
		if (n == cap) {
			size_t ncap = cap ? cap * 2 : 1024;
			struct fdb_key *nk = realloc(keys, ncap * sizeof(*keys));
			if (nk == NULL)
				break; /* remove what we have; the next pass gets the rest */
			keys = nk;
			cap = ncap;
		}
		keys[n++] = *(const struct fdb_key *)key;
	}
	unsigned removed = 0;
	for (size_t i = 0; i < n; i++) {
		if (rte_hash_lookup_data(fdb.hash, &keys[i], &data) < 0)
			continue;
		fdb_remove_locked(&keys[i], data);
		removed++;
	}
	rte_spinlock_unlock(&fdb.write_lock);
	for (size_t i = 0; i < n; i++)
		fdb_removed(keys[i].network, &keys[i].mac);
	free(keys);
	return removed;
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
	if (e->dest.flags & FDB_F_STATIC)
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

void fdb_walk(const struct fdb_filter *filter, fdb_walk_cb cb, void *arg)
{
	const void *key;
	void *data;
	uint32_t next = 0;

	/* Control is the only thread that deletes besides learners, which never
	 * delete; holding the lock keeps entries stable for the callback. */
	rte_spinlock_lock(&fdb.write_lock);
	while (rte_hash_iterate(fdb.hash, &key, &data, &next) >= 0)
		if (fdb_filter_match(filter, data))
			cb(data, arg);
	rte_spinlock_unlock(&fdb.write_lock);
}

uint32_t fdb_count(void)
{
	return __atomic_load_n(&fdb.count, __ATOMIC_RELAXED);
}

uint32_t fdb_count_port(uint16_t port)
{
	return port < NFVA_MAX_PORTS ? __atomic_load_n(&fdb.port_macs[port], __ATOMIC_RELAXED) : 0;
}

uint32_t fdb_count_network(uint16_t network)
{
	return network < NFVA_MAX_NETWORKS
			? __atomic_load_n(&fdb.network_macs[network], __ATOMIC_RELAXED)
			: 0;
}

static int fdb_module_init(void)
{
	return fdb_init(nfva_options()->fdb_entries, dp_qsbr());
}

static struct nfva_module fdb_module = {
	.name = "fdb",
	.depends_on = "snapshot",
	.init = fdb_module_init,
	.fini = fdb_fini,
};
NFVA_MODULE(fdb_module)
