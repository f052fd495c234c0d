/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A rule written as comparable text: what it matches and does, not how it
 * was spelled (masked spec bytes, default masks applied, VOIDs dropped,
 * encap data as bytes). The testpmd_dump test writes it for each rule it
 * builds, and offload_testpmd_shim.so for each rule testpmd parsed from the printed
 * commands; equal text means testpmd received the rule nfva built.
 */
#ifndef NFVA_TEST_FLOW_CANON_H
#define NFVA_TEST_FLOW_CANON_H

#include <stdint.h>
#include <stdio.h>
#include <rte_flow.h>

void flow_canon(FILE *f, uint16_t port, const struct rte_flow_attr *attr,
		const struct rte_flow_item pattern[], const struct rte_flow_action actions[]);

#endif
