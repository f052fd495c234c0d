/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to the FDB (fdb.c: the table and single-entry changes; fdb_bulk.c:
 * flush, ageing and walks in bounded batches). Control thread or learners,
 * as each function says.
 */
#ifndef NFVA_FDB_PRIVATE_H
#define NFVA_FDB_PRIVATE_H

#include <rte_hash.h>
#include <rte_rcu_qsbr.h>
#include <rte_spinlock.h>

#include "core/bounds.h"
#include "l2/fdb.h"

struct fdb_table {
	struct rte_hash *hash;
	struct fdb_entry *pool; /* capacity + defer-queue slack */
	uint32_t *free_stack;   /* indexes of free pool entries */
	uint32_t n_free;
	uint32_t pool_size;
	uint32_t pool_high; /* above every entry ever taken: scans need not look further */
	uint32_t capacity;
	uint32_t count;
	uint32_t port_macs[NFVA_MAX_PORTS];
	uint32_t *network_macs; /* --max-networks counters */
	uint32_t n_networks;
	rte_spinlock_t write_lock;
	struct rte_rcu_qsbr *qsbr; /* the workers' grace periods */
	uint32_t dq_size;          /* the defer queue's room for deleted entries */
	/* Deletes since the last grace period known to be over: past half the
	 * queue's room, wait (or, for the ageing task, come back later). */
	uint32_t deleted_since_grace;
	uint32_t deleted_at_token; /* deleted_since_grace when grace_token was taken */
	uint64_t grace_token;
	bool grace_pending;
	uint32_t age_cursor; /* the ageing pass in progress: next pool entry to examine */
};

extern struct fdb_table fdb;

/* Caller holds write_lock: delete key (e its entry); the entry returns to the
 * pool after a grace period, through rte_hash's defer queue. */
void fdb_remove_locked(const struct fdb_key *key, struct fdb_entry *e);
/* Control, outside the lock, after deletes: once half the defer queue's
 * room was used, wait for the workers' grace period (yielding the CPU). */
void fdb_grace_wait_if_needed(void);
/* Control, outside the lock: publish EVENT_FDB_REMOVED. */
void fdb_removed(uint16_t network, const struct rte_ether_addr *mac);

/* The change feed (fdb_feed.c). Caller holds write_lock: key changed. */
void fdb_feed_put_locked(const struct fdb_key *key);
int fdb_feed_init(uint32_t n_networks);
void fdb_feed_fini(void);

#endif
