/* SPDX-License-Identifier: BSD-3-Clause */
/* Packet trace, datapath side and its buffer (see trace.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_cycles.h>

#include "control/periodic.h"
#include "core/datapath.h"
#include "core/dp_config.h"
#include "core/module.h"
#include "slowpath/slowpath.h"
#include "slowpath/trace.h"

struct trace_buf {
	uint32_t budget[NFVA_MAX_PORTS]; /* frames left to trace per port (atomic) */
	uint32_t next;                   /* records claimed (atomic) */
	uint32_t reserved;               /* frames promised by trace_add (control) */
	uint32_t lost;                   /* frames that found no record (atomic) */
	/* Each worker's counters just before its traced frame. */
	struct port_counters before[NFVA_MAX_WORKERS][NFVA_MAX_PORTS];
	struct trace_ctx recs[TRACE_MAX_PACKETS];
};

bool trace_armed;
static struct trace_buf *buf; /* made by the first trace_add */

bool trace_want(uint16_t port)
{
	uint32_t *b = &buf->budget[port];
	uint32_t v = __atomic_load_n(b, __ATOMIC_RELAXED);

	while (v != 0)
		if (__atomic_compare_exchange_n(b, &v, v - 1, false, __ATOMIC_RELAXED,
				    __ATOMIC_RELAXED))
			return true;
	return false;
}

/* The mirror copies the worker has made (all sessions). */
static uint64_t trace_mirrored(const struct worker *w)
{
	uint64_t n = 0;

	for (unsigned s = 0; s < NFVA_MAX_MIRRORS; s++)
		n += w->mirrors[s].mirrored;
	return n;
}

void trace_begin(struct worker *w, uint16_t port, const struct rte_mbuf *m)
{
	uint32_t i = __atomic_fetch_add(&buf->next, 1, __ATOMIC_RELAXED);

	w->trace = NULL;
	if (i >= TRACE_MAX_PACKETS) {
		__atomic_fetch_add(&buf->lost, 1, __ATOMIC_RELAXED);
		return;
	}
	struct trace_ctx *t = &buf->recs[i];
	memset(t, 0, sizeof(*t));
	t->worker = (uint16_t)w->id;
	t->port = port;
	t->len = rte_pktmbuf_pkt_len(m);
	t->head_len = (uint8_t)RTE_MIN(t->len, (uint32_t)TRACE_HEAD);
	const void *p = rte_pktmbuf_read(m, 0, t->head_len, t->head);
	if (p != NULL && p != t->head)
		memcpy(t->head, p, t->head_len);
	/* Empty tx buffers: whatever is in them at the end is this frame's. */
	port_output_flush(w);
	memcpy(buf->before[w->id], w->counters, sizeof(w->counters));
	t->mirrored = trace_mirrored(w);
	t->tsc = rte_rdtsc();
	w->trace = t;
}

void trace_stage(struct worker *w, enum stage s, uint16_t n, const struct l2_meta *meta)
{
	struct trace_ctx *t = w->trace;

	if (t->n_steps == TRACE_MAX_STEPS)
		return;
	struct trace_step *st = &t->steps[t->n_steps++];
	st->stage = (uint8_t)s;
	st->alive = n != 0;
	st->network = meta != NULL && n != 0 ? meta[0].network : NFVA_NETWORK_NONE;
	st->vtep = meta != NULL && n != 0 ? meta[0].from_vtep : 0;
}

/* The first drop counted while the frame went through (port, reason). */
static void trace_find_drop(struct worker *w, struct trace_ctx *t)
{
	const struct port_counters *before = buf->before[w->id];

	for (uint16_t p = 0; p < NFVA_MAX_PORTS; p++)
		for (unsigned r = 0; r < DROP_MAX; r++)
			if (w->counters[p].drops[r] != before[p].drops[r]) {
				t->dropped = true;
				t->drop_reason = (uint8_t)r;
				t->drop_port = p;
				return;
			}
}

/* What waits in the tx buffers (emptied by trace_begin) is the frame's. */
static void trace_find_outputs(struct worker *w, struct trace_ctx *t)
{
	for (uint16_t i = 0; i < w->n_dirty; i++) {
		uint16_t port = w->dirty[i];
		const struct tx_buffer *b = &w->tx[port];
		for (uint16_t j = 0; j < b->n; j++, t->n_out++) {
			const struct rte_mbuf *m = b->pkts[j];
			if (t->n_out >= TRACE_MAX_OUT)
				continue;
			struct trace_out *o = &t->out[t->n_out];
			o->port = port;
			o->len = rte_pktmbuf_pkt_len(m);
			o->head_len = (uint8_t)RTE_MIN(o->len, (uint32_t)TRACE_OUT_HEAD);
			const void *p = rte_pktmbuf_read(m, 0, o->head_len, o->head);
			if (p != NULL && p != o->head)
				memcpy(o->head, p, o->head_len);
		}
	}
}

