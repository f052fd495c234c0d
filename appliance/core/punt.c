/* SPDX-License-Identifier: BSD-3-Clause */
/* The punt and control rings (see punt.h). */
#include <rte_errno.h>
#include <rte_ring.h>

#include "core/log.h"
#include "core/module.h"
#include "core/punt.h"

NFVA_LOG_REGISTER(punt)

#define PUNT_RING_SIZE 4096 /* more than the sum of the kinds' quotas */
#define CTRL_RING_SIZE 2048
#define PUNT_BATCH 64

static struct punt_handler *handlers[PUNT_MAX_KINDS];
static unsigned n_kinds = 1; /* kind 0 is never assigned */

/* Per kind: frames in the ring now (workers add, control takes), punted and
 * refused since start. Written with atomics: several workers punt. */
struct punt_kind_stats {
	uint32_t inflight;
	uint64_t punted, quota_full;
};
static struct punt_kind_stats kind_stats[PUNT_MAX_KINDS];

void punt_register(struct punt_handler *h)
{
	RTE_VERIFY(n_kinds < PUNT_MAX_KINDS);
	if (h->quota == 0)
		h->quota = PUNT_DEFAULT_QUOTA;
	h->kind = (uint8_t)n_kinds;
	handlers[n_kinds++] = h;
}

int pkt_meta_offset = -1;
static struct rte_ring *punt_ring;
static struct rte_ring *ctrl_ring;
static uint64_t punted, punt_full, ctrl_sent, ctrl_full;

int punt_init(void)
{
	static const struct rte_mbuf_dynfield desc = {
		.name = "nfva_pkt_meta",
		.size = sizeof(struct pkt_meta),
		.align = __alignof__(struct pkt_meta),
	};
	pkt_meta_offset = rte_mbuf_dynfield_register(&desc);
	if (pkt_meta_offset < 0)
		return errno_log(rte_errno, "rte_mbuf_dynfield_register");
	punt_ring = rte_ring_create("nfva_punt", PUNT_RING_SIZE, SOCKET_ID_ANY, RING_F_SC_DEQ);
	ctrl_ring = rte_ring_create("nfva_ctrl", CTRL_RING_SIZE, SOCKET_ID_ANY,
			RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (punt_ring == NULL || ctrl_ring == NULL)
		return errno_log(rte_errno, "rte_ring_create");
	return 0;
}

static void ring_free_all(struct rte_ring *r)
{
	void *m;
	while (r != NULL && rte_ring_dequeue(r, &m) == 0)
		rte_pktmbuf_free(m);
	rte_ring_free(r);
}

void punt_fini(void)
{
	ring_free_all(punt_ring);
	ring_free_all(ctrl_ring);
	punt_ring = ctrl_ring = NULL;
}

bool punt_to_control(struct rte_mbuf *m, const struct punt_handler *h)
{
	struct punt_kind_stats *k = &kind_stats[h->kind];

	pkt_meta(m)->kind = h->kind;
	if (__atomic_add_fetch(&k->inflight, 1, __ATOMIC_RELAXED) > h->quota ||
			rte_ring_mp_enqueue(punt_ring, m) != 0) {
		__atomic_fetch_sub(&k->inflight, 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&k->quota_full, 1, __ATOMIC_RELAXED);
		__atomic_fetch_add(&punt_full, 1, __ATOMIC_RELAXED);
		return false;
	}
	__atomic_fetch_add(&k->punted, 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(&punted, 1, __ATOMIC_RELAXED);
	return true;
}

unsigned punt_service(void)
{
	struct rte_mbuf *pkts[PUNT_BATCH];
	unsigned n = rte_ring_sc_dequeue_burst(punt_ring, (void **)pkts, PUNT_BATCH, NULL);

	for (unsigned i = 0; i < n; i++) {
		uint8_t kind = pkt_meta(pkts[i])->kind;
		const struct punt_handler *h = kind < n_kinds ? handlers[kind] : NULL;
		if (h != NULL)
			__atomic_fetch_sub(&kind_stats[kind].inflight, 1, __ATOMIC_RELAXED);
		if (h != NULL)
			h->input(pkts[i]);
		else
			rte_pktmbuf_free(pkts[i]);
	}
	return n;
}

static bool ctrl_enqueue(struct rte_mbuf *m)
{
	if (rte_ring_sp_enqueue(ctrl_ring, m) != 0) {
		ctrl_full++;
		rte_pktmbuf_free(m);
		return false;
	}
	ctrl_sent++;
	return true;
}

bool ctrl_send(struct rte_mbuf *m, uint16_t port)
{
	struct pkt_meta *meta = pkt_meta(m);
	meta->kind = CTRL_TX;
	meta->port = port;
	return ctrl_enqueue(m);
}

bool ctrl_reinject(struct rte_mbuf *m, uint32_t owner, uint32_t vtep_ip)
{
	struct pkt_meta *meta = pkt_meta(m);
	meta->kind = CTRL_REINJECT; /* meta->port keeps the frame's ingress port */
	meta->owner = owner;
	meta->vtep_ip = vtep_ip;
	return ctrl_enqueue(m);
}

unsigned ctrl_dequeue(struct rte_mbuf **pkts, unsigned max)
{
	return rte_ring_sc_dequeue_burst(ctrl_ring, (void **)pkts, max, NULL);
}

void punt_get_stats(struct punt_stats *s)
{
	s->punted = __atomic_load_n(&punted, __ATOMIC_RELAXED);
	s->punt_full = __atomic_load_n(&punt_full, __ATOMIC_RELAXED);
	s->ctrl_sent = ctrl_sent;
	s->ctrl_full = ctrl_full;
}

static struct nfva_module punt_module = {
	.name = "punt",
	.init = punt_init,
	.fini = punt_fini,
};
NFVA_MODULE(punt_module)

json_t *punt_kinds_json(void)
{
	json_t *j = json_object();
	for (unsigned k = 1; k < n_kinds; k++) {
		const struct punt_kind_stats *s = &kind_stats[k];
		json_object_set_new(j, handlers[k]->name,
				json_pack("{s:I, s:I, s:i, s:i}", "punted",
						(json_int_t)__atomic_load_n(&s->punted,
								__ATOMIC_RELAXED),
						"quota_full",
						(json_int_t)__atomic_load_n(&s->quota_full,
								__ATOMIC_RELAXED),
						"waiting",
						(int)__atomic_load_n(&s->inflight,
								__ATOMIC_RELAXED),
						"quota", (int)handlers[k]->quota));
	}
	return j;
}
