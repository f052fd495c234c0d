/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A minimal EAL for one unit-test executable: no hugepages, no PCI, one lcore
 * and a file prefix of its own, so test executables run in parallel without
 * sharing a runtime directory. Used from cmocka group setup/teardown.
 */
#ifndef NFVA_TEST_EAL_FIXTURE_H
#define NFVA_TEST_EAL_FIXTURE_H

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal.h>

static char unit_runtime_dir[PATH_MAX];

/* 0 or -1; name tells the executable apart in the file prefix. Memory: 512
 * MiB, or NFVA_UNIT_MEM_MB (a microbenchmark run at a larger scale). */
static inline int unit_eal_init(const char *name)
{
	char prefix[64], mem[16];
	const char *want = getenv("NFVA_UNIT_MEM_MB");

	snprintf(prefix, sizeof(prefix), "unit_%s_%d", name, (int)getpid());
	snprintf(mem, sizeof(mem), "%u",
			want != NULL && atoi(want) >= 512 ? (unsigned)atoi(want) : 512u);
	char *argv[] = { "test", "--no-huge", "-m", mem, "--no-pci", "--file-prefix", prefix, "-l",
		"0", "--log-level", "lib.*:error", "--log-level", "nfva.*:warning" };
	if (rte_eal_init((int)RTE_DIM(argv), argv) < 0)
		return -1;
	snprintf(unit_runtime_dir, sizeof(unit_runtime_dir), "%s", rte_eal_get_runtime_dir());
	return 0;
}

/* rte_eal_cleanup leaves the runtime directory (config, fbarrays) behind;
 * without hugepages nothing else uses it, so remove it too. */
static inline void unit_eal_cleanup(void)
{
	rte_eal_cleanup();
	DIR *d = opendir(unit_runtime_dir);
	if (d == NULL)
		return;
	for (struct dirent *de = readdir(d); de != NULL; de = readdir(d)) {
		char path[PATH_MAX + 256];
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", unit_runtime_dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(unit_runtime_dir);
}

#endif
