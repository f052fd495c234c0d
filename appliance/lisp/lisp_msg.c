/* SPDX-License-Identifier: BSD-3-Clause */
/* LISP control message encoding and strict decoding (see lisp_msg.h). */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_byteorder.h>

#include "lisp/lisp_msg.h"

/* A bounded cursor: every read and write checks the room left. */
struct cur {
	uint8_t *w;       /* writer */
	const uint8_t *r; /* reader */
	size_t len, off;
	bool bad;
};

static bool need(struct cur *c, size_t n)
{
	if (c->bad || c->off + n > c->len) {
		c->bad = true;
		return false;
	}
	return true;
}

static void put8(struct cur *c, uint8_t v)
{
	if (need(c, 1))
		c->w[c->off++] = v;
}

static void put16(struct cur *c, uint16_t v)
{
	put8(c, v >> 8);
	put8(c, v & 0xff);
}

static void put32(struct cur *c, uint32_t v)
{
	put16(c, v >> 16);
	put16(c, v & 0xffff);
}

static void put64(struct cur *c, uint64_t v)
{
	put32(c, v >> 32);
	put32(c, v & 0xffffffff);
}

static void putn(struct cur *c, const void *p, size_t n)
{
	if (need(c, n)) {
		memcpy(c->w + c->off, p, n);
		c->off += n;
	}
}

static uint8_t get8(struct cur *c)
{
	return need(c, 1) ? c->r[c->off++] : 0;
}

static uint16_t get16(struct cur *c)
{
	uint16_t hi = get8(c);
	return (uint16_t)(hi << 8 | get8(c));
}

static uint32_t get32(struct cur *c)
{
	uint32_t hi = get16(c);
	return hi << 16 | get16(c);
}

static uint64_t get64(struct cur *c)
{
	uint64_t hi = get32(c);
	return hi << 32 | get32(c);
}

static void getn(struct cur *c, void *p, size_t n)
{
	if (need(c, n)) {
		memcpy(p, c->r + c->off, n);
		c->off += n;
	} else {
		memset(p, 0, n);
	}
}

size_t lisp_auth_len(uint16_t key_id)
{
	switch (key_id) {
	case LISP_KEY_SHA1:
		return 20;
	case LISP_KEY_SHA256:
		return 32;
	default:
		return 0;
	}
}

static size_t addr_size(uint8_t family)
{
	return family == AF_INET ? 4 : family == AF_INET6 ? 16 : 0;
}

static uint16_t family_afi(uint8_t family)
{
	return family == AF_INET             ? LISP_AFI_IPV4
			: family == AF_INET6 ? LISP_AFI_IPV6
					     : LISP_AFI_NONE;
}

/* An EID, in an Instance-ID LCAF when iid != 0. */
static void put_eid(struct cur *c, uint32_t iid, const struct lisp_addr *a)
{
	size_t n = addr_size(a->family);
	if (iid != 0) {
		put16(c, LISP_AFI_LCAF);
		put8(c, 0); /* Rsvd1 */
		put8(c, 0); /* Flags */
		put8(c, LISP_LCAF_IID);
		put8(c, 0); /* IID mask-len */
		put16(c, (uint16_t)(4 + 2 + n));
		put32(c, iid);
	}
	put16(c, family_afi(a->family));
	putn(c, a->bytes, n);
}

/* A plain AFI address (AFI 0 = none); unknown AFIs fail. */
static void get_plain(struct cur *c, uint16_t afi, struct lisp_addr *a)
{
	memset(a, 0, sizeof(*a));
	if (afi == LISP_AFI_NONE)
		return;
	if (afi == LISP_AFI_IPV4)
		a->family = AF_INET;
	else if (afi == LISP_AFI_IPV6)
		a->family = AF_INET6;
	else {
		c->bad = true;
		return;
	}
	getn(c, a->bytes, addr_size(a->family));
}

/* An EID: plain or Instance-ID LCAF. Other LCAFs are refused. */
static void get_eid(struct cur *c, uint32_t *iid, struct lisp_addr *a)
{
	uint16_t afi = get16(c);
	*iid = 0;
	if (afi != LISP_AFI_LCAF) {
		get_plain(c, afi, a);
		return;
	}
	get8(c);
	get8(c);
	uint8_t type = get8(c);
	get8(c);
	uint16_t lcaf_len = get16(c);
	size_t end = c->off + lcaf_len;
	if (type != LISP_LCAF_IID || lcaf_len < 6) {
		c->bad = true;
		return;
	}
	*iid = get32(c) & 0xffffff;
	get_plain(c, get16(c), a);
	if (!c->bad && c->off != end)
		c->bad = true;
}

