/* SPDX-License-Identifier: BSD-3-Clause */
/* LISP data header (RFC 9300) of an encapsulation template: UDP to 4341,
 * source port and length filled per packet (lisp_encap), then flags N and I
 * (0x88), a 24-bit nonce filled per packet, the 24-bit instance ID and 8
 * locator-status bits (L clear: they are not maintained). */
#include <netinet/in.h>
#include <string.h>

#include <rte_udp.h>

#include "core/dp_config.h"
#include "overlay/tunnel.h"
#include "lisp/lisp_dp.h"

#define LISP_HDR_LEN 8
#define LISP_FLAGS_N_I 0x88

static void lisp_write(uint8_t *hdr, const struct network_overlay *o)
{
	struct rte_udp_hdr *udp = (struct rte_udp_hdr *)hdr;
	uint8_t *lisp = (uint8_t *)(udp + 1);

	memset(udp, 0, sizeof(*udp) + LISP_HDR_LEN);
	udp->dst_port = RTE_BE16(LISP_DATA_PORT);
	lisp[0] = LISP_FLAGS_N_I;
	lisp[4] = (uint8_t)(o->vni >> 16);
	lisp[5] = (uint8_t)(o->vni >> 8);
	lisp[6] = (uint8_t)o->vni;
}

static struct tunnel_ops lisp_ops = {
	.encap = DP_ENCAP_LISP,
	.name = "lisp",
	.ip_proto = IPPROTO_UDP,
	.hdr_len = sizeof(struct rte_udp_hdr) + LISP_HDR_LEN,
	.udp_port = LISP_DATA_PORT,
	.l3 = true,
	.write = lisp_write,
};

TUNNEL_OPS_REGISTER(lisp_ops)
