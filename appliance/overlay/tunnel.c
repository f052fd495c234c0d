/* SPDX-License-Identifier: BSD-3-Clause */
/* The registry of tunnel types (see tunnel.h). */
#include <string.h>

#include <rte_debug.h>
#include <rte_ether.h>
#include <rte_ip.h>

#include "overlay/tunnel.h"

static struct tunnel_ops *tunnels;

void tunnel_ops_register(struct tunnel_ops *ops)
{
	RTE_VERIFY(tunnel_ops_get(ops->encap) == NULL && tunnel_ops_find(ops->name) == NULL);
	struct tunnel_ops **tail = &tunnels;
	while (*tail != NULL)
		tail = &(*tail)->next;
	ops->next = NULL;
	*tail = ops;
}

const struct tunnel_ops *tunnel_ops_get(uint8_t encap)
{
	for (const struct tunnel_ops *t = tunnels; t != NULL; t = t->next)
		if (t->encap == encap)
			return t;
	return NULL;
}

const struct tunnel_ops *tunnel_ops_find(const char *name)
{
	for (const struct tunnel_ops *t = tunnels; t != NULL; t = t->next)
		if (strcmp(t->name, name) == 0)
			return t;
	return NULL;
}

unsigned tunnel_overhead(uint8_t encap)
{
	const struct tunnel_ops *t = tunnel_ops_get(encap);
	if (t == NULL)
		return 0;
	return sizeof(struct rte_ipv4_hdr) + t->hdr_len;
}
