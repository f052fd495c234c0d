/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * guest_xml.c: `nfvactl guest-xml`. Asks the daemon for a guest port (a new
 * vhost-user port, or a free VF, on a network) and prints the libvirt
 * <interface> XML that matches what the appliance configured. The XML is
 * built only from the daemon's reply, so it never disagrees with it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "guest_xml.h"

// Print s with XML's five special characters escaped.
static void xml_escaped(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '\'':
			fputs("&apos;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

static const char *str(const json_t *port, const char *key)
{
	return json_string_value(json_object_get(port, key));
}

static void render_vhostuser(FILE *f, const json_t *port)
{
	const char *mode = str(port, "mode");
	json_int_t queues = json_integer_value(json_object_get(port, "queues"));

	fputs("  <source type='unix' path='", f);
	xml_escaped(f, str(port, "socket"));
	fprintf(f, "' mode='%s'", mode);
	// nfva listens: QEMU reconnects when nfva restarts.
	if (strcmp(mode, "client") == 0)
		fputs(">\n    <reconnect enabled='yes' timeout='5'/>\n  </source>\n", f);
	else
		fputs("/>\n", f);
	fputs("  <model type='virtio'/>\n", f);
	fprintf(f, "  <driver queues='%lld'/>\n", queues > 0 ? (long long)queues : 1);
}

static int render_hostdev(FILE *f, const char *pci)
{
	unsigned dom, bus, slot, fn;
	char end;

	if (sscanf(pci, "%4x:%2x:%2x.%1x%c", &dom, &bus, &slot, &fn, &end) != 4)
		return client_fail("the daemon gave no usable PCI address ('%s')", pci);
	fprintf(f,
			"  <source>\n    <address type='pci' domain='0x%04x' bus='0x%02x' "
			"slot='0x%02x' function='0x%x'/>\n  </source>\n",
			dom, bus, slot, fn);
	return 0;
}

char *guest_xml_render(const json_t *port)
{
	const char *type = str(port, "type"), *name = str(port, "name"), *mac = str(port, "mac");
	json_t *vlan = json_object_get(port, "vlan");
	bool vhu = type != NULL && strcmp(type, "vhost-user") == 0;
	char *xml = NULL;
	size_t len = 0;
	int bad = 0;

	if (type == NULL || name == NULL || mac == NULL ||
			(vhu && (str(port, "socket") == NULL || str(port, "mode") == NULL)) ||
			(!vhu && str(port, "pci") == NULL)) {
		client_fail("the daemon's reply lacks what the interface XML needs");
		return NULL;
	}
	FILE *f = open_memstream(&xml, &len);
	if (f == NULL) {
		client_fail("out of memory");
		return NULL;
	}
	if (vhu)
		fputs("<interface type='vhostuser'>\n", f);
	else
		fputs("<interface type='hostdev' managed='yes'>\n", f);
	fputs("  <mac address='", f);
	xml_escaped(f, mac);
	fputs("'/>\n", f);
	if (vhu)
		render_vhostuser(f, port);
	else
		bad = render_hostdev(f, str(port, "pci"));
	// A VF's VLAN is set on the VF by libvirt; a vhost-user port's VLAN is
	// nfva's attachment: the guest sends untagged frames.
	if (!vhu && json_is_integer(vlan))
		fprintf(f, "  <vlan>\n    <tag id='%lld'/>\n  </vlan>\n",
				(long long)json_integer_value(vlan));
	fputs("  <alias name='ua-nfva-", f);
	xml_escaped(f, name);
	fputs("'/>\n</interface>\n", f);
	if (fclose(f) != 0 || bad) {
		free(xml);
		return NULL;
	}
	return xml;
}

int guest_request_option(struct guest_request *req, int opt, const char *arg)
{
	switch (opt) {
	case 'n':
		req->network = arg;
		break;
	case 'P':
		req->port = arg;
		break;
	case 'F':
		req->vf = true;
		break;
	case 'U':
		req->vf = false;
		break;
	case 'm':
		req->mac = arg;
		break;
	case 'N':
		req->name = arg;
		break;
	case 'v':
		req->vlan = arg;
		break;
	case 'd':
		req->dir = arg;
		break;
	case 'l':
		req->listen = arg;
		break;
	case 'o':
		req->vf_of = arg;
		break;
	default:
		return -1;
	}
	return 0;
}

int guest_request_check(const struct guest_request *req)
{
	if ((req->network == NULL) == (req->port == NULL)) {
		client_fail("give --network NAME (a new guest port) or --port NAME (an existing "
			    "one)");
		return 2;
	}
	if (req->port != NULL &&
			(req->mac || req->name || req->vlan || req->dir || req->listen ||
					req->vf_of || req->vf)) {
		client_fail("--port takes an existing port: no other port option");
		return 2;
	}
	if (req->vf && (req->dir != NULL || req->listen != NULL)) {
		client_fail("--dir and --listen are for --vhost-user ports");
		return 2;
	}
	return 0;
}

void guest_request_usage(FILE *f)
{
	fputs("Guest port (one of):\n"
	      "  -n, --network NAME   create a port on network NAME:\n"
	      "      --vhost-user     a vhost-user port served by nfva (default)\n"
	      "      --vf             a free SR-IOV VF from nfva's pool\n"
	      "      --mac MAC        the guest's MAC (default: 52:54:00 + random)\n"
	      "      --name NAME      port name (vhost-user; --vf: take this VF port)\n"
	      "      --vlan VLAN      attach the port to the network with this VLAN\n"
	      "      --dir PATH       vhost-user socket directory (default /run/nfva/vhost)\n"
	      "      --listen qemu|nfva  who listens on the socket (default qemu)\n"
	      "      --vf-of PORT     a VF of this e-switch uplink\n"
	      "  -P, --port NAME      an existing guest port\n",
			f);
}

// The daemon command's words; returns their number.
static int request_words(const struct guest_request *req, char **w)
{
	int n = 0;

	w[n++] = "guest";
	w[n++] = "port";
	if (req->port != NULL) {
		w[n++] = "show";
		w[n++] = (char *)req->port;
		return n;
	}
	w[n++] = "add";
	w[n++] = (char *)req->network;
	w[n++] = req->vf ? "vf" : "vhost-user";
#define OPT(field, word)                                                                           \
	if (req->field != NULL) {                                                                  \
		w[n++] = word;                                                                     \
		w[n++] = (char *)req->field;                                                       \
	}
	OPT(mac, "mac")
	OPT(name, "name")
	OPT(vlan, "vlan")
	OPT(dir, "dir")
	OPT(listen, "listen")
	OPT(vf_of, "vf-of")
#undef OPT
	return n;
}

int guest_request_port(const struct client *c, const struct guest_request *req, json_t **port)
{
	char *words[24];
	int n = request_words(req, words);
	int ret = client_request(c, words, n, port);

	if (ret == 0 && !json_is_object(*port)) {
		json_decref(*port);
		*port = NULL;
		return client_fail("unexpected reply to '%s %s %s'", words[0], words[1], words[2]);
	}
	return ret;
}

int guest_port_release(const struct client *c, const char *name)
{
	char *words[] = { "guest", "port", "del", (char *)name };
	json_t *result;

	if (name == NULL)
		return 1;
	int ret = client_request(c, words, 4, &result);
	json_decref(result);
	return ret;
}

static void usage(FILE *f)
{
	fputs("Usage: nfvactl [-j] guest-xml (--network NAME [OPTIONS] | --port NAME)\n"
	      "Create a guest port on the appliance (or take an existing one) and print\n"
	      "the libvirt <interface> XML for it; with -j, the port as JSON with the\n"
	      "XML in \"xml\". Add the XML to a domain, or use `nfvactl attach`.\n\n",
			f);
	guest_request_usage(f);
}

int guest_xml_main(const struct client *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		GUEST_REQUEST_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct guest_request req = { 0 };
	json_t *port;
	int opt, ret;

	optind = 0; // restart GNU getopt on the command's own words
	while ((opt = getopt_long(argc, argv, "+" GUEST_REQUEST_SHORT "h", longopts, NULL)) != -1) {
		if (guest_request_option(&req, opt, optarg) == 0)
			continue;
		usage(opt == 'h' ? stdout : stderr);
		return opt == 'h' ? 0 : 2;
	}
	if (optind < argc) {
		client_fail("guest-xml: unexpected argument '%s'", argv[optind]);
		return 2;
	}
	ret = guest_request_check(&req);
	if (ret != 0)
		return ret;
	ret = guest_request_port(c, &req, &port);
	if (ret != 0)
		return ret;
	char *xml = guest_xml_render(port);
	if (xml == NULL) {
		ret = 1;
		if (req.port == NULL) // a port nobody can use: take it back
			guest_port_release(c, json_string_value(json_object_get(port, "name")));
	} else if (c->json) {
		json_object_set_new(port, "xml", json_string(xml));
		ret = client_print(c, port);
	} else {
		fputs(xml, stdout);
	}
	free(xml);
	json_decref(port);
	return ret;
}
