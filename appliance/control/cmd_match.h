/* SPDX-License-Identifier: BSD-3-Clause */
/* Private to the command engine: matching tokens against one syntax. */
#ifndef NFVA_CMD_MATCH_H
#define NFVA_CMD_MATCH_H

#include "control/cmd.h"

struct match_result {
	unsigned depth;    /* tokens consumed before success or failure */
	unsigned keywords; /* keywords matched: the more, the more specific */
	char error[256];
};

struct cmd_syntax;
/* Compiled once at registration; lives as long as the process. */
struct cmd_syntax *cmd_syntax_compile(const char *text);
bool cmd_match(const struct cmd_syntax *s, char **tokens, unsigned n_tokens, struct cmd_args *args,
		struct match_result *res);

#endif
