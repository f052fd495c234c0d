/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Registration of the local EIDs with map-servers (RFC 9301 section 8.2),
 * xTR side, control thread. A round sends every local EID of every LISP
 * network to a map-server, LISP_MSG_MAX_RECORDS records a Map-Register
 * (HMAC, want-map-notify): all of them, however many (the EID table bounds
 * a round to LISP_REGISTER_MAX_MSGS messages). The messages of a round get
 * consecutive nonces from a random first one, so each Map-Notify is matched
 * to its message; the round counts as registered once every message was
 * verified (nonce of the round, valid HMAC). A round goes out at most
 * REGISTER_MSGS_PER_TICK messages a second; rounds repeat 3 s after the
 * last message until registered, every minute after, and at once when the
 * EID set changes.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_random.h>

#include "core/log.h"
#include "lisp/lisp_private.h"

NFVA_LOG_REGISTER(lisp_register)

#define REGISTER_MSGS_PER_TICK 256

/* Every local EID of every LISP network, in records. */
struct reg_ctx {
	struct lisp_record *recs;
	unsigned n, max;
};

static void reg_collect(const struct lisp_eid *e, void *arg)
{
	struct reg_ctx *c = arg;
	struct lisp_addr a = { .family = e->key.family };
	if (c->n == c->max || !lisp_network_is_lisp(e->key.network))
		return;
	memcpy(a.bytes, e->key.addr, 16);
	lisp_local_record(&c->recs[c->n++], lisp_network_iid(e->key.network), &a);
}

/* A new round toward s: every record in c, from the first. */
static void round_start(struct lisp_server *s, unsigned n_records, uint64_t now)
{
	if (s->generation_sent != lisp.eid_generation)
		s->notified = false;
	s->generation_sent = lisp.eid_generation;
	s->nonce = rte_rand();
	s->n_sent = s->n_notified = 0;
	s->round_records = n_records;
	s->round_next = 0;
	memset(s->acked, 0, sizeof(s->acked));
	s->next_register_ms = now + LISP_REGISTER_RETRY_S * 1000;
}

/* The next messages of the round (at most REGISTER_MSGS_PER_TICK: the
 * control ring toward the uplink is bounded). */
static void round_send(struct lisp_server *s, const struct lisp_record *recs, uint64_t now)
{
	struct lisp_map_register rg = { .type = LISP_MAP_REGISTER,
		.want_notify = true,
		.key_id = s->key_id };
	uint8_t msg[LISP_MSG_MAX_SIZE];
	size_t auth_off;

	for (unsigned k = 0; k < REGISTER_MSGS_PER_TICK && s->round_next < s->round_records; k++) {
		unsigned off = s->round_next;
		rg.n_records = (uint8_t)RTE_MIN(s->round_records - off,
				(unsigned)LISP_MSG_MAX_RECORDS);
		memcpy(rg.records, recs + off, rg.n_records * sizeof(recs[0]));
		rg.nonce = s->nonce + s->n_sent;
		s->round_next += rg.n_records;
		s->n_sent++;
		int len = lisp_put_map_register(msg, sizeof(msg), &rg, &auth_off);
		if (len < 0 || lisp_auth_sign(s->key_id, s->key, msg, (size_t)len, auth_off) < 0)
			continue;
		/* One the next hop cannot take yet stays unanswered: the round
		 * is tried again. */
		if (lisp_tx_udp(&s->ip, LISP_CTRL_PORT, LISP_CTRL_PORT, msg, (uint16_t)len, NULL) ==
				0) {
			s->registers_sent++;
			lisp.c.registers_sent++;
		}
	}
	if (s->round_next >= s->round_records) /* all out: retry in 3 s unless notified */
		s->next_register_ms = now + LISP_REGISTER_RETRY_S * 1000;
}

void lisp_register_tick(void)
{
	static struct lisp_record *recs;
	uint64_t now = lisp_now_ms();
	struct reg_ctx c = { .max = LISP_EID_MAX };
	bool collected = false;

	for (unsigned i = 0; i < lisp.n_servers; i++) {
		struct lisp_server *s = &lisp.servers[i];
		bool changed = s->generation_sent != lisp.eid_generation;
		bool sending = s->round_next < s->round_records;
		if (!changed && !sending && now < s->next_register_ms)
			continue;
		if (!collected) {
			if (recs == NULL && (recs = calloc(LISP_EID_MAX, sizeof(*recs))) == NULL)
				return;
			c.recs = recs;
			lisp_eid_walk(reg_collect, &c);
			collected = true;
		}
		if (changed || !sending)
			round_start(s, c.n, now);
		if (c.n != 0)
			round_send(s, recs, now);
		else
			lisp_tx_prepare(&s->ip);
	}
}

/* A Map-Notify from a map-server: one message of the current round. */
void lisp_notify_input(const uint8_t *msg, size_t len, const struct nfva_ip *src)
{
	struct lisp_map_register nt;
	struct lisp_server *s = NULL;

	for (unsigned i = 0; i < lisp.n_servers; i++)
		if (nfva_ip_eq(&lisp.servers[i].ip, src))
			s = &lisp.servers[i];
	if (s == NULL) {
		lisp.c.control_ignored++;
		return;
	}
	if (lisp_parse_map_register(msg, len, &nt) < 0) {
		lisp.c.notifies_rejected_malformed++;
		return;
	}
	uint64_t k = nt.nonce - s->nonce; /* which message of the round */
	if (k >= s->n_sent) {
		lisp.c.notifies_rejected_nonce++;
		return;
	}
	if (nt.key_id != s->key_id || !lisp_auth_verify(s->key_id, s->key, msg, len, nt.auth_off)) {
		lisp.c.notifies_rejected_auth++;
		return;
	}
	lisp.c.notifies_accepted++;
	s->notifies_ok++;
	if (!(s->acked[k / 64] & (1ull << (k % 64)))) {
		s->acked[k / 64] |= 1ull << (k % 64);
		s->n_notified++;
	}
	if (s->n_notified == s->n_sent && s->round_next >= s->round_records &&
			s->generation_sent == lisp.eid_generation) {
		s->notified = true;
		s->next_register_ms = lisp_now_ms() + LISP_REGISTER_INTERVAL_S * 1000;
	}
}