void trace_end(struct worker *w)
{
	struct trace_ctx *t = w->trace;

	if (t == NULL)
		return;
	const struct port_counters *in = &buf->before[w->id][t->port];
	const struct port_counters *now = &w->counters[t->port];
	t->flooded = now->flooded != in->flooded;
	t->learned = now->learned != in->learned;
	t->moved = now->moved != in->moved;
	t->learn_deferred = now->learn_busy != in->learn_busy;
	t->learn_refused = now->learn_limit + now->learn_full != in->learn_limit + in->learn_full;
	trace_find_drop(w, t);
	trace_find_outputs(w, t);
	t->mirror_copies = (uint16_t)(trace_mirrored(w) - t->mirrored);
	if (t->n_out > t->mirror_copies)
		t->verdict = TRACE_SENT;
	else
		t->verdict = t->dropped ? TRACE_DROPPED : TRACE_CONSUMED;
	t->cycles = rte_rdtsc() - t->tsc;
	__atomic_store_n(&t->done, 1, __ATOMIC_RELEASE);
	w->trace = NULL;
}

int trace_add(uint16_t port, uint32_t count)
{
	if (buf == NULL && (buf = calloc(1, sizeof(*buf))) == NULL)
		return -ENOMEM;
	if (port >= NFVA_MAX_PORTS || count > TRACE_MAX_PACKETS - buf->reserved)
		return -ENOSPC;
	buf->reserved += count;
	__atomic_fetch_add(&buf->budget[port], count, __ATOMIC_RELAXED);
	__atomic_store_n(&trace_armed, true, __ATOMIC_RELEASE);
	return 0;
}

void trace_clear(void)
{
	if (buf == NULL)
		return;
	__atomic_store_n(&trace_armed, false, __ATOMIC_RELEASE);
	/* No worker is inside a traced burst after this. */
	rte_rcu_qsbr_synchronize(dp_qsbr(), RTE_QSBR_THRID_INVALID);
	memset(buf->budget, 0, sizeof(buf->budget));
	buf->next = buf->reserved = buf->lost = 0;
	for (unsigned i = 0; i < TRACE_MAX_PACKETS; i++)
		buf->recs[i].done = 0;
}

unsigned trace_count(void)
{
	if (buf == NULL)
		return 0;
	uint32_t n = __atomic_load_n(&buf->next, __ATOMIC_ACQUIRE);
	return n < TRACE_MAX_PACKETS ? n : TRACE_MAX_PACKETS;
}

const struct trace_ctx *trace_record(unsigned i)
{
	if (buf == NULL || i >= TRACE_MAX_PACKETS ||
			!__atomic_load_n(&buf->recs[i].done, __ATOMIC_ACQUIRE))
		return NULL;
	return &buf->recs[i];
}

void trace_status(struct trace_status *s)
{
	memset(s, 0, sizeof(*s));
	if (buf == NULL)
		return;
	for (uint16_t p = 0; p < NFVA_MAX_PORTS; p++)
		s->pending[p] = __atomic_load_n(&buf->budget[p], __ATOMIC_RELAXED);
	for (unsigned i = 0; i < trace_count(); i++)
		s->recorded += trace_record(i) != NULL;
	s->lost = __atomic_load_n(&buf->lost, __ATOMIC_RELAXED);
}

/* Once every budget is spent, the workers stop looking (the one test per
 * burst is then false again). */
static void trace_disarm_spent(void)
{
	if (buf == NULL || !__atomic_load_n(&trace_armed, __ATOMIC_RELAXED))
		return;
	for (uint16_t p = 0; p < NFVA_MAX_PORTS; p++)
		if (__atomic_load_n(&buf->budget[p], __ATOMIC_RELAXED) != 0)
			return;
	__atomic_store_n(&trace_armed, false, __ATOMIC_RELEASE);
}

static struct periodic_task trace_task = {
	.name = "trace",
	.interval_ms = 500,
	.run = trace_disarm_spent,
};

RTE_INIT(trace_register_task)
{
	periodic_register(&trace_task);
}

static void trace_fini(void)
{
	free(buf);
	buf = NULL;
	trace_armed = false;
}

static struct nfva_module trace_module = {
	.name = "trace",
	.depends_on = "snapshot",
	.fini = trace_fini,
};
NFVA_MODULE(trace_module)
