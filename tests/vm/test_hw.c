/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * test_hw: representor devargs → (PF, VF) and PF + VF → the VF's PCI
 * function through a fake sysfs tree (what `guest port add NETWORK vf` uses
 * to hand a guest its VF). No EAL, no hardware.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ports/hw.h"

static int failures;

#define CHECK(cond)                                                                                \
	do {                                                                                       \
		if (!(cond)) {                                                                     \
			fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);            \
			failures++;                                                                \
		}                                                                                  \
	} while (0)

static void parse_ok(const char *devargs, const char *pf, unsigned vf)
{
	char got[HW_PCI_SIZE] = "";
	unsigned n = 9999;

	CHECK(hw_parse_representor(devargs, got, sizeof(got), &n) == 0);
	CHECK(strcmp(got, pf) == 0);
	CHECK(n == vf);
	printf("ok: %s -> %s vf %u\n", devargs, got, n);
}

static void parse_bad(const char *devargs)
{
	char got[HW_PCI_SIZE];
	unsigned n;

	CHECK(hw_parse_representor(devargs, got, sizeof(got), &n) == -EINVAL);
	printf("ok: %s is not one PCI VF\n", devargs);
}

int main(void)
{
	parse_ok("0000:08:00.0,representor=vf3", "0000:08:00.0", 3);
	parse_ok("0000:3b:00.1,representor=[12]", "0000:3b:00.1", 12);
	parse_ok("0000:08:00.0,representor=vf[0],dv_flow_en=1", "0000:08:00.0", 0);
	parse_ok("08:00.0,representor=5", "0000:08:00.0", 5);
	parse_bad("net_null1");
	parse_bad("0000:08:00.0");
	parse_bad("0000:08:00.0,representor=vf[0-3]");
	parse_ok("0000:08:00.0,representor=pf0vf1", "0000:08:00.0", 1);
	parse_bad("0000:08:00.0,representor=pf1");
	parse_bad("net_vhost0,iface=/tmp/x,representor=vf1");
	CHECK(hw_is_pci_address("0000:08:00.2"));
	CHECK(!hw_is_pci_address("0000:08:00.2x"));

	char root[] = "/tmp/nfva-hw-XXXXXX", path[512], out[HW_PCI_SIZE];
	if (mkdtemp(root) == NULL)
		return 1;
	snprintf(path, sizeof(path), "%s/bus", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/bus/pci", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/bus/pci/devices", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/bus/pci/devices/0000:08:00.0", root);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/bus/pci/devices/0000:08:00.0/virtfn3", root);
	CHECK(symlink("../0000:08:01.1", path) == 0);
	CHECK(hw_vf_pci(root, "0000:08:00.0", 3, out, sizeof(out)) == 0);
	CHECK(strcmp(out, "0000:08:01.1") == 0);
	printf("ok: PF 0000:08:00.0 VF 3 is %s\n", out);
	CHECK(hw_vf_pci(root, "0000:08:00.0", 4, out, sizeof(out)) == -ENOENT);
	CHECK(hw_vf_pci(root, "0000:09:00.0", 0, out, sizeof(out)) == -ENOENT);
	unlink(path);
	snprintf(path, sizeof(path), "rm -rf '%s'", root);
	if (system(path) != 0)
		failures++;
	return failures ? 1 : 0;
}
