#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Prepares a hypervisor's SR-IOV NIC for nfva: creates VFs through sysfs,
# sets each VF's MAC, VLAN, trust and spoof check through the PF (iproute2),
# switches the e-switch to switchdev with devlink (VF representors appear),
# and binds the VFs to a driver. Prints the nfva port commands at the end.
#
#   sriov-setup.sh --pf NETDEV [--pci ADDR] --vfs N [options]
#     --pf NETDEV        the PF's netdev (e.g. enp8s0f0np0)
#     --pci ADDR         its PCI address (default: from /sys/class/net/NETDEV)
#     --vfs N            number of VFs (0 removes them)
#     --switchdev        put the e-switch in switchdev mode (mlx5, E810, ...)
#     --mac-base MAC     VF n gets MAC + n (default 52:54:00:a0:00:00; "none": leave)
#     --vlan V           VLAN of every VF (VST: the NIC tags), default none
#     --trust on|off     VF trust (default on: guests may set promisc/MACs)
#     --spoofchk on|off  VF MAC spoof check (default off for appliance VFs)
#     --bind DRIVER      bind the VFs to DRIVER after setup (e.g. vfio-pci for
#                        DPDK or guests; default: the PF's driver; none: leave)
#     --sysfs DIR        sysfs root (default /sys; tests use a fake tree)
#     --dry-run          print every command, run none
# Run as root. Each command is printed (prefixed "+ ") before it runs.
set -euo pipefail

PF="" PCI="" VFS="" SWITCHDEV=0 MAC_BASE=52:54:00:a0:00:00 VLAN="" TRUST=on SPOOFCHK=off
BIND="" SYSFS=/sys DRY=0

usage() { sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; }
die() { echo "sriov-setup: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
	case $1 in
	--pf) PF=$2; shift ;;
	--pci) PCI=$2; shift ;;
	--vfs) VFS=$2; shift ;;
	--switchdev) SWITCHDEV=1 ;;
	--mac-base) MAC_BASE=$2; shift ;;
	--vlan) VLAN=$2; shift ;;
	--trust) TRUST=$2; shift ;;
	--spoofchk) SPOOFCHK=$2; shift ;;
	--bind) BIND=$2; shift ;;
	--sysfs) SYSFS=$2; shift ;;
	--dry-run) DRY=1 ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
	shift
done
if [ -z "$PF" ] || [ -z "$VFS" ]; then usage >&2; exit 2; fi
[[ "$VFS" =~ ^[0-9]+$ ]] || die "--vfs wants a number"
[[ "$TRUST" =~ ^(on|off)$ && "$SPOOFCHK" =~ ^(on|off)$ ]] || die "trust/spoofchk: on or off"
[ -z "$VLAN" ] || [[ "$VLAN" =~ ^[0-9]+$ && "$VLAN" -ge 1 && "$VLAN" -le 4094 ]] ||
	die "--vlan wants 1-4094"
