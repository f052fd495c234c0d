/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Pattern validation and compilation for the emulated e-switch: rte_flow
 * items become (key, mask) over struct emu_key, with the masks rte_flow
 * defines (NULL mask: the item's default mask; NULL spec: any such header).
 * Items must stack as on the wire:
 *
 *   [ETH [VLAN]] IPV4|IPV6 (UDP [VXLAN ETH | RAW] | GRE [GRE_KEY] [ETH])   or  ETH [VLAN]
 *
 * with REPRESENTED_PORT and VOID anywhere. RAW (DPDK 22.11 has no LISP item)
 * matches bytes of the UDP payload at a fixed offset: relative 1, search 0,
 * limit 0, offset + length <= 28, and mask bits only on payload bytes 0-7
 * and 20-27 (LISP: its header, the inner IPv4 source and destination); its
 * UDP item must give an exact destination port. The mask's own relative,
 * search, offset, limit and length fields are ignored. Each item also sets its presence
 * bit, so "ETH / VLAN" only matches tagged frames; "ETH / IPV4" without a
 * VLAN item (or has_vlan) matches untagged frames only, as rte_flow.h
 * documents. IPV6 matches the source, destination and next header (proto)
 * of the fixed header. A mask on a field that is not in the key is refused.
 */
#include <stdio.h>
#include <string.h>

#include <rte_errno.h>
#include <rte_flow.h>

#include "offload/emu/emu_switch_private.h"

enum layer {
	L_START,
	L_ETH,
	L_VLAN,
	L_IPV4,
	L_IPV6,
	L_UDP,
	L_VXLAN,
	L_GRE,
	L_GRE_KEY,
	L_INNER,
	L_RAW,
	L_PORT, /* REPRESENTED_PORT: meta, keeps the current layer */
	L_MAX,  /* misplaced */
};

struct item_ctx {
	struct emu_match *m;
	enum layer layer;
	bool port_seen;
};

typedef int (*item_compile_fn)(struct item_ctx *c, const struct rte_flow_item *it, const void *spec,
		const void *mask, struct rte_flow_error *error);

struct item_desc {
	size_t size;
	const void *default_mask;
	const void *supported; /* mask bits the key can match; NULL: compile checks */
	item_compile_fn compile;
};

#define FULL16 RTE_BE16(0xffff)
#define FULL32 RTE_BE32(0xffffffff)
#define FULL_MAC                                                                                   \
	{                                                                                          \
		.addr_bytes = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }                               \
	}

static const struct rte_flow_item_eth eth_outer_supported = {
	.hdr = { .dst_addr = FULL_MAC, .src_addr = FULL_MAC, .ether_type = FULL16 },
	.has_vlan = 1,
};
static const struct rte_flow_item_eth eth_inner_supported = {
	.hdr = { .dst_addr = FULL_MAC, .src_addr = FULL_MAC, .ether_type = FULL16 },
};
static const struct rte_flow_item_vlan vlan_supported = {
	.hdr = { .vlan_tci = FULL16, .eth_proto = FULL16 },
};
static const struct rte_flow_item_ipv4 ipv4_supported = {
	.hdr = { .src_addr = FULL32, .dst_addr = FULL32, .next_proto_id = 0xff },
};
static const struct rte_flow_item_ipv6 ipv6_supported = {
	.hdr = { .src_addr = { [0 ... 15] = 0xff },
			.dst_addr = { [0 ... 15] = 0xff },
			.proto = 0xff },
};
static const struct rte_flow_item_udp udp_supported = {
	.hdr = { .src_port = FULL16, .dst_port = FULL16 },
};
static const struct rte_flow_item_vxlan vxlan_supported = {
	.hdr.vx_vni = RTE_BE32(0xffffff00),
};
static const struct rte_flow_item_gre gre_supported = {
	.c_rsvd0_ver = FULL16,
	.protocol = FULL16,
};
static const rte_be32_t gre_key_full = FULL32; /* 22.11 defines no default mask */
static const struct rte_flow_item_ethdev port_supported = { .port_id = 0xffff };

/* The key field gets spec & mask; the mask field accumulates the mask. */
static void match_bytes(void *key, void *kmask, const void *spec, const void *mask, size_t n)
{
	uint8_t *k = key, *km = kmask;
	const uint8_t *s = spec, *ms = mask;

	for (size_t i = 0; i < n; i++) {
		km[i] |= ms[i];
		k[i] |= s[i] & ms[i];
	}
}

