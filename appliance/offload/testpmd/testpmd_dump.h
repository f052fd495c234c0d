/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Private to the testpmd_*.c files of this folder: rules printed as
 * dpdk-testpmd 22.11 commands (flow_spec_to_testpmd() in offload_private.h
 * is the entry point).
 *
 * What the printed text must respect, measured on testpmd 22.11:
 * - a command line holds at most TP_LINE_MAX characters (longer is "Bad arguments");
 * - set raw_encap / raw_decap / sample_actions take a slot below TP_SLOTS
 *   (RAW_ENCAP_CONFS_MAX_NUM, RAW_SAMPLE_CONFS_MAX_NUM);
 * - a line starting with '#' is a comment.
 */
#ifndef NFVA_TESTPMD_DUMP_H
#define NFVA_TESTPMD_DUMP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <rte_byteorder.h>
#include <rte_common.h>
#include <rte_ether.h>
#include <rte_flow.h>

#include "offload/flow/flow_spec.h"

#define TP_SLOTS 8
#define TP_LINE_MAX 512

/* An output that counts like snprintf: pos grows past len, writes never do. */
struct tp_out {
	char *buf;
	size_t len;
	size_t pos; /* bytes that would have been written */
};

void tp_printf(struct tp_out *o, const char *fmt, ...) __rte_format_printf(2, 3);
/* "aa:bb:cc:dd:ee:ff" and "a.b.c.d" (testpmd_dump.c). */
void tp_mac_print(struct tp_out *o, const struct rte_ether_addr *m);
void tp_ipv4_print(struct tp_out *o, rte_be32_t addr);
void tp_ipv6_print(struct tp_out *o, const uint8_t addr[16]);

/* The slot of an action left out of the line. */
#define TP_OMIT (-1)

/* testpmd_items.c */

/* Does testpmd know this pattern item? */
bool tp_item_supported(enum rte_flow_item_type type);
/* "# ..." lines for what the item matches but testpmd cannot say. */
void tp_item_notes(struct tp_out *o, unsigned pos, const struct rte_flow_item *item);
/* "eth dst is ... / " (the item and its separator). */
void tp_item_print(struct tp_out *o, const struct rte_flow_item *item);

/* testpmd_raw.c */

/* Header bytes (encap/decap data) as testpmd items for set raw_encap/raw_decap:
 * Ethernet [VLAN...] [IPv4 [UDP [VXLAN] | GRE [key]]]. Returns 0, or -ENOTSUP
 * with *why set when the bytes do not have that layout. */
int tp_raw_check(const uint8_t *data, size_t size, const char **why);
/* "# ..." lines for header fields testpmd cannot write (what = "raw_encap 3"). */
void tp_raw_notes(struct tp_out *o, const char *what, const uint8_t *data, size_t size);
/* "eth ... / ipv4 ... / " for bytes tp_raw_check() accepted. */
void tp_raw_print(struct tp_out *o, const uint8_t *data, size_t size);

/* testpmd_actions.c */

/* Per rule: which testpmd slots its set commands took. */
struct tp_rule {
	struct tp_out *o;
	unsigned base; /* the caller's index */
	unsigned n_encap, n_decap, n_sample;
	int slot[FLOW_SPEC_MAX_ACTIONS]; /* per action: its slot, -1 when omitted */
};

/* "set ..." lines the actions need (samples first, then encap/decap/vxlan),
 * with notes for what cannot be printed. */
void tp_actions_prepare(struct tp_rule *r, const struct rte_flow_action *actions);
/* "count / drop / " for the actions prepared above, to o. */
void tp_actions_print(struct tp_out *o, struct tp_rule *r, const struct rte_flow_action *actions);

/* testpmd_vxlan.c */

/* Writes "set vxlan..." for a VXLAN_ENCAP action; 0, or TP_OMIT (with a "#"
 * line saying why) when its definition is not ETH [VLAN] IPV4|IPV6 UDP VXLAN. */
int tp_vxlan_prepare(struct tp_rule *r, const struct rte_flow_action_vxlan_encap *c);

#endif
