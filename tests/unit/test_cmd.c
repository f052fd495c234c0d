/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Unit tests of the command language engine (appliance/control): tokenizer,
 * keyword alternatives, typed placeholders, optional groups, error messages,
 * best match and JSON replies. The grammar here is a few test-only commands
 * (all starting with "zz", so the appliance's own commands, linked in from
 * nfva_core, never compete with them); the engine needs no EAL.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "control/cmd.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

/* Result of every test command: {"cmd": id, "args": {name: value or true}}. */
static int echo(const char *id, const struct cmd_args *a, struct cmd_reply *r)
{
	json_t *args = json_object();

	for (unsigned i = 0; i < a->n; i++)
		json_object_set_new(args, a->items[i].name,
				a->items[i].value ? json_string(a->items[i].value) : json_true());
	r->result = json_pack("{s:s, s:o}", "cmd", id, "args", args);
	return 0;
}

/* A command whose handler answers echo(TAG): what the engine parsed. */
#define ECHO_CMD(fn, tag, grammar, help)                                                           \
	static int fn(const struct cmd_args *a, struct cmd_reply *r)                               \
	{                                                                                          \
		return echo(tag, a, r);                                                            \
	}                                                                                          \
	NFVA_CMD(fn, grammar, help)

ECHO_CMD(zz_alt, "alt", "zzalt alpha|beta NAME", "keyword alternatives")
ECHO_CMD(zz_type, "type", "zztype [mac MAC] [vlan VLAN] [ip IP] [prefix PREFIX] [n N] [name NAME]",
		"one optional group per placeholder type")
ECHO_CMD(zz_opt, "opt", "zzopt NAME [mtu MTU] [vlan VLAN] [flag] [ip IP2]", "optional groups")
ECHO_CMD(zz_del, "del", "zzport del PORT", "a required placeholder")

/* The generic one is registered first: a first-match engine would pick it. */
ECHO_CMD(zz_show_name, "show-name", "zzshow NAME", "generic")
ECHO_CMD(zz_show_all, "show-all", "zzshow all", "specific")

/* N = 0: success; 1: error with a message (after setting a result, which the
 * engine must drop); 2: bare -EPERM; 3: success without a result. */
static int zz_fail(const struct cmd_args *a, struct cmd_reply *r)
{
	switch (cmd_arg_u32(a, "N", 99)) {
	case 0:
		r->result = json_pack("{s:i}", "n", 0);
		return 0;
	case 1:
		r->result = json_string("must not leak");
		return cmd_error(r, EINVAL, "zzfail refused %s", cmd_arg(a, "N"));
	case 2:
		return -EPERM;
	default:
		return 0;
	}
}
NFVA_CMD(zz_fail, "zzfail N", "handler outcomes")

/* Parses line; returns cmd_parse's result, err holds the message. */
static int parse(const char *line, struct cmd_parsed *p, char *err, size_t errlen)
{
	err[0] = '\0';
	return cmd_parse(line, p, err, errlen);
}

/* Asserts that line fails to parse with an error containing want. */
static void assert_parse_error(const char *line, const char *want)
{
	struct cmd_parsed p;
	char err[CMD_ERROR_SIZE];

	int ret = parse(line, &p, err, sizeof(err));
	cmd_parsed_free(&p);
	if (ret != -EINVAL || strstr(err, want) == NULL)
		fail_msg("'%s': ret %d, error \"%s\", wanted \"%s\"", line, ret, err, want);
}

/* Runs line through cmd_execute + cmd_reply_to_json. */
static json_t *execute_json(const char *line)
{
	struct cmd_reply reply;
	int ret = cmd_execute(line, &reply);
	return cmd_reply_to_json(&reply, ret);
}

/* The reply behind the last run_args() result, freed by the next call. */
static json_t *last_reply;

