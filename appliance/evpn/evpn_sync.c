/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Resync by mark and sweep (see evpn.c): while a dump of the control netns's
 * bridge FDB is read, every remote MAC, flood VTEP (applied as it comes) and
 * shadow entry seen is noted; at its end, what nfva holds from EVPN that the
 * kernel no longer has is removed, nfva's local MACs missing on the veth are
 * advertised, and veth entries nfva no longer has locally are withdrawn.
 * Notifications read during the dump count as seen too.
 */
#include <stdlib.h>
#include <string.h>

#include "core/log.h"
#include "evpn/evpn_private.h"
#include "l2/network.h"

NFVA_LOG_REGISTER(evpn_sync)

/* A growable sorted-at-the-end set of keys. */
struct key_set {
	struct fdb_key *k;
	uint32_t n, cap;
};

static struct key_set seen_in, seen_out, seen_vteps; /* vteps: mac = the IP's bytes */
static uint64_t start_ms;

static void set_add(struct key_set *s, uint16_t network, const void *id, size_t len)
{
	if (s->n == s->cap) {
		uint32_t cap = s->cap != 0 ? s->cap * 2 : 1024;
		struct fdb_key *k = realloc(s->k, cap * sizeof(*k));
		if (k == NULL)
			return; /* not seen: swept, and back at the next notification */
		s->k = k;
		s->cap = cap;
	}
	struct fdb_key *key = &s->k[s->n++];
	memset(key, 0, sizeof(*key));
	key->network = network;
	memcpy(key->mac.addr_bytes, id, len);
}

static int key_cmp(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct fdb_key));
}

static bool set_has(const struct key_set *s, const struct fdb_key *key)
{
	return s->n != 0 && bsearch(key, s->k, s->n, sizeof(*key), key_cmp) != NULL;
}

static void set_clear(struct key_set *s)
{
	free(s->k);
	memset(s, 0, sizeof(*s));
}

void evpn_sync_free(void)
{
	set_clear(&seen_in);
	set_clear(&seen_out);
	set_clear(&seen_vteps);
	evpn.dumping = false;
}

void evpn_sync_start(void)
{
	evpn_sync_free();
	evpn.dumping = true;
	start_ms = evpn_now_ms();
}

void evpn_sync_seen_mac(uint16_t network, const struct rte_ether_addr *mac)
{
	set_add(&seen_in, network, mac->addr_bytes, RTE_ETHER_ADDR_LEN);
}

void evpn_sync_seen_vtep(uint16_t network, uint32_t ip)
{
	set_add(&seen_vteps, network, &ip, sizeof(ip));
}

void evpn_sync_seen_out(uint16_t network, const struct rte_ether_addr *mac)
{
	set_add(&seen_out, network, mac->addr_bytes, RTE_ETHER_ADDR_LEN);
}

/* Keys of a walk, collected under the FDB lock, acted on after it. */
static void collect(const struct fdb_entry *e, void *arg)
{
	struct key_set *s = arg;
	if ((e->dest.flags & FDB_F_EVPN) || e->dest.kind == FDB_DEST_PORT)
		set_add(s, e->key.network, e->key.mac.addr_bytes, RTE_ETHER_ADDR_LEN);
}

static void sweep_macs(const struct evpn_net *e)
{
	struct fdb_filter f = { .network = e->network, .port = NFVA_PORT_NONE, .evpn_only = true };
	struct key_set held = { 0 };

	fdb_walk(&f, collect, &held);
	evpn.removing_own = true;
	for (uint32_t i = 0; i < held.n; i++)
		if (!set_has(&seen_in, &held.k[i]) && fdb_del_evpn(&held.k[i], 0) == 0)
			evpn.c.swept_macs++;
	evpn.removing_own = false;
	set_clear(&held);
}

static void sweep_vteps(const struct evpn_net *e)
{
	struct network *n = network_by_index(e->network);

	for (uint32_t i = 0; n != NULL && i < n->evpn_vteps.n;) {
		struct fdb_key k = { .network = e->network };
		memcpy(k.mac.addr_bytes, &n->evpn_vteps.ip[i], sizeof(uint32_t));
		if (set_has(&seen_vteps, &k)) {
			i++;
			continue;
		}
		network_evpn_vtep_del(n, n->evpn_vteps.ip[i]); /* the last one comes to i */
		evpn.c.swept_vteps++;
		evpn.dirty = true;
	}
}

/* Local MACs missing on the veth are advertised; veth entries that are not
 * nfva's local MACs any more are withdrawn. */
static void sync_out(const struct evpn_net *e)
{
	struct fdb_filter f = { .network = e->network, .port = NFVA_PORT_NONE };
	struct key_set local = { 0 };

	fdb_walk(&f, collect, &local);
	for (uint32_t i = 0; i < local.n; i++)
		if (!set_has(&seen_out, &local.k[i]))
			evpn_out_mac(e, &local.k[i].mac, true);
	qsort(local.k, local.n, sizeof(local.k[0]), key_cmp);
	for (uint32_t i = 0; i < seen_out.n; i++) {
		if (seen_out.k[i].network != e->network || set_has(&local, &seen_out.k[i]))
			continue;
		evpn_out_mac(e, &seen_out.k[i].mac, false);
		evpn.c.swept_out++;
	}
	set_clear(&local);
}

/* Remote MACs of the dump, but those whose bridge entry is on the veth
 * (local: zebra keeps its old self entry while a MAC is away from it). */
static void apply_in(void)
{
	uint32_t dst;

	for (uint32_t i = 0; i < seen_in.n; i++)
		if (!set_has(&seen_out, &seen_in.k[i]) && evpn_selfmap_get(&seen_in.k[i], &dst))
			evpn_in_mac_set(&seen_in.k[i], dst);
}

void evpn_sync_finish(void)
{
	qsort(seen_in.k, seen_in.n, sizeof(seen_in.k[0]), key_cmp);
	qsort(seen_out.k, seen_out.n, sizeof(seen_out.k[0]), key_cmp);
	qsort(seen_vteps.k, seen_vteps.n, sizeof(seen_vteps.k[0]), key_cmp);
	apply_in();
	for (uint32_t i = 0; i < evpn.n_nets; i++) {
		const struct evpn_net *e = &evpn.nets[i];
		if (!e->used || !e->ready)
			continue;
		sweep_macs(e);
		sweep_vteps(e);
		sync_out(e);
	}
	evpn.c.resyncs++;
	evpn.c.last_resync_ms = (double)(evpn_now_ms() - start_ms);
	NFVA_LOG(INFO, "resync: %u remote MACs, %u flood VTEPs, %u shadow entries in %.0f ms",
			seen_in.n, seen_vteps.n, seen_out.n, evpn.c.last_resync_ms);
	evpn_sync_free();
}
