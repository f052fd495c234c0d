/* SPDX-License-Identifier: BSD-3-Clause */
/* Mirror sessions: isolation checks, lifecycle, snapshot (see mirror.h). */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_mbuf_dyn.h>

#include "core/dp_config.h"
#include "core/event.h"
#include "core/log.h"
#include "core/module.h"
#include "core/workers.h"
#include "l2/network.h"
#include "mirror/mirror.h"
#include "overlay/encap.h"
#include "overlay/underlay.h"
#include "ports/port.h"
#include "overlay/vtep_id.h"

NFVA_LOG_REGISTER(mirror)

static struct mirror_session sessions[NFVA_MAX_MIRRORS];
static mirror_hw_state_fn hw_state;
uint64_t mirror_copy_flag;

void mirror_set_hw(mirror_hw_state_fn fn)
{
	hw_state = fn;
}

void mirror_hw(unsigned session, struct mirror_hw_state *st)
{
	memset(st, 0, sizeof(*st));
	if (hw_state != NULL)
		hw_state(session, st);
}

static int mirror_init(void)
{
	static const struct rte_mbuf_dynflag desc = { .name = "nfva_mirror_copy" };
	int bit = rte_mbuf_dynflag_register(&desc);
	if (bit < 0)
		return errno_log(rte_errno, "rte_mbuf_dynflag_register");
	mirror_copy_flag = 1ULL << bit;
	return 0;
}

struct mirror_session *mirror_find(const char *name)
{
	for (unsigned i = 0; i < NFVA_MAX_MIRRORS; i++)
		if (sessions[i].used && strcmp(sessions[i].name, name) == 0)
			return &sessions[i];
	return NULL;
}

struct mirror_session *mirror_by_index(unsigned i)
{
	return i < NFVA_MAX_MIRRORS && sessions[i].used ? &sessions[i] : NULL;
}

bool mirror_port_is_source(uint16_t port)
{
	for (unsigned i = 0; i < NFVA_MAX_MIRRORS; i++)
		for (unsigned k = 0; sessions[i].used && k < sessions[i].n_sources; k++)
			if (sessions[i].sources[k] == port)
				return true;
	return false;
}

/* The one network a port is attached to (any vlan); NONE if none, and
 * *several set when it is in more than one. */
static uint16_t port_network(uint16_t port, bool *several)
{
	uint16_t found = NFVA_NETWORK_NONE;
	*several = false;
	for (uint16_t i = 0; i < network_capacity(); i++) {
		const struct network *n = network_by_index(i);
		for (unsigned m = 0; n != NULL && m < n->n_members; m++) {
			if (n->members[m].port != port || found == i)
				continue;
			*several = found != NFVA_NETWORK_NONE;
			found = i;
		}
	}
	return found;
}

/* The network all sources share, or an error. */
static int sources_network(const struct mirror_session *s, uint16_t *net, char *err, size_t len)
{
	bool several;
	*net = NFVA_NETWORK_NONE;
	for (unsigned k = 0; k < s->n_sources; k++) {
		uint16_t n = port_network(s->sources[k], &several);
		if (several || (n != NFVA_NETWORK_NONE && *net != NFVA_NETWORK_NONE && n != *net)) {
			snprintf(err, len,
					"the sources span several networks (mark the session "
					"external to allow it)");
			return -EPERM;
		}
		if (n != NFVA_NETWORK_NONE)
			*net = n;
	}
	return 0;
}

static int check_destination(const struct mirror_session *s, uint16_t net, char *err, size_t len)
{
	bool several;
	if (s->dest == DP_MIRROR_PORT) {
		uint16_t dn = port_network(s->dest_port, &several);
		if (several || (dn != NFVA_NETWORK_NONE && dn != net)) {
			snprintf(err, len,
					"the destination port belongs to another network: its "
					"VMs would see this network's traffic");
			return -EPERM;
		}
		return 0;
	}
	if (s->dest == DP_MIRROR_VXLAN) {
		for (uint16_t i = 0; i < network_capacity(); i++) {
			const struct network *n = network_by_index(i);
			if (n != NULL && i != net && n->overlay.encap == DP_ENCAP_VXLAN &&
					n->overlay.vni == s->overlay.vni) {
				snprintf(err, len, "vni %u belongs to network %s", s->overlay.vni,
						n->name);
				return -EPERM;
			}
		}
	}
	return 0;
}

static int check_ports(const struct mirror_session *s, char *err, size_t len)
{
	const struct underlay *u = underlay_get();
	for (unsigned k = 0; k < s->n_sources; k++) {
		if (s->dest == DP_MIRROR_PORT && s->sources[k] == s->dest_port) {
			snprintf(err, len, "a session cannot mirror into one of its sources");
			return -EINVAL;
		}
		if (u->active && s->sources[k] == u->port && !s->external) {
			snprintf(err, len,
					"the uplink carries every network: mark the session "
					"external to mirror it");
			return -EPERM;
		}
	}
	if (s->dest != DP_MIRROR_PORT && !u->active) {
		snprintf(err, len, "a remote collector needs an underlay (underlay set ...)");
		return -EINVAL;
	}
	return 0;
}

static int mirror_check(const struct mirror_session *s, char *err, size_t len)
{
	uint16_t net;
	int ret = check_ports(s, err, len);
	if (ret == 0 && !s->external)
		ret = sources_network(s, &net, err, len);
	if (ret == 0 && !s->external)
		ret = check_destination(s, net, err, len);
	return ret;
}

