#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Builds the tiny test guest from Debian packages only: the Debian kernel
# (linux-image-6.1.0-*-amd64, vmlinuz + the virtio-net modules) and an
# initramfs of busybox-static whose /init (guest-init.sh) takes its job from
# the kernel command line. Boots to its job in ~6 s under QEMU TCG.
#
#   build-test-guest.sh [-o DIR] [-k PACKAGE] [-f]
#     -o DIR      output directory (default: <repo>/build/vm-images/test-guest)
#     -k PACKAGE  kernel package (default: what linux-image-amd64 depends on)
#     -f          rebuild even if DIR holds a guest built from the same inputs
#
# Writes DIR/vmlinuz, DIR/initrd.img and DIR/stamp; prints DIR. The .deb files
# are cached in DIR/debs, so a rebuild (new init script) downloads nothing.
# Needs apt-get (the Debian archive), dpkg-deb, cpio, gzip; not root.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
OUT="$HERE/../build/vm-images/test-guest"
KPKG=""
FORCE=0

usage() { sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; }
die() { echo "build-test-guest: $*" >&2; exit 1; }

while getopts "o:k:fh" opt; do
	case $opt in
	o) OUT=$OPTARG ;;
	k) KPKG=$OPTARG ;;
	f) FORCE=1 ;;
	h) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
done
for tool in apt-get dpkg-deb cpio gzip; do
	command -v "$tool" > /dev/null || die "$tool is missing (apt-get install $tool)"
done

if [ -z "$KPKG" ]; then
	KPKG=$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -n 1)
	[ -n "$KPKG" ] || die "cannot find the kernel package (run apt-get update, or give -k)"
fi

mkdir -p "$OUT/debs"
OUT=$(cd "$OUT" && pwd)
# Same kernel, same init, same helper: nothing to do.
inputs=$(cat "$HERE/guest-init.sh" "$HERE/udpsend.c" "$0" | sha256sum | cut -c1-16)
stamp="$KPKG $inputs"
if [ "$FORCE" = 0 ] && [ -s "$OUT/vmlinuz" ] && [ -s "$OUT/initrd.img" ] &&
		[ "$(cat "$OUT/stamp" 2>/dev/null)" = "$stamp" ]; then
	echo "$OUT"
	exit 0
fi

# apt-get download writes into the current directory; _apt must be able to.
fetch() {
	local pkg=$1
	[ -n "$(find "$OUT/debs" -name "${pkg}_*.deb")" ] && return 0
	(cd "$OUT/debs" && apt-get download -q -o APT::Sandbox::User=root "$pkg" > /dev/null) ||
		die "apt-get download $pkg failed"
}
fetch "$KPKG"
fetch busybox-static

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
kdeb=$(find "$OUT/debs" -name "${KPKG}_*.deb" | head -n 1)
bdeb=$(find "$OUT/debs" -name "busybox-static_*.deb" | head -n 1)
mkdir -p "$work/kernel"
# Only vmlinuz and the virtio/failover modules of the 70 MB package.
dpkg-deb --fsys-tarfile "$kdeb" | tar -x -C "$work/kernel" --wildcards './boot/vmlinuz-*' \
	'*/virtio*.ko*' '*/failover.ko*' '*/net_failover.ko*'
dpkg-deb -x "$bdeb" "$work/bb"

root="$work/root"
mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,lib/modules}
cp "$work/bb/bin/busybox" "$root/bin/busybox"
for applet in $("$root/bin/busybox" --list); do
	[ "$applet" = busybox ] || ln -sf busybox "$root/bin/$applet"
done
mods="virtio_ring virtio virtio_pci_modern_dev virtio_pci_legacy_dev virtio_pci failover"
mods="$mods net_failover virtio_net"
for m in $mods; do
	ko=$(find "$work/kernel/lib/modules" -name "$m.ko*" | head -n 1)
	[ -n "$ko" ] || die "$KPKG has no $m module"
	case "$ko" in
	*.xz) xz -dc "$ko" > "$root/lib/modules/$m.ko" ;;
	*.zst) zstd -qdc "$ko" > "$root/lib/modules/$m.ko" ;;
	*) cp "$ko" "$root/lib/modules/$m.ko" ;;
	esac
done
install -m 0755 "$HERE/guest-init.sh" "$root/init"
if command -v cc > /dev/null &&
		cc -static -Os -o "$root/bin/udpsend" "$HERE/udpsend.c" 2> "$work/cc.log"; then
	strip "$root/bin/udpsend" 2> /dev/null || true
else
	echo "build-test-guest: no static udpsend (the udp job is off): $(cat "$work/cc.log" 2>/dev/null)" >&2
fi
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -9) > "$work/initrd.img"

cp "$(find "$work/kernel/boot" -name 'vmlinuz-*' | head -n 1)" "$work/vmlinuz"
mv "$work/vmlinuz" "$OUT/vmlinuz"
mv "$work/initrd.img" "$OUT/initrd.img"
chmod 0644 "$OUT/vmlinuz" "$OUT/initrd.img"
echo "$stamp" > "$OUT/stamp"
echo "$OUT"
