/* SPDX-License-Identifier: BSD-3-Clause */
/* L2 GRE header of an encapsulation template: K bit set, protocol 0x6558
 * (transparent Ethernet bridging), key = the network's key — what Open
 * vSwitch `type=gre options:key=K` sends. NVGRE (RFC 7637): key = VSID << 8,
 * FlowID 0. */
#include <string.h>

#include <netinet/in.h>

#include <rte_gre.h>

#include "core/dp_config.h"
#include "overlay/tunnel.h"

#define GRE_KEY_PRESENT 0x2000
#define ETHER_TYPE_TEB 0x6558

static void gre_write(uint8_t *hdr, const struct network_overlay *o)
{
	struct rte_gre_hdr *gre = (struct rte_gre_hdr *)hdr;

	memset(gre, 0, sizeof(*gre));
	*(rte_be16_t *)gre = rte_cpu_to_be_16(GRE_KEY_PRESENT);
	gre->proto = RTE_BE16(ETHER_TYPE_TEB);
	rte_be32_t key = rte_cpu_to_be_32(o->nvgre ? o->vni << 8 : o->vni);
	memcpy(gre + 1, &key, sizeof(key)); /* not 4-byte aligned in the template */
}

static struct tunnel_ops gre_ops = {
	.encap = DP_ENCAP_GRE,
	.name = "gre",
	.ip_proto = IPPROTO_GRE,
	.hdr_len = sizeof(struct rte_gre_hdr) + sizeof(rte_be32_t),
	.write = gre_write,
};

TUNNEL_OPS_REGISTER(gre_ops)
