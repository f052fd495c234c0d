/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Networks (bridge domains), control side. A network has local members —
 * attachments (port, vlan): frames of the network leave the port tagged with
 * vlan, and frames arriving on the port with that tag (or untagged, for an
 * untagged attachment) belong to the network. A (port, vlan) pair belongs to
 * at most one network. An overlay (VNI, encapsulation) carries the network
 * across the underlay; its flood list (head-end replication) holds remote
 * VTEPs of two origins: configured ones (`network N vtep add`) and those BGP
 * EVPN announced (type-3 routes, evpn/), each VTEP sent one copy whatever
 * its origins.
 *
 * The table holds --max-networks networks (index 0..capacity-1); each flood
 * list holds at most --max-vteps VTEPs, both origins counted.
 */
#ifndef NFVA_NETWORK_H
#define NFVA_NETWORK_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

#include "core/bounds.h"
#include "core/datapath.h"
#include "core/dp_config.h"
#include "overlay/tunnel.h"

/* A VTEP list of one origin: network order, unsorted, up to --max-vteps. */
struct vtep_list {
	uint32_t n, cap;
	uint32_t *ip;
};

struct network {
	bool used;
	uint16_t index;
	char name[NFVA_NAME_SIZE];
	uint32_t mac_limit; /* 0 = unlimited */
	uint16_t n_members;
	struct dp_attachment members[NFVA_MAX_MEMBERS];
	struct network_overlay overlay;
	struct net_counters baseline; /* worker counters at add / last stats clear */
	struct vtep_list vteps;       /* configured */
	struct vtep_list evpn_vteps;  /* from EVPN type-3 routes (evpn/) */
};

enum vtep_origin {
	VTEP_CONFIG = 1 << 0,
	VTEP_EVPN = 1 << 1,
};

/* Control thread, at start (the module's init): the table, --max-networks. */
int network_init(void);
void network_fini(void);
/* Networks the table holds (--max-networks). */
uint32_t network_capacity(void);
struct network *network_find(const char *name);
struct network *network_by_index(uint16_t index);
/* The network a (port, vlan) attachment belongs to, or NULL. */
struct network *network_of_attachment(uint16_t port, uint16_t vlan);

int network_add(const char *name, uint32_t mac_limit, const struct network_overlay *ov, char *err,
		size_t errlen);
int network_del(struct network *n);
int network_attach(struct network *n, uint16_t port, uint16_t vlan, char *err, size_t errlen);
int network_detach(struct network *n, uint16_t port, uint16_t vlan, char *err, size_t errlen);
int network_set_mac_limit(struct network *n, uint32_t limit);

/* Counters since the network was added or the last `stats clear`
 * (network_stats.c), and as JSON ({rx_packets, ..., dropped: {REASON: n}}). */
void network_counters(const struct network *n, struct net_counters *c);
json_t *network_counters_to_json(const struct network *n);
/* Configured VTEPs (network_vtep.c); each publishes a snapshot. */
int network_vtep_add(struct network *n, uint32_t ip, char *err, size_t errlen);
int network_vtep_del(struct network *n, uint32_t ip, char *err, size_t errlen);
/* EVPN VTEPs (the evpn module): 0, -EEXIST, -ENOSPC (the flood list is full)
 * or -ENOENT; no snapshot is published: the caller commits once for a batch. */
int network_evpn_vtep_add(struct network *n, uint32_t ip);
int network_evpn_vtep_del(struct network *n, uint32_t ip);
void network_evpn_vteps_clear(struct network *n);
/* The origins (enum vtep_origin) of ip in n's flood list, 0 when absent. */
unsigned network_vtep_origins(const struct network *n, uint32_t ip);
/* VTEPs in the flood list, each counted once. */
unsigned network_flood_count(const struct network *n);
/* The configured VTEPs and EVPN VTEPs, sorted and without duplicates, into
 * out (room for n->vteps.n + n->evpn_vteps.n); returns how many. */
unsigned network_flood_list(const struct network *n, uint32_t *out);
/* Is ip a configured VTEP, an EVPN VTEP or the group of n's overlay? */
bool network_wants(const struct network *n, uint32_t ip);
void vtep_list_free(struct vtep_list *l);

/* After a network or attachment is added, before it is published, every
 * subscriber of EVENT_NETWORK_CHECK may refuse it (mirror tenant isolation);
 * a refusal undoes the change. Once a network is published,
 * EVENT_NETWORK_ADDED; before one goes, EVENT_NETWORK_REMOVING (.network). */

#endif