#define MATCH(c, kfield, spec_field, mask_field)                                                   \
	do {                                                                                       \
		RTE_BUILD_BUG_ON(sizeof((c)->m->key.kfield) != sizeof(spec_field));                \
		match_bytes(&(c)->m->key.kfield, &(c)->m->mask.kfield, &(spec_field),              \
				&(mask_field), sizeof(spec_field));                                \
	} while (0)

/* The frame must (or must not) have the header behind presence bit flag. */
static int need(struct item_ctx *c, uint16_t flag, bool present, const struct rte_flow_item *it,
		struct rte_flow_error *error)
{
	struct emu_match *m = c->m;
	uint16_t want = present ? flag : 0;

	if ((m->mask.flags & flag) != 0 && (m->key.flags & flag) != want)
		return rte_flow_error_set(error, EINVAL, RTE_FLOW_ERROR_TYPE_ITEM, it,
				"item contradicts an earlier one (has_vlan)");
	m->mask.flags |= flag;
	m->key.flags |= want;
	return 0;
}

static int eth_outer(struct item_ctx *c, const struct rte_flow_item *it, const void *spec,
		const void *mask, struct rte_flow_error *error)
{
	const struct rte_flow_item_eth *s = spec, *k = mask;

	if (s == NULL)
		return 0;
	MATCH(c, o_dst, s->hdr.dst_addr, k->hdr.dst_addr);
	MATCH(c, o_src, s->hdr.src_addr, k->hdr.src_addr);
	MATCH(c, o_type, s->hdr.ether_type, k->hdr.ether_type);
	return k->has_vlan ? need(c, EMU_F_VLAN, s->has_vlan, it, error) : 0;
}

static int eth_inner(struct item_ctx *c, const struct rte_flow_item *it, const void *spec,
		const void *mask, struct rte_flow_error *error)
{
	const struct rte_flow_item_eth *s = spec, *k = mask;

	if (need(c, EMU_F_INNER, true, it, error) < 0)
		return -rte_errno;
	if (s == NULL)
		return 0;
	MATCH(c, i_dst, s->hdr.dst_addr, k->hdr.dst_addr);
	MATCH(c, i_src, s->hdr.src_addr, k->hdr.src_addr);
	MATCH(c, i_type, s->hdr.ether_type, k->hdr.ether_type);
	return 0;
}

static int vlan(struct item_ctx *c, const struct rte_flow_item *it, const void *spec,
		const void *mask, struct rte_flow_error *error)
{
	const struct rte_flow_item_vlan *s = spec, *k = mask;

	if (need(c, EMU_F_VLAN, true, it, error) < 0)
		return -rte_errno;
	if (s == NULL)
		return 0;
	MATCH(c, vlan_tci, s->hdr.vlan_tci, k->hdr.vlan_tci);
	MATCH(c, vlan_type, s->hdr.eth_proto, k->hdr.eth_proto);
	return 0;
}

static int ipv4(struct item_ctx *c, const struct rte_flow_item *it, const void *spec,
		const void *mask, struct rte_flow_error *error)
{
	const struct rte_flow_item_ipv4 *s = spec, *k = mask;

	/* "ETH / IPV4" is untagged IPv4 unless has_vlan says otherwise. */
	if (c->layer == L_ETH && (c->m->mask.flags & EMU_F_VLAN) == 0 &&
			need(c, EMU_F_VLAN, false, it, error) < 0)
		return -rte_errno;
	if (need(c, EMU_F_IPV4, true, it, error) < 0)
		return -rte_errno;
	if (s == NULL)
		return 0;
	MATCH(c, ip_src, s->hdr.src_addr, k->hdr.src_addr);
	MATCH(c, ip_dst, s->hdr.dst_addr, k->hdr.dst_addr);
	MATCH(c, ip_proto, s->hdr.next_proto_id, k->hdr.next_proto_id);
	return 0;
}

static int ipv6(struct item_ctx *c, const struct rte_flow_item *it, const void *spec,
		const void *mask, struct rte_flow_error *error)
{
	const struct rte_flow_item_ipv6 *s = spec, *k = mask;

	if (c->layer == L_ETH && (c->m->mask.flags & EMU_F_VLAN) == 0 &&
			need(c, EMU_F_VLAN, false, it, error) < 0)
		return -rte_errno;
	if (need(c, EMU_F_IPV6, true, it, error) < 0)
		return -rte_errno;
	if (s == NULL)
		return 0;
	MATCH(c, ip6_src, s->hdr.src_addr, k->hdr.src_addr);
	MATCH(c, ip6_dst, s->hdr.dst_addr, k->hdr.dst_addr);
	MATCH(c, ip_proto, s->hdr.proto, k->hdr.proto);
	return 0;
}

