/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Modules: each part of the appliance that owns state registers itself from
 * its own file (NFVA_MODULE) with what it needs initialised first; main()
 * runs modules_init() once EAL and the options are ready, and modules_fini()
 * at shutdown, in the reverse order. A module may also contribute its part
 * of every datapath snapshot (build, see dp_config.h): builders run in the
 * same order as init.
 *
 * Order: a module's depends_on are initialised (and built) before it; among
 * modules free to go, registration order (link order: the layers lowest
 * first) decides. A dependency on a name no module has is an error.
 */
#ifndef NFVA_MODULE_H
#define NFVA_MODULE_H

#include <stdbool.h>
#include <rte_common.h>

struct dp_config;

struct nfva_module {
	const char *name;
	/* Space-separated names of the modules to initialise first, or NULL. */
	const char *depends_on;
	/* Control thread, before the startup configuration and the workers.
	 * Returns 0 or -errno (logged by the module); NULL: nothing to do. */
	int (*init)(void);
	/* Control thread, after the workers stopped and every port was removed;
	 * only for modules whose init succeeded. NULL: nothing to do. */
	void (*fini)(void);
	/* Control thread, on every dp_config_commit(): fill this module's part
	 * of a fresh snapshot (zeroed, then defaulted by dp_config). NULL: none. */
	void (*build)(struct dp_config *cfg);
	struct nfva_module *next; /* private */
	unsigned rank;            /* private: position in init order */
	bool inited;              /* private */
};

void module_register(struct nfva_module *m);

#define NFVA_MODULE(var)                                                                           \
	RTE_INIT(module_register_##var)                                                            \
	{                                                                                          \
		module_register(&var);                                                             \
	}

/* Sort by dependencies, then init each; on a failure the modules already
 * initialised are finalised again and the error is returned. */
int modules_init(void);
void modules_fini(void);

/* Modules in init order (valid after modules_init, or sorted on first use). */
typedef void (*module_walk_fn)(struct nfva_module *m, void *arg);
void modules_walk(module_walk_fn fn, void *arg);

#endif
