#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test_appliance_image: vm-images/build-appliance-image.sh --dry-run prints
# the whole build (debootstrap of Debian 12, the DPDK runtime and nfva's
# libraries, nfva and nfvactl, the systemd units, hugepages on the kernel
# command line, the qcow2 and the config drive) without running anything.
# Root's password is locked and there is no console autologin unless asked
# for (--lab-autologin, lab images only: issue 13, D27).
# The real build takes minutes and runs on its own (vm-images/README.md);
# test_appliance_boot boots what it built.
# The expected lines are regexes in single quotes, $ included.
# shellcheck disable=SC2016
set -euo pipefail
# shellcheck source=tests/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_require
BUILD=$(cd "$(dirname "$NFVA")/.." && pwd)
echo "network add lan" > "$TEST_TMP/test.conf"
bash "$VM_SRC/vm-images/build-appliance-image.sh" --dry-run -b "$BUILD" -o "$TEST_TMP/img" \
	-m http://mirror.invalid/debian --config "$TEST_TMP/test.conf" --selftest --hugepages 256 \
	> "$TEST_TMP/out.txt"
[ ! -e "$TEST_TMP/img" ] || fail "the dry run created $TEST_TMP/img"
echo "ok: the dry run created nothing"

# expect WHAT REGEX: a line of the dry run matches.
expect() {
	grep -Eq -- "$2" "$TEST_TMP/out.txt" || fail "dry run: no $1 (/$2/)"
	echo "ok: $1"
}
expect "debootstrap of Debian 12" \
	'^\+ debootstrap --variant=minbase --include=[^ ]*linux-image-amd64[^ ]* bookworm .*/rootfs http://mirror.invalid/debian$'
expect "DPDK runtime with every PMD" '^\+ chroot .* apt-get install .*--install-recommends dpdk '
expect "nfva's DPDK libraries" '^\+ chroot .* apt-get install .* librte-eal23 .*librte-ethdev23'
expect "nfva installed" "^\\+ install -m 0755 $BUILD/appliance/nfva .*/usr/local/bin/nfva\$"
expect "nfvactl installed" "^\\+ install -m 0755 $BUILD/cli/nfvactl .*/usr/local/bin/nfvactl\$"
expect "systemd unit" '^ExecStart=/usr/local/bin/nfva \$NFVA_EAL_ARGS -- --config /etc/nfva/nfva.conf --socket /run/nfva/nfva.sock'
expect "units enabled" '^\+ chroot .* systemctl enable nfva-config.service nfva.service'
expect "config drive read by label" '^dev=\$\(blkid -L NFVA-CFG'
expect "hugepages on the kernel command line" '^root=/dev/vda rw console=ttyS0 default_hugepagesz=2M hugepagesz=2M hugepages=256$'
expect "root filesystem without loop devices" '^\+ mkfs.ext4 -q -F -L nfva-root -d .*/rootfs .*/nfva.raw 2G$'
expect "qcow2" '^\+ qemu-img convert -c -O qcow2 .*/nfva.raw .*/nfva.qcow2$'
expect "kernel for direct boot" '^\+ cp -L .*/rootfs/vmlinuz .*/vmlinuz$'
expect "config drive" '^\+ mkfs.ext4 -q -F -L NFVA-CFG -d .*/config-drive .*/config-drive.img 4M$'
expect "selftest flag on the config drive" '^\+ touch .*/config-drive/selftest$'
expect "root's password locked" '^\+ chroot .* passwd -l root$'
if grep -q -- "--autologin" "$TEST_TMP/out.txt"; then
	fail "dry run: the default image has a root autologin on the console"
fi
echo "ok: no console autologin by default"
bash "$VM_SRC/vm-images/build-appliance-image.sh" --dry-run -b "$BUILD" -o "$TEST_TMP/img" \
	-m http://mirror.invalid/debian --lab-autologin >"$TEST_TMP/out.txt" 2>"$TEST_TMP/err.txt"
expect "--lab-autologin: root autologin on ttyS0" '^ExecStart=-/sbin/agetty --autologin root '
grep -q "root shell on ttyS0 without a password" "$TEST_TMP/err.txt" ||
	fail "--lab-autologin does not warn"
echo "ok: --lab-autologin warns"
echo "PASS: test_appliance_image"
