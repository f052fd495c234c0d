/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * LISP control messages (RFC 9301) on the wire: encoding into a buffer and
 * strict decoding from one. Pure functions, no state: every length is
 * checked before it is read, and a message that does not parse completely
 * is refused whole (-EINVAL), so callers change nothing on a malformed one.
 *
 * EIDs of a non-zero instance ID are carried in an Instance-ID LCAF
 * (RFC 8060, AFI 16387 type 2); instance ID 0 uses the plain AFI, as Open
 * Overlay Router does. Locators and ITR-RLOCs: IPv4 and IPv6 are kept
 * (LCAF locators are skipped).
 */
#ifndef NFVA_LISP_MSG_H
#define NFVA_LISP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "core/ip_addr.h"
#include "lisp/lisp_dp.h"

enum lisp_msg_type {
	LISP_MAP_REQUEST = 1,
	LISP_MAP_REPLY = 2,
	LISP_MAP_REGISTER = 3,
	LISP_MAP_NOTIFY = 4,
	LISP_ECM = 8,
};

/* 16-bit Key ID field (RFC 9301: Key ID 0 + Algorithm ID). The
 * authentication data is the whole HMAC output, as OOR and lispd send. */
#define LISP_KEY_NONE 0
#define LISP_KEY_SHA1 1   /* HMAC-SHA-1-96: 20 bytes of authentication data */
#define LISP_KEY_SHA256 2 /* HMAC-SHA-256-128: 32 bytes */

#define LISP_AFI_NONE 0
#define LISP_AFI_IPV4 1
#define LISP_AFI_IPV6 2
#define LISP_AFI_LCAF 16387
#define LISP_LCAF_IID 2

#define LISP_MSG_MAX_RECORDS 16
#define LISP_MSG_MAX_SIZE 1400 /* what nfva builds */
#define LISP_MSG_MAX_WIRE 2048 /* what it takes: a message in one mbuf */

/* Locator flags of a record (L: local to the sender, p: probed, R: reachable). */
#define LISP_LOC_L 0x4
#define LISP_LOC_P 0x2
#define LISP_LOC_R 0x1

/* A locator as a message carries it: the address, not yet a VTEP id. */
struct lisp_locator {
	struct nfva_ip addr;
	uint8_t priority, weight;
	uint8_t flags; /* LISP_LOC_* */
};

struct lisp_record {
	uint32_t iid;
	struct lisp_addr eid;
	uint8_t plen;
	uint8_t action; /* enum lisp_action */
	bool authoritative;
	uint32_t ttl_min;
	uint8_t n_locs;
	struct lisp_locator locs[LISP_MAX_RLOCS];
};

struct lisp_map_request {
	bool smr, probe, auth; /* S, P (RLOC-probe), A */
	uint64_t nonce;
	uint32_t src_iid;
	struct lisp_addr src_eid; /* family 0 when absent */
	/* The first ITR-RLOC of each family (family 0: none); at least one. */
	struct nfva_ip itr_v4, itr_v6;
	uint8_t n_eids;
	struct {
		uint32_t iid;
		struct lisp_addr eid;
		uint8_t plen;
	} eids[LISP_MSG_MAX_RECORDS];
};

struct lisp_map_reply {
	bool probe;
	uint64_t nonce;
	uint8_t n_records;
	struct lisp_record records[LISP_MSG_MAX_RECORDS];
};

/* Map-Register (type 3) and Map-Notify (type 4) share this layout. */
struct lisp_map_register {
	uint8_t type;
	bool proxy_reply; /* P: the map-server answers for the ETR */
	bool want_notify; /* M */
	uint64_t nonce;
	uint16_t key_id;
	uint16_t auth_len;
	size_t auth_off; /* where the authentication data starts */
	uint8_t n_records;
	struct lisp_record records[LISP_MSG_MAX_RECORDS];
};

/* Authentication data length of a key id, 0 when unknown. */
size_t lisp_auth_len(uint16_t key_id);

/* Encoders: bytes written, or -ENOSPC / -EINVAL. */
int lisp_put_map_request(uint8_t *buf, size_t cap, const struct lisp_map_request *rq);
int lisp_put_map_reply(uint8_t *buf, size_t cap, const struct lisp_map_reply *rp);
/* The authentication data is left zero at *auth_off for lisp_auth_sign. */
int lisp_put_map_register(uint8_t *buf, size_t cap, const struct lisp_map_register *rg,
		size_t *auth_off);

/* Decoders: 0, or -EINVAL when anything is malformed or truncated. */
int lisp_msg_type(const uint8_t *buf, size_t len);
int lisp_parse_map_request(const uint8_t *buf, size_t len, struct lisp_map_request *rq);
int lisp_parse_map_reply(const uint8_t *buf, size_t len, struct lisp_map_reply *rp);
int lisp_parse_map_register(const uint8_t *buf, size_t len, struct lisp_map_register *rg);

/* An Encapsulated Control Message: the inner IPv4/IPv6 + UDP header is
 * checked; *msg and *msg_len locate the inner LISP message. */
struct lisp_ecm {
	struct lisp_addr inner_src, inner_dst;
	uint16_t inner_sport, inner_dport;
	const uint8_t *msg;
	size_t msg_len;
};
int lisp_parse_ecm(const uint8_t *buf, size_t len, struct lisp_ecm *ecm);

#endif
