/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The xTR control plane (RFC 9301), control thread:
 * - ITR: a map-cache miss sends a Map-Request (ECM, UDP 4342) to a
 *   map-resolver, at most one per EID per second, with a fresh nonce, and
 *   installs a short "pending" entry so workers drop quietly meanwhile; a
 *   Map-Reply is accepted only if its nonce is one we sent, and only its
 *   records covering the EID we asked for are installed, with their TTL.
 * - ETR: Map-Requests for our EIDs are answered (Map-Reply to the ITR-RLOC).
 * Registration is in lisp_register.c, the map-server/map-resolver role in
 * lisp_ms.c, bounds and rate limits in lisp_limits.c.
 */
#include <string.h>
#include <sys/socket.h>

#include <rte_ip.h>
#include <rte_random.h>
#include <rte_udp.h>

#include "core/log.h"
#include "core/punt.h"
#include "overlay/underlay.h"
#include "overlay/vtep_id.h"
#include "lisp/lisp_private.h"

NFVA_LOG_REGISTER(lisp_ctrl)

#define PENDING_MAX 256
#define PENDING_KEEP_MS 10000

struct pending {
	bool used;
	uint16_t network;
	struct lisp_addr eid;
	uint64_t nonce;
	uint64_t sent_ms;
	uint32_t tries;
};
static struct pending pending[PENDING_MAX];

static uint8_t host_plen(uint8_t family)
{
	return family == AF_INET ? 32 : 128;
}

static struct pending *pending_find(uint16_t network, const struct lisp_addr *eid)
{
	for (unsigned i = 0; i < PENDING_MAX; i++)
		if (pending[i].used && pending[i].network == network &&
				memcmp(&pending[i].eid, eid, sizeof(*eid)) == 0)
			return &pending[i];
	return NULL;
}

static struct pending *pending_new(uint16_t network, const struct lisp_addr *eid)
{
	struct pending *oldest = &pending[0];
	for (unsigned i = 0; i < PENDING_MAX; i++) {
		if (!pending[i].used) {
			oldest = &pending[i];
			break;
		}
		if (pending[i].sent_ms < oldest->sent_ms)
			oldest = &pending[i];
	}
	memset(oldest, 0, sizeof(*oldest));
	oldest->used = true;
	oldest->network = network;
	oldest->eid = *eid;
	return oldest;
}

void lisp_requests_forget(uint16_t network)
{
	for (unsigned i = 0; i < PENDING_MAX; i++)
		if (pending[i].network == network)
			pending[i].used = false;
}

void lisp_requests_expire(void)
{
	uint64_t now = lisp_now_ms();
	for (unsigned i = 0; i < PENDING_MAX; i++)
		if (pending[i].used && now - pending[i].sent_ms > PENDING_KEEP_MS)
			pending[i].used = false;
}

static void install_pending(uint16_t network, const struct lisp_addr *eid)
{
	uint8_t plen = host_plen(eid->family);
	const struct lisp_mc_entry *e = lisp_mc_find(network, eid, plen);
	if (e != NULL && e->kind != LISP_MC_PENDING)
		return;
	struct lisp_mc_spec s = { .network = network,
		.prefix = *eid,
		.plen = plen,
		.kind = LISP_MC_PENDING,
		.action = LISP_ACT_DROP,
		.ttl_s = LISP_PENDING_TTL_S };
	lisp_mc_set(&s);
}

/* The map-cache entry of a record: its TTL in seconds (at most
 * LISP_MAX_TTL_S: minutes * 60 overflows 32 bits, and 0 would mean never),
 * only the RLOCs a peer may name (false when it named some and none is). */
static bool record_to_spec(const struct lisp_record *r, uint16_t network, struct lisp_mc_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->network = network;
	s->prefix = r->eid;
	s->plen = r->plen;
	s->ttl_s = (uint32_t)RTE_MIN((uint64_t)r->ttl_min * 60, (uint64_t)LISP_MAX_TTL_S);
	for (unsigned i = 0; i < r->n_locs; i++) {
		const struct lisp_locator *l = &r->locs[i];
		struct lisp_rloc *to = &s->rlocs[s->n_rlocs];
		/* An IPv6 RLOC gets a VTEP id here: the map-cache keeps it. */
		if (!lisp_rloc_ok(&l->addr) || vtep_id_from_ip(&l->addr, &to->id) < 0) {
			lisp.c.rlocs_rejected++;
			continue;
		}
		to->priority = l->priority;
		to->weight = l->weight;
		s->n_rlocs++;
	}
	s->kind = r->n_locs != 0 ? LISP_MC_DYNAMIC : LISP_MC_NEGATIVE;
	s->action = r->n_locs != 0 ? LISP_ACT_NONE : r->action;
	return r->n_locs == 0 || s->n_rlocs != 0;
}

