/* SPDX-License-Identifier: BSD-3-Clause */
/* Networks and attachments; their part of the datapath snapshot (see network.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/event.h"
#include "core/log.h"
#include "core/module.h"
#include "core/workers.h"
#include "l2/fdb.h"
#include "l2/network.h"
#include "overlay/encap.h"
#include "overlay/underlay.h"
#include "ports/port.h"

NFVA_LOG_REGISTER(network)

static struct network networks[NFVA_MAX_NETWORKS];

/* Before a new network or attachment is published: may it be? */
static int network_validate(char *err, size_t errlen)
{
	struct nfva_event ev = { .type = EVENT_NETWORK_CHECK, .err = err, .errlen = errlen };
	return event_check(&ev);
}

struct network *network_find(const char *name)
{
	for (unsigned i = 0; i < NFVA_MAX_NETWORKS; i++)
		if (networks[i].used && strcmp(networks[i].name, name) == 0)
			return &networks[i];
	return NULL;
}

struct network *network_by_index(uint16_t index)
{
	return index < NFVA_MAX_NETWORKS && networks[index].used ? &networks[index] : NULL;
}

static int member_index(const struct network *n, uint16_t port, uint16_t vlan)
{
	for (unsigned i = 0; i < n->n_members; i++)
		if (n->members[i].port == port && n->members[i].vlan == vlan)
			return i;
	return -1;
}

struct network *network_of_attachment(uint16_t port, uint16_t vlan)
{
	for (unsigned i = 0; i < NFVA_MAX_NETWORKS; i++)
		if (networks[i].used && member_index(&networks[i], port, vlan) >= 0)
			return &networks[i];
	return NULL;
}

static unsigned port_vlan_count(uint16_t port)
{
	unsigned count = 0;
	for (unsigned i = 0; i < NFVA_MAX_NETWORKS; i++)
		for (unsigned m = 0; networks[i].used && m < networks[i].n_members; m++)
			if (networks[i].members[m].port == port &&
					networks[i].members[m].vlan != NFVA_VLAN_NONE)
				count++;
	return count;
}

/* Does the network choose its tunnel's UDP port (VXLAN)? Then the port is
 * part of the decapsulation key. */
static bool overlay_own_port(const struct network_overlay *o)
{
	const struct tunnel_ops *ops = tunnel_ops_get(o->encap);
	return ops != NULL && ops->udp_port != 0 && !ops->l3;
}

static const struct network *network_with_vni(const struct network_overlay *ov)
{
	for (unsigned i = 0; i < NFVA_MAX_NETWORKS; i++) {
		const struct network_overlay *o = &networks[i].overlay;
		if (networks[i].used && o->encap == ov->encap && o->vni == ov->vni &&
				(!overlay_own_port(o) || o->udp_port == ov->udp_port))
			return &networks[i];
	}
	return NULL;
}

/* GRE keys and NVGRE VSIDs share the key field (an NVGRE key is VSID << 8 |
 * FlowID): a GRE network with key K and an NVGRE network with VSID K >> 8
 * would both claim the same frames. */
static const struct network *network_key_clash(const struct network_overlay *ov)
{
	if (ov->encap != DP_ENCAP_GRE)
		return NULL;
	for (unsigned i = 0; i < NFVA_MAX_NETWORKS; i++) {
		const struct network_overlay *o = &networks[i].overlay;
		if (!networks[i].used || o->encap != DP_ENCAP_GRE || o->nvgre == ov->nvgre)
			continue;
		uint32_t key = o->nvgre ? ov->vni : o->vni, vsid = o->nvgre ? o->vni : ov->vni;
		if (key >> 8 == vsid)
			return &networks[i];
	}
	return NULL;
}

int network_add(const char *name, uint32_t mac_limit, const struct network_overlay *ov, char *err,
		size_t errlen)
{
	const struct network *same;

	if (network_find(name) != NULL) {
		snprintf(err, errlen, "network %s exists", name);
		return -EEXIST;
	}
	if (ov->encap != DP_ENCAP_NONE && (same = network_with_vni(ov)) != NULL) {
		snprintf(err, errlen, "network %s already uses vni %u", same->name, ov->vni);
		return -EEXIST;
	}
	if ((same = network_key_clash(ov)) != NULL) {
		snprintf(err, errlen,
				"GRE key %u and NVGRE VSID %u of network %s would share frames",
				ov->nvgre ? same->overlay.vni : ov->vni,
				ov->nvgre ? ov->vni : same->overlay.vni, same->name);
		return -EEXIST;
	}
	for (unsigned i = 0; i < NFVA_MAX_NETWORKS; i++) {
		struct network *n = &networks[i];
		if (n->used)
			continue;
		memset(n, 0, sizeof(*n));
		n->used = true;
		n->index = i;
		n->mac_limit = mac_limit;
		n->overlay = *ov;
		workers_network_counters(n->index, &n->baseline); /* an earlier network's */
		snprintf(n->name, sizeof(n->name), "%s", name);
		int ret = network_validate(err, errlen);
		if (ret < 0) {
			n->used = false;
			return ret;
		}
		NFVA_LOG(INFO, "network %s added", name);
		return dp_config_commit();
	}
	snprintf(err, errlen, "no room for another network (max %d)", NFVA_MAX_NETWORKS);
	return -ENOSPC;
}

