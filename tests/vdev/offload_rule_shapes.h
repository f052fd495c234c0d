/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The rule shapes nfva installs, as hand-built flow_spec objects: L2, L2 with
 * VLAN pop/push, VXLAN encap (VXLAN_ENCAP definition) and decap, GRE encap
 * (RAW_ENCAP of a 42-byte template) and decap (RAW_DECAP by size), the same
 * four over an IPv6 underlay (offload_rule_shapes_ipv6.c), drop,
 * mirrors (SAMPLE: to a port, counted, into VXLAN, 1 in 4 marked to the
 * representor), LISP encap (RAW_DECAP 14 + RAW_ENCAP 50) and decap (a RAW
 * item after UDP 4341) over IPv4 and IPv6, group/jump, and one with an item and an action
 * nothing prints. For tests of anything that consumes a flow_spec.
 */
#ifndef NFVA_TEST_RULE_SHAPES_H
#define NFVA_TEST_RULE_SHAPES_H

#include <stdbool.h>

#include "offload/flow/flow_spec.h"

struct test_rule {
	const char *name;
	void (*build)(struct flow_spec *s); /* after flow_spec_init(s, 0, 0) */
	bool exact;                         /* testpmd can be given exactly this rule */
};

/* Terminated by a NULL name. */
extern const struct test_rule test_rules[];

const struct test_rule *test_rule(const char *name);
/* init + build + finish; flow_spec_finish()'s result. */
int test_rule_build(const struct test_rule *r, struct flow_spec *s);

#endif
