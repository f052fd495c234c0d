/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Map-server and map-resolver role (RFC 9301 sections 8.2-8.4), on when at
 * least one site is configured (`lisp site add`).
 * - Map-Register: parsed whole, then accepted only if one site's prefixes
 *   cover every record and the HMAC verifies with that site's key; nothing
 *   changes otherwise (counted: malformed, site, auth). Registrations time
 *   out after 3 minutes without a refresh. With M set, a Map-Notify (same
 *   nonce and records, signed with the site key) goes back to the sender.
 * - Map-Request (ECM): for a registered EID, a proxy Map-Reply when the ETR
 *   asked for one (P bit), else the ECM is forwarded to the ETR; for an
 *   unknown EID, a negative Map-Reply (Natively-Forward, 1 minute inside a
 *   site's prefix, 15 minutes outside every site).
 */
#include <string.h>
#include <sys/socket.h>

#include "core/log.h"
#include "overlay/underlay.h"
#include "lisp/lisp_private.h"

NFVA_LOG_REGISTER(lisp_ms)

#define REG_MAX 4096

struct registration {
	bool used;
	bool proxy;
	uint8_t site;
	uint32_t iid;
	struct nfva_ip etr; /* where the Map-Register came from */
	uint64_t expires_ms;
	uint64_t registered_ms;
	struct lisp_record rec;
};
static struct registration regs[REG_MAX];

bool lisp_ms_active(void)
{
	for (unsigned i = 0; i < LISP_MAX_SITES; i++)
		if (lisp.sites[i].used)
			return true;
	return false;
}

int lisp_site_add(const struct lisp_site *s, char *err, size_t errlen)
{
	struct lisp_site *free_slot = NULL;
	for (unsigned i = 0; i < LISP_MAX_SITES; i++) {
		struct lisp_site *x = &lisp.sites[i];
		if (x->used && strcmp(x->name, s->name) == 0) {
			/* Same site: another prefix (key and options must agree). */
			if (x->key_id != s->key_id || strcmp(x->key, s->key) != 0) {
				snprintf(err, errlen, "site %s exists with another key", s->name);
				return -EEXIST;
			}
			if (x->n_prefixes == LISP_MAX_SITE_PREFIXES) {
				snprintf(err, errlen, "site %s has %d prefixes already", s->name,
						LISP_MAX_SITE_PREFIXES);
				return -ENOSPC;
			}
			/* accept-more-specifics belongs to this prefix only. */
			x->prefixes[x->n_prefixes++] = s->prefixes[0];
			return 0;
		}
		if (!x->used && free_slot == NULL)
			free_slot = x;
	}
	if (free_slot == NULL) {
		snprintf(err, errlen, "no room for another site (max %d)", LISP_MAX_SITES);
		return -ENOSPC;
	}
	*free_slot = *s;
	free_slot->used = true;
	return 0;
}

/* Does site s accept a registration of (iid, eid/plen)? *inside is set when
 * the EID falls in one of its prefixes at all. */
static bool site_covers(const struct lisp_site *s, uint32_t iid, const struct lisp_addr *eid,
		uint8_t plen)
{
	for (unsigned i = 0; i < s->n_prefixes; i++) {
		if (s->prefixes[i].iid != iid)
			continue;
		if (!lisp_prefix_covers(&s->prefixes[i].addr, s->prefixes[i].plen, eid, plen))
			continue;
		if (plen == s->prefixes[i].plen || s->prefixes[i].more_specifics)
			return true;
	}
	return false;
}

/* Every locator of a registration must be one a peer may name. */
static bool rlocs_ok(const struct lisp_map_register *rg)
{
	for (unsigned i = 0; i < rg->n_records; i++)
		for (unsigned l = 0; l < rg->records[i].n_locs; l++)
			if (!lisp_rloc_ok(&rg->records[i].locs[l].addr))
				return false;
	return true;
}

static bool site_accepts_all(const struct lisp_site *s, const struct lisp_map_register *rg)
{
	for (unsigned i = 0; i < rg->n_records; i++)
		if (!site_covers(s, rg->records[i].iid, &rg->records[i].eid, rg->records[i].plen))
			return false;
	return rg->n_records != 0;
}

static struct registration *reg_find(uint32_t iid, const struct lisp_addr *eid, uint8_t plen)
{
	for (unsigned i = 0; i < REG_MAX; i++)
		if (regs[i].used && regs[i].iid == iid && regs[i].rec.plen == plen &&
				memcmp(&regs[i].rec.eid, eid, sizeof(*eid)) == 0)
			return &regs[i];
	return NULL;
}

static void reg_store(uint8_t site, const struct lisp_record *r, const struct nfva_ip *etr,
		bool proxy)
{
	struct registration *g = reg_find(r->iid, &r->eid, r->plen);
	uint64_t now = lisp_now_ms();

	for (unsigned i = 0; g == NULL && i < REG_MAX; i++)
		if (!regs[i].used) {
			g = &regs[i];
			g->registered_ms = now;
		}
	if (g == NULL) {
		NFVA_LOG(WARNING, "registration table full");
		return;
	}
	g->used = true;
	g->site = site;
	g->iid = r->iid;
	g->rec = *r;
	g->etr = *etr;
	g->proxy = proxy;
	g->expires_ms = now + LISP_REGISTRATION_TIMEOUT_S * 1000;
}

static void notify_send(const uint8_t *msg, size_t len, const struct lisp_map_register *rg,
		const struct lisp_site *s, const struct nfva_ip *dst, uint16_t dport,
		const struct rte_ether_addr *dst_mac)
{
	uint8_t nt[LISP_MSG_MAX_WIRE];
	if (len > sizeof(nt))
		return;
	memcpy(nt, msg, len);
	nt[0] = LISP_MAP_NOTIFY << 4;
	nt[2] = 0; /* no want-map-notify in a notify */
	if (lisp_auth_sign(rg->key_id, s->key, nt, len, rg->auth_off) == 0 &&
			lisp_tx_udp(dst, LISP_CTRL_PORT, dport, nt, (uint16_t)len, dst_mac) == 0)
		lisp.c.notifies_sent++;
}

void lisp_ms_register_input(const uint8_t *msg, size_t len, const struct nfva_ip *src,
		uint16_t sport, const struct rte_ether_addr *src_mac)
{
	struct lisp_map_register rg;
	bool covered = false;

	lisp.c.registers_received++;
	if (lisp_parse_map_register(msg, len, &rg) < 0 || rg.n_records == 0) {
		lisp.c.registers_rejected_malformed++;
		return;
	}
	if (!rlocs_ok(&rg)) {
		lisp.c.registers_rejected_rloc++;
		return;
	}
	for (unsigned i = 0; i < LISP_MAX_SITES; i++) {
		const struct lisp_site *s = &lisp.sites[i];
		if (!s->used || !site_accepts_all(s, &rg))
			continue;
		covered = true;
		if (rg.key_id != s->key_id ||
				!lisp_auth_verify(s->key_id, s->key, msg, len, rg.auth_off))
			continue;
		for (unsigned r = 0; r < rg.n_records; r++)
			reg_store((uint8_t)i, &rg.records[r], src, rg.proxy_reply);
		lisp.c.registers_accepted++;
		if (rg.want_notify)
			notify_send(msg, len, &rg, s, src, sport, src_mac);
		return;
	}
	if (covered)
		lisp.c.registers_rejected_auth++;
	else
		lisp.c.registers_rejected_site++;
}

/* The longest registered prefix covering eid in iid. */
static const struct registration *reg_lookup(uint32_t iid, const struct lisp_addr *eid)
{
	const struct registration *best = NULL;
	uint8_t full = eid->family == AF_INET ? 32 : 128;
	for (unsigned i = 0; i < REG_MAX; i++) {
		const struct registration *g = &regs[i];
		if (g->used && g->iid == iid &&
				lisp_prefix_covers(&g->rec.eid, g->rec.plen, eid, full) &&
				(best == NULL || g->rec.plen > best->rec.plen))
			best = g;
	}
	return best;
}

static bool in_some_site(uint32_t iid, const struct lisp_addr *eid)
{
	uint8_t full = eid->family == AF_INET ? 32 : 128;
	for (unsigned i = 0; i < LISP_MAX_SITES; i++) {
		const struct lisp_site *s = &lisp.sites[i];
		for (unsigned p = 0; s->used && p < s->n_prefixes; p++) {
			const struct lisp_site_prefix *sp = &s->prefixes[p];
			if (sp->iid == iid && lisp_prefix_covers(&sp->addr, sp->plen, eid, full))
				return true;
		}
	}
	return false;
}

static void negative_record(struct lisp_record *r, uint32_t iid, const struct lisp_addr *eid)
{
	memset(r, 0, sizeof(*r));
	r->iid = iid;
	r->eid = *eid;
	r->plen = eid->family == AF_INET ? 32 : 128;
	r->action = LISP_ACT_NATIVE;
	r->ttl_min = in_some_site(iid, eid) ? LISP_NEGATIVE_SITE_TTL_MIN : LISP_NEGATIVE_TTL_MIN;
}

unsigned lisp_ms_lookup(uint16_t network, const struct lisp_addr *eid, struct lisp_record *out)
{
	uint32_t iid = lisp_network_iid(network);
	if (!lisp_ms_active())
		return 0;
	const struct registration *g = reg_lookup(iid, eid);
	if (g != NULL)
		*out = g->rec;
	else
		negative_record(out, iid, eid);
	lisp.c.requests_answered++;
	return 1;
}

static void reply_send(const struct lisp_record *r, uint64_t nonce, const struct nfva_ip *itr,
		uint16_t dport)
{
	struct lisp_map_reply rp = { .nonce = nonce, .n_records = 1 };
	uint8_t msg[LISP_MSG_MAX_SIZE];
	if (itr == NULL) { /* no ITR-RLOC of a family we have */
		lisp.c.control_unresolved++;
		return;
	}
	if (!lisp_allow_reply()) /* counted: the ITR-RLOC is the requester's word */
		return;
	rp.records[0] = *r;
	int len = lisp_put_map_reply(msg, sizeof(msg), &rp);
	if (len > 0 && lisp_tx_udp(itr, LISP_CTRL_PORT, dport, msg, (uint16_t)len, NULL) == 0) {
		lisp.c.replies_sent++;
		if (r->n_locs == 0)
			lisp.c.negative_replies_sent++;
	}
}

void lisp_ms_request_input(const struct lisp_map_request *rq, const uint8_t *ecm, size_t ecm_len,
		const struct nfva_ip *src, const struct rte_ether_addr *src_mac)
{
	struct lisp_ecm e;
	(void)src_mac;
	if (lisp_parse_ecm(ecm, ecm_len, &e) < 0)
		return;
	uint32_t iid = rq->eids[0].iid;
	const struct lisp_addr *eid = &rq->eids[0].eid;
	const struct registration *g = reg_lookup(iid, eid);
	struct lisp_record r;

	if (g != NULL && !g->proxy) {
		if (lisp_tx_udp(&g->etr, LISP_CTRL_PORT, LISP_CTRL_PORT, ecm, (uint16_t)ecm_len,
				    NULL) == 0)
			lisp.c.requests_forwarded++;
		return;
	}
	if (g != NULL)
		r = g->rec;
	else
		negative_record(&r, iid, eid);
	lisp.c.requests_answered++;
	reply_send(&r, rq->nonce, lisp_itr_pick(rq, src->family), e.inner_sport);
}

void lisp_ms_expire(void)
{
	uint64_t now = lisp_now_ms();
	for (unsigned i = 0; i < REG_MAX; i++)
		if (regs[i].used && now >= regs[i].expires_ms)
			regs[i].used = false;
}

static json_t *site_prefixes_json(const struct lisp_site *s)
{
	json_t *prefixes = json_array();
	for (unsigned p = 0; p < s->n_prefixes; p++) {
		const struct lisp_site_prefix *sp = &s->prefixes[p];
		json_array_append_new(prefixes,
				json_pack("{s:i, s:o, s:b}", "iid", (int)sp->iid, "prefix",
						lisp_prefix_json(&sp->addr, sp->plen),
						"accept_more_specifics", sp->more_specifics));
	}
	return prefixes;
}

static json_t *registration_json(const struct registration *r, uint64_t now)
{
	json_t *rlocs = json_array();
	for (unsigned l = 0; l < r->rec.n_locs; l++)
		json_array_append_new(rlocs, lisp_ip_json(&r->rec.locs[l].addr));
	return json_pack("{s:i, s:o, s:o, s:o, s:b, s:i}", "iid", (int)r->iid, "eid",
			lisp_prefix_json(&r->rec.eid, r->rec.plen), "etr", lisp_ip_json(&r->etr),
			"rlocs", rlocs, "proxy_reply", r->proxy, "expires_in_s",
			(int)((r->expires_ms - now) / 1000));
}

json_t *lisp_ms_sites_json(void)
{
	json_t *list = json_array();
	uint64_t now = lisp_now_ms();
	for (unsigned i = 0; i < LISP_MAX_SITES; i++) {
		const struct lisp_site *s = &lisp.sites[i];
		if (!s->used)
			continue;
		json_t *prefixes = site_prefixes_json(s), *registered = json_array();
		for (unsigned g = 0; g < REG_MAX; g++) {
			const struct registration *r = &regs[g];
			if (r->used && r->site == i)
				json_array_append_new(registered, registration_json(r, now));
		}
		json_array_append_new(list,
				json_pack("{s:s, s:s, s:o, s:o}", "name", s->name, "auth",
						s->key_id == LISP_KEY_SHA256 ? "sha256" : "sha1",
						"prefixes", prefixes, "registrations", registered));
	}
	return list;
}
