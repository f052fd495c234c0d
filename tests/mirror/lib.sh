# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# Helpers of the mirror tests in network namespaces (suite netns). Source it:
#
#   mt_require                    # skip (77) unless root, ip, ping, ethtool, python3, tshark
#   ns_add NS...                  # namespaces: IPv6 off, lo up, removed on exit
#   veth NS1 IF1 NS2 IF2          # a veth pair, both up, TX checksum offload off
#   nfva_up NAME NS CONF          # an nfva instance in NS (own socket, prefix, log)
#   ctl NAME cmd...; ctlj NAME cmd... | json_get EXPR; ctl_ok NAME cmd...
#   mcount NAME SESSION KEY       # a counter of `mirror show SESSION`
#   pc NAME PORT KEY; ostat NAME KEY   # port counter; `stats` offload counter
#   pin NS IP MAC                 # a permanent neighbour in a VM (no ARP traffic)
#   check_ping WHAT NS IP COUNT   # COUNT echo requests, one at a time, all answered
#   cap_start NAME NS IF; cap_stop NAME; pcap_count NAME FILTER; pcap_no_malformed NAME
#   wait_for SECONDS CMD...       # poll CMD every 0.2 s; cmd_eq "CMD" VALUE
#   bg_track PID                  # a background job stopped on exit
#   nfva_down NAME                # SIGTERM, bounded wait, exit status 0
#
# Everything started here is stopped on exit, failure or not: nfva
# instances, captures, background jobs (OVS daemons), the namespaces (their
# veths go with them), DPDK runtime directories and the temporary directory.
# On failure the nfva logs and `mirror show` of each instance are printed.
# Names carry the test's PID ($MT_ID), so runs never collide; no traffic
# leaves the test's own namespaces. No jq: JSON is read with /usr/bin/python3.

MT_SKIP=77
MT_ID=$$
PY=/usr/bin/python3
MT_TMP=""
MT_NS=()
MT_BG=()
declare -A NFVA_PID=() NFVA_SOCK=() NFVA_LOG=() NFVA_PREFIX=() CAP_PID=()
MT_T0=$(date +%s)

log() { echo "# [$(($(date +%s) - MT_T0)) s] $*"; }
skip() { echo "SKIP: $*"; exit $MT_SKIP; }
fail() {
	echo "FAIL: $*" >&2
	mt_diag >&2 || true
	exit 1
}
mt_diag() {
	local name
	set +e
	for name in "${!NFVA_PID[@]}"; do
		[ -n "${NFVA_PID[$name]}" ] || continue
		echo "----- nfva $name: mirror show -----"
		ctl "$name" mirror show
		echo "----- nfva $name: offload show / neigh show -----"
		ctl "$name" offload show
		ctl "$name" neigh show
	done
}

# check_eq WHAT ACTUAL EXPECTED; check_ge WHAT ACTUAL BOUND (integers)
check_eq() {
	if [ "$2" != "$3" ]; then fail "$1: got '$2', expected '$3'"; fi
	echo "ok: $1 = $2"
}
check_ge() {
	if ! [ "$2" -ge "$3" ] 2>/dev/null; then fail "$1: got '$2', expected >= $3"; fi
	echo "ok: $1 = $2 (>= $3)"
}

