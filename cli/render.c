/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * render.c: owns the text form of daemon results (see render.h for the rules).
 * Tables are laid out in two passes over the rows, measuring then printing,
 * and each cell is formatted into one reused buffer: a million-row FDB dump
 * costs no memory beyond the parsed JSON itself.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "render.h"

#define SECTION_INDENT 2 // extra indent of a nested section
#define COLUMN_GAP 2     // spaces between table columns

// A growable text buffer for one cell or value.
struct strbuf {
	char *s;    // text, not NUL-terminated (strings may hold NUL)
	size_t len; // bytes used
	size_t cap; // bytes allocated
};

// The columns of a table: union of the rows' keys in first-seen order.
struct table {
	const char **key; // column keys, owned by the JSON rows
	size_t *width;    // widest header or cell, in characters
	size_t ncols;     // columns in use
	size_t cap;       // columns allocated
};

static void oom(void)
{
	fputs("Error: out of memory\n", stderr);
	exit(1);
}

static void *xrealloc(void *p, size_t size)
{
	p = realloc(p, size);
	if (p == NULL)
		oom();
	return p;
}

static void sb_reserve(struct strbuf *sb, size_t extra)
{
	size_t cap = sb->cap ? sb->cap : 64;

	if (sb->len + extra <= sb->cap)
		return;
	while (cap < sb->len + extra)
		cap *= 2;
	sb->s = xrealloc(sb->s, cap);
	sb->cap = cap;
}

static void sb_addn(struct strbuf *sb, const char *s, size_t n)
{
	sb_reserve(sb, n);
	memcpy(sb->s + sb->len, s, n);
	sb->len += n;
}

static void sb_add(struct strbuf *sb, const char *s)
{
	sb_addn(sb, s, strlen(s));
}

static int sb_dump_cb(const char *buf, size_t size, void *data)
{
	sb_addn(data, buf, size);
	return 0;
}

// Characters on screen, counting each UTF-8 sequence as one.
static size_t text_width(const char *s, size_t len)
{
	size_t w = 0;

	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xc0) != 0x80)
			w++;
	return w;
}

static void pad(FILE *out, size_t n)
{
	while (n-- > 0)
		fputc(' ', out);
}

static bool is_scalar(const json_t *v)
{
	return !json_is_object(v) && !json_is_array(v);
}

static bool all_scalars(const json_t *arr)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
		if (!is_scalar(v))
			return false;
	return true;
}

static bool all_objects(const json_t *arr)
{
	size_t i;
	json_t *v;

	json_array_foreach(arr, i, v)
		if (!json_is_object(v))
			return false;
	return json_array_size(arr) > 0;
}

static void fmt_json(struct strbuf *sb, const json_t *v)
{
	json_dump_callback(v, sb_dump_cb, sb, JSON_COMPACT | JSON_ENCODE_ANY);
}

