/* SPDX-License-Identifier: BSD-3-Clause */
/* Neighbour table, resolution state machine and hold queues (see neigh.h). */
#include <string.h>
#include <time.h>

#include <rte_arp.h>

#include "core/bounds.h"
#include "core/event.h"
#include "core/log.h"
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

struct neigh *neigh_find(uint32_t ip)
{
	for (unsigned i = 0; i < NFVA_MAX_NEIGHS; i++)
		if (neigh_table.entries[i].used && neigh_table.entries[i].ip == ip)
			return &neigh_table.entries[i];
	return NULL;
}

static struct neigh *neigh_create(uint32_t ip)
{
	for (unsigned i = 0; i < NFVA_MAX_NEIGHS; i++) {
		struct neigh *n = &neigh_table.entries[i];
		if (n->used)
			continue;
		memset(n, 0, sizeof(*n));
		n->used = true;
		n->ip = ip;
		n->state = NEIGH_INCOMPLETE;
		return n;
	}
	neigh_table.stats.table_full++;
	return NULL;
}

static bool neigh_usable(const struct neigh *n)
{
	return n->state == NEIGH_REACHABLE || n->state == NEIGH_STALE ||
			n->state == NEIGH_PERMANENT;
}

bool neigh_mac(uint32_t ip, struct rte_ether_addr *mac)
{
	const struct neigh *n = neigh_find(ip);
	if (n == NULL || !neigh_usable(n))
		return false;
	*mac = n->mac;
	return true;
}

static void neigh_notify(uint32_t ip)
{
	struct nfva_event ev = { .type = EVENT_NEIGH_CHANGED, .ip = ip };
	event_publish(&ev);
}

static void neigh_probe(struct neigh *n)
{
	n->probes++;
	n->next_probe_ms = neigh_now_ms() + NEIGH_RETRY_MS;
	if (underlay_send_arp_request(n->ip) == 0)
		neigh_table.stats.requests_sent++;
}

void neigh_resolve(uint32_t ip)
{
	if (ip == 0 || neigh_find(ip) != NULL)
		return;
	struct neigh *n = neigh_create(ip);
	if (n != NULL)
		neigh_probe(n);
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

void neigh_hold(uint32_t ip, struct rte_mbuf *m)
{
	struct neigh *n = neigh_find(ip);

	if (n == NULL) {
		neigh_resolve(ip);
		n = neigh_find(ip);
	}
	if (n != NULL && neigh_usable(n)) {
		const struct pkt_meta *meta = pkt_meta(m);
		ctrl_reinject(m, meta->owner, meta->vtep_ip);
		return;
	}
	if (n == NULL || n->n_held == NEIGH_HOLD_MAX) {
		neigh_table.stats.held_dropped++;
		rte_pktmbuf_free(m);
		return;
	}
	n->held[n->n_held++] = m;
	neigh_table.stats.held++;
}

/* A MAC seen for ip (reply, request from it, gratuitous ARP). */
void neigh_update(uint32_t ip, const struct rte_ether_addr *mac, bool create)
{
	struct neigh *n = neigh_find(ip);

	if (n == NULL && create)
		n = neigh_create(ip);
	if (n == NULL || n->state == NEIGH_PERMANENT)
		return;
	bool changed = !neigh_usable(n) || !rte_is_same_ether_addr(&n->mac, mac);
	n->mac = *mac;
	n->state = NEIGH_REACHABLE;
	n->probes = 0;
	n->confirmed_ms = neigh_now_ms();
	if (changed) {
		neigh_table.stats.updates++;
		neigh_notify(ip);
	}
	neigh_release_held(n, true);
}

int neigh_add_static(uint32_t ip, const struct rte_ether_addr *mac)
{
	struct neigh *n = neigh_find(ip);
	if (n == NULL && (n = neigh_create(ip)) == NULL)
		return -ENOSPC;
	n->mac = *mac;
	n->state = NEIGH_PERMANENT;
	neigh_notify(ip);
	neigh_release_held(n, true);
	return 0;
}

int neigh_del(uint32_t ip)
{
	struct neigh *n = neigh_find(ip);
	if (n == NULL)
		return -ENOENT;
	neigh_release_held(n, false);
	n->used = false;
	neigh_notify(ip);
	return 0;
}

void neigh_flush(void)
{
	for (unsigned i = 0; i < NFVA_MAX_NEIGHS; i++) {
		struct neigh *n = &neigh_table.entries[i];
		if (n->used && n->state != NEIGH_PERMANENT) {
			neigh_release_held(n, false);
			n->used = false;
			neigh_notify(n->ip);
		}
	}
}

/* Once a second: retries, failures, re-probing of stale entries. */
void neigh_timers(void)
{
	uint64_t now = neigh_now_ms();

	for (unsigned i = 0; i < NFVA_MAX_NEIGHS; i++) {
		struct neigh *n = &neigh_table.entries[i];
		if (!n->used || n->state == NEIGH_PERMANENT)
			continue;
		if (n->state == NEIGH_REACHABLE && now - n->confirmed_ms > NEIGH_REACHABLE_MS) {
			n->state = NEIGH_STALE;
			n->probes = 0;
			neigh_probe(n);
			continue;
		}
		if ((n->state != NEIGH_INCOMPLETE && n->state != NEIGH_STALE) ||
				now < n->next_probe_ms)
			continue;
		if (n->probes < NEIGH_MAX_PROBES) {
			neigh_probe(n);
			continue;
		}
		bool was_usable = neigh_usable(n);
		n->state = NEIGH_FAILED;
		n->next_probe_ms = now + NEIGH_FAILED_RETRY_MS;
		neigh_table.stats.failures++;
		neigh_release_held(n, false);
		if (was_usable)
			neigh_notify(n->ip);
	}
}
