/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * l2_learn: source MAC learning. One bulk lookup per burst; a known MAC on
 * the same attachment only refreshes its hit stamp, a new or moved MAC goes
 * to fdb_learn(), which enforces the port and network MAC limits. A move
 * that touches an e-switch port is handed to the control thread instead: it
 * removes the rules that depend on the MAC first and applies the move after,
 * so hardware and the FDB never disagree (until then both still point to
 * the old place).
 */
#include <string.h>

#include <rte_branch_prediction.h>
#include <rte_ether.h>

#include "l2/fdb.h"
#include "offload/offload.h"
#include "core/datapath.h"
#include "slowpath/slowpath.h"

/* Where frames to this frame's source go: its attachment, or its VTEP. */
static union fdb_dest l2_source_dest(const struct l2_meta *meta)
{
	if (meta->from_vtep != 0)
		return (union fdb_dest){ .kind = FDB_DEST_VTEP,
			.port = meta->in_port,
			.vtep_ip = meta->from_vtep };
	return (union fdb_dest){ .kind = FDB_DEST_PORT,
		.port = meta->in_port,
		.vlan = meta->in_vlan };
}

/* Counts what learning did; BUSY keeps the request for the next burst. */
static void l2_learn_result(struct worker *w, uint16_t port, enum fdb_learn_result r,
		const struct learn_retry *req)
{
	struct port_counters *c = &w->counters[port];

	switch (r) {
	case FDB_LEARN_NEW:
		c->learned++;
		break;
	case FDB_LEARN_MOVED:
		c->moved++;
		break;
	case FDB_LEARN_LIMIT_PORT:
	case FDB_LEARN_LIMIT_NETWORK:
		c->learn_limit++;
		break;
	case FDB_LEARN_FULL:
		c->learn_full++;
		break;
	case FDB_LEARN_BUSY: /* control is changing the table: try again next burst */
		c->learn_busy++;
		if (w->n_retry < LEARN_RETRY_MAX)
			w->learn_retry[w->n_retry++] = *req;
		else
			c->learn_lost++;
		break;
	case FDB_LEARN_UNCHANGED:
	case FDB_LEARN_STATIC:
		break;
	}
}

static enum fdb_learn_result l2_learn_req(struct worker *w, const struct learn_retry *req)
{
	struct fdb_key key = { .network = req->network, .mac = req->mac };
	struct fdb_limits limits = { .port = req->port_limit, .network = req->net_limit };
	return fdb_learn(&key, (union fdb_dest){ .u64 = req->dest }, w->now, &limits);
}

/* What the previous bursts could not learn: before a burst's frames, and
 * once per poll iteration (l2_learn_pending) when no frame comes. */
void l2_learn_retry(struct worker *w)
{
	struct learn_retry pending[LEARN_RETRY_MAX];
	uint16_t n = w->n_retry;

	memcpy(pending, w->learn_retry, n * sizeof(pending[0]));
	w->n_retry = 0;
	for (uint16_t i = 0; i < n; i++) {
		enum fdb_learn_result r = l2_learn_req(w, &pending[i]);
		if (r == FDB_LEARN_BUSY) /* still busy: keep it, not counted twice */
			w->learn_retry[w->n_retry++] = pending[i];
		else
			l2_learn_result(w, pending[i].port, r, &pending[i]);
	}
}

static void l2_learn_one(struct worker *w, const struct fdb_key *key, const struct l2_meta *meta)
{
	const struct dp_config *cfg = w->cfg;
	struct learn_retry req = {
		.network = key->network,
		.port = meta->in_port,
		.mac = key->mac,
		.dest = l2_source_dest(meta).u64,
		.port_limit = meta->from_vtep ? 0 : cfg->ports[meta->in_port].mac_limit,
		.net_limit = cfg->networks[meta->network].mac_limit,
	};
	l2_learn_result(w, meta->in_port, l2_learn_req(w, &req), &req);
}

static void l2_move_via_control(struct worker *w, const struct fdb_key *key,
		const struct l2_meta *meta, uint64_t from)
{
	const struct dp_config *cfg = w->cfg;
	struct fdb_limits limits = {
		.port = meta->from_vtep ? 0 : cfg->ports[meta->in_port].mac_limit,
		.network = cfg->networks[meta->network].mac_limit,
	};
	if (offload_request_move(w->id, w->now, key->network, &key->mac, l2_source_dest(meta).u64,
			    from, &limits))
		w->counters[meta->in_port].moved++;
}

static inline bool l2_learn_skips(const struct dp_config *cfg, const struct l2_meta *meta)
{
	const struct dp_overlay *o = &cfg->networks[meta->network].overlay;
	return o->collector || (o->evpn && meta->from_vtep != 0);
}

/* The burst without the frames l2_learn_skips (rare for collectors; every
 * decapsulated frame of an EVPN network). */
static void l2_learn_skip_collectors(struct worker *w, struct rte_mbuf **pkts,
		const struct l2_meta *meta, uint16_t n);

void l2_learn(struct worker *w, struct rte_mbuf **pkts, const struct l2_meta *meta, uint16_t n)
{
	struct fdb_key keys[NFVA_BURST];
	struct fdb_entry *entries[NFVA_BURST];

	if (unlikely(w->n_retry != 0))
		l2_learn_retry(w);
	for (uint16_t i = 0; i < n; i++) {
		/* A collector network sees copies of other hosts' traffic: learning
		 * from them would point real MACs at the mirroring host. An EVPN
		 * network learns remote MACs from BGP only (RFC 8365 control-plane
		 * learning): frames from its tunnels teach nothing. */
		if (l2_learn_skips(w->cfg, &meta[i])) {
			l2_learn_skip_collectors(w, pkts, meta, n);
			return;
		}
		const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(pkts[i], struct rte_ether_hdr *);
		keys[i].network = meta[i].network;
		rte_ether_addr_copy(&eth->src_addr, &keys[i].mac);
	}
	fdb_lookup_bulk(keys, n, entries);
	for (uint16_t i = 0; i < n; i++) {
		if (entries[i] != NULL) {
			union fdb_dest d = fdb_entry_dest(entries[i]);
			union fdb_dest here = l2_source_dest(&meta[i]);
			here.flags = d.flags;
			if (d.u64 == here.u64) {
				fdb_touch(entries[i], w->now);
				continue;
			}
			if (d.flags & FDB_F_STATIC)
				continue;
			/* A tunnel never moves what EVPN placed (a local port does). */
			if ((d.flags & FDB_F_EVPN) && meta[i].from_vtep != 0)
				continue;
			if (w->cfg->ports[d.port].offload ||
					w->cfg->ports[meta[i].in_port].offload) {
				l2_move_via_control(w, &keys[i], &meta[i], d.u64);
				continue;
			}
		}
		l2_learn_one(w, &keys[i], &meta[i]);
	}
}

static void l2_learn_skip_collectors(struct worker *w, struct rte_mbuf **pkts,
		const struct l2_meta *meta, uint16_t n)
{
	struct rte_mbuf *keep[NFVA_BURST];
	struct l2_meta keep_meta[NFVA_BURST];
	uint16_t k = 0;

	for (uint16_t i = 0; i < n; i++) {
		if (l2_learn_skips(w->cfg, &meta[i]))
			continue;
		keep[k] = pkts[i];
		keep_meta[k++] = meta[i];
	}
	if (k != 0)
		l2_learn(w, keep, keep_meta, k);
}
