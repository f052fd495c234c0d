/* SPDX-License-Identifier: BSD-3-Clause */
/* Building, publishing and reclaiming datapath snapshots (see dp_config.h). */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <inttypes.h>
#include <rte_errno.h>
#include <rte_malloc.h>

#include "core/dp_config.h"
#include "core/log.h"
#include "core/module.h"
#include "core/workers.h"

NFVA_LOG_REGISTER(dpconfig)

const struct dp_config *dp_config_current;

struct dp_config_block {
	struct dp_config_block *next;
	max_align_t data[];
};

static struct rte_rcu_qsbr *qsbr;
static unsigned configured_workers;
static uint64_t version;

void *dp_config_alloc(struct dp_config *cfg, size_t size)
{
	struct dp_config_block *b = calloc(1, sizeof(*b) + size);
	if (b == NULL) {
		cfg->alloc_failed = true;
		return NULL;
	}
	b->next = cfg->blocks;
	cfg->blocks = b;
	return b->data;
}

static void dp_config_free(const struct dp_config *cfg)
{
	if (cfg == NULL)
		return;
	for (struct dp_config_block *b = cfg->blocks, *next; b != NULL; b = next) {
		next = b->next;
		free(b);
	}
	free((void *)cfg);
}

static void build_one(struct nfva_module *m, void *arg)
{
	if (m->build != NULL)
		m->build(arg);
}

struct rte_rcu_qsbr *dp_qsbr(void)
{
	return qsbr;
}

int dp_config_init(unsigned n_workers)
{
	size_t sz = rte_rcu_qsbr_get_memsize(NFVA_MAX_WORKERS);

	qsbr = rte_zmalloc("nfva_qsbr", sz, RTE_CACHE_LINE_SIZE);
	if (qsbr == NULL)
		return errno_log(ENOMEM, "qsbr");
	if (rte_rcu_qsbr_init(qsbr, NFVA_MAX_WORKERS) != 0)
		return errno_log(rte_errno, "rte_rcu_qsbr_init");
	configured_workers = n_workers;
	return 0;
}

static void dp_config_defaults(struct dp_config *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->version = ++version;
	cfg->n_workers = configured_workers;
	for (unsigned i = 0; i < NFVA_MAX_PORTS; i++)
		cfg->ports[i].untagged_network = NFVA_NETWORK_NONE;
	for (unsigned i = 0; i < RTE_MAX_ETHPORTS; i++)
		cfg->ethdev_port[i] = NFVA_PORT_NONE;
}

int dp_config_commit(void)
{
	struct dp_config *cfg = malloc(sizeof(*cfg));
	if (cfg == NULL)
		return errno_log(ENOMEM, "dp_config snapshot");
	dp_config_defaults(cfg);
	modules_walk(build_one, cfg);
	if (cfg->alloc_failed) {
		dp_config_free(cfg);
		return errno_log(ENOMEM, "dp_config snapshot part");
	}

	const struct dp_config *old = dp_config_current;
	__atomic_store_n(&dp_config_current, cfg, __ATOMIC_RELEASE);
	/* Wait for every online worker to leave the old snapshot. */
	rte_rcu_qsbr_synchronize(qsbr, RTE_QSBR_THRID_INVALID);
	dp_config_free(old);
	NFVA_LOG(DEBUG, "snapshot %" PRIu64 " published", cfg->version);
	return 0;
}

void dp_config_fini(void)
{
	dp_config_free(dp_config_current);
	dp_config_current = NULL;
	rte_free(qsbr);
	qsbr = NULL;
}

static int snapshot_init(void)
{
	return dp_config_init(workers_count());
}

/* The RCU variable and the snapshot's own life; every module that builds a
 * part or reclaims through RCU comes after it. */
static struct nfva_module snapshot_module = {
	.name = "snapshot",
	.init = snapshot_init,
	.fini = dp_config_fini,
};
NFVA_MODULE(snapshot_module)
