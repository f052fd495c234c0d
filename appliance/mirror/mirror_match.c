/* SPDX-License-Identifier: BSD-3-Clause */
/* Evaluating a mirror filter on a frame: parse once, test each present term. */
#include <string.h>

#include <rte_ip.h>

#include "mirror/mirror_filter.h"

struct frame_view {
	const struct rte_ether_hdr *eth;
	bool has_vlan;
	uint16_t vlan;
	uint16_t ethertype;
	uint8_t family; /* 4, 6 or 0 */
	const uint8_t *src, *dst;
	bool has_proto;
	uint8_t proto;
	bool has_ports;
	uint16_t sport, dport;
};

static void view_l4(struct frame_view *v, const uint8_t *l4, uint32_t avail)
{
	if ((v->proto == 6 || v->proto == 17 || v->proto == 132) && avail >= 4) {
		v->has_ports = true;
		v->sport = (uint16_t)(l4[0] << 8 | l4[1]);
		v->dport = (uint16_t)(l4[2] << 8 | l4[3]);
	}
}

static void view_ip(struct frame_view *v, const uint8_t *l3, uint32_t avail)
{
	if (v->ethertype == RTE_ETHER_TYPE_IPV4 && avail >= sizeof(struct rte_ipv4_hdr)) {
		const struct rte_ipv4_hdr *ip = (const void *)l3;
		uint32_t hlen = rte_ipv4_hdr_len(ip);
		v->family = 4;
		v->src = (const uint8_t *)&ip->src_addr;
		v->dst = (const uint8_t *)&ip->dst_addr;
		v->has_proto = true;
		v->proto = ip->next_proto_id;
		if (hlen <= avail && !(ip->fragment_offset & RTE_BE16(RTE_IPV4_HDR_OFFSET_MASK)))
			view_l4(v, l3 + hlen, avail - hlen);
	} else if (v->ethertype == RTE_ETHER_TYPE_IPV6 && avail >= sizeof(struct rte_ipv6_hdr)) {
		const struct rte_ipv6_hdr *ip6 = (const void *)l3;
		v->family = 6;
		v->src = ip6->src_addr;
		v->dst = ip6->dst_addr;
		v->has_proto = true;
		v->proto = ip6->proto; /* extension headers are not walked */
		view_l4(v, l3 + sizeof(*ip6), avail - sizeof(*ip6));
	}
}

static bool frame_view(const struct rte_mbuf *m, struct frame_view *v)
{
	uint32_t len = rte_pktmbuf_data_len(m), off = sizeof(struct rte_ether_hdr);

	memset(v, 0, sizeof(*v));
	if (len < off)
		return false;
	v->eth = rte_pktmbuf_mtod(m, const struct rte_ether_hdr *);
	v->ethertype = rte_be_to_cpu_16(v->eth->ether_type);
	if (v->ethertype == RTE_ETHER_TYPE_VLAN && len >= off + sizeof(struct rte_vlan_hdr)) {
		const struct rte_vlan_hdr *vh = (const void *)(v->eth + 1);
		v->has_vlan = true;
		v->vlan = rte_be_to_cpu_16(vh->vlan_tci) & 0xfff;
		v->ethertype = rte_be_to_cpu_16(vh->eth_proto);
		off += sizeof(*vh);
	}
	view_ip(v, rte_pktmbuf_mtod_offset(m, const uint8_t *, off), len - off);
	return true;
}

static bool prefix_match(const struct ip_prefix *p, uint8_t family, const uint8_t *addr)
{
	if (addr == NULL || family != p->family)
		return false;
	unsigned full = p->len / 8, rest = p->len % 8;
	if (memcmp(addr, p->addr, full) != 0)
		return false;
	if (rest == 0)
		return true;
	uint8_t mask = (uint8_t)(0xff << (8 - rest));
	return (addr[full] & mask) == (p->addr[full] & mask);
}

static bool in_range(const struct port_range *r, uint16_t port)
{
	return port >= r->lo && port <= r->hi;
}

static bool l3_l4_match(const struct mirror_filter *f, const struct frame_view *v)
{
	if ((f->fields & MF_SRC_IP) && !prefix_match(&f->src, v->family, v->src))
		return false;
	if ((f->fields & MF_DST_IP) && !prefix_match(&f->dst, v->family, v->dst))
		return false;
	if ((f->fields & MF_HOST_IP) && !prefix_match(&f->host, v->family, v->src) &&
			!prefix_match(&f->host, v->family, v->dst))
		return false;
	if ((f->fields & MF_PROTO) && (!v->has_proto || v->proto != f->proto))
		return false;
	bool ports = f->fields & (MF_SPORT | MF_DPORT | MF_PORT);
	if (ports && !v->has_ports)
		return false;
	if ((f->fields & MF_SPORT) && !in_range(&f->sport, v->sport))
		return false;
	if ((f->fields & MF_DPORT) && !in_range(&f->dport, v->dport))
		return false;
	if ((f->fields & MF_PORT) && !in_range(&f->port, v->sport) && !in_range(&f->port, v->dport))
		return false;
	return true;
}

bool mirror_filter_match(const struct mirror_filter *f, const struct rte_mbuf *m)
{
	struct frame_view v;

	if (f->fields == 0)
		return true;
	if (!frame_view(m, &v))
		return false;
	if ((f->fields & MF_SRC_MAC) && !rte_is_same_ether_addr(&v.eth->src_addr, &f->src_mac))
		return false;
	if ((f->fields & MF_DST_MAC) && !rte_is_same_ether_addr(&v.eth->dst_addr, &f->dst_mac))
		return false;
	if ((f->fields & MF_VLAN) && (!v.has_vlan || v.vlan != f->vlan))
		return false;
	if ((f->fields & MF_ETHERTYPE) && v.ethertype != f->ethertype)
		return false;
	return l3_l4_match(f, &v);
}
