/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to the files of lisp/: prototypes grouped by defining file, shared state. */
#ifndef NFVA_LISP_PRIVATE_H
#define NFVA_LISP_PRIVATE_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include <rte_ether.h>
#include <rte_mbuf.h>

#include "core/bounds.h"
#include "core/ip_addr.h"
#include "lisp/lisp_dp.h"
#include "lisp/lisp_msg.h"

#define LISP_MAX_RESOLVERS 4
#define LISP_MAX_SERVERS 4
#define LISP_MAX_SITES 64
#define LISP_MAX_SITE_PREFIXES 8
#define LISP_KEY_SIZE 80
#define LISP_DEFAULT_TTL_MIN 1440       /* record TTL of our Map-Replies, minutes */
#define LISP_REGISTER_INTERVAL_S 60     /* RFC 9301: Map-Register every minute */
#define LISP_REGISTER_RETRY_S 3         /* until a Map-Notify verifies */
#define LISP_REGISTRATION_TIMEOUT_S 180 /* map-server side: 3 missed refreshes */
#define LISP_REQUEST_INTERVAL_MS 1000   /* per EID */
#define LISP_PENDING_TTL_S 3            /* quiet drop while a request is out */
#define LISP_NEGATIVE_TTL_MIN 15        /* EID outside every site */
#define LISP_NEGATIVE_SITE_TTL_MIN 1    /* EID of a site, not registered */
#define LISP_EID_AGEING_S 300
#define LISP_MAX_TTL_S (7 * 24 * 3600) /* record TTLs above it are taken as this */
#define LISP_EID_MAX 65536             /* local EIDs, all networks */
/* Map-Registers of one round: every local EID, LISP_MSG_MAX_RECORDS a message. */
#define LISP_REGISTER_MAX_MSGS (LISP_EID_MAX / LISP_MSG_MAX_RECORDS)

/* ---- lisp.c: configuration, counters, time */
struct lisp_server {
	struct nfva_ip ip; /* either family */
	uint16_t key_id;   /* LISP_KEY_SHA1 / LISP_KEY_SHA256 */
	char key[LISP_KEY_SIZE];
	uint64_t nonce;         /* of the first Map-Register of the last round */
	uint32_t n_sent;        /* Map-Registers of that round: nonces nonce .. +n_sent-1 */
	uint32_t round_records; /* records of the round */
	uint32_t round_next;    /* the first one not sent yet */
	uint32_t n_notified;    /* of them, verified by a Map-Notify */
	uint64_t acked[LISP_REGISTER_MAX_MSGS / 64]; /* the round's notified messages */
	bool notified;            /* a Map-Notify verified since the last EID change */
	uint64_t generation_sent; /* lisp.eid_generation the last Map-Register carried */
	uint64_t next_register_ms;
	uint64_t registers_sent, notifies_ok;
};

struct lisp_site_prefix {
	uint32_t iid;
	uint8_t plen;
	bool more_specifics; /* accept prefixes inside this one */
	struct lisp_addr addr;
};

struct lisp_site {
	bool used;
	char name[NFVA_NAME_SIZE];
	uint16_t key_id;
	char key[LISP_KEY_SIZE];
	uint8_t n_prefixes;
	struct lisp_site_prefix prefixes[LISP_MAX_SITE_PREFIXES];
};

/* clang-format off */
#define LISP_COUNTERS(X)                                                      \
	X(requests_sent) X(requests_received) X(requests_answered)           \
	X(requests_forwarded) X(requests_rate_limited) X(replies_sent)        \
	X(negative_replies_sent) X(replies_accepted) X(replies_negative)      \
	X(replies_rejected_nonce) X(replies_rejected_malformed)               \
	X(registers_sent) X(registers_received) X(registers_accepted)         \
	X(registers_rejected_auth) X(registers_rejected_malformed)            \
	X(registers_rejected_site) X(notifies_sent) X(notifies_accepted)      \
	X(notifies_rejected_nonce) X(notifies_rejected_auth)                  \
	X(notifies_rejected_malformed) X(control_malformed) X(control_ignored) \
	X(control_unresolved) X(eids_learned) X(eids_moved) X(eids_aged)       \
	X(eid_reports_lost) X(held) X(held_released) X(held_dropped)          \
	X(mc_expired) X(mc_full) X(glean_probes) X(eids_limit)              \
	X(rlocs_rejected) X(registers_rejected_rloc) X(replies_rate_limited)   \
	X(glean_rate_limited) X(misses_rate_limited)
/* clang-format on */

