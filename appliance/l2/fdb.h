/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The forwarding database: (network, MAC) -> destination, shared by all
 * workers and the control thread.
 *
 * Concurrency scheme (see docs/architecture.md):
 * - rte_hash in RW_CONCURRENCY_LF mode: workers look up without locks.
 * - Writers (workers learning a new or moved MAC, control ageing/flushing/
 *   adding static entries) are serialised by one spinlock. Learning is rare
 *   next to forwarding, so the lock is off the per-packet path.
 * - Each key's data is a pointer to an fdb_entry from a fixed pool. A moved
 *   MAC is one atomic 64-bit store of entry->dest. A deleted entry (and its
 *   key slot) is recycled only after every worker has passed a quiescent
 *   state (rte_hash's RCU QSBR integration, defer-queue mode).
 * - Workers stamp entry->last_seen (relaxed store, only when the second
 *   changes); control ages entries whose stamp is older than the ageing time.
 */
#ifndef NFVA_FDB_H
#define NFVA_FDB_H

#include <stdbool.h>
#include <stdint.h>
#include <rte_ether.h>
#include <rte_rcu_qsbr.h>

enum fdb_dest_kind {
	FDB_DEST_PORT = 1, /* a local attachment: port + vlan */
	FDB_DEST_VTEP = 2, /* a remote VTEP of the network's overlay */
};

/* Where frames to a MAC go. Packed in 64 bits so a move is one atomic store. */
union fdb_dest {
	uint64_t u64;
	struct {
		uint8_t kind;  /* enum fdb_dest_kind */
		uint8_t flags; /* FDB_F_* */
		uint16_t port; /* appliance port index (uplink for VTEP dests) */
		union {
			uint16_t vlan;    /* FDB_DEST_PORT: attachment vlan or NFVA_VLAN_NONE */
			uint32_t vtep_ip; /* FDB_DEST_VTEP: remote VTEP's id (overlay/vtep_id.h) */
		};
	};
};

#define FDB_F_STATIC 0x01 /* configured: never aged, never moved by learning */
/* From BGP EVPN (evpn/): never aged, kept by dynamic flushes, never moved by
 * learning from a tunnel; learning on a local port overrides it (the MAC
 * moved here, and is advertised from here). */
#define FDB_F_EVPN 0x02

struct fdb_key {
	uint16_t network;
	struct rte_ether_addr mac;
};

struct fdb_entry {
	union fdb_dest dest; /* atomic: written by writers, read by workers */
	uint32_t last_seen;  /* nfva_now_s() of the last frame from this MAC */
	uint32_t created;    /* nfva_now_s() when learned or added */
	struct fdb_key key;  /* copy of the key, for walks and counters */
	bool in_table;       /* in the hash (not free, not waiting for reclaim) */
};

enum fdb_learn_result {
	FDB_LEARN_NEW = 0,
	FDB_LEARN_MOVED,
	FDB_LEARN_UNCHANGED,
	FDB_LEARN_LIMIT_PORT,    /* the port's MAC limit is reached */
	FDB_LEARN_LIMIT_NETWORK, /* the network's MAC limit is reached */
	FDB_LEARN_FULL,          /* the table itself is full */
	FDB_LEARN_STATIC,        /* a static entry exists (or an EVPN one, for a tunnel) */
	FDB_LEARN_BUSY,          /* the table is being changed: try again with a later frame */
};

struct fdb_limits {
	uint32_t port;    /* max MACs learned on the destination port, 0 = none */
	uint32_t network; /* max MACs in the network, 0 = none */
};

/* Control thread, at start: size the table and hook it to the workers' QSBR. */
int fdb_init(uint32_t max_entries, struct rte_rcu_qsbr *qsbr);
void fdb_fini(void);
uint32_t fdb_capacity(void);

/* GCC's access attribute (clang 14 has none: the fuzz build). */
#if defined(__has_attribute) && __has_attribute(access)
#define FDB_READS(ptr, count) __attribute__((access(read_only, ptr, count)))
#else
#define FDB_READS(ptr, count)
#endif

/* Workers: bulk lookup (n <= 64); out[i] is NULL on a miss. Lock-free. */
void fdb_lookup_bulk(const struct fdb_key *keys, unsigned n, struct fdb_entry **out)
		FDB_READS(1, 2);

/* Workers or control: learn or move key -> dest. Takes the writer lock. */
enum fdb_learn_result fdb_learn(const struct fdb_key *key, union fdb_dest dest, uint32_t now,
		const struct fdb_limits *limits);

/* Control: the destination of (network, mac); false when absent. */
bool fdb_lookup_dest(uint16_t network, const struct rte_ether_addr *mac, union fdb_dest *dest);
/* Control: refresh an entry whose traffic runs in hardware (offloaded). */
void fdb_touch_key(uint16_t network, const struct rte_ether_addr *mac, uint32_t now);

/* Every entry that control removes (ageing, flush, del) is published as
 * EVENT_FDB_REMOVED (core/event.h), on the control thread, outside the
 * writer lock. */

/* Control: static entries, removal and walks. */
int fdb_add_static(const struct fdb_key *key, union fdb_dest dest);
int fdb_del(const struct fdb_key *key);

/* Control: key is behind VTEP vtep_ip (on the uplink port), as BGP EVPN says.
 * Replaces a learned entry (a MAC that moved away), never a static one
 * (-EEXIST); -ENOSPC when the table is full. Rules that depend on the old
 * place go first (EVENT_FDB_MOVING). */
int fdb_set_evpn(const struct fdb_key *key, uint16_t port, uint32_t vtep_ip);
/* Control: remove key if EVPN put it there (behind vtep_ip, or any VTEP when
 * vtep_ip is 0): 0, or -ENOENT (absent, or learned or static since). */
int fdb_del_evpn(const struct fdb_key *key, uint32_t vtep_ip);

/* Filter for flush and walk; NONE fields match anything. EVPN entries belong
 * to the EVPN control plane: only a filter with evpn_too matches them. */
struct fdb_filter {
	uint16_t network; /* NFVA_NETWORK_NONE = any */
	uint16_t port;    /* NFVA_PORT_NONE = any */
	bool dynamic_only;
	bool evpn_too;
	bool evpn_only;
};
unsigned fdb_flush(const struct fdb_filter *filter);
/* Remove the dynamic entries learned behind a remote VTEP. */
unsigned fdb_flush_vtep(const struct fdb_filter *filter, uint32_t vtep_ip);
/* Remove dynamic entries not seen for ageing_s seconds; returns how many. */
unsigned fdb_age(uint32_t now, uint32_t ageing_s);
/* The same in bounded steps that never wait for the workers (the ageing
 * task): removes some (*removed) and returns true while the pass has more
 * to do; call again on a later turn of the control loop. */
bool fdb_age_step(uint32_t now, uint32_t ageing_s, unsigned *removed);

typedef void (*fdb_walk_cb)(const struct fdb_entry *e, void *arg);
void fdb_walk(const struct fdb_filter *filter, fdb_walk_cb cb, void *arg);
/* Control: the same, a part at a time: from *cursor (0 to start), stopping
 * after max matches; *cursor moves on, and is UINT32_MAX at the end. */
unsigned fdb_walk_part(const struct fdb_filter *filter, uint32_t *cursor, unsigned max,
		fdb_walk_cb cb, void *arg);

uint32_t fdb_count(void);
uint32_t fdb_count_port(uint16_t port);
uint32_t fdb_count_network(uint16_t network);

/*
 * The change feed (fdb_feed.c): for the networks a subscriber watches, every
 * key that learning (workers or control), a static add or an EVPN set
 * changed is put on a bounded ring under the writer lock; the control thread
 * drains it periodically and publishes EVENT_FDB_CHANGED for each (the
 * subscriber reads the entry's current state: the feed says which keys, not
 * what they became). Removals by control are EVENT_FDB_REMOVED already. When
 * the ring is full a network's change is lost: the drain then publishes
 * EVENT_FDB_RESYNC for it, and the subscriber walks the network again.
 */
void fdb_feed_watch(uint16_t network, bool on);
/* Control: drain up to max keys; returns how many were published. */
unsigned fdb_feed_drain(unsigned max);
struct fdb_feed_stats {
	uint64_t queued;   /* keys put on the ring */
	uint64_t lost;     /* keys that found it full */
	uint64_t resyncs;  /* EVENT_FDB_RESYNC published */
	uint32_t capacity; /* ring size */
};
void fdb_feed_stats(struct fdb_feed_stats *s);

static inline void fdb_touch(struct fdb_entry *e, uint32_t now)
{
	if (__atomic_load_n(&e->last_seen, __ATOMIC_RELAXED) != now)
		__atomic_store_n(&e->last_seen, now, __ATOMIC_RELAXED);
}

static inline union fdb_dest fdb_entry_dest(const struct fdb_entry *e)
{
	union fdb_dest d;
	d.u64 = __atomic_load_n(&e->dest.u64, __ATOMIC_ACQUIRE);
	return d;
}

#endif
