# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# Helpers of the vm suite (guests under QEMU TCG and libvirt), on top of
# netns.sh (sourced here: ns_add, veth, nfva_up/nfva_down, ctl/ctlj...).
# Source it, then:
#
#   vm_require                      # root, nfva, nfvactl; cleanup; $TEST_TMP (0755)
#   vm_guest                        # build/reuse the tiny test guest: $GUEST_DIR
#   nfva_up nfva "" CONF            # nfva here (or in a namespace), ctl nfva ...
#   qemu_guest NAME SOCK MAC CMDLINE# a tiny guest on a vhost-user socket (QEMU listens)
#   wait_log FILE PATTERN SECONDS   # until the guest's console shows PATTERN
#   check_guest WHAT CONSOLE PATTERN SECONDS
#   libvirt_up                      # libvirtd for qemu:///system, started if needed
#   VM_DOMAINS+=(NAME)              # a libvirt domain destroyed on exit
#   appliance_image                 # the appliance image from the package: $APPLIANCE_DIR
#   vhost_peer S0 IN0 OUT0 S1 IN1 OUT1  # dpdk-testpmd serving two vhost-user sockets
#   vhost_peer_cmd LINE; vhost_peer_counter PORT KEY; vhost_peer_quit
#
# Everything started here is stopped on exit (by PID), namespaces and
# temporary files removed, libvirt domains named nfva-test-$$-* destroyed,
# and libvirtd/virtlogd stopped if this test started them. Timings of each
# step are printed so slow TCG runs can be read from the log.

# shellcheck source=tests/lib/netns.sh
. "$(dirname "${BASH_SOURCE[0]}")/netns.sh"

VM_DOMAINS=()
# QEMU PIDs by guest name (qemu_guest), for the tests
declare -A QEMU_PID=()
VM_STARTED_LIBVIRTD=0
LIBVIRT_URI=qemu:///system
VM_SRC=${NFVA_SOURCE_ROOT:-$(cd "$NT_LIB/../.." && pwd)}

vm_domains_destroy() {
	local d
	for d in "${VM_DOMAINS[@]}"; do
		virsh -q -c "$LIBVIRT_URI" destroy "$d" >/dev/null 2>&1
		virsh -q -c "$LIBVIRT_URI" undefine "$d" >/dev/null 2>&1
	done
}

