#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test_appliance_image: vm-images/build-appliance-image.sh --dry-run prints
# the whole build (a base of Debian 12 with the DPDK runtime and the
# package's dependencies, cached by content; the nfva package installed with
# dpkg; the config drive units; hugepages on the kernel command line; the
# qcow2 and the config drive) without running anything. Root autologin on the
# console only with --autologin (review D27).
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
DEB=$BUILD/deb/nfva_0.0_amd64.deb # not read in a dry run
image_dry_run() {
	bash "$VM_SRC/vm-images/build-appliance-image.sh" --dry-run --deb "$DEB" -o "$TEST_TMP/img" \
		--cache "$TEST_TMP/cache" -m http://mirror.invalid/debian --config "$TEST_TMP/test.conf" \
		--selftest --hugepages 256 "$@"
}
image_dry_run > "$TEST_TMP/out.txt"
[ ! -e "$TEST_TMP/img" ] && [ ! -e "$TEST_TMP/cache" ] || fail "the dry run created files"
echo "ok: the dry run created nothing"

# expect WHAT REGEX: a line of the dry run matches.
expect() {
	grep -Eq -- "$2" "$TEST_TMP/out.txt" || fail "dry run: no $1 (/$2/)"
	echo "ok: $1"
}
expect "a base not cached yet" "^# base [0-9a-f]{16} not cached"
expect "debootstrap of Debian 12 into the cache" \
	"^\\+ debootstrap --variant=minbase --include=[^ ]*linux-image-amd64[^ ]* bookworm $TEST_TMP/cache/base-[0-9a-f]{16}.tmp/rootfs http://mirror.invalid/debian\$"
expect "DPDK runtime with every PMD" '^\+ chroot .* apt-get install .*--install-recommends dpdk '
expect "nfva's DPDK libraries" '^\+ chroot .* apt-get install .* librte-eal23 .*librte-ethdev23'
expect "the image starts from the cached base" "^\\+ cp -a $TEST_TMP/cache/base-[0-9a-f]{16}/rootfs $TEST_TMP/img/rootfs\$"
expect "the package installed with dpkg" '^\+ chroot .*/rootfs dpkg -i /tmp/nfva.deb$'
expect "nfva.service after the config drive" '^After=nfva-config.service$'
expect "units enabled" '^\+ chroot .* systemctl enable nfva-config.service nfva.service'
grep -q "autologin" "$TEST_TMP/out.txt" && fail "root autologin without --autologin"
echo "ok: no root autologin by default"
image_dry_run --autologin > "$TEST_TMP/autologin.txt"
grep -q -- "--autologin root" "$TEST_TMP/autologin.txt" || fail "--autologin: no autologin"
echo "ok: --autologin gives a root console"
expect "config drive read by label" '^dev=\$\(blkid -L NFVA-CFG'
expect "hugepages on the kernel command line" '^root=/dev/vda rw console=ttyS0 default_hugepagesz=2M hugepagesz=2M hugepages=256$'
expect "root filesystem without loop devices" '^\+ mkfs.ext4 -q -F -L nfva-root -d .*/rootfs .*/nfva.raw 2G$'
expect "qcow2" '^\+ qemu-img convert -c -O qcow2 .*/nfva.raw .*/nfva.qcow2$'
expect "kernel for direct boot" '^\+ cp -L .*/rootfs/vmlinuz .*/vmlinuz$'
expect "config drive" '^\+ mkfs.ext4 -q -F -L NFVA-CFG -d .*/config-drive .*/config-drive.img 4M$'
expect "selftest flag on the config drive" '^\+ touch .*/config-drive/selftest$'
echo "PASS: test_appliance_image"
