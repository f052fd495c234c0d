# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# Helpers of the netns suite: namespaces as VMs and hosts, nfva instances on
# af_packet veths, real peers, tshark on the wire. Source it, then:
#
#   netns_require                 # skip (77) unless root, ip, ping, ethtool, python3
#   need tshark tshark            # skip unless a tool is there (common.sh)
#   ns_add NS...                  # namespaces: IPv6 off, lo up, removed on exit
#   veth NS1 IF1 NS2 IF2          # a veth pair, both up, TX checksum offload off
#   two_hosts PREFIX              # H1 H2 (underlay u1 = u2), V1 - H1, V2 - H2, VMs up
#   uplink_conf IF IP/PREFIX [PORT=IF...]   # port add uplink, VM ports, underlay
#   mac_of NS IF; pin NS IP MAC [IF]; afp K IFACE [FRAMES]   # af_packet devargs
#   nfva_up NAME NS CONF          # an nfva instance in NS ("" = here): own socket,
#                                 # prefix, log; nfva_down NAME: SIGTERM, exit 0, clean
#   ipv6_on NS IF; ipv6_addr NS IF ADDR/LEN   # IPv6 back on; on IF only, no link-local
#   ctl NAME cmd...; ctlj NAME cmd... | json_get EXPR; ctl_ok NAME cmd...
#   config_save_check NAME CONF; config_same_check NAME   # config save, restart
#   port_counter NAME PORT KEY; port_field NAME PORT KEY; port_drops NAME PORT;
#   port_drop NAME PORT REASON; fdb_entries NAME; fdb_has NAME MAC; fdb_port NAME MAC
#   neigh_field NAME IP FIELD; neigh_stat NAME KEY; ostat NAME KEY (stats offload)
#   lisp_counter NAME KEY (`lisp show` counters)
#   mcount NAME SESSION KEY; mcounters NAME SESSION   # `mirror show` counters
#   rules NAME [PYFILTER]; nrules NAME [PYFILTER]; rule_field NAME PYFILTER FIELD
#   snap SNAP NAME; delta A B PORT KEY; odelta A B KEY   # counters between snapshots
#   ping_rx NS IP COUNT [ping opts]; check_ping WHAT NS IP COUNT   # ping(8), one at a time
#   ping_burst NS IP COUNT [INTERVAL [DEADLINE]]; check_ping_burst WHAT NS IP COUNT [INTERVAL]
#   ping_until NAME NS IP PYFILTER [TRIES]; ping_then_rule WHAT NAME NS IP PYFILTER
#   garp NS IF IP
#   cap_start CAP NS IF [SECONDS]; cap_stop CAP; pcap_count CAP FILTER;
#   pcap_fields CAP FILTER FIELD...; pcap_no_malformed CAP; wire_clean_zero CAP;
#   check_pcap (below)
#   testpmd_replay FILE WHAT      # a dump's lines through dpdk-testpmd
#   ovs_up DIR NS                 # a private Open vSwitch (userspace) in NS
#
# Everything started here is stopped on exit, failure or not: nfva instances,
# captures, background jobs (OVS daemons...), the namespaces (their veths go
# with them), DPDK runtime directories and the temporary directory. On a
# failure the state of every running nfva (test_diag) and the nfva logs are
# printed; NFVA_TEST_DEBUG=1 adds the captures.

# shellcheck source=tests/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

NT_NS=()
declare -A NFVA_PID=() NFVA_SOCK=() NFVA_LOG=() NFVA_PREFIX=() CAP_PID=()

# test_diag: on a failure, the state of every running nfva.
test_diag() {
	local name
	set +e
	for name in "${!NFVA_PID[@]}"; do
		[ -n "${NFVA_PID[$name]}" ] || continue
		echo "----- nfva $name: port counters -----"
		ctlj "$name" stats | "$PY" -c '
import json, sys
j = json.load(sys.stdin)
for p in j["ports"]:
    print(p["port"], {k: v for k, v in p.items() if k != "port" and v})
print("offload", j.get("offload"))'
		echo "----- nfva $name: offload show / mirror show / fdb show / neigh show -----"
		ctl "$name" offload show
		ctl "$name" mirror show
		ctl "$name" fdb show
		ctl "$name" neigh show
	done
	echo "----- load: $(cat /proc/loadavg) -----"
}

