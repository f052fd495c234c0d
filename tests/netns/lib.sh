# SPDX-License-Identifier: BSD-3-Clause
# Shared helpers of the netns smoke tests and the demo. Source it, then:
#
#   netns_require                 # skip (exit 77) unless root, ip netns, python3
#   topo_setup                    # namespaces host + vm1..vm3, veths, addresses
#   topo_config > "$CONF"         # the config lines: network lan, ports vm1..vm3, attach
#   nfva_start "$CONF"            # nfva in the host namespace, waits for its socket
#   ctl fdb show; ctl_json port show vm1 | json_get "j[0]['macs']"
#   nfva_stop                     # SIGTERM, bounded wait, exit status must be 0
#
# Everything is removed on exit (trap set by netns_require): nfva and any
# background job registered with bg_track, the namespaces (which takes their
# veths along), the temporary directory and DPDK's runtime directory. On a
# failure the nfva log is printed.
#
# Topology (three "VMs" on one network, every port untagged):
#
#   ns vm1 (10.0.0.1)     ns vm2 (10.0.0.2)     ns vm3 (10.0.0.3)
#       eth0                  eth0                  eth0
#        |                     |                     |
#   -----|---------------------|---------------------|------ ns host ----
#      vm1-PID               vm2-PID               vm3-PID       (veth peers)
#        |                     |                     |
#   net_af_packet0        net_af_packet1        net_af_packet2
#      port vm1              port vm2              port vm3
#        \_____________________|_____________________/
#                    nfva: network "lan" (learning bridge)
#
# Requires bash; nothing here needs jq (JSON is read with /usr/bin/python3).

NETNS_SKIP=77
NETNS_VMS=(vm1 vm2 vm3)
NETNS_SUFFIX=$$
NS_HOST="nfva-host-$NETNS_SUFFIX"
NETNS_TMP=""
NFVA_PID=""
NFVA_LOG=""
NFVA_SOCK=""
NFVA_PREFIX="nfva-netns-$NETNS_SUFFIX"
NETNS_BG_PIDS=()
NETNS_CREATED=()
NETNS_QUIET=${NETNS_QUIET:-0}
PY=/usr/bin/python3
NETNS_LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

ns_vm() { echo "nfva-$1-$NETNS_SUFFIX"; }      # namespace of VM vmN
host_if() { echo "$1-$NETNS_SUFFIX"; }         # host-side veth of VM vmN
vm_ip() { echo "10.0.0.${1#vm}"; }             # vm2 -> 10.0.0.2
vm_exec() { local vm=$1; shift; ip netns exec "$(ns_vm "$vm")" "$@"; }

log() { [ "$NETNS_QUIET" = 1 ] || echo "# $*"; }
skip() { echo "SKIP: $*"; exit $NETNS_SKIP; }
fail() { echo "FAIL: $*" >&2; exit 1; }

# check_eq WHAT ACTUAL EXPECTED
check_eq() {
	if [ "$2" != "$3" ]; then fail "$1: got '$2', expected '$3'"; fi
	echo "ok: $1 = $2"
}
# check_ge WHAT ACTUAL MIN, check_le WHAT ACTUAL MAX (integers)
check_ge() {
	if ! [ "$2" -ge "$3" ] 2>/dev/null; then fail "$1: got '$2', expected >= $3"; fi
	echo "ok: $1 = $2 (>= $3)"
}
check_le() {
	if ! [ "$2" -le "$3" ] 2>/dev/null; then fail "$1: got '$2', expected <= $3"; fi
	echo "ok: $1 = $2 (<= $3)"
}

netns_cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	set +e
	for pid in "${NETNS_BG_PIDS[@]}"; do
		kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	done
	if [ -n "$NFVA_PID" ] && kill -0 "$NFVA_PID" 2>/dev/null; then
		if [ "$rc" -ne 0 ] && [ "$rc" -ne $NETNS_SKIP ]; then
			echo "----- nfvactl stats and fdb summary at the failure -----" >&2
			"$NFVACTL" -t 5 -s "$NFVA_SOCK" stats >&2
			"$NFVACTL" -t 5 -s "$NFVA_SOCK" fdb summary >&2
		fi
		kill -TERM "$NFVA_PID" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$NFVA_PID" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$NFVA_PID" 2>/dev/null
		wait "$NFVA_PID" 2>/dev/null
	fi
	if [ "$rc" -ne 0 ] && [ "$rc" -ne $NETNS_SKIP ] && [ -s "$NFVA_LOG" ]; then
		echo "----- nfva log ($NFVA_LOG) -----" >&2
		cat "$NFVA_LOG" >&2
		echo "----- end of nfva log -----" >&2
	fi
	for ns in "${NETNS_CREATED[@]}"; do
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "/var/run/dpdk/$NFVA_PREFIX"
	[ -n "$NETNS_TMP" ] && rm -rf "$NETNS_TMP"
	exit "$rc"
}

