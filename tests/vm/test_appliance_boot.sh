#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test_appliance_boot: boots the appliance VM image that
# vm-images/build-appliance-image.sh built (QEMU TCG, 2 vCPUs, snapshot mode:
# the image is not changed) with a config drive made here, and checks on the
# serial console that nfva started from that config and answers nfvactl
# inside the VM (the image's nfva-selftest unit prints `nfvactl -j network
# show`). SKIP when the image has not been built (it takes minutes: see
# vm-images/README.md).
#
#   QEMU: vda = nfva.qcow2 (snapshot), vdb = config drive (NFVA-CFG:
#   nfva.conf "network add vmtest", default, selftest), ttyS0 -> console file
set -euo pipefail
# shellcheck source=tests/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_require
need qemu-system-x86_64 qemu-system-x86
need mkfs.ext4 e2fsprogs
IMG=${NFVA_APPLIANCE_DIR:-$(dirname "${NFVA_VM_CACHE:-$VM_SRC/build/vm-images/test-guest}")/appliance}
for f in nfva.qcow2 vmlinuz initrd.img; do
	[ -s "$IMG/$f" ] || skip "no appliance image in $IMG (build it: vm-images/build-appliance-image.sh -o $IMG)"
done

mkdir -p "$TEST_TMP/cfg"
echo "network add vmtest" > "$TEST_TMP/cfg/nfva.conf"
cat > "$TEST_TMP/cfg/default" <<'EOT'
NFVA_EAL_ARGS="-l 0,1 --huge-unlink"
NFVA_ARGS="--fdb-entries 65536 --mbufs 8191"
EOT
touch "$TEST_TMP/cfg/selftest"
mkfs.ext4 -q -F -L NFVA-CFG -d "$TEST_TMP/cfg" "$TEST_TMP/cfg.img" 4M > /dev/null

log "booting $IMG/nfva.qcow2 under TCG"
qemu-system-x86_64 -machine q35,accel=tcg -cpu max -smp 2 -m 1024 -nodefaults -display none \
	-no-reboot -snapshot \
	-kernel "$IMG/vmlinuz" -initrd "$IMG/initrd.img" \
	-append "root=/dev/vda rw console=ttyS0 default_hugepagesz=2M hugepagesz=2M hugepages=256 panic=-1" \
	-drive "file=$IMG/nfva.qcow2,if=virtio,format=qcow2" \
	-drive "file=$TEST_TMP/cfg.img,if=virtio,format=raw,readonly=on" \
	-serial "file:$TEST_TMP/appliance.console" > "$TEST_TMP/appliance.qemu.log" 2>&1 &
bg_track "$!"
check_guest "the config drive is read" "$TEST_TMP/appliance.console" "nfva-config: configuration from" 240
check_guest "nfvactl answers inside the VM" "$TEST_TMP/appliance.console" "nfva-selftest: " 240
line=$(grep -a "nfva-selftest: " "$TEST_TMP/appliance.console" | head -n 1)
echo "$line"
case "$line" in
*FAIL*) fail "nfvactl inside the VM: $line" ;;
*'"name":"vmtest"'*) echo "ok: nfva runs the config drive's network" ;;
*) fail "unexpected answer: $line" ;;
esac
echo "PASS: test_appliance_boot"
