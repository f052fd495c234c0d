/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to neigh*.c: the table, its timers and counters. */
#ifndef NFVA_NEIGH_PRIVATE_H
#define NFVA_NEIGH_PRIVATE_H

#include <rte_hash.h>

#include "core/bounds.h"
#include "overlay/neigh.h"

#define NEIGH_HOLD_MAX 16
#define NEIGH_RETRY_MS 1000
#define NEIGH_MAX_PROBES 3
#define NEIGH_REACHABLE_MS (300 * 1000)
/* A FAILED neighbour that is wanted is probed again after a back-off that
 * doubles from the first to the last value (and at once when a frame needs
 * it and the back-off has passed). */
#define NEIGH_FAILED_RETRY_MIN_MS 1000
#define NEIGH_FAILED_RETRY_MAX_MS (60 * 1000)
/* Entries nothing asked for (learned from ARP) and failed ones are removed
 * after this long unused, and evicted first when the table is full. */
#define NEIGH_UNUSED_MS (10 * 60 * 1000)

struct neigh {
	bool used;
	bool wanted;    /* asked for (templates, LISP control): not only learned from ARP */
	uint8_t state;  /* enum neigh_state */
	uint8_t probes; /* requests sent in the current resolution */
	uint8_t n_held;
	struct nfva_ip ip; /* the key: IPv4 (network order) or IPv6 */
	struct rte_ether_addr mac;
	uint64_t confirmed_ms;
	uint64_t next_probe_ms;
	uint64_t used_ms;    /* last asked for or looked up */
	uint32_t backoff_ms; /* FAILED: the wait before the next probe */
	struct rte_mbuf *held[NEIGH_HOLD_MAX];
};

struct neigh_stats {
	uint64_t requests_sent;
	uint64_t replies; /* ARP replies accepted */
	uint64_t requests_answered;
	uint64_t updates; /* MAC learned or changed */
	uint64_t held;
	uint64_t held_dropped;
	uint64_t failures;
	uint64_t recoveries;           /* FAILED neighbours resolved again */
	uint64_t table_full;           /* a new entry found no room even after eviction */
	uint64_t evicted;              /* unused or failed entries removed to make room */
	uint64_t expired;              /* unused or failed entries removed by age */
	uint64_t arp_ignored;          /* not for us, malformed, or a sender we do not learn */
	uint64_t replies_rate_limited; /* requests for the VTEP not answered: ARP_REPLY_RATE */
	/* Neighbour Discovery (neigh_nd.c); malformed ND is dropped by the
	 * workers (drop reason nd_invalid) and never gets here. */
	uint64_t ns_sent;          /* solicitations for IPv6 next hops */
	uint64_t ns_answered;      /* NS for the uplink's IPv6 address answered (NA) */
	uint64_t na_received;      /* NA accepted for an entry we asked about */
	uint64_t na_unsolicited;   /* NA for an address we never asked about: nothing made */
	uint64_t nd_ignored;       /* NS for another target, NA not changing anything */
	uint64_t na_rate_limited;  /* NS for the uplink's address not answered: ND_REPLY_RATE */
	uint64_t nd_learned_stale; /* NS senders learned (STALE), RFC 4861 7.2.3 */
};

/* --max-neighbours entries of either family; by_ip indexes the used ones
 * (struct nfva_ip -> entry). */
struct neigh_table {
	struct neigh *entries;
	uint32_t capacity;
	uint32_t *free_stack; /* indexes of unused entries */
	uint32_t n_free;
	struct rte_hash *by_ip;
	struct neigh_stats stats;
};

extern struct neigh_table neigh_table;

struct neigh *neigh_find(const struct nfva_ip *ip);
/* The entry goes back to the free list (its held frames were released). */
void neigh_drop(struct neigh *n);
/* A MAC seen for ip; create: make an entry when there is none (only for
 * senders on the VTEP's subnet that address us). */
void neigh_update(const struct nfva_ip *ip, const struct rte_ether_addr *mac, bool create);
/* A MAC from an NS sender or an overriding unsolicited NA: STALE. */
void neigh_learn_stale(const struct nfva_ip *ip, const struct rte_ether_addr *mac, bool create);
void neigh_timers(void);
uint64_t neigh_now_ms(void);

#endif
