/* SPDX-License-Identifier: BSD-3-Clause */
/* Control thread: handles what workers punted (ARP, frames to hold). */
#include "overlay/encap.h"
#include "lisp/lisp.h"
#include "overlay/neigh.h"
#include "core/punt.h"
#include "core/punt_service.h"

#define PUNT_BATCH 64

unsigned punt_service(void)
{
	struct rte_mbuf *pkts[PUNT_BATCH];
	unsigned n = punt_dequeue(pkts, PUNT_BATCH);

	for (unsigned i = 0; i < n; i++) {
		switch (pkt_meta(pkts[i])->kind) {
		case PUNT_ARP:
			neigh_arp_input(pkts[i]);
			break;
		case PUNT_HOLD:
			encap_hold(pkts[i]);
			break;
		case PUNT_LISP_CTRL:
		case PUNT_LISP_MISS:
		case PUNT_LISP_HOLD:
		case PUNT_LISP_GLEAN:
			lisp_punt_input(pkts[i]);
			break;
		default:
			rte_pktmbuf_free(pkts[i]);
			break;
		}
	}
	return n;
}
