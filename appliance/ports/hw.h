/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Hardware discovery for lab engineers and for guests on VFs: which PCI
 * functions are NICs, their netdevs, SR-IOV VFs, representors and RDMA (IB)
 * devices, and which devargs nfva needs for them (`hw show`). Reads sysfs
 * (under a root that tests may point at a fake tree) and, when built with
 * libibverbs (NFVA_HAVE_IBVERBS), asks ibv_get_device_list for the RDMA
 * devices. Control thread only; nothing here touches a device.
 */
#ifndef NFVA_HW_H
#define NFVA_HW_H

#include <stddef.h>

#include <jansson.h>

#define HW_PCI_SIZE 16 /* "0000:08:00.2" and NUL */

/* The PCI address of VF `vf` of the PF at `pf_pci` (sysfs virtfnN), in out.
 * root: sysfs mount point, NULL for /sys. 0, or -ENOENT when there is no
 * such VF (SR-IOV not enabled, wrong PF). */
int hw_vf_pci(const char *root, const char *pf_pci, unsigned vf, char *out, size_t outlen);

/* Splits representor devargs "0000:08:00.0,representor=vf3" (also
 * "representor=3", "[3]", "vf[3]", "pf0vf3") into the PF's PCI address and
 * the VF number. 0, or -EINVAL when devargs name no single VF of a PCI
 * device (a vdev, a range of representors). */
int hw_parse_representor(const char *devargs, char *pf_pci, size_t pcilen, unsigned *vf);

/* True when s is a PCI address (DDDD:BB:DD.F or BB:DD.F). */
int hw_is_pci_address(const char *s);

/* The `hw show` view: {"nics":[...], "rdma":[...], "rdma_source":...}. */
json_t *hw_discover(const char *root);

#endif
