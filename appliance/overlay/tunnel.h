/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Tunnel types: what one tunnel header needs on the control side. Each type
 * registers its ops from its own file (vxlan_template.c, gre_template.c,
 * lisp/lisp_template.c, mirror/erspan_template.c): its name in commands and
 * JSON, the outer IP protocol, the header it writes after the outer IPv4
 * header of an encapsulation template, and what the overhead is. The rest of
 * the appliance asks tunnel_ops_get()/tunnel_ops_find() instead of naming
 * types; a new type adds its wire id to enum dp_encap (core/dp_config.h).
 *
 * network_overlay: the tunnel parameters of an owner of templates (a network,
 * or a mirror session toward a remote collector).
 */
#ifndef NFVA_TUNNEL_H
#define NFVA_TUNNEL_H

#include <stdbool.h>
#include <stdint.h>
#include <rte_common.h>

#include "core/bounds.h"

/* How a network crosses the underlay (encap DP_ENCAP_NONE: local only). */
struct network_overlay {
	uint8_t encap;        /* enum dp_encap */
	uint32_t vni;         /* VXLAN VNI, GRE key, NVGRE VSID, LISP IID, ERSPAN session */
	bool nvgre;           /* GRE key = VSID << 8 | flow id */
	uint16_t udp_port;    /* UDP destination port (host order), UDP tunnels */
	uint32_t group;       /* BUM multicast group (network order), 0 = none */
	bool df;              /* set DF on outer IPv4 */
	bool udp_csum;        /* IPv4: compute the outer UDP checksum (else 0) */
	bool udp6_zero_csum;  /* IPv6: send UDP checksum 0, accept 0 (RFC 6935) */
	bool strict;          /* accept only the configured VTEPs */
	bool collector;       /* receives mirror copies: no learning, frames flooded locally */
	bool evpn;            /* BGP EVPN (evpn/): remote MACs and flood VTEPs from FRR */
	uint8_t erspan_hw_id; /* ERSPAN III hardware id (mirror sessions) */
};

struct tunnel_ops {
	uint8_t encap;     /* enum dp_encap: the wire id */
	const char *name;  /* in commands and JSON ("vxlan") */
	uint8_t ip_proto;  /* outer IPv4 protocol */
	uint8_t hdr_len;   /* bytes written after the outer IPv4 header */
	uint16_t udp_port; /* default UDP destination (host order), 0: not UDP */
	bool l3;           /* carries IP packets: the inner Ethernet header is not sent */
	bool mirror_only;  /* only for mirror copies, never a network's encapsulation */
	/* Write the tunnel header for overlay o at hdr: exactly hdr_len bytes,
	 * the per-packet fields (lengths, UDP source port, sequence numbers)
	 * left for the datapath. Control thread. */
	void (*write)(uint8_t *hdr, const struct network_overlay *o);
	struct tunnel_ops *next; /* private */
};

void tunnel_ops_register(struct tunnel_ops *ops);
#define TUNNEL_OPS_REGISTER(var)                                                                   \
	RTE_INIT(tunnel_register_##var)                                                            \
	{                                                                                          \
		tunnel_ops_register(&var);                                                         \
	}

/* The ops of a wire id or of a name, or NULL. */
const struct tunnel_ops *tunnel_ops_get(uint8_t encap);
const struct tunnel_ops *tunnel_ops_find(const char *name);
/* Bytes the encapsulation adds in front of what it carries, outer Ethernet
 * excluded (VXLAN 36, GRE with key 28, LISP 36 in front of the inner IP
 * packet); 0 for DP_ENCAP_NONE. */
unsigned tunnel_overhead(uint8_t encap);

#endif
