/* SPDX-License-Identifier: BSD-3-Clause */
/* The packet buffer pool (see mbufs.h), a module. */
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_mbuf.h>

#include "core/args.h"
#include "core/log.h"
#include "core/mbufs.h"
#include "core/module.h"

NFVA_LOG_REGISTER(mbufs)

#define MBUF_CACHE 256

static struct rte_mempool *pool;

struct rte_mempool *nfva_mbuf_pool(void)
{
	return pool;
}

unsigned nfva_mbufs_in_use(void)
{
	return pool == NULL ? 0 : rte_mempool_in_use_count(pool);
}

unsigned nfva_mbufs_capacity(void)
{
	return pool == NULL ? 0 : pool->size;
}

static int mbufs_init(void)
{
	pool = rte_pktmbuf_pool_create("nfva_mbufs", nfva_options()->mbufs, MBUF_CACHE, 0,
			RTE_MBUF_DEFAULT_BUF_SIZE, rte_socket_id());
	return pool == NULL ? errno_log(rte_errno, "mbuf pool") : 0;
}

/* The pool stays until EAL cleanup: held frames may still point into it. */
static struct nfva_module mbufs_module = {
	.name = "mbufs",
	.init = mbufs_init,
};
NFVA_MODULE(mbufs_module)