int mirror_add(const struct mirror_session *s, char *err, size_t errlen)
{
	struct mirror_session *slot = NULL;

	if (mirror_find(s->name) != NULL) {
		snprintf(err, errlen, "mirror %s exists", s->name);
		return -EEXIST;
	}
	for (unsigned i = 0; i < NFVA_MAX_MIRRORS && slot == NULL; i++)
		if (!sessions[i].used)
			slot = &sessions[i];
	if (slot == NULL) {
		snprintf(err, errlen, "no room for another session (max %d)", NFVA_MAX_MIRRORS);
		return -ENOSPC;
	}
	int ret = mirror_check(s, err, errlen);
	if (ret < 0)
		return ret;
	unsigned index = slot - sessions;
	*slot = *s;
	slot->used = true;
	slot->index = index;
	struct mirror_hw_state hw;
	workers_mirror_counters(index, &slot->baseline);
	mirror_hw(index, &hw);
	slot->eswitch_baseline = hw.copies;
	vtep_id_ref(slot->dest_ip, 1); /* an IPv6 collector keeps its id; 0: none */
	ret = dp_config_commit();
	if (slot->dest != DP_MIRROR_PORT)
		encap_ensure(NFVA_MIRROR_OWNER_BASE + index, slot->dest_ip);
	NFVA_LOG(INFO, "mirror %s added", slot->name);
	return ret;
}

int mirror_del(struct mirror_session *s)
{
	s->used = false;
	vtep_id_ref(s->dest_ip, -1);
	NFVA_LOG(INFO, "mirror %s deleted", s->name);
	return dp_config_commit(); /* its templates go with the encap refresh */
}

static void mirror_build_one(struct dp_config *cfg, const struct mirror_session *s)
{
	struct dp_mirror *d = &cfg->mirror->sessions[s->index];
	uint32_t bit = 1u << s->index;

	*d = (struct dp_mirror){ .active = true,
		.dest = s->dest,
		.erspan_version = s->erspan_version,
		.hw_id = s->overlay.erspan_hw_id,
		.dest_port = s->dest_port,
		.session_id = (uint16_t)s->overlay.vni,
		.dest_ip = s->dest_ip,
		.owner = NFVA_MIRROR_OWNER_BASE + s->index,
		.sample_n = s->sample_n,
		.snaplen = s->snaplen,
		.filter = s->filter };
	for (unsigned k = 0; k < s->n_sources; k++) {
		if (s->directions & MIRROR_IN)
			cfg->ports[s->sources[k]].mirror_in |= bit;
		if (s->directions & MIRROR_OUT)
			cfg->ports[s->sources[k]].mirror_out |= bit;
	}
}

static void mirror_build(struct dp_config *cfg)
{
	cfg->mirror = dp_config_alloc(cfg, sizeof(*cfg->mirror));
	if (cfg->mirror == NULL)
		return;
	for (unsigned i = 0; i < NFVA_MAX_MIRRORS; i++)
		if (sessions[i].used)
			mirror_build_one(cfg, &sessions[i]);
	mirror_collect_build(cfg->mirror);
}

static const struct network_overlay *mirror_overlay(uint32_t owner)
{
	const struct mirror_session *s = mirror_by_index(owner - NFVA_MIRROR_OWNER_BASE);
	return s != NULL && s->dest != DP_MIRROR_PORT ? &s->overlay : NULL;
}

static bool session_uses_port(const struct mirror_session *s, uint16_t port)
{
	if (s->dest == DP_MIRROR_PORT && s->dest_port == port)
		return true;
	for (unsigned k = 0; k < s->n_sources; k++)
		if (s->sources[k] == port)
			return true;
	return false;
}

/* A removed port takes the sessions that use it along. */
static int mirror_port_removing(const struct nfva_event *ev)
{
	for (unsigned i = 0; i < NFVA_MAX_MIRRORS; i++)
		if (sessions[i].used && session_uses_port(&sessions[i], ev->port)) {
			NFVA_LOG(WARNING, "mirror %s removed with its port", sessions[i].name);
			sessions[i].used = false;
		}
	return 0;
}
EVENT_SUBSCRIBE(EVENT_PORT_REMOVING, mirror_port_removing)

/* A network change must not make an existing session leak. */
static int mirror_network_check(const struct nfva_event *ev)
{
	char why[256];
	for (unsigned i = 0; i < NFVA_MAX_MIRRORS; i++) {
		if (!sessions[i].used || mirror_check(&sessions[i], why, sizeof(why)) == 0)
			continue;
		snprintf(ev->err, ev->errlen, "mirror session %s would break tenant isolation: %s",
				sessions[i].name, why);
		return -EPERM;
	}
	return 0;
}
EVENT_SUBSCRIBE(EVENT_NETWORK_CHECK, mirror_network_check)

/* A session's collector keeps its template while the session lives. */
static bool mirror_pinned(uint32_t owner, uint32_t ip)
{
	const struct mirror_session *s = mirror_by_index(owner - NFVA_MIRROR_OWNER_BASE);
	return s != NULL && s->dest != DP_MIRROR_PORT && s->dest_ip == ip;
}

static struct encap_owner_class mirror_owners = { .base = NFVA_MIRROR_OWNER_BASE,
	.count = NFVA_MAX_MIRRORS,
	.overlay = mirror_overlay,
	.pinned = mirror_pinned };

RTE_INIT(mirror_register_owners)
{
	encap_register_owner(&mirror_owners);
}

static struct nfva_module mirror_module = {
	.name = "mirror",
	.depends_on = "snapshot",
	.init = mirror_init,
	.build = mirror_build,
};
NFVA_MODULE(mirror_module)
