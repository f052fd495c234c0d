/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Pattern items, and encap/decap header bytes, as testpmd 22.11 items. One
 * table says, per item, which testpmd token names which bytes; the pattern
 * printer and the header-bytes printer both read it. RAW, whose pattern is
 * not in the item, has its own printer: "raw relative is R search is S
 * offset is O limit is L pattern_hex is HEX", or "pattern_hex spec HEX
 * pattern_hex mask HEX" when the mask is not all ones (testpmd 22.11 takes
 * no negative offset). The RAW mask's own relative, search, offset, limit
 * and length are not printed: PMDs ignore them, and "is" sets them anyway.
 */
#include <errno.h>
#include <inttypes.h>
#include <stddef.h>
#include <string.h>

#include <rte_ether.h>
#include <rte_ip.h>
#include <rte_udp.h>

#include "offload/testpmd/testpmd_dump.h"

enum tp_fmt { FMT_DEC, FMT_HEX, FMT_MAC, FMT_IPV4 };

struct tp_field {
	const char *name; /* testpmd's token, or what notes call it */
	bool no_token;    /* testpmd 22.11 cannot set it */
	bool host;        /* host byte order (port ids), else network order */
	uint8_t fmt;      /* enum tp_fmt */
	uint16_t off;
	uint8_t size;     /* bytes; 0 for a bit-field read by get() */
	uint64_t implied; /* what set raw_encap writes when the item leaves it 0 */
	uint64_t (*get)(const void *item);
};

struct tp_item {
	enum rte_flow_item_type type;
	const char *name;
	size_t hdr_len; /* bytes on the wire (set raw_encap), 0: not a header */
	const void *default_mask;
	const struct tp_field *fields;
	unsigned n_fields;
};

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

static const struct tp_item *item_find(enum rte_flow_item_type type)
{
	for (unsigned i = 0; i < RTE_DIM(items); i++)
		if (items[i].type == type)
			return &items[i];
	return NULL;
}

bool tp_item_supported(enum rte_flow_item_type type)
{
	return item_find(type) != NULL;
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

static unsigned field_bits(const struct tp_field *f)
{
	return f->get != NULL ? 1 : f->size * 8;
}

static uint64_t field_get(const struct tp_field *f, const void *p)
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
static void value_print(struct tp_out *o, const struct tp_field *f, uint64_t v, bool mask)
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

	tp_printf(o, "raw relative is %u search is %u", s->relative, s->search);
	if (s->offset >= 0)
		tp_printf(o, " offset is %d", s->offset);
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
	const struct tp_item *t = item_find(item->type);

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
		uint64_t m = field_get(f, mask);
		if (!f->no_token || m == 0)
			continue;
		tp_printf(o, "# pattern item %u %s: %s spec ", pos, t->name, f->name);
		value_print(o, f, field_get(f, item->spec) & m, true);
		tp_printf(o, " mask ");
		value_print(o, f, m, true);
		tp_printf(o, " has no testpmd token: left out below (the line matches more)\n");
	}
}

void tp_item_print(struct tp_out *o, const struct rte_flow_item *item)
{
	const struct tp_item *t = item_find(item->type);

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
			uint64_t m = field_get(f, mask);
			uint64_t ones = UINT64_MAX >> (64 - field_bits(f));
			if (f->no_token || m == 0)
				continue;
			tp_printf(o, " %s %s ", f->name, m == ones ? "is" : "spec");
			value_print(o, f, field_get(f, item->spec) & m, false);
			if (m == ones)
				continue;
			tp_printf(o, " %s mask ", f->name);
			value_print(o, f, m, true);
		}
	}
	tp_printf(o, " / ");
}

/* ---- header bytes -> items (set raw_encap / set raw_decap) ---- */

#define RAW_MAX_LAYERS 8

struct raw_layer {
	const struct tp_item *t;
	size_t off;
};

#define LISP_DATA_PORT 4341

/* The UDP header ending at off goes to the LISP data port. */
static bool raw_lisp(const uint8_t *data, size_t off)
{
	return (data[off - 6] << 8 | data[off - 5]) == LISP_DATA_PORT;
}

