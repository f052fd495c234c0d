/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Pattern items as testpmd 22.11 items. One table says, per item, which
 * testpmd token names which bytes; the pattern printer here and the
 * header-bytes printer (testpmd_raw.c) both read it. RAW, whose pattern is
 * not in the item, has its own printer: "raw relative is R search is S
 * offset is O limit is L pattern_hex is HEX", or "pattern_hex spec HEX
 * pattern_hex mask HEX" when the mask is not all ones (testpmd 22.11 takes
 * no negative offset). Search, offset and limit are printed only when not
 * 0, testpmd's value for a field a line does not name: a LISP decap rule
 * over IPv6 would not fit testpmd's line otherwise. The RAW mask's own
 * relative, search, offset, limit and length are not printed: PMDs ignore
 * them, and "is" sets them anyway.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "offload/testpmd/testpmd_dump.h"
#include "offload/testpmd/testpmd_item_table.h"

#define FIELD(tok, st, m, f)                                                                       \
	{                                                                                          \
		.name = tok, .fmt = f, .off = offsetof(st, m), .size = sizeof(((st *)0)->m)        \
	}
#define NO_TOKEN(tok, st, m)                                                                       \
	{                                                                                          \
		.name = tok, .no_token = true, .fmt = FMT_HEX, .off = offsetof(st, m),             \
		.size = sizeof(((st *)0)->m)                                                       \
	}

static uint64_t eth_has_vlan(const void *p)
{
	return ((const struct rte_flow_item_eth *)p)->has_vlan;
}

static uint64_t vlan_has_more(const void *p)
{
	return ((const struct rte_flow_item_vlan *)p)->has_more_vlan;
}

static const struct tp_field eth_fields[] = {
	FIELD("dst", struct rte_flow_item_eth, dst, FMT_MAC),
	FIELD("src", struct rte_flow_item_eth, src, FMT_MAC),
	FIELD("type", struct rte_flow_item_eth, type, FMT_HEX),
	{ .name = "has_vlan", .fmt = FMT_DEC, .get = eth_has_vlan },
};

static const struct tp_field vlan_fields[] = {
	FIELD("tci", struct rte_flow_item_vlan, tci, FMT_DEC),
	FIELD("inner_type", struct rte_flow_item_vlan, inner_type, FMT_HEX),
	{ .name = "has_more_vlan", .fmt = FMT_DEC, .get = vlan_has_more },
};

static const struct tp_field ipv4_fields[] = {
	{ .name = "version_ihl",
			.fmt = FMT_HEX,
			.size = 1,
			.implied = RTE_IPV4_VHL_DEF,
			.off = offsetof(struct rte_flow_item_ipv4, hdr.version_ihl) },
	FIELD("tos", struct rte_flow_item_ipv4, hdr.type_of_service, FMT_HEX),
	NO_TOKEN("total_length", struct rte_flow_item_ipv4, hdr.total_length),
	FIELD("packet_id", struct rte_flow_item_ipv4, hdr.packet_id, FMT_DEC),
	FIELD("fragment_offset", struct rte_flow_item_ipv4, hdr.fragment_offset, FMT_HEX),
	FIELD("ttl", struct rte_flow_item_ipv4, hdr.time_to_live, FMT_DEC),
	FIELD("proto", struct rte_flow_item_ipv4, hdr.next_proto_id, FMT_DEC),
	NO_TOKEN("hdr_checksum", struct rte_flow_item_ipv4, hdr.hdr_checksum),
	FIELD("src", struct rte_flow_item_ipv4, hdr.src_addr, FMT_IPV4),
	FIELD("dst", struct rte_flow_item_ipv4, hdr.dst_addr, FMT_IPV4),
};

/* testpmd's tc and flow tokens are bit-fields of vtc_flow; nfva leaves both
 * 0, so vtc_flow is one field here, implied version 6 (set raw_encap). */
static const struct tp_field ipv6_fields[] = {
	{ .name = "vtc_flow",
			.no_token = true,
			.fmt = FMT_HEX,
			.size = 4,
			.implied = 0x60000000,
			.off = offsetof(struct rte_flow_item_ipv6, hdr.vtc_flow) },
	NO_TOKEN("payload_len", struct rte_flow_item_ipv6, hdr.payload_len),
	FIELD("proto", struct rte_flow_item_ipv6, hdr.proto, FMT_DEC),
	FIELD("hop", struct rte_flow_item_ipv6, hdr.hop_limits, FMT_DEC),
	FIELD("src", struct rte_flow_item_ipv6, hdr.src_addr, FMT_IPV6),
	FIELD("dst", struct rte_flow_item_ipv6, hdr.dst_addr, FMT_IPV6),
};

