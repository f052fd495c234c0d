# SPDX-License-Identifier: BSD-3-Clause
# Helpers of the offload end-to-end tests in network namespaces. Source it:
#
#   oe_require                    # skip (77) unless root, ip, ethtool, python3
#   oe_need tshark tshark         # skip unless a tool is there (with its package)
#   ns_add NS...                  # namespaces: IPv6 off, lo up, removed on exit
#   veth NS1 IF1 NS2 IF2          # a veth pair, both up, TX checksum offload off
#   nfva_up NAME NS CONF          # an nfva instance in NS (own socket, prefix, log)
#   ctl NAME cmd...; ctlj NAME cmd... | json_get EXPR
#   rules NAME [PYFILTER]         # `offload show -j`, filtered (r = one rule)
#   ostat NAME KEY                # one counter of the `stats` offload section
#   pc NAME PORT KEY              # one counter of a port (`port show`)
#   nrules NAME [PYFILTER]; rule_field NAME PYFILTER FIELD
#   fdb_has NAME MAC; fdb_port NAME MAC
#   ping_rx NS IP COUNT [INTERVAL [DEADLINE]]   # exactly COUNT echo requests (oeping.py)
#   check_ping WHAT NS IP COUNT [INTERVAL]; ping_until NAME NS IP PYFILTER
#   garp NS IF IP                 # a gratuitous ARP (arping or scapy)
#   cap_start NAME NS IF; cap_stop NAME; pcap_count NAME FILTER   # tshark
#   wait_for SECONDS CMD...       # poll CMD every 0.2 s (cmd_eq "CMD" VALUE)
#   testpmd_replay FILE WHAT      # the dump's lines through dpdk-testpmd
#   nfva_down NAME                # SIGTERM, bounded wait, exit status 0
#
# Everything started here is stopped on exit, failure or not: nfva instances,
# captures and background jobs, the namespaces (their veths go with them),
# DPDK runtime directories and the temporary directory. On a failure the nfva
# logs are printed, with every running nfva's rules, counters, FDB and
# neighbours (oe_diag). Names carry the test's PID ($OE_ID): runs never collide.
# No jq: JSON is read with /usr/bin/python3.

OE_SKIP=77
OE_ID=$$
PY=/usr/bin/python3
OE_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
OE_TMP=""
OE_NS=()
OE_BG=()
declare -A NFVA_PID=() NFVA_SOCK=() NFVA_LOG=() NFVA_PREFIX=() CAP_PID=()
OE_T0=$(date +%s)

log() { echo "# [$(($(date +%s) - OE_T0)) s] $*"; }
skip() { echo "SKIP: $*"; exit $OE_SKIP; }
fail() {
	echo "FAIL: $*" >&2
	oe_diag >&2 || true
	exit 1
}
# oe_diag: on a failure, the state of every running nfva (rules, counters).
oe_diag() {
	local name
	trap - ERR
	set +e
	for name in "${!NFVA_PID[@]}"; do
		[ -n "${NFVA_PID[$name]}" ] || continue
		echo "----- nfva $name: offload show -----"
		ctl "$name" offload show
		echo "----- nfva $name: port counters -----"
		ctlj "$name" stats | "$PY" -c '
import json, sys
j = json.load(sys.stdin)
for p in j["ports"]:
    print(p["port"], {k: v for k, v in p.items() if k != "port" and v})
print("offload", j["offload"])
print("arp", j["underlay"]["arp"])'
		echo "----- nfva $name: fdb / neigh -----"
		ctl "$name" fdb show
		ctl "$name" neigh show
	done
	echo "----- load: $(cat /proc/loadavg) -----"
}

# check_eq WHAT ACTUAL EXPECTED; check_ge/check_le WHAT ACTUAL BOUND (integers)
check_eq() {
	if [ "$2" != "$3" ]; then fail "$1: got '$2', expected '$3'"; fi
	echo "ok: $1 = $2"
}
check_ge() {
	if ! [ "$2" -ge "$3" ] 2>/dev/null; then fail "$1: got '$2', expected >= $3"; fi
	echo "ok: $1 = $2 (>= $3)"
}
check_le() {
	if ! [ "$2" -le "$3" ] 2>/dev/null; then fail "$1: got '$2', expected <= $3"; fi
	echo "ok: $1 = $2 (<= $3)"
}

