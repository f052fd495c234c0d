# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# Traffic and the wire for the netns tests (sourced by netns.sh, see there):
# pings counted exactly, tshark captures and checks, gratuitous ARP, dump
# replays in dpdk-testpmd, a private Open vSwitch.

# ping_rx NS IP COUNT [ping options]: COUNT echo requests, one ping(8) at a
# time, each waiting up to PING_WAIT seconds (default 3) for its reply: a
# burst of ping -c N gives up on later replies two round trips after the last
# request, which a loaded machine (several DPDK processes on two cores) turns
# into false losses. Prints the number of replies.
ping_rx() {
	local ns=$1 ip=$2 count=$3 n=0 out
	shift 3
	: >"$TEST_TMP/last-ping.txt"
	for _ in $(seq "$count"); do
		out=$(ip netns exec "$ns" ping -n -c 1 -W "${PING_WAIT:-3}" "$@" "$ip" 2>&1) || true
		echo "$out" >>"$TEST_TMP/last-ping.txt"
		grep -q ' 1 received' <<<"$out" && n=$((n + 1))
	done
	echo "$n"
}
# check_ping WHAT NS IP COUNT: all COUNT echo requests answered (ping's own
# output is shown when not).
check_ping() {
	local got
	got=$(ping_rx "$2" "$3" "$4")
	[ "$got" = "$4" ] || cat "$TEST_TMP/last-ping.txt" >&2
	check_eq "$1: replies" "$got" "$4"
}