void lisp_install_records(const struct lisp_record *recs, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		uint16_t network = lisp_network_of_iid(recs[i].iid);
		struct lisp_mc_spec s;
		if (network == NFVA_NETWORK_NONE || recs[i].ttl_min == 0 ||
				!record_to_spec(&recs[i], network, &s))
			continue;
		if (s.kind == LISP_MC_NEGATIVE)
			lisp.c.replies_negative++;
		/* A pending host entry under a shorter prefix would hide it. */
		const struct lisp_mc_entry *p =
				lisp_mc_find(network, &s.prefix, host_plen(s.prefix.family));
		if (s.plen != host_plen(s.prefix.family) && p != NULL && p->kind == LISP_MC_PENDING)
			lisp_mc_del(network, &s.prefix, host_plen(s.prefix.family));
		lisp_mc_set(&s);
	}
}

/* Where Map-Requests go: the first resolver, or ourselves. */
static bool resolver_is_self(void)
{
	struct nfva_ip mine;
	return lisp.n_resolvers == 0 ||
			(lisp_local_rloc(lisp.resolvers[0].family, &mine) &&
					nfva_ip_eq(&mine, &lisp.resolvers[0]));
}

static int send_map_request(struct pending *p, const struct lisp_addr *src_eid)
{
	uint32_t iid = lisp_network_iid(p->network);
	struct lisp_map_request rq = { .nonce = p->nonce, .src_iid = iid, .n_eids = 1 };
	uint8_t msg[LISP_MSG_MAX_SIZE];

	/* Every family we have: the answer may come over either. */
	if (!lisp_local_rloc(AF_INET, &rq.itr_v4))
		rq.itr_v4.family = 0;
	if (!lisp_local_rloc(AF_INET6, &rq.itr_v6))
		rq.itr_v6.family = 0;

	if (src_eid != NULL && src_eid->family == p->eid.family)
		rq.src_eid = *src_eid;
	rq.eids[0].iid = iid;
	rq.eids[0].eid = p->eid;
	rq.eids[0].plen = host_plen(p->eid.family);
	int len = lisp_put_map_request(msg, sizeof(msg), &rq);
	if (len < 0)
		return len;
	struct lisp_addr inner_src = rq.src_eid;
	if (inner_src.family == 0) { /* no source EID: our RLOC of its family, or 0 */
		struct nfva_ip rloc;
		inner_src.family = p->eid.family;
		if (lisp_local_rloc(p->eid.family, &rloc))
			memcpy(inner_src.bytes, rloc.addr, p->eid.family == AF_INET ? 4 : 16);
	}
	const struct nfva_ip *mr = &lisp.resolvers[p->tries % lisp.n_resolvers];
	int ret = lisp_tx_ecm(mr, &inner_src, &p->eid, msg, (uint16_t)len, NULL);
	if (ret == 0)
		lisp.c.requests_sent++;
	return ret;
}

/* A frame of network owner missed the map-cache (or hit a send-map-request
 * entry): resolve its destination. */