/* A locator: IPv4 and IPv6 kept (*kept = true), LCAFs skipped. */
static void get_locator(struct cur *c, struct nfva_ip *ip, bool *kept)
{
	uint16_t afi = get16(c);
	*kept = false;
	memset(ip, 0, sizeof(*ip));
	if (afi == LISP_AFI_IPV4 || afi == LISP_AFI_IPV6) {
		ip->family = afi == LISP_AFI_IPV4 ? AF_INET : AF_INET6;
		getn(c, ip->addr, addr_size(ip->family));
		*kept = !c->bad;
	} else if (afi == LISP_AFI_LCAF) {
		get8(c);
		get8(c);
		get8(c);
		get8(c);
		uint16_t l = get16(c);
		if (need(c, l))
			c->off += l;
	} else {
		c->bad = true;
	}
}

/* A locator address: AFI and bytes; a family other than IPv4/IPv6 fails. */
static void put_locator(struct cur *c, const struct nfva_ip *ip)
{
	if (ip->family != AF_INET && ip->family != AF_INET6) {
		c->bad = true;
		return;
	}
	put16(c, family_afi(ip->family));
	putn(c, ip->addr, addr_size(ip->family));
}

static void put_record(struct cur *c, const struct lisp_record *r)
{
	put32(c, r->ttl_min);
	put8(c, r->n_locs);
	put8(c, r->plen);
	put16(c, (uint16_t)((r->action & 7) << 13 | (r->authoritative ? 1u << 12 : 0)));
	put16(c, 0); /* Rsvd, Map-Version 0 */
	put_eid(c, r->iid, &r->eid);
	for (unsigned i = 0; i < r->n_locs; i++) {
		put8(c, r->locs[i].priority);
		put8(c, r->locs[i].weight);
		put8(c, 255); /* multicast priority: unused */
		put8(c, 0);
		put16(c, r->locs[i].flags);
		put_locator(c, &r->locs[i].addr);
	}
}

static bool plen_ok(const struct lisp_addr *a, uint8_t plen)
{
	return plen <= addr_size(a->family) * 8 && a->family != 0;
}

static void get_record(struct cur *c, struct lisp_record *r)
{
	memset(r, 0, sizeof(*r));
	r->ttl_min = get32(c);
	uint8_t n_locs = get8(c);
	r->plen = get8(c);
	uint16_t act = get16(c);
	r->action = act >> 13;
	r->authoritative = act & (1u << 12);
	get16(c);
	get_eid(c, &r->iid, &r->eid);
	if (!c->bad && !plen_ok(&r->eid, r->plen))
		c->bad = true;
	for (unsigned i = 0; i < n_locs && !c->bad; i++) {
		uint8_t prio = get8(c), weight = get8(c);
		get16(c);
		uint16_t flags = get16(c);
		struct nfva_ip ip;
		bool kept;
		get_locator(c, &ip, &kept);
		if (!kept || r->n_locs == LISP_MAX_RLOCS)
			continue;
		r->locs[r->n_locs++] = (struct lisp_locator){ .addr = ip,
			.priority = prio,
			.weight = weight,
			.flags = (uint8_t)(flags & 7) };
	}
}

int lisp_msg_type(const uint8_t *buf, size_t len)
{
	return len < 4 ? -EINVAL : buf[0] >> 4;
}

int lisp_put_map_request(uint8_t *buf, size_t cap, const struct lisp_map_request *rq)
{
	struct cur c = { .w = buf, .len = cap };
	if (rq->n_eids == 0 || rq->n_eids > LISP_MSG_MAX_RECORDS)
		return -EINVAL;
	put8(&c,
			(uint8_t)(LISP_MAP_REQUEST << 4 | (rq->auth ? 0x8 : 0) |
					(rq->probe ? 0x2 : 0) | (rq->smr ? 0x1 : 0)));
	const struct nfva_ip *itr[2];
	unsigned n_itr = 0;
	if (rq->itr_v4.family == AF_INET)
		itr[n_itr++] = &rq->itr_v4;
	if (rq->itr_v6.family == AF_INET6)
		itr[n_itr++] = &rq->itr_v6;
	if (n_itr == 0)
		return -EINVAL;
	put8(&c, 0);
	put8(&c, (uint8_t)(n_itr - 1)); /* IRC: ITR-RLOCs - 1 */
	put8(&c, rq->n_eids);
	put64(&c, rq->nonce);
	put_eid(&c, rq->src_iid, &rq->src_eid);
	for (unsigned i = 0; i < n_itr; i++)
		put_locator(&c, itr[i]);
	for (unsigned i = 0; i < rq->n_eids; i++) {
		put8(&c, 0);
		put8(&c, rq->eids[i].plen);
		put_eid(&c, rq->eids[i].iid, &rq->eids[i].eid);
	}
	return c.bad ? -ENOSPC : (int)c.off;
}

