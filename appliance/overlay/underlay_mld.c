/* SPDX-License-Identifier: BSD-3-Clause */
/* Building MLDv2 reports (RFC 3810 5.2) for the IPv6 groups of overlay
 * networks: from the uplink's link-local address, to ff02::16, hop limit 1,
 * with the Router Alert option (RFC 2711) a hop-by-hop header carries. */
#include <string.h>

#include <rte_ip.h>

#include "core/punt.h"
#include "overlay/nd.h"
#include "overlay/underlay.h"
#include "overlay/underlay_tx.h"

#define MLD2_REPORT 143
#define MLD2_CHANGE_TO_EXCLUDE 4 /* "join": exclude mode, no sources */
#define HBH_LEN 8                /* next header, length, Router Alert, PadN */
#define MLD2_LEN (8 + 20)        /* header, one record without sources */

/* fe80:: + the modified EUI-64 of mac (RFC 4291 appendix A). */
static void link_local_of(const struct rte_ether_addr *mac, uint8_t out[16])
{
	const uint8_t *b = mac->addr_bytes;
	uint8_t iid[8] = { b[0] ^ 0x02, b[1], b[2], 0xff, 0xfe, b[3], b[4], b[5] };

	memset(out, 0, 16);
	out[0] = 0xfe;
	out[1] = 0x80;
	memcpy(out + 8, iid, sizeof(iid));
}

static void write_hop_by_hop(uint8_t *hbh)
{
	hbh[0] = IPPROTO_ICMPV6;
	hbh[1] = 0;    /* 8 bytes */
	hbh[2] = 0x05; /* Router Alert */
	hbh[3] = 2;
	hbh[4] = hbh[5] = 0; /* value 0: MLD */
	hbh[6] = 0x01;       /* PadN */
	hbh[7] = 0;
}

static void write_report(uint8_t *mld, const uint8_t group[16])
{
	mld[0] = MLD2_REPORT;
	mld[7] = 1; /* one record */
	mld[8] = MLD2_CHANGE_TO_EXCLUDE;
	memcpy(mld + 12, group, 16);
}

int underlay_send_mld_report(const uint8_t group[16])
{
	static const uint8_t all_mld_routers[16] = { 0xff, 0x02, [15] = 0x16 };
	const struct underlay *u = underlay_get();
	struct rte_ether_addr dst_mac, src_mac;
	uint8_t *p;

	if (!u->active || !u->has_ip6 || !underlay_mac(&src_mac))
		return -ENETDOWN;
	ipv6_multicast_mac(all_mld_routers, &dst_mac);
	struct rte_mbuf *m = uplink_frame(&dst_mac, RTE_ETHER_TYPE_IPV6,
			sizeof(struct rte_ipv6_hdr) + HBH_LEN + MLD2_LEN, (void **)&p);
	if (m == NULL)
		return -ENOBUFS;
	struct rte_ipv6_hdr *ip = (struct rte_ipv6_hdr *)p;
	uint8_t *mld = p + sizeof(*ip) + HBH_LEN;
	ip->vtc_flow = rte_cpu_to_be_32(6u << 28);
	ip->payload_len = rte_cpu_to_be_16(HBH_LEN + MLD2_LEN);
	ip->proto = 0; /* hop-by-hop options */
	ip->hop_limits = 1;
	link_local_of(&src_mac, ip->src_addr);
	memcpy(ip->dst_addr, all_mld_routers, 16);
	write_hop_by_hop(p + sizeof(*ip));
	write_report(mld, group);
	/* The checksum's pseudo-header names ICMPv6 and its own length. */
	struct rte_ipv6_hdr pseudo = *ip;
	pseudo.proto = IPPROTO_ICMPV6;
	pseudo.payload_len = rte_cpu_to_be_16(MLD2_LEN);
	uint16_t ck = rte_ipv6_udptcp_cksum(&pseudo, mld);
	memcpy(mld + 2, &ck, 2);
	return ctrl_send(m, u->port) ? 0 : -ENOBUFS;
}
