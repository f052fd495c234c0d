#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Builds the nfva appliance VM image from the Debian package: Debian 12
# (debootstrap), the DPDK runtime (every PMD), the nfva .deb installed with
# dpkg (its nfva.service, /etc/default/nfva, man pages), the service
# enabled, and the config read from a config drive (a disk labelled NFVA-CFG
# holding nfva.conf, optionally `default` for /etc/default/nfva) or else
# /etc/nfva/nfva.conf in the image. Output, in DIR:
#   nfva.qcow2         the root filesystem (ext4 on the whole disk: root=/dev/vda)
#   vmlinuz, initrd.img   the image's kernel, for libvirt's direct kernel boot
#   cmdline            the kernel command line (2 MiB hugepages for DPDK)
#   config-drive.img   with --config FILE: a config drive holding it
# libvirt-xml/appliance-vm.xml boots it. No loop devices or mounts are needed
# (mkfs.ext4 -d), so it also runs in containers.
#
# The Debian part (debootstrap, the DPDK runtime, the package's dependencies)
# is cached by content: a hash of its inputs (this script's base recipe, the
# suite, the mirror, the .deb's Depends) names a directory of the cache, kept
# across builds and checkouts; only the .deb, the image's own files and the
# filesystem are made again (~1 min instead of ~7).
#
#   build-appliance-image.sh [options]
#     -o DIR            output directory (default <repo>/build/vm-images/appliance)
#     --deb FILE        the nfva package (default: scripts/build-deb.sh builds it
#                       into <repo>/build/deb)
#     --cache DIR       the base cache (default /var/cache/nfva-ci/appliance)
#     -s SIZE           image size (default 2G)
#     -m MIRROR         Debian mirror (default: the first one in this host's apt sources)
#     --config FILE     also write config-drive.img with FILE as nfva.conf
#     --selftest        the config drive also asks the image to print, once nfva is
#                       up, `nfvactl -j network show`, nfva.service's state and
#                       `nfvactl -j version` on its console
#     --hugepages N     2 MiB hugepages on the command line (default 512)
#     --autologin       a root shell on the serial console (lab images only: the
#                       image has no password; default: a login prompt)
#     --no-compress     a plain qcow2 (faster to write, larger)
#     --dry-run         print every command, run none
#     --keep-rootfs     keep the image's tree (DIR/rootfs)
# Needs root, debootstrap, e2fsprogs, qemu-utils and Debian's archive.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
OUT="$REPO/build/vm-images/appliance"
DEB=""
CACHE=/var/cache/nfva-ci/appliance
SIZE=2G
MIRROR=""
CONFIG=""
SELFTEST=0
HUGEPAGES=512
AUTOLOGIN=0
COMPRESS=-c
DRY=0
KEEP=0
SUITE=bookworm

usage() { sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; }
die() { echo "build-appliance-image: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
	case $1 in
	-o) OUT=$2; shift ;;
	--deb) DEB=$2; shift ;;
	--cache) CACHE=$2; shift ;;
	-s) SIZE=$2; shift ;;
	-m) MIRROR=$2; shift ;;
	--config) CONFIG=$2; shift ;;
	--selftest) SELFTEST=1 ;;
	--hugepages) HUGEPAGES=$2; shift ;;
	--autologin) AUTOLOGIN=1 ;;
	--no-compress) COMPRESS="" ;;
	--dry-run) DRY=1 ;;
	--keep-rootfs) KEEP=1 ;;
	-h|--help) usage; exit 0 ;;
	*) usage >&2; exit 2 ;;
	esac
	shift
done
[[ "$HUGEPAGES" =~ ^[0-9]+$ ]] || die "--hugepages wants a number"
[ -z "$CONFIG" ] || [ -f "$CONFIG" ] || die "no config file $CONFIG"

# run CMD...: print it, run it unless --dry-run.
run() {
	echo "+ $*"
	[ "$DRY" = 1 ] || "$@"
}
# put FILE MODE: standard input into FILE (printed as a heredoc in a dry run).
put() {
	if [ "$DRY" = 1 ]; then
		echo "+ cat > $1 <<'EOF'"
		cat
		echo "EOF"
	else
		mkdir -p "$(dirname "$1")"
		cat > "$1"
		chmod "$2" "$1"
	fi
}

# The first Debian mirror of this host's apt sources (deb822 or one-line).
host_mirror() {
	{
		cat /etc/apt/sources.list.d/*.sources 2>/dev/null | sed -n 's/^URIs: *\([^ ]*\).*/\1/p'
		cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
			sed -n 's/^deb \(\[[^]]*\] \)\{0,1\}\([^ ]*\) .*/\2/p'
	} | grep -v -e security -e '^$' | head -n 1 || true
}

[ -n "$MIRROR" ] || MIRROR=$(host_mirror)
[ -n "$MIRROR" ] || die "no Debian mirror in this host's apt sources: give -m MIRROR"
if [ "$DRY" = 0 ]; then
	[ "$(id -u)" -eq 0 ] || die "run as root (debootstrap, chroot)"
	for tool in debootstrap mkfs.ext4 qemu-img chroot dpkg-deb; do
		command -v "$tool" > /dev/null || die "$tool is missing (apt-get install debootstrap e2fsprogs qemu-utils)"
	done
	if [ -z "$DEB" ]; then
		DEB=$(bash "$REPO/scripts/build-deb.sh" -o "$REPO/build/deb") || die "cannot build the package"
	fi
	[ -f "$DEB" ] || die "no package $DEB"
