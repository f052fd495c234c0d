/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The offload engine's front door: workers enqueue decisions and MAC
 * invalidations on one MP/SC ring (a small per-worker filter drops repeats of
 * a decision within a second, so a line-rate flow asks once, not per packet);
 * the control thread drains it, installs rules, and revalidates every rule
 * whenever the state they depend on changed.
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <rte_cycles.h>
#include <rte_errno.h>
#include <rte_hash_crc.h>
#include <rte_ring.h>

#include "core/dp_config.h"
#include "overlay/encap.h"
#include "core/clock.h"
#include "l2/fdb.h"
#include "core/log.h"
#include "core/event.h"
#include "core/module.h"
#include "offload/offload_private.h"

NFVA_LOG_REGISTER(offload)

#define REQ_RING_SIZE 8192
#define FILTER_SLOTS 1024
#define SERVICE_BATCH 256

enum msg_type { MSG_INSTALL = 1, MSG_INVALIDATE, MSG_MOVE };

struct offload_msg {
	struct offload_decision d; /* MSG_INVALIDATE, MSG_MOVE: network and dst (the MAC) */
	uint32_t type;
	uint32_t limit_port, limit_network; /* MSG_MOVE */
	uint64_t dest;                      /* MSG_MOVE: union fdb_dest */
	uint64_t asked_tsc;                 /* MSG_INSTALL: when the worker asked */
};

struct request_filter {
	uint32_t hash;
	uint32_t when;
};

struct offload_config offload_cfg = {
	.enabled = true,
	.idle_timeout_ms = OFFLOAD_IDLE_TIMEOUT_MS,
	.max_rules = OFFLOAD_MAX_RULES,
	.max_rules_per_port = OFFLOAD_MAX_RULES,
};
struct offload_stats offload_stats;
struct failure_reason failure_reasons[FAILURE_REASONS];

void offload_count_failure(const char *message)
{
	offload_stats.failures++;
	for (unsigned i = 0; i < FAILURE_REASONS; i++) {
		struct failure_reason *f = &failure_reasons[i];
		if (f->count == 0)
			snprintf(f->message, sizeof(f->message), "%s", message);
		if (strncmp(f->message, message, sizeof(f->message) - 1) == 0) {
			f->count++;
			return;
		}
	}
}

static struct rte_ring *ring;
static struct request_filter filters[NFVA_MAX_WORKERS][FILTER_SLOTS];
static uint64_t dropped[NFVA_MAX_WORKERS];
static bool revalidate_pending;

uint64_t offload_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static bool ring_put(struct offload_msg *m, unsigned worker)
{
	if (ring != NULL && rte_ring_mp_enqueue_elem(ring, m, sizeof(*m)) == 0)
		return true;
	dropped[worker < NFVA_MAX_WORKERS ? worker : 0]++;
	return false;
}

void offload_request(unsigned worker, uint32_t now_s, const struct offload_decision *d)
{
	/* An aligned copy: a decision is 4-byte aligned, rte_hash_crc() loads 8. */
	union {
		struct offload_decision d;
		uint64_t w[(sizeof(*d) + 7) / 8];
	} a;
	a.d = *d;
	uint32_t h = rte_hash_crc(&a.d, sizeof(*d), 0);
	struct request_filter *f = &filters[worker][h % FILTER_SLOTS];

	if (f->hash == h && f->when == now_s)
		return; /* asked this second already */
	f->hash = h;
	f->when = now_s;
	struct offload_msg m = { .d = *d, .type = MSG_INSTALL, .asked_tsc = rte_rdtsc() };
	ring_put(&m, worker);
}

bool offload_request_move(unsigned worker, uint32_t now_s, uint16_t network,
		const struct rte_ether_addr *mac, uint64_t dest, uint64_t from,
		const struct fdb_limits *limits)
{
	struct offload_msg m = { .type = MSG_MOVE,
		.dest = dest,
		.limit_port = limits->port,
		.limit_network = limits->network };
	m.d.network = network;
	m.d.dst = *mac;
	/* A move away from `from` makes a move back to it news again: the
	 * filter forgets this worker's request toward `from` (a MAC moved
	 * A -> B -> A -> B within one second must reach B the second time). */
	struct offload_msg back = m;
	union fdb_dest prev = { .u64 = from }, to = { .u64 = dest };
	prev.flags = to.flags; /* requests carry the source's flags */
	back.dest = prev.u64;
	uint32_t hb = rte_hash_crc(&back, sizeof(back), 0);
	struct request_filter *fb = &filters[worker][hb % FILTER_SLOTS];
	if (fb->hash == hb)
		fb->hash = 0;
	uint32_t h = rte_hash_crc(&m, sizeof(m), 0);
	struct request_filter *f = &filters[worker][h % FILTER_SLOTS];
	if (f->hash == h && f->when == now_s)
		return false;
	f->hash = h;
	f->when = now_s;
	return ring_put(&m, worker);
}