int lisp_parse_map_request(const uint8_t *buf, size_t len, struct lisp_map_request *rq)
{
	struct cur c = { .r = buf, .len = len };
	memset(rq, 0, sizeof(*rq));
	uint8_t b0 = get8(&c);
	get8(&c);
	uint8_t irc = get8(&c) & 0x1f;
	uint8_t n = get8(&c);
	if (c.bad || b0 >> 4 != LISP_MAP_REQUEST || n == 0 || n > LISP_MSG_MAX_RECORDS)
		return -EINVAL;
	rq->auth = b0 & 0x8;
	rq->probe = b0 & 0x2;
	rq->smr = b0 & 0x1;
	rq->nonce = get64(&c);
	get_eid(&c, &rq->src_iid, &rq->src_eid);
	for (unsigned i = 0; i <= irc && !c.bad; i++) {
		struct nfva_ip ip;
		bool kept;
		get_locator(&c, &ip, &kept);
		struct nfva_ip *slot = ip.family == AF_INET ? &rq->itr_v4 : &rq->itr_v6;
		if (kept && slot->family == 0)
			*slot = ip;
	}
	for (unsigned i = 0; i < n && !c.bad; i++) {
		get8(&c);
		rq->eids[i].plen = get8(&c);
		get_eid(&c, &rq->eids[i].iid, &rq->eids[i].eid);
		if (!c.bad && !plen_ok(&rq->eids[i].eid, rq->eids[i].plen))
			c.bad = true;
	}
	rq->n_eids = n;
	/* A trailing Map-Reply record (RLOC probes) is allowed and ignored. */
	bool no_itr = rq->itr_v4.family == 0 && rq->itr_v6.family == 0;
	return c.bad || no_itr ? -EINVAL : 0;
}

int lisp_put_map_reply(uint8_t *buf, size_t cap, const struct lisp_map_reply *rp)
{
	struct cur c = { .w = buf, .len = cap };
	if (rp->n_records > LISP_MSG_MAX_RECORDS)
		return -EINVAL;
	put8(&c, (uint8_t)(LISP_MAP_REPLY << 4 | (rp->probe ? 0x8 : 0)));
	put16(&c, 0);
	put8(&c, rp->n_records);
	put64(&c, rp->nonce);
	for (unsigned i = 0; i < rp->n_records; i++)
		put_record(&c, &rp->records[i]);
	return c.bad ? -ENOSPC : (int)c.off;
}

int lisp_parse_map_reply(const uint8_t *buf, size_t len, struct lisp_map_reply *rp)
{
	struct cur c = { .r = buf, .len = len };
	memset(rp, 0, sizeof(*rp));
	uint8_t b0 = get8(&c);
	get16(&c);
	uint8_t n = get8(&c);
	if (c.bad || b0 >> 4 != LISP_MAP_REPLY || n > LISP_MSG_MAX_RECORDS)
		return -EINVAL;
	rp->probe = b0 & 0x8;
	rp->nonce = get64(&c);
	for (unsigned i = 0; i < n && !c.bad; i++)
		get_record(&c, &rp->records[i]);
	rp->n_records = n;
	return c.bad || c.off != len ? -EINVAL : 0;
}

int lisp_put_map_register(uint8_t *buf, size_t cap, const struct lisp_map_register *rg,
		size_t *auth_off)
{
	struct cur c = { .w = buf, .len = cap };
	size_t alen = lisp_auth_len(rg->key_id);
	if (rg->n_records > LISP_MSG_MAX_RECORDS || alen == 0)
		return -EINVAL;
	put8(&c, (uint8_t)(rg->type << 4 | (rg->proxy_reply ? 0x8 : 0)));
	put8(&c, 0);
	put8(&c, rg->type == LISP_MAP_REGISTER && rg->want_notify ? 0x01 : 0);
	put8(&c, rg->n_records);
	put64(&c, rg->nonce);
	put16(&c, rg->key_id);
	put16(&c, (uint16_t)alen);
	*auth_off = c.off;
	uint8_t zero[32] = { 0 };
	putn(&c, zero, alen);
	for (unsigned i = 0; i < rg->n_records; i++)
		put_record(&c, &rg->records[i]);
	return c.bad ? -ENOSPC : (int)c.off;
}

