/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mirroring as the workers see it: the mirror module's part of every
 * datapath snapshot (cfg->mirror, built by mirror.c and mirror_collect.c),
 * read by slowpath/mirror_output.c and slowpath/erspan_input.c.
 */
#ifndef NFVA_MIRROR_DP_H
#define NFVA_MIRROR_DP_H

#include <stdbool.h>
#include <stdint.h>

#include "core/bounds.h"
#include "mirror/mirror_filter.h"

#define ERSPAN_SESSIONS 1024 /* 10-bit ERSPAN session ids */

enum dp_mirror_dest {
	DP_MIRROR_PORT = 1, /* a local port */
	DP_MIRROR_VXLAN,    /* a remote collector over VXLAN (TaaS style) */
	DP_MIRROR_ERSPAN,   /* a remote collector over ERSPAN II or III */
};

/* A mirror session as the datapath sees it. */
struct dp_mirror {
	bool active;
	uint8_t dest;           /* enum dp_mirror_dest */
	uint8_t erspan_version; /* 2 or 3 */
	uint8_t hw_id;          /* ERSPAN III hardware id (6 bits) */
	uint16_t dest_port;     /* DP_MIRROR_PORT */
	uint16_t session_id;    /* ERSPAN session id (10 bits) */
	uint32_t dest_ip;       /* collector, network order */
	uint32_t owner;         /* encapsulation template owner */
	uint32_t sample_n;      /* copy 1 frame in sample_n */
	uint32_t snaplen;       /* copy at most snaplen bytes, 0 = whole frame */
	struct mirror_filter filter;
};

struct dp_mirrors {
	struct dp_mirror sessions[NFVA_MAX_MIRRORS];
	uint16_t erspan_collect[ERSPAN_SESSIONS]; /* session id -> analyser port, or NONE */
	uint32_t erspan_from[ERSPAN_SESSIONS];    /* the one sender accepted, 0 = any */
};

#endif