fi
[ -n "$DEB" ] || DEB="$REPO/build/deb/nfva_VERSION_ARCH.deb"

# The package's dependencies, as names (versions and alternatives dropped:
# the suite's versions are what the image gets).
deb_depends() {
	[ -f "$DEB" ] || { echo "librte-eal23 librte-ethdev23 libjansson4"; return; }
	dpkg-deb -f "$DEB" Depends | tr ',' '\n' | sed -e 's/|.*//' -e 's/(.*)//' -e 's/ //g' |
		grep -v '^$' | sort -u | tr '\n' ' '
}

BASE="systemd-sysv,udev,kmod,iproute2,ethtool,pciutils,procps,util-linux,e2fsprogs"
BASE="$BASE,linux-image-amd64,initramfs-tools,rdma-core,ibverbs-providers"
DEPENDS=$(deb_depends)
CMDLINE="root=/dev/vda rw console=ttyS0 default_hugepagesz=2M hugepagesz=2M hugepages=$HUGEPAGES"
ROOT="$OUT/rootfs"
t0=$(date +%s)

# base_rootfs DIR: Debian with the DPDK runtime (every PMD: dpdk's Recommends)
# and what the package depends on; apt's caches emptied.
base_rootfs() {
	run debootstrap --variant=minbase --include="$BASE" "$SUITE" "$1" "$MIRROR"
	# shellcheck disable=SC2086 # DEPENDS is a list of package names
	run chroot "$1" apt-get install -y -q --install-recommends dpdk $DEPENDS
	run chroot "$1" apt-get clean
}
# What the cached base is made of: its recipe (base_rootfs) and its inputs.
KEY=$( (declare -f base_rootfs; echo "$SUITE $MIRROR $BASE $DEPENDS") | sha256sum | cut -c1-16)
BASE_DIR="$CACHE/base-$KEY"

echo "# nfva appliance image: Debian $SUITE from $MIRROR, package $DEB, into $OUT"
run mkdir -p "$OUT" "$CACHE"
if [ -f "$BASE_DIR/complete" ]; then
	echo "# base $KEY from the cache ($BASE_DIR)"
else
	echo "# base $KEY not cached: building it (debootstrap, DPDK; ~6 min)"
	run rm -rf "$BASE_DIR.tmp"
	base_rootfs "$BASE_DIR.tmp/rootfs"
	run touch "$BASE_DIR.tmp/complete"
	run mv "$BASE_DIR.tmp" "$BASE_DIR"
	# Older bases (other inputs) go: at most the two newest stay.
	if [ "$DRY" = 0 ]; then
		ls -1dt "$CACHE"/base-* 2>/dev/null | tail -n +3 | xargs -r rm -rf
	fi
fi

[ "$DRY" = 1 ] || rm -rf "$ROOT"
run cp -a "$BASE_DIR/rootfs" "$ROOT"
# The package, as any host installs it: dpkg, its unit and files.
run cp "$DEB" "$ROOT/tmp/nfva.deb"
run chroot "$ROOT" dpkg -i /tmp/nfva.deb
run rm -f "$ROOT/tmp/nfva.deb"
# The binaries must find every library in the image.
if [ "$DRY" = 0 ] && chroot "$ROOT" ldd /usr/bin/nfva /usr/bin/nfvactl | grep -q "not found"; then
	chroot "$ROOT" ldd /usr/bin/nfva /usr/bin/nfvactl | grep "not found" >&2
	die "libraries missing in the image"
fi
. "$HERE/appliance-files.sh"
appliance_files

run chroot "$ROOT" systemctl enable nfva-config.service nfva.service nfva-selftest.service \
	serial-getty@ttyS0.service
put "$OUT/cmdline" 0644 <<< "$CMDLINE"
run cp -L "$ROOT/vmlinuz" "$OUT/vmlinuz"
run cp -L "$ROOT/initrd.img" "$OUT/initrd.img"

run rm -f "$OUT/nfva.raw"
run mkfs.ext4 -q -F -L nfva-root -d "$ROOT" "$OUT/nfva.raw" "$SIZE"
# shellcheck disable=SC2086 # COMPRESS is empty or -c
run qemu-img convert $COMPRESS -O qcow2 "$OUT/nfva.raw" "$OUT/nfva.qcow2"
run rm -f "$OUT/nfva.raw"

if [ -n "$CONFIG" ]; then
	cfg="$OUT/config-drive"
	run mkdir -p "$cfg"
	run cp "$CONFIG" "$cfg/nfva.conf"
	[ "$SELFTEST" = 0 ] || run touch "$cfg/selftest"
	run mkfs.ext4 -q -F -L NFVA-CFG -d "$cfg" "$OUT/config-drive.img" 4M
	run rm -rf "$cfg"
fi
[ "$KEEP" = 1 ] || run rm -rf "$ROOT"
echo "# done in $(($(date +%s) - t0)) s: $OUT/nfva.qcow2 (kernel command line: $CMDLINE)"
