/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lisp_local_input: frames of LISP networks from local VMs (after
 * eth_input). ARP and IPv6 ND go to the proxy stages; IPv4/IPv6 sources
 * are learned as local EIDs; the destination is
 *   a local EID            -> its port, destination MAC rewritten;
 *   a map-cache entry      -> an RLOC (best priority, weighted by a hash of
 *                             the inner flow) -> lisp_encap -> uplink;
 *   pending / negative     -> dropped (lisp_map_request / lisp_negative);
 *   a miss (or a negative entry asking for it)
 *                          -> punted so control sends a Map-Request, dropped.
 * Frames of other networks are left, compacted, for the L2 stages.
 */
#include <sys/socket.h>

#include <rte_ip.h>

#include "core/flow_hash.h"
#include "overlay/encap.h"
#include "lisp/lisp_dp.h"
#include "offload/offload.h"
#include "core/punt.h"
#include "core/datapath.h"
#include "slowpath/slowpath.h"

/* Learn (report) src as an EID at the frame's attachment. */
static void learn(struct worker *w, uint16_t network, uint8_t family, const void *src,
		const struct rte_ether_addr *mac, const struct l2_meta *meta)
{
	const struct lisp_eid *e = lisp_eid_lookup(network, family, src);

	if (e == NULL || e->port != meta->in_port || e->vlan != meta->in_vlan ||
			!rte_is_same_ether_addr(&e->mac, mac)) {
		if (e == NULL || !(e->flags & LISP_EID_STATIC))
			lisp_eid_report(network, family, src, mac, meta->in_port, meta->in_vlan);
		return;
	}
	if (e->last_seen != w->now)
		__atomic_store_n(&((struct lisp_eid *)(uintptr_t)e)->last_seen, w->now,
				__ATOMIC_RELAXED);
}

static void punt_kind(struct worker *w, struct rte_mbuf *m, uint16_t port,
		const struct punt_handler *kind, uint32_t owner, uint32_t rloc,
		enum drop_reason count_as)
{
	struct pkt_meta *pm = pkt_meta(m);
	pm->port = port;
	pm->owner = owner;
	pm->vtep_ip = rloc;
	if (!punt_to_control(m, kind)) {
		worker_drop(w, port, DROP_PUNT_FULL, m);
		return;
	}
	if (count_as != DROP_NONE)
		w->counters[port].drops[count_as]++;
}

/* The decision just taken, offered to the e-switch: IPv4 EIDs whose
 * map-cache entry has one best RLOC (several share flows by a hash no rule
 * can express). m at the IP header, the Ethernet header just before it. */
static void offer_encap(struct worker *w, const struct rte_mbuf *m, const struct l2_meta *meta,
		const struct lisp_mc_entry *e, uint32_t rloc)
{
	const struct dp_config *cfg = w->cfg;
	const uint8_t *p = rte_pktmbuf_mtod(m, const uint8_t *);

	if (!cfg->ports[meta->in_port].offload || !cfg->ports[cfg->underlay.port].offload ||
			e->n_best != 1 || p[0] >> 4 != 4)
		return;
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)p;
	const struct rte_ether_hdr *eth = (const struct rte_ether_hdr *)(p - sizeof(*eth));
	struct offload_decision d = { .kind = OFFLOAD_LISP_ENCAP,
		.network = meta->network,
		.in_port = meta->in_port,
		.in_vlan = meta->in_vlan,
		.out_port = cfg->underlay.port,
		.out_vlan = NFVA_VLAN_NONE,
		.vtep_ip = rloc,
		.src = eth->src_addr,
		.dst = eth->dst_addr,
		.eid_src = ip->src_addr,
		.eid_dst = ip->dst_addr };
	offload_request(w->id, w->now, &d);
}

