# SPDX-License-Identifier: BSD-3-Clause
# Helpers of the vm suite (guests under QEMU TCG and libvirt). Source it, then:
#
#   vm_require                      # root, nfva, nfvactl; cleanup trap; $VM_TMP
#   vm_need CMD PACKAGE             # skip (77) unless CMD exists
#   vm_guest                        # build/reuse the tiny test guest: $GUEST_DIR
#   nfva_up CONF [NS]               # nfva (in NS if given), waits for its socket
#   ctl ...; ctlj ... | json_get EXPR
#   qemu_guest NAME SOCK MAC CMDLINE# a tiny guest on a vhost-user socket (QEMU listens)
#   wait_log FILE PATTERN SECONDS   # until the guest's console shows PATTERN
#   libvirt_up                      # libvirtd for qemu:///system, started if needed
#   ns_add NS...; veth NS1 IF1 NS2 IF2
#
# Everything started here is stopped on exit (by PID), namespaces and
# temporary files removed, libvirt domains named nfva-test-$$-* destroyed,
# and libvirtd/virtlogd stopped if this test started them. Timings of each
# step are printed so slow TCG runs can be read from the log.

VM_SKIP=77
VM_ID=$$
PY=/usr/bin/python3
VM_TMP=""
VM_BG=()
VM_NS=()
VM_DOMAINS=()
# QEMU PIDs by guest name (qemu_guest), for the tests
declare -A QEMU_PID=()
VM_STARTED_LIBVIRTD=0
VM_T0=$(date +%s)
NFVA_PID=""
NFVA_SOCK=""
NFVA_LOG=""
NFVA_PREFIX="nfva-vm-$VM_ID"
LIBVIRT_URI=qemu:///system
VM_SRC=${NFVA_SOURCE_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}

log() { echo "# [$(($(date +%s) - VM_T0)) s] $*"; }
skip() { echo "SKIP: $*"; exit $VM_SKIP; }
fail() { echo "FAIL: $*" >&2; exit 1; }
check_eq() {
	if [ "$2" != "$3" ]; then fail "$1: got '$2', expected '$3'"; fi
	echo "ok: $1 = $2"
}
check_ge() {
	if ! [ "$2" -ge "$3" ] 2>/dev/null; then fail "$1: got '$2', expected >= $3"; fi
	echo "ok: $1 = $2 (>= $3)"
}
# check_fails WHAT CMD...: CMD must exit non-zero; its stderr is kept in $VM_TMP/err.
check_fails() {
	local what=$1
	shift
	if "$@" > "$VM_TMP/out" 2> "$VM_TMP/err"; then fail "$what: succeeded"; fi
	echo "ok: $what fails: $(head -n 1 "$VM_TMP/err")"
}

