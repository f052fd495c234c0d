# SPDX-License-Identifier: BSD-3-Clause
# Helpers of the overlay interop tests (suite netns). Source it, then:
#
#   ov_require                    # skip (77) unless root, ip, ping, ethtool, python3
#   ov_need tshark tshark         # skip unless a tool is there (with its package)
#   ns_add NS...                  # namespaces: IPv6 off, lo up, removed on exit
#   veth NS1 IF1 NS2 IF2          # a veth pair between two namespaces, both up
#   nfva_up NAME NS CONF          # an nfva instance in NS (own socket, prefix, log)
#   ctl NAME cmd...; ctlj NAME cmd... | json_get EXPR
#   cap_start NAME NS IF          # tshark -w into $OV_TMP/NAME.pcap, bounded
#   cap_stop NAME; pcap_count NAME FILTER; pcap_fields NAME FILTER FIELD...
#   pcap_no_malformed NAME        # the no-malformed filter of PEERS.md
#   nfva_down NAME                # SIGTERM, bounded wait, exit status 0
#
# Everything started here is stopped on exit, failure or not: nfva instances,
# captures, background jobs registered with bg_track (OVS daemons...), the
# namespaces (their veths go with them), DPDK runtime directories and the
# temporary directory. On failure the nfva logs are printed.
#
# Names carry the test's PID ($OV_ID) so that runs never collide; interface
# names live inside the test's own namespaces, so they can stay short.

OV_SKIP=77
OV_ID=$$
PY=/usr/bin/python3
OV_TMP=""
OV_NS=()
OV_BG=()
declare -A NFVA_PID=() NFVA_SOCK=() NFVA_LOG=() NFVA_PREFIX=() CAP_PID=()
OV_T0=$(date +%s)

log() { echo "# $*"; }
skip() { echo "SKIP: $*"; exit $OV_SKIP; }
fail() { echo "FAIL: $*" >&2; exit 1; }

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

# stop_pid PID SIGNAL: signals a child of ours, waits <= 5 s, then SIGKILL.
stop_pid() {
	kill "-$2" "$1" 2>/dev/null || { wait "$1" 2>/dev/null || true; return 0; }
	for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}