# pinger NS IP COUNT INTERVAL TIMEOUT [START_AT_MS]: tools/pinger.py in NS,
# "SENT RECEIVED MAX_RTT_MS FIRST_SEND_MS" (see there).
pinger() {
	local ns=$1
	shift
	ip netns exec "$ns" "$PY" "$NT_LIB/tools/pinger.py" "$@"
}
# ping_burst NS IP COUNT [INTERVAL [DEADLINE]]: exactly COUNT echo requests
# (98-byte frames like ping's), INTERVAL apart (default 0.2 s); prints the
# number of replies, late ones waited for up to DEADLINE seconds from the
# start (default COUNT * INTERVAL + 10): a loaded machine (a SCHED_FIFO
# poller on the worker's CPU) may hold frames for a second.
ping_burst() {
	local count=$3 interval=${4:-0.2} timeout
	timeout=$("$PY" -c "import sys; c, i = int(sys.argv[1]), float(sys.argv[2]);
d = float(sys.argv[3]) if sys.argv[3] else c * i + 10; print(max(d - (c - 1) * i, 0.1))" \
		"$count" "$interval" "${5:-}")
	pinger "$1" "$2" "$count" "$interval" "$timeout" | cut -d' ' -f2
}
# check_ping_burst WHAT NS IP COUNT [INTERVAL]: all COUNT echo requests answered.
check_ping_burst() { check_eq "$1: replies" "$(ping_burst "$2" "$3" "$4" "${5:-0.2}")" "$4"; }

# ping_until NAME NS IP FILTER [TRIES]: one ping at a time (each answered)
# until a rule matching FILTER exists (the request filter may hold a repeated
# decision back for up to 2 s); prints the number of pings sent.
ping_until() {
	local name=$1 ns=$2 ip=$3 filter=$4 tries=${5:-20} k
	for k in $(seq "$tries"); do
		[ "$(ping_burst "$ns" "$ip" 1)" = 1 ] || fail "ping $ip from $ns: no reply"
		wait_for 1 cmd_eq "nrules $name \"$filter\"" 1 && { echo "$k"; return 0; }
	done
	fail "no rule [$filter] after $tries pings: $(rules "$name")"
}

# ping_then_rule WHAT NAME NS IP FILTER: one ping (answered), then a rule
# matching FILTER in instance NAME within 5 s.
ping_then_rule() {
	check_ping_burst "$1" "$3" "$4" 1
	wait_for 5 cmd_eq "nrules $2 \"$5\"" 1 || fail "no rule [$5] after $1: $(rules "$2")"
}

# garp NS IF IP: one gratuitous ARP (broadcast, sender = target = IP) from IF,
# with iputils-arping, else scapy.
garp() {
	if command -v arping >/dev/null && arping -V 2>&1 | grep -q iputils; then
		ip netns exec "$1" arping -q -U -c 1 -I "$2" "$3" || true
	else
		ip netns exec "$1" "$PY" "$NT_LIB/tools/send_arp.py" garp "$2" "$3" ||
			fail "scapy could not send a gratuitous ARP"
	fi
}

# --- captures ----------------------------------------------------------------------
# cap_start CAP NS IF [SECONDS]: tshark on IF in NS writing $TEST_TMP/CAP.pcap
# (classic pcap), stopping by itself after SECONDS (default 120). Returns once
# the capture runs.
cap_start() {
	local name=$1 ns=$2 ifc=$3 secs=${4:-120}
	rm -f "$TEST_TMP/$name.pcap"
	ip netns exec "$ns" tshark -n -q -i "$ifc" -F pcap -w "$TEST_TMP/$name.pcap" \
		-a "duration:$secs" >"$TEST_TMP/$name.cap.log" 2>&1 &
	CAP_PID[$name]=$!
	wait_for 15 grep -q "Capturing on" "$TEST_TMP/$name.cap.log" ||
		fail "capture $name on $ns/$ifc did not start: $(cat "$TEST_TMP/$name.cap.log")"
	sleep 0.3
}
# cap_stop CAP: stops the capture (SIGINT) and waits for its file.
cap_stop() {
	sleep 1
	stop_pid "${CAP_PID[$1]}" INT
	unset "CAP_PID[$1]"
	[ -s "$TEST_TMP/$1.pcap" ] || fail "capture $1 wrote nothing: $(cat "$TEST_TMP/$1.cap.log")"
}
# pcap_count CAP FILTER: frames of the capture matching a display filter
# (UDP checksums verified: udp.checksum.status 1 good, 0 bad, 4 illegal).
pcap_count() { tshark -n -o udp.check_checksum:TRUE -r "$TEST_TMP/$1.pcap" -Y "$2" 2>/dev/null | wc -l; }
# pcap_fields CAP FILTER FIELD...: one line per matching frame, fields
# separated by spaces; a field present more than once (outer and inner IP
# of a tunnelled frame) gives its first, outermost, occurrence.
pcap_fields() {
	local name=$1 filter=$2 args=()
	shift 2
	for f in "$@"; do args+=(-e "$f"); done
	tshark -n -r "$TEST_TMP/$name.pcap" -Y "$filter" -T fields -E separator=' ' \
		-E occurrence=f "${args[@]}" 2>/dev/null
}
# pcap_bad CAP: the frames of the capture that are malformed, an expert
# error, or have a bad IP/UDP/TCP/ICMP checksum (checksums verified).
pcap_bad() {
	tshark -n -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE \
		-r "$TEST_TMP/$1.pcap" \
		-Y '_ws.malformed || _ws.expert.severity >= error || ip.checksum.status=="Bad" || udp.checksum.status=="Bad" || tcp.checksum.status=="Bad" || icmp.checksum.status=="Bad"' 2>&1 |
		{ grep -v '^Running as user' || true; }
}
# pcap_no_malformed CAP: no malformed frame and no bad checksum (pcap_bad prints nothing).
pcap_no_malformed() {
	local bad
	bad=$(pcap_bad "$1")
	[ -z "$bad" ] || { echo "$bad" >&2; fail "capture $1 has malformed or bad-checksum frames"; }
	echo "ok: capture $1 ($(pcap_count "$1" frame) frames): nothing malformed, no bad checksum"
}
# wire_clean_zero CAP: pcap_no_malformed, zero UDP checksums over IPv6 allowed
# (udp6zerocsum; tshark calls them illegal by default).
wire_clean_zero() {
	local bad
	bad=$(tshark -n -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE \
		-o udp.ignore_ipv6_zero_checksum:TRUE -r "$TEST_TMP/$1.pcap" \
		-Y '_ws.malformed || _ws.expert.severity >= error || ip.checksum.status == "Bad" || udp.checksum.status == "Bad" || icmp.checksum.status == "Bad"' \
		2>/dev/null)
	[ -z "$bad" ] || { echo "$bad" >&2; fail "capture $1 has malformed or bad-checksum frames"; }
	echo "ok: capture $1: nothing malformed, no bad checksum (zero UDP checksums allowed)"
}

# check_pcap WHAT CAP FILTER MIN FIELD=PYEXPR...: at least MIN frames of
# capture CAP match FILTER, and in each of them every FIELD (its outermost
# occurrence, as the string v; i(x) parses an integer) makes its PYEXPR true.
# One tshark pass for all the fields. UDP checksums are verified
# (udp.checksum.status: 1 good, 0 bad, 4 illegal: zero over IPv6).
check_pcap() {
	local what=$1 name=$2 filter=$3 min=$4 args=() spec out
	shift 4
	for spec in "$@"; do args+=(-e "${spec%%=*}"); done
	out=$(tshark -n -o udp.check_checksum:TRUE -r "$TEST_TMP/$name.pcap" -Y "$filter" \
		-T fields -E separator='|' -E occurrence=f "${args[@]}" 2>/dev/null |
		"$PY" -m nfvatest.fieldcheck "$min" "$@")
	case $out in
	[0-9]*) echo "ok: $what: $out frames (>= $min) with $*" ;;
	*) fail "$what: ${out#BAD } (filter: $filter)" ;;
	esac
}
# check_pcap_all WHAT CAP FILTER FIELD PYEXPR MIN: check_pcap for one field.
check_pcap_all() { check_pcap "$1" "$2" "$3" "$6" "$4=$5"; }

