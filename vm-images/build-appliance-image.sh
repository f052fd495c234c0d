#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Builds the nfva appliance VM image: Debian 12 (debootstrap) with the DPDK
# runtime (every PMD), the nfva daemon and nfvactl from a build directory, a
# systemd unit, and the config read from a config drive (a disk labelled
# NFVA-CFG holding nfva.conf, optionally `default` for /etc/default/nfva) or
# else /etc/nfva/nfva.conf in the image. Output, in DIR:
#   nfva.qcow2         the root filesystem (ext4 on the whole disk: root=/dev/vda)
#   vmlinuz, initrd.img   the image's kernel, for libvirt's direct kernel boot
#   cmdline            the kernel command line (2 MiB hugepages for DPDK)
#   config-drive.img   with --config FILE: a config drive holding it
# libvirt-xml/appliance-vm.xml boots it. No loop devices or mounts are needed
# (mkfs.ext4 -d), so it also runs in containers.
#
#   build-appliance-image.sh [options]
#     -o DIR            output directory (default <repo>/build/vm-images/appliance)
#     -b BUILDDIR       meson build directory with nfva and nfvactl (default <repo>/build)
#     -s SIZE           image size (default 2G)
#     -m MIRROR         Debian mirror (default: the first one in this host's apt sources)
#     --config FILE     also write config-drive.img with FILE as nfva.conf
#     --selftest        the config drive also asks the image to print
#                       `nfvactl -j network show` on its console once nfva is up
#     --hugepages N     2 MiB hugepages on the command line (default 512)
#     --lab-autologin   a root shell on the serial console without a password
#                       (lab images only: off by default; root's password is
#                       locked, so the default image has no console login)
#     --dry-run         print every command, run none
#     --keep-rootfs     keep the debootstrap tree (DIR/rootfs)
# Needs root, debootstrap, e2fsprogs, qemu-utils and Debian's archive.
# Takes ~6-10 min here (debootstrap and the package downloads dominate).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/.." && pwd)
OUT="$REPO/build/vm-images/appliance"
BUILD="$REPO/build"
SIZE=2G
MIRROR=""
CONFIG=""
SELFTEST=0
HUGEPAGES=512
LAB_AUTOLOGIN=0
DRY=0
KEEP=0
SUITE=bookworm

usage() { sed -n '2,/^set -euo/p' "$0" | sed -e '$d' -e 's/^# \{0,1\}//'; }
die() { echo "build-appliance-image: $*" >&2; exit 1; }

while [ $# -gt 0 ]; do
	case $1 in
	-o) OUT=$2; shift ;;
	-b) BUILD=$2; shift ;;
	-s) SIZE=$2; shift ;;
	-m) MIRROR=$2; shift ;;
	--config) CONFIG=$2; shift ;;
	--selftest) SELFTEST=1 ;;
	--hugepages) HUGEPAGES=$2; shift ;;
	--lab-autologin) LAB_AUTOLOGIN=1 ;;
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
NFVA_BIN="$BUILD/appliance/nfva"
NFVACTL_BIN="$BUILD/cli/nfvactl"
if [ "$DRY" = 0 ]; then
	[ "$(id -u)" -eq 0 ] || die "run as root (debootstrap, chroot)"
	for tool in debootstrap mkfs.ext4 qemu-img chroot; do
		command -v "$tool" > /dev/null || die "$tool is missing (apt-get install debootstrap e2fsprogs qemu-utils)"
	done
	if [ ! -x "$NFVA_BIN" ] || [ ! -x "$NFVACTL_BIN" ]; then
		die "no nfva/nfvactl in $BUILD (build first: meson setup build && ninja -C build)"
	fi
fi

