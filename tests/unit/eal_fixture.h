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
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal.h>

static char unit_runtime_dir[PATH_MAX];

/* 0 or -1; name tells the executable apart in the file prefix. */
static inline int unit_eal_init(const char *name)
{
	char prefix[64];

	snprintf(prefix, sizeof(prefix), "unit_%s_%d", name, (int)getpid());
	char *argv[] = { "test", "--no-huge", "-m", "512", "--no-pci", "--file-prefix", prefix,
		"-l", "0", "--log-level", "lib.*:error", "--log-level", "nfva.*:warning" };
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
