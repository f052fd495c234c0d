/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The EAL every C test executable starts (unit tests, fuzz harnesses, their
 * replays): no hugepages, no PCI, a file prefix of its own ("KIND_NAME_PID")
 * so executables run in parallel, and the runtime directory removed at the
 * end (without hugepages nothing else uses it; every run would leave one).
 */
#ifndef NFVA_TEST_EAL_ENV_H
#define NFVA_TEST_EAL_ENV_H

#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <rte_common.h>
#include <rte_eal.h>

static char test_eal_runtime_dir[PATH_MAX];

/* 0 or -1. mem_mb: EAL memory; lcores: "-l" list; log_levels: NULL-ended
 * "--log-level" values. */
static inline int test_eal_init(const char *kind, const char *name, unsigned mem_mb,
		const char *lcores, const char *const *log_levels)
{
	char prefix[64], mem[16];
	char *argv[32];
	int argc = 0;

	snprintf(prefix, sizeof(prefix), "%s_%s_%d", kind, name, (int)getpid());
	snprintf(mem, sizeof(mem), "%u", mem_mb);
	const char *fixed[] = { kind, "--no-huge", "-m", mem, "--no-pci", "--file-prefix", prefix,
		"-l", lcores };
	for (unsigned i = 0; i < RTE_DIM(fixed); i++)
		argv[argc++] = (char *)(uintptr_t)fixed[i];
	for (unsigned i = 0; log_levels != NULL && log_levels[i] != NULL && argc + 2 < 32; i++) {
		argv[argc++] = (char *)(uintptr_t) "--log-level";
		argv[argc++] = (char *)(uintptr_t)log_levels[i];
	}
	if (rte_eal_init(argc, argv) < 0)
		return -1;
	snprintf(test_eal_runtime_dir, sizeof(test_eal_runtime_dir), "%s",
			rte_eal_get_runtime_dir());
	return 0;
}

/* Removes the runtime directory EAL leaves behind (config, fbarrays). */
static inline void test_eal_remove_runtime_dir(void)
{
	DIR *d = opendir(test_eal_runtime_dir);
	if (d == NULL)
		return;
	for (struct dirent *de = readdir(d); de != NULL; de = readdir(d)) {
		char path[PATH_MAX + 256];
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", test_eal_runtime_dir, de->d_name);
		unlink(path);
	}
	closedir(d);
	rmdir(test_eal_runtime_dir);
}

#endif
