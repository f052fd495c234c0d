/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * erspan_input: terminates ERSPAN type II (GRE 0x88BE) and type III (GRE
 * 0x22EB) sent to our VTEP address: the session id picks the analyser port
 * configured with `mirror collect`, the outer headers are stripped and the
 * mirrored frame is delivered there as is (it never enters a network, and it
 * is flagged so that it is not mirrored again).
 */
#include "core/datapath.h"
#include "mirror/erspan.h"
#include "mirror/mirror.h"
#include "slowpath/decap.h"
#include "slowpath/slowpath.h"

#define GRE_C 0x8000
#define GRE_R 0x4000
#define GRE_VERSION 0x0007
#define GRE_K 0x2000
#define GRE_S 0x1000
#define ERSPAN3_O 0x01 /* optional platform-specific subheader follows */

static int erspan_input(struct worker *w, uint16_t in_port, struct rte_mbuf *m,
		struct decap_outer *o, struct l2_meta *meta)
{
	const uint8_t *gre = decap_l4(m, o);
	uint16_t gre_flags = (uint16_t)(gre[0] << 8 | gre[1]);
	uint16_t proto = (uint16_t)(gre[2] << 8 | gre[3]);
	uint32_t off = 4 + (gre_flags & GRE_C ? 4 : 0) + (gre_flags & GRE_K ? 4 : 0) +
			(gre_flags & GRE_S ? 4 : 0);
	uint32_t len = proto == ERSPAN2_PROTO ? ERSPAN2_LEN : ERSPAN3_LEN;
	uint32_t avail = o->l4_len;

	(void)in_port;
	if (gre_flags & (GRE_R | GRE_VERSION))
		return DROP_TUNNEL_FLAGS;
	if (avail < off + len)
		return DROP_TUNNEL_TRUNCATED;
	const uint8_t *e = gre + off;
	unsigned version = e[0] >> 4;
	if ((proto == ERSPAN2_PROTO && version != 1) || (proto == ERSPAN3_PROTO && version != 2))
		return DROP_TUNNEL_FLAGS;
	if (proto == ERSPAN3_PROTO && (e[11] & ERSPAN3_O))
		len += 8;
	uint16_t session = (uint16_t)((e[2] & 0x03) << 8 | e[3]);
	uint16_t port = w->cfg->mirror->erspan_collect[session];
	uint32_t from = w->cfg->mirror->erspan_from[session];
	if (port == NFVA_PORT_NONE)
		return DROP_ERSPAN_UNKNOWN;
	if (from != 0 && from != o->src)
		return DROP_ERSPAN_SENDER;
	if (avail < off + len + sizeof(struct rte_ether_hdr))
		return DROP_INNER_SHORT;
	decap_strip(m, o, off + len);
	m->ol_flags |= mirror_copy_flag;
	meta->network = NFVA_NETWORK_NONE;
	port_output(w, port, NFVA_VLAN_NONE, m);
	return DROP_NONE;
}

static struct decap_stage erspan2_decap = { .name = "erspan2",
	.ip_proto = IPPROTO_GRE,
	.key = ERSPAN2_PROTO,
	.to_group = true,
	.ipv6 = true,
	.input = erspan_input };
static struct decap_stage erspan3_decap = { .name = "erspan3",
	.ip_proto = IPPROTO_GRE,
	.key = ERSPAN3_PROTO,
	.to_group = true,
	.ipv6 = true,
	.input = erspan_input };
DECAP_STAGE(erspan2_decap)
DECAP_STAGE(erspan3_decap)
