/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The networks' part of every datapath snapshot: the networks array (up to
 * the highest index in use), the port map, the sorted VNI table and groups,
 * each overlay's merged flood list; and the networks as owners of
 * encapsulation templates (encap.h).
 */
#include <stdlib.h>
#include <string.h>

#include "overlay/encap.h"
#include "l2/network_private.h"

static void network_build_port_map(struct dp_config *cfg, const struct network *n)
{
	for (unsigned m = 0; m < n->n_members; m++) {
		const struct dp_attachment *a = &n->members[m];
		struct dp_port *p = &cfg->ports[a->port];
		if (a->vlan == NFVA_VLAN_NONE)
			p->untagged_network = n->index;
		else if (p->n_vlans < NFVA_MAX_PORT_VLANS)
			p->vlans[p->n_vlans++] = (struct dp_port_vlan){ a->vlan, n->index };
	}
}

static int vni_entry_cmp(const void *a, const void *b)
{
	const struct dp_vni_entry *x = a, *y = b;
	if (x->encap != y->encap)
		return x->encap < y->encap ? -1 : 1;
	if (x->vni != y->vni)
		return x->vni < y->vni ? -1 : 1;
	return (int)x->udp_port - (int)y->udp_port;
}

static int group_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

/* The flood list, merged and sorted, in the snapshot's memory. */
static void network_build_flood(struct dp_config *cfg, const struct network *n,
		struct dp_overlay *d)
{
	uint32_t room = n->vteps.n + n->evpn_vteps.n;
	if (room == 0)
		return;
	uint32_t *list = dp_config_alloc(cfg, room * sizeof(*list));
	if (list == NULL)
		return; /* the commit fails */
	d->n_vteps = (uint16_t)network_flood_list(n, list);
	d->vteps = list;
}

static void network_build_overlay(struct dp_config *cfg, const struct network *n)
{
	const struct network_overlay *o = &n->overlay;
	struct dp_overlay *d = &cfg->networks[n->index].overlay;

	if (o->encap == DP_ENCAP_NONE)
		return;
	d->encap = o->encap;
	d->strict = o->strict;
	d->udp6_zero_csum = o->udp6_zero_csum;
	d->collector = o->collector;
	d->evpn = o->evpn;
	d->vni = o->vni;
	d->udp_port = rte_cpu_to_be_16(o->udp_port);
	d->group = o->group;
	if (o->group != 0)
		cfg->groups[cfg->n_groups++] = o->group;
	network_build_flood(cfg, n, d);
	struct dp_vni_entry *v = &cfg->vnis[cfg->n_vnis++];
	v->encap = o->nvgre ? (DP_ENCAP_GRE | DP_VNI_NVGRE) : o->encap;
	v->udp_port = overlay_own_port(o) ? d->udp_port : 0;
	v->vni = o->vni;
	v->network = n->index;
}

/* Flood-list VTEPs and groups get their templates (and their next hops
 * resolved) before the first frame needs them. */
static void network_ensure_templates(const struct network *n)
{
	for (uint32_t v = 0; v < n->vteps.n; v++)
		encap_ensure(n->index, n->vteps.ip[v]);
	for (uint32_t v = 0; v < n->evpn_vteps.n; v++)
		encap_ensure(n->index, n->evpn_vteps.ip[v]);
	if (n->overlay.group != 0)
		encap_ensure(n->index, n->overlay.group);
}

/* The snapshot's arrays, sized for the networks in use. */
static bool network_build_alloc(struct dp_config *cfg)
{
	uint32_t top = 0, overlays = 0;

	for (uint32_t i = 0; i < network_capacity(); i++) {
		if (!networks[i].used)
			continue;
		top = i + 1;
		overlays += networks[i].overlay.encap != DP_ENCAP_NONE;
	}
	cfg->n_networks = (uint16_t)top;
	cfg->networks = dp_config_alloc(cfg, (top + 1) * sizeof(*cfg->networks));
	cfg->vnis = dp_config_alloc(cfg, (overlays + 1) * sizeof(*cfg->vnis));
	cfg->groups = dp_config_alloc(cfg, (overlays + 1) * sizeof(*cfg->groups));
	return cfg->networks != NULL && cfg->vnis != NULL && cfg->groups != NULL;
}

/* Sorted, each group once. */
static void network_build_groups(struct dp_config *cfg)
{
	uint16_t k = 0;

	qsort(cfg->groups, cfg->n_groups, sizeof(cfg->groups[0]), group_cmp);
	for (uint16_t i = 0; i < cfg->n_groups; i++)
		if (k == 0 || cfg->groups[k - 1] != cfg->groups[i])
			cfg->groups[k++] = cfg->groups[i];
	cfg->n_groups = k;
}

void network_build(struct dp_config *cfg)
{
	if (!network_build_alloc(cfg))
		return; /* the commit fails */
	for (uint32_t i = 0; i < cfg->n_networks; i++) {
		const struct network *n = &networks[i];
		if (!n->used)
			continue;
		struct dp_network *dn = &cfg->networks[i];
		dn->active = true;
		dn->mac_limit = n->mac_limit;
		dn->n_members = n->n_members;
		memcpy(dn->members, n->members, n->n_members * sizeof(n->members[0]));
		network_build_port_map(cfg, n);
		network_build_overlay(cfg, n);
		if (n->overlay.encap != DP_ENCAP_NONE)
			network_ensure_templates(n);
	}
	qsort(cfg->vnis, cfg->n_vnis, sizeof(cfg->vnis[0]), vni_entry_cmp);
	network_build_groups(cfg);
}

/* Networks own templates 0..capacity-1 (encap.h). */
static const struct network *network_owner(uint32_t owner)
{
	const struct network *n =
			owner < NFVA_NETWORK_NONE ? network_by_index((uint16_t)owner) : NULL;
	return n != NULL && n->overlay.encap != DP_ENCAP_NONE ? n : NULL;
}

static const struct network_overlay *network_owner_overlay(uint32_t owner)
{
	const struct network *n = network_owner(owner);
	return n != NULL ? &n->overlay : NULL;
}

/* Strict networks keep templates toward their flood list (and group) only. */
static bool network_owner_keeps(uint32_t owner, uint32_t ip)
{
	const struct network *n = network_owner(owner);
	return n != NULL && (!n->overlay.strict || network_wants(n, ip));
}

/* Flood-list VTEPs and the group keep their templates; learned ones expire. */
static bool network_owner_pinned(uint32_t owner, uint32_t ip)
{
	const struct network *n = network_owner(owner);
	return n != NULL && network_wants(n, ip);
}

static struct encap_owner_class network_owners = { .base = 0,
	.count = NFVA_NETWORK_NONE,
	.overlay = network_owner_overlay,
	.keeps = network_owner_keeps,
	.pinned = network_owner_pinned };

RTE_INIT(network_register_owners)
{
	encap_register_owner(&network_owners);
}