void lisp_ctrl_miss(struct rte_mbuf *m)
{
	uint16_t network = (uint16_t)pkt_meta(m)->owner;
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	struct lisp_addr dst = { 0 }, src = { 0 };
	uint32_t len = rte_pktmbuf_data_len(m);

	if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV4) &&
			len >= sizeof(*eth) + sizeof(struct rte_ipv4_hdr)) {
		const struct rte_ipv4_hdr *ip = (const void *)(eth + 1);
		dst.family = src.family = AF_INET;
		memcpy(dst.bytes, &ip->dst_addr, 4);
		memcpy(src.bytes, &ip->src_addr, 4);
	} else if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV6) &&
			len >= sizeof(*eth) + sizeof(struct rte_ipv6_hdr)) {
		const struct rte_ipv6_hdr *ip = (const void *)(eth + 1);
		dst.family = src.family = AF_INET6;
		memcpy(dst.bytes, ip->dst_addr, 16);
		memcpy(src.bytes, ip->src_addr, 16);
	}
	rte_pktmbuf_free(m);
	if (dst.family == 0 || !lisp_network_is_lisp(network))
		return;
	uint64_t now = lisp_now_ms();
	struct pending *p = pending_find(network, &dst);
	if (p != NULL && now - p->sent_ms < LISP_REQUEST_INTERVAL_MS) {
		lisp.c.requests_rate_limited++;
		return;
	}
	if (!lisp_allow_miss()) /* counted: a sprayer cannot keep control busy */
		return;
	if (p == NULL)
		p = pending_new(network, &dst);
	p->sent_ms = now;
	p->tries++;
	p->nonce = rte_rand();
	if (resolver_is_self()) {
		struct lisp_record recs[1];
		p->used = false;
		if (lisp_ms_lookup(network, &dst, recs) != 0)
			lisp_install_records(recs, 1);
		else
			install_pending(network, &dst); /* nobody to ask: drop quietly */
		return;
	}
	install_pending(network, &dst);
	send_map_request(p, &src);
}

void lisp_local_record(struct lisp_record *r, uint32_t iid, const struct lisp_addr *eid)
{
	static const uint8_t families[] = { AF_INET, AF_INET6 };
	memset(r, 0, sizeof(*r));
	r->iid = iid;
	r->eid = *eid;
	r->plen = host_plen(eid->family);
	r->ttl_min = lisp.record_ttl_min;
	r->authoritative = true;
	/* One locator per underlay family (dual-stack: both, same priority). */
	for (unsigned i = 0; i < RTE_DIM(families); i++) {
		struct lisp_locator *l = &r->locs[r->n_locs];
		if (!lisp_local_rloc(families[i], &l->addr))
			continue;
		l->priority = 1;
		l->weight = 100;
		l->flags = LISP_LOC_L | LISP_LOC_R;
		r->n_locs++;
	}
}

bool lisp_etr_answer(const struct lisp_map_request *rq, uint16_t dport, uint8_t family)
{
	struct lisp_map_reply rp = { .nonce = rq->nonce, .probe = rq->probe };
	uint8_t msg[LISP_MSG_MAX_SIZE];

	for (unsigned i = 0; i < rq->n_eids; i++) {
		uint16_t net = lisp_network_of_iid(rq->eids[i].iid);
		if (net == NFVA_NETWORK_NONE || !lisp_eid_is_local(net, &rq->eids[i].eid))
			continue;
		lisp_local_record(&rp.records[rp.n_records++], rq->eids[i].iid, &rq->eids[i].eid);
	}
	if (rp.n_records == 0)
		return false;
	lisp.c.requests_answered++;
	if (!lisp_allow_reply()) /* counted: the ITR-RLOC is the requester's word */
		return true;
	const struct nfva_ip *itr = lisp_itr_pick(rq, family);
	if (itr == NULL) { /* no ITR-RLOC of a family we have */
		lisp.c.control_unresolved++;
		return true;
	}
	int len = lisp_put_map_reply(msg, sizeof(msg), &rp);
	if (len > 0 && lisp_tx_udp(itr, LISP_CTRL_PORT, dport, msg, (uint16_t)len, NULL) == 0)
		lisp.c.replies_sent++;
	return true;
}

static void reply_input(const uint8_t *msg, size_t len)
{
	struct lisp_map_reply rp;

	if (lisp_parse_map_reply(msg, len, &rp) < 0) {
		lisp.c.replies_rejected_malformed++;
		return;
	}
	struct pending *p = NULL;
	for (unsigned i = 0; i < PENDING_MAX && p == NULL; i++)
		if (pending[i].used && pending[i].nonce == rp.nonce)
			p = &pending[i];
	if (p == NULL) {
		lisp.c.replies_rejected_nonce++;
		return;
	}
	/* Only what we asked for: records covering the requested EID. */
	uint32_t iid = lisp_network_iid(p->network);
	struct lisp_record ok[LISP_MSG_MAX_RECORDS];
	unsigned n = 0;
	for (unsigned i = 0; i < rp.n_records; i++)
		if (rp.records[i].iid == iid &&
				lisp_prefix_covers(&rp.records[i].eid, rp.records[i].plen, &p->eid,
						host_plen(p->eid.family)))
			ok[n++] = rp.records[i];
	p->used = false;
	lisp.c.replies_accepted++;
	lisp_install_records(ok, n);
}

