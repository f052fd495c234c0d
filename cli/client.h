/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * client.h: the daemon exchange of nfvactl (nfvactl.c), for the commands
 * that nfvactl runs itself on top of daemon commands (guest-xml, attach,
 * detach: guest_xml.c, attach.c).
 */
#ifndef NFVA_CLI_CLIENT_H
#define NFVA_CLI_CLIENT_H

#include <stdbool.h>

#include <jansson.h>

struct client {
	const char *socket; // daemon socket path
	int timeout_ms;     // longest wait for reply data, 0 = forever
	bool json;          // -j: print results as JSON
	bool pretty;        // -p: indent the JSON
};

// Send the words as one command. 0 with the daemon's result in *result (the
// caller owns it; JSON null when the command returns nothing), or 1 with the
// error already printed on stderr.
int client_request(const struct client *c, char **words, int nwords, json_t **result);

// Print "Error: ..." on stderr; returns 1 (the exit status of a failure).
int client_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

// Print a result: JSON with -j, else the generic table/text rendering.
int client_print(const struct client *c, const json_t *result);

#endif /* NFVA_CLI_CLIENT_H */