/* m at the IP header (Ethernet header just removed, still in the headroom). */
static void to_rloc(struct worker *w, struct rte_mbuf *m, const struct l2_meta *meta,
		const struct lisp_mc_entry *e)
{
	const struct dp_underlay *u = &w->cfg->underlay;
	uint32_t hash = ip_flow_hash(m);
	const struct lisp_rloc *r = lisp_mc_pick(e, hash);

	if (r == NULL) {
		worker_drop_net(w, meta->in_port, meta->network, DROP_LISP_NO_RLOC, m);
		return;
	}
	if (!u->active) {
		worker_drop_net(w, meta->in_port, meta->network, DROP_NO_UNDERLAY, m);
		return;
	}
	const struct encap_template *t = encap_lookup(meta->network, r->id);
	if (t == NULL || !t->resolved) {
		rte_pktmbuf_prepend(m, sizeof(struct rte_ether_hdr));
		punt_kind(w, m, meta->in_port, &lisp_hold_punt, meta->network, r->id, DROP_NONE);
		return;
	}
	if (!t->ipv6) /* e-switch rules: IPv4 underlay only */
		offer_encap(w, m, meta, e, r->id);
	worker_net_tx(w, meta->network, m);
	int why = lisp_encap(m, t, hash, u->mtu);
	encap_touch(t, w->now);
	if (why == DROP_NONE) {
		vtep_count_tx(&w->vteps, r->id, rte_pktmbuf_pkt_len(m));
		port_output(w, u->port, NFVA_VLAN_NONE, m);
	} else {
		vtep_count_drop(&w->vteps, r->id, why);
		worker_drop_net(w, meta->in_port, meta->network, why, m);
	}
}

static void route(struct worker *w, struct rte_mbuf *m, const struct l2_meta *meta, uint8_t family,
		const void *dst)
{
	const struct lisp_eid *local = lisp_eid_lookup(meta->network, family, dst);

	if (local != NULL) {
		if (local->port == meta->in_port && local->vlan == meta->in_vlan) {
			worker_drop_net(w, meta->in_port, meta->network, DROP_LOCAL_DEST, m);
			return;
		}
		struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, struct rte_ether_hdr *);
		eth->dst_addr = local->mac;
		worker_net_tx(w, meta->network, m);
		port_output(w, local->port, local->vlan, m);
		return;
	}
	const struct lisp_mc_entry *e = lisp_mc_lookup(meta->network, family, dst);
	if (e == NULL || (e->kind == LISP_MC_NEGATIVE && e->action == LISP_ACT_MAP_REQUEST)) {
		punt_kind(w, m, meta->in_port, &lisp_miss_punt, meta->network, 0,
				DROP_LISP_MAP_REQUEST);
		return;
	}
	if (e->kind == LISP_MC_PENDING) {
		worker_drop_net(w, meta->in_port, meta->network, DROP_LISP_MAP_REQUEST, m);
		return;
	}
	if (e->kind == LISP_MC_NEGATIVE) {
		worker_drop_net(w, meta->in_port, meta->network, DROP_LISP_NEGATIVE, m);
		return;
	}
	rte_pktmbuf_adj(m, sizeof(struct rte_ether_hdr));
	to_rloc(w, m, meta, e);
}

static bool ipv4_src_learnable(uint32_t ip)
{
	uint32_t h = rte_be_to_cpu_32(ip);
	return h != 0 && (h >> 28) != 0xe && h != 0xffffffff;
}

