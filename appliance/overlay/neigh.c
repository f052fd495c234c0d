/* SPDX-License-Identifier: BSD-3-Clause */
/* Neighbour table, resolution state machine and hold queues (see neigh.h). */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <rte_arp.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>

#include "core/args.h"
#include "core/bounds.h"
#include "core/event.h"
#include "core/ip_addr.h"
#include "core/log.h"
#include "core/module.h"
#include "overlay/neigh.h"
#include "overlay/neigh_private.h"
#include "core/punt.h"
#include "overlay/underlay.h"
#include "overlay/underlay_tx.h"

NFVA_LOG_REGISTER(neigh)

struct neigh_table neigh_table;

uint64_t neigh_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct neigh *neigh_find(const struct nfva_ip *ip)
{
	void *data;
	if (neigh_table.by_ip == NULL || rte_hash_lookup_data(neigh_table.by_ip, ip, &data) < 0)
		return NULL;
	return data;
}

void neigh_drop(struct neigh *n)
{
	if (!n->used)
		return;
	rte_hash_del_key(neigh_table.by_ip, &n->ip);
	n->used = false;
	neigh_table.free_stack[neigh_table.n_free++] = (uint32_t)(n - neigh_table.entries);
}

/* The entry to give up when the table is full: the least recently used of
 * those nothing asked for, else of the failed ones; never a static one, nor
 * one that is resolving or usable and wanted. */
static struct neigh *neigh_victim(void)
{
	struct neigh *best = NULL;
	for (unsigned pass = 0; pass < 2 && best == NULL; pass++) {
		for (uint32_t i = 0; i < neigh_table.capacity; i++) {
			struct neigh *n = &neigh_table.entries[i];
			bool candidate = pass == 0 ? !n->wanted : n->state == NEIGH_FAILED;
			if (!n->used || n->state == NEIGH_PERMANENT || !candidate)
				continue;
			if (best == NULL || n->used_ms < best->used_ms)
				best = n;
		}
	}
	return best;
}

static void neigh_forget(struct neigh *n);

static struct neigh *neigh_create(const struct nfva_ip *ip, bool wanted)
{
	struct neigh *n;
	if (neigh_table.n_free == 0 && (n = neigh_victim()) != NULL) {
		neigh_table.stats.evicted++;
		neigh_forget(n);
	}
	if (neigh_table.n_free == 0) {
		neigh_table.stats.table_full++;
		return NULL;
	}
	n = &neigh_table.entries[neigh_table.free_stack[--neigh_table.n_free]];
	memset(n, 0, sizeof(*n));
	if (rte_hash_add_key_data(neigh_table.by_ip, ip, n) < 0) {
		neigh_table.free_stack[neigh_table.n_free++] = (uint32_t)(n - neigh_table.entries);
		neigh_table.stats.table_full++;
		return NULL;
	}
	n->used = true;
	n->wanted = wanted;
	n->ip = *ip;
	n->state = NEIGH_INCOMPLETE;
	n->used_ms = neigh_now_ms();
	n->backoff_ms = NEIGH_FAILED_RETRY_MIN_MS;
	return n;
}

static bool neigh_usable(const struct neigh *n)
{
	return n->state == NEIGH_REACHABLE || n->state == NEIGH_STALE ||
			n->state == NEIGH_PERMANENT;
}

bool neigh_mac_ip(const struct nfva_ip *ip, struct rte_ether_addr *mac)
{
	struct neigh *n = neigh_find(ip);
	if (n == NULL)
		return false;
	n->used_ms = neigh_now_ms();
	if (!neigh_usable(n))
		return false;
	*mac = n->mac;
	return true;
}

static void neigh_notify(const struct nfva_ip *ip)
{
	struct nfva_event ev = { .type = EVENT_NEIGH_CHANGED, .addr = *ip };
	event_publish(&ev);
}

static void neigh_probe(struct neigh *n)
{
	n->probes++;
	n->next_probe_ms = neigh_now_ms() + NEIGH_RETRY_MS;
	if (nfva_ip_is_v6(&n->ip)) {
		if (underlay_send_ns(n->ip.addr) == 0)
			neigh_table.stats.ns_sent++;
	} else if (underlay_send_arp_request(nfva_ip_get_v4(&n->ip)) == 0) {
		neigh_table.stats.requests_sent++;
	}
}

/* A FAILED neighbour something needs: resolve again once its back-off is over. */
static void neigh_retry(struct neigh *n, uint64_t now)
{
	if (n->state != NEIGH_FAILED || now < n->next_probe_ms)
		return;
	n->state = NEIGH_INCOMPLETE;
	n->probes = 0;
	neigh_probe(n);
}

