/* SPDX-License-Identifier: BSD-3-Clause */
/* Outer Ethernet + IPv4 of a template; the tunnel header comes from its ops. */
#include <string.h>

#include <rte_ip.h>

#include "overlay/encap_build.h"
#include "overlay/neigh.h"
#include "overlay/underlay.h"
#include "overlay/underlay_tx.h"

#define OUTER_TTL 64
#define OUTER_TTL_MULTICAST 1 /* as Linux vxlan does for a group */

/* Outer destination MAC: mapped for a group, the next hop's otherwise. */
static void encap_resolve(struct encap_template *t, struct rte_ether_hdr *eth, bool multicast)
{
	if (multicast) {
		ipv4_multicast_mac(t->vtep_ip, &eth->dst_addr);
		t->resolved = true;
		return;
	}
	t->nexthop_ip = underlay_nexthop(t->vtep_ip);
	t->resolved = t->nexthop_ip != 0 && neigh_mac(t->nexthop_ip, &eth->dst_addr);
}

int encap_build(struct encap_template *t, const struct network_overlay *ov, uint32_t owner,
		uint32_t ip)
{
	const struct tunnel_ops *ops = tunnel_ops_get(ov->encap);
	const struct underlay *u = underlay_get();
	bool multicast = ov->group != 0 && ip == ov->group;

	if (ops == NULL)
		return -ENOTSUP;
	memset(t, 0, sizeof(*t));
	t->owner = owner;
	t->encap = ov->encap;
	t->vtep_ip = ip;
	t->udp_csum = ov->udp_csum;
	t->len = sizeof(struct rte_ether_hdr) + sizeof(struct rte_ipv4_hdr) + ops->hdr_len;

	struct rte_ether_hdr *eth = (struct rte_ether_hdr *)t->hdr;
	underlay_mac(&eth->src_addr);
	eth->ether_type = RTE_BE16(RTE_ETHER_TYPE_IPV4);
	encap_resolve(t, eth, multicast);

	struct rte_ipv4_hdr *iph = (struct rte_ipv4_hdr *)(eth + 1);
	iph->version_ihl = RTE_IPV4_VHL_DEF;
	iph->fragment_offset = ov->df ? RTE_BE16(RTE_IPV4_HDR_DF_FLAG) : 0;
	iph->time_to_live = multicast ? OUTER_TTL_MULTICAST : OUTER_TTL;
	iph->next_proto_id = ops->ip_proto;
	iph->src_addr = u->ip;
	iph->dst_addr = ip;
	/* total_length and the checksum are filled per packet. */
	ops->write((uint8_t *)(iph + 1), ov);
	return 0;
}