oe_cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	set +e
	local pid name ns
	for name in "${!CAP_PID[@]}"; do
		pid=${CAP_PID[$name]}
		kill -INT "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	done
	for pid in "${OE_BG[@]}"; do
		kill -TERM "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	done
	for name in "${!NFVA_PID[@]}"; do
		pid=${NFVA_PID[$name]}
		[ -n "$pid" ] || continue
		kill -TERM "$pid" 2>/dev/null
		for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
	done
	if [ "$rc" -ne 0 ] && [ "$rc" -ne $OE_SKIP ]; then
		for name in "${!NFVA_LOG[@]}"; do
			[ -s "${NFVA_LOG[$name]}" ] || continue
			echo "----- nfva $name log (last 60 lines) -----" >&2
			tail -n 60 "${NFVA_LOG[$name]}" >&2
		done
	fi
	for ns in "${OE_NS[@]}"; do ip netns del "$ns" 2>/dev/null; done
	for name in "${!NFVA_PREFIX[@]}"; do rm -rf "/var/run/dpdk/${NFVA_PREFIX[$name]}"; done
	if [ -n "$OE_TMP" ]; then
		if [ "$rc" -ne 0 ] && [ "$rc" -ne $OE_SKIP ] && [ -n "${NFVA_KEEP_TMP:-}" ]; then
			echo "# files kept in $OE_TMP" >&2
		else
			rm -rf "$OE_TMP"
		fi
	fi
	echo "# $(basename "$0"): $(($(date +%s) - OE_T0)) s, exit $rc"
	exit "$rc"
}

# oe_need CMD PACKAGE: skip unless CMD is on PATH.
oe_need() {
	command -v "$1" >/dev/null || skip "$1 is not installed (apt-get install $2)"
}

# Checks what every test needs and installs the cleanup trap.
oe_require() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces, af_packet)"
	: "${NFVA:?NFVA must point to the nfva binary}"
	: "${NFVACTL:?NFVACTL must point to the nfvactl binary}"
	[ -x "$NFVA" ] || skip "nfva not built: $NFVA"
	[ -x "$NFVACTL" ] || skip "nfvactl not built: $NFVACTL"
	oe_need ip iproute2
	oe_need ethtool ethtool
	[ -x "$PY" ] || skip "$PY is not installed"
	trap oe_cleanup EXIT
	trap 'exit 130' INT TERM
	OE_TMP=$(mktemp -d /tmp/nfva-oe2e.XXXXXX)
	ip netns add "oeprobe-$OE_ID" 2>"$OE_TMP/netns.err" ||
		skip "ip netns unavailable: $(cat "$OE_TMP/netns.err")"
	ip netns del "oeprobe-$OE_ID"
}

# ns_add NS...: a namespace with IPv6 off (no RS/MLD/DAD noise) and lo up.
ns_add() {
	local ns
	for ns in "$@"; do
		ip netns add "$ns" || fail "cannot create namespace $ns"
		OE_NS+=("$ns")
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1 >/dev/null
		ip -n "$ns" link set lo up
	done
}

# veth NS1 IF1 NS2 IF2: a veth pair, both ends up, TX checksum offload off on
# both (a kernel end sending toward DPDK must fill its checksums itself).
veth() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3" ||
		fail "cannot create veth $1/$2 <-> $3/$4"
	ip -n "$1" link set "$2" up
	ip -n "$3" link set "$4" up
	ip netns exec "$1" ethtool -K "$2" tx off >/dev/null 2>&1
	ip netns exec "$3" ethtool -K "$4" tx off >/dev/null 2>&1
	return 0
}

# mac_of NS IF: the interface's MAC, lower case.
mac_of() { ip -n "$1" -j link show "$2" | json_get "j[0]['address']"; }

# af_packet devargs: afp K IFACE
afp() { echo "net_af_packet$1,iface=$2,framesz=2048,blocksz=4096,framecnt=512"; }

