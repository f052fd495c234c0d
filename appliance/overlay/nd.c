/* SPDX-License-Identifier: BSD-3-Clause */
/* Neighbour Discovery message validation and parsing (see nd.h). */
#include <errno.h>
#include <string.h>

#include "core/ip_addr.h"
#include "overlay/nd.h"

bool nd_is_solicited_node_of(const uint8_t dst[16], const uint8_t addr[16])
{
	uint8_t sn[16];
	ipv6_solicited_node(addr, sn);
	return memcmp(dst, sn, 16) == 0;
}

void ipv6_multicast_mac(const uint8_t group[16], struct rte_ether_addr *mac)
{
	*mac = (struct rte_ether_addr){ .addr_bytes = { 0x33, 0x33, group[12], group[13], group[14],
							group[15] } };
}

/* Options after the fixed part: each of non-zero length within the message;
 * the link-layer address option of the message's kind is kept. */
static int nd_options(const uint8_t *opt, uint32_t len, uint8_t want, struct nd_msg *msg)
{
	while (len > 0) {
		if (len < 2 || opt[1] == 0 || (uint32_t)opt[1] * 8 > len)
			return -EINVAL;
		uint32_t olen = (uint32_t)opt[1] * 8;
		if (opt[0] == want && olen >= 2 + RTE_ETHER_ADDR_LEN) {
			msg->has_lladdr = true;
			memcpy(&msg->lladdr, opt + 2, RTE_ETHER_ADDR_LEN);
		}
		opt += olen;
		len -= olen;
	}
	return 0;
}

int nd_parse(const struct rte_ipv6_hdr *ip, const uint8_t *icmp, uint32_t len, struct nd_msg *msg)
{
	memset(msg, 0, sizeof(*msg));
	if (len < ND_MSG_LEN || rte_be_to_cpu_16(ip->payload_len) != len)
		return -EINVAL;
	if (ip->hop_limits != ND_HOP_LIMIT || icmp[1] != 0)
		return -EINVAL;
	if (icmp[0] != ND_NEIGHBOR_SOLICIT && icmp[0] != ND_NEIGHBOR_ADVERT)
		return -EINVAL;
	if (rte_ipv6_udptcp_cksum_verify(ip, icmp) != 0)
		return -EINVAL;
	msg->type = icmp[0];
	msg->flags = icmp[4];
	memcpy(msg->target, icmp + 8, 16);
	if (ipv6_is_multicast(msg->target))
		return -EINVAL;
	uint8_t want = msg->type == ND_NEIGHBOR_SOLICIT ? ND_OPT_SOURCE_LLADDR
							: ND_OPT_TARGET_LLADDR;
	if (nd_options(icmp + ND_MSG_LEN, len - ND_MSG_LEN, want, msg) < 0)
		return -EINVAL;
	if (msg->type == ND_NEIGHBOR_SOLICIT && ipv6_is_unspecified(ip->src_addr) &&
			(msg->has_lladdr || !nd_is_solicited_node_of(ip->dst_addr, msg->target)))
		return -EINVAL;
	if (msg->type == ND_NEIGHBOR_ADVERT && ipv6_is_multicast(ip->dst_addr) &&
			(msg->flags & ND_NA_FLAG_SOLICITED))
		return -EINVAL;
	return 0;
}
