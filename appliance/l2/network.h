/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Networks (bridge domains), control side. A network has local members —
 * attachments (port, vlan): frames of the network leave the port tagged with
 * vlan, and frames arriving on the port with that tag (or untagged, for an
 * untagged attachment) belong to the network. A (port, vlan) pair belongs to
 * at most one network. Later features hang an overlay (VNI, encapsulation,
 * remote VTEPs) on the network.
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

struct network {
	bool used;
	uint16_t index;
	char name[NFVA_NAME_SIZE];
	uint32_t mac_limit; /* 0 = unlimited */
	uint16_t n_members;
	struct dp_attachment members[NFVA_MAX_MEMBERS];
	struct network_overlay overlay;
	struct net_counters baseline; /* worker counters at add / last stats clear */
};

struct network *network_find(const char *name);
struct network *network_by_index(uint16_t index);
/* The network a (port, vlan) attachment belongs to, or NULL. */
struct network *network_of_attachment(uint16_t port, uint16_t vlan);

int network_add(const char *name, uint32_t mac_limit, const struct network_overlay *ov, char *err,
		size_t errlen);
int network_vtep_add(struct network *n, uint32_t ip, char *err, size_t errlen);
int network_vtep_del(struct network *n, uint32_t ip, char *err, size_t errlen);
int network_del(struct network *n);
int network_attach(struct network *n, uint16_t port, uint16_t vlan, char *err, size_t errlen);
int network_detach(struct network *n, uint16_t port, uint16_t vlan, char *err, size_t errlen);
int network_set_mac_limit(struct network *n, uint32_t limit);

/* Counters since the network was added or the last `stats clear`
 * (network_stats.c), and as JSON ({rx_packets, ..., dropped: {REASON: n}}). */
void network_counters(const struct network *n, struct net_counters *c);
json_t *network_counters_to_json(const struct network *n);

/* After a network or attachment is added, before it is published, every
 * subscriber of EVENT_NETWORK_CHECK may refuse it (mirror tenant isolation);
 * a refusal undoes the change. */

#endif