# The Debian packages that nfva's and nfvactl's shared libraries come from.
runtime_packages() {
	local bin lib paths=()
	for bin in "$NFVA_BIN" "$NFVACTL_BIN"; do
		[ -x "$bin" ] || continue
		for lib in $(ldd "$bin" | awk '$3 ~ /^\// { print $3 }'); do
			# dpkg knows a library by one of its names (usrmerge moves them)
			real=$(readlink -f "$lib")
			paths+=("$lib" "$real" "${real#/usr}")
		done
	done
	[ ${#paths[@]} -gt 0 ] || return 0
	dpkg -S "${paths[@]}" 2>/dev/null | cut -d: -f1 | sort -u | tr '\n' ' ' || true
}

ROOT="$OUT/rootfs"
BASE="systemd-sysv,udev,kmod,iproute2,ethtool,pciutils,procps,util-linux,e2fsprogs"
BASE="$BASE,linux-image-amd64,initramfs-tools,rdma-core,ibverbs-providers,libjansson4"
EXTRA=$(runtime_packages)
CMDLINE="root=/dev/vda rw console=ttyS0 default_hugepagesz=2M hugepagesz=2M hugepages=$HUGEPAGES"
t0=$(date +%s)

echo "# nfva appliance image: Debian $SUITE from $MIRROR into $OUT"
run mkdir -p "$OUT"
[ "$DRY" = 1 ] || rm -rf "$ROOT"
run debootstrap --variant=minbase --include="$BASE" "$SUITE" "$ROOT" "$MIRROR"
# The DPDK runtime with every PMD (Recommends), and what nfva links against.
# shellcheck disable=SC2086 # EXTRA is a list of package names
run chroot "$ROOT" apt-get install -y -q --install-recommends dpdk $EXTRA
run chroot "$ROOT" apt-get clean

run install -m 0755 "$NFVA_BIN" "$ROOT/usr/local/bin/nfva"
run install -m 0755 "$NFVACTL_BIN" "$ROOT/usr/local/bin/nfvactl"
# The binaries must find every library in the image.
if [ "$DRY" = 0 ] && chroot "$ROOT" ldd /usr/local/bin/nfva /usr/local/bin/nfvactl | grep -q "not found"; then
	chroot "$ROOT" ldd /usr/local/bin/nfva /usr/local/bin/nfvactl | grep "not found" >&2
	die "libraries missing in the image"
fi

put "$ROOT/etc/hostname" 0644 <<< "nfva"
put "$ROOT/etc/fstab" 0644 <<'EOF'
/dev/vda / ext4 defaults 0 1
EOF
put "$ROOT/etc/default/nfva" 0644 <<'EOF'
# nfva's options (the config drive may replace this file with its `default`).
# EAL: lcore 0 = control, 1 = worker; hugepages come from the kernel command line.
NFVA_EAL_ARGS="-l 0,1 --huge-unlink"
NFVA_ARGS=""
EOF
put "$ROOT/etc/nfva/nfva.conf" 0644 <<'EOF'
# nfva configuration (the same commands nfvactl sends); a config drive
# (label NFVA-CFG, file nfva.conf) replaces this file at boot.
EOF
put "$ROOT/usr/local/lib/nfva/nfva-config" 0755 <<'EOF'
#!/bin/sh
# Copies nfva.conf (and `default`) from the config drive labelled NFVA-CFG.
set -e
dev=$(blkid -L NFVA-CFG 2>/dev/null) || exit 0
mkdir -p /run/nfva/cfg
mount -o ro "$dev" /run/nfva/cfg
[ -f /run/nfva/cfg/nfva.conf ] && cp /run/nfva/cfg/nfva.conf /etc/nfva/nfva.conf
[ -f /run/nfva/cfg/default ] && cp /run/nfva/cfg/default /etc/default/nfva
[ -f /run/nfva/cfg/selftest ] && touch /run/nfva/selftest
umount /run/nfva/cfg
echo "nfva-config: configuration from $dev"
EOF
put "$ROOT/etc/systemd/system/nfva-config.service" 0644 <<'EOF'
[Unit]
Description=nfva configuration from the config drive (label NFVA-CFG)
DefaultDependencies=no
After=local-fs.target systemd-udev-settle.service
Before=nfva.service

[Service]
Type=oneshot
ExecStart=/usr/local/lib/nfva/nfva-config
StandardOutput=journal+console

[Install]
WantedBy=multi-user.target
EOF
put "$ROOT/etc/systemd/system/nfva.service" 0644 <<'EOF'
[Unit]
Description=nfva NFV appliance (DPDK)
After=nfva-config.service dev-hugepages.mount
Wants=nfva-config.service

[Service]
Type=simple
EnvironmentFile=-/etc/default/nfva
RuntimeDirectory=nfva
ExecStart=/usr/local/bin/nfva $NFVA_EAL_ARGS -- --config /etc/nfva/nfva.conf --socket /run/nfva/nfva.sock $NFVA_ARGS
Restart=on-failure
RestartSec=2
LimitMEMLOCK=infinity

[Install]
WantedBy=multi-user.target
EOF
put "$ROOT/etc/systemd/system/nfva-selftest.service" 0644 <<'EOF'
[Unit]
Description=Print nfvactl's view on the console (config drive `selftest`)
After=nfva.service
Requires=nfva.service
ConditionPathExists=/run/nfva/selftest

[Service]
Type=oneshot
ExecStart=/bin/sh -c 'for i in $(seq 120); do out=$(/usr/local/bin/nfvactl -j network show 2>&1) && { echo "nfva-selftest: $out"; exit 0; }; sleep 1; done; echo "nfva-selftest: FAIL $out"'
StandardOutput=journal+console

[Install]
WantedBy=multi-user.target
EOF
# root has no password: locked, so nobody logs in on the console unless a
# lab build asks for a passwordless root shell there (--lab-autologin).
run chroot "$ROOT" passwd -l root
if [ "$LAB_AUTOLOGIN" = 1 ]; then
	echo "build-appliance-image: --lab-autologin: root shell on ttyS0 without a password" >&2
	put "$ROOT/etc/systemd/system/serial-getty@ttyS0.service.d/autologin.conf" 0644 <<'EOF'
[Service]
ExecStart=
ExecStart=-/sbin/agetty --autologin root --keep-baud 115200,57600,38400,9600 %I $TERM
EOF
fi
run chroot "$ROOT" systemctl enable nfva-config.service nfva.service nfva-selftest.service \
	serial-getty@ttyS0.service
put "$OUT/cmdline" 0644 <<< "$CMDLINE"
run cp -L "$ROOT/vmlinuz" "$OUT/vmlinuz"
run cp -L "$ROOT/initrd.img" "$OUT/initrd.img"

run rm -f "$OUT/nfva.raw"
run mkfs.ext4 -q -F -L nfva-root -d "$ROOT" "$OUT/nfva.raw" "$SIZE"
run qemu-img convert -c -O qcow2 "$OUT/nfva.raw" "$OUT/nfva.qcow2"
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