static void fmt_number(struct strbuf *sb, const json_t *v)
{
	char num[32]; // fits any %lld and any %g
	int n;

	if (json_is_integer(v))
		n = snprintf(num, sizeof(num), "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else
		n = snprintf(num, sizeof(num), "%g", json_real_value(v));
	if (n > 0 && (size_t)n < sizeof(num))
		sb_addn(sb, num, (size_t)n);
}

static void fmt_scalar(struct strbuf *sb, const json_t *v)
{
	switch (json_typeof(v)) {
	case JSON_STRING:
		sb_addn(sb, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
	case JSON_REAL:
		fmt_number(sb, v);
		break;
	case JSON_TRUE:
		sb_add(sb, "yes");
		break;
	case JSON_FALSE:
		sb_add(sb, "no");
		break;
	case JSON_NULL:
		sb_add(sb, "-");
		break;
	default:
		fmt_json(sb, v);
		break;
	}
}

// An object inside a cell: "k=v k=v", anything deeper as compact JSON.
static void fmt_inline_object(struct strbuf *sb, const json_t *obj)
{
	const char *key;
	json_t *v;
	bool first = true;

	json_object_foreach((json_t *)obj, key, v) {
		if (!first)
			sb_add(sb, " ");
		first = false;
		sb_add(sb, key);
		sb_add(sb, "=");
		if (is_scalar(v))
			fmt_scalar(sb, v);
		else
			fmt_json(sb, v);
	}
}

static void fmt_inline_array(struct strbuf *sb, const json_t *arr)
{
	size_t i;
	json_t *v;

	if (!all_scalars(arr)) {
		fmt_json(sb, arr);
		return;
	}
	json_array_foreach(arr, i, v) {
		if (i > 0)
			sb_add(sb, ",");
		fmt_scalar(sb, v);
	}
}

// Replace sb's content by the one-line form of v; NULL (missing) is "-".
static void fmt_cell(struct strbuf *sb, const json_t *v)
{
	sb->len = 0;
	if (v == NULL)
		sb_add(sb, "-");
	else if (json_is_object(v) && json_object_size(v) > 0)
		fmt_inline_object(sb, v);
	else if (json_is_array(v) && json_array_size(v) > 0)
		fmt_inline_array(sb, v);
	else if (!is_scalar(v))
		sb_add(sb, "-");
	else
		fmt_scalar(sb, v);
}

static void table_add_column(struct table *t, const char *key)
{
	for (size_t c = 0; c < t->ncols; c++)
		if (strcmp(t->key[c], key) == 0)
			return;
	if (t->ncols == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 8;
		t->key = xrealloc(t->key, t->cap * sizeof(*t->key));
		t->width = xrealloc(t->width, t->cap * sizeof(*t->width));
	}
	t->key[t->ncols] = key;
	t->width[t->ncols] = text_width(key, strlen(key));
	t->ncols++;
}

static void table_measure(struct table *t, const json_t *rows, struct strbuf *sb)
{
	const char *key;
	size_t i;
	json_t *row, *v;

	json_array_foreach(rows, i, row)
		json_object_foreach(row, key, v)
			table_add_column(t, key);
	json_array_foreach(rows, i, row) {
		for (size_t c = 0; c < t->ncols; c++) {
			size_t w;

			fmt_cell(sb, json_object_get(row, t->key[c]));
			w = text_width(sb->s, sb->len);
			if (w > t->width[c])
				t->width[c] = w;
		}
	}
}

// Print one table line; row NULL prints the header. No trailing blanks.
static void table_print_line(FILE *out, const struct table *t, const json_t *row, size_t indent,
		struct strbuf *sb)
{
	pad(out, indent);
	for (size_t c = 0; c < t->ncols; c++) {
		if (row != NULL) {
			fmt_cell(sb, json_object_get(row, t->key[c]));
		} else {
			sb->len = 0;
			sb_add(sb, t->key[c]);
			for (size_t i = 0; i < sb->len; i++)
				if (sb->s[i] >= 'a' && sb->s[i] <= 'z')
					sb->s[i] -= 'a' - 'A';
		}
		fwrite(sb->s, 1, sb->len, out);
		if (c + 1 < t->ncols)
			pad(out, t->width[c] - text_width(sb->s, sb->len) + COLUMN_GAP);
	}
	fputc('\n', out);
}

static void render_table(FILE *out, const json_t *rows, size_t indent, struct strbuf *sb)
{
	struct table t = { 0 };
	size_t i;
	json_t *row;

	table_measure(&t, rows, sb);
	if (t.ncols > 0) {
		table_print_line(out, &t, NULL, indent, sb);
		json_array_foreach(rows, i, row)
			table_print_line(out, &t, row, indent, sb);
	}
	free(t.key);
	free(t.width);
}

static void render_array(FILE *out, const json_t *arr, size_t indent, struct strbuf *sb)
{
	size_t i;
	json_t *v;

	if (all_objects(arr)) {
		render_table(out, arr, indent, sb);
		return;
	}
	json_array_foreach(arr, i, v) {
		fmt_cell(sb, v);
		pad(out, indent);
		fwrite(sb->s, 1, sb->len, out);
		fputc('\n', out);
	}
}

// A value that fits on a "key: value" line rather than in a section.
static bool is_inline(const json_t *v)
{
	if (json_is_object(v))
		return json_object_size(v) == 0;
	if (json_is_array(v))
		return json_array_size(v) == 0 || all_scalars(v);
	return true;
}

// Print the inline members of obj; returns whether anything was printed.
static bool render_object_inline(FILE *out, const json_t *obj, size_t indent, struct strbuf *sb)
{
	bool printed = false;
	size_t kw = 0;
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)obj, key, v)
		if (is_inline(v) && text_width(key, strlen(key)) > kw)
			kw = text_width(key, strlen(key));
	json_object_foreach((json_t *)obj, key, v) {
		if (!is_inline(v))
			continue;
		pad(out, indent);
		fprintf(out, "%s:", key);
		pad(out, kw - text_width(key, strlen(key)) + 1);
		if (is_scalar(v) || json_array_size(v) > 0) {
			fmt_cell(sb, v);
			fwrite(sb->s, 1, sb->len, out);
		} else {
			fputs("(none)", out);
		}
		fputc('\n', out);
		printed = true;
	}
	return printed;
}

static void render_value(FILE *out, const json_t *v, size_t indent, struct strbuf *sb);

static void render_object(FILE *out, const json_t *obj, size_t indent, struct strbuf *sb)
{
	bool printed = render_object_inline(out, obj, indent, sb);
	const char *key;
	json_t *v;

	json_object_foreach((json_t *)obj, key, v) {
		if (is_inline(v))
			continue;
		if (printed)
			fputc('\n', out);
		pad(out, indent);
		fprintf(out, "%s:\n", key);
		render_value(out, v, indent + SECTION_INDENT, sb);
		printed = true;
	}
}

static void render_value(FILE *out, const json_t *v, size_t indent, struct strbuf *sb)
{
	if (json_is_object(v)) {
		render_object(out, v, indent, sb);
	} else if (json_is_array(v)) {
		render_array(out, v, indent, sb);
	} else if (!json_is_null(v)) {
		fmt_cell(sb, v);
		pad(out, indent);
		fwrite(sb->s, 1, sb->len, out);
		// a multi-line text result (a dump) may already end its last line
		if (sb->len == 0 || sb->s[sb->len - 1] != '\n')
			fputc('\n', out);
	}
}

void render_result(FILE *out, const json_t *result)
{
	struct strbuf sb = { 0 };

	if (result != NULL)
		render_value(out, result, 0, &sb);
	free(sb.s);
}
