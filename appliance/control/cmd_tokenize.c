/* SPDX-License-Identifier: BSD-3-Clause */
/* Tokenizer of the command language (quotes, escapes, comments). */
#include <ctype.h>
#include <errno.h>

#include "control/cmd.h"

int cmd_tokenize(char *line, char **tokens, unsigned max, unsigned *n)
{
	char *r = line, *w = line;

	*n = 0;
	for (;;) {
		while (isspace((unsigned char)*r))
			r++;
		if (*r == '\0' || *r == '#')
			return 0;
		if (*n == max)
			return -E2BIG;
		tokens[(*n)++] = w;
		bool quoted = false;
		while (*r != '\0' && (quoted || !isspace((unsigned char)*r))) {
			if (*r == '"') {
				quoted = !quoted;
				r++;
			} else if (*r == '\\' && r[1] != '\0') {
				*w++ = r[1];
				r += 2;
			} else {
				*w++ = *r++;
			}
		}
		if (quoted)
			return -EINVAL;
		bool end = *r == '\0';
		*w++ = '\0';
		if (end)
			return 0;
		r++;
	}
}
