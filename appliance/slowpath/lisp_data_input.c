/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * lisp_data_input: UDP to the local RLOC on the uplink, over IPv4 or IPv6
 * (decapsulation stages).
 *   4342 (control): the whole frame goes to the control thread.
 *   4341 (data, RFC 9300 section 5.3): the 8-byte LISP header is checked
 *     (N and V together are refused; I gives the 24-bit instance ID, else
 *     instance 0; L/E and the locator-status bits are accepted and not
 *     acted upon), the instance ID names the network, the inner packet must
 *     be a sound IPv4 or IPv6 packet to a local EID of that network. Then a
 *     fresh Ethernet header (destination: the EID's MAC, source: the gateway
 *     MAC) is put in front and the packet leaves through the EID's port. An
 *     outer TTL (hop limit) below the inner one is copied inward (section
 *     5.3). A zero UDP checksum is accepted over IPv6 too (section 5.3).
 *     A destination that is not (yet) a local EID is dropped and handed to
 *     control, which probes the network's ports for it (ARP).
 */
#include <string.h>
#include <sys/socket.h>

#include <rte_ip.h>
#include <rte_udp.h>

#include "lisp/lisp_dp.h"
#include "offload/offload.h"
#include "core/punt.h"
#include "core/datapath.h"
#include "slowpath/decap.h"
#include "slowpath/slowpath.h"

#define LISP_HDR_LEN 8
#define LISP_F_N 0x80
#define LISP_F_V 0x10
#define LISP_F_I 0x08

/* Validates the inner packet at p (len bytes available); returns its
 * length, or 0. */
static uint32_t inner_check(const uint8_t *p, uint32_t len, uint8_t *family)
{
	if (len >= sizeof(struct rte_ipv4_hdr) && p[0] >> 4 == 4) {
		const struct rte_ipv4_hdr *ip = (const struct rte_ipv4_hdr *)p;
		uint32_t hlen = rte_ipv4_hdr_len(ip), total = rte_be_to_cpu_16(ip->total_length);
		if (hlen < sizeof(*ip) || total < hlen || total > len ||
				rte_raw_cksum(ip, hlen) != 0xffff)
			return 0;
		*family = AF_INET;
		return total;
	}
	if (len >= sizeof(struct rte_ipv6_hdr) && p[0] >> 4 == 6) {
		const struct rte_ipv6_hdr *ip = (const struct rte_ipv6_hdr *)p;
		uint32_t total = sizeof(*ip) + rte_be_to_cpu_16(ip->payload_len);
		if (total > len)
			return 0;
		*family = AF_INET6;
		return total;
	}
	return 0;
}

static void ttl_inward(uint8_t *inner, uint8_t family, uint8_t outer_ttl)
{
	if (family == AF_INET) {
		struct rte_ipv4_hdr *ip = (struct rte_ipv4_hdr *)inner;
		if (outer_ttl < ip->time_to_live) {
			ip->time_to_live = outer_ttl;
			ip->hdr_checksum = 0;
			ip->hdr_checksum = rte_ipv4_cksum(ip);
		}
	} else {
		struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)inner;
		if (outer_ttl < ip->hop_limits)
			ip->hop_limits = outer_ttl;
	}
}

static const void *inner_dst(const uint8_t *inner, uint8_t family)
{
	if (family == AF_INET)
		return &((const struct rte_ipv4_hdr *)inner)->dst_addr;
	return ((const struct rte_ipv6_hdr *)inner)->dst_addr;
}

/* The decision just taken, offered to the e-switch (IPv4 EIDs; rloc: the
 * outer source's id, an IPv4 address or an IPv6 address's id; 0, an IPv6
 * source without an id, is not offered: a rule must name its RLOC). */
static void offer_decap(struct worker *w, uint16_t port, uint16_t network, uint32_t rloc,
		const struct lisp_eid *e)
{
	const struct dp_config *cfg = w->cfg;

	if (rloc == 0 || !cfg->ports[port].offload || !cfg->ports[e->port].offload ||
			e->key.family != AF_INET)
		return;
	struct offload_decision d = { .kind = OFFLOAD_LISP_DECAP,
		.network = network,
		.in_port = port,
		.in_vlan = NFVA_VLAN_NONE,
		.out_port = e->port,
		.out_vlan = e->vlan,
		.vtep_ip = rloc,
		.src = cfg->lisp.gw_mac,
		.dst = e->mac };
	memcpy(&d.eid_dst, e->key.addr, sizeof(d.eid_dst));
	offload_request(w->id, w->now, &d);
}