/* The "args" object of a successful test command, with its "cmd" checked. */
static json_t *run_args(const char *line, const char *cmd)
{
	json_t *j = execute_json(line);

	json_decref(last_reply);
	last_reply = j;
	const char *status = json_string_value(json_object_get(j, "status"));
	if (status == NULL || strcmp(status, "ok") != 0)
		fail_msg("'%s': %s", line, json_string_value(json_object_get(j, "error")));
	json_t *result = json_object_get(j, "result");
	assert_string_equal(json_string_value(json_object_get(result, "cmd")), cmd);
	return json_object_get(result, "args");
}

static const char *arg_str(json_t *args, const char *name)
{
	return json_string_value(json_object_get(args, name));
}

static void test_tokenizer(void **state)
{
	(void)state;
	char *tok[CMD_MAX_TOKENS];
	unsigned n;
	/* '#' starts a comment only where a word would start, as in sh. */
	char line[] = "  a  \"b c\"\td\\ e \"x\\\"y\" \"\" q\"uo\"te \"#in\" w#x  # a comment";

	assert_int_equal(cmd_tokenize(line, tok, CMD_MAX_TOKENS, &n), 0);
	assert_int_equal(n, 8);
	const char *want[] = { "a", "b c", "d e", "x\"y", "", "quote", "#in", "w#x" };
	for (unsigned i = 0; i < n; i++)
		assert_string_equal(tok[i], want[i]);

	char unterminated[] = "port add \"p0";
	assert_int_equal(cmd_tokenize(unterminated, tok, CMD_MAX_TOKENS, &n), -EINVAL);
	char empty[] = " \t ";
	assert_int_equal(cmd_tokenize(empty, tok, CMD_MAX_TOKENS, &n), 0);
	assert_int_equal(n, 0);
	char trailing_backslash[] = "a\\";
	assert_int_equal(cmd_tokenize(trailing_backslash, tok, CMD_MAX_TOKENS, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(tok[0], "a\\");

	char three[] = "a b c";
	assert_int_equal(cmd_tokenize(three, tok, 2, &n), -E2BIG);
	char exact[] = "a b ";
	assert_int_equal(cmd_tokenize(exact, tok, 2, &n), 0);
	assert_int_equal(n, 2);
}

static void test_parse_errors_of_tokenizer(void **state)
{
	(void)state;
	char line[4 * CMD_MAX_TOKENS + 8] = "";

	assert_parse_error("zzport del \"p0", "unterminated quote");
	for (unsigned i = 0; i <= CMD_MAX_TOKENS; i++)
		strcat(line, "zz ");
	assert_parse_error(line, "too many words");
	/* Quoting makes a NAME of anything the type allows, and nothing else. */
	json_t *args = run_args("zzport del \"p\\0\"", "del");
	assert_string_equal(arg_str(args, "PORT"), "p0");
	assert_parse_error("zzport del \"p 0\"", "invalid PORT 'p 0'");
}

static void test_empty_and_comment_lines(void **state)
{
	(void)state;
	const char *lines[] = { "", "   ", "# comment only", "   # indented comment" };

	for (unsigned i = 0; i < sizeof(lines) / sizeof(lines[0]); i++) {
		struct cmd_parsed p;
		char err[64];
		assert_int_equal(parse(lines[i], &p, err, sizeof(err)), 0);
		assert_null(p.def);
		assert_string_equal(err, "");
		cmd_parsed_free(&p);

		struct cmd_reply reply;
		assert_int_equal(cmd_execute(lines[i], &reply), 0);
		assert_null(reply.result);
		assert_string_equal(reply.error, "");
	}
}

static void test_keyword_alternatives(void **state)
{
	(void)state;
	json_t *args = run_args("zzalt alpha x1", "alt");

	assert_true(json_is_true(json_object_get(args, "alpha")));
	assert_null(json_object_get(args, "beta"));
	assert_string_equal(arg_str(args, "NAME"), "x1");
	args = run_args("zzalt beta x2", "alt");
	assert_true(json_is_true(json_object_get(args, "beta")));
	assert_null(json_object_get(args, "alpha"));

	struct cmd_parsed p;
	char err[CMD_ERROR_SIZE];
	assert_int_equal(parse("zzalt beta x2", &p, err, sizeof(err)), 0);
	assert_true(cmd_has(&p.args, "beta"));
	assert_false(cmd_has(&p.args, "alpha"));
	assert_false(cmd_has(&p.args, "x2")); /* a value is not a keyword */
	cmd_parsed_free(&p);

	assert_parse_error("zzalt gamma x1", "expected 'alpha|beta', got 'gamma'");
	assert_parse_error("zzalt alph x1", "expected 'alpha|beta', got 'alph'");
	assert_parse_error("zzalt alphabeta x1", "got 'alphabeta'");
	assert_parse_error("zzalt gamma x1", "(usage: zzalt alpha|beta NAME)");
}

struct typed_case {
	const char *group;
	const char *value;
	bool valid;
};

static const struct typed_case typed_cases[] = {
	{ "mac", "02:00:00:00:00:01", true },
	{ "mac", "AA:BB:CC:DD:EE:FF", true },
	{ "mac", "02:00:00:00:00", false },
	{ "mac", "02:00:00:00:00:01:02", false },
	{ "mac", "zz:00:00:00:00:01", false },
	{ "vlan", "1", true },
	{ "vlan", "100", true },
	{ "vlan", "4094", true },
	{ "vlan", "0", false },
	{ "vlan", "4095", false },
	{ "vlan", "5000", false },
	{ "vlan", "-1", false },
	{ "vlan", "1a", false },
	{ "vlan", "abc", false },
	{ "ip", "10.0.0.1", true },
	{ "ip", "255.255.255.255", true },
	{ "ip", "10.0.0", false },
	{ "ip", "10.0.0.256", false },
	{ "ip", "10.0.0.1/32", false },
	{ "prefix", "10.0.0.0/8", true },
	{ "prefix", "0.0.0.0/0", true },
	{ "prefix", "192.0.2.1/32", true },
	{ "prefix", "10.0.0.0", false },
	{ "prefix", "10.0.0.0/33", false },
	{ "prefix", "10.0.0.0/", false },
	{ "prefix", "10.0.0/8", false },
	{ "n", "0", true },
	{ "n", "4294967295", true },
	{ "n", "4294967296", false },
	{ "n", "-1", false },
	{ "n", "1.5", false },
	{ "n", "x", false },
	{ "name", "a", true },
	{ "name", "blue-1_x.y", true },
	{ "name", "abcdefghijklmnopqrstuvwxyz01234", true },   /* 31 */
	{ "name", "abcdefghijklmnopqrstuvwxyz012345", false }, /* 32 */
	{ "name", "1abc", false },
	{ "name", "_a", false },
	{ "name", "a/b", false },
	{ "name", "a:b", false },
};

static void test_typed_placeholders(void **state)
{
	(void)state;

	for (unsigned i = 0; i < sizeof(typed_cases) / sizeof(typed_cases[0]); i++) {
		const struct typed_case *c = &typed_cases[i];
		char line[128], upper[16], want[128];
		snprintf(line, sizeof(line), "zztype %s %s", c->group, c->value);
		for (unsigned k = 0; k <= strlen(c->group); k++)
			upper[k] = (char)toupper((unsigned char)c->group[k]);
		if (c->valid) {
			json_t *args = run_args(line, "type");
			assert_string_equal(arg_str(args, upper), c->value);
			continue;
		}
		snprintf(want, sizeof(want), "invalid %s '%s': expected %s", upper, c->value,
				cmd_type_find(upper)->describe);
		assert_parse_error(line, want);
	}
	assert_parse_error("zztype vlan 5000", "invalid VLAN '5000': expected a VLAN id (1-4094)");
}

static void test_types_and_typed_access(void **state)
{
	(void)state;
	struct cmd_parsed p;
	char err[CMD_ERROR_SIZE];

	assert_string_equal(cmd_type_find("VLAN")->name, "VLAN");
	assert_string_equal(cmd_type_find("N3")->name, "N"); /* trailing digits */
	assert_null(cmd_type_find("WORD"));                  /* untyped: any token */

	assert_int_equal(parse("zztype ip 192.0.2.1 mac 02:00:00:00:00:2a vlan 42 "
			       "prefix 10.1.0.0/16 n 7",
					 &p, err, sizeof(err)),
			0);
	assert_string_equal(err, "");
	assert_int_equal(cmd_arg_u32(&p.args, "VLAN", 0), 42);
	assert_int_equal(cmd_arg_u32(&p.args, "N", 0), 7);
	assert_int_equal(cmd_arg_u32(&p.args, "NAME", 1234), 1234); /* absent: default */
	assert_null(cmd_arg(&p.args, "NAME"));
	struct rte_ether_addr mac;
	assert_true(cmd_arg_mac(&p.args, "MAC", &mac));
	assert_int_equal(mac.addr_bytes[0], 0x02);
	assert_int_equal(mac.addr_bytes[5], 0x2a);
	uint32_t ip;
	uint8_t len;
	assert_true(cmd_arg_ipv4(&p.args, "IP", &ip));
	assert_int_equal(ip, htonl(0xc0000201));
	assert_true(cmd_arg_prefix(&p.args, "PREFIX", &ip, &len));
	assert_int_equal(ip, htonl(0x0a010000));
	assert_int_equal(len, 16);
	assert_false(cmd_arg_ipv4(&p.args, "NAME", &ip));
	cmd_parsed_free(&p);
}

static void test_optional_groups(void **state)
{
	(void)state;
	const char *orders[] = {
		"zzopt x1 flag vlan 5 mtu 1500 ip 10.0.0.1",
		"zzopt x1 mtu 1500 ip 10.0.0.1 flag vlan 5",
		"zzopt x1 ip 10.0.0.1 vlan 5 flag mtu 1500",
	};

	for (unsigned i = 0; i < 3; i++) {
		json_t *args = run_args(orders[i], "opt");
		/* zzopt NAME mtu MTU vlan VLAN flag ip IP2 */
		assert_int_equal(json_object_size(args), 9);
		assert_string_equal(arg_str(args, "NAME"), "x1");
		assert_string_equal(arg_str(args, "MTU"), "1500");
		assert_string_equal(arg_str(args, "VLAN"), "5");
		assert_string_equal(arg_str(args, "IP2"), "10.0.0.1");
		assert_true(json_is_true(json_object_get(args, "flag")));
	}
	json_t *args = run_args("zzopt x1", "opt");
	assert_int_equal(json_object_size(args), 2);
	args = run_args("zzopt x1 flag", "opt");
	assert_int_equal(json_object_size(args), 3);

	assert_parse_error("zzopt x1 flag flag", "unexpected 'flag'");
	assert_parse_error("zzopt x1 vlan 5 vlan 6", "unexpected 'vlan'");
	assert_parse_error("zzopt x1 vlan", "missing VLAN");
	assert_parse_error("zzopt x1 mtu 67", "invalid MTU '67'");
	assert_parse_error("zzopt x1 ip 10.0.0.300", "invalid IP2 '10.0.0.300': expected an IPv4");
}

static void test_missing_unexpected_unknown(void **state)
{
	(void)state;
	assert_parse_error("zzport del", "missing PORT (usage: zzport del PORT)");
	assert_parse_error("zzport", "missing del");
	assert_parse_error("zzport del p0 x", "unexpected 'x' (usage: zzport del PORT)");
	assert_parse_error("bogus", "unknown command 'bogus' (try 'help')");
	assert_parse_error("bogus zzport del p0", "unknown command 'bogus'");

	/* The deepest failure explains: "zzport del" got further than "zzport". */
	struct cmd_parsed p;
	char err[CMD_ERROR_SIZE];
	assert_int_equal(parse("zzport del p0 x", &p, err, sizeof(err)), -EINVAL);
	assert_null(p.def);
	assert_string_equal(err, "unexpected 'x' (usage: zzport del PORT)");
	cmd_parsed_free(&p);
}

static void test_best_match(void **state)
{
	(void)state;
	struct cmd_parsed p;
	char err[CMD_ERROR_SIZE];

	/* "all" is a valid NAME, but the command with more keywords wins. */
	assert_int_equal(parse("zzshow all", &p, err, sizeof(err)), 0);
	assert_string_equal(p.def->syntax, "zzshow all");
	cmd_parsed_free(&p);
	run_args("zzshow all", "show-all");
	json_t *args = run_args("zzshow blue", "show-name");
	assert_string_equal(arg_str(args, "NAME"), "blue");

	/* cmd_first walks every registered command, ours included. */
	unsigned ours = 0;
	for (const struct cmd_def *d = cmd_first(); d != NULL; d = d->next)
		ours += strncmp(d->syntax, "zz", 2) == 0;
	assert_int_equal(ours, 7);
}

static void assert_reply_error(const char *line, const char *error)
{
	json_t *j = execute_json(line);

	assert_int_equal(json_object_size(j), 2);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "error");
	assert_string_equal(json_string_value(json_object_get(j, "error")), error);
	assert_null(json_object_get(j, "result"));
	json_decref(j);
}

static void test_replies(void **state)
{
	(void)state;
	struct cmd_reply reply;

	json_t *j = execute_json("zzfail 0");
	assert_int_equal(json_object_size(j), 2);
	assert_string_equal(json_string_value(json_object_get(j, "status")), "ok");
	json_t *want = json_pack("{s:i}", "n", 0);
	assert_true(json_equal(json_object_get(j, "result"), want));
	json_decref(want);
	json_decref(j);

	j = execute_json("zzfail 3");
	assert_string_equal(json_string_value(json_object_get(j, "status")), "ok");
	assert_true(json_is_null(json_object_get(j, "result")));
	json_decref(j);

	assert_reply_error("zzfail 1", "zzfail refused 1");
	assert_reply_error("zzfail 2", strerror(EPERM));
	assert_reply_error("bogus", "unknown command 'bogus' (try 'help')");
	assert_reply_error("zzfail x",
			"invalid N 'x': expected an unsigned integer "
			"(usage: zzfail N)");

	/* The engine drops a result that a failing handler had set. */
	assert_int_equal(cmd_execute("zzfail 1", &reply), -EINVAL);
	assert_null(reply.result);
	assert_string_equal(reply.error, "zzfail refused 1");
	assert_int_equal(cmd_execute("zzfail 2", &reply), -EPERM);
	assert_int_equal(cmd_error(&reply, -ENOENT, "x %d", 1), -ENOENT);
	assert_int_equal(cmd_error(&reply, ENOENT, "y %d", 2), -ENOENT);
	assert_string_equal(reply.error, "y 2");
}

static int group_teardown(void **state)
{
	(void)state;
	json_decref(last_reply);
	last_reply = NULL;
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tokenizer),
		cmocka_unit_test(test_parse_errors_of_tokenizer),
		cmocka_unit_test(test_empty_and_comment_lines),
		cmocka_unit_test(test_keyword_alternatives),
		cmocka_unit_test(test_typed_placeholders),
		cmocka_unit_test(test_types_and_typed_access),
		cmocka_unit_test(test_optional_groups),
		cmocka_unit_test(test_missing_unexpected_unknown),
		cmocka_unit_test(test_best_match),
		cmocka_unit_test(test_replies),
	};
	return cmocka_run_group_tests_name("cmd", tests, NULL, group_teardown);
}
