/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The local EID table (see lisp_dp.h): the addresses of the VMs behind this
 * xTR, learned from their ARP and IP traffic or configured. Control is the
 * only writer; workers report sources they do not find on an MP/SC ring of
 * fixed-size records, drained every few milliseconds.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_errno.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>
#include <rte_ring_elem.h>

#include "core/clock.h"
#include "core/dp_config.h"
#include "core/log.h"
#include "core/event.h"
#include "l2/network.h"
#include "lisp/lisp_private.h"

NFVA_LOG_REGISTER(lisp_eid)

#define EID_MAX LISP_EID_MAX
#define REPORT_RING_SIZE 1024

struct eid_report {
	struct lisp_eid_key key;
	struct rte_ether_addr mac;
	uint16_t port;
	uint16_t vlan;
	uint16_t pad;
};

static struct rte_hash *table;
static uint32_t *per_network;  /* entries, static ones too; by network index */
static uint32_t n_per_network; /* network_capacity() */
static struct rte_ring *reports;
static uint64_t reports_lost; /* workers: atomic */

/* rte_hash_crc() loads 8 bytes at a time; a struct lisp_eid_key is only
 * 2-byte aligned (inside a report, a record): hash an aligned copy. */
static uint32_t eid_hash(const void *key, uint32_t len, uint32_t init)
{
	uint64_t k[(sizeof(struct lisp_eid_key) + 7) / 8];

	len = RTE_MIN(len, (uint32_t)sizeof(k));
	memcpy(k, key, len);
	return rte_hash_crc(k, len, init);
}

int lisp_eid_init(void)
{
	struct rte_hash_parameters params = {
		.name = "nfva_lisp_eid",
		.entries = EID_MAX,
		.key_len = sizeof(struct lisp_eid_key),
		.hash_func = eid_hash,
		.socket_id = SOCKET_ID_ANY,
		.extra_flag = RTE_HASH_EXTRA_FLAGS_RW_CONCURRENCY_LF |
				RTE_HASH_EXTRA_FLAGS_NO_FREE_ON_DEL,
	};
	RTE_BUILD_BUG_ON(sizeof(struct eid_report) % 4 != 0);
	n_per_network = network_capacity();
	per_network = calloc(n_per_network, sizeof(*per_network));
	if (per_network == NULL)
		return errno_log(ENOMEM, "lisp eid counts");
	table = rte_hash_create(&params);
	if (table == NULL)
		return errno_log(rte_errno, "rte_hash_create(lisp eid)");
	reports = rte_ring_create_elem("nfva_lisp_eid", sizeof(struct eid_report), REPORT_RING_SIZE,
			SOCKET_ID_ANY, RING_F_SC_DEQ);
	if (reports == NULL)
		return errno_log(rte_errno, "rte_ring_create_elem(lisp eid)");
	return 0;
}

static void key_make(struct lisp_eid_key *k, uint16_t network, uint8_t family, const void *addr)
{
	memset(k, 0, sizeof(*k));
	k->network = network;
	k->family = family;
	memcpy(k->addr, addr, family == AF_INET ? 4 : 16);
}

const struct lisp_eid *lisp_eid_lookup(uint16_t network, uint8_t family, const void *addr)
{
	struct lisp_eid_key k;
	void *data;

	key_make(&k, network, family, addr);
	return rte_hash_lookup_data(table, &k, &data) >= 0 ? data : NULL;
}

void lisp_eid_touch(uint16_t network, uint8_t family, const void *addr, uint32_t now_s)
{
	const struct lisp_eid *e = lisp_eid_lookup(network, family, addr);
	if (e != NULL)
		__atomic_store_n(&((struct lisp_eid *)(uintptr_t)e)->last_seen, now_s,
				__ATOMIC_RELAXED);
}

