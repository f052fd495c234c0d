#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# shellcheck source-path=SCRIPTDIR
#
# Prepare a switchdev-capable PF (mlx5, ice, nfp ...) for nfva: VFs created,
# MAC/spoof-check/trust set with iproute2, the e-switch put in switchdev mode
# (the VFs unbound meanwhile, as mlx5 requires), hugepages.
#
#   setup_switchdev.sh --pf ens1f0 [--pci 0000:3b:00.0] [--vfs 2] [--vf-driver mlx5_core]
#                      [--hugepages 2048] [--dry-run]
#
# --dry-run prints every command instead of running it.
set -eu -o pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PF='' PCI='' VFS=2 VF_DRIVER=mlx5_core HUGE=2048
options "pf=PF pci=PCI vfs=VFS vf-driver=VF_DRIVER hugepages=HUGE" "$@"
[ -n "$PF" ] || die "--pf PF is required"
[ -n "$PCI" ] || PCI=$(pci_of "$PF")

echo "# $PF ($PCI): $VFS VFs, switchdev"
run devlink dev eswitch set "pci/$PCI" mode legacy
put 0 "/sys/class/net/$PF/device/sriov_numvfs"
put "$VFS" "/sys/class/net/$PF/device/sriov_numvfs"
for ((i = 0; i < VFS; i++)); do
	run ip link set "$PF" vf "$i" mac "$(vf_mac "$i")" spoofchk off trust on
done
# mlx5 refuses the mode change while VFs are bound to their driver.
for ((i = 0; i < VFS; i++)); do
	put "$(vf_pci "$PF" "$i")" "/sys/bus/pci/drivers/$VF_DRIVER/unbind"
done
run devlink dev eswitch set "pci/$PCI" mode switchdev
run devlink dev eswitch show "pci/$PCI"
for ((i = 0; i < VFS; i++)); do
	put "$(vf_pci "$PF" "$i")" "/sys/bus/pci/drivers/$VF_DRIVER/bind"
done
run ip link set "$PF" up
put "$HUGE" /proc/sys/vm/nr_hugepages
run mkdir -p /dev/hugepages
run sh -c 'mountpoint -q /dev/hugepages || mount -t hugetlbfs nodev /dev/hugepages'