static const struct tp_field udp_fields[] = {
	FIELD("src", struct rte_flow_item_udp, hdr.src_port, FMT_DEC),
	FIELD("dst", struct rte_flow_item_udp, hdr.dst_port, FMT_DEC),
	NO_TOKEN("dgram_len", struct rte_flow_item_udp, hdr.dgram_len),
	NO_TOKEN("dgram_cksum", struct rte_flow_item_udp, hdr.dgram_cksum),
};

static const struct tp_field vxlan_fields[] = {
	{ .name = "flags",
			.no_token = true,
			.fmt = FMT_HEX,
			.size = 1,
			.implied = 0x08,
			.off = offsetof(struct rte_flow_item_vxlan, flags) },
	NO_TOKEN("rsvd0", struct rte_flow_item_vxlan, rsvd0),
	FIELD("vni", struct rte_flow_item_vxlan, vni, FMT_DEC),
	FIELD("last_rsvd", struct rte_flow_item_vxlan, rsvd1, FMT_HEX),
};

/* c_rsvd0_ver rather than c_bit/k_bit/s_bit: one token carries any mask. */
static const struct tp_field gre_fields[] = {
	FIELD("c_rsvd0_ver", struct rte_flow_item_gre, c_rsvd0_ver, FMT_HEX),
	FIELD("protocol", struct rte_flow_item_gre, protocol, FMT_HEX),
};

static const struct tp_field gre_key_fields[] = {
	{ .name = "value", .fmt = FMT_DEC, .off = 0, .size = sizeof(rte_be32_t) },
};

static const struct tp_field represented_port_fields[] = {
	{ .name = "ethdev_port_id",
			.host = true,
			.fmt = FMT_DEC,
			.off = offsetof(struct rte_flow_item_ethdev, port_id),
			.size = sizeof(uint16_t) },
};

static const struct tp_field port_representor_fields[] = {
	{ .name = "port_id",
			.host = true,
			.fmt = FMT_DEC,
			.off = offsetof(struct rte_flow_item_ethdev, port_id),
			.size = sizeof(uint16_t) },
};

static const struct tp_field port_id_fields[] = {
	{ .name = "id",
			.host = true,
			.fmt = FMT_DEC,
			.off = offsetof(struct rte_flow_item_port_id, id),
			.size = sizeof(uint32_t) },
};

static const rte_be32_t gre_key_mask = RTE_BE32(UINT32_MAX); /* as PMDs default it */

#define ITEM(t, n, h, m, f)                                                                        \
	{                                                                                          \
		.type = RTE_FLOW_ITEM_TYPE_##t, .name = n, .hdr_len = h, .default_mask = m,        \
		.fields = f, .n_fields = RTE_DIM(f)                                                \
	}

static const struct tp_item items[] = {
	{ .type = RTE_FLOW_ITEM_TYPE_VOID, .name = "void" },
	{ .type = RTE_FLOW_ITEM_TYPE_RAW, .name = "raw" }, /* raw_print() */
	ITEM(ETH, "eth", RTE_ETHER_HDR_LEN, &rte_flow_item_eth_mask, eth_fields),
	ITEM(VLAN, "vlan", sizeof(struct rte_vlan_hdr), &rte_flow_item_vlan_mask, vlan_fields),
	ITEM(IPV4, "ipv4", sizeof(struct rte_ipv4_hdr), &rte_flow_item_ipv4_mask, ipv4_fields),
	ITEM(IPV6, "ipv6", sizeof(struct rte_ipv6_hdr), &rte_flow_item_ipv6_mask, ipv6_fields),
	ITEM(UDP, "udp", sizeof(struct rte_udp_hdr), &rte_flow_item_udp_mask, udp_fields),
	ITEM(VXLAN, "vxlan", sizeof(struct rte_vxlan_hdr), &rte_flow_item_vxlan_mask, vxlan_fields),
	ITEM(GRE, "gre", sizeof(struct rte_flow_item_gre), &rte_flow_item_gre_mask, gre_fields),
	ITEM(GRE_KEY, "gre_key", sizeof(rte_be32_t), &gre_key_mask, gre_key_fields),
	ITEM(REPRESENTED_PORT, "represented_port", 0, &rte_flow_item_ethdev_mask,
			represented_port_fields),
	ITEM(PORT_REPRESENTOR, "port_representor", 0, &rte_flow_item_ethdev_mask,
			port_representor_fields),
	ITEM(PORT_ID, "port_id", 0, &rte_flow_item_port_id_mask, port_id_fields),
};

