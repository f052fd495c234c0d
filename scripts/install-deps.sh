#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Installs what nfva needs to build and test, from Debian 12's archive only.
# Idempotent and quiet when everything is present. Needs root to install.
set -euo pipefail

PACKAGES=(
	build-essential pkg-config meson ninja-build
	libdpdk-dev dpdk dpdk-dev libjansson-dev libcmocka-dev libpcap-dev
	iproute2 iputils-ping iputils-arping ethtool procps tcpdump tshark python3-scapy
	libssl-dev openvswitch-switch openoverlayrouter
	qemu-system-x86 qemu-utils libvirt-daemon-system libvirt-clients libvirt-dev
	libxml2-utils cpio e2fsprogs debootstrap libibverbs-dev clang-format ccache
	python3-prometheus-client
	# make test-fuzz: clang, and libFuzzer + the sanitizer runtimes
	# (libclang_rt.fuzzer, .asan, .ubsan) from libclang-rt-14-dev
	clang libclang-rt-14-dev
	dpkg-dev debhelper systemd groff-base man-db git
	libmnl-dev frr gobgpd
)

# hugetlbfs on /dev/hugepages (where systemd mounts it; a container may not
# have it): the pdump capture test reserves its own pages there and gives
# them back. Every other test runs DPDK with --no-huge.
if [ "$(id -u)" -eq 0 ] && ! mountpoint -q /dev/hugepages; then
	mkdir -p /dev/hugepages
	mount -t hugetlbfs nodev /dev/hugepages ||
		echo "install-deps: cannot mount hugetlbfs on /dev/hugepages" >&2
fi

missing=()
for p in "${PACKAGES[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing ${missing[*]}; run as root (or: sudo make deps)" >&2
	exit 1
fi
echo "install-deps: installing ${missing[*]}"
# tshark asks whether non-root users may capture: answer no, non-interactively.
echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
# The EVPN tests start zebra/bgpd per namespace themselves; the frr package's
# own service (root namespace, its own sockets) would not interfere, but it
# has no business running on a build host: off where systemd runs it.
if [ -d /run/systemd/system ] && systemctl list-unit-files frr.service >/dev/null 2>&1; then
	systemctl disable --now frr.service >/dev/null 2>&1 || true
fi
