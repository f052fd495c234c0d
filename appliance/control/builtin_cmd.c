/* SPDX-License-Identifier: BSD-3-Clause */
/* Commands about the command language and the daemon itself: help, log,
 * version; the log levels set at run time are part of the running config. */
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include <rte_log.h>
#include <rte_version.h>

#include "control/cmd.h"
#include "control/running_config.h"
#include "core/version.h"

/* `log level` commands in force, oldest first (a pattern given again moves
 * to the end): replayed in this order they give the same levels. */
#define LOG_LEVELS_KEPT 32
static struct {
	char pattern[64];
	char level[16];
} log_levels[LOG_LEVELS_KEPT];
static unsigned n_log_levels;

static int help(const struct cmd_args *a, struct cmd_reply *r)
{
	const char *topic = cmd_arg(a, "WORD");
	json_t *list = json_array();

	for (const struct cmd_def *d = cmd_first(); d != NULL; d = d->next) {
		if (topic != NULL && strncmp(d->syntax, topic, strlen(topic)) != 0)
			continue;
		json_array_append_new(list,
				json_pack("{s:s, s:s}", "command", d->syntax, "help", d->help));
	}
	r->result = list;
	return 0;
}
NFVA_CMD_RO(help, "help [WORD]", "list commands, or those starting with WORD")

static int level_from_name(const char *name)
{
	static const char *const names[] = { "emerg", "alert", "crit", "err", "warning", "notice",
		"info", "debug" };
	for (unsigned i = 0; i < RTE_DIM(names); i++)
		if (strcmp(name, names[i]) == 0)
			return (int)i + 1; /* RTE_LOG_EMERG == 1 */
	return -1;
}

static void remember_level(const char *pattern, const char *level)
{
	unsigned i = 0;

	while (i < n_log_levels && strcmp(log_levels[i].pattern, pattern) != 0)
		i++;
	if (i == n_log_levels && n_log_levels == LOG_LEVELS_KEPT)
		i = 0; /* full: the oldest goes */
	else if (i == n_log_levels)
		n_log_levels++;
	for (; i + 1 < n_log_levels; i++)
		log_levels[i] = log_levels[i + 1];
	snprintf(log_levels[i].pattern, sizeof(log_levels[i].pattern), "%s", pattern);
	snprintf(log_levels[i].level, sizeof(log_levels[i].level), "%s", level);
}

static int log_level(const struct cmd_args *a, struct cmd_reply *r)
{
	const char *pattern = cmd_arg(a, "PATTERN");
	int level = level_from_name(cmd_arg(a, "LEVEL"));

	if (strlen(pattern) >= sizeof(log_levels[0].pattern))
		return cmd_error(r, EINVAL, "a pattern has at most %zu characters",
				sizeof(log_levels[0].pattern) - 1);
	if (rte_log_set_level_pattern(pattern, level) < 0)
		return cmd_error(r, EINVAL, "cannot set level of '%s'", pattern);
	remember_level(pattern, cmd_arg(a, "LEVEL"));
	r->result = json_pack("{s:s, s:s}", "pattern", pattern, "level", cmd_arg(a, "LEVEL"));
	return 0;
}
NFVA_CMD(log_level, "log level PATTERN LEVEL",
		"set the level of the log types matching PATTERN (e.g. 'nfva.*' debug)")

static void log_config(struct config_out *o)
{
	for (unsigned i = 0; i < n_log_levels; i++) {
		config_add(o, "log level");
		config_word(o, log_levels[i].pattern);
		config_add(o, "%s", log_levels[i].level);
		config_end(o);
	}
}
CONFIG_SECTION(CONFIG_ORDER_LOG, log_config)

static int version_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	(void)a;
	r->result = json_pack("{s:s, s:s, s:s}", "version", NFVA_VERSION, "commit", NFVA_COMMIT,
			"dpdk", rte_version());
	return 0;
}
NFVA_CMD_RO(version_cmd, "version", "nfva's version, its git commit and the DPDK version")
