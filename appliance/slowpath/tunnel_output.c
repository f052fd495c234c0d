/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * tunnel_output: prepends the (owner, VTEP) template's outer headers and
 * fills what changes per packet: IPv4 length and checksum, or IPv6 payload
 * length and flow label; UDP length and source port (RFC 7348 entropy: a
 * hash of the inner flow in 49152-65535); the UDP checksum (optional over
 * IPv4, over IPv6 unless the network sends zero). A frame whose template is
 * missing or whose next hop is unresolved goes to the control thread to be
 * held.
 */
#include <rte_ip.h>
#include <rte_ip_frag.h>
#include <rte_udp.h>

#include "overlay/encap.h"
#include "core/flow_hash.h"
#include "core/punt.h"
#include "core/datapath.h"
#include "slowpath/slowpath.h"

/* VXLAN's UDP: source port from the inner flow (RFC 7348 entropy) and
 * length; returns the header when the template asks for a checksum (the
 * caller computes it over its IP version), else NULL. NVGRE's FlowID stays
 * 0 (RFC 7637 allows it) so that hardware rules, which cannot hash per
 * packet, emit the same bytes. */
static struct rte_udp_hdr *fill_udp(const struct encap_template *t, void *l4, uint32_t l4_len,
		uint32_t hash)
{
	if (t->encap != DP_ENCAP_VXLAN)
		return NULL;
	struct rte_udp_hdr *udp = l4;
	udp->src_port = rte_cpu_to_be_16(entropy_udp_port(hash));
	udp->dgram_len = rte_cpu_to_be_16(l4_len);
	return t->udp_csum ? udp : NULL;
}

static void fill_ipv4(const struct encap_template *t, struct rte_ipv4_hdr *ip, uint32_t ip_len,
		uint32_t hash)
{
	ip->total_length = rte_cpu_to_be_16(ip_len);
	ip->hdr_checksum = rte_ipv4_cksum(ip);
	struct rte_udp_hdr *udp = fill_udp(t, ip + 1, ip_len - sizeof(*ip), hash);
	if (udp != NULL)
		udp->dgram_cksum = rte_ipv4_udptcp_cksum(ip, udp);
}

/* The flow label comes from the inner flow too (RFC 6437, 6438): never 0,
 * the same for every frame of a flow. */
static void fill_ipv6(const struct encap_template *t, struct rte_ipv6_hdr *ip, uint32_t ip_len,
		uint32_t hash)
{
	ip->vtc_flow = rte_cpu_to_be_32(6u << 28 | entropy_flow_label(hash));
	ip->payload_len = rte_cpu_to_be_16(ip_len - sizeof(*ip));
	struct rte_udp_hdr *udp = fill_udp(t, ip + 1, ip_len - sizeof(*ip), hash);
	if (udp != NULL)
		udp->dgram_cksum = rte_ipv6_udptcp_cksum(ip, udp); /* never 0 */
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

void *tunnel_encap(struct worker *w, struct rte_mbuf *m, uint16_t in_port,
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
	void *ip = hdr + sizeof(struct rte_ether_hdr);
	if (t->ipv6)
		fill_ipv6(t, ip, ip_len, hash);
	else
		fill_ipv4(t, ip, ip_len, hash);
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
