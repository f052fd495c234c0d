#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test_sriov_dryrun: vm-images/sriov-setup.sh --dry-run prints exactly the
# commands that prepare a sample mlx5 PF (VFs through sysfs, VF MAC/VLAN/
# trust/spoofchk with iproute2, switchdev with devlink, vfio-pci binding) and
# changes nothing; `nfvactl hw show` on the same fake sysfs tree finds the PF,
# its VFs, representors and RDMA device and prints the nfva port commands.
#
#   fake sysfs: PF 0000:08:00.0 (mlx5_core, enp8s0f0np0, mlx5_0), 2 VFs
#   0000:08:00.2 / 0000:08:00.3, representors pf0vf0 / pf0vf1
set -euo pipefail
# shellcheck source=tests/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_require
S="$TEST_TMP/sys"
PF=0000:08:00.0
P="$S/bus/pci/devices/$PF"
mkdir -p "$S/bus/pci/drivers/mlx5_core" "$S/class/net" "$S/class/infiniband/mlx5_0"
mkdir -p "$P/net/enp8s0f0np0" "$P/net/pf0vf0" "$P/net/pf0vf1" "$P/infiniband/mlx5_0"
echo 0x020000 > "$P/class"
echo 0x15b3 > "$P/vendor"
echo 0x101d > "$P/device"
echo 8 > "$P/sriov_totalvfs"
echo 2 > "$P/sriov_numvfs"
ln -s ../../../bus/pci/drivers/mlx5_core "$P/driver"
for v in 0 1; do
	vf=0000:08:00.$((v + 2))
	V="$S/bus/pci/devices/$vf"
	mkdir -p "$V/net/enp8s0f0v$v"
	echo 0x020000 > "$V/class"
	ln -s "../$PF" "$V/physfn"
	ln -s ../../../bus/pci/drivers/mlx5_core "$V/driver"
	ln -s "../$vf" "$P/virtfn$v"
done
for n in enp8s0f0np0 pf0vf0 pf0vf1; do
	mkdir -p "$S/class/net/$n"
	ln -s "../../../bus/pci/devices/$PF" "$S/class/net/$n/device"
done
echo p0 > "$S/class/net/enp8s0f0np0/phys_port_name"
echo pf0vf0 > "$S/class/net/pf0vf0/phys_port_name"
echo pf0vf1 > "$S/class/net/pf0vf1/phys_port_name"
ln -s "../../../bus/pci/devices/$PF" "$S/class/infiniband/mlx5_0/device"
snapshot() { find "$S" -printf '%p %s %l\n' | sort | md5sum; }
before=$(snapshot)

log "sriov-setup.sh --dry-run, switchdev, VLAN 100, vfio-pci"
bash "$VM_SRC/vm-images/sriov-setup.sh" --pf enp8s0f0np0 --vfs 2 --switchdev --vlan 100 \
	--mac-base 52:54:00:a0:00:fe --bind vfio-pci --sysfs "$S" --dry-run > "$TEST_TMP/out.txt"
grep '^+ ' "$TEST_TMP/out.txt" | sed "s|$S|SYS|g" > "$TEST_TMP/got.txt"
cat > "$TEST_TMP/want.txt" <<EOF
+ echo 0 > SYS/bus/pci/devices/$PF/sriov_numvfs
+ devlink dev eswitch set pci/$PF mode legacy
+ echo 2 > SYS/bus/pci/devices/$PF/sriov_numvfs
+ ip link set enp8s0f0np0 vf 0 mac 52:54:00:a0:00:fe
+ ip link set enp8s0f0np0 vf 0 vlan 100
+ ip link set enp8s0f0np0 vf 0 trust on
+ ip link set enp8s0f0np0 vf 0 spoofchk off
+ ip link set enp8s0f0np0 vf 1 mac 52:54:00:a0:00:ff
+ ip link set enp8s0f0np0 vf 1 vlan 100
+ ip link set enp8s0f0np0 vf 1 trust on
+ ip link set enp8s0f0np0 vf 1 spoofchk off
+ echo 0000:08:00.2 > SYS/bus/pci/devices/0000:08:00.2/driver/unbind
+ echo 0000:08:00.3 > SYS/bus/pci/devices/0000:08:00.3/driver/unbind
+ devlink dev eswitch set pci/$PF mode switchdev
+ modprobe vfio-pci
+ echo vfio-pci > SYS/bus/pci/devices/0000:08:00.2/driver_override
+ echo 0000:08:00.2 > SYS/bus/pci/drivers_probe
+ echo vfio-pci > SYS/bus/pci/devices/0000:08:00.3/driver_override
+ echo 0000:08:00.3 > SYS/bus/pci/drivers_probe
EOF
diff -u "$TEST_TMP/want.txt" "$TEST_TMP/got.txt" || fail "dry run printed other commands"
echo "ok: the dry run prints the $(wc -l < "$TEST_TMP/want.txt") expected commands"
grep -q "port add vf1 dev $PF,representor=vf1 vf-of uplink" "$TEST_TMP/out.txt" ||
	fail "no nfva port commands"