void lisp_eid_report(uint16_t network, uint8_t family, const void *addr,
		const struct rte_ether_addr *mac, uint16_t port, uint16_t vlan)
{
	struct eid_report r = { .mac = *mac, .port = port, .vlan = vlan };

	key_make(&r.key, network, family, addr);
	if (rte_ring_mp_enqueue_elem(reports, &r, sizeof(r)) != 0)
		__atomic_fetch_add(&reports_lost, 1, __ATOMIC_RELAXED);
}

/* Old entries and deleted key slots wait for the grace period. */
static void *garbage[64];
static int32_t garbage_slots[64];
static unsigned n_garbage, n_garbage_slots;

static void eid_collect(void)
{
	if (n_garbage == 0 && n_garbage_slots == 0)
		return;
	rte_rcu_qsbr_synchronize(dp_qsbr(), RTE_QSBR_THRID_INVALID);
	for (unsigned i = 0; i < n_garbage; i++)
		free(garbage[i]);
	for (unsigned i = 0; i < n_garbage_slots; i++)
		rte_hash_free_key_with_position(table, garbage_slots[i]);
	n_garbage = n_garbage_slots = 0;
}

static void eid_trash(void *old, int32_t slot)
{
	if (n_garbage == RTE_DIM(garbage) || n_garbage_slots == RTE_DIM(garbage_slots))
		eid_collect();
	if (old != NULL)
		garbage[n_garbage++] = old;
	if (slot >= 0)
		garbage_slots[n_garbage_slots++] = slot;
}

static int eid_publish(const struct lisp_eid_key *k, const struct rte_ether_addr *mac,
		uint16_t port, uint16_t vlan, uint8_t flags)
{
	void *old = NULL;
	bool exists = rte_hash_lookup_data(table, k, &old) >= 0;
	struct lisp_eid *e = calloc(1, sizeof(*e));

	if (e == NULL)
		return -ENOMEM;
	e->key = *k;
	e->mac = *mac;
	e->port = port;
	e->vlan = vlan;
	e->flags = flags;
	e->created = e->last_seen = nfva_now_s();
	int ret = rte_hash_add_key_data(table, k, e);
	if (ret < 0) {
		free(e);
		return ret;
	}
	if (exists)
		eid_trash(old, -1);
	else
		per_network[k->network]++;
	lisp.eid_generation++;
	event_publish_simple(EVENT_LISP_CHANGED); /* e-switch rules follow the table */
	return 0;
}

int lisp_eid_set(uint16_t network, const struct lisp_addr *a, const struct rte_ether_addr *mac,
		uint16_t port, uint16_t vlan, uint8_t flags)
{
	struct lisp_eid_key k;

	key_make(&k, network, a->family, a->bytes);
	int ret = eid_publish(&k, mac, port, vlan, flags);
	eid_collect();
	return ret;
}

static void eid_remove(const struct lisp_eid_key *k, void *old)
{
	int32_t slot = rte_hash_del_key(table, k);
	eid_trash(old, slot);
	per_network[k->network]--;
	lisp.eid_generation++;
	event_publish_simple(EVENT_LISP_CHANGED); /* e-switch rules follow the table */
}

int lisp_eid_del(uint16_t network, const struct lisp_addr *a)
{
	struct lisp_eid_key k;
	void *old;

	key_make(&k, network, a->family, a->bytes);
	if (rte_hash_lookup_data(table, &k, &old) < 0)
		return -ENOENT;
	eid_remove(&k, old);
	eid_collect();
	return 0;
}

bool lisp_eid_is_local(uint16_t network, const struct lisp_addr *a)
{
	return table != NULL && lisp_eid_lookup(network, a->family, a->bytes) != NULL;
}

/* Removes the entries a filter selects; flags_keep: entries with these
 * flags stay. */
static void eid_remove_if(bool (*pick)(const struct lisp_eid *e, const void *arg), const void *arg)
{
	const void *key;
	void *data;
	uint32_t next = 0;

	while (table != NULL && rte_hash_iterate(table, &key, &data, &next) >= 0)
		if (pick(data, arg))
			eid_remove(key, data);
	eid_collect();
}

