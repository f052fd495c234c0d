/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer harness: the text parsers an operator (or a script) feeds, with
 * the whole registered grammar linked in (handlers are never run):
 *   byte 0 % 4 == 0: command lines (one per '\n'): cmd_tokenize and
 *     cmd_parse; for a match, every typed argument passes its type's check
 *     and the cmd_arg_* helpers read it;
 *   1: a mirror filter (up to the first NUL) parsed, then matched against
 *     the rest as a frame;
 *   2: LISP addresses and EID prefixes;
 *   3: representor device arguments (hw_parse_representor).
 * No EAL: the grammar registers itself at load time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <rte_mbuf.h>

#include "control/cmd.h"
#include "lisp/lisp_private.h"
#include "mirror/mirror_filter.h"
#include "ports/hw.h"

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "fuzz_cmd: property failed: %s (line %d)\n", #cond,        \
					__LINE__);                                                 \
			abort();                                                                   \
		}                                                                                  \
	} while (0)

static void one_line(char *line)
{
	char err[256], copy[4096], *tokens[CMD_MAX_TOKENS];
	unsigned n = 0;
	struct cmd_parsed p;

	snprintf(copy, sizeof(copy), "%s", line);
	if (cmd_tokenize(copy, tokens, CMD_MAX_TOKENS, &n) == 0)
		CHECK(n <= CMD_MAX_TOKENS);
	if (cmd_parse(line, &p, err, sizeof(err)) < 0)
		return;
	for (unsigned i = 0; p.def != NULL && i < p.args.n; i++) {
		const char *name = p.args.items[i].name, *value = p.args.items[i].value;
		const struct cmd_type *t = value != NULL ? cmd_type_find(name) : NULL;
		if (t != NULL)
			CHECK(t->valid(value));
		struct rte_ether_addr mac;
		uint32_t ip;
		uint8_t len;
		if (t != NULL && strcmp(t->name, "MAC") == 0)
			CHECK(cmd_arg_mac(&p.args, name, &mac));
		if (t != NULL && strcmp(t->name, "IP") == 0)
			CHECK(cmd_arg_ipv4(&p.args, name, &ip));
		if (t != NULL && strcmp(t->name, "PREFIX") == 0)
			CHECK(cmd_arg_prefix(&p.args, name, &ip, &len) && len <= 32);
		if (t != NULL && strcmp(t->name, "N") == 0)
			(void)cmd_arg_u32(&p.args, name, 0);
	}
	cmd_parsed_free(&p);
}

static void command_lines(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1);
	CHECK(text != NULL);
	memcpy(text, data, size);
	text[size] = '\0';
	for (char *line = text, *nl; line != NULL; line = nl) {
		nl = strchr(line, '\n');
		if (nl != NULL)
			*nl++ = '\0';
		one_line(line);
	}
	free(text);
}

/* A frame in a hand-made single-segment mbuf (no pool needed). */
static void filter_and_match(const uint8_t *data, size_t size)
{
	const uint8_t *nul = memchr(data, 0, size);
	size_t tlen = nul != NULL ? (size_t)(nul - data) : size;
	char text[1024], err[256];
	struct mirror_filter f;

	if (tlen >= sizeof(text))
		return;
	memcpy(text, data, tlen);
	text[tlen] = '\0';
	if (mirror_filter_parse(text, &f, err, sizeof(err)) < 0 || nul == NULL)
		return;
	size_t flen = size - tlen - 1;
	uint8_t *frame = malloc(flen != 0 ? flen : 1);
	CHECK(frame != NULL);
	memcpy(frame, nul + 1, flen);
	struct rte_mbuf m;
	memset(&m, 0, sizeof(m));
	m.buf_addr = frame;
	m.buf_len = (uint16_t)flen;
	m.data_len = (uint16_t)flen;
	m.pkt_len = (uint32_t)flen;
	m.nb_segs = 1;
	if (flen <= UINT16_MAX)
		(void)mirror_filter_match(&f, &m);
	free(frame);
}

static void addresses(const uint8_t *data, size_t size)
{
	char text[256];
	struct lisp_addr a;
	uint8_t plen;
	size_t n = size < sizeof(text) - 1 ? size : sizeof(text) - 1;

	memcpy(text, data, n);
	text[n] = '\0';
	(void)lisp_addr_parse(text, &a);
	if (lisp_prefix_parse(text, &a, &plen) == 0)
		CHECK(plen <= (a.family == AF_INET ? 32 : 128));
}

static void representor(const uint8_t *data, size_t size)
{
	char text[512], pci[64];
	unsigned vf;
	size_t n = size < sizeof(text) - 1 ? size : sizeof(text) - 1;

	memcpy(text, data, n);
	text[n] = '\0';
	if (hw_parse_representor(text, pci, sizeof(pci), &vf) == 0)
		CHECK(memchr(pci, '\0', sizeof(pci)) != NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1 || size > 8192)
		return 0;
	switch (data[0] % 4) {
	case 0:
		command_lines(data + 1, size - 1);
		break;
	case 1:
		filter_and_match(data + 1, size - 1);
		break;
	case 2:
		addresses(data + 1, size - 1);
		break;
	default:
		representor(data + 1, size - 1);
		break;
	}
	return 0;
}