# stop_pid PID SIGNAL: signals a child of ours, waits <= 5 s, then SIGKILL.
stop_pid() {
	kill "-$2" "$1" 2>/dev/null || { wait "$1" 2>/dev/null || true; return 0; }
	for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

mt_cleanup() {
	local rc=$?
	trap - EXIT INT TERM HUP
	trap '' PIPE # a reader that went away (| head) must not stop the cleanup
	set +e
	local name i ns
	for name in "${!CAP_PID[@]}"; do stop_pid "${CAP_PID[$name]}" INT; done
	for ((i = ${#MT_BG[@]} - 1; i >= 0; i--)); do stop_pid "${MT_BG[$i]}" TERM; done
	for name in "${!NFVA_PID[@]}"; do
		[ -n "${NFVA_PID[$name]}" ] && stop_pid "${NFVA_PID[$name]}" TERM
	done
	if [ "$rc" -ne 0 ] && [ "$rc" -ne $MT_SKIP ]; then
		for name in "${!NFVA_LOG[@]}"; do
			[ -s "${NFVA_LOG[$name]}" ] || continue
			echo "----- nfva $name log (last 40 lines) -----" >&2
			tail -n 40 "${NFVA_LOG[$name]}" >&2
		done
		for f in "$MT_TMP"/*/*.daemon.log; do
			[ -s "$f" ] || continue
			echo "----- $(basename "$f") -----" >&2
			tail -n 20 "$f" >&2
		done
	fi
	for ns in "${MT_NS[@]}"; do ip netns del "$ns" 2>/dev/null; done
	for name in "${!NFVA_PREFIX[@]}"; do rm -rf "/var/run/dpdk/${NFVA_PREFIX[$name]}"; done
	if [ -n "$MT_TMP" ]; then
		if [ "$rc" -ne 0 ] && [ "$rc" -ne $MT_SKIP ] && [ -n "${NFVA_KEEP_TMP:-}" ]; then
			echo "# files kept in $MT_TMP" >&2
		else
			rm -rf "$MT_TMP"
		fi
	fi
	echo "# $(basename "$0"): $(($(date +%s) - MT_T0)) s, exit $rc"
	exit "$rc"
}

mt_need() {
	command -v "$1" >/dev/null || skip "$1 is not installed (apt-get install $2)"
}

mt_require() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces, af_packet)"
	[ -n "${NFVA:-}" ] || skip "\$NFVA is not set (run through meson test)"
	[ -n "${NFVACTL:-}" ] || skip "\$NFVACTL is not set (run through meson test)"
	[ -x "$NFVA" ] || skip "nfva not built: $NFVA"
	[ -x "$NFVACTL" ] || skip "nfvactl not built: $NFVACTL"
	mt_need ip iproute2
	mt_need ping iputils-ping
	mt_need ethtool ethtool
	mt_need tshark tshark
	[ -x "$PY" ] || skip "$PY is not installed"
	trap mt_cleanup EXIT
	trap 'exit 130' INT TERM HUP
	trap 'exit 141' PIPE
	MT_TMP=$(mktemp -d /tmp/nfva-mirror.XXXXXX)
	ip netns add "mtprobe-$MT_ID" 2>"$MT_TMP/netns.err" ||
		skip "ip netns unavailable: $(cat "$MT_TMP/netns.err")"
	ip netns del "mtprobe-$MT_ID"
}

ns_add() {
	local ns
	for ns in "$@"; do
		ip netns add "$ns" || fail "cannot create namespace $ns"
		MT_NS+=("$ns")
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1 || true
		ip -n "$ns" link set lo up
	done
}

veth() {
	ip link add "$2" netns "$1" type veth peer name "$4" netns "$3" ||
		fail "cannot create veth $1/$2 <-> $3/$4"
	ip -n "$1" link set "$2" up
	ip -n "$3" link set "$4" up
	ip netns exec "$1" ethtool -K "$2" tx off >/dev/null 2>&1
	ip netns exec "$3" ethtool -K "$4" tx off >/dev/null 2>&1
	return 0
}

mac_of() { ip -n "$1" -j link show "$2" | json_get "j[0]['address']"; }
pin() { ip -n "$1" neigh replace "$2" lladdr "$3" nud permanent dev "${4:-eth0}"; }
afp() { echo "net_af_packet$1,iface=$2,framesz=2048,blocksz=4096,framecnt=512"; }

nfva_up() {
	local name=$1 ns=$2 conf=$3
	NFVA_SOCK[$name]="$MT_TMP/$name.sock"
	NFVA_LOG[$name]="$MT_TMP/$name.nfva.log"
	NFVA_PREFIX[$name]="nfva-mt-$MT_ID-$name"
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
			if grep -q "EAL init failed\|Cannot init EAL" "${NFVA_LOG[$name]}"; then
				skip "DPDK EAL cannot start here: $(tail -n 2 "${NFVA_LOG[$name]}")"
			fi
			if grep -qi "cannot probe 'net_af_packet\|failed to parse device" \
					"${NFVA_LOG[$name]}"; then
				skip "the net_af_packet vdev is unavailable in this DPDK build"
			fi
			cat "${NFVA_LOG[$name]}" >&2
			fail "nfva $name exited with $rc before opening its socket"
		fi
		sleep 0.1
	done
	fail "nfva $name did not open its socket within 20 s"
}

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
	if grep -q "runtime error:\|AddressSanitizer\|LeakSanitizer" "${NFVA_LOG[$name]}"; then
		fail "nfva $name: sanitizer report in its log"
	fi
}

ctl() { local n=$1; shift; "$NFVACTL" -s "${NFVA_SOCK[$n]}" -t 10 "$@"; }
ctlj() { local n=$1; shift; "$NFVACTL" -j -s "${NFVA_SOCK[$n]}" -t 10 "$@"; }
ctl_ok() {
	local out
	out=$(ctl "$@" 2>&1) || fail "nfvactl ${*:2} on $1 failed: $out"
	return 0
}

json_get() {
	"$PY" -c '
import json, sys
j = json.load(sys.stdin)
r = eval(sys.argv[1])
print(r if isinstance(r, (str, int, float)) and not isinstance(r, bool) else json.dumps(r, sort_keys=True))
' "$1"
}

mcount() { ctlj "$1" mirror show "$2" | json_get "j[0]['counters']['$3']"; }
# mcounters NAME SESSION: "mirrored filtered_out sampled_out dropped"
mcounters() {
	ctlj "$1" mirror show "$2" |
		json_get "' '.join(str(j[0]['counters'][k]) for k in ('mirrored', 'filtered_out', 'sampled_out', 'dropped'))"
}
pc() { ctlj "$1" port show "$2" | json_get "j[0]['counters']['$3']"; }
ostat() { ctlj "$1" stats | json_get "j['offload']['$2']"; }
neigh_state() {
	ctlj "$1" neigh show | json_get "([n['state'] for n in j if n['ip'] == '$2'] or ['none'])[0]"
}

# ping_rx NS IP COUNT: COUNT echo requests, one at a time (each waits up to
# 3 s for its reply: a loaded machine must not turn into false losses);
# prints the number of replies.
ping_rx() {
	local ns=$1 ip=$2 count=$3 n=0 out
	: >"$MT_TMP/last-ping.txt"
	for _ in $(seq "$count"); do
		out=$(ip netns exec "$ns" ping -n -c 1 -W 3 "$ip" 2>&1) || true
		echo "$out" >>"$MT_TMP/last-ping.txt"
		grep -q ' 1 received' <<<"$out" && n=$((n + 1))
	done
	echo "$n"
}
check_ping() {
	local got
	got=$(ping_rx "$2" "$3" "$4")
	[ "$got" = "$4" ] || cat "$MT_TMP/last-ping.txt" >&2
	check_eq "$1: replies" "$got" "$4"
}

wait_for() {
	local t=$1; shift
	for _ in $(seq $((t * 5))); do "$@" && return 0; sleep 0.2; done
	return 1
}
cmd_eq() { [ "$(eval "$1")" = "$2" ]; }

bg_track() { MT_BG+=("$1"); }

# cap_start NAME NS IF [SECONDS]: tshark writing $MT_TMP/NAME.pcap, stopping
# by itself after SECONDS (default 120); returns once it captures.
cap_start() {
	local name=$1 ns=$2 ifc=$3 secs=${4:-120}
	rm -f "$MT_TMP/$name.pcap"
	ip netns exec "$ns" tshark -n -q -i "$ifc" -F pcap -w "$MT_TMP/$name.pcap" -a "duration:$secs" \
		>"$MT_TMP/$name.cap.log" 2>&1 &
	CAP_PID[$name]=$!
	wait_for 15 grep -q "Capturing on" "$MT_TMP/$name.cap.log" ||
		fail "capture $name on $ns/$ifc did not start: $(cat "$MT_TMP/$name.cap.log")"
	sleep 0.3
}
cap_stop() {
	sleep 1
	stop_pid "${CAP_PID[$1]}" INT
	unset "CAP_PID[$1]"
	[ -s "$MT_TMP/$1.pcap" ] || fail "capture $1 wrote nothing: $(cat "$MT_TMP/$1.cap.log")"
}
pcap_count() { tshark -n -r "$MT_TMP/$1.pcap" -Y "$2" 2>/dev/null | wc -l; }
# pcap_fields NAME FILTER FIELD...: one line per matching frame, first occurrences
pcap_fields() {
	local name=$1 filter=$2 args=()
	shift 2
	for f in "$@"; do args+=(-e "$f"); done
	tshark -n -r "$MT_TMP/$name.pcap" -Y "$filter" -T fields -E separator=' ' \
		-E occurrence=f "${args[@]}" 2>/dev/null
}
pcap_no_malformed() {
	local bad
	bad=$(tshark -n -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE \
		-o tcp.check_checksum:TRUE -r "$MT_TMP/$1.pcap" \
		-Y '_ws.malformed || _ws.expert.severity >= error || ip.checksum.status=="Bad" || udp.checksum.status=="Bad" || icmp.checksum.status=="Bad"' 2>&1 |
		{ grep -v '^Running as user' || true; })
	[ -z "$bad" ] || { echo "$bad" >&2; fail "capture $1 has malformed or bad-checksum frames"; }
	echo "ok: capture $1 ($(pcap_count "$1" frame) frames): nothing malformed, no bad checksum"
}
