/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * ERSPAN headers of mirror-session templates (draft-foschiano-erspan):
 * GRE with the S bit (sequence number filled per copy), protocol 0x88BE and
 * an 8-byte type II header (version 1, session id; index per copy), or
 * protocol 0x22EB and a 12-byte type III header (version 2, session id,
 * hardware id, 100 ns timestamps; timestamp and direction per copy).
 */
#include <netinet/in.h>
#include <string.h>

#include "core/dp_config.h"
#include "overlay/tunnel.h"
#include "mirror/erspan.h"

static void gre_seq_header(uint8_t *hdr, uint16_t proto)
{
	hdr[0] = 0x10; /* S: a sequence number follows */
	hdr[1] = 0x00;
	hdr[2] = proto >> 8;
	hdr[3] = proto & 0xff;
	memset(hdr + 4, 0, 4);
}

static void erspan2_write(uint8_t *hdr, const struct network_overlay *o)
{
	gre_seq_header(hdr, ERSPAN2_PROTO);
	uint8_t *e = hdr + ERSPAN_GRE_LEN;
	memset(e, 0, ERSPAN2_LEN);
	e[0] = 0x10;                 /* version 1, vlan 0 */
	e[2] = (o->vni >> 8) & 0x03; /* cos 0, en 0, t 0, session id */
	e[3] = o->vni & 0xff;
}

static void erspan3_write(uint8_t *hdr, const struct network_overlay *o)
{
	gre_seq_header(hdr, ERSPAN3_PROTO);
	uint8_t *e = hdr + ERSPAN_GRE_LEN;
	memset(e, 0, ERSPAN3_LEN);
	e[0] = 0x20;                 /* version 2, vlan 0 */
	e[2] = (o->vni >> 8) & 0x03; /* cos 0, bso 0, t 0, session id */
	e[3] = o->vni & 0xff;
	/* e[4..7] timestamp; e[8..9] sgt 0; e[10]: p ft hw_id(hi); e[11]: hw_id(lo) d gra o */
	e[10] = (o->erspan_hw_id >> 4) & 0x03;
	e[11] = (uint8_t)((o->erspan_hw_id & 0x0f) << 4 | ERSPAN3_GRA_100NS << 1);
}

static struct tunnel_ops erspan2_ops = {
	.encap = DP_ENCAP_ERSPAN2,
	.name = "erspan2",
	.ip_proto = IPPROTO_GRE,
	.hdr_len = ERSPAN_GRE_LEN + ERSPAN2_LEN,
	.mirror_only = true,
	.write = erspan2_write,
};

static struct tunnel_ops erspan3_ops = {
	.encap = DP_ENCAP_ERSPAN3,
	.name = "erspan3",
	.ip_proto = IPPROTO_GRE,
	.hdr_len = ERSPAN_GRE_LEN + ERSPAN3_LEN,
	.mirror_only = true,
	.write = erspan3_write,
};

TUNNEL_OPS_REGISTER(erspan2_ops)
TUNNEL_OPS_REGISTER(erspan3_ops)