# Checks what every netns test needs and installs the cleanup trap.
netns_require() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces, af_packet)"
	: "${NFVA:?NFVA must point to the nfva binary}"
	: "${NFVACTL:?NFVACTL must point to the nfvactl binary}"
	[ -x "$NFVA" ] || skip "nfva not built: $NFVA"
	[ -x "$NFVACTL" ] || skip "nfvactl not built: $NFVACTL"
	command -v ip >/dev/null || skip "iproute2 (ip) is not installed"
	[ -x "$PY" ] || skip "$PY is not installed"
	trap netns_cleanup EXIT
	trap 'exit 130' INT TERM
	NETNS_TMP=$(mktemp -d /tmp/nfva-netns.XXXXXX)
	NFVA_LOG="$NETNS_TMP/nfva.log"
	NFVA_SOCK="$NETNS_TMP/nfva.sock"
	ip netns add "$NS_HOST" 2>"$NETNS_TMP/netns.err" ||
		skip "ip netns unavailable: $(cat "$NETNS_TMP/netns.err")"
	NETNS_CREATED+=("$NS_HOST")
}

# ns_quiet NS: IPv6 off in namespace NS (no RS/MLD/DAD noise), lo up.
ns_quiet() {
	local ns=$1
	ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
		net.ipv6.conf.default.disable_ipv6=1 >/dev/null
	ip -n "$ns" link set lo up
}

# Creates the VM namespaces and veths of the topology above.
topo_setup() {
	ns_quiet "$NS_HOST"
	for vm in "${NETNS_VMS[@]}"; do
		local ns; ns=$(ns_vm "$vm")
		ip netns add "$ns"
		NETNS_CREATED+=("$ns")
		ns_quiet "$ns"
		ip link add "$(host_if "$vm")" netns "$NS_HOST" type veth peer name eth0 netns "$ns"
		ip -n "$NS_HOST" link set "$(host_if "$vm")" up
		ip -n "$ns" addr add "$(vm_ip "$vm")/24" dev eth0
		ip -n "$ns" link set eth0 up
		# Kernel veths sending toward DPDK: fill checksums in software.
		if command -v ethtool >/dev/null; then
			ip netns exec "$ns" ethtool -K eth0 tx off >/dev/null 2>&1 || true
		fi
	done
	log "topology: ns $NS_HOST runs nfva; $(for vm in "${NETNS_VMS[@]}"; do
		printf '%s=%s ' "$(ns_vm "$vm")" "$(vm_ip "$vm")"; done)"
}

# MAC address of a VM's eth0, lower case.
vm_mac() { ip -n "$(ns_vm "$1")" -o link show eth0 | sed -n 's/.*link\/ether \([0-9a-f:]*\).*/\1/p'; }

# Pins every VM's neighbour entries (no ARP at all: the only frames are the
# ones a test sends).
topo_static_neigh() {
	for vm in "${NETNS_VMS[@]}"; do
		for peer in "${NETNS_VMS[@]}"; do
			[ "$vm" = "$peer" ] && continue
			ip -n "$(ns_vm "$vm")" neigh replace "$(vm_ip "$peer")" \
				lladdr "$(vm_mac "$peer")" nud permanent dev eth0
		done
	done
}

# af_packet devargs of VM vmN's host-side veth on vdev net_af_packetK. The
# ring has NETNS_FRAMECNT[vmN] frames (default 512): a test that floods a port
# gives it a deeper ring so a worker descheduled on a busy machine loses none.
declare -A NETNS_FRAMECNT=()
vm_devargs() {
	echo "net_af_packet$2,iface=$(host_if "$1"),framesz=2048,blocksz=4096,framecnt=${NETNS_FRAMECNT[$1]:-512}"
}

# The configuration of the topology: network lan, one port per VM, attached.
topo_config() {
	echo "# network 'lan' with the three VM ports, untagged"
	echo "network add lan"
	local k=0
	for vm in "${NETNS_VMS[@]}"; do
		echo "port add $vm dev $(vm_devargs "$vm" $k)"
		echo "network lan attach $vm"
		k=$((k + 1))
	done
}