# nfva_up NAME NS CONF: starts an nfva instance in NS, waits (<= 20 s) for its
# socket.
nfva_up() {
	local name=$1 ns=$2 conf=$3
	NFVA_SOCK[$name]="$OE_TMP/$name.sock"
	NFVA_LOG[$name]="$OE_TMP/$name.nfva.log"
	NFVA_PREFIX[$name]="nfva-oe-$OE_ID-$name"
	rm -f "${NFVA_SOCK[$name]}"
	ip netns exec "$ns" "$NFVA" --no-huge -m 512 --no-pci --file-prefix "${NFVA_PREFIX[$name]}" \
		-l 0,1 -- --config "$conf" --socket "${NFVA_SOCK[$name]}" --fdb-entries 65536 \
		--mbufs 8191 >"${NFVA_LOG[$name]}" 2>&1 &
	NFVA_PID[$name]=$!
	local pid=${NFVA_PID[$name]}
	for _ in $(seq 200); do
		[ -S "${NFVA_SOCK[$name]}" ] &&
			"$NFVACTL" -s "${NFVA_SOCK[$name]}" -t 2 help >/dev/null 2>&1 &&
			{ log "nfva $name running in $ns (pid $pid)"; return 0; }
		if ! kill -0 "$pid" 2>/dev/null; then
			local rc=0
			wait "$pid" || rc=$?
			NFVA_PID[$name]=""
			if grep -q "net_af_packet" "${NFVA_LOG[$name]}" &&
					grep -qi "failed to parse device\|cannot probe" "${NFVA_LOG[$name]}"; then
				cat "${NFVA_LOG[$name]}"
				skip "the net_af_packet vdev is unavailable in this DPDK build"
			fi
			fail "nfva $name exited with $rc before opening its socket"
		fi
		sleep 0.1
	done
	fail "nfva $name did not open its socket within 20 s"
}

# nfva_down NAME: SIGTERM, wait <= 15 s, require exit status 0.
nfva_down() {
	local name=$1 pid=${NFVA_PID[$1]}
	[ -n "$pid" ] || fail "nfva_down: nfva $name is not running"
	kill -TERM "$pid"
	for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$pid" 2>/dev/null && fail "nfva $name did not exit within 15 s of SIGTERM"
	local rc=0
	wait "$pid" || rc=$?
	NFVA_PID[$name]=""
	check_eq "nfva $name exit status after SIGTERM" "$rc" 0
}

ctl() { local n=$1; shift; "$NFVACTL" -s "${NFVA_SOCK[$n]}" -t 10 "$@"; }
ctlj() { local n=$1; shift; "$NFVACTL" -j -s "${NFVA_SOCK[$n]}" -t 10 "$@"; }
# ctl_ok NAME cmd...: the command must succeed (its output is discarded).
ctl_ok() {
	local out
	out=$(ctl "$@" 2>&1) || fail "nfvactl ${*:2} on $1 failed: $out"
	return 0
}

# json_get EXPR: evaluates the Python expression EXPR with `j` bound to the
# JSON on stdin; prints strings and numbers as they are, the rest as JSON.
json_get() {
	"$PY" -c '
import json, sys
j = json.load(sys.stdin)
r = eval(sys.argv[1])
print(r if isinstance(r, (str, int, float)) and not isinstance(r, bool) else json.dumps(r, sort_keys=True))
' "$1"
}

# rules NAME [FILTER]: the rules of `offload show` (JSON list) for which the
# Python expression FILTER (r = the rule) is true.
rules() { ctlj "$1" offload show | json_get "[r for r in j if (${2:-True})]"; }
# nrules NAME [FILTER]: how many.
nrules() { ctlj "$1" offload show | json_get "len([r for r in j if (${2:-True})])"; }
# rule_field NAME FILTER FIELD: FIELD of the one rule matching FILTER ("none"
# when there is not exactly one); MACs (nfva prints them in upper case) in
# lower case.
rule_field() {
	ctlj "$1" offload show |
		json_get "(lambda m: (m[0]['$3'].lower() if isinstance(m[0]['$3'], str) else m[0]['$3']) if len(m) == 1 else 'none')([r for r in j if ($2)])"
}
# ostat NAME KEY: one counter of the offload section of `stats`.
ostat() { ctlj "$1" stats | json_get "j['offload']['$2']"; }
# pc NAME PORT KEY: one counter of a port.
pc() { ctlj "$1" port show "$2" | json_get "j[0]['counters']['$3']"; }
# fdb_has NAME MAC: 1 if the FDB has MAC (any network), else 0.
fdb_has() { ctlj "$1" fdb show | json_get "int(any(e['mac'].lower() == '$2' for e in j))"; }
# fdb_port NAME MAC: the port of MAC ("none" when absent).
fdb_port() {
	ctlj "$1" fdb show | json_get "([e['port'] for e in j if e['mac'].lower() == '$2'] or ['none'])[0]"
}

# Python filters for rules(): l2 from port A to port B; by MAC
f_l2() { echo "r['kind'] == 'l2' and r['in'] == '$1' and r['out'] == '$2'"; }

