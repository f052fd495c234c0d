/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LD_PRELOAD into dpdk-testpmd: every rule testpmd hands to rte_flow_validate()
 * is appended, as flow_canon() text, to the file named by $NFVA_FLOW_CANON,
 * then passed on to the real function. Also makes stdout unbuffered so that
 * testpmd's answers stay in order with the echoed commands in a pipe.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "offload_flow_canon.h"

typedef int (*validate_fn)(uint16_t, const struct rte_flow_attr *, const struct rte_flow_item[],
		const struct rte_flow_action[], struct rte_flow_error *);

__attribute__((constructor)) static void shim_init(void)
{
	setvbuf(stdout, NULL, _IONBF, 0);
}

int rte_flow_validate(uint16_t port_id, const struct rte_flow_attr *attr,
		const struct rte_flow_item pattern[], const struct rte_flow_action actions[],
		struct rte_flow_error *error)
{
	static validate_fn real;
	const char *path = getenv("NFVA_FLOW_CANON");

	if (path != NULL) {
		FILE *f = fopen(path, "a");
		if (f != NULL) {
			flow_canon(f, port_id, attr, pattern, actions);
			fclose(f);
		}
	}
	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "rte_flow_validate");
	if (real == NULL)
		return rte_flow_error_set(error, ENOSYS, RTE_FLOW_ERROR_TYPE_UNSPECIFIED, NULL,
				"testpmd_shim: no rte_flow_validate after the shim");
	return real(port_id, attr, pattern, actions, error);
}
