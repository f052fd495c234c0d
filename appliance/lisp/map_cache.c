/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The map-cache (see lisp_dp.h): per LISP network an rte_fib (IPv4 EIDs,
 * DIR24_8) and an rte_fib6 (IPv6 EIDs, trie), created on the first prefix
 * of that family, mapping EID prefixes to the index of an immutable entry.
 * Control writes, workers look up. A replaced entry, or the slot of a
 * deleted prefix, is freed after an RCU grace period, and after deletions
 * the next add waits for one too (the DPDK 22.11 FIB has no RCU hook: a
 * freed tbl8 group must not be reused while a reader may walk it). Bulk
 * removals (expiry, flush, a network's purge) delete every prefix first and
 * wait for one grace period at the end, not one per prefix: deleting an
 * installed prefix frees tbl8 groups but never allocates one (its range
 * lies in tbl8 groups that exist), so nothing is reused within the batch.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_errno.h>
#include <rte_fib.h>
#include <rte_fib6.h>
#include <rte_rib.h>
#include <rte_rib6.h>

#include "core/args.h"
#include "core/dp_config.h"
#include "l2/network.h"
#include "overlay/encap.h"
#include "overlay/vtep_id.h"
#include "core/log.h"
#include "core/event.h"
#include "lisp/lisp_private.h"

NFVA_LOG_REGISTER(lisp_mc)

#define MC_TOTAL_MIN (1u << 20) /* entries, all networks together, at least */
#define MC_TBL8_MIN 4096        /* tbl8 groups per table, at least */
#define MC_EXPIRE_SLOTS 65536   /* slots an expiry pass examines per run */

/* Sized at init from --map-cache: routes per table (network, family), slots
 * for all networks together, tbl8 groups per table. */
static uint32_t mc_routes, mc_total, mc_tbl8;
static struct rte_fib **fib4;        /* per network */
static struct rte_fib6 **fib6;       /* per network */
static struct lisp_mc_entry **slots; /* index = next hop; 0 = miss */
static uint32_t expire_cursor;
static uint32_t high_water = 1; /* slots below it were used */
static uint32_t *free_stack;
static uint32_t n_free, n_entries;
static bool need_sync; /* a prefix was deleted since the last grace period */
static bool batch;     /* a bulk removal: deletions do not wait for one another */
static uint32_t garbage[256];
static unsigned n_garbage;

int lisp_mc_init(void)
{
	uint32_t networks = network_capacity();

	mc_routes = nfva_options()->map_cache;
	mc_total = RTE_MAX(mc_routes, MC_TOTAL_MIN) + 1; /* slot 0 is "no entry" */
	mc_tbl8 = RTE_MAX(mc_routes / 16, (uint32_t)MC_TBL8_MIN);
	free_stack = calloc(mc_total, sizeof(*free_stack));
	slots = calloc(mc_total, sizeof(*slots));
	fib4 = calloc(networks, sizeof(*fib4));
	fib6 = calloc(networks, sizeof(*fib6));
	if (free_stack == NULL || slots == NULL || fib4 == NULL || fib6 == NULL)
		return -ENOMEM;
	return 0;
}

static void mc_sync(void)
{
	if (!need_sync && n_garbage == 0)
		return;
	rte_rcu_qsbr_synchronize(dp_qsbr(), RTE_QSBR_THRID_INVALID);
	for (unsigned i = 0; i < n_garbage; i++) {
		const struct lisp_mc_entry *e = slots[garbage[i]];
		for (unsigned r = 0; r < e->n_rlocs; r++) /* the entry's IPv6 RLOC ids */
			vtep_id_ref(e->rlocs[r].id, -1);
		free(slots[garbage[i]]);
		slots[garbage[i]] = NULL;
		free_stack[n_free++] = garbage[i];
	}
	n_garbage = 0;
	need_sync = false;
}

static void mc_trash(uint32_t slot)
{
	if (n_garbage == RTE_DIM(garbage))
		mc_sync();
	garbage[n_garbage++] = slot;
	n_entries--;
}

static uint32_t slot_alloc(void)
{
	if (n_free != 0)
		return free_stack[--n_free];
	if (high_water < mc_total)
		return high_water++;
	return 0;
}

static uint32_t ip4_host(const struct lisp_addr *a)
{
	uint32_t be;
	memcpy(&be, a->bytes, 4);
	return rte_be_to_cpu_32(be);
}

/* The tables of network for family, created on demand (create = true). */
static int mc_table(uint16_t network, uint8_t family, bool create)
{
	char name[32];

	if (family == AF_INET && fib4[network] == NULL && create) {
		struct rte_fib_conf conf = { .type = RTE_FIB_DIR24_8,
			.default_nh = 0,
			.max_routes = mc_routes,
			.dir24_8 = { .nh_sz = RTE_FIB_DIR24_8_4B, .num_tbl8 = mc_tbl8 } };
		snprintf(name, sizeof(name), "lisp4_%u", network);
		struct rte_fib *f = rte_fib_create(name, SOCKET_ID_ANY, &conf);
		if (f == NULL)
			return errno_log(rte_errno, "rte_fib_create(map-cache)");
		__atomic_store_n(&fib4[network], f, __ATOMIC_RELEASE);
	}
	if (family == AF_INET6 && fib6[network] == NULL && create) {
		struct rte_fib6_conf conf = { .type = RTE_FIB6_TRIE,
			.default_nh = 0,
			.max_routes = mc_routes,
			.trie = { .nh_sz = RTE_FIB6_TRIE_4B, .num_tbl8 = mc_tbl8 } };
		snprintf(name, sizeof(name), "lisp6_%u", network);
		struct rte_fib6 *f = rte_fib6_create(name, SOCKET_ID_ANY, &conf);
		if (f == NULL)
			return errno_log(rte_errno, "rte_fib6_create(map-cache)");
		__atomic_store_n(&fib6[network], f, __ATOMIC_RELEASE);
	}
	if (family == AF_INET)
		return fib4[network] != NULL ? 0 : -ENOENT;
	return fib6[network] != NULL ? 0 : -ENOENT;
}

/* The slot of the exact prefix, 0 when absent. */
static uint32_t mc_exact(uint16_t network, const struct lisp_addr *p, uint8_t plen)
{
	uint64_t nh = 0;

	if (network >= network_capacity() || mc_table(network, p->family, false) != 0)
		return 0;
	if (p->family == AF_INET) {
		struct rte_rib_node *n = rte_rib_lookup_exact(rte_fib_get_rib(fib4[network]),
				ip4_host(p), plen);
		if (n == NULL || rte_rib_get_nh(n, &nh) != 0)
			return 0;
	} else {
		struct rte_rib6_node *n = rte_rib6_lookup_exact(rte_fib6_get_rib(fib6[network]),
				p->bytes, plen);
		if (n == NULL || rte_rib6_get_nh(n, &nh) != 0)
			return 0;
	}
	return (uint32_t)nh;
}

const struct lisp_mc_entry *lisp_mc_find(uint16_t network, const struct lisp_addr *prefix,
		uint8_t plen)
{
	uint32_t s = mc_exact(network, prefix, plen);
	return s == 0 ? NULL : slots[s];
}

/* The best-priority usable RLOCs, for lisp_mc_pick. */
static void mc_best(struct lisp_mc_entry *e)
{
	uint8_t best = 255;
	for (unsigned i = 0; i < e->n_rlocs; i++)
		if (e->rlocs[i].priority < best)
			best = e->rlocs[i].priority;
	e->n_best = 0;
	e->best_weight = 0;
	for (unsigned i = 0; best != 255 && i < e->n_rlocs; i++)
		if (e->rlocs[i].priority == best) {
			e->best[e->n_best++] = (uint8_t)i;
			e->best_weight += e->rlocs[i].weight;
		}
}

static int fib_write(uint16_t network, const struct lisp_addr *p, uint8_t plen, uint32_t nh)
{
	if (p->family == AF_INET)
		return rte_fib_add(fib4[network], ip4_host(p), plen, nh);
	return rte_fib6_add(fib6[network], p->bytes, plen, nh);
}

int lisp_mc_set(const struct lisp_mc_spec *s)
{
	if (s->network >= network_capacity() || s->n_rlocs > LISP_MAX_RLOCS)
		return -EINVAL;
	mc_sync();
	int ret = mc_table(s->network, s->prefix.family, true);
	if (ret < 0)
		return ret;
	uint32_t old = mc_exact(s->network, &s->prefix, s->plen);
	uint32_t slot = slot_alloc();
	struct lisp_mc_entry *e = slot == 0 ? NULL : calloc(1, sizeof(*e));
	if (e == NULL) {
		if (slot != 0)
			free_stack[n_free++] = slot;
		lisp.c.mc_full++;
		return -ENOSPC;
	}
	e->network = s->network;
	e->kind = s->kind;
	e->configured = s->configured;
	e->action = s->action;
	e->plen = s->plen;
	e->prefix = s->prefix;
	e->ttl_s = s->ttl_s;
	e->expires_ms = s->ttl_s != 0 ? lisp_now_ms() + (uint64_t)s->ttl_s * 1000 : 0;
	e->n_rlocs = s->n_rlocs;
	memcpy(e->rlocs, s->rlocs, s->n_rlocs * sizeof(s->rlocs[0]));
	for (unsigned i = 0; i < e->n_rlocs; i++)
		vtep_id_ref(e->rlocs[i].id, 1); /* an IPv6 RLOC keeps its id while named */
	mc_best(e);
	slots[slot] = e;
	ret = fib_write(s->network, &s->prefix, s->plen, slot);
	if (ret < 0) {
		for (unsigned i = 0; i < e->n_rlocs; i++)
			vtep_id_ref(e->rlocs[i].id, -1);
		slots[slot] = NULL;
		free(e);
		free_stack[n_free++] = slot;
		return ret;
	}
	n_entries++;
	if (old != 0)
		mc_trash(old);
	mc_sync();
	event_publish_simple(EVENT_LISP_CHANGED); /* e-switch rules follow the map-cache */
	for (unsigned i = 0; i < e->n_rlocs; i++)
		encap_ensure(s->network, e->rlocs[i].id);
	return 0;
}

int lisp_mc_del(uint16_t network, const struct lisp_addr *prefix, uint8_t plen)
{
	if (!batch)
		mc_sync();
	uint32_t slot = mc_exact(network, prefix, plen);
	if (slot == 0)
		return -ENOENT;
	int ret = prefix->family == AF_INET ? rte_fib_delete(fib4[network], ip4_host(prefix), plen)
					    : rte_fib6_delete(fib6[network], prefix->bytes, plen);
	if (ret < 0)
		return ret;
	need_sync = true;
	mc_trash(slot);
	event_publish_simple(EVENT_LISP_CHANGED);
	return 0;
}

const struct lisp_mc_entry *lisp_mc_lookup(uint16_t network, uint8_t family, const void *addr)
{
	uint64_t nh = 0;

	if (family == AF_INET) {
		struct rte_fib *f = __atomic_load_n(&fib4[network], __ATOMIC_ACQUIRE);
		uint32_t be, ip;
		if (f == NULL)
			return NULL;
		memcpy(&be, addr, 4);
		ip = rte_be_to_cpu_32(be);
		rte_fib_lookup_bulk(f, &ip, &nh, 1);
	} else {
		struct rte_fib6 *f = __atomic_load_n(&fib6[network], __ATOMIC_ACQUIRE);
		uint8_t ip[1][RTE_FIB6_IPV6_ADDR_SIZE];
		if (f == NULL)
			return NULL;
		memcpy(ip[0], addr, 16);
		rte_fib6_lookup_bulk(f, ip, &nh, 1);
	}
	return nh == 0 || nh >= mc_total ? NULL : __atomic_load_n(&slots[nh], __ATOMIC_ACQUIRE);
}

const struct lisp_rloc *lisp_mc_pick(const struct lisp_mc_entry *e, uint32_t hash)
{
	if (e->n_best == 0)
		return NULL;
	if (e->best_weight == 0)
		return &e->rlocs[e->best[hash % e->n_best]];
	uint32_t x = hash % e->best_weight;
	for (unsigned i = 0; i < e->n_best; i++) {
		const struct lisp_rloc *r = &e->rlocs[e->best[i]];
		if (x < r->weight)
			return r;
		x -= r->weight;
	}
	return &e->rlocs[e->best[0]];
}

void lisp_mc_flush(uint16_t network, uint8_t kind)
{
	batch = true;
	for (uint32_t s = 1; s < high_water; s++) {
		const struct lisp_mc_entry *e = slots[s];
		if (e == NULL || (network != NFVA_NETWORK_NONE && e->network != network) ||
				(kind != 0 && e->kind != kind))
			continue;
		if (lisp_mc_find(e->network, &e->prefix, e->plen) == e)
			lisp_mc_del(e->network, &e->prefix, e->plen);
	}
	batch = false;
	mc_sync();
}

void lisp_mc_purge(uint16_t network)
{
	if (network >= network_capacity())
		return;
	lisp_mc_flush(network, 0);
	struct rte_fib *f4 = fib4[network];
	struct rte_fib6 *f6 = fib6[network];
	if (f4 == NULL && f6 == NULL)
		return;
	__atomic_store_n(&fib4[network], NULL, __ATOMIC_RELEASE);
	__atomic_store_n(&fib6[network], NULL, __ATOMIC_RELEASE);
	rte_rcu_qsbr_synchronize(dp_qsbr(), RTE_QSBR_THRID_INVALID);
	if (f4 != NULL)
		rte_fib_free(f4);
	if (f6 != NULL)
		rte_fib6_free(f6);
}

/* A part of the slots per run (bounded work for the control thread): a
 * million entries are all examined every few seconds. */
void lisp_mc_expire(void)
{
	uint64_t now = lisp_now_ms();

	if (expire_cursor == 0)
		expire_cursor = 1;
	uint32_t end = RTE_MIN(expire_cursor + MC_EXPIRE_SLOTS, high_water);
	batch = true;
	for (uint32_t s = expire_cursor; s < end; s++) {
		const struct lisp_mc_entry *e = slots[s];
		if (e == NULL || lisp_mc_find(e->network, &e->prefix, e->plen) != e)
			continue;
		if ((e->expires_ms != 0 && now >= e->expires_ms) ||
				!lisp_network_is_lisp(e->network)) {
			if (e->kind != LISP_MC_PENDING)
				lisp.c.mc_expired++;
			lisp_mc_del(e->network, &e->prefix, e->plen);
		}
	}
	batch = false;
	expire_cursor = end < high_water ? end : 1;
	mc_sync();
}

void lisp_mc_walk(lisp_mc_walk_cb cb, void *arg)
{
	for (uint32_t s = 1; s < high_water; s++) {
		const struct lisp_mc_entry *e = slots[s];
		if (e != NULL && lisp_mc_find(e->network, &e->prefix, e->plen) == e)
			cb(e, arg);
	}
}

unsigned lisp_mc_count(void)
{
	return n_entries;
}
