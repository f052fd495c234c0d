/* SPDX-License-Identifier: BSD-3-Clause */
/* VXLAN (RFC 7348) header of an encapsulation template: UDP to the network's
 * port (4789 by default), source port and length filled per packet, then
 * flags 0x08 (I) and the 24-bit VNI. */
#include <netinet/in.h>
#include <string.h>

#include <rte_udp.h>
#include <rte_vxlan.h>

#include "core/dp_config.h"
#include "overlay/tunnel.h"

static void vxlan_write(uint8_t *hdr, const struct network_overlay *o)
{
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)hdr;
	struct rte_vxlan_hdr *vx = (struct rte_vxlan_hdr *)(udp + 1);

	memset(udp, 0, sizeof(*udp) + sizeof(*vx));
	udp->dst_port = rte_cpu_to_be_16(o->udp_port);
	vx->vx_flags = RTE_BE32(0x08000000);
	vx->vx_vni = rte_cpu_to_be_32(o->vni << 8);
}

static struct tunnel_ops vxlan_ops = {
	.encap = DP_ENCAP_VXLAN,
	.name = "vxlan",
	.ip_proto = IPPROTO_UDP,
	.hdr_len = sizeof(struct rte_udp_hdr) + sizeof(struct rte_vxlan_hdr),
	.udp_port = 4789,
	.write = vxlan_write,
};

TUNNEL_OPS_REGISTER(vxlan_ops)