/* Splits data into headers; *n layers. */
static int raw_layout(const uint8_t *data, size_t size, struct raw_layer *l, unsigned *n,
		const char **why)
{
	size_t off = 0;
	uint16_t type;
	unsigned k = 0;

#define PUSH(it, len)                                                                              \
	do {                                                                                       \
		if (off + (len) > size || k == RAW_MAX_LAYERS) {                                   \
			*why = "headers cut short";                                                \
			return -ENOTSUP;                                                           \
		}                                                                                  \
		l[k++] = (struct raw_layer){ item_find(RTE_FLOW_ITEM_TYPE_##it), off };            \
		off += (len);                                                                      \
	} while (0)

	PUSH(ETH, RTE_ETHER_HDR_LEN);
	type = (uint16_t)(data[12] << 8 | data[13]);
	while ((type == RTE_ETHER_TYPE_VLAN || type == RTE_ETHER_TYPE_QINQ) && off < size) {
		PUSH(VLAN, sizeof(struct rte_vlan_hdr));
		type = (uint16_t)(data[off - 2] << 8 | data[off - 1]);
	}
	if (off < size && type == RTE_ETHER_TYPE_IPV4) {
		size_t ip = off;
		PUSH(IPV4, sizeof(struct rte_ipv4_hdr));
		if (data[ip] != RTE_IPV4_VHL_DEF) {
			*why = "IPv4 options or not IPv4";
			return -ENOTSUP;
		}
		if (data[ip + 9] == IPPROTO_UDP && off < size) {
			PUSH(UDP, sizeof(struct rte_udp_hdr));
			/* VXLAN by its I flag, whatever the port; LISP by its port
			 * (the same 8-byte layout: tp_raw_notes() says so) */
			if (size - off == sizeof(struct rte_vxlan_hdr) &&
					((data[off] & 0x08) || raw_lisp(data, off)))
				PUSH(VXLAN, sizeof(struct rte_vxlan_hdr));
		} else if (data[ip + 9] == IPPROTO_GRE && off < size) {
			size_t gre = off;
			PUSH(GRE, sizeof(struct rte_flow_item_gre));
			if (data[gre] & 0x90) { /* C or S: testpmd 22.11 has no gre_option here */
				*why = "GRE checksum or sequence number";
				return -ENOTSUP;
			}
			if (data[gre] & 0x20)
				PUSH(GRE_KEY, sizeof(rte_be32_t));
		}
	}
#undef PUSH
	if (off != size) {
		*why = "headers other than Ethernet/VLAN/IPv4/UDP/VXLAN/GRE";
		return -ENOTSUP;
	}
	*n = k;
	return 0;
}

int tp_raw_check(const uint8_t *data, size_t size, const char **why)
{
	struct raw_layer l[RAW_MAX_LAYERS];
	unsigned n;

	if (data == NULL || size == 0) {
		*why = "no data";
		return -ENOTSUP;
	}
	return raw_layout(data, size, l, &n, why);
}

/* What testpmd writes for a field of a header it builds from items. */
static uint64_t raw_written(const struct tp_field *f, uint64_t v)
{
	if (f->no_token)
		return f->implied;
	return v != 0 ? v : f->implied;
}

void tp_raw_notes(struct tp_out *o, const char *what, const uint8_t *data, size_t size)
{
	struct raw_layer l[RAW_MAX_LAYERS];
	const char *why;
	unsigned n;

	if (raw_layout(data, size, l, &n, &why) < 0)
		return;
	for (unsigned k = 0; k < n; k++) {
		const struct tp_item *t = l[k].t;
		if (t->type == RTE_FLOW_ITEM_TYPE_VXLAN && raw_lisp(data, l[k].off))
			tp_printf(o,
					"# %s: the LISP header after UDP %u is written as "
					"testpmd's "
					"vxlan item (same layout, instance ID as vni)\n",
					what, LISP_DATA_PORT);
		for (unsigned i = 0; i < t->n_fields; i++) {
			const struct tp_field *f = &t->fields[i];
			if (f->get != NULL)
				continue; /* not a header field */
			uint64_t v = field_get(f, data + l[k].off);
			uint64_t w = raw_written(f, v);
			/* testpmd sets the Ethernet type from the next header */
			if (f == &eth_fields[2] && k + 1 < n)
				w = l[k + 1].t->type == RTE_FLOW_ITEM_TYPE_VLAN
						? RTE_ETHER_TYPE_VLAN
						: RTE_ETHER_TYPE_IPV4;
			if (v == w)
				continue;
			tp_printf(o,
					"# %s: %s %s is 0x%0*" PRIx64
					" but testpmd writes 0x%0*" PRIx64 "\n",
					what, t->name, f->name, f->size * 2, v, f->size * 2, w);
		}
	}
}

void tp_raw_print(struct tp_out *o, const uint8_t *data, size_t size)
{
	struct raw_layer l[RAW_MAX_LAYERS];
	const char *why;
	unsigned n;

	if (raw_layout(data, size, l, &n, &why) < 0)
		return;
	for (unsigned k = 0; k < n; k++) {
		const struct tp_item *t = l[k].t;
		const struct tp_field *first = NULL;
		unsigned printed = 0;
		tp_printf(o, "%s", t->name);
		for (unsigned i = 0; i < t->n_fields; i++) {
			const struct tp_field *f = &t->fields[i];
			if (f->get != NULL || f->no_token)
				continue;
			uint64_t v = field_get(f, data + l[k].off);
			first = first != NULL ? first : f;
			if (v == 0 || v == f->implied)
				continue;
			tp_printf(o, " %s is ", f->name);
			value_print(o, f, v, false);
			printed++;
		}
		/* a bare item would be built from its default mask (all-ones fields) */
		if (printed == 0 && first != NULL) {
			tp_printf(o, " %s is ", first->name);
			value_print(o, first, field_get(first, data + l[k].off), false);
		}
		tp_printf(o, " / ");
	}
}
