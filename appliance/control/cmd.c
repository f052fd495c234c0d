/* SPDX-License-Identifier: BSD-3-Clause */
/* The command registry, best-match parsing, running and replies (see cmd.h). */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_debug.h>

#include "control/cmd.h"
#include "control/cmd_match.h"

static struct cmd_def *commands;
static void (*change_hook)(void);

void cmd_set_change_hook(void (*hook)(void))
{
	change_hook = hook;
}

void cmd_register(struct cmd_def *def)
{
	struct cmd_def **tail = &commands;

	def->compiled = cmd_syntax_compile(def->syntax);
	if (def->compiled == NULL)
		rte_panic("bad command syntax: %s\n", def->syntax);
	/* Sorted by syntax: help and error messages do not depend on the
	 * order in which files happen to be linked. */
	while (*tail != NULL && strcmp((*tail)->syntax, def->syntax) <= 0)
		tail = &(*tail)->next;
	def->next = *tail;
	*tail = def;
}

const struct cmd_def *cmd_first(void)
{
	return commands;
}

/* Best failure so far, to explain why nothing matched. */
struct best_failure {
	unsigned depth;
	const struct cmd_def *def;
	const struct cmd_def *other; /* a second command that fit as far */
	unsigned n_alternatives;
	char error[320];
};

static void note_failure(struct best_failure *bf, const struct cmd_def *def,
		const struct match_result *res)
{
	if (res->depth > bf->depth || bf->def == NULL) {
		bf->depth = res->depth;
		bf->def = def;
		bf->other = NULL;
		bf->n_alternatives = 0;
		snprintf(bf->error, sizeof(bf->error), "%s", res->error);
	} else if (res->depth == bf->depth && res->depth > 0 &&
			strcmp(res->error, bf->error) != 0 && bf->n_alternatives == 0) {
		/* Two commands fit as far: name both ("missing dev or vhost-user"). */
		size_t len = strlen(bf->error);
		const char *alt = strncmp(res->error, "missing ", 8) == 0 &&
						strncmp(bf->error, "missing ", 8) == 0
				? res->error + 8
				: res->error;
		snprintf(bf->error + len, sizeof(bf->error) - len, " or %s", alt);
		bf->other = def;
		bf->n_alternatives = 1;
	}
}

static const struct cmd_def *find_best(char **tokens, unsigned n, struct cmd_args *args,
		struct best_failure *bf)
{
	const struct cmd_def *best = NULL;
	unsigned best_keywords = 0;
	struct cmd_args tmp;
	struct match_result res;

	for (const struct cmd_def *d = commands; d != NULL; d = d->next) {
		if (!cmd_match(d->compiled, tokens, n, &tmp, &res)) {
			note_failure(bf, d, &res);
			continue;
		}
		if (best == NULL || res.keywords > best_keywords) {
			best = d;
			best_keywords = res.keywords;
			*args = tmp;
		}
	}
	return best;
}

int cmd_parse(const char *line, struct cmd_parsed *out, char *err, size_t errlen)
{
	struct best_failure bf = { 0 };

	memset(out, 0, sizeof(*out));
	out->storage = strdup(line);
	if (out->storage == NULL) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	int ret = cmd_tokenize(out->storage, out->tokens, CMD_MAX_TOKENS, &out->n_tokens);
	if (ret < 0) {
		snprintf(err, errlen, ret == -E2BIG ? "too many words" : "unterminated quote");
		cmd_parsed_free(out);
		return -EINVAL;
	}
	if (out->n_tokens == 0)
		return 0;
	out->def = find_best(out->tokens, out->n_tokens, &out->args, &bf);
	if (out->def != NULL)
		return 0;
	if (bf.depth == 0)
		snprintf(err, errlen, "unknown command '%s' (try 'help')", out->tokens[0]);
	else if (bf.other != NULL)
		snprintf(err, errlen, "%s (usage: %s | %s)", bf.error, bf.def->syntax,
				bf.other->syntax);
	else
		snprintf(err, errlen, "%s (usage: %s)", bf.error, bf.def->syntax);
	cmd_parsed_free(out); /* a failed parse leaves nothing to free (fuzz_cmd found the leak) */
	return -EINVAL;
}

void cmd_parsed_free(struct cmd_parsed *p)
{
	free(p->storage);
	p->storage = NULL;
}

int cmd_run(const struct cmd_parsed *p, struct cmd_reply *reply)
{
	memset(reply, 0, sizeof(*reply));
	if (p->def == NULL)
		return 0;
	int ret = p->def->handler(&p->args, reply);
	if (ret < 0 && reply->error[0] == '\0')
		snprintf(reply->error, sizeof(reply->error), "%s", strerror(-ret));
	if (ret < 0) {
		json_decref(reply->result);
		reply->result = NULL;
		cmd_stream_free(&reply->stream);
	} else if (change_hook != NULL && !(p->def->flags & CMD_F_READONLY)) {
		change_hook();
	}
	return ret;
}

void cmd_stream_free(struct cmd_stream *s)
{
	if (s->next != NULL && s->free != NULL)
		s->free(s->state);
	memset(s, 0, sizeof(*s));
}

void cmd_reply_drain(struct cmd_reply *reply)
{
	if (reply->stream.next == NULL)
		return;
	json_decref(reply->result);
	reply->result = json_array();
	while (reply->stream.next(reply->stream.state, reply->result, 1024) != 0)
		;
	cmd_stream_free(&reply->stream);
}

int cmd_execute(const char *line, struct cmd_reply *reply)
{
	struct cmd_parsed p;

	memset(reply, 0, sizeof(*reply));
	int ret = cmd_parse(line, &p, reply->error, sizeof(reply->error));

	if (ret == 0)
		ret = cmd_run(&p, reply);
	cmd_parsed_free(&p);
	return ret;
}

json_t *cmd_reply_to_json(struct cmd_reply *reply, int status)
{
	json_t *j;

	if (status < 0) {
		j = json_pack("{s:s, s:s}", "status", "error", "error", reply->error);
		json_decref(reply->result);
		cmd_stream_free(&reply->stream);
	} else {
		cmd_reply_drain(reply);
		j = json_pack("{s:s, s:o}", "status", "ok", "result",
				reply->result != NULL ? reply->result : json_null());
	}
	reply->result = NULL;
	return j;
}

int cmd_error(struct cmd_reply *reply, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reply->error, sizeof(reply->error), fmt, ap);
	va_end(ap);
	return err < 0 ? err : -err;
}
