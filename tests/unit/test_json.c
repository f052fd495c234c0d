/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The JSON replies of real commands, run through cmd_execute() the way the
 * control socket and the config file run them: networks, the FDB summary and
 * ageing, ports (none: no device is probed here) and help. Every failing
 * command is checked to change nothing.
 */
#include <string.h>

#include <rte_ether.h>

#include "core/bounds.h"
#include "control/cmd.h"
#include "core/dp_config.h"
#include "overlay/encap.h"
#include "l2/fdb.h"
#include "l2/network.h"
#include "core/punt.h"
#include "eal_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#define FDB_ENTRIES 65536

/* Replies kept alive until the end of the test that asked for them. */
static json_t *replies;

/* Runs line; returns its {"status", "result"|"error"} reply (owned here). */
static json_t *execute(const char *line)
{
	struct cmd_reply reply;
	int ret = cmd_execute(line, &reply);
	json_t *j = cmd_reply_to_json(&reply, ret);

	assert_non_null(j);
	json_array_append_new(replies, j);
	const char *status = json_string_value(json_object_get(j, "status"));
	assert_non_null(status);
	assert_int_equal(ret < 0, strcmp(status, "error") == 0);
	return j;
}

static json_t *run_ok(const char *line)
{
	json_t *j = execute(line);

	if (strcmp(json_string_value(json_object_get(j, "status")), "ok") != 0)
		fail_msg("'%s' failed: %s", line, json_string_value(json_object_get(j, "error")));
	assert_int_equal(json_object_size(j), 2);
	return json_object_get(j, "result");
}

/* Runs line, which must succeed with a null result. (json_is_null is a macro
 * that evaluates its argument twice: never hand it a call.) */
static void run_ok_null(const char *line)
{
	json_t *r = run_ok(line);
	assert_true(json_is_null(r));
}

/* Asserts that line fails with an error containing want. */
static void run_error(const char *line, const char *want)
{
	json_t *j = execute(line);
	const char *error = json_string_value(json_object_get(j, "error"));

	if (strcmp(json_string_value(json_object_get(j, "status")), "error") != 0)
		fail_msg("'%s' succeeded, wanted an error", line);
	assert_int_equal(json_object_size(j), 2);
	if (error == NULL || strstr(error, want) == NULL)
		fail_msg("'%s': error \"%s\", wanted \"%s\"", line, error, want);
}

static json_int_t int_of(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	if (!json_is_integer(v))
		fail_msg("'%s' is not an integer", key);
	return json_integer_value(v);
}

static const char *str_of(json_t *obj, const char *key)
{
	json_t *v = json_object_get(obj, key);
	if (!json_is_string(v))
		fail_msg("'%s' is not a string", key);
	return json_string_value(v);
}

static size_t network_count(void)
{
	json_t *list = run_ok("network show");
	assert_true(json_is_array(list));
	return json_array_size(list);
}

/* A network without members or overlay, as every view shows it. Keys are
 * exactly these five; an "overlay" key, where the tree has one, is null. */
static void assert_plain_network(json_t *n, const char *name, json_int_t mac_limit, json_int_t macs)
{
	static const char *const keys[] = { "name", "index", "mac_limit", "macs", "members" };
	const char *key;
	json_t *v;

	assert_true(json_is_object(n));
	json_object_foreach(n, key, v) {
		bool known = strcmp(key, "overlay") == 0 && json_is_null(v);
		for (unsigned i = 0; i < RTE_DIM(keys); i++)
			known |= strcmp(key, keys[i]) == 0;
		if (!known)
			fail_msg("unexpected key '%s' in network %s", key, name);
	}
	for (unsigned i = 0; i < RTE_DIM(keys); i++)
		if (json_object_get(n, keys[i]) == NULL)
			fail_msg("network %s has no '%s'", name, keys[i]);
	assert_string_equal(str_of(n, "name"), name);
	json_int_t index = int_of(n, "index");
	assert_true(index >= 0 && index < (json_int_t)network_capacity());
	assert_int_equal(int_of(n, "mac_limit"), mac_limit);
	assert_int_equal(int_of(n, "macs"), macs);
	assert_true(json_is_array(json_object_get(n, "members")));
	assert_int_equal(json_array_size(json_object_get(n, "members")), 0);
}