# testpmd_replay FILE WHAT: every line of an `offload dump testpmd` through
# dpdk-testpmd as "flow validate" (nfvatest/testpmd.py says how); fails on a
# parse error. Without dpdk-testpmd, says so and returns (the dedicated
# test_offload_dump_replay skips then).
testpmd_replay() {
	if ! command -v dpdk-testpmd >/dev/null; then
		log "dpdk-testpmd not installed: $2 dump not replayed"
		return 0
	fi
	"$PY" -m nfvatest.testpmd "$1" || fail "$2: testpmd did not parse the dump (above)"
}

# --- Open vSwitch ---------------------------------------------------------------------
# ovs_up NS: a private Open vSwitch (userspace datapath) in NS, its database
# and sockets in $TEST_TMP/ovs; installed with apt-get if missing; skips with
# the reason when it cannot be installed or cannot run here. Sets VSCTL (an
# array: ovs-vsctl on this instance) and defines appctl and ofctl.
ovs_up() {
	local ns=$1 d="$TEST_TMP/ovs" schema=/usr/share/openvswitch/vswitch.ovsschema t
	OVS_NS=$ns OVS_DIR=$d
	if ! command -v ovs-vswitchd >/dev/null || ! command -v ovsdb-server >/dev/null; then
		log "openvswitch-switch is missing: trying apt-get install"
		if ! command -v apt-get >/dev/null ||
			! DEBIAN_FRONTEND=noninteractive timeout 300 apt-get install -y -q \
				--no-install-recommends openvswitch-switch >"$TEST_TMP/apt.log" 2>&1; then
			tail -n 5 "$TEST_TMP/apt.log" 2>/dev/null || true
			skip "Open vSwitch (openvswitch-switch) is not installed and could not be installed"
		fi
	fi
	[ -r "$schema" ] || skip "Open vSwitch schema $schema is missing"
	for t in ovs-vsctl ovs-appctl ovs-ofctl ovsdb-tool; do need "$t" openvswitch-switch; done
	mkdir -p "$d"
	export OVS_RUNDIR="$d" OVS_DBDIR="$d" OVS_LOGDIR="$d" OVS_SYSCONFDIR="$d"
	ovsdb-tool create "$d/conf.db" "$schema" >/dev/null
	ip netns exec "$ns" ovsdb-server "$d/conf.db" --remote="punix:$d/db.sock" \
		--unixctl="$d/ovsdb.ctl" --pidfile="$d/ovsdb.pid" --log-file="$d/ovsdb.daemon.log" \
		>"$d/ovsdb.out" 2>&1 &
	bg_track $!
	wait_for 10 test -S "$d/db.sock" ||
		skip "ovsdb-server did not start: $(tail -n 3 "$d/ovsdb.out" "$d/ovsdb.daemon.log" 2>&1)"
	VSCTL=(ovs-vsctl --db="unix:$d/db.sock" --timeout=20)
	"${VSCTL[@]}" --no-wait init
	ip netns exec "$ns" ovs-vswitchd "unix:$d/db.sock" --unixctl="$d/vswitchd.ctl" \
		--pidfile="$d/vswitchd.pid" --log-file="$d/vswitchd.daemon.log" >"$d/vswitchd.out" 2>&1 &
	bg_track $!
	wait_for 15 test -S "$d/vswitchd.ctl" ||
		skip "ovs-vswitchd did not start: $(tail -n 5 "$d/vswitchd.out" "$d/vswitchd.daemon.log" 2>&1)"
}
appctl() { ip netns exec "$OVS_NS" ovs-appctl -t "$OVS_DIR/vswitchd.ctl" "$@"; }
ofctl() { ip netns exec "$OVS_NS" ovs-ofctl "$@"; }
# ovs_phy_bridge IF IP/PREFIX MAC: bridge br-phy (netdev, hwaddr MAC) on the
# underlay port IF, with the tunnel endpoint address on its tap device.
ovs_phy_bridge() {
	"${VSCTL[@]}" add-br br-phy -- set bridge br-phy datapath_type=netdev \
		other_config:hwaddr="$3" -- add-port br-phy "$1" ||
		skip "OVS cannot create a netdev bridge here: $(tail -n 5 "$OVS_DIR/vswitchd.daemon.log")"
	wait_for 10 ip -n "$OVS_NS" link show br-phy >/dev/null 2>&1 ||
		skip "OVS netdev bridge br-phy has no tap device: $(tail -n 5 "$OVS_DIR/vswitchd.daemon.log")"
	ip -n "$OVS_NS" addr add "$2" dev br-phy
	ip -n "$OVS_NS" link set br-phy up
}
