/* SPDX-License-Identifier: BSD-3-Clause */
/* Building, publishing and reclaiming datapath snapshots (see dp_config.h). */
#include <stdlib.h>
#include <string.h>

#include <inttypes.h>
#include <rte_errno.h>
#include <rte_malloc.h>

#include "core/dp_config.h"
#include "core/log.h"

NFVA_LOG_REGISTER(dpconfig)

const struct dp_config *dp_config_current;

static struct dp_config_builder *builders;
static struct rte_rcu_qsbr *qsbr;
static unsigned configured_workers;
static uint64_t version;

void dp_config_register_builder(struct dp_config_builder *b)
{
	struct dp_config_builder **tail = &builders;
	while (*tail != NULL)
		tail = &(*tail)->next;
	b->next = NULL;
	*tail = b;
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
	for (unsigned i = 0; i < RTE_DIM(cfg->erspan_collect); i++)
		cfg->erspan_collect[i] = NFVA_PORT_NONE;
}

int dp_config_commit(void)
{
	struct dp_config *cfg = malloc(sizeof(*cfg));
	if (cfg == NULL)
		return errno_log(ENOMEM, "dp_config snapshot");
	dp_config_defaults(cfg);
	for (struct dp_config_builder *b = builders; b != NULL; b = b->next)
		b->build(cfg);

	const struct dp_config *old = dp_config_current;
	__atomic_store_n(&dp_config_current, cfg, __ATOMIC_RELEASE);
	/* Wait for every online worker to leave the old snapshot. */
	rte_rcu_qsbr_synchronize(qsbr, RTE_QSBR_THRID_INVALID);
	free((void *)old);
	NFVA_LOG(DEBUG, "snapshot %" PRIu64 " published", cfg->version);
	return 0;
}

void dp_config_fini(void)
{
	free((void *)dp_config_current);
	dp_config_current = NULL;
	rte_free(qsbr);
	qsbr = NULL;
}