static void assert_summary(json_int_t entries, json_int_t ageing)
{
	json_t *s = run_ok("fdb summary");

	assert_int_equal(json_object_size(s), 3);
	assert_int_equal(int_of(s, "entries"), entries);
	assert_int_equal(int_of(s, "capacity"), FDB_ENTRIES);
	assert_int_equal(int_of(s, "ageing"), ageing);
}

/* The daemon's own order (main.c init_state), less ports and workers: every
 * snapshot builder needs its module initialised before the first commit. */
static int group_setup(void **state)
{
	(void)state;
	if (unit_eal_init("json") < 0 || dp_config_init(1) < 0)
		return -1;
	if (fdb_init(FDB_ENTRIES, dp_qsbr()) < 0 || encap_init(dp_qsbr()) < 0 || punt_init() < 0 ||
			network_init() < 0)
		return -1;
	return dp_config_commit();
}

static int group_teardown(void **state)
{
	(void)state;
	network_fini();
	punt_fini();
	encap_fini();
	fdb_fini();
	dp_config_fini();
	unit_eal_cleanup();
	return 0;
}

static int test_setup(void **state)
{
	(void)state;
	replies = json_array();
	return 0;
}

/* Every test leaves no network behind, so the next one starts clean. */
static int test_teardown(void **state)
{
	(void)state;
	json_decref(replies);
	replies = NULL;
	for (uint16_t i = 0; i < network_capacity(); i++)
		if (network_by_index(i) != NULL)
			network_del(network_by_index(i));
	return 0;
}

static void test_network_lifecycle(void **state)
{
	(void)state;

	assert_int_equal(network_count(), 0);
	assert_plain_network(run_ok("network add blue"), "blue", 0, 0);
	run_error("network add blue", "exists");
	json_t *list = run_ok("network show");
	assert_int_equal(json_array_size(list), 1);
	assert_plain_network(json_array_get(list, 0), "blue", 0, 0);

	assert_plain_network(run_ok("network blue set mac-limit 5"), "blue", 5, 0);
	list = run_ok("network show blue");
	assert_int_equal(json_array_size(list), 1);
	assert_plain_network(json_array_get(list, 0), "blue", 5, 0);
	run_error("network show red", "no network named red");

	run_ok_null("network del blue");
	assert_int_equal(json_array_size(run_ok("network show")), 0);
	run_error("network del blue", "no network named blue");
}

static void test_failing_commands_change_nothing(void **state)
{
	(void)state;

	run_ok("network add blue mac-limit 7");
	assert_int_equal(network_count(), 1);
	run_error("network add blue", "network blue exists");
	run_error("network add blue mac-limit 9", "network blue exists");
	run_error("network add 1bad", "invalid NAME '1bad'");
	run_error("network add red mac-limit x", "invalid N 'x'");
	run_error("network nope set mac-limit 5", "no network named nope");
	run_error("network blue set mac-limit", "missing N");
	run_error("network blue attach nope", "no port named nope");
	assert_int_equal(network_count(), 1);
	json_t *list = run_ok("network show");
	assert_plain_network(json_array_get(list, 0), "blue", 7, 0);
	assert_null(network_find("red"));
}

/* Learns count MACs into network name on appliance port 0. */
static void learn_into(const char *name, uint32_t count)
{
	const struct network *n = network_find(name);
	union fdb_dest d = { .u64 = 0 };

	assert_non_null(n);
	d.kind = FDB_DEST_PORT;
	d.vlan = NFVA_VLAN_NONE;
	for (uint32_t i = 0; i < count; i++) {
		struct fdb_key k = { .network = n->index,
			.mac = { .addr_bytes = { 0x02, 0, 0, 0, 0, (uint8_t)(i + 1) } } };
		assert_int_equal(fdb_learn(&k, d, 1, NULL), FDB_LEARN_NEW);
	}
}

static void test_fdb_commands(void **state)
{
	(void)state;

	assert_summary(0, NFVA_DEFAULT_AGEING_S);
	json_t *r = run_ok("fdb ageing 10");
	assert_int_equal(json_object_size(r), 1);
	assert_int_equal(int_of(r, "ageing"), 10);
	assert_summary(0, 10);
	run_error("fdb ageing 0", "invalid SECONDS '0'");
	run_error("fdb ageing", "missing SECONDS");
	assert_summary(0, 10);
	run_ok("fdb ageing 300");
	assert_summary(0, 300);

	json_t *show = run_ok("fdb show");
	assert_true(json_is_array(show));
	assert_int_equal(json_array_size(show), 0);
	run_error("fdb show network nope", "no network named nope");
	run_error("fdb show port nope", "no port named nope");
}

