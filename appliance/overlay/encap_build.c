/* SPDX-License-Identifier: BSD-3-Clause */
/* Outer Ethernet + IPv4 or IPv6 of a template; the tunnel header comes from
 * its ops. */
#include <string.h>

#include <rte_ip.h>

#include "overlay/encap_build.h"
#include "overlay/nd.h"
#include "overlay/neigh.h"
#include "overlay/underlay.h"
#include "overlay/underlay_tx.h"
#include "overlay/vtep_id.h"

#define OUTER_TTL 64
#define OUTER_TTL_MULTICAST 1 /* as Linux vxlan does for a group */

/* Outer destination MAC: mapped for a group, the next hop's otherwise. */
static void encap_resolve(struct encap_template *t, struct rte_ether_hdr *eth,
		const struct nfva_ip *dst, bool multicast)
{
	if (multicast) {
		if (t->ipv6)
			ipv6_multicast_mac(dst->addr, &eth->dst_addr);
		else
			ipv4_multicast_mac(nfva_ip_get_v4(dst), &eth->dst_addr);
		t->resolved = true;
		return;
	}
	if (!underlay_nexthop_ip(dst, &t->nexthop)) {
		memset(&t->nexthop, 0, sizeof(t->nexthop));
		return;
	}
	t->resolved = neigh_mac_ip(&t->nexthop, &eth->dst_addr);
}

static void write_ipv4(struct rte_ipv4_hdr *iph, const struct network_overlay *ov, uint8_t proto,
		uint32_t dst, bool multicast)
{
	iph->version_ihl = RTE_IPV4_VHL_DEF;
	iph->fragment_offset = ov->df ? RTE_BE16(RTE_IPV4_HDR_DF_FLAG) : 0;
	iph->time_to_live = multicast ? OUTER_TTL_MULTICAST : OUTER_TTL;
	iph->next_proto_id = proto;
	iph->src_addr = underlay_get()->ip;
	iph->dst_addr = dst;
	/* total_length and the checksum are filled per packet. */
}

/* IPv6 never fragments on the way: df does not apply. */
static void write_ipv6(struct rte_ipv6_hdr *iph, uint8_t proto, const uint8_t dst[16],
		bool multicast)
{
	iph->vtc_flow = RTE_BE32(6u << 28); /* the flow label is filled per packet */
	iph->proto = proto;
	iph->hop_limits = multicast ? OUTER_TTL_MULTICAST : OUTER_TTL;
	memcpy(iph->src_addr, underlay_get()->ip6, 16);
	memcpy(iph->dst_addr, dst, 16);
	/* payload_len is filled per packet. */
}

int encap_build(struct encap_template *t, const struct network_overlay *ov, uint32_t owner,
		uint32_t id)
{
	const struct tunnel_ops *ops = tunnel_ops_get(ov->encap);
	bool multicast = ov->group != 0 && id == ov->group;
	struct nfva_ip dst;

	if (ops == NULL)
		return -ENOTSUP;
	if (!vtep_id_to_ip(id, &dst))
		return -ENOENT;
	memset(t, 0, sizeof(*t));
	t->ipv6 = nfva_ip_is_v6(&dst);
	if (t->ipv6 && !underlay_get()->has_ip6)
		return -ENETUNREACH;
	size_t l3_len = t->ipv6 ? sizeof(struct rte_ipv6_hdr) : sizeof(struct rte_ipv4_hdr);
	t->owner = owner;
	t->encap = ov->encap;
	t->vtep_ip = id;
	/* IPv6 needs the UDP checksum (RFC 8200) unless the peers agree on zero
	 * (RFC 6935, Linux udp6zerocsumtx/rx). */
	t->udp_csum = t->ipv6 ? !ov->udp6_zero_csum : ov->udp_csum;
	t->len = (uint8_t)(sizeof(struct rte_ether_hdr) + l3_len + ops->hdr_len);

	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)t->hdr;
	underlay_mac(&eth->src_addr);
	eth->ether_type = t->ipv6 ? RTE_BE16(RTE_ETHER_TYPE_IPV6) : RTE_BE16(RTE_ETHER_TYPE_IPV4);
	encap_resolve(t, eth, &dst, multicast);
	if (t->ipv6)
		write_ipv6((struct rte_ipv6_hdr *)(eth + 1), ops->ip_proto, dst.addr, multicast);
	else
		write_ipv4((struct rte_ipv4_hdr *)(eth + 1), ov, ops->ip_proto, id, multicast);
	ops->write((uint8_t *)(eth + 1) + l3_len, ov);
	return 0;
}