void neigh_resolve_ip(const struct nfva_ip *ip)
{
	if (ip->family == 0 || (ip->family == AF_INET && nfva_ip_get_v4(ip) == 0))
		return;
	struct neigh *n = neigh_find(ip);
	if (n != NULL) {
		n->wanted = true;
		n->used_ms = neigh_now_ms();
		neigh_retry(n, n->used_ms);
		return;
	}
	n = neigh_create(ip, true);
	if (n != NULL)
		neigh_probe(n);
}

int neigh_want(const struct nfva_ip *ip)
{
	neigh_resolve_ip(ip);
	struct neigh *n = neigh_find(ip);
	if (n == NULL)
		return -ENOSPC;
	if (n->state == NEIGH_STALE) {
		n->probes = 0;
		n->next_probe_ms = 0; /* the next timer tick probes it */
	}
	return 0;
}

static void neigh_release_held(struct neigh *n, bool deliver)
{
	for (unsigned i = 0; i < n->n_held; i++) {
		struct rte_mbuf *m = n->held[i];
		if (deliver) {
			const struct pkt_meta *meta = pkt_meta(m);
			ctrl_reinject(m, meta->owner, meta->vtep_ip);
		} else {
			neigh_table.stats.held_dropped++;
			rte_pktmbuf_free(m);
		}
	}
	n->n_held = 0;
}

void neigh_hold_ip(const struct nfva_ip *ip, struct rte_mbuf *m)
{
	neigh_resolve_ip(ip); /* a new entry, or a failed one tried again */
	struct neigh *n = neigh_find(ip);

	if (n != NULL && neigh_usable(n)) {
		const struct pkt_meta *meta = pkt_meta(m);
		ctrl_reinject(m, meta->owner, meta->vtep_ip);
		return;
	}
	/* Frames wait only while a resolution is under way (bounded by its
	 * probes); a FAILED neighbour in its back-off takes none. */
	if (n == NULL || n->state != NEIGH_INCOMPLETE || n->n_held == NEIGH_HOLD_MAX) {
		neigh_table.stats.held_dropped++;
		rte_pktmbuf_free(m);
		return;
	}
	n->held[n->n_held++] = m;
	neigh_table.stats.held++;
}

/* A MAC seen for ip (reply, request from it, gratuitous ARP, NA). */
void neigh_update(const struct nfva_ip *ip, const struct rte_ether_addr *mac, bool create)
{
	struct neigh *n = neigh_find(ip);

	if (n == NULL && create)
		n = neigh_create(ip, false);
	if (n == NULL || n->state == NEIGH_PERMANENT)
		return;
	bool changed = !neigh_usable(n) || !rte_is_same_ether_addr(&n->mac, mac);
	/* Failed before, maybe being probed again (INCOMPLETE) now: a failure
	 * doubled the back-off, a success resets it. */
	if (n->state == NEIGH_FAILED || n->backoff_ms != NEIGH_FAILED_RETRY_MIN_MS)
		neigh_table.stats.recoveries++;
	n->mac = *mac;
	n->state = NEIGH_REACHABLE;
	n->probes = 0;
	n->backoff_ms = NEIGH_FAILED_RETRY_MIN_MS;
	n->confirmed_ms = neigh_now_ms();
	if (changed) {
		neigh_table.stats.updates++;
		neigh_notify(ip);
	}
	neigh_release_held(n, true);
}

/* The sender of an NS for our address, or an unsolicited NA that overrides
 * (RFC 4861 7.2.3, 7.2.5): a new entry (when create) or a changed MAC
 * becomes STALE, re-probed after the reachable time like any stale entry;
 * the same MAC on a usable entry changes nothing. */
void neigh_learn_stale(const struct nfva_ip *ip, const struct rte_ether_addr *mac, bool create)
{
	struct neigh *n = neigh_find(ip);

	if (n == NULL && create)
		n = neigh_create(ip, false);
	if (n == NULL || n->state == NEIGH_PERMANENT)
		return;
	if (neigh_usable(n) && rte_is_same_ether_addr(&n->mac, mac))
		return;
	if (n->state == NEIGH_FAILED || n->backoff_ms != NEIGH_FAILED_RETRY_MIN_MS)
		neigh_table.stats.recoveries++;
	n->mac = *mac;
	n->state = NEIGH_STALE;
	n->probes = 0;
	n->backoff_ms = NEIGH_FAILED_RETRY_MIN_MS;
	n->next_probe_ms = neigh_now_ms() + NEIGH_REACHABLE_MS;
	neigh_table.stats.updates++;
	neigh_notify(ip);
	neigh_release_held(n, true);
}

int neigh_add_static_ip(const struct nfva_ip *ip, const struct rte_ether_addr *mac)
{
	struct neigh *n = neigh_find(ip);
	if (n == NULL && (n = neigh_create(ip, true)) == NULL)
		return -ENOSPC;
	n->mac = *mac;
	n->state = NEIGH_PERMANENT;
	neigh_notify(ip);
	neigh_release_held(n, true);
	return 0;
}