ov_cleanup() {
	local rc=$?
	trap - EXIT INT TERM
	set +e
	local pid name
	for name in "${!CAP_PID[@]}"; do stop_pid "${CAP_PID[$name]}" INT; done
	local i
	for ((i = ${#OV_BG[@]} - 1; i >= 0; i--)); do stop_pid "${OV_BG[$i]}" TERM; done
	for name in "${!NFVA_PID[@]}"; do
		[ -n "${NFVA_PID[$name]}" ] && stop_pid "${NFVA_PID[$name]}" TERM
	done
	if [ "$rc" -ne 0 ] && [ "$rc" -ne $OV_SKIP ]; then
		for name in "${!NFVA_LOG[@]}"; do
			[ -s "${NFVA_LOG[$name]}" ] || continue
			echo "----- nfva $name log -----" >&2
			tail -n 60 "${NFVA_LOG[$name]}" >&2
		done
		if [ "${OV_DEBUG:-0}" = 1 ]; then
			for f in "$OV_TMP"/*.pcap; do
				[ -s "$f" ] || continue
				echo "----- $(basename "$f") -----" >&2
				tshark -n -r "$f" >&2 2>/dev/null
			done
		fi
		for f in "$OV_TMP"/*.daemon.log "$OV_TMP"/*/*.daemon.log; do
			[ -s "$f" ] || continue
			echo "----- $(basename "$f") -----" >&2
			tail -n 30 "$f" >&2
		done
	fi
	local ns
	for ns in "${OV_NS[@]}"; do ip netns del "$ns" 2>/dev/null; done
	for name in "${!NFVA_PREFIX[@]}"; do rm -rf "/var/run/dpdk/${NFVA_PREFIX[$name]}"; done
	[ -n "$OV_TMP" ] && rm -rf "$OV_TMP"
	echo "# $(basename "$0"): $(($(date +%s) - OV_T0)) s, exit $rc"
	exit "$rc"
}

# ov_need CMD PACKAGE: skip unless CMD is on PATH.
ov_need() {
	command -v "$1" >/dev/null || skip "$1 is not installed (apt-get install $2)"
}

# Checks what every overlay test needs and installs the cleanup trap.
ov_require() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces, af_packet)"
	: "${NFVA:?NFVA must point to the nfva binary}"
	: "${NFVACTL:?NFVACTL must point to the nfvactl binary}"
	[ -x "$NFVA" ] || skip "nfva not built: $NFVA"
	[ -x "$NFVACTL" ] || skip "nfvactl not built: $NFVACTL"
	ov_need ip iproute2
	ov_need ping iputils-ping
	ov_need ethtool ethtool
	[ -x "$PY" ] || skip "$PY is not installed"
	trap ov_cleanup EXIT
	trap 'exit 130' INT TERM
	OV_TMP=$(mktemp -d /tmp/nfva-overlay.XXXXXX)
	ip netns add "ovprobe-$OV_ID" 2>"$OV_TMP/netns.err" ||
		skip "ip netns unavailable: $(cat "$OV_TMP/netns.err")"
	ip netns del "ovprobe-$OV_ID"
}

# ns_add NS...: a namespace with IPv6 off (no RS/MLD/DAD noise) and lo up.
ns_add() {
	local ns
	for ns in "$@"; do
		ip netns add "$ns" || fail "cannot create namespace $ns"
		OV_NS+=("$ns")
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1 || true
		ip -n "$ns" link set lo up
	done
}

# veth NS1 IF1 NS2 IF2: a veth pair, both ends up, TX checksum offload off on
# both (a kernel end sending toward DPDK must fill its checksums in software).
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

# nfva_up NAME NS CONF: starts an nfva instance in NS and waits (<= 20 s) for
# its socket.
nfva_up() {
	local name=$1 ns=$2 conf=$3
	NFVA_SOCK[$name]="$OV_TMP/$name.sock"
	NFVA_LOG[$name]="$OV_TMP/$name.nfva.log"
	NFVA_PREFIX[$name]="nfva-ov-$OV_ID-$name"
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
			if grep -q "cannot probe 'net_af_packet" "${NFVA_LOG[$name]}"; then
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

ctl() { local n=$1; shift; "$NFVACTL" -s "${NFVA_SOCK[$n]}" "$@"; }
ctlj() { local n=$1; shift; "$NFVACTL" -j -s "${NFVA_SOCK[$n]}" "$@"; }

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

# port_counter NAME PORT COUNTER; port_drops NAME PORT (the dropped object)
port_counter() { ctlj "$1" port show "$2" | json_get "j[0]['counters']['$3']"; }
port_drops() { ctlj "$1" port show "$2" | json_get "j[0]['counters']['dropped']"; }
# port_drop NAME PORT REASON: one drop counter, 0 when absent.
port_drop() { ctlj "$1" port show "$2" | json_get "j[0]['counters']['dropped'].get('$3', 0)"; }
# neigh_field NAME IP FIELD: a field of nfva's neighbour IP ("none" if absent).
neigh_field() {
	ctlj "$1" neigh show | json_get "([n['$3'] for n in j if n['ip'] == '$2'] or ['none'])[0]"
}
neigh_stat() { ctlj "$1" neigh show stats | json_get "j['counters']['$2']"; }

# ping_rx NS IP COUNT [ping options]: prints the number of replies received.
# Exactly COUNT echo requests are sent, one ping at a time, each waiting up to
# PING_WAIT seconds (default 3) for its reply: a burst of ping -c N gives up
# on later replies two round trips after the last request, which a loaded
# machine (several DPDK processes on two cores) turns into false losses.
ping_rx() {
	local ns=$1 ip=$2 count=$3 n=0 out
	shift 3
	: >"$OV_TMP/last-ping.txt"
	for _ in $(seq "$count"); do
		out=$(ip netns exec "$ns" ping -n -c 1 -W "${PING_WAIT:-3}" "$@" "$ip" 2>&1) || true
		echo "$out" >>"$OV_TMP/last-ping.txt"
		grep -q ' 1 received' <<<"$out" && n=$((n + 1))
	done
	echo "$n"
}
# check_ping WHAT NS IP COUNT: all COUNT echo requests answered (ping's own
# output is shown when not).
check_ping() {
	local got
	got=$(ping_rx "$2" "$3" "$4")
	[ "$got" = "$4" ] || cat "$OV_TMP/last-ping.txt" >&2
	check_eq "$1: replies" "$got" "$4"
}

# check_eq_wait WHAT EXPECTED CMD...: CMD's output becomes EXPECTED within 5 s
# (counters of frames still in flight), then check_eq.
check_eq_wait() {
	local what=$1 want=$2
	shift 2
	for _ in $(seq 25); do [ "$("$@")" = "$want" ] && break; sleep 0.2; done
	check_eq "$what" "$("$@")" "$want"
}

# wait_for SECONDS CMD...: polls CMD every 0.2 s until it succeeds.
wait_for() {
	local t=$1; shift
	for _ in $(seq $((t * 5))); do "$@" && return 0; sleep 0.2; done
	return 1
}

# bg_track PID: a background job to stop on exit (last registered, first stopped).
bg_track() { OV_BG+=("$1"); }

# cap_start NAME NS IF [SECONDS]: tshark on IF in NS, writing
# $OV_TMP/NAME.pcap, stopping by itself after SECONDS (default 120). Returns
# once the capture is running.
cap_start() {
	local name=$1 ns=$2 ifc=$3 secs=${4:-120}
	rm -f "$OV_TMP/$name.pcap"
	ip netns exec "$ns" tshark -n -q -i "$ifc" -w "$OV_TMP/$name.pcap" -a "duration:$secs" \
		>"$OV_TMP/$name.cap.log" 2>&1 &
	CAP_PID[$name]=$!
	wait_for 15 grep -q "Capturing on" "$OV_TMP/$name.cap.log" ||
		fail "capture $name on $ns/$ifc did not start: $(cat "$OV_TMP/$name.cap.log")"
	sleep 0.3
}
# cap_stop NAME: stops the capture (SIGINT) and waits for its file.
cap_stop() {
	sleep 1
	stop_pid "${CAP_PID[$1]}" INT
	unset "CAP_PID[$1]"
	[ -s "$OV_TMP/$1.pcap" ] || fail "capture $1 wrote nothing: $(cat "$OV_TMP/$1.cap.log")"
}
# pcap_fields NAME FILTER FIELD...: one line per matching frame, fields
# separated by spaces; a field present more than once (outer and inner IP
# of a tunnelled frame) gives its first, outermost, occurrence.
pcap_fields() {
	local name=$1 filter=$2 args=()
	shift 2
	for f in "$@"; do args+=(-e "$f"); done
	tshark -n -r "$OV_TMP/$name.pcap" -Y "$filter" -T fields -E separator=' ' \
		-E occurrence=f "${args[@]}" 2>/dev/null
}
# pcap_count NAME FILTER: number of matching frames.
pcap_count() { tshark -n -r "$OV_TMP/$1.pcap" -Y "$2" 2>/dev/null | wc -l; }
# pcap_no_malformed NAME: PEERS.md's check, must print nothing.
pcap_no_malformed() {
	local bad
	bad=$(tshark -n -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE -r "$OV_TMP/$1.pcap" \
		-Y '_ws.malformed || _ws.expert.severity >= error || ip.checksum.status=="Bad" || udp.checksum.status=="Bad"' 2>&1 |
		{ grep -v '^Running as user' || true; })
	[ -z "$bad" ] || { echo "$bad" >&2; fail "capture $1 has malformed or bad-checksum frames"; }
	echo "ok: capture $1 ($(pcap_count "$1" frame) frames): nothing malformed, no bad checksum"
}
# check_pcap WHAT NAME FILTER MIN FIELD=PYEXPR...: at least MIN frames of
# capture NAME match FILTER, and in each of them every FIELD (its outermost
# occurrence, as the string v; i(x) parses an integer) makes its PYEXPR true.
# One tshark pass for all the fields.
check_pcap() {
	local what=$1 name=$2 filter=$3 min=$4 args=() spec out
	shift 4
	for spec in "$@"; do args+=(-e "${spec%%=*}"); done
	out=$(tshark -n -r "$OV_TMP/$name.pcap" -Y "$filter" -T fields -E separator='|' \
		-E occurrence=f "${args[@]}" 2>/dev/null |
		"$PY" -c '
import sys
specs = [a.split("=", 1) for a in sys.argv[2:]]
rows = [l.rstrip("\n").split("|") for l in sys.stdin if l.strip()]
bad = []
for k, (field, expr) in enumerate(specs):
    wrong = set()
    for r in rows:
        v = r[k] if k < len(r) else ""
        try:
            ok = eval(expr, {"v": v, "i": lambda x: int(x, 0)})
        except Exception:
            ok = False
        if not ok:
            wrong.add(v)
    if wrong:
        bad.append("%s [%s] got %s" % (field, expr, " ".join(sorted(wrong)[:5]) or "(empty)"))
n = len(rows)
if n < int(sys.argv[1]):
    bad.append("only %d frames, expected >= %s" % (n, sys.argv[1]))
print(("BAD " + "; ".join(bad)) if bad else "%d" % n)
' "$min" "$@")
	case $out in
	[0-9]*) echo "ok: $what: $out frames (>= $min) with $*" ;;
	*) fail "$what: ${out#BAD } (filter: $filter)" ;;
	esac
}
# check_pcap_all WHAT NAME FILTER FIELD PYEXPR MIN: check_pcap for one field.
check_pcap_all() { check_pcap "$1" "$2" "$3" "$6" "$4=$5"; }