static int udp(struct item_ctx *c, const struct rte_flow_item *it, const void *spec,
		const void *mask, struct rte_flow_error *error)
{
	const struct rte_flow_item_udp *s = spec, *k = mask;

	if (need(c, EMU_F_UDP, true, it, error) < 0)
		return -rte_errno;
	if (s == NULL)
		return 0;
	MATCH(c, l4_src, s->hdr.src_port, k->hdr.src_port);
	MATCH(c, l4_dst, s->hdr.dst_port, k->hdr.dst_port);
	return 0;
}

/* The UDP destination port says which frames are VXLAN: the UDP item's, or
 * 4789 when it leaves the port open (as NICs do). */
static int vxlan(struct item_ctx *c, const struct rte_flow_item *it, const void *spec,
		const void *mask, struct rte_flow_error *error)
{
	const struct rte_flow_item_vxlan *s = spec, *k = mask;
	struct emu_match *m = c->m;

	if (need(c, EMU_F_VXLAN, true, it, error) < 0)
		return -rte_errno;
	if (m->mask.l4_dst == 0) {
		m->mask.l4_dst = FULL16;
		m->key.l4_dst = RTE_BE16(EMU_VXLAN_PORT);
	} else if (m->mask.l4_dst != FULL16) {
		return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ITEM, it,
				"VXLAN after a partly masked UDP destination port");
	}
	m->vxlan_port = rte_be_to_cpu_16(m->key.l4_dst);
	if (m->vxlan_port == 0)
		return rte_flow_error_set(error, EINVAL, RTE_FLOW_ERROR_TYPE_ITEM, it,
				"VXLAN on UDP port 0");
	if (s != NULL)
		MATCH(c, tun_id, s->hdr.vx_vni, k->hdr.vx_vni);
	return 0;
}

static int gre(struct item_ctx *c, const struct rte_flow_item *it, const void *spec,
		const void *mask, struct rte_flow_error *error)
{
	const struct rte_flow_item_gre *s = spec, *k = mask;

	if (need(c, EMU_F_GRE, true, it, error) < 0)
		return -rte_errno;
	if (s == NULL)
		return 0;
	MATCH(c, gre_flags, s->c_rsvd0_ver, k->c_rsvd0_ver);
	MATCH(c, gre_proto, s->protocol, k->protocol);
	return 0;
}

/* A GRE_KEY item also means "the K bit is set". */
static int gre_key(struct item_ctx *c, const struct rte_flow_item *it, const void *spec,
		const void *mask, struct rte_flow_error *error)
{
	const rte_be32_t *s = spec, *k = mask;
	struct emu_match *m = c->m;

	if ((m->mask.gre_flags & EMU_GRE_K) != 0 && (m->key.gre_flags & EMU_GRE_K) == 0)
		return rte_flow_error_set(error, EINVAL, RTE_FLOW_ERROR_TYPE_ITEM, it,
				"GRE_KEY after a GRE item with the K bit clear");
	m->mask.gre_flags |= EMU_GRE_K;
	m->key.gre_flags |= EMU_GRE_K;
	if (s != NULL)
		MATCH(c, tun_id, *s, *k);
	return 0;
}

static int raw_spec_check(const struct rte_flow_item *it, const struct rte_flow_item_raw *s,
		struct rte_flow_error *error)
{
	if (s == NULL)
		return rte_flow_error_set(error, EINVAL, RTE_FLOW_ERROR_TYPE_ITEM, it,
				"RAW needs a spec");
	if (!s->relative || s->search || s->limit != 0)
		return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ITEM_SPEC, s,
				"RAW: relative 1, search 0 and limit 0 only (bytes at a fixed "
				"offset after UDP)");
	if (s->pattern == NULL || s->length == 0 || s->offset < 0 ||
			(int64_t)s->offset + s->length > EMU_PAYLOAD_LEN)
		return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ITEM_SPEC, s,
				"RAW: a pattern of 1 to 28 bytes within the first 28 bytes of "
				"the UDP payload");
	return 0;
}