const struct tp_item *tp_item_find(enum rte_flow_item_type type)
{
	for (unsigned i = 0; i < RTE_DIM(items); i++)
		if (items[i].type == type)
			return &items[i];
	return NULL;
}

bool tp_field_is_eth_type(const struct tp_field *f)
{
	return f == &eth_fields[2];
}

bool tp_item_supported(enum rte_flow_item_type type)
{
	return tp_item_find(type) != NULL;
}

static const char *item_type_name(enum rte_flow_item_type type)
{
	const char *name = NULL;

	if (rte_flow_conv(RTE_FLOW_CONV_OP_ITEM_NAME_PTR, &name, sizeof(name),
			    (void *)(uintptr_t)type, NULL) < 0 ||
			name == NULL)
		return "?";
	return name;
}

unsigned tp_field_bits(const struct tp_field *f)
{
	return f->get != NULL ? 1 : f->size * 8;
}

uint64_t tp_field_get(const struct tp_field *f, const void *p)
{
	const uint8_t *b = (const uint8_t *)p + f->off;
	uint64_t v = 0;

	if (f->get != NULL)
		return f->get(p);
	if (f->host && f->size == sizeof(uint16_t)) {
		uint16_t h;
		memcpy(&h, b, sizeof(h));
		return h;
	}
	if (f->host && f->size == sizeof(uint32_t)) {
		uint32_t h;
		memcpy(&h, b, sizeof(h));
		return h;
	}
	for (unsigned i = 0; i < f->size; i++)
		v = v << 8 | b[i];
	return v;
}

/* Values in testpmd's syntax; masks of numbers in hex. */
void tp_value_print(struct tp_out *o, const struct tp_field *f, uint64_t v, bool mask)
{
	switch (f->fmt) {
	case FMT_MAC:
		tp_printf(o, "%02x:%02x:%02x:%02x:%02x:%02x", (unsigned)(v >> 40) & 0xff,
				(unsigned)(v >> 32) & 0xff, (unsigned)(v >> 24) & 0xff,
				(unsigned)(v >> 16) & 0xff, (unsigned)(v >> 8) & 0xff,
				(unsigned)v & 0xff);
		break;
	case FMT_IPV4:
		tp_printf(o, "%u.%u.%u.%u", (unsigned)(v >> 24) & 0xff, (unsigned)(v >> 16) & 0xff,
				(unsigned)(v >> 8) & 0xff, (unsigned)v & 0xff);
		break;
	case FMT_DEC:
		if (!mask) {
			tp_printf(o, "%" PRIu64, v);
			break;
		}
		/* fall through */
	default:
		tp_printf(o, "0x%0*" PRIx64, f->size != 0 ? f->size * 2 : 1, v);
		break;
	}
}

static bool bytes_all(const uint8_t *p, size_t n, uint8_t v)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != v)
			return false;
	return true;
}

void tp_ipv6_field_print(struct tp_out *o, const struct tp_field *f, const void *spec,
		const void *mask)
{
	const uint8_t *s = (const uint8_t *)spec + f->off;
	const uint8_t *m = mask != NULL ? (const uint8_t *)mask + f->off : NULL;
	uint8_t v[16];

	if (m == NULL) {
		if (bytes_all(s, sizeof(v), 0))
			return;
		tp_printf(o, " %s is ", f->name);
		tp_ipv6_print(o, s);
		return;
	}
	if (bytes_all(m, sizeof(v), 0))
		return;
	for (unsigned i = 0; i < sizeof(v); i++)
		v[i] = s[i] & m[i];
	bool full = bytes_all(m, sizeof(v), 0xff);
	tp_printf(o, " %s %s ", f->name, full ? "is" : "spec");
	tp_ipv6_print(o, v);
	if (full)
		return;
	tp_printf(o, " %s mask ", f->name);
	tp_ipv6_print(o, m);
}

/* ---- RAW ---- */

