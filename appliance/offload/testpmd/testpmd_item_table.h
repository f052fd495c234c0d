/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to testpmd_items.c and testpmd_raw.c: the table that says, per
 * pattern item, which testpmd token names which bytes, and the helpers that
 * read and print a field of it.
 */
#ifndef NFVA_TESTPMD_ITEM_TABLE_H
#define NFVA_TESTPMD_ITEM_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <rte_flow.h>

#include "offload/testpmd/testpmd_dump.h"

/* FMT_IPV6: 16 bytes, more than tp_field_get() reads: tp_ipv6_field_print(). */
enum tp_fmt { FMT_DEC, FMT_HEX, FMT_MAC, FMT_IPV4, FMT_IPV6 };

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

/* The table's entry for an item type, or NULL. */
const struct tp_item *tp_item_find(enum rte_flow_item_type type);
/* A field's width in bits (1 for a bit-field read by get()). */
unsigned tp_field_bits(const struct tp_field *f);
/* A field's value read from an item or from header bytes. */
uint64_t tp_field_get(const struct tp_field *f, const void *p);
/* A value in testpmd's syntax; masks of numbers in hex. */
void tp_value_print(struct tp_out *o, const struct tp_field *f, uint64_t v, bool mask);
/* An FMT_IPV6 field of an item (spec, mask) or of header bytes (mask
 * NULL): " name is ADDR", or spec and mask; nothing for a zero mask, or
 * for zero bytes (mask NULL). */
void tp_ipv6_field_print(struct tp_out *o, const struct tp_field *f, const void *spec,
		const void *mask);
/* Is f the Ethernet type field (testpmd sets it from the next header)? */
bool tp_field_is_eth_type(const struct tp_field *f);

#endif