[ "$MAC_BASE" = none ] || [[ "$MAC_BASE" =~ ^([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}$ ]] ||
	die "--mac-base wants a MAC"
[ "$DRY" = 1 ] || [ "$(id -u)" -eq 0 ] || die "run as root (or with --dry-run)"

if [ -z "$PCI" ]; then
	link=$(readlink "$SYSFS/class/net/$PF/device" 2>/dev/null) ||
		die "no netdev $PF in $SYSFS/class/net (give --pci for a dry run elsewhere)"
	PCI=$(basename "$link")
fi
[[ "$PCI" =~ ^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$ ]] || die "bad PCI address '$PCI'"
DEV="$SYSFS/bus/pci/devices/$PCI"
PF_DRIVER=$(basename "$(readlink "$DEV/driver" 2>/dev/null)" 2>/dev/null || true)
[ -n "$PF_DRIVER" ] || PF_DRIVER=mlx5_core
[ -n "$BIND" ] || BIND=$PF_DRIVER

# run CMD...: print it; run it unless --dry-run. Redirections go through sh -c.
run() {
	echo "+ $*"
	[ "$DRY" = 1 ] || "$@"
}
# write VALUE FILE: echo VALUE > FILE (a sysfs write), printed as such.
write() {
	echo "+ echo $1 > $2"
	[ "$DRY" = 1 ] || echo "$1" > "$2"
}

# mac_plus BASE N: BASE + N in its last two bytes.
mac_plus() {
	local prefix=${1%:*:*} hi=$((16#$(cut -d: -f5 <<<"$1"))) lo=$((16#${1##*:}))
	local v=$((hi * 256 + lo + $2))
	printf '%s:%02x:%02x' "$prefix" $(((v >> 8) & 255)) $((v & 255))
}

# vf_pci N: the VF's PCI address (known once the VFs exist; placeholder in a dry run).
vf_pci() {
	local l
	if l=$(readlink "$DEV/virtfn$1" 2>/dev/null); then basename "$l"; else echo "<VF$1-PCI>"; fi
}

echo "# PF $PF at $PCI (driver $PF_DRIVER): $VFS VFs$([ "$SWITCHDEV" = 1 ] && echo ", switchdev")"
total=$(cat "$DEV/sriov_totalvfs" 2>/dev/null || echo "")
[ -z "$total" ] || [ "$VFS" -le "$total" ] || die "$PF supports at most $total VFs"

# The VF count can only change from 0.
write 0 "$DEV/sriov_numvfs"
[ "$VFS" -eq 0 ] && exit 0
if [ "$SWITCHDEV" = 1 ]; then
	# legacy first: VF settings through the PF are made in legacy mode
	run devlink dev eswitch set "pci/$PCI" mode legacy
fi
write "$VFS" "$DEV/sriov_numvfs"
for ((n = 0; n < VFS; n++)); do
	[ "$MAC_BASE" = none ] || run ip link set "$PF" vf "$n" mac "$(mac_plus "$MAC_BASE" "$n")"
	[ -z "$VLAN" ] || run ip link set "$PF" vf "$n" vlan "$VLAN"
	run ip link set "$PF" vf "$n" trust "$TRUST"
	run ip link set "$PF" vf "$n" spoofchk "$SPOOFCHK"
done
# VFs are unbound while the e-switch mode changes, then bound as asked;
# in legacy mode VFs that stay with the PF's driver are left as they are.
if [ "$SWITCHDEV" = 1 ] || { [ "$BIND" != none ] && [ "$BIND" != "$PF_DRIVER" ]; }; then
	for ((n = 0; n < VFS; n++)); do
		vf=$(vf_pci "$n")
		if [ "$DRY" = 1 ] || [ -e "$SYSFS/bus/pci/devices/$vf/driver" ]; then
			write "$vf" "$SYSFS/bus/pci/devices/$vf/driver/unbind"
		fi
	done
	if [ "$SWITCHDEV" = 1 ]; then
		run devlink dev eswitch set "pci/$PCI" mode switchdev
	fi
	if [ "$BIND" != none ]; then
		[ "$BIND" = vfio-pci ] && run modprobe vfio-pci
		for ((n = 0; n < VFS; n++)); do
			vf=$(vf_pci "$n")
			write "$BIND" "$SYSFS/bus/pci/devices/$vf/driver_override"
			write "$vf" "$SYSFS/bus/pci/drivers_probe"
		done
	fi
fi

echo "# nfva ports (appliance on this host; devargs for the mlx5 PMD):"
if [ "$SWITCHDEV" = 1 ]; then
	echo "#   port add uplink dev $PCI eswitch nic"
	for ((n = 0; n < VFS; n++)); do
		echo "#   port add vf$n dev $PCI,representor=vf$n vf-of uplink"
	done
	echo "# guests: nfvactl attach DOMAIN --network NET --vf (or network-vf-pool.xml, pf dev='$PF')"
else
	for ((n = 0; n < VFS; n++)); do echo "#   VF $n: $(vf_pci "$n")"; done
fi
