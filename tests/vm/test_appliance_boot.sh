#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test_appliance_boot: the appliance VM image made from the Debian package
# boots and its systemd runs nfva from the package's unit. The package comes
# from scripts/build-deb.sh (cached by content in the build directory); the
# image from vm-images/build-appliance-image.sh, remade when the package
# changed (its Debian base is cached by content in /var/cache/nfva-ci, so a
# clean checkout reuses it; an empty cache costs one debootstrap, ~7 min).
# QEMU TCG, 2 vCPUs, snapshot mode (the image is not changed), a config drive
# made here. On the serial console: the config drive was read; nfva.service
# is Type=notify, active/running (READY=1 came, after the config was
# applied), with its 30 s watchdog and no restart; `nfvactl version` is the
# package's; nfva runs the config drive's network.
#
#   QEMU: vda = nfva.qcow2 (snapshot), vdb = config drive (NFVA-CFG:
#   nfva.conf "network add vmtest", default, selftest), ttyS0 -> console file
set -euo pipefail
# shellcheck source=tests/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_require
need qemu-system-x86_64 qemu-system-x86
need mkfs.ext4 e2fsprogs
need debootstrap debootstrap
need dpkg-buildpackage dpkg-dev
BUILD=$(cd "$(dirname "$NFVA")/.." && pwd)
IMG=${NFVA_APPLIANCE_DIR:-$BUILD/vm-images/appliance}
DEB=$(bash "$VM_SRC/scripts/build-deb.sh" -o "$BUILD/deb") || fail "the package does not build"
VERSION=$(dpkg-deb -f "$DEB" Version)
sum=$(sha256sum "$DEB" | cut -d' ' -f1)
if [ "$(cat "$IMG/deb.sha256" 2>/dev/null)" != "$sum" ] || [ ! -s "$IMG/nfva.qcow2" ]; then
	log "building the appliance image from $DEB"
	t0=$SECONDS
	rm -f "$IMG/deb.sha256"
	bash "$VM_SRC/vm-images/build-appliance-image.sh" --deb "$DEB" -o "$IMG" --no-compress \
		>"$TEST_TMP/image.log" 2>&1 || fail "image build: $(tail -n 30 "$TEST_TMP/image.log")"
	grep "^# base" "$TEST_TMP/image.log" || true
	echo "$sum" >"$IMG/deb.sha256"
	log "image built in $((SECONDS - t0)) s"
fi
for f in nfva.qcow2 vmlinuz initrd.img; do
	[ -s "$IMG/$f" ] || fail "no $f in $IMG"
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
check_guest "the selftest ran after nfva.service" "$TEST_TMP/appliance.console" "nfva-selftest: networks" 240
console() { grep -a "nfva-selftest: $1 " "$TEST_TMP/appliance.console" | head -n 1 | tr -d '\r'; }
unit=$(console unit)
echo "$unit"
for want in notify active running 30s; do
	grep -qw -- "$want" <<<"$unit" || fail "nfva.service is not $want: $unit"
done
read -r -a props <<<"${unit#*unit }"
echo "ok: nfva.service is Type=notify, active, running, WatchdogSec=30s"
grep -qE "(^| )0( |$)" <<<"${unit#*unit }" || fail "nfva.service restarted: $unit"
echo "ok: nfva.service never restarted (NRestarts 0 of ${props[*]})"
line=$(console version)
echo "$line"
grep -q "\"version\":\"$VERSION\"" <<<"$line" || fail "not the package's version $VERSION: $line"
echo "ok: nfvactl version inside the VM = the package's ($VERSION)"
line=$(console networks)
echo "$line"
grep -q '"name":"vmtest"' <<<"$line" || fail "nfva does not run the config drive's network: $line"
echo "ok: nfva runs the config drive's network"
echo "PASS: test_appliance_boot"