# ping_rx NS IP COUNT [INTERVAL [DEADLINE]]: sends exactly COUNT echo requests from NS
# (oeping.py: 98-byte frames like ping's) and prints the number of replies,
# waiting for late ones up to DEADLINE (COUNT * INTERVAL + 10 s): a loaded machine (a
# SCHED_FIFO poller on the worker's CPU) may hold frames for a second.
ping_rx() {
	ip netns exec "$1" "$PY" "$OE_DIR/oeping.py" "$2" "$3" "${4:-0.2}" ${5:+"$5"} 2>&1 | tail -n 1
}
# check_ping WHAT NS IP COUNT [INTERVAL]: all COUNT echo requests answered.
check_ping() { check_eq "$1: replies" "$(ping_rx "$2" "$3" "$4" "${5:-0.2}")" "$4"; }

# wait_for SECONDS CMD...: polls CMD every 0.2 s until it succeeds.
wait_for() {
	local t=$1; shift
	for _ in $(seq $((t * 5))); do "$@" && return 0; sleep 0.2; done
	return 1
}
# cmd_eq CMD VALUE: for wait_for; CMD is a string run by eval.
cmd_eq() { [ "$(eval "$1")" = "$2" ]; }

# bg_track PID: a background job to stop on exit.
bg_track() { OE_BG+=("$1"); }

# cap_start NAME NS IF [SECONDS]: tshark on IF in NS into $OE_TMP/NAME.pcap,
# bounded by SECONDS (default 120). Returns once the capture runs.
cap_start() {
	local name=$1 ns=$2 ifc=$3 secs=${4:-120}
	rm -f "$OE_TMP/$name.pcap"
	ip netns exec "$ns" tshark -n -q -i "$ifc" -w "$OE_TMP/$name.pcap" -a "duration:$secs" \
		>"$OE_TMP/$name.cap.log" 2>&1 &
	CAP_PID[$name]=$!
	wait_for 15 grep -q "Capturing on" "$OE_TMP/$name.cap.log" ||
		fail "capture $name on $ns/$ifc did not start: $(cat "$OE_TMP/$name.cap.log")"
	sleep 0.3
}
# cap_stop NAME: stops the capture (SIGINT) and waits for its file.
cap_stop() {
	local pid=${CAP_PID[$1]}
	sleep 0.3
	kill -INT "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	unset "CAP_PID[$1]"
	[ -s "$OE_TMP/$1.pcap" ] || fail "capture $1 wrote nothing: $(cat "$OE_TMP/$1.cap.log")"
}
# pcap_count NAME FILTER: frames of $OE_TMP/NAME.pcap matching a display filter.
pcap_count() { tshark -n -r "$OE_TMP/$1.pcap" -Y "$2" 2>/dev/null | wc -l; }

# testpmd_replay FILE WHAT: every line of an `offload dump testpmd` through
# dpdk-testpmd as "flow validate" (replay_testpmd.py says how); fails on a
# parse error. Without dpdk-testpmd, says so and returns (the dedicated
# test_offload_dump_replay skips then).
testpmd_replay() {
	if ! command -v dpdk-testpmd >/dev/null; then
		log "dpdk-testpmd not installed: $2 dump not replayed"
		return 0
	fi
	"$PY" "$OE_DIR/replay_testpmd.py" "$1" || fail "$2: testpmd did not parse the dump (above)"
}

# garp NS IF IP: one gratuitous ARP (broadcast, sender = target = IP) from IF,
# with iputils-arping, else scapy.
garp() {
	if command -v arping >/dev/null && arping -V 2>&1 | grep -q iputils; then
		ip netns exec "$1" arping -q -U -c 1 -I "$2" "$3" || true
	else
		ip netns exec "$1" "$PY" -c '
import sys
from scapy.all import ARP, Ether, get_if_hwaddr, sendp
ifc, ip = sys.argv[1], sys.argv[2]
mac = get_if_hwaddr(ifc)
sendp(Ether(src=mac, dst="ff:ff:ff:ff:ff:ff") / ARP(op=1, hwsrc=mac, psrc=ip, pdst=ip),
      iface=ifc, verbose=False)' "$2" "$3" || fail "scapy could not send a gratuitous ARP"
	fi
}

# ping_until NAME NS IP FILTER [TRIES]: one ping at a time (each answered)
# until a rule matching FILTER exists (the request filter may hold a repeated
# decision back for up to 2 s); prints the number of pings sent.
ping_until() {
	local name=$1 ns=$2 ip=$3 filter=$4 tries=${5:-20} k
	for k in $(seq "$tries"); do
		[ "$(ping_rx "$ns" "$ip" 1)" = 1 ] || fail "ping $ip from $ns: no reply"
		wait_for 1 cmd_eq "nrules $name \"$filter\"" 1 && { echo "$k"; return 0; }
	done
	fail "no rule [$filter] after $tries pings: $(rules "$name")"
}
