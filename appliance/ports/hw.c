/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hardware discovery (see hw.h): PCI NICs from sysfs, their VFs and
 * representors, RDMA devices from libibverbs, and the devargs that go with
 * them; the `hw show` command.
 */
#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef NFVA_HAVE_IBVERBS
#include <infiniband/verbs.h>
#endif

#include "control/cmd.h"
#include "ports/hw.h"

#define SYSFS "/sys"

/* snprintf for paths: a truncated path is an empty one (nothing matches it). */
static void __attribute__((format(printf, 3, 4))) pathf(char *out, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	int n = vsnprintf(out, len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= len)
		out[0] = '\0';
}

int hw_is_pci_address(const char *s)
{
	unsigned d, b, dev, f;
	char end;

	if (sscanf(s, "%4x:%2x:%2x.%1x%c", &d, &b, &dev, &f, &end) == 4 && strlen(s) == 12)
		return 1;
	return sscanf(s, "%2x:%2x.%1x%c", &b, &dev, &f, &end) == 3 && strlen(s) == 7;
}

int hw_parse_representor(const char *devargs, char *pf_pci, size_t pcilen, unsigned *vf)
{
	size_t len = strcspn(devargs, ",");
	char pci[HW_PCI_SIZE];
	const char *rep = strstr(devargs, ",representor=");
	char *end;

	if (len >= sizeof(pci) || rep == NULL)
		return -EINVAL;
	memcpy(pci, devargs, len);
	pci[len] = '\0';
	if (!hw_is_pci_address(pci))
		return -EINVAL;
	rep += strlen(",representor=");
	if (strncmp(rep, "pf", 2) == 0) { /* pfNvfM: VF M of PF N (this PCI function) */
		rep += 2;
		while (isdigit((unsigned char)*rep))
			rep++;
		if (strncmp(rep, "vf", 2) != 0)
			return -EINVAL;
	}
	if (strncmp(rep, "vf", 2) == 0)
		rep += 2;
	bool bracket = *rep == '[';
	rep += bracket;
	if (!isdigit((unsigned char)*rep))
		return -EINVAL;
	unsigned long n = strtoul(rep, &end, 10);
	if (bracket && *end++ != ']')
		return -EINVAL; /* a range or a list: not one VF */
	if ((*end != '\0' && *end != ',') || n > 4095)
		return -EINVAL;
	if (strlen(pci) == 7) /* BB:DD.F: domain 0 */
		snprintf(pf_pci, pcilen, "0000:%s", pci);
	else
		snprintf(pf_pci, pcilen, "%s", pci);
	*vf = (unsigned)n;
	return 0;
}

/* basename of the symlink at path, in out; "" when it is not a link. */
static void link_base(const char *path, char *out, size_t outlen)
{
	char target[PATH_MAX];
	ssize_t n = readlink(path, target, sizeof(target) - 1);

	out[0] = '\0';
	if (n <= 0)
		return;
	target[n] = '\0';
	const char *slash = strrchr(target, '/');
	snprintf(out, outlen, "%s", slash != NULL ? slash + 1 : target);
}

int hw_vf_pci(const char *root, const char *pf_pci, unsigned vf, char *out, size_t outlen)
{
	char path[PATH_MAX];

	pathf(path, sizeof(path), "%s/bus/pci/devices/%s/virtfn%u", root ? root : SYSFS, pf_pci,
			vf);
	link_base(path, out, outlen);
	return out[0] != '\0' && hw_is_pci_address(out) ? 0 : -ENOENT;
}

/* First line of a small sysfs file, trailing newline removed; "" if unreadable. */
static void read_line(const char *path, char *out, size_t outlen)
{
	FILE *f = fopen(path, "r");

	out[0] = '\0';
	if (f == NULL)
		return;
	if (fgets(out, (int)outlen, f) != NULL)
		out[strcspn(out, "\n")] = '\0';
	fclose(f);
}

static json_t *read_int(const char *dir, const char *file)
{
	char path[PATH_MAX], buf[32];

	pathf(path, sizeof(path), "%s/%s", dir, file);
	read_line(path, buf, sizeof(buf));
	return buf[0] != '\0' ? json_integer(strtol(buf, NULL, 0)) : json_null();
}