# nfva_start CONF: starts nfva in the host namespace and waits (<= 20 s) for
# its socket. Skips when the af_packet vdev cannot be probed.
nfva_start() {
	local conf=$1
	rm -f "$NFVA_SOCK"
	ip netns exec "$NS_HOST" "$NFVA" --no-huge -m 512 --no-pci --file-prefix "$NFVA_PREFIX" \
		-l 0,1 -- --config "$conf" --socket "$NFVA_SOCK" --fdb-entries 65536 \
		--mbufs 8191 >"$NFVA_LOG" 2>&1 &
	NFVA_PID=$!
	for _ in $(seq 200); do
		[ -S "$NFVA_SOCK" ] && "$NFVACTL" -s "$NFVA_SOCK" -t 2 help >/dev/null 2>&1 &&
			{ log "nfva running (pid $NFVA_PID, socket $NFVA_SOCK)"; return 0; }
		if ! kill -0 "$NFVA_PID" 2>/dev/null; then
			local rc=0
			wait "$NFVA_PID" || rc=$?
			NFVA_PID=""
			# EAL's word for a vdev whose driver is not there (an iface
			# problem is a failure, not a skip).
			if grep -q 'failed to parse device "net_af_packet' "$NFVA_LOG"; then
				cat "$NFVA_LOG"
				skip "the net_af_packet vdev is unavailable in this DPDK build"
			fi
			fail "nfva exited with $rc before opening its socket"
		fi
		sleep 0.1
	done
	fail "nfva did not open $NFVA_SOCK within 20 s"
}

# nfva_stop: SIGTERM, wait <= 15 s, require exit status 0.
nfva_stop() {
	[ -n "$NFVA_PID" ] || fail "nfva_stop: nfva is not running"
	kill -TERM "$NFVA_PID"
	for _ in $(seq 150); do
		kill -0 "$NFVA_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$NFVA_PID" 2>/dev/null && fail "nfva did not exit within 15 s of SIGTERM"
	local rc=0
	wait "$NFVA_PID" || rc=$?
	NFVA_PID=""
	check_eq "nfva exit status after SIGTERM" "$rc" 0
	[ -e "$NFVA_SOCK" ] && fail "nfva left its socket $NFVA_SOCK behind"
	return 0
}

# nfvactl on the test daemon: ctl (tables), ctl_json (-j).
ctl() { "$NFVACTL" -s "$NFVA_SOCK" "$@"; }
ctl_json() { "$NFVACTL" -j -s "$NFVA_SOCK" "$@"; }

# json_get EXPR: evaluates the Python expression EXPR with `j` bound to the
# JSON on stdin; prints strings and numbers as they are, the rest as JSON.
json_get() {
	"$PY" -c '
import json, sys
j = json.load(sys.stdin)
r = eval(sys.argv[1])
print(r if isinstance(r, (str, int, float)) and not isinstance(r, bool) else json.dumps(r))
' "$1"
}

# port_counter PORT NAME: one counter of `port show PORT`; port_field PORT NAME:
# a top-level field (macs, mac_limit, link...).
port_counter() { ctl_json port show "$1" | json_get "j[0]['counters']['$2']"; }
port_field() { ctl_json port show "$1" | json_get "j[0]['$2']"; }
fdb_entries() { ctl_json fdb summary | json_get "j['entries']"; }

# vm_ping FROM TO COUNT [INTERVAL]: prints how many of COUNT echo requests got
# a reply within 3 s (pinger.py: a reply late on a loaded machine still counts,
# unlike with ping(8)).
vm_ping() {
	local out
	out=$(vm_exec "$1" "$PY" "$NETNS_LIB_DIR/pinger.py" "$(vm_ip "$2")" "$3" "${4:-0.2}" 3) ||
		fail "pinger.py failed: $out"
	echo "${out#* }" | cut -d' ' -f1
}
# Reads ping output, prints the "N received" figure (0 when absent).
ping_received() {
	local n
	n=$(sed -n 's/.* \([0-9][0-9]*\) received.*/\1/p' | tail -n 1)
	echo "${n:-0}"
}

# ping_all_pairs COUNT: every ordered pair pings; prints one summary line per
# pair and returns non-zero if any pair lost a reply.
ping_all_pairs() {
	local count=$1 bad=0
	for a in "${NETNS_VMS[@]}"; do
		for b in "${NETNS_VMS[@]}"; do
			[ "$a" = "$b" ] && continue
			local got; got=$(vm_ping "$a" "$b" "$count")
			echo "ping $a -> $b ($(vm_ip "$b")): $got/$count replies"
			[ "$got" = "$count" ] || bad=1
		done
	done
	return $bad
}

# bg_track PID: a background job to kill on exit if still running. Start it as
# a simple command (`ip netns exec NS ping ... &`), not through a shell
# function, so that $! is the process itself and a signal reaches it.
bg_track() { NETNS_BG_PIDS+=("$1"); }

# now_ms: monotonic-enough wall clock in milliseconds.
now_ms() { date +%s%3N; }