vm_logs() {
	local f d
	test_failed || return 0
	for f in "$TEST_TMP"/*.console "$TEST_TMP"/*.qemu.log; do
		[ -s "$f" ] || continue
		echo "----- $(basename "$f") -----" >&2
		tail -n 40 "$f" >&2
	done
	for d in "${VM_DOMAINS[@]}"; do
		[ -s "/var/log/libvirt/qemu/$d.log" ] || continue
		echo "----- libvirt $d.log -----" >&2
		tail -n 20 "/var/log/libvirt/qemu/$d.log" >&2
	done
}

vm_libvirtd_stop() {
	local f pid
	[ "$VM_STARTED_LIBVIRTD" = 1 ] || return 0
	for f in /run/libvirtd.pid /run/virtlogd.pid; do
		pid=$(cat "$f" 2>/dev/null) && [ -n "$pid" ] && kill "$pid" 2>/dev/null
	done
}

vm_require() {
	test_begin nfva-vm "vhost-user sockets, namespaces, libvirt"
	on_exit netns_cleanup      # runs last: namespaces, DPDK runtime directories
	on_exit vm_libvirtd_stop
	on_exit nfva_cleanup       # nfva stopped, its log on a failure
	on_exit vm_logs            # guest consoles, QEMU and libvirt logs on a failure
	on_exit stop_bg_jobs       # QEMU
	on_exit vm_domains_destroy # runs first
	# Under /tmp: libvirt-qemu must be able to reach every path given to QEMU.
	chmod 0755 "$TEST_TMP"
}

# vm_guest: the tiny guest (built once, cached in $NFVA_VM_CACHE).
vm_guest() {
	need qemu-system-x86_64 qemu-system-x86
	local cache=${NFVA_VM_CACHE:-$VM_SRC/build/vm-images/test-guest}
	log "test guest in $cache (built on first use: ~1 min, downloads the Debian kernel)"
	GUEST_DIR=$(bash "$VM_SRC/vm-images/build-test-guest.sh" -o "$cache" 2>"$TEST_TMP/guest.err" |
		tail -n 1) || skip "cannot build the test guest: $(tail -n 3 "$TEST_TMP/guest.err")"
	[ -s "$GUEST_DIR/vmlinuz" ] || skip "no test guest kernel in $GUEST_DIR"
	chmod 0755 "$GUEST_DIR"
}

# qemu_guest NAME SOCK MAC CMDLINE: QEMU (TCG) listens on SOCK, nfva connects.
qemu_guest() {
	local name=$1 sock=$2 mac=$3
	qemu-system-x86_64 -machine q35,accel=tcg -cpu max -m 256 -smp 1 -nodefaults \
		-display none -no-reboot \
		-object memory-backend-memfd,id=mem,size=256M,share=on -numa node,memdev=mem \
		-kernel "$GUEST_DIR/vmlinuz" -initrd "$GUEST_DIR/initrd.img" \
		-append "console=ttyS0 quiet panic=-1 $4" \
		-chardev "socket,id=c0,path=$sock,server=on,wait=off" \
		-netdev vhost-user,id=n0,chardev=c0 \
		-device "virtio-net-pci,netdev=n0,mac=$mac,vectors=0" \
		-serial "file:$TEST_TMP/$name.console" >"$TEST_TMP/$name.qemu.log" 2>&1 &
	local pid=$!
	bg_track "$pid"
	# shellcheck disable=SC2034 # read by the tests
	QEMU_PID[$name]=$pid
	log "guest $name: QEMU pid $pid on $sock"
}

# wait_log FILE PATTERN SECONDS: 0 once FILE has a line matching PATTERN.
wait_log() {
	local i
	for ((i = 0; i < $3 * 5; i++)); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.2
	done
	return 1
}

# check_guest WHAT CONSOLE PATTERN SECONDS: the guest printed PATTERN in time.
check_guest() {
	local t0=$SECONDS
	wait_log "$2" "$3" "$4" || fail "$1: no '$3' on the guest console within $4 s"
	echo "ok: $1 ($((SECONDS - t0)) s)"
}

# libvirt_up: a libvirtd answering on qemu:///system; started (and later
# stopped) here when none runs. Skips when libvirt is not installed.
libvirt_up() {
	need virsh libvirt-clients
	need libvirtd libvirt-daemon-system
	need virtlogd libvirt-daemon-system
	getent passwd libvirt-qemu >/dev/null || skip "no libvirt-qemu user (libvirt-daemon-system)"
	if virsh -c "$LIBVIRT_URI" version >/dev/null 2>&1; then
		log "libvirtd already running"
		return 0
	fi
	if ! { [ -e /run/virtlogd.pid ] && kill -0 "$(cat /run/virtlogd.pid)" 2>/dev/null; }; then
		virtlogd -d
	fi
	libvirtd -d || skip "libvirtd does not start"
	VM_STARTED_LIBVIRTD=1
	for _ in $(seq 150); do
		virsh -c "$LIBVIRT_URI" version >/dev/null 2>&1 && { log "libvirtd started"; return 0; }
		sleep 0.2
	done
	skip "libvirtd started but qemu:///system does not answer within 30 s"
}

# appliance_image: the appliance VM image built from the Debian package
# (scripts/build-deb.sh, cached by content in the build directory), remade
# when the package changed (its Debian base is cached by content in
# /var/cache/nfva-ci, so a clean checkout reuses it; an empty cache costs
# one debootstrap, ~7 min). Sets APPLIANCE_DIR (nfva.qcow2, vmlinuz,
# initrd.img) and APPLIANCE_VERSION (the package's version).
appliance_image() {
	need mkfs.ext4 e2fsprogs
	need debootstrap debootstrap
	need dpkg-buildpackage dpkg-dev
	need qemu-img qemu-utils
	local build deb sum t0 f
	build=$(cd "$(dirname "$NFVA")/.." && pwd)
	APPLIANCE_DIR=${NFVA_APPLIANCE_DIR:-$build/vm-images/appliance}
	deb=$(bash "$VM_SRC/scripts/build-deb.sh" -o "$build/deb") || fail "the package does not build"
	# shellcheck disable=SC2034 # read by the tests
	APPLIANCE_VERSION=$(dpkg-deb -f "$deb" Version)
	# The image is made of the package and of the image's own recipe.
	sum=$(cat "$deb" "$VM_SRC/vm-images/build-appliance-image.sh" \
		"$VM_SRC/vm-images/appliance-files.sh" | sha256sum | cut -d' ' -f1)
	if [ "$(cat "$APPLIANCE_DIR/deb.sha256" 2>/dev/null)" != "$sum" ] ||
		[ ! -s "$APPLIANCE_DIR/nfva.qcow2" ]; then
		log "building the appliance image from $deb"
		t0=$SECONDS
		rm -f "$APPLIANCE_DIR/deb.sha256"
		bash "$VM_SRC/vm-images/build-appliance-image.sh" --deb "$deb" -o "$APPLIANCE_DIR" \
			--no-compress >"$TEST_TMP/image.log" 2>&1 ||
			fail "image build: $(tail -n 30 "$TEST_TMP/image.log")"
		grep "^# base" "$TEST_TMP/image.log" || true
		echo "$sum" >"$APPLIANCE_DIR/deb.sha256"
		log "image built in $((SECONDS - t0)) s"
	fi
	for f in nfva.qcow2 vmlinuz initrd.img; do
		[ -s "$APPLIANCE_DIR/$f" ] || fail "no $f in $APPLIANCE_DIR"
	done
}

# vhost_peer SOCK0 IN0 OUT0 SOCK1 IN1 OUT1: dpdk-testpmd (no hugepages)
# serves two vhost-user sockets (QEMU connects to them) and joins each to a
# pcap port in io mode: the frames of INn go out of SOCKn, what comes in on
# SOCKn is written to OUTn (complete once testpmd quit). testpmd ports:
# 0 = pcap 0, 1 = vhost 0, 2 = vhost 1, 3 = pcap 1. Nothing moves before
# `vhost_peer_cmd start` (interactive; commands through a FIFO), so the
# frames wait until the guest is ready. Its output: $TEST_TMP/testpmd.out.
vhost_peer() {
	need dpdk-testpmd dpdk
	VP_PREFIX=nfva-vp-$TEST_ID
	VP_OUT=$TEST_TMP/testpmd.out
	mkfifo "$TEST_TMP/testpmd.in"
	stdbuf -oL dpdk-testpmd --no-huge -m 256 --no-pci --file-prefix "$VP_PREFIX" -l 0,1 \
		--log-level lib.eal:error \
		--vdev "net_pcap0,rx_pcap=$2,tx_pcap=$3" --vdev "net_vhost0,iface=$1,client=0" \
		--vdev "net_vhost1,iface=$4,client=0" --vdev "net_pcap1,rx_pcap=$5,tx_pcap=$6" \
		-- -i --total-num-mbufs=8192 --no-flush-rx --forward-mode=io --disable-link-check \
		<"$TEST_TMP/testpmd.in" >"$VP_OUT" 2>&1 &
	VP_PID=$!
	exec {VP_FD}>"$TEST_TMP/testpmd.in"
	on_exit vhost_peer_cleanup
	wait_log "$VP_OUT" "testpmd> " 60 || fail "testpmd does not start: $(tail -n 20 "$VP_OUT")"
	if [ ! -S "$1" ] || [ ! -S "$4" ]; then fail "testpmd did not create $1 and $4"; fi
	log "testpmd (pid $VP_PID) serves $1 and $4"
}
vhost_peer_cleanup() {
	[ -n "${VP_PID:-}" ] || return 0
	exec {VP_FD}>&-
	stop_pid "$VP_PID" TERM
	rm -rf "/var/run/dpdk/$VP_PREFIX"
	if test_failed; then echo "----- testpmd (tail) -----" >&2; tail -n 30 "$VP_OUT" >&2; fi
	VP_PID=""
}
vhost_peer_cmd() { echo "$*" >&"$VP_FD"; }
# vhost_peer_counter PORT KEY: a counter of `show port stats PORT`
# (RX-packets, TX-packets, RX-bytes, ...); empty if testpmd did not answer.
vhost_peer_counter() {
	local n
	n=$(grep -c "Tx-pps" "$VP_OUT")
	vhost_peer_cmd "show port stats $1"
	# Tx-pps: the block's last counter line
	wait_for 10 cmd_eq "grep -c Tx-pps $VP_OUT" "$((n + 1))" || return 0
	awk -v p="port $1 " -v k="$2:" '
		/statistics for/ { on = /NIC statistics for/ && index($0, p) > 0 }
		on { for (i = 1; i < NF; i++) if ($i == k) v = $(i + 1) }
		END { print v }' "$VP_OUT"
}
# vhost_peer_quit: forwarding stopped, testpmd gone (the pcap files complete).
vhost_peer_quit() {
	vhost_peer_cmd stop
	vhost_peer_cmd quit
	exec {VP_FD}>&-
	for _ in $(seq 150); do kill -0 "$VP_PID" 2>/dev/null || break; sleep 0.2; done
	kill -0 "$VP_PID" 2>/dev/null && fail "testpmd does not quit within 30 s"
	wait "$VP_PID" 2>/dev/null || true
	rm -rf "/var/run/dpdk/$VP_PREFIX"
	VP_PID=""
}