stop_pid() { # PID SIGNAL: a child of ours; waits <= 5 s, then SIGKILL
	kill "-$2" "$1" 2>/dev/null || { wait "$1" 2>/dev/null || true; return 0; }
	for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

vm_cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	set +e
	local d pid ns
	for d in "${VM_DOMAINS[@]}"; do
		virsh -q -c "$LIBVIRT_URI" destroy "$d" > /dev/null 2>&1
		virsh -q -c "$LIBVIRT_URI" undefine "$d" > /dev/null 2>&1
	done
	for pid in "${VM_BG[@]}"; do stop_pid "$pid" TERM; done
	if [ "$rc" -ne 0 ] && [ "$rc" -ne $VM_SKIP ] && [ -n "$VM_TMP" ]; then
		for f in "$NFVA_LOG" "$VM_TMP"/*.console "$VM_TMP"/*.qemu.log; do
			[ -s "$f" ] || continue
			echo "----- $(basename "$f") -----" >&2
			tail -n 40 "$f" >&2
		done
		for d in "${VM_DOMAINS[@]}"; do
			[ -s "/var/log/libvirt/qemu/$d.log" ] || continue
			echo "----- libvirt $d.log -----" >&2
			tail -n 20 "/var/log/libvirt/qemu/$d.log" >&2
		done
	fi
	[ -n "$NFVA_PID" ] && stop_pid "$NFVA_PID" TERM
	if [ "$VM_STARTED_LIBVIRTD" = 1 ]; then
		for f in /run/libvirtd.pid /run/virtlogd.pid; do
			pid=$(cat "$f" 2>/dev/null) && [ -n "$pid" ] && kill "$pid" 2>/dev/null
		done
	fi
	for ns in "${VM_NS[@]}"; do ip netns del "$ns" 2>/dev/null; done
	rm -rf "/var/run/dpdk/$NFVA_PREFIX"
	[ -n "$VM_TMP" ] && rm -rf "$VM_TMP"
	echo "# $(basename "$0"): $(($(date +%s) - VM_T0)) s, exit $rc"
	exit "$rc"
}

vm_need() { command -v "$1" > /dev/null || skip "$1 is not installed (apt-get install $2)"; }

vm_require() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (vhost-user sockets, namespaces, libvirt)"
	: "${NFVA:?NFVA must point to the nfva binary}"
	: "${NFVACTL:?NFVACTL must point to the nfvactl binary}"
	[ -x "$NFVA" ] || skip "nfva not built: $NFVA"
	[ -x "$NFVACTL" ] || skip "nfvactl not built: $NFVACTL"
	[ -x "$PY" ] || skip "$PY is not installed"
	trap vm_cleanup EXIT
	trap 'exit 130' INT TERM
	# Under /tmp: libvirt-qemu must be able to reach every path given to QEMU.
	VM_TMP=$(mktemp -d /tmp/nfva-vm.XXXXXX)
	chmod 0755 "$VM_TMP"
}

# vm_guest: the tiny guest (built once, cached in $NFVA_VM_CACHE).
vm_guest() {
	vm_need qemu-system-x86_64 qemu-system-x86
	local cache=${NFVA_VM_CACHE:-$VM_SRC/build/vm-images/test-guest}
	log "test guest in $cache (built on first use: ~1 min, downloads the Debian kernel)"
	GUEST_DIR=$(bash "$VM_SRC/vm-images/build-test-guest.sh" -o "$cache" 2> "$VM_TMP/guest.err" |
		tail -n 1) || skip "cannot build the test guest: $(tail -n 3 "$VM_TMP/guest.err")"
	[ -s "$GUEST_DIR/vmlinuz" ] || skip "no test guest kernel in $GUEST_DIR"
	chmod 0755 "$GUEST_DIR"
}

# nfva_up CONF [NS]
nfva_up() {
	NFVA_SOCK="$VM_TMP/nfva.sock"
	NFVA_LOG="$VM_TMP/nfva.log"
	local pre=()
	[ -n "${2:-}" ] && pre=(ip netns exec "$2")
	"${pre[@]}" "$NFVA" --no-huge -m 512 --no-pci --file-prefix "$NFVA_PREFIX" -l 0,1 -- \
		--config "$1" --socket "$NFVA_SOCK" --fdb-entries 65536 --mbufs 8191 \
		> "$NFVA_LOG" 2>&1 &
	NFVA_PID=$!
	for _ in $(seq 200); do
		[ -S "$NFVA_SOCK" ] && "$NFVACTL" -s "$NFVA_SOCK" -t 2 help > /dev/null 2>&1 &&
			{ log "nfva running (pid $NFVA_PID)"; return 0; }
		kill -0 "$NFVA_PID" 2>/dev/null || { NFVA_PID=""; fail "nfva exited early"; }
		sleep 0.1
	done
	fail "nfva did not open its socket within 20 s"
}

ctl() { "$NFVACTL" -s "$NFVA_SOCK" "$@"; }
ctlj() { "$NFVACTL" -j -s "$NFVA_SOCK" "$@"; }
json_get() {
	"$PY" -c '
import json, sys
j = json.load(sys.stdin)
r = eval(sys.argv[1])
print(r if isinstance(r, (str, int, float)) and not isinstance(r, bool) else json.dumps(r, sort_keys=True))
' "$1"
}
port_counter() { ctlj port show "$1" | json_get "j[0]['counters']['$2']"; }

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
		-serial "file:$VM_TMP/$name.console" > "$VM_TMP/$name.qemu.log" 2>&1 &
	local pid=$!
	VM_BG+=("$pid")
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
	vm_need virsh libvirt-clients
	vm_need libvirtd libvirt-daemon-system
	vm_need virtlogd libvirt-daemon-system
	getent passwd libvirt-qemu > /dev/null || skip "no libvirt-qemu user (libvirt-daemon-system)"
	if virsh -c "$LIBVIRT_URI" version > /dev/null 2>&1; then
		log "libvirtd already running"
		return 0
	fi
	if ! { [ -e /run/virtlogd.pid ] && kill -0 "$(cat /run/virtlogd.pid)" 2>/dev/null; }; then
		virtlogd -d
	fi
	libvirtd -d || skip "libvirtd does not start"
	VM_STARTED_LIBVIRTD=1
	for _ in $(seq 150); do
		virsh -c "$LIBVIRT_URI" version > /dev/null 2>&1 && { log "libvirtd started"; return 0; }
		sleep 0.2
	done
	skip "libvirtd started but qemu:///system does not answer within 30 s"
}

# ns_add NS...: namespaces with IPv6 off and lo up, removed on exit.
ns_add() {
	local ns
	for ns in "$@"; do
		ip netns add "$ns" || fail "cannot create namespace $ns"
		VM_NS+=("$ns")
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1 > /dev/null
		ip -n "$ns" link set lo up
	done
}

# veth NS1 IF1 NS2 IF2: a pair, both up, TX checksum offload off (toward DPDK).
veth() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3" ||
		fail "cannot create veth $1/$2 <-> $3/$4"
	ip -n "$1" link set "$2" up
	ip -n "$3" link set "$4" up
	ip netns exec "$1" ethtool -K "$2" tx off > /dev/null 2>&1
	ip netns exec "$3" ethtool -K "$4" tx off > /dev/null 2>&1
	return 0
}
