/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The flood lists of networks (see network.h): configured VTEPs and EVPN
 * VTEPs (ids of either family, overlay/vtep_id.h), kept apart so each origin adds and removes its
 * own, merged (sorted, each VTEP once) into the snapshot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/args.h"
#include "core/log.h"
#include "l2/fdb.h"
#include "l2/network.h"
#include "overlay/vtep_id.h"

static int vtep_list_find(const struct vtep_list *l, uint32_t ip)
{
	for (uint32_t i = 0; i < l->n; i++)
		if (l->ip[i] == ip)
			return (int)i;
	return -1;
}

/* Room for one more in l; false when out of memory. */
static bool vtep_list_grow(struct vtep_list *l)
{
	if (l->n < l->cap)
		return true;
	uint32_t cap = l->cap != 0 ? l->cap * 2 : 16;
	uint32_t *ip = realloc(l->ip, cap * sizeof(*ip));
	if (ip == NULL)
		return false;
	l->ip = ip;
	l->cap = cap;
	return true;
}

/* A listed VTEP keeps its id (IPv6): a reference per list it is on. */
static void vtep_list_append(struct vtep_list *l, uint32_t ip)
{
	l->ip[l->n++] = ip;
	vtep_id_ref(ip, 1);
}

void vtep_list_free(struct vtep_list *l)
{
	for (uint32_t i = 0; i < l->n; i++)
		vtep_id_ref(l->ip[i], -1);
	free(l->ip);
	memset(l, 0, sizeof(*l));
}

static bool vtep_list_del(struct vtep_list *l, uint32_t ip)
{
	int i = vtep_list_find(l, ip);
	if (i < 0)
		return false;
	l->ip[i] = l->ip[--l->n];
	vtep_id_ref(ip, -1);
	return true;
}

/* Both origins together stay within --max-vteps. */
static bool flood_list_full(const struct network *n)
{
	return n->vteps.n + n->evpn_vteps.n >= nfva_options()->max_vteps;
}

unsigned network_vtep_origins(const struct network *n, uint32_t ip)
{
	unsigned o = 0;
	if (vtep_list_find(&n->vteps, ip) >= 0)
		o |= VTEP_CONFIG;
	if (vtep_list_find(&n->evpn_vteps, ip) >= 0)
		o |= VTEP_EVPN;
	return o;
}

bool network_wants(const struct network *n, uint32_t ip)
{
	return ip == n->overlay.group || network_vtep_origins(n, ip) != 0;
}

static int ip_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

unsigned network_flood_list(const struct network *n, uint32_t *out)
{
	unsigned k = 0;
	unsigned total = n->vteps.n + n->evpn_vteps.n;

	if (total == 0) /* the lists and out may be NULL: no memcpy, no qsort */
		return 0;
	if (n->vteps.n != 0)
		memcpy(out, n->vteps.ip, n->vteps.n * sizeof(*out));
	if (n->evpn_vteps.n != 0)
		memcpy(out + n->vteps.n, n->evpn_vteps.ip, n->evpn_vteps.n * sizeof(*out));
	qsort(out, total, sizeof(*out), ip_cmp);
	for (unsigned i = 0; i < total; i++)
		if (k == 0 || out[k - 1] != out[i])
			out[k++] = out[i];
	return k;
}

unsigned network_flood_count(const struct network *n)
{
	unsigned count = n->vteps.n;
	for (uint32_t i = 0; i < n->evpn_vteps.n; i++)
		if (vtep_list_find(&n->vteps, n->evpn_vteps.ip[i]) < 0)
			count++;
	return count;
}

int network_vtep_add(struct network *n, uint32_t ip, char *err, size_t errlen)
{
	if (n->overlay.encap == DP_ENCAP_NONE) {
		snprintf(err, errlen, "network %s has no overlay (add it with vni and encap)",
				n->name);
		return -EINVAL;
	}
	if (vtep_list_find(&n->vteps, ip) >= 0) {
		snprintf(err, errlen, "vtep already in network %s", n->name);
		return -EEXIST;
	}
	if (flood_list_full(n) || !vtep_list_grow(&n->vteps)) {
		snprintf(err, errlen, "network %s has %u vteps already (--max-vteps)", n->name,
				n->vteps.n + n->evpn_vteps.n);
		return -ENOSPC;
	}
	vtep_list_append(&n->vteps, ip);
	return dp_config_commit();
}

int network_vtep_del(struct network *n, uint32_t ip, char *err, size_t errlen)
{
	if (!vtep_list_del(&n->vteps, ip)) {
		snprintf(err, errlen, "no such vtep in network %s", n->name);
		return -ENOENT;
	}
	int ret = dp_config_commit();
	struct fdb_filter f = { .network = n->index, .port = NFVA_PORT_NONE };
	fdb_flush_vtep(&f, ip);
	return ret;
}

int network_evpn_vtep_add(struct network *n, uint32_t ip)
{
	if (vtep_list_find(&n->evpn_vteps, ip) >= 0)
		return -EEXIST;
	if (flood_list_full(n) || !vtep_list_grow(&n->evpn_vteps))
		return -ENOSPC;
	vtep_list_append(&n->evpn_vteps, ip);
	return 0;
}

int network_evpn_vtep_del(struct network *n, uint32_t ip)
{
	return vtep_list_del(&n->evpn_vteps, ip) ? 0 : -ENOENT;
}

void network_evpn_vteps_clear(struct network *n)
{
	for (uint32_t i = 0; i < n->evpn_vteps.n; i++)
		vtep_id_ref(n->evpn_vteps.ip[i], -1);
	n->evpn_vteps.n = 0;
}
