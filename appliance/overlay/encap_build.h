/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Building an encapsulation template's bytes. The outer Ethernet and IPv4
 * headers are common; each tunnel type writes its own header after them
 * through its tunnel_ops (tunnel.h).
 */
#ifndef NFVA_ENCAP_BUILD_H
#define NFVA_ENCAP_BUILD_H

#include <stdint.h>

#include "overlay/encap.h"
#include "overlay/tunnel.h"

/* Fill t for owner's overlay ov toward ip (a VTEP, a collector or the group). */
int encap_build(struct encap_template *t, const struct network_overlay *ov, uint32_t owner,
		uint32_t ip);

#endif
