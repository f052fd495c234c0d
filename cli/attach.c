/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * attach.c: `nfvactl attach DOMAIN --network NAME ...` creates a guest port
 * (guest_xml.c) and hot-plugs its interface into a libvirt domain with
 * virDomainAttachDeviceFlags: live for a running domain, and into the
 * persistent definition too when the domain has one. `nfvactl detach DOMAIN
 * --port NAME` unplugs it (live and/or config, wherever it is), waits until
 * the guest has let the device go, then removes the port.
 *
 * Order keeps the appliance unchanged on failure: libvirt and the domain
 * are checked before a port is created, and a port whose attach fails is
 * removed again. The interface is found again by its alias ua-nfva-PORT.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "attach.h"
#include "guest_xml.h"

#ifndef NFVA_HAVE_LIBVIRT

static int no_libvirt(const char *what)
{
	return client_fail("%s: nfvactl was built without libvirt (install libvirt-dev and "
			   "rebuild); use `nfvactl guest-xml` with `virsh attach-device` instead",
			what);
}

int attach_main(const struct client *c, int argc, char **argv)
{
	(void)c, (void)argc, (void)argv;
	return no_libvirt("attach");
}

int detach_main(const struct client *c, int argc, char **argv)
{
	(void)c, (void)argc, (void)argv;
	return no_libvirt("detach");
}

#else

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

#define DETACH_WAIT_MS 20000

struct target {
	const char *uri;
	const char *domain;
	virConnectPtr conn;
	virDomainPtr dom;
};

// libvirt prints every error on stderr by default; we print our own.
static void quiet(void *opaque, virErrorPtr err)
{
	(void)opaque, (void)err;
}

static const char *lv_error(void)
{
	const char *msg = virGetLastErrorMessage();
	return msg != NULL ? msg : "unknown libvirt error";
}

// Connect and find the domain; 0, or 1 with the error printed.
static int target_open(struct target *t)
{
	virSetErrorFunc(NULL, quiet);
	if (t->uri == NULL)
		t->uri = getenv("LIBVIRT_DEFAULT_URI");
	if (t->uri == NULL || *t->uri == '\0')
		t->uri = "qemu:///system";
	t->conn = virConnectOpen(t->uri);
	if (t->conn == NULL)
		return client_fail("cannot connect to libvirt at %s (is libvirtd running?): %s",
				t->uri, lv_error());
	t->dom = virDomainLookupByName(t->conn, t->domain);
	if (t->dom == NULL) {
		virErrorPtr e = virGetLastError();
		if (e != NULL && e->code == VIR_ERR_NO_DOMAIN)
			return client_fail("no domain named '%s' at %s", t->domain, t->uri);
		return client_fail("cannot look up domain '%s': %s", t->domain, lv_error());
	}
	return 0;
}

static void target_close(struct target *t)
{
	if (t->dom != NULL)
		virDomainFree(t->dom);
	if (t->conn != NULL)
		virConnectClose(t->conn);
}

// Live and/or config, as the domain allows: 0 if neither (an error is printed).
static unsigned attach_flags(const struct target *t)
{
	unsigned flags = 0;

	if (virDomainIsActive(t->dom) == 1)
		flags |= VIR_DOMAIN_AFFECT_LIVE;
	if (virDomainIsPersistent(t->dom) == 1)
		flags |= VIR_DOMAIN_AFFECT_CONFIG;
	if (flags == 0)
		client_fail("domain '%s' is neither running nor defined", t->domain);
	return flags;
}

static void attach_usage(FILE *f)
{
	fputs("Usage: nfvactl [-j] attach DOMAIN (--network NAME [OPTIONS] | --port NAME)\n"
	      "              [--connect URI]\n"
	      "Create a guest port on the appliance and hot-plug its interface into the\n"
	      "libvirt domain DOMAIN (live if it runs, and into its persistent definition\n"
	      "if it has one). On any failure the port is removed again.\n"
	      "  -c, --connect URI    libvirt URI (default $LIBVIRT_DEFAULT_URI, then\n"
	      "                       qemu:///system)\n\n",
			f);
	guest_request_usage(f);
}

static int report_attach(const struct client *c, json_t *port, const char *xml,
		const struct target *t, unsigned flags)
{
	bool live = flags & VIR_DOMAIN_AFFECT_LIVE, config = flags & VIR_DOMAIN_AFFECT_CONFIG;

	if (c->json) {
		json_object_set_new(port, "domain", json_string(t->domain));
		json_object_set_new(port, "live", json_boolean(live));
		json_object_set_new(port, "config", json_boolean(config));
		json_object_set_new(port, "xml", json_string(xml));
		return client_print(c, port);
	}
	printf("attached port %s (%s, mac %s) to domain %s%s%s\n",
			json_string_value(json_object_get(port, "name")),
			json_string_value(json_object_get(port, "type")),
			json_string_value(json_object_get(port, "mac")), t->domain,
			live ? " (live)" : "", config ? " (config)" : "");
	fputs(xml, stdout);
	return 0;
}

