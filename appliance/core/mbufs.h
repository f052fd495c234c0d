/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The packet buffer pool every port receives into and every copy, flood or
 * control frame is taken from (--mbufs, RTE_MBUF_DEFAULT_BUF_SIZE each).
 */
#ifndef NFVA_MBUFS_H
#define NFVA_MBUFS_H

#include <rte_mempool.h>

/* The pool, or NULL before the "mbufs" module is initialised. */
struct rte_mempool *nfva_mbuf_pool(void);
/* Mbufs taken from the pool now (ports' rx rings, held frames, frames in
 * flight; per-lcore caches count as free), and its size: `stats` mbufs. */
unsigned nfva_mbufs_in_use(void);
unsigned nfva_mbufs_capacity(void);

#endif
