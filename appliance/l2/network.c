/* SPDX-License-Identifier: BSD-3-Clause */
/* Networks and attachments (see network.h); the flood lists are network_vtep.c,
 * the snapshot part network_build.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/args.h"
#include "core/event.h"
#include "core/log.h"
#include "core/module.h"
#include "core/workers.h"
#include "l2/fdb.h"
#include "l2/network.h"
#include "overlay/vtep_id.h"
#include "l2/network_private.h"
#include "overlay/underlay.h"
#include "ports/port.h"

NFVA_LOG_REGISTER(network)

struct network *networks;
static uint32_t capacity;

uint32_t network_capacity(void)
{
	return capacity;
}

static void network_publish(enum nfva_event_type type, uint16_t index)
{
	struct nfva_event ev = { .type = type, .network = index };
	event_publish(&ev);
}

/* Before a new network or attachment is published: may it be? */
static int network_validate(char *err, size_t errlen)
{
	struct nfva_event ev = { .type = EVENT_NETWORK_CHECK, .err = err, .errlen = errlen };
	return event_check(&ev);
}

struct network *network_find(const char *name)
{
	for (unsigned i = 0; i < capacity; i++)
		if (networks[i].used && strcmp(networks[i].name, name) == 0)
			return &networks[i];
	return NULL;
}

struct network *network_by_index(uint16_t index)
{
	return index < capacity && networks[index].used ? &networks[index] : NULL;
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
	for (unsigned i = 0; i < capacity; i++)
		if (networks[i].used && member_index(&networks[i], port, vlan) >= 0)
			return &networks[i];
	return NULL;
}

static unsigned port_vlan_count(uint16_t port)
{
	unsigned count = 0;
	for (unsigned i = 0; i < capacity; i++)
		for (unsigned m = 0; networks[i].used && m < networks[i].n_members; m++)
			if (networks[i].members[m].port == port &&
					networks[i].members[m].vlan != NFVA_VLAN_NONE)
				count++;
	return count;
}

static const struct network *network_with_vni(const struct network_overlay *ov)
{
	for (unsigned i = 0; i < capacity; i++) {
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
	for (unsigned i = 0; i < capacity; i++) {
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
	for (unsigned i = 0; i < capacity; i++) {
		struct network *n = &networks[i];
		if (n->used)
			continue;
		vtep_list_free(&n->vteps);
		vtep_list_free(&n->evpn_vteps);
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
		vtep_id_ref(ov->group, 1); /* an IPv6 group keeps its id */
		NFVA_LOG(INFO, "network %s added", name);
		ret = dp_config_commit();
		if (ret == 0)
			network_publish(EVENT_NETWORK_ADDED, n->index);
		return ret;
	}
	snprintf(err, errlen, "no room for another network (max %u: --max-networks)", capacity);
	return -ENOSPC;
}

int network_del(struct network *n)
{
	struct fdb_filter all = { .network = n->index, .port = NFVA_PORT_NONE, .evpn_too = true };

	network_publish(EVENT_NETWORK_REMOVING, n->index);
	n->used = false;
	int ret = dp_config_commit();
	fdb_flush(&all);
	/* Whatever hangs on the index (LISP EIDs, map-cache) goes before a
	 * new network can take it. */
	struct nfva_event ev = { .type = EVENT_NETWORK_REMOVED, .network = n->index };
	event_publish(&ev);
	vtep_list_free(&n->vteps);
	vtep_list_free(&n->evpn_vteps);
	vtep_id_ref(n->overlay.group, -1);
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

int network_set_mac_limit(struct network *n, uint32_t limit)
{
	n->mac_limit = limit;
	return dp_config_commit();
}

static int network_port_removing(const struct nfva_event *ev)
{
	for (unsigned i = 0; i < capacity; i++) {
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
	for (unsigned i = 0; i < capacity; i++)
		for (unsigned m = 0; networks[i].used && m < networks[i].n_members; m++)
			if (networks[i].members[m].port == ev->port) {
				snprintf(ev->err, ev->errlen, "port %s is attached to a network",
						port_by_index(ev->port)->name);
				return -EBUSY;
			}
	return 0;
}
EVENT_SUBSCRIBE(EVENT_UNDERLAY_CHECK, network_underlay_check)

int network_init(void)
{
	if (networks != NULL)
		return 0;
	capacity = nfva_options()->max_networks;
	networks = calloc(capacity, sizeof(*networks));
	if (networks == NULL)
		return errno_log(ENOMEM, "network table");
	return 0;
}

void network_fini(void)
{
	for (uint32_t i = 0; i < capacity; i++) {
		vtep_list_free(&networks[i].vteps);
		vtep_list_free(&networks[i].evpn_vteps);
	}
	free(networks);
	networks = NULL;
	capacity = 0;
}

static struct nfva_module network_module = {
	.name = "networks",
	.depends_on = "snapshot ports encap fdb",
	.init = network_init,
	.fini = network_fini,
	.build = network_build,
};
NFVA_MODULE(network_module)
