/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Frames of LISP networks whose RLOC has no usable encapsulation template
 * yet (next hop unresolved). They wait here, a few at most, and are
 * encapsulated by the control thread itself with the same template bytes
 * once the template resolves (the generic hold path re-encapsulates with
 * tunnel_output, which knows nothing of LISP's per-packet fields), then
 * sent through worker 0. Unresolved after a few seconds: dropped, counted.
 */
#include <rte_ether.h>

#include "core/drop.h"
#include "core/event.h"
#include "core/flow_hash.h"
#include "overlay/encap.h"
#include "core/punt.h"
#include "overlay/underlay.h"
#include "lisp/lisp_private.h"

#define HOLD_MAX 64
#define HOLD_MS 3000

static struct {
	struct rte_mbuf *m;
	uint64_t since_ms;
} held[HOLD_MAX];
static unsigned n_held;

/* Encapsulate and send m if its template is usable; true when m was taken. */
static bool hold_release(struct rte_mbuf *m)
{
	const struct pkt_meta *meta = pkt_meta(m);
	const struct underlay *u = underlay_get();
	const struct encap_template *t = encap_lookup(meta->owner, meta->vtep_ip);

	if (t == NULL || !t->resolved || !u->active)
		return false;
	rte_pktmbuf_adj(m, sizeof(struct rte_ether_hdr));
	uint32_t hash = ip_flow_hash(m);
	if (lisp_encap(m, t, hash, (uint16_t)underlay_mtu()) != DROP_NONE) {
		rte_pktmbuf_free(m);
		lisp.c.held_dropped++;
	} else if (ctrl_send(m, u->port)) { /* ctrl_send frees what it cannot queue */
		lisp.c.held_released++;
	} else {
		lisp.c.held_dropped++;
	}
	return true;
}

void lisp_hold_input(struct rte_mbuf *m)
{
	const struct pkt_meta *meta = pkt_meta(m);

	encap_ensure(meta->owner, meta->vtep_ip);
	if (hold_release(m))
		return;
	if (n_held == HOLD_MAX) {
		lisp.c.held_dropped++;
		rte_pktmbuf_free(m);
		return;
	}
	lisp.c.held++;
	held[n_held].m = m;
	held[n_held++].since_ms = lisp_now_ms();
}

void lisp_hold_retry(void)
{
	uint64_t now = lisp_now_ms();
	unsigned kept = 0;

	for (unsigned i = 0; i < n_held; i++) {
		if (hold_release(held[i].m))
			continue;
		if (now - held[i].since_ms > HOLD_MS) {
			lisp.c.held_dropped++;
			rte_pktmbuf_free(held[i].m);
			continue;
		}
		held[kept++] = held[i];
	}
	n_held = kept;
}

/* A template that became usable lets its held frames go. */
static int lisp_hold_templates_changed(const struct nfva_event *ev)
{
	(void)ev;
	lisp_hold_retry();
	return 0;
}
EVENT_SUBSCRIBE(EVENT_ENCAP_CHANGED, lisp_hold_templates_changed)

RTE_FINI(lisp_hold_fini)
{
	n_held = 0; /* mbufs go with the mempool at EAL cleanup */
}