static void hex_print(struct tp_out *o, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		tp_printf(o, "%02x", p[i]);
}

static const uint8_t *raw_mask_pattern(const struct rte_flow_item *item)
{
	const struct rte_flow_item_raw *m = item->mask;

	return m != NULL ? m->pattern : NULL; /* the default mask has none: all bytes */
}

static void raw_notes(struct tp_out *o, unsigned pos, const struct rte_flow_item *item)
{
	const struct rte_flow_item_raw *s = item->spec;

	if (s->offset < 0)
		tp_printf(o,
				"# pattern item %u raw: offset %d: testpmd 22.11 takes no negative "
				"offset, left out below (0)\n",
				pos, s->offset);
	if (s->pattern == NULL || s->length == 0)
		tp_printf(o, "# pattern item %u raw: no pattern, left out below\n", pos);
}

static void raw_print(struct tp_out *o, const struct rte_flow_item *item)
{
	const struct rte_flow_item_raw *s = item->spec;
	const uint8_t *mask = raw_mask_pattern(item);
	bool full = true;

	tp_printf(o, "raw relative is %u", s->relative);
	if (s->search != 0)
		tp_printf(o, " search is %u", s->search);
	if (s->offset > 0)
		tp_printf(o, " offset is %d", s->offset);
	if (s->limit != 0)
		tp_printf(o, " limit is %u", s->limit);
	if (s->pattern == NULL || s->length == 0)
		return;
	for (unsigned i = 0; mask != NULL && i < s->length; i++)
		full = full && mask[i] == 0xff;
	tp_printf(o, " pattern_hex %s ", full ? "is" : "spec");
	hex_print(o, s->pattern, s->length);
	if (full)
		return;
	tp_printf(o, " pattern_hex mask ");
	hex_print(o, mask, s->length);
}

void tp_item_notes(struct tp_out *o, unsigned pos, const struct rte_flow_item *item)
{
	const struct tp_item *t = tp_item_find(item->type);

	if (t != NULL && t->type == RTE_FLOW_ITEM_TYPE_RAW && item->spec != NULL)
		raw_notes(o, pos, item);
	if (t == NULL) {
		tp_printf(o, "# unsupported pattern item %u (%s, type %d): left out below\n", pos,
				item_type_name(item->type), (int)item->type);
		return;
	}
	if (item->last != NULL)
		tp_printf(o, "# pattern item %u %s: its range (last) is not printed\n", pos,
				t->name);
	if (item->spec == NULL)
		return;
	const void *mask = item->mask != NULL ? item->mask : t->default_mask;
	for (unsigned i = 0; i < t->n_fields; i++) {
		const struct tp_field *f = &t->fields[i];
		uint64_t m = tp_field_get(f, mask);
		if (!f->no_token || m == 0)
			continue;
		tp_printf(o, "# pattern item %u %s: %s spec ", pos, t->name, f->name);
		tp_value_print(o, f, tp_field_get(f, item->spec) & m, true);
		tp_printf(o, " mask ");
		tp_value_print(o, f, m, true);
		tp_printf(o, " has no testpmd token: left out below (the line matches more)\n");
	}
}

void tp_item_print(struct tp_out *o, const struct rte_flow_item *item)
{
	const struct tp_item *t = tp_item_find(item->type);

	if (t->type == RTE_FLOW_ITEM_TYPE_RAW && item->spec != NULL) {
		raw_print(o, item);
		tp_printf(o, " / ");
		return;
	}
	tp_printf(o, "%s", t->name);
	if (item->spec != NULL) {
		const void *mask = item->mask != NULL ? item->mask : t->default_mask;
		for (unsigned i = 0; i < t->n_fields; i++) {
			const struct tp_field *f = &t->fields[i];
			if (f->fmt == FMT_IPV6) {
				tp_ipv6_field_print(o, f, item->spec, mask);
				continue;
			}
			uint64_t m = tp_field_get(f, mask);
			uint64_t ones = UINT64_MAX >> (64 - tp_field_bits(f));
			if (f->no_token || m == 0)
				continue;
			tp_printf(o, " %s %s ", f->name, m == ones ? "is" : "spec");
			tp_value_print(o, f, tp_field_get(f, item->spec) & m, false);
			if (m == ones)
				continue;
			tp_printf(o, " %s mask ", f->name);
			tp_value_print(o, f, m, true);
		}
	}
	tp_printf(o, " / ");
}