int network_del(struct network *n)
{
	struct fdb_filter all = { .network = n->index, .port = NFVA_PORT_NONE };

	n->used = false;
	int ret = dp_config_commit();
	fdb_flush(&all);
	/* Whatever hangs on the index (LISP EIDs, map-cache) goes before a
	 * new network can take it. */
	struct nfva_event ev = { .type = EVENT_NETWORK_REMOVED, .network = n->index };
	event_publish(&ev);
	NFVA_LOG(INFO, "network %s deleted", n->name);
	return ret;
}

int network_attach(struct network *n, uint16_t port, uint16_t vlan, char *err, size_t errlen)
{
	const struct underlay *u = underlay_get();
	if (u->active && u->port == port) {
		snprintf(err, errlen, "the uplink carries overlays; it cannot be a member");
		return -EBUSY;
	}
	const struct network *other = network_of_attachment(port, vlan);
	if (other != NULL) {
		snprintf(err, errlen, "this attachment already belongs to network %s", other->name);
		return -EEXIST;
	}
	if (n->n_members == NFVA_MAX_MEMBERS) {
		snprintf(err, errlen, "network %s is full (%d members)", n->name, NFVA_MAX_MEMBERS);
		return -ENOSPC;
	}
	if (vlan != NFVA_VLAN_NONE && port_vlan_count(port) == NFVA_MAX_PORT_VLANS) {
		snprintf(err, errlen, "port has %d vlan attachments already", NFVA_MAX_PORT_VLANS);
		return -ENOSPC;
	}
	n->members[n->n_members++] = (struct dp_attachment){ .port = port, .vlan = vlan };
	int ret = network_validate(err, errlen);
	if (ret < 0) {
		n->n_members--;
		return ret;
	}
	return dp_config_commit();
}

int network_detach(struct network *n, uint16_t port, uint16_t vlan, char *err, size_t errlen)
{
	int i = member_index(n, port, vlan);
	if (i < 0) {
		snprintf(err, errlen, "not attached to network %s", n->name);
		return -ENOENT;
	}
	n->members[i] = n->members[--n->n_members];
	int ret = dp_config_commit();
	struct fdb_filter f = { .network = n->index, .port = port };
	fdb_flush(&f);
	struct nfva_event ev = { .type = EVENT_NETWORK_DETACHED,
		.network = n->index,
		.port = port,
		.vlan = vlan };
	event_publish(&ev);
	return ret;
}

int network_vtep_add(struct network *n, uint32_t ip, char *err, size_t errlen)
{
	struct network_overlay *o = &n->overlay;

	if (o->encap == DP_ENCAP_NONE) {
		snprintf(err, errlen, "network %s has no overlay (add it with vni and encap)",
				n->name);
		return -EINVAL;
	}
	for (unsigned i = 0; i < o->n_vteps; i++)
		if (o->vteps[i] == ip) {
			snprintf(err, errlen, "vtep already in network %s", n->name);
			return -EEXIST;
		}
	if (o->n_vteps == NFVA_MAX_VTEPS) {
		snprintf(err, errlen, "network %s has %d vteps already", n->name, NFVA_MAX_VTEPS);
		return -ENOSPC;
	}
	o->vteps[o->n_vteps++] = ip;
	return dp_config_commit();
}

int network_vtep_del(struct network *n, uint32_t ip, char *err, size_t errlen)
{
	struct network_overlay *o = &n->overlay;

	for (unsigned i = 0; i < o->n_vteps; i++) {
		if (o->vteps[i] != ip)
			continue;
		o->vteps[i] = o->vteps[--o->n_vteps];
		int ret = dp_config_commit();
		struct fdb_filter f = { .network = n->index, .port = NFVA_PORT_NONE };
		fdb_flush_vtep(&f, ip);
		return ret;
	}
	snprintf(err, errlen, "no such vtep in network %s", n->name);
	return -ENOENT;
}

int network_set_mac_limit(struct network *n, uint32_t limit)
{
	n->mac_limit = limit;
	return dp_config_commit();
}

