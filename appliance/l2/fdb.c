/* SPDX-License-Identifier: BSD-3-Clause */
/* The forwarding database: rte_hash + entry pool + writer lock (see fdb.h). */
#include <stdlib.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include "core/hash_key8.h"
#include <rte_spinlock.h>

#include "l2/fdb.h"
#include "overlay/vtep_id.h"
#include "l2/fdb_private.h"
#include "core/bounds.h"
#include "core/args.h"
#include "core/clock.h"
#include "core/dp_config.h"
#include "core/event.h"
#include "core/log.h"
#include "core/module.h"

NFVA_LOG_REGISTER(fdb)

struct fdb_table fdb;

/* Rules and other state that depend on an entry follow its removal. */
void fdb_removed(uint16_t network, const struct rte_ether_addr *mac)
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
	uint32_t i = fdb.free_stack[--fdb.n_free];
	if (i >= fdb.pool_high) /* scans stop there (fdb_bulk.c) */
		__atomic_store_n(&fdb.pool_high, i + 1, __ATOMIC_RELEASE);
	return &fdb.pool[i];
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
	fdb.n_networks = nfva_options()->max_networks;
	fdb.network_macs = calloc(fdb.n_networks, sizeof(*fdb.network_macs));
	/* Deleted entries wait in the defer queue; keep room for them. */
	fdb.pool_size = max_entries + max_entries / 8 + 64;
	fdb.pool = calloc(fdb.pool_size, sizeof(*fdb.pool));
	fdb.free_stack = calloc(fdb.pool_size, sizeof(*fdb.free_stack));
	if (fdb.pool == NULL || fdb.free_stack == NULL || fdb.network_macs == NULL ||
			fdb_feed_init(fdb.n_networks) < 0) {
		fdb_fini();
		return errno_log(ENOMEM, "fdb pool");
	}
	for (uint32_t i = 0; i < fdb.pool_size; i++)
		fdb.free_stack[i] = fdb.pool_size - 1 - i;
	fdb.n_free = fdb.pool_size;

	fdb.qsbr = qsbr;
	fdb.dq_size = fdb.pool_size - max_entries;
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
	fdb_feed_fini();
	free(fdb.pool);
	free(fdb.free_stack);
	free(fdb.network_macs);
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

/* Every destination an entry takes or leaves passes here (writer lock):
 * the counts, and the references that keep an IPv6 VTEP's id. */
static void fdb_count_add(union fdb_dest dest, uint16_t network, int delta)
{
	if (dest.kind == FDB_DEST_PORT && dest.port < NFVA_MAX_PORTS)
		fdb.port_macs[dest.port] += delta;
	if (dest.kind == FDB_DEST_VTEP)
		vtep_id_ref(dest.vtep_ip, delta);
	if (network < fdb.n_networks)
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
	e->in_table = true;
	/* rte_hash publishes the key with release semantics: readers that find
	 * it see the initialised entry. */
	int ret = rte_hash_add_key_data(fdb.hash, key, e);
	if (ret < 0) {
		e->in_table = false;
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
	if (limits->network != 0 && key->network < fdb.n_networks &&
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
	/* A tunnel never teaches where EVPN put a MAC; a local port does. */
	if ((old.flags & FDB_F_EVPN) && dest.kind == FDB_DEST_VTEP)
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

	dest.flags &= ~(FDB_F_STATIC | FDB_F_EVPN);
	/* Never wait: control may hold the lock for a batch of deletes, and a
	 * worker spinning here would stop reporting quiescent states. */
	if (!rte_spinlock_trylock(&fdb.write_lock))
		return FDB_LEARN_BUSY;
	if (rte_hash_lookup_data(fdb.hash, key, &data) >= 0)
		result = fdb_move_locked(data, dest, now, limits);
	else if (!fdb_limit_reached(key, dest, limits, &result) &&
			fdb_insert_locked(key, dest, now) < 0)
		result = FDB_LEARN_FULL;
	if (result == FDB_LEARN_NEW || result == FDB_LEARN_MOVED)
		fdb_feed_put_locked(key);
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
	if (ret == 0)
		fdb_feed_put_locked(key);
	rte_spinlock_unlock(&fdb.write_lock);
	return ret;
}

/* Caller holds write_lock: key -> dest for EVPN; 1 when it changed. */
static int fdb_set_evpn_locked(const struct fdb_key *key, union fdb_dest dest)
{
	void *data;

	if (rte_hash_lookup_data(fdb.hash, key, &data) < 0)
		return fdb_insert_locked(key, dest, nfva_now_s()) < 0 ? -ENOSPC : 1;
	struct fdb_entry *e = data;
	if (e->dest.flags & FDB_F_STATIC)
		return -EEXIST;
	if (e->dest.u64 == dest.u64)
		return 0;
	fdb_count_add(e->dest, key->network, -1);
	__atomic_store_n(&e->dest.u64, dest.u64, __ATOMIC_RELEASE);
	fdb_count_add(dest, key->network, 1);
	return 1;
}

int fdb_set_evpn(const struct fdb_key *key, uint16_t port, uint32_t vtep_ip)
{
	union fdb_dest dest = { .kind = FDB_DEST_VTEP,
		.flags = FDB_F_EVPN,
		.port = port,
		.vtep_ip = vtep_ip };
	union fdb_dest old;

	/* Rules first: whatever forwards to the old place goes before the move. */
	if (fdb_lookup_dest(key->network, &key->mac, &old) && old.u64 != dest.u64 &&
			!(old.flags & FDB_F_STATIC)) {
		struct nfva_event ev = { .type = EVENT_FDB_MOVING,
			.network = key->network,
			.mac = &key->mac };
		event_publish(&ev);
	}
	rte_spinlock_lock(&fdb.write_lock);
	int ret = fdb_set_evpn_locked(key, dest);
	if (ret > 0)
		fdb_feed_put_locked(key);
	rte_spinlock_unlock(&fdb.write_lock);
	return ret < 0 ? ret : 0;
}

int fdb_del_evpn(const struct fdb_key *key, uint32_t vtep_ip)
{
	void *data;
	int ret = -ENOENT;

	rte_spinlock_lock(&fdb.write_lock);
	if (rte_hash_lookup_data(fdb.hash, key, &data) >= 0) {
		struct fdb_entry *e = data;
		if ((e->dest.flags & FDB_F_EVPN) && (vtep_ip == 0 || e->dest.vtep_ip == vtep_ip)) {
			fdb_remove_locked(key, e);
			ret = 0;
		}
	}
	rte_spinlock_unlock(&fdb.write_lock);
	if (ret == 0) {
		fdb_grace_wait_if_needed();
		fdb_removed(key->network, &key->mac);
	}
	return ret;
}

/* Caller holds write_lock. The entry returns to the pool after the grace period. */
void fdb_remove_locked(const struct fdb_key *key, struct fdb_entry *e)
{
	union fdb_dest dest = e->dest;
	if (rte_hash_del_key(fdb.hash, key) >= 0) {
		fdb.deleted_since_grace++;
		e->in_table = false;
		fdb_count_add(dest, key->network, -1);
	}
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
	if (ret == 0) {
		fdb_grace_wait_if_needed();
		fdb_removed(key->network, &key->mac);
	}
	return ret;
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
	return network < fdb.n_networks
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
