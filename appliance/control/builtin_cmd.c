/* SPDX-License-Identifier: BSD-3-Clause */
/* Commands about the command language and the daemon itself: help, log. */
#include <fnmatch.h>
#include <stdio.h>
#include <string.h>

#include <rte_log.h>

#include "control/cmd.h"

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
NFVA_CMD(help, "help [WORD]", "list commands, or those starting with WORD")

static int level_from_name(const char *name)
{
	static const char *const names[] = { "emerg", "alert", "crit", "err", "warning", "notice",
		"info", "debug" };
	for (unsigned i = 0; i < RTE_DIM(names); i++)
		if (strcmp(name, names[i]) == 0)
			return (int)i + 1; /* RTE_LOG_EMERG == 1 */
	return -1;
}

static int log_level(const struct cmd_args *a, struct cmd_reply *r)
{
	const char *pattern = cmd_arg(a, "PATTERN");
	int level = level_from_name(cmd_arg(a, "LEVEL"));

	if (rte_log_set_level_pattern(pattern, level) < 0)
		return cmd_error(r, EINVAL, "cannot set level of '%s'", pattern);
	r->result = json_pack("{s:s, s:s}", "pattern", pattern, "level", cmd_arg(a, "LEVEL"));
	return 0;
}
NFVA_CMD(log_level, "log level PATTERN LEVEL",
		"set the level of the log types matching PATTERN (e.g. 'nfva.*' debug)")