static void ipv4_frame(struct worker *w, struct rte_mbuf *m, const struct l2_meta *meta)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	uint32_t len = rte_pktmbuf_data_len(m) - sizeof(*eth);
	const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)(eth + 1);

	if (len < sizeof(*ip) || rte_ipv4_hdr_len(ip) < sizeof(*ip) ||
			rte_be_to_cpu_16(ip->total_length) > len ||
			rte_be_to_cpu_16(ip->total_length) < rte_ipv4_hdr_len(ip)) {
		worker_drop_net(w, meta->in_port, meta->network, DROP_IP_INVALID, m);
		return;
	}
	if (ipv4_src_learnable(ip->src_addr))
		learn(w, meta->network, AF_INET, &ip->src_addr, &eth->src_addr, meta);
	uint32_t dst = rte_be_to_cpu_32(ip->dst_addr);
	if ((dst >> 28) == 0xe || dst == 0xffffffff || dst == 0) {
		worker_drop_net(w, meta->in_port, meta->network, DROP_LISP_MULTICAST, m);
		return;
	}
	/* Ethernet padding must not travel inside the tunnel. */
	rte_pktmbuf_trim(m, len - rte_be_to_cpu_16(ip->total_length));
	route(w, m, meta, AF_INET, &ip->dst_addr);
}

static void ipv6_frame(struct worker *w, struct rte_mbuf *m, const struct l2_meta *meta)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	uint32_t len = rte_pktmbuf_data_len(m) - sizeof(*eth);
	const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)(eth + 1);
	static const uint8_t zero[16];

	if (len < sizeof(*ip) || (ip->vtc_flow & RTE_BE32(0xf0000000)) != RTE_BE32(0x60000000) ||
			sizeof(*ip) + rte_be_to_cpu_16(ip->payload_len) > len) {
		worker_drop_net(w, meta->in_port, meta->network, DROP_IP_INVALID, m);
		return;
	}
	if (ip->proto == IPPROTO_ICMPV6 && len >= sizeof(*ip) + 4) {
		uint8_t type = ((const uint8_t *)(ip + 1))[0];
		if (type == 135 || type == 136) {
			if (lisp_nd_input(w, m, meta) == 0)
				return;
		}
	}
	bool link_local = ip->src_addr[0] == 0xfe && (ip->src_addr[1] & 0xc0) == 0x80;
	if (memcmp(ip->src_addr, zero, 16) != 0 && ip->src_addr[0] != 0xff && !link_local)
		learn(w, meta->network, AF_INET6, ip->src_addr, &eth->src_addr, meta);
	if (ip->dst_addr[0] == 0xff) {
		worker_drop_net(w, meta->in_port, meta->network, DROP_LISP_MULTICAST, m);
		return;
	}
	rte_pktmbuf_trim(m, len - sizeof(*ip) - rte_be_to_cpu_16(ip->payload_len));
	route(w, m, meta, AF_INET6, ip->dst_addr);
}

static void lisp_frame(struct worker *w, struct rte_mbuf *m, const struct l2_meta *meta)
{
	const struct rte_ether_hdr *eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);

	if (rte_pktmbuf_data_len(m) != rte_pktmbuf_pkt_len(m) && rte_pktmbuf_linearize(m) != 0) {
		worker_drop_net(w, meta->in_port, meta->network, DROP_NO_MBUF, m);
		return;
	}
	switch (eth->ether_type) {
	case RTE_BE16(RTE_ETHER_TYPE_ARP):
		lisp_arp_input(w, m, meta);
		break;
	case RTE_BE16(RTE_ETHER_TYPE_IPV4):
		ipv4_frame(w, m, meta);
		break;
	case RTE_BE16(RTE_ETHER_TYPE_IPV6):
		ipv6_frame(w, m, meta);
		break;
	default:
		worker_drop_net(w, meta->in_port, meta->network, DROP_LISP_NOT_IP, m);
		break;
	}
}

uint16_t lisp_local_input(struct worker *w, struct rte_mbuf **pkts, struct l2_meta *meta,
		uint16_t n)
{
	uint16_t kept = 0;

	for (uint16_t i = 0; i < n; i++) {
		const struct dp_network *net = &w->cfg->networks[meta[i].network];
		if (net->overlay.encap != DP_ENCAP_LISP || meta[i].from_vtep != 0) {
			meta[kept] = meta[i];
			pkts[kept++] = pkts[i];
			continue;
		}
		lisp_frame(w, pkts[i], &meta[i]);
	}
	return kept;
}