struct lisp_counters {
#define LISP_COUNTER_FIELD(name) uint64_t name;
	LISP_COUNTERS(LISP_COUNTER_FIELD)
#undef LISP_COUNTER_FIELD
};

struct lisp_state {
	struct rte_ether_addr gw_mac;
	uint32_t record_ttl_min;
	uint32_t eid_ageing_s;
	uint16_t n_resolvers;
	struct nfva_ip resolvers[LISP_MAX_RESOLVERS];
	uint16_t n_servers;
	struct lisp_server servers[LISP_MAX_SERVERS];
	struct lisp_site sites[LISP_MAX_SITES];
	uint64_t eid_generation; /* bumped on every local EID change */
	struct lisp_counters c;
};

extern struct lisp_state lisp;

uint64_t lisp_now_ms(void);
/* Lazily creates the tables (first LISP network); 0 or -errno. */
int lisp_tables_init(void);
bool lisp_tables_ready(void);
/* The LISP network with instance ID iid, or NFVA_NETWORK_NONE. */
uint16_t lisp_network_of_iid(uint32_t iid);
bool lisp_network_is_lisp(uint16_t network);
uint32_t lisp_network_iid(uint16_t network);
int lisp_addr_parse(const char *s, struct lisp_addr *a);
/* "a.b.c.d/len" or "x::y/len"; -EINVAL when malformed or host bits set. */
int lisp_prefix_parse(const char *s, struct lisp_addr *a, uint8_t *plen);
json_t *lisp_addr_json(const struct lisp_addr *a);
json_t *lisp_prefix_json(const struct lisp_addr *a, uint8_t plen);
json_t *lisp_ip_json(const struct nfva_ip *ip); /* an RLOC, server or resolver */
bool lisp_prefix_covers(const struct lisp_addr *p, uint8_t plen, const struct lisp_addr *a,
		uint8_t alen);

/* ---- eid.c: the local EID table */
int lisp_eid_init(void);
int lisp_eid_set(uint16_t network, const struct lisp_addr *a, const struct rte_ether_addr *mac,
		uint16_t port, uint16_t vlan, uint8_t flags);
int lisp_eid_del(uint16_t network, const struct lisp_addr *a);
void lisp_eid_flush(uint16_t network, uint16_t port); /* NONE = any */
/* The EIDs of one attachment (port, vlan) of network, static ones too. */
void lisp_eid_flush_attachment(uint16_t network, uint16_t port, uint16_t vlan);
unsigned lisp_eid_count_network(uint16_t network);
unsigned lisp_eid_drain_reports(void);
void lisp_eid_age(void);
typedef void (*lisp_eid_walk_cb)(const struct lisp_eid *e, void *arg);
void lisp_eid_walk(lisp_eid_walk_cb cb, void *arg);
unsigned lisp_eid_count(void);
/* Is a an EID of this appliance in network (exact address)? */
bool lisp_eid_is_local(uint16_t network, const struct lisp_addr *a);

/* ---- map_cache.c */
struct lisp_mc_spec {
	uint16_t network;
	struct lisp_addr prefix;
	uint8_t plen;
	uint8_t kind; /* enum lisp_mc_kind */
	uint8_t action;
	bool configured; /* a command made it: part of the running configuration */
	uint32_t ttl_s;  /* 0 = never expires */
	uint8_t n_rlocs;
	struct lisp_rloc rlocs[LISP_MAX_RLOCS];
};
int lisp_mc_init(void);
/* Install or replace the entry for (network, prefix); templates toward its
 * RLOCs are made (and their next hops resolved) at once. */
int lisp_mc_set(const struct lisp_mc_spec *s);
int lisp_mc_del(uint16_t network, const struct lisp_addr *prefix, uint8_t plen);
const struct lisp_mc_entry *lisp_mc_find(uint16_t network, const struct lisp_addr *prefix,
		uint8_t plen);
/* Remove entries of kind (0 = any) in network (NONE = any) covered by prefix. */
void lisp_mc_flush(uint16_t network, uint8_t kind);
/* Network index network went: its entries and its tables go. */
void lisp_mc_purge(uint16_t network);
void lisp_mc_expire(void);
typedef void (*lisp_mc_walk_cb)(const struct lisp_mc_entry *e, void *arg);
void lisp_mc_walk(lisp_mc_walk_cb cb, void *arg);
unsigned lisp_mc_count(void);

/* ---- lisp_tx.c: control messages on the uplink (either family) */
/* Send payload as UDP sport -> dport from our address of dst's family to
 * dst; dst_mac NULL = the next hop's (resolution started when unknown:
 * -EAGAIN); -ENETDOWN without an underlay address of that family. */
