/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to network*.c: the table and the helpers its files share. */
#ifndef NFVA_NETWORK_PRIVATE_H
#define NFVA_NETWORK_PRIVATE_H

#include "l2/network.h"

/* network_capacity() entries, allocated by the module's init. */
extern struct network *networks;

/* Does the network choose its tunnel's UDP port (VXLAN)? Then the port is
 * part of the decapsulation key. */
static inline bool overlay_own_port(const struct network_overlay *o)
{
	const struct tunnel_ops *ops = tunnel_ops_get(o->encap);
	return ops != NULL && ops->udp_port != 0 && !ops->l3;
}

/* The networks' part of a snapshot (network_build.c). */
void network_build(struct dp_config *cfg);

#endif
