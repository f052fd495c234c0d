/* SPDX-License-Identifier: BSD-3-Clause */
/* The worker registry and the sums of per-worker counters (see workers.h). */
#include <string.h>

#include <rte_lcore.h>
#include <rte_malloc.h>

#include "core/log.h"
#include "core/workers.h"

NFVA_LOG_REGISTER(workers)

static struct worker *workers[NFVA_MAX_WORKERS];
static unsigned n_workers;

int workers_alloc(struct rte_mempool *pool)
{
	unsigned lcore;

	RTE_LCORE_FOREACH_WORKER(lcore) {
		if (n_workers == NFVA_MAX_WORKERS)
			break;
		struct worker *w = rte_zmalloc_socket("worker", sizeof(*w), RTE_CACHE_LINE_SIZE,
				rte_lcore_to_socket_id(lcore));
		if (w == NULL)
			return errno_log(ENOMEM, "worker context");
		w->id = n_workers;
		w->lcore = lcore;
		w->pool = pool;
		token_bucket_init(&w->icmp_replies, ICMP_REPLY_RATE, ICMP_REPLY_BURST);
		workers[n_workers++] = w;
	}
	if (n_workers == 0)
		return errno_log(EINVAL, "no worker lcore: give EAL at least two lcores (-l 0,1)");
	return 0;
}

void workers_free(void)
{
	for (unsigned i = 0; i < n_workers; i++)
		rte_free(workers[i]);
	n_workers = 0;
}

unsigned workers_count(void)
{
	if (n_workers != 0)
		return n_workers;
	/* Before start: the number that will run. */
	unsigned n = rte_lcore_count() - 1;
	return n > NFVA_MAX_WORKERS ? NFVA_MAX_WORKERS : n;
}

struct worker *worker_get(unsigned id)
{
	return id < n_workers ? workers[id] : NULL;
}

void workers_mirror_counters(unsigned session, struct mirror_counters *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (unsigned i = 0; i < n_workers; i++) {
		const struct mirror_counters *c = &workers[i]->mirrors[session];
		sum->mirrored += c->mirrored;
		sum->filtered += c->filtered;
		sum->sampled_out += c->sampled_out;
		sum->dropped += c->dropped;
	}
}

void workers_port_counters(uint16_t port, struct port_counters *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (unsigned i = 0; i < n_workers; i++) {
		const struct port_counters *c = &workers[i]->counters[port];
		uint64_t *dst = (uint64_t *)sum;
		const uint64_t *src = (const uint64_t *)c;
		for (size_t k = 0; k < sizeof(*sum) / sizeof(uint64_t); k++)
			dst[k] += src[k];
	}
}
