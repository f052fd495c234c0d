/* SPDX-License-Identifier: BSD-3-Clause */
/* The worker registry and the sums of per-worker counters (see workers.h). */
#include <stdlib.h>
#include <string.h>

#include <rte_lcore.h>
#include <rte_malloc.h>

#include "core/args.h"
#include "core/dp_config.h"
#include "core/log.h"
#include "core/workers.h"

NFVA_LOG_REGISTER(workers)

static struct worker *workers[NFVA_MAX_WORKERS];
static unsigned n_workers;
uint32_t workers_clear_gen;

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
		w->n_nets = nfva_options()->max_networks;
		w->nets = rte_zmalloc_socket("worker networks", sizeof(*w->nets) * w->n_nets,
				RTE_CACHE_LINE_SIZE, rte_lcore_to_socket_id(lcore));
		if (w->nets == NULL) {
			rte_free(w);
			return errno_log(ENOMEM, "worker network counters");
		}
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
	for (unsigned i = 0; i < n_workers; i++) {
		rte_free(workers[i]->nets);
		rte_free(workers[i]);
	}
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

void workers_network_counters(uint16_t network, struct net_counters *sum)
{
	memset(sum, 0, sizeof(*sum));
	for (unsigned i = 0; i < n_workers && network < workers[i]->n_nets; i++) {
		uint64_t *dst = (uint64_t *)sum;
		const uint64_t *src = (const uint64_t *)&workers[i]->nets[network];
		for (size_t k = 0; k < sizeof(*sum) / sizeof(uint64_t); k++)
			dst[k] += src[k];
	}
}

static void vtep_add(struct vtep_stats *dst, const struct vtep_stats *src)
{
	dst->rx_packets += src->rx_packets;
	dst->rx_bytes += src->rx_bytes;
	dst->tx_packets += src->tx_packets;
	dst->tx_bytes += src->tx_bytes;
	for (unsigned r = 0; r < DROP_MAX; r++)
		dst->drops[r] += src->drops[r];
}

static int vtep_cmp(const void *a, const void *b)
{
	uint32_t x = rte_be_to_cpu_32(((const struct vtep_stats *)a)->ip);
	uint32_t y = rte_be_to_cpu_32(((const struct vtep_stats *)b)->ip);
	return x < y ? -1 : x > y;
}

int workers_vtep_stats(struct vtep_stats **rows, unsigned *n, struct vtep_stats *other,
		uint64_t *overflow)
{
	struct vtep_stats *all = malloc(sizeof(*all) * (n_workers * VTEP_STATS_SLOTS + 1));
	unsigned k = 0;

	if (all == NULL)
		return -ENOMEM;
	memset(other, 0, sizeof(*other));
	*overflow = 0;
	for (unsigned i = 0; i < n_workers; i++) {
		const struct vtep_table *t = &workers[i]->vteps;
		for (unsigned s = 0; s < VTEP_STATS_SLOTS; s++) {
			uint32_t ip = __atomic_load_n(&t->slots[s].ip, __ATOMIC_ACQUIRE);
			if (ip == 0)
				continue;
			all[k] = t->slots[s];
			all[k++].ip = ip;
		}
		vtep_add(other, &t->other);
		*overflow += t->overflow;
	}
	qsort(all, k, sizeof(*all), vtep_cmp);
	unsigned out = 0;
	for (unsigned i = 0; i < k; i++) {
		if (out > 0 && all[out - 1].ip == all[i].ip)
			vtep_add(&all[out - 1], &all[i]);
		else
			all[out++] = all[i];
	}
	*rows = all;
	*n = out;
	return 0;
}

void workers_stats_clear(void)
{
	__atomic_add_fetch(&workers_clear_gen, 1, __ATOMIC_RELEASE);
	/* Workers look at the number just before their quiescent state: after
	 * two grace periods each has looked (and reset) at least once. */
	if (n_workers != 0) {
		rte_rcu_qsbr_synchronize(dp_qsbr(), RTE_QSBR_THRID_INVALID);
		rte_rcu_qsbr_synchronize(dp_qsbr(), RTE_QSBR_THRID_INVALID);
	}
}
