/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * flow_spec_to_testpmd() on one hand-built flow_spec per rule shape nfva
 * installs. Checks here (no DPDK runtime needed): exact text of a few lines,
 * snprintf-like truncation, notes for what testpmd cannot express. With an
 * output directory it also writes, for test_offload_testpmd_dump.py:
 *   commands.txt  the printed commands, "flow create" turned into "flow validate"
 *   expected.txt  per rule "= NAME" and the flow_canon() text of the rule built,
 *                 which the driver compares with what testpmd parsed.
 * The rules come from offload_rule_shapes*.c.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "offload_flow_canon.h"
#include "offload/offload_private.h"
#include "offload_rule_shapes.h"

#define OUT_MAX 4096

static int failures;

#define CHECK(cond, ...)                                                                           \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			failures++;                                                                \
			printf("FAIL %s:%d: ", __FILE__, __LINE__);                                \
			printf(__VA_ARGS__);                                                       \
			printf("\n");                                                              \
		}                                                                                  \
	} while (0)

/* Prints the rule with slot index `index`; checks the output is well formed. */
static int dump(const struct test_rule *sh, struct flow_spec *s, unsigned index, char *buf)
{
	int n;

	CHECK(test_rule_build(sh, s) == 0, "%s: flow_spec_finish", sh->name);
	n = flow_spec_to_testpmd(s, 0, index, buf, OUT_MAX);
	CHECK(n > 0 && n < OUT_MAX && (size_t)n == strlen(buf), "%s: returned %d", sh->name, n);
	CHECK(n > 0 && buf[n - 1] == '\n', "%s: last line not terminated", sh->name);
	for (const char *l = buf; *l != '\0';) {
		const char *e = strchr(l, '\n');
		size_t len = e != NULL ? (size_t)(e - l) : strlen(l);
		CHECK(len <= 512, "%s: line of %zu characters", sh->name, len);
		l += len + (e != NULL);
	}
	return n;
}

static const struct test_rule *shape(const char *name)
{
	const struct test_rule *r = test_rule(name);

	if (r == NULL)
		abort();
	return r;
}

/* What some shapes must print, whole or in part. */
static const char l2_text[] =
		"flow create 0 transfer pattern represented_port ethdev_port_id is 1 / "
		"eth dst is 02:00:00:00:00:02 src is 02:00:00:00:00:01 / end actions "
		"represented_port ethdev_port_id 2 / count / end\n";
static const char gre_encap_text[] =
		"set raw_encap 3 eth dst is 02:00:00:00:ff:02 src is 02:00:00:00:ff:01 "
		"type is 0x0800 / ipv4 fragment_offset is 0x4000 ttl is 64 proto is 47 "
		"src is 192.0.2.1 dst is 192.0.2.2 / gre c_rsvd0_ver is 0x2000 protocol "
		"is 0x6558 / gre_key value is 42 / end_set\n"
		"flow create 0 transfer pattern represented_port ethdev_port_id is 1 / "
		"eth dst is 02:00:00:00:00:02 / end actions raw_encap index 3 / "
		"represented_port ethdev_port_id 0 / count / end\n";
static const char gre_decap_items[] =
		" / gre c_rsvd0_ver spec 0x2000 c_rsvd0_ver mask 0xb000 protocol is "
		"0x6558 / gre_key value is 42 / ";
static const char vxlan_encap_set[] =
		"set vxlan-tos-ttl ip-version ipv4 vni 42 udp-src 49152 udp-dst 4789 "
		"ip-tos 0 ip-ttl 64 ip-src 192.0.2.1 ip-dst 192.0.2.2 "
		"eth-src 02:00:00:00:ff:01 eth-dst 02:00:00:00:ff:02\n";
