/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tunnel_output: prepends the (owner, VTEP) template's outer headers and
 * fills what changes per packet: IPv4 length and checksum, UDP length and
 * source port (RFC 7348 entropy: a hash of the inner flow in 49152-65535),
 * optional UDP checksum. A frame whose template is missing or
 * whose next hop is unresolved goes to the control thread to be held.
 */
#include <rte_ip.h>
#include <rte_ip_frag.h>
#include <rte_udp.h>

#include "overlay/encap.h"
#include "core/flow_hash.h"
#include "core/punt.h"
#include "core/datapath.h"
#include "slowpath/slowpath.h"

static void fill_l4(const struct encap_template *t, struct rte_ipv4_hdr *ip, uint32_t hash)
{
	if (t->encap == DP_ENCAP_VXLAN) {
		struct rte_udp_hdr *udp = (struct rte_udp_hdr *)(ip + 1);
		udp->src_port = rte_cpu_to_be_16(entropy_udp_port(hash));
		udp->dgram_len = rte_cpu_to_be_16(rte_be_to_cpu_16(ip->total_length) - sizeof(*ip));
		if (t->udp_csum)
			udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);
	}
	/* NVGRE FlowID stays 0 (RFC 7637 allows it) so that hardware rules,
	 * which cannot hash per packet, emit the same bytes. */
}

/* Drops a frame toward (owner, vtep_ip); counted on in_port, the network
 * and the VTEP unless in_port is NFVA_PORT_NONE (a mirror copy, whose loss
 * its session counts). */
static void encap_drop(struct worker *w, uint16_t in_port, uint32_t owner, uint32_t vtep_ip,
		enum drop_reason why, struct rte_mbuf *m)
{
	if (in_port == NFVA_PORT_NONE) {
		rte_pktmbuf_free(m);
		return;
	}
	if (owner < w->n_nets)
		w->nets[owner].drops[why]++;
	vtep_count_drop(&w->vteps, vtep_ip, why);
	worker_drop(w, in_port, why, m);
}

static void hold(struct worker *w, struct rte_mbuf *m, uint16_t in_port, uint32_t owner,
		uint32_t vtep_ip)
{
	struct pkt_meta *meta = pkt_meta(m);
	meta->port = in_port;
	meta->owner = owner;
	meta->vtep_ip = vtep_ip;
	if (!punt_to_control(m, &encap_hold_punt))
		encap_drop(w, in_port, owner, vtep_ip, DROP_PUNT_FULL, m);
}

struct rte_ipv4_hdr *tunnel_encap(struct worker *w, struct rte_mbuf *m, uint16_t in_port,
		const struct encap_template *t)
{
	const struct dp_underlay *u = &w->cfg->underlay;
	uint32_t ip_len = rte_pktmbuf_pkt_len(m) + t->len - sizeof(struct rte_ether_hdr);
	if (ip_len > u->mtu) {
		encap_drop(w, in_port, t->owner, t->vtep_ip, DROP_MTU, m);
		return NULL;
	}
	if (!rte_pktmbuf_is_contiguous(m) && rte_pktmbuf_linearize(m) != 0) {
		encap_drop(w, in_port, t->owner, t->vtep_ip, DROP_NO_MBUF, m);
		return NULL;
	}
	uint32_t hash = inner_flow_hash(m);
	uint8_t *hdr = (uint8_t *)rte_pktmbuf_prepend(m, t->len);
	if (hdr == NULL) {
		encap_drop(w, in_port, t->owner, t->vtep_ip, DROP_NO_MBUF, m);
		return NULL;
	}
	rte_memcpy(hdr, t->hdr, t->len);
	struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)(hdr + sizeof(struct rte_ether_hdr));
	ip->total_length = rte_cpu_to_be_16(ip_len);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	fill_l4(t, ip, hash);
	return ip;
}

void tunnel_output(struct worker *w, struct rte_mbuf *m, uint16_t in_port, uint32_t owner,
		uint32_t vtep_ip)
{
	const struct dp_underlay *u = &w->cfg->underlay;

	if (!u->active) {
		encap_drop(w, in_port, owner, vtep_ip, DROP_NO_UNDERLAY, m);
		return;
	}
	const struct encap_template *t = encap_lookup(owner, vtep_ip);
	if (t == NULL || !t->resolved) {
		hold(w, m, in_port, owner, vtep_ip);
	} else if (tunnel_encap(w, m, in_port, t) != NULL) {
		encap_touch(t, w->now);
		vtep_count_tx(&w->vteps, vtep_ip, rte_pktmbuf_pkt_len(m));
		port_output(w, u->port, NFVA_VLAN_NONE, m);
	}
}
