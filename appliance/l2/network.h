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

#include "core/dp_config.h"
#include "core/bounds.h"

/* How a network crosses the underlay (encap DP_ENCAP_NONE: local only). */
struct network_overlay {
	uint8_t encap;      /* enum dp_encap */
	uint32_t vni;       /* VXLAN VNI or GRE key (NVGRE: VSID) */
	bool nvgre;         /* GRE key = VSID << 8 | flow id */
	uint16_t udp_port;  /* VXLAN destination port (host order) */
	uint32_t group;     /* BUM multicast group (network order), 0 = none */
	bool df;            /* set DF on outer IPv4 */
	bool udp_csum;      /* compute the outer UDP checksum (else 0) */
	bool strict;        /* accept only the configured VTEPs */
	bool collector;     /* receives mirror copies: no learning, frames flooded locally */
	uint8_t erspan_hw_id; /* ERSPAN III hardware id (mirror sessions) */
	uint16_t n_vteps;
	uint32_t vteps[NFVA_MAX_VTEPS]; /* head-end replication list, network order */
};

struct network {
	bool used;
	uint16_t index;
	char name[NFVA_NAME_SIZE];
	uint32_t mac_limit; /* 0 = unlimited */
	uint16_t n_members;
	struct dp_attachment members[NFVA_MAX_MEMBERS];
	struct network_overlay overlay;
};

struct network *network_find(const char *name);
struct network *network_by_index(uint16_t index);
/* The network a (port, vlan) attachment belongs to, or NULL. */
struct network *network_of_attachment(uint16_t port, uint16_t vlan);

int network_add(const char *name, uint32_t mac_limit, const struct network_overlay *ov,
		char *err, size_t errlen);
int network_vtep_add(struct network *n, uint32_t ip, char *err, size_t errlen);
int network_vtep_del(struct network *n, uint32_t ip, char *err, size_t errlen);
/* Bytes the encapsulation adds in front of the inner frame's Ethernet
 * header (LISP: in front of the inner IP packet), outer Ethernet excluded
 * (VXLAN 36, GRE with key 28, LISP 36). */
unsigned network_encap_overhead(const struct network *n);
int network_del(struct network *n);
int network_attach(struct network *n, uint16_t port, uint16_t vlan, char *err, size_t errlen);
int network_detach(struct network *n, uint16_t port, uint16_t vlan, char *err, size_t errlen);
int network_set_mac_limit(struct network *n, uint32_t limit);

/* Checks run after a network or attachment is added, before it is
 * published; a failure undoes the change (e.g. mirror tenant isolation). */
struct network_validator {
	int (*check)(char *err, size_t errlen);
	struct network_validator *next;
};
void network_register_validator(struct network_validator *v);

#endif
