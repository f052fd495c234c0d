/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The command language: one grammar table shared by the startup config file
 * and the control socket. A module registers its commands from its own file:
 *
 *   static int port_del(const struct cmd_args *a, struct cmd_reply *r) {...}
 *   NFVA_CMD(port_del, "port del PORT", "remove a port");
 *
 * Syntax: lowercase words are keywords, `a|b` alternative keywords, UPPER
 * words are typed placeholders (type = the word without trailing digits, see
 * cmd_types.c), `[...]` optional groups which may follow the fixed part in
 * any order. Values are validated while matching, so a handler only sees
 * well-formed arguments. A handler validates everything it needs before it
 * changes anything: a failing command changes nothing.
 *
 * Handlers run on the control thread only.
 */
#ifndef NFVA_CMD_H
#define NFVA_CMD_H

#include <stdbool.h>
#include <stdint.h>
#include <jansson.h>
#include <rte_ether.h>

#include "core/ip_addr.h"

#define CMD_MAX_TOKENS 64
#define CMD_ERROR_SIZE 512

struct cmd_args {
	unsigned n;
	struct {
		const char *name;  /* placeholder (e.g. "PORT") or matched keyword */
		const char *value; /* token text; NULL for keywords */
	} items[CMD_MAX_TOKENS];
};

/*
 * A result too large to build at once (a million FDB entries): instead of
 * result, a handler may leave a stream, an array whose items are produced a
 * few at a time. The control socket writes them as the client reads, with
 * no lock held in between and bounded memory; every other caller gets the
 * whole array (cmd_reply_drain). Control thread.
 */
struct cmd_stream {
	/* Append at most max items to list; return how many (0: the end). */
	unsigned (*next)(void *state, json_t *list, unsigned max);
	void (*free)(void *state); /* NULL: nothing to free */
	void *state;
};

struct cmd_reply {
	json_t *result;             /* owned by the reply; NULL = JSON null */
	char error[CMD_ERROR_SIZE]; /* set when the handler fails */
	struct cmd_stream stream;   /* next != NULL: the result is this array */
};

/*
 * A command's handler. Called by cmd_run() on the control thread, for a line
 * of the startup file or of a control-socket client, with args already
 * matched and validated against the syntax. Returns 0 with reply->result
 * set (a new reference the reply owns; NULL = JSON null), or -errno with a
 * message in reply->error (cmd_error() does both); on failure it must have
 * changed nothing. args and its strings belong to the caller and live only
 * for the call.
 */
typedef int (*cmd_handler_fn)(const struct cmd_args *args, struct cmd_reply *reply);

/* cmd_def.flags */
#define CMD_F_READONLY 0x01 /* changes no configuration: no autosave after it (show, help) */

struct cmd_def {
	const char *syntax;
	const char *help;
	cmd_handler_fn handler;
	unsigned flags;              /* CMD_F_* */
	struct cmd_syntax *compiled; /* filled by cmd_register */
	struct cmd_def *next;
};

void cmd_register(struct cmd_def *def);

#define NFVA_CMD_FLAGS(fn, syntax_str, help_str, flags_)                                           \
	static struct cmd_def cmd_def_##fn = { .syntax = syntax_str,                               \
		.help = help_str,                                                                  \
		.handler = fn,                                                                     \
		.flags = (flags_) };                                                               \
	RTE_INIT(cmd_register_##fn)                                                                \
	{                                                                                          \
		cmd_register(&cmd_def_##fn);                                                       \
	}
/* A command that may change the configuration (the default: when in doubt,
 * --autosave saves, and saves only if the running configuration differs). */
#define NFVA_CMD(fn, syntax_str, help_str) NFVA_CMD_FLAGS(fn, syntax_str, help_str, 0)
/* A command that only reads (show, help, counters). */
#define NFVA_CMD_RO(fn, syntax_str, help_str)                                                      \
	NFVA_CMD_FLAGS(fn, syntax_str, help_str, CMD_F_READONLY)

/* A matched command ready to run; tokens are owned by it. */
struct cmd_parsed {
	const struct cmd_def *def;
	char *storage;
	unsigned n_tokens;
	char *tokens[CMD_MAX_TOKENS];
	struct cmd_args args;
};

/* Match a line against the grammar. 0, or -EINVAL with a message in err.
 * An empty or comment-only line yields def == NULL. */
int cmd_parse(const char *line, struct cmd_parsed *out, char *err, size_t errlen);
void cmd_parsed_free(struct cmd_parsed *p);
/* Run a parsed command; the reply holds the result or the error message.
 * After a command that succeeded and is not CMD_F_READONLY, the change hook
 * runs (if one is set). */
int cmd_run(const struct cmd_parsed *p, struct cmd_reply *reply);
/* The function run after each successful command that may change the
 * configuration (--autosave, control/config_save.c); NULL for none. Set once
 * the startup file is loaded, so loading it never triggers it. */
void cmd_set_change_hook(void (*hook)(void));
/* parse + run. */
int cmd_execute(const char *line, struct cmd_reply *reply);
/* {"status":"ok","result":...} or {"status":"error","error":"..."}; steals result
 * (a stream is drained into it first). */
json_t *cmd_reply_to_json(struct cmd_reply *reply, int status);
/* Turn a stream into result (the whole array), then free the stream. */
void cmd_reply_drain(struct cmd_reply *reply);
/* Free a stream not drained (a failed command, a client gone). */
void cmd_stream_free(struct cmd_stream *s);

/* Handler helpers. */
int cmd_error(struct cmd_reply *reply, int err, const char *fmt, ...)
		__attribute__((format(printf, 3, 4)));
const char *cmd_arg(const struct cmd_args *a, const char *name);
bool cmd_has(const struct cmd_args *a, const char *keyword);
uint32_t cmd_arg_u32(const struct cmd_args *a, const char *name, uint32_t dflt);
bool cmd_arg_mac(const struct cmd_args *a, const char *name, struct rte_ether_addr *mac);
bool cmd_arg_ipv4(const struct cmd_args *a, const char *name, uint32_t *ip_be);
bool cmd_arg_prefix(const struct cmd_args *a, const char *name, uint32_t *ip_be, uint8_t *len);
/* An ADDR (either family), a PREFIX of either family (len defaults to the
 * whole address). */
bool cmd_arg_addr(const struct cmd_args *a, const char *name, struct nfva_ip *ip);
bool cmd_arg_addr_prefix(const struct cmd_args *a, const char *name, struct nfva_ip *ip,
		uint8_t *len);

/* Placeholder types (cmd_types.c); modules may add their own. */
struct cmd_type {
	const char *name;     /* e.g. "MAC" */
	const char *describe; /* e.g. "a MAC address (aa:bb:cc:dd:ee:ff)" */
	bool (*valid)(const char *token);
	struct cmd_type *next;
};
void cmd_register_type(struct cmd_type *t);
const struct cmd_type *cmd_type_find(const char *placeholder);

/* Walk the grammar (help, docs). */
const struct cmd_def *cmd_first(void);

/* Split a line into tokens in place: whitespace separated, "double quotes"
 * and backslash escapes; '#' starts a comment outside quotes. */
int cmd_tokenize(char *line, char **tokens, unsigned max, unsigned *n);

#endif