static void test_fdb_entries_in_replies(void **state)
{
	(void)state;

	run_ok("network add blue");
	learn_into("blue", 3);
	assert_summary(3, NFVA_DEFAULT_AGEING_S);
	assert_plain_network(json_array_get(run_ok("network show"), 0), "blue", 0, 3);

	json_t *show = run_ok("fdb show network blue");
	assert_int_equal(json_array_size(show), 3);
	json_t *e = json_array_get(show, 0);
	assert_string_equal(str_of(e, "network"), "blue");
	assert_string_equal(str_of(e, "type"), "dynamic");
	assert_true(strncmp(str_of(e, "mac"), "02:00:00:00:00:0", 16) == 0);
	assert_true(json_is_null(json_object_get(e, "vlan")));

	run_error("fdb add 01:00:5e:00:00:01 network blue port p0", "is not a unicast MAC");
	run_error("fdb add 02:00:00:00:00:09 network blue port p0", "no port named p0");
	run_error("fdb add 02:00:00:00:00:09 network red port p0", "no network named red");
	run_error("fdb del 02:00:00:00:00:09 network blue", "no entry for 02:00:00:00:00:09");
	assert_summary(3, NFVA_DEFAULT_AGEING_S);

	run_ok_null("fdb del 02:00:00:00:00:01 network blue");
	assert_summary(2, NFVA_DEFAULT_AGEING_S);
	/* Deleting the network forgets its MACs. */
	run_ok("network del blue");
	assert_summary(0, NFVA_DEFAULT_AGEING_S);

	run_ok("network add red");
	learn_into("red", 2);
	json_t *r = run_ok("fdb flush network red");
	assert_int_equal(int_of(r, "flushed"), 2);
	assert_summary(0, NFVA_DEFAULT_AGEING_S);
}

static void test_port_commands(void **state)
{
	(void)state;

	json_t *list = run_ok("port show");
	assert_true(json_is_array(list));
	assert_int_equal(json_array_size(list), 0);
	run_error("port del nope", "no port named nope");
	run_error("port show nope", "no port named nope");
	run_error("port set nope mac-limit 3", "no port named nope");
	run_error("port add p0", "or vhost-user (usage: port add");
	run_error("port add p0 dev net_null0 rxd 20000", "rxd/txd must be at most 16384");
	assert_int_equal(json_array_size(run_ok("port show")), 0);
}

static void test_help(void **state)
{
	(void)state;
	json_t *list = run_ok("help"), *c;
	size_t i;
	bool port_add = false;

	assert_true(json_is_array(list));
	assert_true(json_array_size(list) >= 10);
	json_array_foreach(list, i, c) {
		assert_int_equal(json_object_size(c), 2);
		const char *command = str_of(c, "command");
		assert_true(str_of(c, "help")[0] != '\0');
		port_add |= strncmp(command, "port add NAME dev DEVARGS ", 26) == 0;
	}
	assert_true(port_add);

	/* With a topic: only the commands starting with it. */
	list = run_ok("help network");
	assert_true(json_array_size(list) >= 5);
	json_array_foreach(list, i, c)
		assert_true(strncmp(str_of(c, "command"), "network", 7) == 0);
	assert_int_equal(json_array_size(run_ok("help nothing-starts-so")), 0);
}

static void test_empty_line_and_unknown(void **state)
{
	(void)state;

	run_ok_null("");
	run_ok_null("# a comment");
	run_error("bogus", "unknown command 'bogus'");
	run_error("network add \"blue", "unterminated quote");
	assert_int_equal(network_count(), 0);
}

int main(void)
{
#define T(fn) cmocka_unit_test_setup_teardown(fn, test_setup, test_teardown)
	const struct CMUnitTest tests[] = {
		T(test_network_lifecycle),
		T(test_failing_commands_change_nothing),
		T(test_fdb_commands),
		T(test_fdb_entries_in_replies),
		T(test_port_commands),
		T(test_help),
		T(test_empty_line_and_unknown),
	};
#undef T
	return cmocka_run_group_tests_name("json", tests, group_setup, group_teardown);
}