int attach_main(const struct client *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		GUEST_REQUEST_OPTIONS,
		{ "connect", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct guest_request req = { 0 };
	struct target t = { 0 };
	json_t *port = NULL;
	char *xml = NULL;
	int opt, ret;

	optind = 0;
	while ((opt = getopt_long(argc, argv, GUEST_REQUEST_SHORT "c:h", longopts, NULL)) != -1) {
		if (guest_request_option(&req, opt, optarg) == 0)
			continue;
		if (opt == 'c') {
			t.uri = optarg;
			continue;
		}
		attach_usage(opt == 'h' ? stdout : stderr);
		return opt == 'h' ? 0 : 2;
	}
	if (optind != argc - 1) {
		attach_usage(stderr);
		return 2;
	}
	t.domain = argv[optind];
	ret = guest_request_check(&req);
	if (ret != 0)
		return ret;
	// libvirt and the domain first: a port is created only if they are fine.
	ret = target_open(&t);
	unsigned flags = ret == 0 ? attach_flags(&t) : 0;
	if (ret == 0 && flags == 0)
		ret = 1;
	if (ret == 0)
		ret = guest_request_port(c, &req, &port);
	if (ret == 0 && (xml = guest_xml_render(port)) == NULL)
		ret = 1;
	if (ret == 0 && virDomainAttachDeviceFlags(t.dom, xml, flags) < 0)
		ret = client_fail("cannot attach port %s to domain %s: %s",
				json_string_value(json_object_get(port, "name")), t.domain,
				lv_error());
	if (ret == 0)
		ret = report_attach(c, port, xml, &t, flags);
	else if (port != NULL && req.port == NULL &&
			guest_port_release(c, json_string_value(json_object_get(port, "name"))) ==
					0)
		fprintf(stderr, "(port %s removed again: the appliance is unchanged)\n",
				json_string_value(json_object_get(port, "name")));
	free(xml);
	json_decref(port);
	target_close(&t);
	return ret;
}

// Does the domain's XML (live, or the persistent definition) hold the alias?
static int has_alias(virDomainPtr dom, unsigned xml_flags, const char *needle)
{
	char *xml = virDomainGetXMLDesc(dom, xml_flags);
	if (xml == NULL)
		return -1;
	int found = strstr(xml, needle) != NULL;
	free(xml);
	return found;
}

static void sleep_ms(long ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

// Unplug the interface where it is; waits for the guest to release it.
static int detach_device(const struct target *t, const char *port, const char *xml)
{
	char needle[128];
	unsigned flags = 0;

	snprintf(needle, sizeof(needle), "'ua-nfva-%s'", port);
	if (virDomainIsActive(t->dom) == 1 && has_alias(t->dom, 0, needle) == 1)
		flags |= VIR_DOMAIN_AFFECT_LIVE;
	if (virDomainIsPersistent(t->dom) == 1 &&
			has_alias(t->dom, VIR_DOMAIN_XML_INACTIVE, needle) == 1)
		flags |= VIR_DOMAIN_AFFECT_CONFIG;
	if (flags == 0)
		return client_fail("domain %s has no interface of port %s (alias ua-nfva-%s); "
				   "to remove the port alone: nfvactl guest port del %s",
				t->domain, port, port, port);
	if (virDomainDetachDeviceFlags(t->dom, xml, flags) < 0)
		return client_fail("cannot detach port %s from domain %s: %s", port, t->domain,
				lv_error());
	for (long waited = 0; flags & VIR_DOMAIN_AFFECT_LIVE; waited += 100) {
		if (has_alias(t->dom, 0, needle) == 0 || virDomainIsActive(t->dom) != 1)
			break;
		if (waited >= DETACH_WAIT_MS)
			return client_fail(
					"domain %s has not released port %s's device after %d s "
					"(the guest must acknowledge the unplug); the port is kept",
					t->domain, port, DETACH_WAIT_MS / 1000);
		sleep_ms(100);
	}
	return 0;
}

static void detach_usage(FILE *f)
{
	fputs("Usage: nfvactl [-j] detach DOMAIN --port NAME [--connect URI]\n"
	      "Unplug guest port NAME's interface from the libvirt domain DOMAIN (live and\n"
	      "persistent definition, wherever it is), wait until the guest released it,\n"
	      "then remove the port from the appliance (a VF returns to the pool).\n"
	      "  -P, --port NAME      the guest port (as `nfvactl attach` printed it)\n"
	      "  -c, --connect URI    libvirt URI (default $LIBVIRT_DEFAULT_URI, then\n"
	      "                       qemu:///system)\n",
			f);
}

int detach_main(const struct client *c, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "port", required_argument, NULL, 'P' },
		{ "connect", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct guest_request req = { 0 };
	struct target t = { 0 };
	json_t *port = NULL;
	char *xml = NULL;
	int opt, ret;

	optind = 0;
	while ((opt = getopt_long(argc, argv, "P:c:h", longopts, NULL)) != -1) {
		if (opt == 'P')
			req.port = optarg;
		else if (opt == 'c')
			t.uri = optarg;
		else {
			detach_usage(opt == 'h' ? stdout : stderr);
			return opt == 'h' ? 0 : 2;
		}
	}
	if (optind != argc - 1 || req.port == NULL) {
		detach_usage(stderr);
		return 2;
	}
	t.domain = argv[optind];
	ret = target_open(&t);
	if (ret == 0)
		ret = guest_request_port(c, &req, &port);
	if (ret == 0 && (xml = guest_xml_render(port)) == NULL)
		ret = 1;
	if (ret == 0)
		ret = detach_device(&t, req.port, xml);
	if (ret == 0)
		ret = guest_port_release(c, req.port);
	if (ret == 0 && c->json) {
		json_object_set_new(port, "domain", json_string(t.domain));
		ret = client_print(c, port);
	} else if (ret == 0) {
		printf("detached port %s from domain %s and removed it\n", req.port, t.domain);
	}
	free(xml);
	json_decref(port);
	target_close(&t);
	return ret;
}

#endif /* NFVA_HAVE_LIBVIRT */
