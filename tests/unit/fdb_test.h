/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the FDB unit tests share (test_fdb.c, test_fdb_million.c: one
 * executable): test keys and destinations, the QSBR variable of the table,
 * the 1 M-entry test.
 */
#ifndef NFVA_TEST_FDB_TEST_H
#define NFVA_TEST_FDB_TEST_H

#include <time.h>

#include <rte_rcu_qsbr.h>

#include "l2/fdb.h"

#define NET_A 1
#define NET_B 2

extern struct rte_rcu_qsbr *qsbr;

static inline struct fdb_key key_of(uint16_t network, uint32_t i)
{
	struct fdb_key k = { .network = network,
		.mac = { .addr_bytes = { 0x02, 0x00, i >> 24, i >> 16, i >> 8, i } } };
	return k;
}

static inline union fdb_dest port_dest(uint16_t port, uint16_t vlan)
{
	union fdb_dest d = { .u64 = 0 };
	d.kind = FDB_DEST_PORT;
	d.port = port;
	d.vlan = vlan;
	return d;
}

static inline double elapsed_s(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

void test_million(void **state);
int million_setup(void **state);
int million_teardown(void **state);

#endif