static const char sample_mark_text[] =
		"set sample_actions 2 mark id 5046273 / port_representor port_id 1 / end\n"
		"flow create 0 transfer pattern represented_port ethdev_port_id is 1 / "
		"eth dst is 02:00:00:00:00:02 / end actions sample ratio 4 index 2 / "
		"represented_port ethdev_port_id 2 / end\n";
static const char lisp_decap_raw[] =
		" / udp dst is 4341 / raw relative is 1 "
		"pattern_hex spec 0800000000abcd00000000000000000000000000000000000a010001 "
		"pattern_hex mask 08000000ffffff0000000000000000000000000000000000ffffffff / "
		"end actions raw_decap index 0 / raw_encap index 0 / ";
static const char lisp_encap_note[] =
		"set raw_decap 0 eth / end_set\n# raw_encap 0: the LISP header after "
		"UDP 4341 is written as testpmd's vxlan item";
static const char representor_first_note[] =
		"# sample_actions 0 action 0: testpmd 22.11 takes port_representor in "
		"set sample_actions only after another action: left out\n";

static void check_exact(struct flow_spec *s, char *buf)
{
	dump(shape("l2"), s, 0, buf);
	CHECK(strcmp(buf, l2_text) == 0, "l2 text:\n%s", buf);

	dump(shape("gre_encap"), s, 11, buf); /* slot 11 % 8 */
	CHECK(strcmp(buf, gre_encap_text) == 0, "gre_encap text:\n%s", buf);

	dump(shape("gre_decap"), s, 5, buf);
	CHECK(strstr(buf, "set raw_decap 5 eth / ipv4 / gre / gre_key / end_set\n") == buf,
			"gre_decap set line:\n%s", buf);
	CHECK(strstr(buf, gre_decap_items) != NULL, "gre_decap items:\n%s", buf);

	dump(shape("vxlan_encap"), s, 0, buf);
	CHECK(strstr(buf, vxlan_encap_set) == buf, "vxlan_encap set line:\n%s", buf);

	dump(shape("l2_vlan_pop"), s, 0, buf);
	CHECK(strstr(buf, " / vlan tci spec 100 tci mask 0x0fff / ") != NULL, "vlan:\n%s", buf);

	dump(shape("sample_representor_mark"), s, 2, buf);
	CHECK(strcmp(buf, sample_mark_text) == 0, "sample_representor_mark text:\n%s", buf);

	dump(shape("lisp_decap"), s, 0, buf);
	CHECK(strstr(buf, lisp_decap_raw) != NULL, "lisp_decap raw item:\n%s", buf);
}

static void check_notes(struct flow_spec *s, char *buf)
{
	dump(shape("vxlan_encap_df"), s, 0, buf);
	CHECK(strstr(buf, "# vxlan_encap: ipv4 fragment_offset 0x4000 cannot be set") == buf,
			"DF note:\n%s", buf);

	dump(shape("sample_mirror"), s, 0, buf);
	CHECK(strstr(buf, "# sample_actions 0 action 0: represented_port written as port_id") ==
					buf,
			"sample note:\n%s", buf);
	CHECK(strstr(buf, "set sample_actions 0 port_id id 3 / end\n") != NULL, "sample:\n%s", buf);

	dump(shape("sample_tunnel_mirror"), s, 6, buf);
	CHECK(strstr(buf, "set raw_encap 6 ") != NULL && strstr(buf, "set raw_encap 7 ") != NULL &&
					strstr(buf, "raw_encap index 6 / port_id id 0 / end\n") !=
							NULL &&
					strstr(buf,
							"actions sample ratio 1 index 6 / "
							"raw_encap index 7 / ") != NULL,
			"two slots:\n%s", buf);

	dump(shape("lisp_encap"), s, 0, buf);
	CHECK(strstr(buf, lisp_encap_note) == buf, "LISP note:\n%s", buf);
	CHECK(strstr(buf, " / udp dst is 4341 / vxlan vni is 43981 / end_set\n") != NULL,
			"LISP template:\n%s", buf);

	dump(shape("sample_representor_first"), s, 0, buf);
	CHECK(strstr(buf, representor_first_note) == buf && strstr(buf, "sample ratio") == NULL,
			"port_representor first:\n%s", buf);

	dump(shape("unsupported"), s, 0, buf);
	CHECK(strstr(buf, "# unsupported action 0 (METER, type ") != NULL, "meter note:\n%s", buf);
	CHECK(strstr(buf, "# unsupported pattern item 1 (TCP, type ") != NULL, "tcp note:\n%s",
			buf);
	const char *flow = strstr(buf, "flow create");
	CHECK(flow != NULL && strstr(flow, "tcp") == NULL && strstr(flow, "meter") == NULL &&
					strstr(flow,
							"actions represented_port ethdev_port_id 2 "
							"/ end\n") != NULL,
			"unsupported flow line:\n%s", buf);
}

