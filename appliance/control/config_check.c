/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * nfva --check-config FILE: validate a startup file without running it (no
 * EAL, no device touched), so an operator can check before a restart. Every
 * line is parsed against the grammar (words, types, ranges) and the names
 * it uses are followed in order: a PORT or NETWORK must have been added by
 * an earlier line (and not deleted since). Every problem is reported as
 * FILE:LINE: message, not only the first. What only running can tell (a
 * device that cannot be probed, a limit of the NIC) is not checked.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control/cmd.h"
#include "control/config_file.h"

#define MAX_NAMES 4096

/* Names the file has defined so far, by kind ("PORT", "NETWORK"). */
struct names {
	unsigned n;
	struct {
		const char *kind;
		char name[64];
	} items[MAX_NAMES];
};

/* Which commands define or delete a name: the syntax starts with prefix and
 * its placeholder is arg. */
static const struct {
	const char *prefix, *arg, *kind;
	bool define;
} name_rules[] = {
	{ "port add NAME", "NAME", "PORT", true },
	{ "guest port add NETWORK", "NAME", "PORT", true },
	{ "port del PORT", "PORT", "PORT", false },
	{ "guest port del PORT", "PORT", "PORT", false },
	{ "network add NAME", "NAME", "NETWORK", true },
	{ "network del NETWORK", "NETWORK", "NETWORK", false },
};

static int names_find(const struct names *s, const char *kind, const char *name)
{
	for (unsigned i = 0; i < s->n; i++)
		if (strcmp(s->items[i].kind, kind) == 0 && strcmp(s->items[i].name, name) == 0)
			return (int)i;
	return -1;
}

static void names_apply(struct names *s, const struct cmd_parsed *p)
{
	for (unsigned r = 0; r < RTE_DIM(name_rules); r++) {
		const char *value = cmd_arg(&p->args, name_rules[r].arg);
		size_t len = strlen(name_rules[r].prefix);
		if (value == NULL || strncmp(p->def->syntax, name_rules[r].prefix, len) != 0)
			continue;
		int i = names_find(s, name_rules[r].kind, value);
		if (name_rules[r].define && i < 0 && s->n < MAX_NAMES) {
			s->items[s->n].kind = name_rules[r].kind;
			snprintf(s->items[s->n++].name, sizeof(s->items[0].name), "%s", value);
		} else if (!name_rules[r].define && i >= 0) {
			s->items[i] = s->items[--s->n];
		}
	}
}

/* Every PORT and NETWORK a line names must exist by then. */
static unsigned names_check(const struct names *s, const struct cmd_parsed *p, const char *path,
		unsigned lineno, FILE *report)
{
	unsigned errors = 0;
	for (unsigned i = 0; i < p->args.n; i++) {
		const char *kind = p->args.items[i].name, *value = p->args.items[i].value;
		if (value == NULL || (strcmp(kind, "PORT") != 0 && strcmp(kind, "NETWORK") != 0))
			continue;
		if (names_find(s, kind, value) >= 0)
			continue;
		fprintf(report, "%s:%u: no %s named %s added before this line\n", path, lineno,
				strcmp(kind, "PORT") == 0 ? "port" : "network", value);
		errors++;
	}
	return errors;
}

int config_file_check(const char *path, FILE *report)
{
	static struct names names;
	char *line = NULL, msg[CMD_ERROR_SIZE];
	size_t len = 0;
	unsigned lineno = 0, errors = 0;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		fprintf(report, "%s: %s\n", path, strerror(errno));
		return -errno;
	}
	names.n = 0;
	while (getline(&line, &len, f) >= 0) {
		struct cmd_parsed p;
		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (cmd_parse(line, &p, msg, sizeof(msg)) < 0) {
			fprintf(report, "%s:%u: %s\n", path, lineno, msg);
			errors++;
		} else if (p.def != NULL) {
			errors += names_check(&names, &p, path, lineno, report);
			names_apply(&names, &p);
		}
		cmd_parsed_free(&p);
	}
	free(line);
	fclose(f);
	return (int)errors;
}