static int data_input(struct worker *w, uint16_t port, struct rte_mbuf *m,
		const struct decap_outer *o)
{
	uint32_t l4_off = o->l3_end, l4_len = o->l4_len;
	if (l4_len < sizeof(struct rte_udp_hdr) + LISP_HDR_LEN)
		return DROP_LISP_TRUNCATED;
	uint8_t *lisp = rte_pktmbuf_mtod_offset(m, uint8_t *, l4_off + sizeof(struct rte_udp_hdr));
	if ((lisp[0] & (LISP_F_N | LISP_F_V)) == (LISP_F_N | LISP_F_V))
		return DROP_LISP_BAD_FLAGS;
	uint32_t iid = (lisp[0] & LISP_F_I) ? (uint32_t)lisp[4] << 16 | lisp[5] << 8 | lisp[6] : 0;
	uint16_t network = dp_vni_lookup(w->cfg, DP_ENCAP_LISP, 0, iid);
	if (network == NFVA_NETWORK_NONE)
		return DROP_LISP_UNKNOWN_IID;
	uint8_t *inner = lisp + LISP_HDR_LEN;
	uint32_t inner_len = l4_len - sizeof(struct rte_udp_hdr) - LISP_HDR_LEN;
	if (inner_len == 0)
		return DROP_LISP_TRUNCATED;
	uint8_t family = 0;
	uint32_t total = inner_check(inner, inner_len, &family);
	if (total == 0 && inner_len < sizeof(struct rte_ipv4_hdr))
		return DROP_LISP_TRUNCATED;
	if (total == 0)
		return DROP_LISP_INNER_INVALID;
	struct net_counters *nc = &w->nets[network];
	nc->rx_packets++;
	nc->rx_bytes += total;
	uint8_t outer_ttl = o->ip4 != NULL ? o->ip4->time_to_live : o->ip6->hop_limits;
	const struct lisp_eid *e = lisp_eid_lookup(network, family, inner_dst(inner, family));
	rte_pktmbuf_adj(m, (uint16_t)(inner - rte_pktmbuf_mtod(m, uint8_t *)));
	rte_pktmbuf_trim(m, rte_pktmbuf_pkt_len(m) - total);
	if (e == NULL) {
		nc->drops[DROP_LISP_NOT_LOCAL_EID]++;
		pkt_meta(m)->owner = network;
		if (family != AF_INET || !punt_to_control(m, &lisp_glean_punt))
			return DROP_LISP_NOT_LOCAL_EID;
		w->counters[port].drops[DROP_LISP_NOT_LOCAL_EID]++; /* control frees it */
		return DROP_NONE;
	}
	ttl_inward(inner, family, outer_ttl);
	offer_decap(w, port, network, o->src, e);
	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)rte_pktmbuf_prepend(m, sizeof(*eth));
	if (eth == NULL)
		return DROP_NO_MBUF;
	eth->dst_addr = e->mac;
	eth->src_addr = w->cfg->lisp.gw_mac;
	eth->ether_type = family == AF_INET ? RTE_BE16(RTE_ETHER_TYPE_IPV4)
					    : RTE_BE16(RTE_ETHER_TYPE_IPV6);
	worker_net_tx(w, network, m);
	port_output(w, e->port, e->vlan, m);
	return DROP_NONE;
}

static int lisp_data_stage(struct worker *w, uint16_t port, struct rte_mbuf *m,
		struct decap_outer *o, struct l2_meta *meta)
{
	meta->network = NFVA_NETWORK_NONE; /* consumed: never an L2 frame */
	return data_input(w, port, m, o);  /* a zero UDP checksum is accepted (RFC 9300 5.3) */
}

/* Control messages go to the control thread whole. */
static int lisp_control_stage(struct worker *w, uint16_t port, struct rte_mbuf *m,
		struct decap_outer *o, struct l2_meta *meta)
{
	(void)w;
	(void)port;
	meta->network = NFVA_NETWORK_NONE;
	if (o->udp_zero_csum6) /* plain UDP over IPv6: a checksum is mandatory */
		return DROP_UDP_CHECKSUM;
	return punt_to_control(m, &lisp_ctrl_punt) ? DROP_NONE : DROP_PUNT_FULL;
}

static bool lisp_active(const struct dp_config *cfg)
{
	return cfg->lisp.active;
}

static struct decap_stage lisp_data_decap = { .name = "lisp_data",
	.ip_proto = IPPROTO_UDP,
	.key = LISP_DATA_PORT,
	.ipv6 = true,
	.active = lisp_active,
	.input = lisp_data_stage };
static struct decap_stage lisp_control_decap = { .name = "lisp_control",
	.ip_proto = IPPROTO_UDP,
	.key = LISP_CTRL_PORT,
	.ipv6 = true,
	.active = lisp_active,
	.input = lisp_control_stage };
DECAP_STAGE(lisp_data_decap)
DECAP_STAGE(lisp_control_decap)
