/* SPDX-License-Identifier: BSD-3-Clause */
/* The running configuration: the section registry, the line writer and
 * `config show` (see running_config.h). */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>

#include "control/cmd.h"
#include "control/running_config.h"

static struct config_section *sections;

struct config_out {
	char *buf;
	size_t len, cap;
	bool line_open; /* the current line holds a word already */
	bool failed;    /* out of memory: the text is incomplete */
};

void config_register_section(struct config_section *s)
{
	struct config_section **tail = &sections;

	/* Sorted by order; equal orders keep registration (link) order. */
	while (*tail != NULL && (*tail)->order <= s->order)
		tail = &(*tail)->next;
	s->next = *tail;
	*tail = s;
}

static void out_reserve(struct config_out *o, size_t extra)
{
	if (o->failed || o->len + extra + 1 <= o->cap)
		return;
	size_t cap = o->cap ? o->cap : 4096;
	while (cap < o->len + extra + 1)
		cap *= 2;
	char *b = realloc(o->buf, cap);
	if (b == NULL) {
		o->failed = true;
		return;
	}
	o->buf = b;
	o->cap = cap;
}

static void out_char(struct config_out *o, char c)
{
	out_reserve(o, 1);
	if (o->failed)
		return;
	o->buf[o->len++] = c;
	o->buf[o->len] = '\0';
}

static void out_separate(struct config_out *o)
{
	if (o->line_open)
		out_char(o, ' ');
	o->line_open = true;
}

void config_add(struct config_out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	out_separate(o);
	out_reserve(o, (size_t)n);
	if (o->failed)
		return;
	va_start(ap, fmt);
	vsnprintf(o->buf + o->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	o->len += (size_t)n;
}

static bool needs_quotes(const char *w)
{
	return *w == '\0' || *w == '#' || strpbrk(w, " \t\"\\") != NULL;
}

void config_word(struct config_out *o, const char *word)
{
	bool quote = needs_quotes(word);

	out_separate(o);
	if (quote)
		out_char(o, '"');
	for (const char *c = word; *c != '\0'; c++) {
		if (*c == '"' || *c == '\\')
			out_char(o, '\\');
		out_char(o, *c);
	}
	if (quote)
		out_char(o, '"');
}

void config_end(struct config_out *o)
{
	if (o->line_open)
		out_char(o, '\n');
	o->line_open = false;
}

void config_fail(struct config_out *o)
{
	o->failed = true;
}

char *config_render(size_t *len)
{
	struct config_out o = { 0 };

	out_reserve(&o, 0);
	for (const struct config_section *s = sections; s != NULL; s = s->next) {
		s->render(&o);
		config_end(&o); /* a section that forgot to end its last line */
	}
	if (o.failed) {
		free(o.buf);
		return NULL;
	}
	*len = o.len;
	return o.buf;
}

static int config_show_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	size_t len;
	char *text = config_render(&len);

	(void)a;
	if (text == NULL)
		return cmd_error(r, ENOMEM, "out of memory");
	r->result = json_stringn(text, len);
	free(text);
	return 0;
}
NFVA_CMD_RO(config_show_cmd, "config show",
		"the running configuration: the commands that rebuild the live state, in an "
		"order that replays (what config save writes)")