static void neigh_forget(struct neigh *n)
{
	bool was_usable = neigh_usable(n);
	struct nfva_ip ip = n->ip;
	neigh_release_held(n, false);
	neigh_drop(n);
	if (was_usable)
		neigh_notify(&ip);
}

int neigh_del_ip(const struct nfva_ip *ip)
{
	struct neigh *n = neigh_find(ip);
	if (n == NULL)
		return -ENOENT;
	neigh_release_held(n, false);
	neigh_drop(n);
	neigh_notify(ip);
	return 0;
}

void neigh_flush(void)
{
	for (uint32_t i = 0; i < neigh_table.capacity; i++) {
		struct neigh *n = &neigh_table.entries[i];
		if (n->used && n->state != NEIGH_PERMANENT) {
			neigh_release_held(n, false);
			neigh_drop(n);
			neigh_notify(&n->ip);
		}
	}
}

/* A resolution got no answer: FAILED, the held frames dropped, and the next
 * try after a back-off that doubles each time. */
static void neigh_fail(struct neigh *n, uint64_t now)
{
	bool was_usable = neigh_usable(n);
	if (n->state != NEIGH_FAILED)
		neigh_table.stats.failures++;
	n->state = NEIGH_FAILED;
	n->next_probe_ms = now + n->backoff_ms;
	n->backoff_ms = RTE_MIN(2 * n->backoff_ms, (uint32_t)NEIGH_FAILED_RETRY_MAX_MS);
	neigh_release_held(n, false);
	if (was_usable)
		neigh_notify(&n->ip);
}

/* Not asked for or failed, and unused for long: the entry goes. */
static bool neigh_expired(const struct neigh *n, uint64_t now)
{
	return (!n->wanted || n->state == NEIGH_FAILED) && now - n->used_ms > NEIGH_UNUSED_MS;
}

/* Four times a second: retries, failures, re-probing of stale and failed
 * entries, expiry of unused ones. */
void neigh_timers(void)
{
	uint64_t now = neigh_now_ms();

	for (uint32_t i = 0; i < neigh_table.capacity; i++) {
		struct neigh *n = &neigh_table.entries[i];
		if (!n->used || n->state == NEIGH_PERMANENT)
			continue;
		if (neigh_expired(n, now)) {
			neigh_table.stats.expired++;
			neigh_forget(n);
			continue;
		}
		if (n->state == NEIGH_REACHABLE && now - n->confirmed_ms > NEIGH_REACHABLE_MS) {
			n->state = NEIGH_STALE;
			n->probes = 0;
			neigh_probe(n);
			continue;
		}
		if (n->state == NEIGH_FAILED && n->wanted) {
			neigh_retry(n, now); /* a wanted peer heals without waiting for traffic */
			continue;
		}
		if ((n->state != NEIGH_INCOMPLETE && n->state != NEIGH_STALE) ||
				now < n->next_probe_ms)
			continue;
		if (n->probes < NEIGH_MAX_PROBES)
			neigh_probe(n);
		else
			neigh_fail(n, now);
	}
}

static void neigh_module_fini(void)
{
	for (uint32_t i = 0; i < neigh_table.capacity; i++)
		if (neigh_table.entries[i].used)
			neigh_release_held(&neigh_table.entries[i], false);
	rte_hash_free(neigh_table.by_ip);
	free(neigh_table.entries);
	free(neigh_table.free_stack);
	memset(&neigh_table, 0, sizeof(neigh_table));
}

/* --max-neighbours entries and their index by address. */
static int neigh_module_init(void)
{
	uint32_t cap = nfva_options()->max_neighbours;
	struct rte_hash_parameters params = {
		.name = "nfva_neigh",
		.entries = cap,
		.key_len = sizeof(struct nfva_ip),
		.hash_func = rte_hash_crc,
		.socket_id = SOCKET_ID_ANY,
		/* Every free entry must find a slot: without the extendable
		 * buckets a full table refused keys whose buckets were full. */
		.extra_flag = RTE_HASH_EXTRA_FLAGS_EXT_TABLE,
	};

	neigh_table.entries = calloc(cap, sizeof(*neigh_table.entries));
	neigh_table.free_stack = calloc(cap, sizeof(*neigh_table.free_stack));
	neigh_table.by_ip = rte_hash_create(&params);
	if (neigh_table.entries == NULL || neigh_table.free_stack == NULL ||
			neigh_table.by_ip == NULL) {
		neigh_module_fini();
		return errno_log(ENOMEM, "neighbour table");
	}
	neigh_table.capacity = cap;
	for (uint32_t i = 0; i < cap; i++)
		neigh_table.free_stack[i] = cap - 1 - i;
	neigh_table.n_free = cap;
	return 0;
}

static struct nfva_module neigh_module = {
	.name = "neighbours",
	.init = neigh_module_init,
	.fini = neigh_module_fini,
};
NFVA_MODULE(neigh_module)