/* Names in dir/sub (net/, infiniband/) as a JSON array of strings, sorted. */
static json_t *list_dir(const char *dir, const char *sub)
{
	char path[PATH_MAX];
	struct dirent **names;
	json_t *list = json_array();

	pathf(path, sizeof(path), "%s/%s", dir, sub);
	int n = scandir(path, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.')
			json_array_append_new(list, json_string(names[i]->d_name));
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	return list;
}

/* A netdev with its switch port name ("p0" uplink, "pf0vf3" representor). */
static json_t *netdev_json(const char *root, const char *name, bool *representor)
{
	char path[PATH_MAX], ppn[64], mac[32];
	unsigned pf, vf;

	pathf(path, sizeof(path), "%s/class/net/%s/phys_port_name", root, name);
	read_line(path, ppn, sizeof(ppn));
	pathf(path, sizeof(path), "%s/class/net/%s/address", root, name);
	read_line(path, mac, sizeof(mac));
	*representor = sscanf(ppn, "pf%uvf%u", &pf, &vf) == 2;
	json_t *j = json_pack("{s:s, s:o, s:o}", "name", name, "port_name",
			ppn[0] ? json_string(ppn) : json_null(), "mac",
			mac[0] ? json_string(mac) : json_null());
	if (*representor)
		json_object_set_new(j, "representor_of_vf", json_integer(vf));
	return j;
}

static json_t *vfs_json(const char *root, const char *pci, const char *dev, int numvfs)
{
	json_t *list = json_array();

	for (int v = 0; v < numvfs; v++) {
		char vf_pci[HW_PCI_SIZE], vdir[PATH_MAX], drv[64];
		if (hw_vf_pci(root, pci, (unsigned)v, vf_pci, sizeof(vf_pci)) < 0)
			continue;
		pathf(vdir, sizeof(vdir), "%s/virtfn%d/driver", dev, v);
		link_base(vdir, drv, sizeof(drv));
		pathf(vdir, sizeof(vdir), "%s/virtfn%d", dev, v);
		json_array_append_new(list,
				json_pack("{s:i, s:s, s:o, s:o}", "vf", v, "pci", vf_pci, "driver",
						drv[0] ? json_string(drv) : json_null(), "netdevs",
						list_dir(vdir, "net")));
	}
	return list;
}

/* What to type into nfva for this PF (mlx5: the PF with its e-switch, then
 * one representor per VF; other drivers: the PCI function as a plain port). */
static json_t *nfva_commands(const char *pci, const char *driver, int numvfs, bool switchdev)
{
	json_t *cmds = json_array();
	char line[256];
	bool mlx5 = strncmp(driver, "mlx5", 4) == 0;

	pathf(line, sizeof(line), "port add uplink dev %s%s", pci,
			mlx5 && switchdev ? " eswitch nic" : "");
	json_array_append_new(cmds, json_string(line));
	for (int v = 0; mlx5 && switchdev && v < numvfs; v++) {
		pathf(line, sizeof(line), "port add vf%d dev %s,representor=vf%d vf-of uplink", v,
				pci, v);
		json_array_append_new(cmds, json_string(line));
	}
	return cmds;
}

static json_t *nic_json(const char *root, const char *pci, const char *dev)
{
	char path[PATH_MAX], driver[64], vendor[16], device[16];
	bool switchdev = false;

	pathf(path, sizeof(path), "%s/driver", dev);
	link_base(path, driver, sizeof(driver));
	pathf(path, sizeof(path), "%s/vendor", dev);
	read_line(path, vendor, sizeof(vendor));
	pathf(path, sizeof(path), "%s/device", dev);
	read_line(path, device, sizeof(device));

	json_t *names = list_dir(dev, "net"), *netdevs = json_array(), *v;
	size_t i;
	json_array_foreach(names, i, v) {
		bool rep;
		json_array_append_new(netdevs, netdev_json(root, json_string_value(v), &rep));
		switchdev |= rep;
	}
	json_decref(names);
	json_t *numvfs = read_int(dev, "sriov_numvfs");
	int n = json_is_integer(numvfs) ? (int)json_integer_value(numvfs) : 0;
	json_t *j = json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "pci", pci, "id", "",
			"driver", driver, "netdevs", netdevs, "rdma", list_dir(dev, "infiniband"),
			"sriov_totalvfs", read_int(dev, "sriov_totalvfs"), "sriov_numvfs", numvfs,
			"vfs", vfs_json(root, pci, dev, n), "eswitch",
			json_string(switchdev                   ? "switchdev"
							: n > 0 ? "legacy"
								: "none"));
	pathf(path, sizeof(path), "%s:%s", vendor[0] ? vendor + 2 : "?",
			device[0] ? device + 2 : "?");
	json_object_set_new(j, "id", json_string(path));
	json_object_set_new(j, "nfva", nfva_commands(pci, driver, n, switchdev));
	return j;
}