static int network_port_removing(const struct nfva_event *ev)
{
	for (unsigned i = 0; i < NFVA_MAX_NETWORKS; i++) {
		struct network *n = &networks[i];
		for (int m = (int)n->n_members - 1; n->used && m >= 0; m--)
			if (n->members[m].port == ev->port)
				n->members[m] = n->members[--n->n_members];
	}
	return 0;
}
EVENT_SUBSCRIBE(EVENT_PORT_REMOVING, network_port_removing)

static int network_port_removed(const struct nfva_event *ev)
{
	struct fdb_filter f = { .network = NFVA_NETWORK_NONE, .port = ev->port };
	fdb_flush(&f);
	return 0;
}
EVENT_SUBSCRIBE(EVENT_PORT_REMOVED, network_port_removed)

/* The uplink carries overlays: a port that is a member cannot become it. */
static int network_underlay_check(const struct nfva_event *ev)
{
	for (unsigned i = 0; i < NFVA_MAX_NETWORKS; i++)
		for (unsigned m = 0; networks[i].used && m < networks[i].n_members; m++)
			if (networks[i].members[m].port == ev->port) {
				snprintf(ev->err, ev->errlen, "port %s is attached to a network",
						port_by_index(ev->port)->name);
				return -EBUSY;
			}
	return 0;
}
EVENT_SUBSCRIBE(EVENT_UNDERLAY_CHECK, network_underlay_check)

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

static void network_build_overlay(struct dp_config *cfg, const struct network *n)
{
	const struct network_overlay *o = &n->overlay;
	struct dp_overlay *d = &cfg->networks[n->index].overlay;

	if (o->encap == DP_ENCAP_NONE)
		return;
	d->encap = o->encap;
	d->strict = o->strict;
	d->collector = o->collector;
	d->vni = o->vni;
	d->udp_port = rte_cpu_to_be_16(o->udp_port);
	d->group = o->group;
	if (o->group != 0 && !dp_is_group(cfg, o->group))
		cfg->groups[cfg->n_groups++] = o->group;
	d->n_vteps = o->n_vteps;
	memcpy(d->vteps, o->vteps, o->n_vteps * sizeof(o->vteps[0]));
	struct dp_vni_entry *v = &cfg->vnis[cfg->n_vnis++];
	v->encap = o->nvgre ? (DP_ENCAP_GRE | DP_VNI_NVGRE) : o->encap;
	v->udp_port = overlay_own_port(o) ? d->udp_port : 0;
	v->vni = o->vni;
	v->network = n->index;
}

/* Configured VTEPs and groups get their templates (and their next hops
 * resolved) before the first frame needs them. */
static void network_ensure_templates(const struct network *n)
{
	for (unsigned v = 0; v < n->overlay.n_vteps; v++)
		encap_ensure(n->index, n->overlay.vteps[v]);
	if (n->overlay.group != 0)
		encap_ensure(n->index, n->overlay.group);
}

static void network_build(struct dp_config *cfg)
{
	for (unsigned i = 0; i < NFVA_MAX_NETWORKS; i++) {
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
}

static bool network_wants(const struct network_overlay *o, uint32_t ip)
{
	if (ip == o->group)
		return true;
	for (unsigned i = 0; i < o->n_vteps; i++)
		if (o->vteps[i] == ip)
			return true;
	return false;
}

/* Networks own templates 0..NFVA_MAX_NETWORKS-1 (encap.h). */
static const struct network_overlay *network_owner_overlay(uint32_t owner)
{
	const struct network *n = network_by_index((uint16_t)owner);
	return n != NULL && n->overlay.encap != DP_ENCAP_NONE ? &n->overlay : NULL;
}

/* Strict networks keep templates toward their configured VTEPs only. */
static bool network_owner_keeps(uint32_t owner, uint32_t ip)
{
	const struct network_overlay *o = network_owner_overlay(owner);
	return o != NULL && (!o->strict || network_wants(o, ip));
}

/* Configured VTEPs and the group keep their templates; learned ones expire. */
static bool network_owner_pinned(uint32_t owner, uint32_t ip)
{
	const struct network_overlay *o = network_owner_overlay(owner);
	return o != NULL && network_wants(o, ip);
}

static struct encap_owner_class network_owners = { .base = 0,
	.count = NFVA_MAX_NETWORKS,
	.overlay = network_owner_overlay,
	.keeps = network_owner_keeps,
	.pinned = network_owner_pinned };

RTE_INIT(network_register_owners)
{
	encap_register_owner(&network_owners);
}

static struct nfva_module network_module = {
	.name = "networks",
	.depends_on = "snapshot ports encap fdb",
	.build = network_build,
};
NFVA_MODULE(network_module)
