/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Building an encapsulation template's bytes. The outer Ethernet and IPv4
 * headers are common; each tunnel type writes its own header after them
 * from its own small file (tun_vxlan.c, tun_gre.c) through tunnel_ops.
 */
#ifndef NFVA_ENCAP_BUILD_H
#define NFVA_ENCAP_BUILD_H

#include <stdint.h>

#include "overlay/encap.h"
#include "l2/network.h"

struct tunnel_ops {
	uint8_t encap;     /* enum dp_encap */
	const char *name;
	uint8_t ip_proto;  /* outer IPv4 protocol */
	uint8_t hdr_len;   /* tunnel header after the outer IPv4 header */
	/* Write the tunnel header for network overlay o at hdr. */
	void (*write)(uint8_t *hdr, const struct network_overlay *o);
	struct tunnel_ops *next;
};

void tunnel_ops_register(struct tunnel_ops *ops);
const struct tunnel_ops *tunnel_ops_get(uint8_t encap);

/* Fill t for owner's overlay ov toward ip (a VTEP, a collector or the group). */
int encap_build(struct encap_template *t, const struct network_overlay *ov, uint32_t owner,
		uint32_t ip);

#endif