cap_cleanup() {
	local name
	for name in "${!CAP_PID[@]}"; do stop_pid "${CAP_PID[$name]}" INT; done
}

nfva_cleanup() {
	local name f
	for name in "${!NFVA_PID[@]}"; do
		[ -n "${NFVA_PID[$name]}" ] && stop_pid "${NFVA_PID[$name]}" TERM
	done
	if test_failed; then
		for name in "${!NFVA_LOG[@]}"; do
			[ -s "${NFVA_LOG[$name]}" ] || continue
			echo "----- nfva $name log (last 60 lines) -----" >&2
			tail -n 60 "${NFVA_LOG[$name]}" >&2
		done
		for f in "$TEST_TMP"/*.daemon.log "$TEST_TMP"/*/*.daemon.log; do
			[ -s "$f" ] || continue
			echo "----- $(basename "$f") -----" >&2
			tail -n 30 "$f" >&2
		done
		if [ "${NFVA_TEST_DEBUG:-0}" = 1 ]; then
			for f in "$TEST_TMP"/*.pcap; do
				[ -s "$f" ] || continue
				echo "----- $(basename "$f") -----" >&2
				tshark -n -r "$f" >&2 2>/dev/null
			done
		fi
	fi
}

netns_cleanup() {
	local ns name
	for ns in "${NT_NS[@]}"; do ip netns del "$ns" 2>/dev/null; done
	for name in "${!NFVA_PREFIX[@]}"; do rm -rf "/var/run/dpdk/${NFVA_PREFIX[$name]}"; done
}

# Checks what every netns test needs and installs the cleanup.
netns_require() {
	test_begin nfva-netns
	need ip iproute2
	need ping iputils-ping
	need ethtool ethtool
	on_exit netns_cleanup   # runs last: namespaces, DPDK runtime directories
	on_exit nfva_cleanup    # nfva instances stopped, their logs on a failure
	on_exit stop_bg_jobs    # OVS daemons, pingers...
	on_exit cap_cleanup     # runs first: captures
	ip netns add "probe-$TEST_ID" 2>"$TEST_TMP/netns.err" ||
		skip "ip netns unavailable: $(cat "$TEST_TMP/netns.err")"
	ip netns del "probe-$TEST_ID"
}

# ns_add NS...: a namespace with IPv6 off (no RS/MLD/DAD noise) and lo up.
ns_add() {
	local ns
	for ns in "$@"; do
		ip netns add "$ns" || fail "cannot create namespace $ns"
		NT_NS+=("$ns")
		ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1 >/dev/null 2>&1 || true
		ip -n "$ns" link set lo up
	done
}

# ipv6_on NS IF: IPv6 back on for IF in NS (ns_add turns it off); the
# caller adds its addresses with `nodad`.
ipv6_on() {
	ip netns exec "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
		"net.ipv6.conf.$2.disable_ipv6=0" >/dev/null || fail "cannot enable IPv6 on $1/$2"
}

# ipv6_addr NS IF ADDR/LEN: IPv6 on IF only (not on bridges or vxlan devices
# made later: ns_add's default stays off), no link-local address (no DAD, no
# router solicitations, no MLD for one), ADDR without DAD: a kernel VTEP
# whose only IPv6 traffic is its tunnels and their Neighbour Discovery.
ipv6_addr() {
	ip -n "$1" link set "$2" addrgenmode none
	ip netns exec "$1" sysctl -qw "net.ipv6.conf.$2.disable_ipv6=0" >/dev/null ||
		fail "cannot enable IPv6 on $1/$2"
	ip -n "$1" addr add "$3" dev "$2" nodad
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

# two_hosts PREFIX [VM1_IP [VM2_IP]]: the two-host topology of the overlay
# and LISP tests. Namespaces H1 H2 V1 V2 (named PREFIX-h1-$TEST_ID...), the
# underlay veth H1/u1 = H2/u2, the VMs' veths V1/eth0 - H1/vm1p and V2/eth0 -
# H2/vm2p, the VMs' addresses (default 10.1.1.20/24 and 10.1.1.30/24; VM2_IP
# "-": no V2, host 2 is a peer of the test's own).
#
#   ns V1 (vm1)                                    ns V2 (vm2)
#      eth0 --- vm1p [ns H1] u1 ==== underlay ==== u2 [ns H2] vm2p --- eth0
two_hosts() {
	H1=$1-h1-$TEST_ID H2=$1-h2-$TEST_ID V1=$1-v1-$TEST_ID V2=$1-v2-$TEST_ID
	ns_add "$H1" "$H2" "$V1"
	veth "$H1" u1 "$H2" u2
	veth "$V1" eth0 "$H1" vm1p
	ip -n "$V1" addr add "${2:-10.1.1.20}/24" dev eth0
	if [ "${3:-}" = - ]; then
		V2=""
		return 0
	fi
	ns_add "$V2"
	veth "$V2" eth0 "$H2" vm2p
	ip -n "$V2" addr add "${3:-10.1.1.30}/24" dev eth0
	VM1_MAC=$(mac_of "$V1" eth0) VM2_MAC=$(mac_of "$V2" eth0)
	U1_MAC=$(mac_of "$H1" u1) U2_MAC=$(mac_of "$H2" u2)
	log "vm1 $VM1_MAC, vm2 $VM2_MAC, u1 $U1_MAC, u2 $U2_MAC"
}

# uplink_conf IFACE IP/PREFIX [PORT=IFACE...]: the first lines of an nfva
# configuration: port uplink on af_packet vdev 0 on IFACE, each PORT on the
# next vdevs (owning an emulated e-switch and its VFs in mode offload), the
# underlay on the uplink.
uplink_conf() {
	local k=1 p
	echo "port add uplink dev $(afp 0 "$1")$(esw_uplink)"
	for p in "${@:3}"; do
		echo "port add ${p%%=*} dev $(afp $k "${p#*=}")$(esw_vf uplink)"
		k=$((k + 1))
	done
	echo "underlay set uplink uplink ip $2"
}

# mac_of NS IF: the interface's MAC, lower case.
mac_of() { ip -n "$1" -j link show "$2" | json_get "j[0]['address']"; }
# pin NS IP MAC [IF]: a permanent neighbour (no ARP for IP).
pin() { ip -n "$1" neigh replace "$2" lladdr "$3" nud permanent dev "${4:-eth0}"; }
# afp K IFACE [FRAMES]: af_packet devargs of vdev net_af_packetK on IFACE, a
# ring of FRAMES frames (default 512).
afp() { echo "net_af_packet$1,iface=$2,framesz=2048,blocksz=4096,framecnt=${3:-512}"; }

# shellcheck source=tests/lib/nfva.sh
. "$NT_LIB/nfva.sh"
# shellcheck source=tests/lib/wire.sh
. "$NT_LIB/wire.sh"

# test_mode [MODE]: the mode a scenario runs in, TEST_MODE: software (the
# default), offload (uplinks own an emulated e-switch, VM ports are its VFs)
# or ipv6 (software over an IPv6 underlay, where a test offers it), from the
# test's first argument or $NFVA_TEST_MODE.
test_mode() {
	TEST_MODE=${1:-${NFVA_TEST_MODE:-software}}
	case $TEST_MODE in
	software | offload | ipv6) log "mode: $TEST_MODE" ;;
	*) fail "unknown mode '$TEST_MODE' (software, offload or ipv6)" ;;
	esac
}
offload_mode() { [ "${TEST_MODE:-software}" = offload ]; }
# Mode ipv6: the software path over an IPv6 underlay (tests that offer it).
ipv6_mode() { [ "${TEST_MODE:-software}" = ipv6 ]; }
# esw_uplink / esw_vf UPLINK: what a `port add` line gets in offload mode.
esw_uplink() { offload_mode && echo " eswitch emulated" || true; }
esw_vf() { offload_mode && echo " vf-of $1" || true; }