int lisp_tx_udp(const struct nfva_ip *dst, uint16_t sport, uint16_t dport, const void *payload,
		uint16_t len, const struct rte_ether_addr *dst_mac);
/* Encapsulated Control Message around an inner IPv4/IPv6 UDP 4342 message. */
int lisp_tx_ecm(const struct nfva_ip *dst, const struct lisp_addr *inner_src,
		const struct lisp_addr *inner_dst, const void *msg, uint16_t len,
		const struct rte_ether_addr *dst_mac);
void lisp_tx_prepare(const struct nfva_ip *dst); /* start resolving dst's next hop */
/* Our underlay address of family (AF_INET/AF_INET6): false when none. */
bool lisp_local_rloc(uint8_t family, struct nfva_ip *out);
/* The ITR-RLOC to answer a request with: the one of family (the request's
 * outer family) when we have an address of it, else the other one we can
 * reach; either must pass lisp_rloc_ok; NULL when none. */
const struct nfva_ip *lisp_itr_pick(const struct lisp_map_request *rq, uint8_t family);

/* ---- lisp_auth.c */
/* Fills (sign) or checks the authentication data of a Map-Register/Notify
 * message of len bytes whose auth field sits at auth_off. */
int lisp_auth_sign(uint16_t key_id, const char *key, uint8_t *msg, size_t len, size_t auth_off);
bool lisp_auth_verify(uint16_t key_id, const char *key, const uint8_t *msg, size_t len,
		size_t auth_off);

/* ---- lisp_register.c: registration with map-servers (xTR side) */
void lisp_register_tick(void);
void lisp_notify_input(const uint8_t *msg, size_t len, const struct nfva_ip *src);

/* ---- lisp_ctrl.c: xTR control plane */
void lisp_ctrl_input(struct rte_mbuf *m);
void lisp_ctrl_miss(struct rte_mbuf *m);
void lisp_requests_expire(void);
void lisp_requests_forget(uint16_t network); /* the network went */
/* Answer a Map-Request for our own EIDs (ETR); true when answered. */
/* family: the outer family the request came over (the reply prefers it). */
bool lisp_etr_answer(const struct lisp_map_request *rq, uint16_t reply_port, uint8_t family);
/* The record of a local EID: our RLOC, the configured TTL. */
void lisp_local_record(struct lisp_record *r, uint32_t iid, const struct lisp_addr *eid);
/* Install the records of a Map-Reply (or of a local map-server lookup). */
void lisp_install_records(const struct lisp_record *recs, unsigned n);

/* ---- lisp_ms.c: map-server / map-resolver */
bool lisp_ms_active(void);
void lisp_ms_register_input(const uint8_t *msg, size_t len, const struct nfva_ip *src,
		uint16_t sport, const struct rte_ether_addr *src_mac);
/* A Map-Request reaching the map-resolver: answered, forwarded or negative. */
void lisp_ms_request_input(const struct lisp_map_request *rq, const uint8_t *ecm, size_t ecm_len,
		const struct nfva_ip *src, const struct rte_ether_addr *src_mac);
/* Resolve locally (we are the map-resolver): fills records; n or 0. */
unsigned lisp_ms_lookup(uint16_t network, const struct lisp_addr *eid, struct lisp_record *out);
void lisp_ms_expire(void);
json_t *lisp_ms_sites_json(void);
int lisp_site_add(const struct lisp_site *s, char *err, size_t errlen);

/* ---- lisp_limits.c: bounds and rate limits (each refusal counted) */
bool lisp_allow_reply(void); /* a Map-Reply toward a requester's ITR-RLOC */
bool lisp_allow_glean(void); /* an ARP probe round on a network's members */
bool lisp_allow_miss(void);  /* a map-cache miss taken on */
bool lisp_eid_quota_ok(uint16_t network);
/* A unicast address of either family (overlay/vtep_id.h rules, not
 * loopback), not ours: may be named by a peer. */
bool lisp_rloc_ok(const struct nfva_ip *ip);
json_t *lisp_limits_json(void);
/* `lisp limits ...` with the values that differ from the defaults, if any. */
struct config_out;
void lisp_limits_config(struct config_out *o);

/* ---- lisp_glean.c: ARP probes for unknown local destinations */
void lisp_glean_input(struct rte_mbuf *m);

/* ---- lisp_hold.c: frames waiting for a template (control-side encap) */
void lisp_hold_input(struct rte_mbuf *m);
void lisp_hold_retry(void);

#endif