/* PCI network functions (class 0x02xxxx) that are not VFs themselves. */
static json_t *nics_json(const char *root)
{
	char dir[PATH_MAX], path[PATH_MAX], cls[16];
	struct dirent **names;
	json_t *list = json_array();

	pathf(dir, sizeof(dir), "%s/bus/pci/devices", root);
	int n = scandir(dir, &names, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		const char *pci = names[i]->d_name;
		char dev[PATH_MAX];
		pathf(dev, sizeof(dev), "%s/%s", dir, pci);
		pathf(path, sizeof(path), "%s/class", dev);
		read_line(path, cls, sizeof(cls));
		pathf(path, sizeof(path), "%s/physfn", dev);
		if (pci[0] != '.' && strncmp(cls, "0x02", 4) == 0 && access(path, F_OK) != 0)
			json_array_append_new(list, nic_json(root, pci, dev));
		free(names[i]);
	}
	if (n >= 0)
		free(names);
	return list;
}

/* An RDMA device: its PCI function and netdevs, from its sysfs directory. */
static json_t *rdma_json(const char *name, const char *ibdev_path)
{
	char path[PATH_MAX], pci[64];

	pathf(path, sizeof(path), "%s/device", ibdev_path);
	link_base(path, pci, sizeof(pci));
	return json_pack("{s:s, s:o, s:o}", "name", name, "pci",
			pci[0] ? json_string(pci) : json_null(), "netdevs", list_dir(path, "net"));
}

static json_t *rdma_sysfs(const char *root)
{
	char dir[PATH_MAX], path[PATH_MAX];
	json_t *names, *list = json_array(), *v;
	size_t i;

	pathf(dir, sizeof(dir), "%s/class", root);
	names = list_dir(dir, "infiniband");
	json_array_foreach(names, i, v) {
		pathf(path, sizeof(path), "%s/infiniband/%s", dir, json_string_value(v));
		json_array_append_new(list, rdma_json(json_string_value(v), path));
	}
	json_decref(names);
	return list;
}

#ifdef NFVA_HAVE_IBVERBS
static json_t *rdma_ibverbs(void)
{
	int n = 0;
	struct ibv_device **devs = ibv_get_device_list(&n);
	json_t *list = json_array();

	for (int i = 0; devs != NULL && i < n; i++)
		json_array_append_new(list,
				rdma_json(ibv_get_device_name(devs[i]), devs[i]->ibdev_path));
	if (devs != NULL)
		ibv_free_device_list(devs);
	return list;
}
#endif

json_t *hw_discover(const char *root)
{
	const char *source = "sysfs";
	json_t *rdma;

#ifdef NFVA_HAVE_IBVERBS
	if (root == NULL) {
		rdma = rdma_ibverbs();
		source = "libibverbs";
	} else
#endif
		rdma = rdma_sysfs(root != NULL ? root : SYSFS);
	return json_pack("{s:o, s:o, s:s}", "nics", nics_json(root != NULL ? root : SYSFS), "rdma",
			rdma, "rdma_source", source);
}

static int hw_show_cmd(const struct cmd_args *a, struct cmd_reply *r)
{
	r->result = hw_discover(cmd_arg(a, "PATH"));
	return 0;
}
NFVA_CMD_RO(hw_show_cmd, "hw show [sysfs PATH]",
		"PCI NICs, SR-IOV VFs, representors and RDMA devices, with the nfva port commands "
		"for them (sysfs: read another sysfs tree, for tests)")
