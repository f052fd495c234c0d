/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * BGP EVPN through FRR (docs/evpn.md): for each EVPN network, shadow kernel
 * objects in the control netns where FRR runs (bridge, vxlan with local =
 * nfva's VTEP and dstport = the network's UDP port, a veth standing for
 * nfva's attachments), and two mirrors over rtnetlink:
 * - out: nfva's local MACs (the FDB change feed, removals) become static
 *   bridge FDB entries on the veth; zebra advertises them (type-2);
 * - in: what zebra writes on the vxlan device (NTF_SELF with a dst): remote
 *   MACs into nfva's FDB (origin evpn), 00:00:00:00:00:00 into the network's
 *   flood list (origin evpn).
 * A dump at start, after an overflow and on request resyncs both (evpn_sync.c).
 * All netlink I/O is non-blocking, polled by a periodic task.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <linux/neighbour.h>
#include <rte_hash.h>
#include <rte_hash_crc.h>

#include "control/periodic.h"
#include "core/args.h"
#include "core/clock.h"
#include "core/event.h"
#include "core/log.h"
#include "core/module.h"
#include "evpn/evpn_private.h"
#include "l2/network.h"
#include "overlay/encap.h"
#include "overlay/underlay.h"

NFVA_LOG_REGISTER(evpn)

#define MON_MAX 256  /* notification datagrams read per run */
#define DUMP_MAX 256 /* dump datagrams read per run */

struct evpn_state evpn;

struct evpn_net *evpn_net_by_ifindex(int ifindex, bool *is_vxlan)
{
	for (uint32_t i = 0; i < evpn.n_nets; i++) {
		struct evpn_net *e = &evpn.nets[i];
		if (!e->used || !e->ready)
			continue;
		if (e->vx_ifindex == ifindex || e->ve_ifindex == ifindex) {
			*is_vxlan = e->vx_ifindex == ifindex;
			return e;
		}
	}
	return NULL;
}

void evpn_out_mac(const struct evpn_net *e, const struct rte_ether_addr *mac, bool add)
{
	if (!e->ready)
		return;
	if (evnl_fdb_static(&evpn.nl, e->ve_ifindex, mac, add) < 0)
		evpn.c.nl_errors++;
	else if (add)
		evpn.c.out_add++;
	else
		evpn.c.out_del++;
}

static void in_vtep(struct evpn_net *e, uint32_t ip, bool del)
{
	struct network *n = network_by_index(e->network);
	int ret;

	if (n == NULL)
		return;
	if (del) {
		ret = network_evpn_vtep_del(n, ip);
		evpn.c.in_vtep_del += ret == 0;
	} else {
		ret = network_evpn_vtep_add(n, ip);
		evpn.c.in_vtep_add += ret == 0;
		evpn.c.in_refused += ret == -ENOSPC;
	}
	if (ret == 0)
		evpn.dirty = true;
}

/* The kernel's remote entries (NTF_SELF with a dst on a shadow vxlan), by
 * key: zebra may leave one in place while the MAC is local, and only move the
 * bridge's entry back to the vxlan when the MAC returns there. */
static void selfmap_set(const struct fdb_key *key, uint32_t dst, bool add)
{
	if (evpn.selfmap == NULL)
		return;
	if (add)
		rte_hash_add_key_data(evpn.selfmap, key, (void *)(uintptr_t)dst);
	else
		rte_hash_del_key(evpn.selfmap, key);
}

bool evpn_selfmap_get(const struct fdb_key *key, uint32_t *dst)
{
	void *data;
	if (evpn.selfmap == NULL || rte_hash_lookup_data(evpn.selfmap, key, &data) < 0)
		return false;
	*dst = (uint32_t)(uintptr_t)data;
	return true;
}

/* The MAC is behind VTEP dst (zebra says so). */
void evpn_in_mac_set(const struct fdb_key *key, uint32_t dst)
{
	const struct underlay *u = underlay_get();
	if (!u->active) {
		evpn.c.in_refused++; /* no uplink to reach the VTEP through */
		return;
	}
	encap_ensure(key->network, dst);
	union fdb_dest old;
	bool same = fdb_lookup_dest(key->network, &key->mac, &old) && (old.flags & FDB_F_EVPN) &&
			old.vtep_ip == dst;
	if (same)
		return;
	if (fdb_set_evpn(key, u->port, dst) == 0)
		evpn.c.in_mac_add++;
	else
		evpn.c.in_refused++;
}

static void in_mac(struct evpn_net *e, const struct evnl_neigh *ne, bool from_dump)
{
	struct fdb_key key = { .network = e->network, .mac = ne->mac };

	selfmap_set(&key, ne->dst, !ne->del);
	if (ne->del) {
		evpn.removing_own = true;
		evpn.c.in_mac_del += fdb_del_evpn(&key, ne->dst) == 0;
		evpn.removing_own = false;
		return;
	}
	if (evpn.dumping)
		evpn_sync_seen_mac(e->network, &ne->mac);
	/* A dump applies it at its end, unless the MAC is on the veth (local). */
	if (!from_dump)
		evpn_in_mac_set(&key, ne->dst);
}

/* The bridge's own entry moved onto the vxlan (NTF_MASTER, no dst): zebra
 * made a local MAC remote again; its dst is the kernel's self entry. */
static void in_master(struct evpn_net *e, const struct evnl_neigh *ne)
{
	struct fdb_key key = { .network = e->network, .mac = ne->mac };
	uint32_t dst;

	if (!ne->del && evpn_selfmap_get(&key, &dst))
		evpn_in_mac_set(&key, dst);
}

/* In: NTF_SELF entries with a dst on the vxlan device (zebra's remote MACs,
 * sticky ones too, and the zero MAC of flood VTEPs); the bridge's copies
 * carry no dst, and tell only that a MAC moved back to the vxlan. Out, in a
 * dump only: what is on the veth. */
void evpn_in_neigh(const struct evnl_neigh *ne, bool from_dump)
{
	bool is_vxlan = false;
	struct evpn_net *e = evpn_net_by_ifindex(ne->ifindex, &is_vxlan);

	if (e == NULL || !ne->has_mac)
		return;
	if (!is_vxlan) {
		if (from_dump && ne->master)
			evpn_sync_seen_out(e->network, &ne->mac);
		return;
	}
	if (ne->master && !ne->has_dst && !from_dump) {
		in_master(e, ne);
		return;
	}
	if (!(ne->flags & NTF_SELF) || !ne->has_dst)
		return;
	if (rte_is_zero_ether_addr(&ne->mac)) {
		if (evpn.dumping && !ne->del)
			evpn_sync_seen_vtep(e->network, ne->dst);
		in_vtep(e, ne->dst, ne->del);
		return;
	}
	in_mac(e, ne, from_dump);
}

static void mon_cb(const struct evnl_neigh *ne, void *arg)
{
	(void)arg;
	evpn_in_neigh(ne, false);
}

static void dump_cb(const struct evnl_neigh *ne, void *arg)
{
	(void)arg;
	evpn_in_neigh(ne, true);
}

static void evpn_poll_dump(void)
{
	bool done = false;

	if (evpn.want_resync && !evpn.dumping) {
		evpn.want_resync = false;
		evpn_sync_start();
		if (evnl_dump_start(&evpn.nl) < 0) {
			evpn.c.nl_errors++;
			evpn_sync_free();
			evpn.want_resync = true; /* next run */
			return;
		}
	}
	if (evpn.dumping && evnl_recv(&evpn.nl, EVNL_DUMP, DUMP_MAX, dump_cb, NULL, &done) >= 0 &&
			done)
		evpn_sync_finish();
}

static void evpn_poll(void)
{
	bool done;

	if (!evnl_is_open(&evpn.nl))
		return;
	unsigned errs = evnl_fdb_errors(&evpn.nl, &evpn.c.last_errno);
	evpn.c.nl_errors += errs;
	if (evnl_recv(&evpn.nl, EVNL_MON, MON_MAX, mon_cb, NULL, &done) == -ENOBUFS) {
		evpn.c.overflows++;
		NFVA_LOG(WARNING, "netlink notifications lost (ENOBUFS): resync");
		evpn.want_resync = true;
	}
	evpn_poll_dump();
	if (evpn.dirty) {
		evpn.dirty = false;
		if (dp_config_commit() < 0)
			NFVA_LOG(ERR, "snapshot with the EVPN flood lists failed");
	}
}

static struct periodic_task evpn_task = { .name = "evpn", .interval_ms = 10, .run = evpn_poll };

RTE_INIT(evpn_register_task)
{
	periodic_register(&evpn_task);
}

/* The self-entry map, made with the netns (no cost without EVPN). */
int evpn_selfmap_create(void)
{
	struct rte_hash_parameters params = {
		.name = "nfva_evpn_self",
		.entries = nfva_options()->fdb_entries,
		.key_len = sizeof(struct fdb_key),
		.hash_func = rte_hash_crc,
		.socket_id = SOCKET_ID_ANY,
	};
	if (evpn.selfmap == NULL)
		evpn.selfmap = rte_hash_create(&params);
	return evpn.selfmap == NULL ? -ENOMEM : 0;
}

static int evpn_init(void)
{
	evpn.n_nets = network_capacity();
	evpn.nets = calloc(evpn.n_nets, sizeof(*evpn.nets));
	return evpn.nets == NULL ? -ENOMEM : 0;
}

static void evpn_fini(void)
{
	for (uint32_t i = 0; i < evpn.n_nets; i++)
		if (evpn.nets[i].used)
			evpn_net_destroy(&evpn.nets[i]);
	evpn_sync_free();
	evnl_close(&evpn.nl);
	rte_hash_free(evpn.selfmap);
	free(evpn.nets);
	memset(&evpn, 0, sizeof(evpn));
}

static struct nfva_module evpn_module = {
	.name = "evpn",
	.depends_on = "networks fdb encap",
	.init = evpn_init,
	.fini = evpn_fini,
};
NFVA_MODULE(evpn_module)