/* Like snprintf: the full length whatever len, never a byte past len, NUL inside. */
static void check_truncation(struct flow_spec *s, char *full)
{
	static char buf[OUT_MAX + 64];
	int n = dump(shape("sample_tunnel_mirror"), s, 0, full);
	size_t lens[] = { 0, 1, 2, 17, (size_t)n / 2, (size_t)n - 1, (size_t)n, (size_t)n + 1 };

	for (unsigned i = 0; i < RTE_DIM(lens); i++) {
		size_t len = lens[i];
		memset(buf, 0xaa, sizeof(buf));
		int m = flow_spec_to_testpmd(s, 0, 0, buf, len);
		CHECK(m == n, "len %zu: returned %d, want %d", len, m, n);
		for (size_t k = len; k < sizeof(buf); k++)
			if ((uint8_t)buf[k] != 0xaa) {
				CHECK(false, "len %zu: byte %zu written", len, k);
				break;
			}
		if (len == 0)
			continue;
		size_t used = RTE_MIN(len - 1, (size_t)n);
		CHECK(buf[used] == '\0' && memcmp(buf, full, used) == 0, "len %zu: content", len);
	}
}

static int write_files(const char *dir, struct flow_spec *s, char *buf)
{
	char path[512];
	FILE *cmds, *exp;

	snprintf(path, sizeof(path), "%s/commands.txt", dir);
	cmds = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/expected.txt", dir);
	exp = fopen(path, "w");
	if (cmds == NULL || exp == NULL) {
		perror(path);
		return -1;
	}
	for (unsigned i = 0; test_rules[i].name != NULL; i++) {
		const struct test_rule *r = &test_rules[i];
		dump(r, s, i, buf);
		fprintf(cmds, "# rule %s\n", r->name);
		for (char *l = buf; *l != '\0'; l = strchr(l, '\n') + 1) {
			const char *create = "flow create ";
			if (strncmp(l, create, strlen(create)) == 0) {
				fprintf(cmds, "flow validate ");
				l += strlen(create);
			}
			fprintf(cmds, "%.*s\n", (int)(strchr(l, '\n') - l), l);
		}
		fprintf(exp, "= %s%s\n", r->name, r->exact ? "" : " inexact");
		flow_canon(exp, 0, &s->attr, s->pattern, s->actions);
	}
	fclose(cmds);
	fclose(exp);
	return 0;
}

int main(int argc, char **argv)
{
	static struct flow_spec s;
	static char buf[OUT_MAX];

	check_exact(&s, buf);
	check_notes(&s, buf);
	check_truncation(&s, buf);
	if (argc > 1 && write_files(argv[1], &s, buf) < 0)
		return 1;
	if (argc <= 1) /* show what a lab engineer gets */
		for (unsigned i = 0; test_rules[i].name != NULL; i++) {
			dump(&test_rules[i], &s, i, buf);
			printf("# rule %s\n%s", test_rules[i].name, buf);
		}
	printf("%s: %d failure(s)\n", argv[0], failures);
	return failures == 0 ? 0 : 1;
}
