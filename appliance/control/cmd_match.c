/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Matching a token list against one command syntax (see cmd.h for the
 * notation). The syntax is compiled on the fly: it is short, and commands
 * are not a hot path.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control/cmd_match.h"

#define MAX_ELEMS 32
#define MAX_GROUPS 16

struct cmd_syntax {
	char buf[512];
	unsigned n_fixed;
	char *fixed[MAX_ELEMS];
	unsigned n_groups;
	unsigned group_len[MAX_GROUPS];
	char *groups[MAX_GROUPS][MAX_ELEMS];
};

static bool is_placeholder(const char *elem)
{
	return isupper((unsigned char)elem[0]);
}

static int syntax_compile(const char *text, struct cmd_syntax *s)
{
	char *save = NULL;
	int group = -1;

	memset(s, 0, sizeof(*s));
	snprintf(s->buf, sizeof(s->buf), "%s", text);
	for (char *t = strtok_r(s->buf, " ", &save); t != NULL; t = strtok_r(NULL, " ", &save)) {
		if (*t == '[') {
			if (s->n_groups == MAX_GROUPS)
				return -1;
			group = s->n_groups++;
			t++;
		}
		size_t len = strlen(t);
		bool closes = len > 0 && t[len - 1] == ']';
		if (closes)
			t[len - 1] = '\0';
		if (*t != '\0') {
			unsigned *n = group >= 0 ? &s->group_len[group] : &s->n_fixed;
			if (*n == MAX_ELEMS)
				return -1;
			if (group >= 0)
				s->groups[group][(*n)++] = t;
			else
				s->fixed[(*n)++] = t;
		}
		if (closes)
			group = -1;
	}
	return 0;
}

static bool keyword_matches(const char *elem, const char *token)
{
	size_t tlen = strlen(token);
	for (const char *p = elem; *p != '\0';) {
		size_t len = strcspn(p, "|");
		if (len == tlen && strncmp(p, token, len) == 0)
			return true;
		p += len;
		if (*p == '|')
			p++;
	}
	return false;
}

/* One element against one token; records the argument on success. */
static bool elem_match(const char *elem, const char *token, struct cmd_args *args,
		struct match_result *res)
{
	if (!is_placeholder(elem)) {
		if (!keyword_matches(elem, token)) {
			snprintf(res->error, sizeof(res->error), "expected '%s', got '%s'", elem,
					token);
			return false;
		}
		args->items[args->n].name = token;
		args->items[args->n++].value = NULL;
		res->keywords++;
		return true;
	}
	const struct cmd_type *type = cmd_type_find(elem);
	if (type != NULL && !type->valid(token)) {
		snprintf(res->error, sizeof(res->error), "invalid %s '%s': expected %s", elem,
				token, type->describe);
		return false;
	}
	args->items[args->n].name = elem;
	args->items[args->n++].value = token;
	return true;
}

static bool seq_match(char *const *elems, unsigned n_elems, char **tokens, unsigned n_tokens,
		unsigned *pos, struct cmd_args *args, struct match_result *res)
{
	for (unsigned i = 0; i < n_elems; i++) {
		if (*pos == n_tokens) {
			snprintf(res->error, sizeof(res->error), "missing %s", elems[i]);
			return false;
		}
		if (!elem_match(elems[i], tokens[*pos], args, res))
			return false;
		(*pos)++;
		res->depth++;
	}
	return true;
}

static bool group_may_start(const struct cmd_syntax *s, unsigned g, const char *token)
{
	const char *first = s->groups[g][0];
	return is_placeholder(first) || keyword_matches(first, token);
}

/* Match one unused optional group at *pos. Groups may share a first keyword
 * (`[to port PORT] [to vxlan IP ...]`): each candidate is tried in turn and
 * the first that matches entirely wins. */
static bool group_match(const struct cmd_syntax *s, bool *used, char **tokens, unsigned n_tokens,
		unsigned *pos, struct cmd_args *args, struct match_result *res)
{
	struct match_result best = { 0 };
	bool tried = false;

	for (unsigned g = 0; g < s->n_groups; g++) {
		if (used[g] || !group_may_start(s, g, tokens[*pos]))
			continue;
		unsigned p = *pos, n_args = args->n;
		struct match_result r = *res;
		if (seq_match(s->groups[g], s->group_len[g], tokens, n_tokens, &p, args, &r)) {
			used[g] = true;
			*pos = p;
			*res = r;
			return true;
		}
		args->n = n_args;
		if (!tried || r.depth > best.depth)
			best = r;
		tried = true;
	}
	if (tried)
		*res = best;
	else
		snprintf(res->error, sizeof(res->error), "unexpected '%s'", tokens[*pos]);
	return false;
}

struct cmd_syntax *cmd_syntax_compile(const char *text)
{
	struct cmd_syntax *s = malloc(sizeof(*s));
	if (s != NULL && syntax_compile(text, s) < 0) {
		free(s);
		s = NULL;
	}
	return s;
}

bool cmd_match(const struct cmd_syntax *s, char **tokens, unsigned n_tokens, struct cmd_args *args,
		struct match_result *res)
{
	bool used[MAX_GROUPS] = { false };
	unsigned pos = 0;

	memset(res, 0, sizeof(*res));
	args->n = 0;
	if (!seq_match(s->fixed, s->n_fixed, tokens, n_tokens, &pos, args, res))
		return false;
	while (pos < n_tokens)
		if (!group_match(s, used, tokens, n_tokens, &pos, args, res))
			return false;
	return true;
}