/* Payload byte `at` in emu_key.payload, or -1 when the key does not have it. */
static int payload_index(unsigned at)
{
	if (at < EMU_PAYLOAD_HEAD)
		return (int)at;
	if (at >= EMU_PAYLOAD_TAIL && at < EMU_PAYLOAD_TAIL + EMU_PAYLOAD_HEAD)
		return (int)(at - EMU_PAYLOAD_TAIL + EMU_PAYLOAD_HEAD);
	return -1;
}

/* The UDP destination port says which frames have their payload in the
 * key. A NULL mask pattern matches every byte of the spec's. */
static int raw(struct item_ctx *c, const struct rte_flow_item *it, const void *spec,
		const void *mask, struct rte_flow_error *error)
{
	const struct rte_flow_item_raw *s = spec, *k = mask;
	struct emu_match *m = c->m;

	if (raw_spec_check(it, s, error) < 0)
		return -rte_errno;
	if (m->mask.l4_dst != FULL16 || m->key.l4_dst == 0)
		return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ITEM, it,
				"RAW must follow a UDP item with an exact destination port");
	for (unsigned j = 0; j < s->length; j++) {
		uint8_t bits = k->pattern != NULL ? k->pattern[j] : 0xff;
		int i = payload_index((unsigned)s->offset + j);
		if (bits == 0)
			continue;
		if (i < 0)
			return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ITEM_MASK, k,
					"RAW: the emulated e-switch extracts UDP payload bytes "
					"0-7 and 20-27 only");
		m->mask.payload[i] |= bits;
		m->key.payload[i] |= s->pattern[j] & bits;
	}
	m->payload_port = rte_be_to_cpu_16(m->key.l4_dst);
	return need(c, EMU_F_PAYLOAD, true, it, error);
}

static int port(struct item_ctx *c, const struct rte_flow_item *it, const void *spec,
		const void *mask, struct rte_flow_error *error)
{
	const struct rte_flow_item_ethdev *s = spec, *k = mask;

	if (c->port_seen)
		return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ITEM, it,
				"more than one REPRESENTED_PORT item");
	c->port_seen = true;
	if (s == NULL)
		return 0;
	MATCH(c, in_port, s->port_id, k->port_id);
	if (k->port_id == 0xffff)
		c->m->in_port = s->port_id;
	return 0;
}

#define DESC(type, def, supp, fn)                                                                  \
	{                                                                                          \
		sizeof(type), def, supp, fn                                                        \
	}
static const struct item_desc descs[L_MAX] = {
	[L_ETH] = DESC(struct rte_flow_item_eth, &rte_flow_item_eth_mask, &eth_outer_supported,
			eth_outer),
	[L_VLAN] = DESC(struct rte_flow_item_vlan, &rte_flow_item_vlan_mask, &vlan_supported, vlan),
	[L_IPV4] = DESC(struct rte_flow_item_ipv4, &rte_flow_item_ipv4_mask, &ipv4_supported, ipv4),
	[L_IPV6] = DESC(struct rte_flow_item_ipv6, &rte_flow_item_ipv6_mask, &ipv6_supported, ipv6),
	[L_UDP] = DESC(struct rte_flow_item_udp, &rte_flow_item_udp_mask, &udp_supported, udp),
	[L_VXLAN] = DESC(struct rte_flow_item_vxlan, &rte_flow_item_vxlan_mask, &vxlan_supported,
			vxlan),
	[L_GRE] = DESC(struct rte_flow_item_gre, &rte_flow_item_gre_mask, &gre_supported, gre),
	[L_GRE_KEY] = DESC(rte_be32_t, &gre_key_full, &gre_key_full, gre_key),
	[L_INNER] = DESC(struct rte_flow_item_eth, &rte_flow_item_eth_mask, &eth_inner_supported,
			eth_inner),
	[L_RAW] = DESC(struct rte_flow_item_raw, &rte_flow_item_raw_mask, NULL, raw),
	[L_PORT] = DESC(struct rte_flow_item_ethdev, &rte_flow_item_ethdev_mask, &port_supported,
			port),
};

/* The layer an item describes after cur; L_MAX when it cannot stack there,
 * L_START for a type the switch does not know at all. */
static enum layer next_layer(enum layer cur, enum rte_flow_item_type type)
{
	bool tunnel = cur == L_VXLAN || cur == L_GRE || cur == L_GRE_KEY;
	bool ip = cur == L_IPV4 || cur == L_IPV6;
	bool l2 = cur == L_START || cur == L_ETH || cur == L_VLAN;

