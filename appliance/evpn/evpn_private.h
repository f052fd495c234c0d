/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to evpn*.c: the module's state (see evpn.c). */
#ifndef NFVA_EVPN_PRIVATE_H
#define NFVA_EVPN_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>

#include <net/if.h>

#include <rte_cycles.h>

#include "evpn/evpn_nl.h"
#include "l2/fdb.h"

/* The shadow objects of one EVPN network in the control netns. */
struct evpn_net {
	bool used;
	bool ready; /* every object exists */
	uint16_t network;
	uint32_t vni;
	char br[IF_NAMESIZE], vx[IF_NAMESIZE], ve[IF_NAMESIZE], vp[IF_NAMESIZE];
	int br_ifindex, vx_ifindex, ve_ifindex;
	int error; /* -errno of the last failed creation, 0 */
};

struct evpn_counters {
	uint64_t in_mac_add, in_mac_del, in_vtep_add, in_vtep_del;
	uint64_t out_add, out_del;
	uint64_t resyncs, overflows; /* dumps run; ENOBUFS on the monitor */
	uint64_t swept_macs, swept_vteps, swept_out;
	uint64_t in_refused; /* remote MACs nfva could not take (table full, static) */
	uint64_t nl_errors;  /* errors the kernel answered */
	int last_errno;
	double last_resync_ms;
};

struct evpn_state {
	char netns[64];
	struct evnl nl;
	struct evpn_net *nets;    /* network_capacity(), by network index */
	struct rte_hash *selfmap; /* fdb_key -> dst of the kernel's remote entries */
	uint32_t n_nets;
	struct evpn_counters c;
	bool dirty;        /* the flood lists changed: commit a snapshot */
	bool want_resync;  /* a dump is due */
	bool dumping;      /* a dump is being read */
	bool removing_own; /* EVENT_FDB_REMOVED caused by the mirror itself */
	uint64_t dump_start_ms;
};

extern struct evpn_state evpn;

static inline uint64_t evpn_now_ms(void)
{
	return rte_get_tsc_cycles() / (rte_get_tsc_hz() / 1000);
}

/* The EVPN network a bridge-FDB message on ifindex belongs to (its vxlan or
 * veth), or NULL. */
struct evpn_net *evpn_net_by_ifindex(int ifindex, bool *is_vxlan);
/* A neighbour message from the monitor or a dump (evpn.c). */
void evpn_in_neigh(const struct evnl_neigh *n, bool from_dump);

/* The MAC is remote behind dst (applied to the FDB); the kernel's self
 * entry of key. */
void evpn_in_mac_set(const struct fdb_key *key, uint32_t dst);
bool evpn_selfmap_get(const struct fdb_key *key, uint32_t *dst);
int evpn_selfmap_create(void);

/* Resync (evpn_sync.c): mark-and-sweep over a dump. */
void evpn_sync_start(void);
void evpn_sync_seen_mac(uint16_t network, const struct rte_ether_addr *mac);
void evpn_sync_seen_vtep(uint16_t network, uint32_t ip);
void evpn_sync_seen_out(uint16_t network, const struct rte_ether_addr *mac);
void evpn_sync_finish(void);
void evpn_sync_free(void);

/* Shadow objects (evpn_shadow.c). */
int evpn_net_create(uint16_t network);
void evpn_net_destroy(struct evpn_net *e);

/* Advertise (or withdraw) nfva's local MAC in the shadow bridge. */
void evpn_out_mac(const struct evpn_net *e, const struct rte_ether_addr *mac, bool add);

#endif
