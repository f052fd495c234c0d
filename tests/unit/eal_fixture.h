/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A minimal EAL for one unit-test executable: no hugepages, no PCI, one lcore
 * and a file prefix of its own, so test executables run in parallel without
 * sharing a runtime directory. Used from cmocka group setup/teardown.
 */
#ifndef NFVA_TEST_EAL_FIXTURE_H
#define NFVA_TEST_EAL_FIXTURE_H

#include <stdlib.h>

#include <rte_eal.h>

#include "../lib/eal_env.h"

/* 0 or -1; name tells the executable apart in the file prefix. Memory: 512
 * MiB, or NFVA_UNIT_MEM_MB (a microbenchmark run at a larger scale). */
static inline int unit_eal_init(const char *name)
{
	static const char *const log_levels[] = { "lib.*:error", "nfva.*:warning", NULL };
	const char *want = getenv("NFVA_UNIT_MEM_MB");

	return test_eal_init("unit", name,
			want != NULL && atoi(want) >= 512 ? (unsigned)atoi(want) : 512u, "0",
			log_levels);
}

/* EAL cleaned up, and its runtime directory removed. */
static inline void unit_eal_cleanup(void)
{
	rte_eal_cleanup();
	test_eal_remove_runtime_dir();
}

#endif
