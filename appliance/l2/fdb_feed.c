/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The FDB's change feed (see fdb.h): a single-producer ring written under the
 * FDB writer lock (every writer holds it, workers included), drained by a
 * periodic task of the control thread into EVENT_FDB_CHANGED, and, for a
 * network whose change found the ring full, EVENT_FDB_RESYNC. Only watched
 * networks are fed, so learning in the others costs one byte read.
 */
#include <stdlib.h>

#include <rte_errno.h>
#include <rte_ring.h>

#include "control/periodic.h"
#include "control/stats.h"
#include "core/event.h"
#include "core/log.h"
#include "l2/fdb.h"
#include "l2/fdb_private.h"

NFVA_LOG_REGISTER(fdb_feed)

#define FEED_RING_SIZE 65536 /* keys waiting for the control thread */
#define FEED_DRAIN_MAX 8192  /* keys published per run of the task */

enum {
	FEED_WATCHED = 1 << 0,
	FEED_LOST = 1 << 1, /* a change of this network found the ring full */
};

static struct rte_ring *ring;
static uint8_t *flags; /* per network: FEED_* */
static uint32_t n_networks;
static uint64_t queued, lost, resyncs;
static bool any_lost; /* some network has FEED_LOST */

int fdb_feed_init(uint32_t networks)
{
	n_networks = networks;
	flags = calloc(networks, sizeof(*flags));
	ring = rte_ring_create_elem("nfva_fdb_feed", sizeof(struct fdb_key), FEED_RING_SIZE,
			SOCKET_ID_ANY, RING_F_SP_ENQ | RING_F_SC_DEQ);
	if (flags == NULL || ring == NULL) {
		fdb_feed_fini();
		return -ENOMEM;
	}
	queued = lost = resyncs = 0;
	any_lost = false;
	return 0;
}

void fdb_feed_fini(void)
{
	rte_ring_free(ring);
	ring = NULL;
	free(flags);
	flags = NULL;
	n_networks = 0;
}

void fdb_feed_watch(uint16_t network, bool on)
{
	if (network >= n_networks)
		return;
	rte_spinlock_lock(&fdb.write_lock);
	flags[network] = on ? FEED_WATCHED : 0;
	rte_spinlock_unlock(&fdb.write_lock);
}

void fdb_feed_put_locked(const struct fdb_key *key)
{
	if (key->network >= n_networks || !(flags[key->network] & FEED_WATCHED))
		return;
	if (rte_ring_sp_enqueue_elem(ring, (void *)(uintptr_t)key, sizeof(*key)) == 0) {
		queued++;
		return;
	}
	lost++;
	flags[key->network] |= FEED_LOST;
	__atomic_store_n(&any_lost, true, __ATOMIC_RELEASE);
}

/* Networks whose changes were lost are walked again by their watchers. */
static void fdb_feed_resync(void)
{
	if (!__atomic_load_n(&any_lost, __ATOMIC_ACQUIRE))
		return;
	__atomic_store_n(&any_lost, false, __ATOMIC_RELAXED);
	for (uint32_t i = 0; i < n_networks; i++) {
		rte_spinlock_lock(&fdb.write_lock);
		bool was_lost = flags[i] & FEED_LOST;
		flags[i] &= ~FEED_LOST;
		rte_spinlock_unlock(&fdb.write_lock);
		if (!was_lost)
			continue;
		resyncs++;
		NFVA_LOG(NOTICE, "change feed overflowed: network %u resynchronised", i);
		struct nfva_event ev = { .type = EVENT_FDB_RESYNC, .network = (uint16_t)i };
		event_publish(&ev);
	}
}

unsigned fdb_feed_drain(unsigned max)
{
	struct fdb_key keys[256];
	unsigned done = 0;

	if (ring == NULL)
		return 0;
	while (done < max) {
		unsigned n = rte_ring_sc_dequeue_burst_elem(ring, keys, sizeof(keys[0]),
				RTE_MIN(RTE_DIM(keys), max - done), NULL);
		if (n == 0)
			break;
		for (unsigned i = 0; i < n; i++) {
			struct nfva_event ev = { .type = EVENT_FDB_CHANGED,
				.network = keys[i].network,
				.mac = &keys[i].mac };
			event_publish(&ev);
		}
		done += n;
	}
	/* After the ring: a resync then sees every change the ring held. */
	fdb_feed_resync();
	return done;
}

void fdb_feed_stats(struct fdb_feed_stats *s)
{
	s->queued = queued;
	s->lost = lost;
	s->resyncs = resyncs;
	s->capacity = ring != NULL ? rte_ring_get_capacity(ring) : 0;
}

static void fdb_feed_run(void)
{
	fdb_feed_drain(FEED_DRAIN_MAX);
}

static struct periodic_task feed_task = { .name = "fdb-feed",
	.interval_ms = 5,
	.run = fdb_feed_run };

RTE_INIT(fdb_feed_register)
{
	periodic_register(&feed_task);
}