int lisp_parse_map_register(const uint8_t *buf, size_t len, struct lisp_map_register *rg)
{
	struct cur c = { .r = buf, .len = len };
	memset(rg, 0, sizeof(*rg));
	uint8_t b0 = get8(&c);
	get8(&c);
	uint8_t b2 = get8(&c);
	uint8_t n = get8(&c);
	rg->type = b0 >> 4;
	if (c.bad || (rg->type != LISP_MAP_REGISTER && rg->type != LISP_MAP_NOTIFY) ||
			n > LISP_MSG_MAX_RECORDS)
		return -EINVAL;
	rg->proxy_reply = rg->type == LISP_MAP_REGISTER && (b0 & 0x8);
	rg->want_notify = rg->type == LISP_MAP_REGISTER && (b2 & 0x01);
	rg->nonce = get64(&c);
	rg->key_id = get16(&c);
	rg->auth_len = get16(&c);
	rg->auth_off = c.off;
	/* Only HMAC-SHA-1-96 / HMAC-SHA-256-128: nfva takes no unsigned
	 * registration or notification (fuzz_lisp_msg: key ID 0x2bc0, no data). */
	if (c.bad || rg->auth_len == 0 || rg->auth_len != lisp_auth_len(rg->key_id) ||
			!need(&c, rg->auth_len))
		return -EINVAL;
	c.off += rg->auth_len;
	for (unsigned i = 0; i < n && !c.bad; i++)
		get_record(&c, &rg->records[i]);
	rg->n_records = n;
	return c.bad || c.off != len ? -EINVAL : 0;
}

/* The ones' complement sum of an IPv4 header; 0xffff when it verifies. */
static uint16_t ip4_sum(const uint8_t *h, size_t n)
{
	uint32_t s = 0;
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)h[i] << 8 | h[i + 1];
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

int lisp_parse_ecm(const uint8_t *buf, size_t len, struct lisp_ecm *ecm)
{
	memset(ecm, 0, sizeof(*ecm));
	if (len < 4 || buf[0] >> 4 != LISP_ECM)
		return -EINVAL;
	const uint8_t *ip = buf + 4;
	size_t left = len - 4, hlen, total;
	if (left < 1)
		return -EINVAL;
	if (ip[0] >> 4 == 4) {
		hlen = (size_t)(ip[0] & 0xf) * 4;
		if (left < 20 || hlen < 20 || left < hlen || ip[9] != 17 ||
				ip4_sum(ip, hlen) != 0xffff)
			return -EINVAL;
		total = (size_t)ip[2] << 8 | ip[3];
		ecm->inner_src.family = ecm->inner_dst.family = AF_INET;
		memcpy(ecm->inner_src.bytes, ip + 12, 4);
		memcpy(ecm->inner_dst.bytes, ip + 16, 4);
	} else if (ip[0] >> 4 == 6) {
		hlen = 40;
		if (left < hlen || ip[6] != 17)
			return -EINVAL;
		total = hlen + ((size_t)ip[4] << 8 | ip[5]);
		ecm->inner_src.family = ecm->inner_dst.family = AF_INET6;
		memcpy(ecm->inner_src.bytes, ip + 8, 16);
		memcpy(ecm->inner_dst.bytes, ip + 24, 16);
	} else {
		return -EINVAL;
	}
	if (total < hlen + 8 || total > left)
		return -EINVAL;
	const uint8_t *udp = ip + hlen;
	size_t ulen = (size_t)udp[4] << 8 | udp[5];
	if (ulen < 8 || ulen > total - hlen)
		return -EINVAL;
	ecm->inner_sport = (uint16_t)(udp[0] << 8 | udp[1]);
	ecm->inner_dport = (uint16_t)(udp[2] << 8 | udp[3]);
	ecm->msg = udp + 8;
	ecm->msg_len = ulen - 8;
	return ecm->msg_len < 4 ? -EINVAL : 0;
}
