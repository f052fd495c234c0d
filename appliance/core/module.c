/* SPDX-License-Identifier: BSD-3-Clause */
/* Module registry: dependency order, init and fini (see module.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "core/log.h"
#include "core/module.h"

NFVA_LOG_REGISTER(module)

#define MAX_MODULES 64

static struct nfva_module *registered; /* registration order */
static struct nfva_module *order[MAX_MODULES];
static unsigned n_order;
static bool sorted;

void module_register(struct nfva_module *m)
{
	struct nfva_module **tail = &registered;
	while (*tail != NULL)
		tail = &(*tail)->next;
	m->next = NULL;
	*tail = m;
	sorted = false;
}

static struct nfva_module *module_find(const char *name, size_t len)
{
	for (struct nfva_module *m = registered; m != NULL; m = m->next)
		if (strlen(m->name) == len && strncmp(m->name, name, len) == 0)
			return m;
	return NULL;
}

/* Every dependency of m is in order[] already? -ENOENT for an unknown name. */
static int deps_ready(const struct nfva_module *m, const bool *placed)
{
	const char *p = m->depends_on != NULL ? m->depends_on : "";
	while (*p != '\0') {
		size_t len = strcspn(p, " ");
		if (len != 0) {
			const struct nfva_module *d = module_find(p, len);
			if (d == NULL) {
				NFVA_LOG(ERR, "module %s depends on unknown module %.*s", m->name,
						(int)len, p);
				return -ENOENT;
			}
			if (!placed[d->rank])
				return 0;
		}
		p += len + (p[len] == ' ');
	}
	return 1;
}

/* Kahn's algorithm, taking the first ready module in registration order. */
static int modules_sort(void)
{
	bool placed[MAX_MODULES] = { false };
	unsigned n = 0;

	for (struct nfva_module *m = registered; m != NULL; m = m->next) {
		if (n == MAX_MODULES)
			return errno_log(ENOSPC, "module registry (MAX_MODULES)");
		m->rank = n++; /* registration index until sorted */
	}
	for (n_order = 0; n_order < n;) {
		bool progress = false;
		for (struct nfva_module *m = registered; m != NULL; m = m->next) {
			if (placed[m->rank])
				continue;
			int ready = deps_ready(m, placed);
			if (ready < 0)
				return ready;
			if (ready == 0)
				continue;
			placed[m->rank] = true;
			order[n_order++] = m;
			progress = true;
			break;
		}
		if (!progress)
			return errno_log(ELOOP, "modules depend on each other in a circle");
	}
	sorted = true;
	return 0;
}

void modules_walk(module_walk_fn fn, void *arg)
{
	if (!sorted && modules_sort() < 0)
		return;
	for (unsigned i = 0; i < n_order; i++)
		fn(order[i], arg);
}

int modules_init(void)
{
	int ret = sorted ? 0 : modules_sort();
	for (unsigned i = 0; ret == 0 && i < n_order; i++) {
		struct nfva_module *m = order[i];
		ret = m->init != NULL ? m->init() : 0;
		if (ret < 0)
			NFVA_LOG(ERR, "module %s: %s", m->name, strerror(-ret));
		else
			m->inited = true;
	}
	if (ret < 0)
		modules_fini();
	return ret;
}

void modules_fini(void)
{
	for (unsigned i = n_order; i-- > 0;) {
		struct nfva_module *m = order[i];
		if (m->inited && m->fini != NULL)
			m->fini();
		m->inited = false;
	}
}
