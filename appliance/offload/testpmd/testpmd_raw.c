/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Encap/decap header bytes as testpmd 22.11 items (set raw_encap / set
 * raw_decap): splits the bytes into Ethernet [VLAN...] [IPv4|IPv6 [UDP [VXLAN]
 * | GRE [key]]] layers, prints each with the item table of testpmd_items.c, and
 * notes the fields testpmd would write differently from the bytes.
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

/* Headers being split off the bytes. */
struct raw_split {
	const uint8_t *data;
	size_t size, off;
	struct raw_layer *l;
	unsigned k;
	const char *why;
};

/* The next len bytes are an item of type t; false when they are not all there. */
static bool push(struct raw_split *r, enum rte_flow_item_type t, size_t len)
{
	if (r->off + len > r->size || r->k == RAW_MAX_LAYERS) {
		r->why = "headers cut short";
		return false;
	}
	r->l[r->k++] = (struct raw_layer){ tp_item_find(t), r->off };
	r->off += len;
	return true;
}

/* IPv4 (no options) or IPv6 (no extension header); its protocol, 0 when
 * there is no IP header, -1 on error. */
static int split_ip(struct raw_split *r, uint16_t type)
{
	size_t ip = r->off;

	if (r->off >= r->size)
		return 0;
	if (type == RTE_ETHER_TYPE_IPV4) {
		if (!push(r, RTE_FLOW_ITEM_TYPE_IPV4, sizeof(struct rte_ipv4_hdr)))
			return -1;
		if (r->data[ip] != RTE_IPV4_VHL_DEF) {
			r->why = "IPv4 options or not IPv4";
			return -1;
		}
		return r->data[ip + 9];
	}
	if (type != RTE_ETHER_TYPE_IPV6)
		return 0;
	if (!push(r, RTE_FLOW_ITEM_TYPE_IPV6, sizeof(struct rte_ipv6_hdr)))
		return -1;
	if ((r->data[ip] >> 4) != 6) {
		r->why = "not IPv6";
		return -1;
	}
	return r->data[ip + 6]; /* no extension header: what follows is UDP or GRE */
}

/* UDP [VXLAN] or GRE [key] after the IP header. */
static bool split_l4(struct raw_split *r, int proto)
{
	const uint8_t *data = r->data;

	if (r->off >= r->size)
		return true;
	if (proto == IPPROTO_UDP) {
		if (!push(r, RTE_FLOW_ITEM_TYPE_UDP, sizeof(struct rte_udp_hdr)))
			return false;
		/* VXLAN by its I flag, whatever the port; LISP by its port
		 * (the same 8-byte layout: tp_raw_notes() says so) */
		if (r->size - r->off == sizeof(struct rte_vxlan_hdr) &&
				((data[r->off] & 0x08) || raw_lisp(data, r->off)))
			return push(r, RTE_FLOW_ITEM_TYPE_VXLAN, sizeof(struct rte_vxlan_hdr));
	} else if (proto == IPPROTO_GRE) {
		size_t gre = r->off;
		if (!push(r, RTE_FLOW_ITEM_TYPE_GRE, sizeof(struct rte_flow_item_gre)))
			return false;
		if (data[gre] & 0x90) { /* C or S: testpmd 22.11 has no gre_option here */
			r->why = "GRE checksum or sequence number";
			return false;
		}
		if (data[gre] & 0x20)
			return push(r, RTE_FLOW_ITEM_TYPE_GRE_KEY, sizeof(rte_be32_t));
	}
	return true;
}

/* Splits data into headers; *n layers. */
static int raw_layout(const uint8_t *data, size_t size, struct raw_layer *l, unsigned *n,
		const char **why)
{
	struct raw_split r = { .data = data, .size = size, .l = l };
	int proto = 0;

	if (push(&r, RTE_FLOW_ITEM_TYPE_ETH, RTE_ETHER_HDR_LEN)) {
		uint16_t type = (uint16_t)(data[12] << 8 | data[13]);
		while ((type == RTE_ETHER_TYPE_VLAN || type == RTE_ETHER_TYPE_QINQ) &&
				r.off < size &&
				push(&r, RTE_FLOW_ITEM_TYPE_VLAN, sizeof(struct rte_vlan_hdr)))
			type = (uint16_t)(data[r.off - 2] << 8 | data[r.off - 1]);
		proto = r.why == NULL ? split_ip(&r, type) : -1;
	}
	if (r.why == NULL && proto > 0)
		split_l4(&r, proto);
	if (r.why == NULL && r.off != size)
		r.why = "headers other than Ethernet/VLAN/IPv4/IPv6/UDP/VXLAN/GRE";
	if (r.why != NULL) {
		*why = r.why;
		return -ENOTSUP;
	}
	*n = r.k;
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

/* The EtherType testpmd writes before an item of this type. */
static uint64_t next_type(enum rte_flow_item_type type)
{
	if (type == RTE_FLOW_ITEM_TYPE_VLAN)
		return RTE_ETHER_TYPE_VLAN;
	return type == RTE_FLOW_ITEM_TYPE_IPV6 ? RTE_ETHER_TYPE_IPV6 : RTE_ETHER_TYPE_IPV4;
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
			if (f->get != NULL || f->fmt == FMT_IPV6)
				continue; /* not a header field; addresses are printed whole */
			uint64_t v = tp_field_get(f, data + l[k].off);
			uint64_t w = raw_written(f, v);
			/* testpmd sets the Ethernet type from the next header */
			if (tp_field_is_eth_type(f) && k + 1 < n)
				w = next_type(l[k + 1].t->type);
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
			if (f->fmt == FMT_IPV6) {
				tp_ipv6_field_print(o, f, data + l[k].off, NULL);
				printed++;
				continue;
			}
			uint64_t v = tp_field_get(f, data + l[k].off);
			first = first != NULL ? first : f;
			if (v == 0 || v == f->implied)
				continue;
			tp_printf(o, " %s is ", f->name);
			tp_value_print(o, f, v, false);
			printed++;
		}
		/* a bare item would be built from its default mask (all-ones fields) */
		if (printed == 0 && first != NULL) {
			tp_printf(o, " %s is ", first->name);
			tp_value_print(o, first, tp_field_get(first, data + l[k].off), false);
		}
		tp_printf(o, " / ");
	}
}