echo "ok: nfva port commands printed"
check_eq "the dry run changed nothing" "$(snapshot)" "$before"

log "legacy mode, no VLAN, MACs left alone, PF driver"
bash "$VM_SRC/vm-images/sriov-setup.sh" --pf enp8s0f0np0 --vfs 1 --mac-base none \
	--trust off --spoofchk on --sysfs "$S" --dry-run | grep '^+ ' | sed "s|$S|SYS|g" \
	> "$TEST_TMP/got2.txt"
cat > "$TEST_TMP/want2.txt" <<EOF
+ echo 0 > SYS/bus/pci/devices/$PF/sriov_numvfs
+ echo 1 > SYS/bus/pci/devices/$PF/sriov_numvfs
+ ip link set enp8s0f0np0 vf 0 trust off
+ ip link set enp8s0f0np0 vf 0 spoofchk on
EOF
diff -u "$TEST_TMP/want2.txt" "$TEST_TMP/got2.txt" || fail "legacy dry run printed other commands"
echo "ok: legacy dry run"
check_fails "too many VFs" bash "$VM_SRC/vm-images/sriov-setup.sh" --pf enp8s0f0np0 --vfs 9 \
	--sysfs "$S" --dry-run
check_fails "an unknown PF" bash "$VM_SRC/vm-images/sriov-setup.sh" --pf nosuch --vfs 1 \
	--sysfs "$S" --dry-run
check_fails "a bad VLAN" bash "$VM_SRC/vm-images/sriov-setup.sh" --pf enp8s0f0np0 --vfs 1 \
	--vlan 5000 --sysfs "$S" --dry-run

log "nfvactl hw show on the same tree"
echo "network add lan" > "$TEST_TMP/nfva.conf"
nfva_up nfva "" "$TEST_TMP/nfva.conf"
ctlj nfva hw show sysfs "$S" > "$TEST_TMP/hw.json"
check_eq "NICs found" "$(json_get "[n['pci'] for n in j['nics']]" < "$TEST_TMP/hw.json")" "[\"$PF\"]"
check_eq "PF driver, id, e-switch" \
	"$(json_get "' '.join([j['nics'][0]['driver'], j['nics'][0]['id'], j['nics'][0]['eswitch']])" \
		< "$TEST_TMP/hw.json")" "mlx5_core 15b3:101d switchdev"
check_eq "VFs" "$(json_get "[v['pci'] for v in j['nics'][0]['vfs']]" < "$TEST_TMP/hw.json")" \
	'["0000:08:00.2", "0000:08:00.3"]'
check_eq "representors" "$(json_get \
	"[n['name'] for n in j['nics'][0]['netdevs'] if 'representor_of_vf' in n]" < "$TEST_TMP/hw.json")" \
	'["pf0vf0", "pf0vf1"]'
check_eq "RDMA device" "$(json_get "[(r['name'], r['pci']) for r in j['rdma']]" < "$TEST_TMP/hw.json")" \
	"[[\"mlx5_0\", \"$PF\"]]"
check_eq "nfva commands" "$(json_get "j['nics'][0]['nfva'][2]" < "$TEST_TMP/hw.json")" \
	"port add vf1 dev $PF,representor=vf1 vf-of uplink"
ctl nfva hw show > /dev/null || fail "hw show on this host's sysfs failed"
echo "ok: hw show on this host"
echo "PASS: test_sriov_dryrun"
