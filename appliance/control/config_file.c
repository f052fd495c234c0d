/* SPDX-License-Identifier: BSD-3-Clause */
/* Loading the startup configuration file (see config_file.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control/cmd.h"
#include "control/config_file.h"

struct config_line {
	unsigned lineno;
	struct cmd_parsed parsed;
};

static void free_lines(struct config_line *lines, size_t n)
{
	for (size_t i = 0; i < n; i++)
		cmd_parsed_free(&lines[i].parsed);
	free(lines);
}

/* Parse every line; fills *out (caller frees). */
static int parse_all(FILE *f, const char *path, struct config_line **out, size_t *n_out, char *err,
		size_t errlen)
{
	struct config_line *lines = NULL;
	size_t n = 0, cap = 0, len = 0;
	char *line = NULL;
	char msg[CMD_ERROR_SIZE];
	unsigned lineno = 0;
	int ret = 0;

	while (getline(&line, &len, f) >= 0) {
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			struct config_line *nl = realloc(lines, cap * sizeof(*lines));
			if (nl == NULL) {
				ret = -ENOMEM;
				snprintf(err, errlen, "%s:%u: out of memory", path, lineno);
				break;
			}
			lines = nl;
		}
		lines[n].lineno = lineno;
		if (cmd_parse(line, &lines[n].parsed, msg, sizeof(msg)) < 0) {
			cmd_parsed_free(&lines[n].parsed);
			snprintf(err, errlen, "%s:%u: %s", path, lineno, msg);
			ret = -EINVAL;
			break;
		}
		n++;
	}
	free(line);
	*out = lines;
	*n_out = n;
	return ret;
}

int config_file_load(const char *path, char *err, size_t errlen)
{
	struct config_line *lines = NULL;
	size_t n = 0;
	struct cmd_reply reply;

	FILE *f = fopen(path, "r");
	if (f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return -errno;
	}
	int ret = parse_all(f, path, &lines, &n, err, errlen);
	fclose(f);
	for (size_t i = 0; ret == 0 && i < n; i++) {
		ret = cmd_run(&lines[i].parsed, &reply);
		if (ret < 0)
			snprintf(err, errlen, "%s:%u: %s", path, lines[i].lineno, reply.error);
		json_decref(reply.result);
		cmd_stream_free(&reply.stream);
	}
	free_lines(lines, n);
	return ret;
}