static bool rule_uses_mac(const struct offload_rule *r, const void *arg)
{
	const struct offload_msg *m = arg;
	return r->decision.network == m->d.network &&
			(rte_is_same_ether_addr(&r->decision.src, &m->d.dst) ||
					rte_is_same_ether_addr(&r->decision.dst, &m->d.dst));
}

/* Rules first, FDB after: nothing ever forwards by a stale rule. */
static void apply_move(const struct offload_msg *m)
{
	struct fdb_key key = { .network = m->d.network, .mac = m->d.dst };
	struct fdb_limits limits = { .port = m->limit_port, .network = m->limit_network };
	union fdb_dest dest = { .u64 = m->dest };
	unsigned before = rules_count();

	rules_remove_if(rule_uses_mac, m);
	offload_stats.invalidations += before - rules_count();
	fdb_learn(&key, dest, nfva_now_s(), &limits);
}

/* Remove every rule the slow path would no longer agree with (requests for
 * the new decisions follow from the next packets); rebuild in place those
 * whose actions changed (another template, other mirror sessions). */
static void revalidate(void)
{
	offload_stats.invalidations += rules_refresh();
	revalidate_pending = false;
}

/* State a rule may depend on changed outside a datapath commit (map-cache,
 * EID table): every rule is rechecked on the next service. */
static int offload_lisp_changed(const struct nfva_event *ev)
{
	(void)ev;
	revalidate_pending = true;
	return 0;
}
EVENT_SUBSCRIBE(EVENT_LISP_CHANGED, offload_lisp_changed)

unsigned offload_service(void)
{
	struct offload_msg msgs[SERVICE_BATCH];
	unsigned n = ring == NULL ? 0
				  : rte_ring_sc_dequeue_burst_elem(ring, msgs, sizeof(msgs[0]),
						    SERVICE_BATCH, NULL);

	for (unsigned i = 0; i < n; i++) {
		if (msgs[i].type == MSG_INVALIDATE) {
			revalidate_pending = true;
			continue;
		}
		if (msgs[i].type == MSG_MOVE) {
			apply_move(&msgs[i]);
			continue;
		}
		offload_stats.requests++;
		rules_install(&msgs[i].d, msgs[i].asked_tsc);
	}
	if (revalidate_pending)
		revalidate();
	return n;
}

unsigned offload_pending(void)
{
	return ring == NULL ? 0 : rte_ring_count(ring);
}

uint64_t offload_dropped_requests(void)
{
	uint64_t sum = 0;
	for (unsigned i = 0; i < NFVA_MAX_WORKERS; i++)
		sum += dropped[i];
	return sum;
}

static int offload_fdb_removed(const struct nfva_event *ev)
{
	(void)ev;
	revalidate_pending = true;
	return 0;
}
EVENT_SUBSCRIBE(EVENT_FDB_REMOVED, offload_fdb_removed)

/* An entry control re-points (EVPN: a MAC that moved to a remote VTEP): rules
 * toward its old place are revalidated, as for a removal. */
static int offload_fdb_moving(const struct nfva_event *ev)
{
	(void)ev;
	revalidate_pending = true;
	return 0;
}
EVENT_SUBSCRIBE(EVENT_FDB_MOVING, offload_fdb_moving)

int offload_init(void)
{
	for (unsigned i = 0; i < NFVA_MAX_PORTS; i++)
		offload_cfg.port_enabled[i] = true;
	ring = rte_ring_create_elem("nfva_offload", sizeof(struct offload_msg), REQ_RING_SIZE,
			SOCKET_ID_ANY, RING_F_SC_DEQ);
	if (ring == NULL)
		return errno_log(rte_errno, "rte_ring_create(offload)");
	return rules_init();
}

void offload_fini(void)
{
	rules_fini();
	rte_ring_free(ring);
	ring = NULL;
}

/* After every configuration commit (this module's part of the snapshot is
 * the rules' revalidation: rules follow the configuration they came from)
 * and every template change. */
static void offload_state_changed(struct dp_config *cfg)
{
	eswitch_build(cfg);
	if (rules_count() != 0)
		revalidate();
}

static int offload_templates_changed(const struct nfva_event *ev)
{
	(void)ev;
	if (rules_count() != 0)
		revalidate();
	return 0;
}
EVENT_SUBSCRIBE(EVENT_ENCAP_CHANGED, offload_templates_changed)

static struct nfva_module offload_module = {
	.name = "offload",
	.depends_on = "snapshot ports",
	.init = offload_init,
	.fini = offload_fini,
	.build = offload_state_changed,
};
NFVA_MODULE(offload_module)