struct flush_arg {
	uint16_t network, port, vlan;
	bool any_vlan;
};

static bool flush_pick(const struct lisp_eid *e, const void *arg)
{
	const struct flush_arg *f = arg;
	return (f->network == NFVA_NETWORK_NONE || e->key.network == f->network) &&
			(f->port == NFVA_PORT_NONE || e->port == f->port) &&
			(f->any_vlan || e->vlan == f->vlan);
}

void lisp_eid_flush(uint16_t network, uint16_t port)
{
	struct flush_arg f = { .network = network, .port = port, .any_vlan = true };
	eid_remove_if(flush_pick, &f);
}

void lisp_eid_flush_attachment(uint16_t network, uint16_t port, uint16_t vlan)
{
	struct flush_arg f = { .network = network, .port = port, .vlan = vlan };
	eid_remove_if(flush_pick, &f);
}

unsigned lisp_eid_count_network(uint16_t network)
{
	return network < n_per_network ? per_network[network] : 0;
}

static bool aged_pick(const struct lisp_eid *e, const void *arg)
{
	uint32_t now = *(const uint32_t *)arg;
	uint32_t seen = __atomic_load_n(&e->last_seen, __ATOMIC_RELAXED);
	bool aged = !(e->flags & LISP_EID_STATIC) && now - seen > lisp.eid_ageing_s;
	if (aged)
		lisp.c.eids_aged++;
	return aged || !lisp_network_is_lisp(e->key.network);
}

void lisp_eid_age(void)
{
	uint32_t now = nfva_now_s();
	eid_remove_if(aged_pick, &now);
}

/* A report from a worker: learn, move, or ignore (static entries win; a
 * network at its quota learns no new address). */
static void eid_learn(const struct eid_report *r)
{
	static uint64_t warned_ms;
	void *data;

	if (r->key.network >= n_per_network || !lisp_network_is_lisp(r->key.network))
		return;
	if (rte_hash_lookup_data(table, &r->key, &data) >= 0) {
		const struct lisp_eid *e = data;
		if ((e->flags & LISP_EID_STATIC) ||
				(rte_is_same_ether_addr(&e->mac, &r->mac) && e->port == r->port &&
						e->vlan == r->vlan))
			return;
		lisp.c.eids_moved++;
	} else if (!lisp_eid_quota_ok(r->key.network)) {
		return; /* counted: eids_limit */
	} else {
		lisp.c.eids_learned++;
	}
	if (eid_publish(&r->key, &r->mac, r->port, r->vlan, 0) < 0 &&
			lisp_now_ms() - warned_ms > 10000) { /* one line per 10 s at most */
		warned_ms = lisp_now_ms();
		NFVA_LOG(WARNING, "EID table full (%u entries) or out of memory", lisp_eid_count());
	}
}

unsigned lisp_eid_drain_reports(void)
{
	struct eid_report batch[64];
	unsigned n = 0;

	if (reports == NULL)
		return 0;
	n = rte_ring_sc_dequeue_burst_elem(reports, batch, sizeof(batch[0]), RTE_DIM(batch), NULL);
	for (unsigned i = 0; i < n; i++)
		eid_learn(&batch[i]);
	if (n != 0)
		eid_collect();
	lisp.c.eid_reports_lost = __atomic_load_n(&reports_lost, __ATOMIC_RELAXED);
	return n;
}

void lisp_eid_walk(lisp_eid_walk_cb cb, void *arg)
{
	const void *key;
	void *data;
	uint32_t next = 0;

	while (table != NULL && rte_hash_iterate(table, &key, &data, &next) >= 0)
		cb(data, arg);
}

unsigned lisp_eid_count(void)
{
	return table == NULL ? 0 : (unsigned)rte_hash_count(table);
}