static void request_input(const struct lisp_map_request *rq, const uint8_t *raw, size_t raw_len,
		uint16_t reply_port, const struct nfva_ip *src,
		const struct rte_ether_addr *src_mac)
{
	lisp.c.requests_received++;
	if (lisp_etr_answer(rq, reply_port, src->family))
		return;
	if (lisp_ms_active() && raw != NULL)
		lisp_ms_request_input(rq, raw, raw_len, src, src_mac);
	else
		lisp.c.control_ignored++;
}

static void ecm_input(const uint8_t *msg, size_t len, const struct nfva_ip *src,
		const struct rte_ether_addr *src_mac)
{
	struct lisp_ecm ecm;
	struct lisp_map_request rq;

	if (lisp_parse_ecm(msg, len, &ecm) < 0 ||
			lisp_msg_type(ecm.msg, ecm.msg_len) != LISP_MAP_REQUEST ||
			lisp_parse_map_request(ecm.msg, ecm.msg_len, &rq) < 0) {
		lisp.c.control_malformed++;
		return;
	}
	request_input(&rq, msg, len, ecm.inner_sport, src, src_mac);
}

/* The UDP datagram of a control frame (Ethernet, then IPv4 or IPv6 as the
 * worker validated it): its payload, length, source address and port;
 * false when the lengths do not hold. */
static bool ctrl_udp(struct rte_mbuf *m, const uint8_t **msg, size_t *len, struct nfva_ip *src,
		uint16_t *sport)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	const struct rte_udp_hdr *udp;
	uint32_t room; /* bytes of the IP payload */

	if (!rte_pktmbuf_is_contiguous(m))
		return false;
	if (eth->ether_type == RTE_BE16(RTE_ETHER_TYPE_IPV6)) {
		const struct rte_ipv6_hdr *ip = (const void *)(eth + 1);
		*src = nfva_ip_v6(ip->src_addr);
		room = rte_be_to_cpu_16(ip->payload_len);
		udp = (const void *)(ip + 1);
	} else {
		const struct rte_ipv4_hdr *ip = (const void *)(eth + 1);
		uint32_t hlen = rte_ipv4_hdr_len(ip), total = rte_be_to_cpu_16(ip->total_length);
		*src = nfva_ip_v4(ip->src_addr);
		room = total > hlen ? total - hlen : 0;
		udp = (const void *)((const uint8_t *)ip + hlen);
	}
	uint32_t ulen = room >= sizeof(*udp) ? rte_be_to_cpu_16(udp->dgram_len) : 0;
	if (ulen < sizeof(*udp) || ulen > room)
		return false;
	*msg = (const uint8_t *)(udp + 1);
	*len = ulen - sizeof(*udp);
	*sport = rte_be_to_cpu_16(udp->src_port);
	return true;
}

/* Map-Register / Map-Notify / Map-Reply / ECM from the uplink. m is the
 * whole frame; its IP header was validated by the worker. */
void lisp_ctrl_input(struct rte_mbuf *m)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	struct rte_ether_addr src_mac = eth->src_addr;
	struct lisp_map_request rq;
	const uint8_t *msg;
	size_t len;
	struct nfva_ip src;
	uint16_t sport;

	if (!ctrl_udp(m, &msg, &len, &src, &sport)) {
		lisp.c.control_malformed++;
		rte_pktmbuf_free(m);
		return;
	}
	switch (lisp_msg_type(msg, len)) {
	case LISP_ECM:
		ecm_input(msg, len, &src, &src_mac);
		break;
	case LISP_MAP_REQUEST: /* RLOC probes and SMRs arrive unencapsulated */
		if (lisp_parse_map_request(msg, len, &rq) < 0)
			lisp.c.control_malformed++;
		else
			request_input(&rq, NULL, 0, sport, &src, &src_mac);
		break;
	case LISP_MAP_REPLY:
		reply_input(msg, len);
		break;
	case LISP_MAP_REGISTER:
		if (lisp_ms_active())
			lisp_ms_register_input(msg, len, &src, sport, &src_mac);
		else
			lisp.c.control_ignored++;
		break;
	case LISP_MAP_NOTIFY:
		lisp_notify_input(msg, len, &src);
		break;
	default:
		lisp.c.control_malformed++;
		break;
	}
	rte_pktmbuf_free(m);
}