	switch (type) {
	case RTE_FLOW_ITEM_TYPE_REPRESENTED_PORT:
		return L_PORT;
	case RTE_FLOW_ITEM_TYPE_ETH:
		return cur == L_START ? L_ETH : tunnel ? L_INNER : L_MAX;
	case RTE_FLOW_ITEM_TYPE_VLAN:
		return cur == L_ETH ? L_VLAN : L_MAX;
	case RTE_FLOW_ITEM_TYPE_IPV4:
		return l2 ? L_IPV4 : L_MAX;
	case RTE_FLOW_ITEM_TYPE_IPV6:
		return l2 ? L_IPV6 : L_MAX;
	case RTE_FLOW_ITEM_TYPE_UDP:
		return ip ? L_UDP : L_MAX;
	case RTE_FLOW_ITEM_TYPE_VXLAN:
		return cur == L_UDP ? L_VXLAN : L_MAX;
	case RTE_FLOW_ITEM_TYPE_GRE:
		return ip ? L_GRE : L_MAX;
	case RTE_FLOW_ITEM_TYPE_GRE_KEY:
		return cur == L_GRE ? L_GRE_KEY : L_MAX;
	case RTE_FLOW_ITEM_TYPE_RAW:
		return cur == L_UDP ? L_RAW : L_MAX;
	default:
		return L_START;
	}
}

/* Mask bits outside the supported ones, padding excepted (ETH has two bytes
 * of it between the header and the has_vlan word). */
static bool mask_unsupported(const void *mask, const void *supported, size_t size, bool eth)
{
	const uint8_t *m = mask, *s = supported;
	size_t hole = eth ? sizeof(struct rte_ether_hdr) : size;
	size_t hole_end = eth ? sizeof(struct rte_flow_item_eth) - sizeof(uint32_t) : size;

	for (size_t i = 0; i < size; i++)
		if ((i < hole || i >= hole_end) && (m[i] & ~s[i]) != 0)
			return true;
	return false;
}

static const char *unsupported_item(enum rte_flow_item_type type)
{
	static __thread char msg[96];
	const char *name = NULL;

	if (rte_flow_conv(RTE_FLOW_CONV_OP_ITEM_NAME_PTR, &name, sizeof(name),
			    (void *)(uintptr_t)type, NULL) < 0 ||
			name == NULL)
		name = "of this type";
	snprintf(msg, sizeof(msg), "item %s is not supported by the emulated e-switch", name);
	return msg;
}

static int item_compile(struct item_ctx *c, const struct rte_flow_item *it,
		struct rte_flow_error *error)
{
	enum layer next = next_layer(c->layer, it->type);

	if (next == L_START)
		return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ITEM, it,
				unsupported_item(it->type));
	if (next == L_MAX)
		return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ITEM, it,
				"item out of place: the emulated e-switch takes [ETH [VLAN]] "
				"IPV4|IPV6 (UDP [VXLAN ETH | RAW] | GRE [GRE_KEY] [ETH])");
	if (it->last != NULL)
		return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ITEM_LAST, it->last,
				"ranges (item last) are not supported");
	const struct item_desc *d = &descs[next];
	const void *mask = it->mask != NULL ? it->mask : d->default_mask;
	bool eth = next == L_ETH || next == L_INNER;
	/* RAW (no supported mask) checks its own pattern mask */
	if (it->spec != NULL && d->supported != NULL &&
			mask_unsupported(mask, d->supported, d->size, eth))
		return rte_flow_error_set(error, ENOTSUP, RTE_FLOW_ERROR_TYPE_ITEM_MASK, mask,
				"mask on a field the emulated e-switch cannot match");
	int ret = d->compile(c, it, it->spec, mask, error);
	if (ret == 0 && next != L_PORT)
		c->layer = next;
	return ret;
}

int emu_items_compile(const struct rte_flow_item pattern[], struct emu_match *m,
		struct rte_flow_error *error)
{
	struct item_ctx c = { .m = m, .layer = L_START };

	memset(m, 0, sizeof(*m));
	m->in_port = -1;
	if (pattern == NULL)
		return rte_flow_error_set(error, EINVAL, RTE_FLOW_ERROR_TYPE_ITEM_NUM, NULL,
				"NULL pattern");
	for (const struct rte_flow_item *it = pattern; it->type != RTE_FLOW_ITEM_TYPE_END; it++) {
		if (it->type == RTE_FLOW_ITEM_TYPE_VOID)
			continue;
		int ret = item_compile(&c, it, error);
		if (ret < 0)
			return ret;
	}
	return 0;
}
