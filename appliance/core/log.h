/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Logging and the error convention. Each file registers its own rte_log type
 * ("nfva.fdb", "nfva.port", ...) with NFVA_LOG_REGISTER(fdb) and logs through
 * NFVA_LOG; levels are settable at run time with `log level TYPE LEVEL`.
 * Errors are returned as -errno; errno_log() logs and returns in one step.
 * Never log from per-packet code: count instead.
 */
#ifndef NFVA_LOG_H
#define NFVA_LOG_H

#include <errno.h>
#include <string.h>
#include <rte_common.h>
#include <rte_log.h>

/* Defines the file-local log type "nfva.<suffix>" (suffix: an identifier). */
#define NFVA_LOG_REGISTER(suffix)                                                                  \
	static int nfva_logtype __rte_unused = RTE_LOGTYPE_USER1;                                  \
	static const char nfva_log_name[] __rte_unused = #suffix;                                  \
	RTE_INIT(nfva_log_init_##suffix)                                                           \
	{                                                                                          \
		int t = rte_log_register_type_and_pick_level("nfva." #suffix, RTE_LOG_INFO);       \
		if (t >= 0)                                                                        \
			nfva_logtype = t;                                                          \
	}

#define NFVA_LOG(level, fmt, ...)                                                                  \
	rte_log(RTE_LOG_##level, nfva_logtype, "nfva.%s: " fmt "\n", nfva_log_name, ##__VA_ARGS__)

/* Log "what: strerror(err)" at ERR level and return -err (err may be +/-). */
#define errno_log(err, what)                                                                       \
	({                                                                                         \
		int __e = (err) < 0 ? -(err) : (err);                                              \
		NFVA_LOG(ERR, "%s: %s", (what), strerror(__e));                                    \
		-__e;                                                                              \
	})

#endif
