/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * guest_xml.h: libvirt interface XML for a guest port, rendered from the
 * daemon's `guest port add|show` reply, and the `guest-xml` command.
 */
#ifndef NFVA_CLI_GUEST_XML_H
#define NFVA_CLI_GUEST_XML_H

#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>

#include <jansson.h>

#include "client.h"

// The <interface> element for a guest port (the JSON object of `guest port
// show NAME`): type='vhostuser' with the socket and QEMU's mode, or
// type='hostdev' with the VF's PCI address; MAC, VLAN and the alias
// "ua-nfva-NAME". NULL (with an error printed) if the reply lacks a field.
// The caller frees the string.
char *guest_xml_render(const json_t *port);

// What `guest-xml` and `attach` share: which port to ask the daemon for.
struct guest_request {
	const char *network; // --network: create a port on it
	const char *port;    // --port: an existing guest port instead
	bool vf;             // --vf (else vhost-user)
	const char *mac, *name, *vlan, *dir, *listen, *vf_of;
};

// getopt_long entries of the guest port options, for the commands' tables.
#define GUEST_REQUEST_OPTIONS                                                                      \
	{ "network", required_argument, NULL, 'n' }, { "port", required_argument, NULL, 'P' },     \
			{ "vf", no_argument, NULL, 'F' },                                          \
			{ "vhost-user", no_argument, NULL, 'U' },                                  \
			{ "mac", required_argument, NULL, 'm' },                                   \
			{ "name", required_argument, NULL, 'N' },                                  \
			{ "vlan", required_argument, NULL, 'v' },                                  \
			{ "dir", required_argument, NULL, 'd' },                                   \
			{ "listen", required_argument, NULL, 'l' },                                \
	{                                                                                          \
		"vf-of", required_argument, NULL, 'o'                                              \
	}
#define GUEST_REQUEST_SHORT "n:P:FUm:N:v:d:l:o:"

// Take one getopt result: 0 if it was a guest port option, -1 if not.
int guest_request_option(struct guest_request *req, int opt, const char *arg);

// Check the options once parsed: 0, or 2 (usage error, printed).
int guest_request_check(const struct guest_request *req);

// Ask the daemon for the port: `guest port add ...`, or `guest port show
// NAME` with --port. 0 with *port (caller frees), or 1 with the error printed.
int guest_request_port(const struct client *c, const struct guest_request *req, json_t **port);

// `guest port del NAME`: 0, or 1 with the error printed.
int guest_port_release(const struct client *c, const char *name);

// The guest port options' help.
void guest_request_usage(FILE *f);

int guest_xml_main(const struct client *c, int argc, char **argv);

#endif /* NFVA_CLI_GUEST_XML_H */
