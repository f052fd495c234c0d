#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test_overlay_vxlan6_kernel: VXLAN over an IPv6 underlay between nfva and a
# Linux kernel vxlan device (id 6000, dstport 4789, local 2001:db8:1::252,
# remote 2001:db8:1::249): the IPv6 sibling of test_overlay_vxlan_kernel.
# Each section runs on a fresh nfva instance and a fresh kernel vx device.
#
#   ns V1 (vm1 10.1.1.20)  ns V3 (vm3 10.1.2.20)    ns V2 (vm2 10.1.1.30)  ns V4 (vm4 10.1.2.30)
#        eth0                   eth0                      eth0                   eth0
#         |                      |                          |                      |
#        vm1p: port vm1         vm3p: port vm3 (6.)       vm2p                   vm4p
#   nfva: network blue (vni 6000, IPv6 VTEP)           br0 (bridge)           br1 (bridge, 6.)
#         network green (vni 6001, IPv4 VTEP, 6.)         |                      |
#   net_af_packet0: port uplink                          vx (kernel vxlan    vx4 (kernel vxlan
#        u1 2001:db8:1::249 ===== veth (underlay) ===== u2  6000, IPv6)       6001, IPv4, 6.)
#           192.168.1.249 (6.)                              2001:db8:1::252 nodad, 192.168.1.252
#   ---- ns H1 (IPv6 off: nfva owns u1) ----          ---- ns H2 (IPv6 on u2 only, no link-local) ----
#
# tshark captures on u2 (TX checksum offload off on every veth: real
# checksums on the wire). The VMs have IPv6 off (no noise in the tunnel).
#
# 1. unicast (`vtep add ::252`, kernel `remote ::249`): vm1 <-> vm2 3/3 both
#    ways; H2 -> ::249 3/3 (ICMPv6 echo); the kernel's neighbour ::249 and its
#    vx fdb (vm1 -> ::249); nfva's fdb exactly {vm1 -> port vm1, vm2 -> vtep
#    ::252}, neighbour ::252 reachable with u2's MAC. Every VXLAN frame nfva
#    sent: to ::252 / u2's MAC, hop limit 64, next header 17, UDP 4789 from
#    49152-65535, UDP checksum non-zero and valid, I flag, VNI 6000, flow
#    label non-zero, one label and one source port per inner flow, 40 inner
#    UDP flows >= 36 distinct labels; exactly 6 inner echo frames each way;
#    nothing malformed; `stats vteps` row ::252 = the capture's frames and
#    bytes each way; no drops.
# 2. learning (no `vtep add`): vm2 -> vm1 first (the kernel sends vm2's ARP
#    request to ::249), then vm1 -> vm2, 3/3 each; nfva's fdb has vm2 behind
#    ::252 and its VXLAN all went there; no drops.
# 3. strict (list {::253}): vm2 -> vm1 0/3, every kernel VXLAN frame dropped
#    as vtep_not_allowed (uplink, network, `stats vteps` total), nothing
#    learned or sent to ::252; after `vtep add ::252`: 3/3.
# 4. udp6-zero-csum: (a) kernel udp6zerocsumtx udp6zerocsumrx: 3/3 both
#    ways, UDP checksum 0 both ways, no drops; (b) kernel udp6zerocsumrx:
#    3/3, nfva's checksums 0, the kernel's valid; (c) nfva without the flag,
#    kernel udp6zerocsumtx: its frames all dropped as udp_bad_checksum
#    (uplink, `stats vteps` total), 0/3 both ways, nfva's checksums valid.
# 5. MTU 1500: ping DF inner IP 1430 (outer IPv6 1500) 3/3, 1431 0/3 and
#    mtu_exceeded 3 (vm1, network, VTEP row); exactly 3 frames of IPv6
#    payload 1460 each way, none longer.
# 6. dual-stack: the uplink also has 192.168.1.249/24, network green (vni
#    6001, vtep .252) to vx4: concurrent bursts vm1 -> vm2, vm3 -> vm4 20/20,
#    3/3 back; vni 6000 frames IPv6 and vni 6001 frames IPv4 both ways, 24
#    inner echo frames each; fdb, both neighbours, `stats vteps` rows.
set -eu -o pipefail
# shellcheck source=tests/lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"

netns_require
need tshark tshark
need bridge iproute2

NF_IP6=2001:db8:1::249 K_IP6=2001:db8:1::252
NF_IP4=192.168.1.249 K_IP4=192.168.1.252
# nfva's VXLAN frames and the kernel's (an ICMPv6 error quoting a VXLAN
# frame would match `vxlan` too: left out).
NF6="ipv6.src == $NF_IP6 && udp.dstport == 4789 && vxlan && !icmpv6"
K6="ipv6.src == $K_IP6 && ipv6.dst == $NF_IP6 && udp.dstport == 4789 && vxlan && !icmpv6"
ECHO="(icmp.type == 8 || icmp.type == 0)"
DROP_UDP_CSUM=udp_bad_checksum

two_hosts ovx6
V3=ovx6-v3-$TEST_ID V4=ovx6-v4-$TEST_ID
ns_add "$V3" "$V4"
veth "$V3" eth0 "$H1" vm3p
veth "$V4" eth0 "$H2" vm4p
ip -n "$V3" addr add 10.1.2.20/24 dev eth0
ip -n "$V4" addr add 10.1.2.30/24 dev eth0
VM3_MAC=$(mac_of "$V3" eth0) VM4_MAC=$(mac_of "$V4" eth0)
# IPv6 on u2 only (not on the bridges, vx or the VMs' ports: no router
# solicitations or MLD inside the tunnel), no link-local address (no DAD,
# no router solicitations on the underlay).
ipv6_addr "$H2" u2 "$K_IP6/64"
ip -n "$H2" addr add "$K_IP4/24" dev u2
for b in br0:vm2p br1:vm4p; do
	ip -n "$H2" link add "${b%:*}" type bridge mcast_snooping 0
	ip -n "$H2" link set "${b%:*}" up
	ip -n "$H2" link set "${b#*:}" master "${b%:*}"
done
# The kernel's MLD reports for u2's solicited-node group (sent twice, 1 s
# apart, when the address came) are over before any nfva starts.
sleep 2.5

# kernel_vtep [VXLAN OPTION...]: the kernel's vx device (IPv6 underlay) anew
# in br0 with the options (udp6zerocsumtx...); neighbour caches emptied.
kernel_vtep() {
	ip -n "$H2" link del vx 2>/dev/null || true
	ip -n "$H2" link add vx type vxlan id 6000 dstport 4789 local "$K_IP6" remote "$NF_IP6" \
		dev u2 learning "$@"
	ip -n "$H2" link set vx master br0
	ip -n "$H2" link set vx up
	ip -n "$H2" -6 neigh flush dev u2
	ip -n "$H2" -4 neigh flush dev u2
	ip -n "$V1" neigh flush dev eth0
	ip -n "$V2" neigh flush dev eth0
	log "kernel: $(ip -n "$H2" -d link show vx | grep -o 'vxlan id .*udp6zerocsumrx')"
}

# nfva_blue NAME VTEP|- [NETWORK OPTION...]: capture NAME on u2, then nfva
# instance NAME: the uplink (IPv6), vm1 in network blue (vni 6000, vxlan,
# the options), VTEP in its list.
nfva_blue() {
	local name=$1 vtep=$2 conf="$TEST_TMP/$1.conf"
	shift 2
	{
		uplink_conf u1 "$NF_IP6/64" vm1=vm1p
		echo "network add blue vni 6000 encap vxlan $*"
		echo "network blue attach vm1"
		[ "$vtep" = - ] || echo "network blue vtep add $vtep"
	} >"$conf"
	cap_start "$name" "$H2" u2
	nfva_up "$name" "$H1" "$conf"
}

# vms_settle: wait (<= 15 s) until vm1 and vm2 resolve or probe no
# neighbour: unanswered ARP goes on after a ping gave up, and the frames a
# section counts must all be in its capture.
vms_settle() {
	wait_for 15 vms_quiet ||
		fail "the VMs' neighbours did not settle: $(ip -n "$V1" neigh show; ip -n "$V2" neigh show)"
}
vms_quiet() { ! { ip -n "$V1" neigh show; ip -n "$V2" neigh show; } | grep -qE 'INCOMPLETE|DELAY|PROBE'; }

# check_wire WHAT CAP FILTER MIN FIELD=PYEXPR...: check_pcap with tshark
# verifying UDP checksums (udp.checksum.status: 1 good, 0 bad, 4 illegal).
check_wire() {
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

# pcap_sum CAP FILTER FIELD: the sum of FIELD (first occurrence) over the frames.
pcap_sum() { pcap_fields "$1" "$2" "$3" | awk '{ s += $1 } END { print s + 0 }'; }

# vtep_row NAME VTEP: "rx_packets rx_bytes tx_packets tx_bytes dropped" of
# the `stats vteps` row of VTEP ("none" without one).
vtep_row() {
	ctlj "$1" stats vteps | json_get "([' '.join(str(r[k]) for k in ('rx_packets', 'rx_bytes',
		'tx_packets', 'tx_bytes')) + ' ' + json.dumps(r['dropped'], sort_keys=True)
		for r in j['vteps'] if r['vtep'] == '$2'] or ['none'])[0]"
}

# vtep_drops NAME REASON: REASON summed over the rows of `stats vteps`.
vtep_drops() { ctlj "$1" stats vteps | json_get "sum(r['dropped'].get('$2', 0) for r in j['vteps'])"; }

# fdb_rows NAME NETWORK: nfva's fdb of NETWORK, "mac port vtep type" sorted, comma-separated.
fdb_rows() {
	ctlj "$1" fdb show | json_get '",".join(sorted("%s %s %s %s" % (e["mac"].lower(), e["port"],
		e["vtep"], e["type"]) for e in j if e["network"] == "'"$2"'"))'
}
# rows ROW...: the same form for the expected rows.
rows() { printf '%s\n' "$@" | sort | paste -sd, -; }
# check_fdb_blue SEC NAME: nfva's blue fdb is exactly vm1 -> port vm1, vm2 -> VTEP ::252.
check_fdb_blue() {
	check_eq "$1: nfva fdb blue (mac port vtep type)" "$(fdb_rows "$2" blue)" \
		"$(rows "$VM1_MAC vm1 None dynamic" "$VM2_MAC uplink $K_IP6 dynamic")"
}
# check_neigh SEC NAME IP: nfva's neighbour IP reachable with u2's MAC.
check_neigh() {
	check_eq "$1: neigh $3 state" "$(neigh_field "$2" "$3" state)" reachable
	check_eq "$1: neigh $3 lladdr" "$(neigh_field "$2" "$3" lladdr | tr A-F a-f)" "$U2_MAC"
}
# check_echo SEC CAP NFVA_FILTER KERNEL_FILTER N: exactly N inner ICMP echo
# frames each way.
check_echo() {
	check_eq "$1: inner ICMP echo frames nfva -> kernel" "$(pcap_count "$2" "$3 && $ECHO")" "$5"
	check_eq "$1: inner ICMP echo frames kernel -> nfva" "$(pcap_count "$2" "$4 && $ECHO")" "$5"
}

# udp_flows NS SRC DST N: N one-datagram UDP flows SRC:40000+k -> DST:9.
udp_flows() {
	ip netns exec "$1" "$PY" -c 'import socket, sys
for k in range(int(sys.argv[3])):
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((sys.argv[1], 40000 + k)); s.sendto(b"nfva-flow-label", (sys.argv[2], 9))' "$2" "$3" "$4"
}

# check_flow_labels WHAT CAP FILTER UDP_FLOWS MIN_DISTINCT: in the VXLAN
# frames matching FILTER, every inner flow (inner MACs, EtherType, IPv4
# addresses, protocol, UDP ports) has exactly one outer flow label and one
# outer UDP source port; the UDP_FLOWS inner UDP flows to port 9 have
# >= MIN_DISTINCT distinct labels.
check_flow_labels() {
	local what=$1 nudp=$4 min=$5 out
	out=$(tshark -n -r "$TEST_TMP/$2.pcap" -Y "$3" -T fields -E separator='|' -E occurrence=a \
		-E aggregator=, -e ipv6.flow -e udp.srcport -e udp.dstport -e eth.src -e eth.dst \
		-e eth.type -e ip.src -e ip.dst -e ip.proto 2>/dev/null | "$PY" -c '
import collections, sys
labels, sports = collections.defaultdict(set), collections.defaultdict(set)
for line in sys.stdin:
    f = [x.split(",") for x in line.rstrip("\n").split("|")]
    key = (f[3][1:], f[4][1:], f[5][1:], f[6], f[7], f[8], f[1][1:], f[2][1:])
    labels[tuple(map(tuple, key))].add(int(f[0][0], 0))
    sports[tuple(map(tuple, key))].add(f[1][0])
bad = ["%s: labels %s ports %s" % (k, sorted(map(hex, labels[k])), sorted(sports[k]))
       for k in labels if len(labels[k]) != 1 or len(sports[k]) != 1]
udp = [k for k in labels if k[7] == ("9",)]
distinct = len({min(labels[k]) for k in udp})
print("%d %d %d %s" % (len(labels), len(udp), distinct, "; ".join(bad[:3]) or "-"))')
	log "$what: inner flows, UDP flows, distinct UDP flow labels, bad: $out"
	# shellcheck disable=SC2086 # the judge's four words
	set -- $out
	[ "$4" = - ] || fail "$what: inner flows with more than one label or source port: ${*:4}"
	echo "ok: $what: $1 inner flows, one flow label and one UDP source port each"
	check_eq "$what: inner UDP flows seen" "$2" "$nudp"
	check_ge "$what: distinct flow labels of $nudp inner UDP flows" "$3" "$min"
}

# --- 1. unicast -------------------------------------------------------------------------
s1_unicast() {
	log "===== 1. unicast: nfva vtep add $K_IP6, kernel remote $NF_IP6 ====="
	kernel_vtep
	check_eq "1: kernel vx MTU (1500 - 70)" "$(ip -n "$H2" -j link show vx | json_get "j[0]['mtu']")" 1430
	nfva_blue s1 "$K_IP6"
	check_eq "1: fdb entries before traffic" "$(fdb_entries s1)" 0
	check_eq "1: network blue overlay (encap vni udp_port vteps)" \
		"$(ctlj s1 network show blue | json_get "' '.join(str(x) for x in (j[0]['overlay']['encap'],
			j[0]['overlay']['vni'], j[0]['overlay']['udp_port'], j[0]['overlay']['vteps']))")" \
		"vxlan 6000 4789 ['$K_IP6']"
	check_ping "1: vm1 -> vm2 (10.1.1.30)" "$V1" 10.1.1.30 3
	ip -n "$V2" neigh flush dev eth0 # vm2 asks for vm1: the kernel's BUM to ::249
	check_ping "1: vm2 -> vm1 (10.1.1.20)" "$V2" 10.1.1.20 3
	check_ping "1: kernel host -> nfva VTEP $NF_IP6" "$H2" "$NF_IP6" 3
	check_eq "1: kernel's neighbour entry for $NF_IP6" \
		"$(ip -n "$H2" -6 -j neigh show "$NF_IP6" dev u2 | json_get "j[0]['lladdr']")" "$U1_MAC"
	udp_flows "$V1" 10.1.1.20 10.1.1.30 40
	vms_settle
	s1_tables
	cap_stop s1
	s1_wire
	nfva_down s1
}

# s1_tables: the kernel's and nfva's FDB, neighbours, drops (section 1).
s1_tables() {
	echo "kernel: bridge fdb show dev vx"; bridge -n "$H2" fdb show dev vx
	check_eq "1: kernel vx fdb: vm1's MAC -> dst" \
		"$(bridge -n "$H2" -j fdb show dev vx | json_get \
			"','.join(e['dst'] for e in j if e['mac'] == '$VM1_MAC' and 'dst' in e)")" "$NF_IP6"
	check_fdb_blue 1 s1
	check_eq "1: uplink learned" "$(port_counter s1 uplink learned)" 1
	check_eq "1: vm1 learned" "$(port_counter s1 vm1 learned)" 1
	check_neigh 1 s1 "$K_IP6"
	check_eq "1: vm1 drops" "$(port_drops s1 vm1)" "{}"
	check_eq "1: uplink drops" "$(port_drops s1 uplink)" "{}"
}

# s1_wire: nfva's VXLAN frames on the wire, the counters of the VTEP (section 1).
s1_wire() {
	local ntx nrx
	check_wire "1: nfva's VXLAN" s1 "$NF6" 46 'vxlan.flag_i=v in ("1", "True")' \
		'vxlan.vni=v == "6000"' 'udp.dstport=v == "4789"' 'udp.srcport=49152 <= int(v) <= 65535' \
		"ipv6.dst=v == '$K_IP6'" "eth.dst=v == '$U2_MAC'" "eth.src=v == '$U1_MAC'" \
		'ipv6.hlim=v == "64"' 'ipv6.nxt=v == "17"' 'ipv6.flow=0 < i(v) <= 0xfffff' \
		'udp.checksum=i(v) != 0' 'udp.checksum.status=v == "1"'
	check_wire "1: the kernel's VXLAN (checksums valid)" s1 "$K6" 6 'udp.checksum.status=v == "1"' \
		'vxlan.vni=v == "6000"'
	check_eq "1: nfva VXLAN to other destinations" "$(pcap_count s1 "$NF6 && !(ipv6.dst == $K_IP6)")" 0
	check_echo 1 s1 "$NF6" "$K6" 6
	check_pcap_all "1: vm2's ARP request from the kernel: outer destination" s1 \
		"$K6 && arp.opcode == 1 && arp.src.proto_ipv4 == 10.1.1.30" ipv6.dst "v == '$NF_IP6'" 1
	check_eq "1: ICMPv6 echo replies from $NF_IP6" \
		"$(pcap_count s1 "ipv6.src == $NF_IP6 && icmpv6.type == 129")" 3
	check_flow_labels "1: nfva's flow labels" s1 "$NF6" 40 36
	pcap_no_malformed s1
	ntx=$(pcap_count s1 "$NF6") nrx=$(pcap_count s1 "$K6")
	check_eq "1: stats vteps $K_IP6 (rx_packets rx_bytes tx_packets tx_bytes dropped)" \
		"$(vtep_row s1 "$K_IP6")" \
		"$nrx $(pcap_sum s1 "$K6" frame.len) $ntx $(pcap_sum s1 "$NF6" frame.len) {}"
	check_eq "1: stats vteps addresses" "$(ctlj s1 stats vteps | json_get \
		"' '.join(r['vtep'] for r in j['vteps'])")" "$K_IP6"
}

# --- 2. learning -----------------------------------------------------------------------
s2_learning() {
	local st
	log "===== 2. learning: no vtep add, nfva learns VTEP $K_IP6 from the kernel ====="
	kernel_vtep
	nfva_blue s2 -
	check_eq "2: network blue VTEPs" "$(ctlj s2 network show blue | json_get "j[0]['overlay']['vteps']")" "[]"
	# vm2 first: its ARP request reaches nfva (the kernel's `remote`), nfva
	# learns vm2 behind ::252 and sends vm1's answer there.
	check_ping "2: vm2 -> vm1 (10.1.1.20)" "$V2" 10.1.1.20 3
	check_ping "2: vm1 -> vm2 (10.1.1.30)" "$V1" 10.1.1.30 3
	check_fdb_blue 2 s2
	# nfva never asked: it learned ::252 from the kernel's NS for ::249, as
	# stale (RFC 4861 7.2.3; docs/cli.md: re-probed after the reachable time).
	check_ge "2: neighbours learned from an NS" \
		"$(ctlj s2 neigh show stats | json_get "j['nd']['learned_stale']")" 1
	st=$(neigh_field s2 "$K_IP6" state)
	case $st in
	stale | reachable) echo "ok: 2: neigh $K_IP6 state = $st (usable)" ;;
	*) fail "2: neigh $K_IP6 state: got '$st', expected stale or reachable" ;;
	esac
	check_eq "2: neigh $K_IP6 lladdr" "$(neigh_field s2 "$K_IP6" lladdr | tr A-F a-f)" "$U2_MAC"
	cap_stop s2
	check_wire "2: nfva's VXLAN to the learned VTEP" s2 "$NF6" 6 "ipv6.dst=v == '$K_IP6'" \
		"eth.dst=v == '$U2_MAC'" 'vxlan.vni=v == "6000"' 'ipv6.flow=0 < i(v) <= 0xfffff' \
		'udp.checksum=i(v) != 0' 'udp.checksum.status=v == "1"'
	check_eq "2: nfva VXLAN to other destinations" "$(pcap_count s2 "$NF6 && !(ipv6.dst == $K_IP6)")" 0
	check_echo 2 s2 "$NF6" "$K6" 6
	pcap_no_malformed s2
	check_eq "2: uplink drops" "$(port_drops s2 uplink)" "{}"
	check_eq "2: vm1 drops" "$(port_drops s2 vm1)" "{}"
	nfva_down s2
}

# --- 3. strict -------------------------------------------------------------------------
s3_strict() {
	local n
	log "===== 3. strict: the kernel's VTEP $K_IP6 is not in the list ====="
	kernel_vtep
	nfva_blue s3 2001:db8:1::253 strict
	check_eq "3: network blue strict" "$(ctlj s3 network show blue | json_get "j[0]['overlay']['strict']")" true
	check_eq "3: vm2 -> vm1 (10.1.1.20), not allowed: replies" \
		"$(PING_WAIT=1 ping_rx "$V2" 10.1.1.20 3)" 0
	vms_settle
	cap_stop s3
	n=$(pcap_count s3 "$K6")
	check_ge "3: kernel VXLAN frames sent to nfva" "$n" 1
	check_eq_wait "3: uplink drops" "{\"vtep_not_allowed\": $n}" port_drops s3 uplink
	check_eq "3: network blue drops" \
		"$(ctlj s3 network show stats blue | json_get "j['blue']['dropped']")" "{\"vtep_not_allowed\": $n}"
	# The row may be the address's or `other` (a strict network gives no id
	# to an IPv6 source off its list), but the totals stay exact.
	check_eq "3: stats vteps: vtep_not_allowed summed over the rows" "$(vtep_drops s3 vtep_not_allowed)" "$n"
	check_eq "3: vm2's MAC learned" "$(fdb_has s3 "$VM2_MAC")" 0
	check_eq "3: vm1 tx_packets" "$(port_counter s3 vm1 tx_packets)" 0
	check_eq "3: nfva VXLAN to $K_IP6" "$(pcap_count s3 "$NF6 && ipv6.dst == $K_IP6")" 0
	pcap_no_malformed s3
	ctl_ok s3 network blue vtep add "$K_IP6"
	check_ping "3: vm2 -> vm1 once $K_IP6 is in the list" "$V2" 10.1.1.20 3
	check_eq "3: vm2's MAC behind" "$(ctlj s3 fdb show | json_get \
		"[e['vtep'] for e in j if e['mac'].lower() == '$VM2_MAC'][0]")" "$K_IP6"
	check_eq "3: uplink drops afterwards" "$(port_drops s3 uplink)" "{\"vtep_not_allowed\": $n}"
	nfva_down s3
}

# --- 4. udp6-zero-csum -------------------------------------------------------------------
# s4_zero CASE KERNEL_OPTIONS FIELD=PYEXPR...: nfva with udp6-zero-csum, the
# kernel with KERNEL_OPTIONS; pings both ways; nfva's UDP checksums all 0,
# the kernel's VXLAN frames all pass the FIELD=PYEXPR checks (check_wire).
s4_zero() {
	local c=$1 kopts=$2
	shift 2
	log "===== 4$c. nfva udp6-zero-csum, kernel $kopts ====="
	# shellcheck disable=SC2086 # the kernel's options, one word each
	kernel_vtep $kopts
	nfva_blue "s4$c" "$K_IP6" udp6-zero-csum
	check_eq "4$c: running config keeps udp6-zero-csum" \
		"$(ctl "s4$c" config show | grep -c '^network add blue .*udp6-zero-csum' || true)" 1
	check_ping "4$c: vm1 -> vm2 (10.1.1.30)" "$V1" 10.1.1.30 3
	ip -n "$V2" neigh flush dev eth0
	check_ping "4$c: vm2 -> vm1 (10.1.1.20)" "$V2" 10.1.1.20 3
	check_fdb_blue "4$c" "s4$c"
	cap_stop "s4$c"
	check_wire "4$c: nfva's VXLAN, UDP checksum 0" "s4$c" "$NF6" 6 'udp.checksum=v == "0x0000"' \
		"ipv6.dst=v == '$K_IP6'" 'vxlan.vni=v == "6000"' 'ipv6.flow=0 < i(v) <= 0xfffff'
	check_wire "4$c: the kernel's VXLAN" "s4$c" "$K6" 6 "$@"
	check_echo "4$c" "s4$c" "$NF6" "$K6" 6
	wire_clean_zero "s4$c"
	check_eq "4$c: uplink drops" "$(port_drops "s4$c" uplink)" "{}"
	nfva_down "s4$c"
}

# s4_zero_refused: nfva without the flag, the kernel sends checksum 0.
s4_zero_refused() {
	local n
	log "===== 4c. nfva without udp6-zero-csum, kernel udp6zerocsumtx ====="
	kernel_vtep udp6zerocsumtx
	nfva_blue s4c "$K_IP6"
	# vm1's ARP requests reach vm2 (nfva's checksums are valid), the answers
	# (checksum 0) do not reach vm1; nor do vm2's echo requests.
	check_eq "4c: vm1 -> vm2 (10.1.1.30), zero UDP checksums back: replies" \
		"$(PING_WAIT=1 ping_rx "$V1" 10.1.1.30 3)" 0
	check_eq "4c: vm2 -> vm1 (10.1.1.20), zero UDP checksums: replies" \
		"$(PING_WAIT=1 ping_rx "$V2" 10.1.1.20 3)" 0
	vms_settle
	cap_stop s4c
	n=$(pcap_count s4c "$K6 && udp.checksum == 0")
	check_ge "4c: kernel VXLAN frames with UDP checksum 0" "$n" 1
	check_eq "4c: kernel VXLAN frames with another checksum" \
		"$(pcap_count s4c "$K6 && !(udp.checksum == 0)")" 0
	check_eq_wait "4c: uplink drops" "{\"$DROP_UDP_CSUM\": $n}" port_drops s4c uplink
	check_eq "4c: stats vteps: $DROP_UDP_CSUM summed over the rows" "$(vtep_drops s4c "$DROP_UDP_CSUM")" "$n"
	check_eq "4c: vm2's MAC learned" "$(fdb_has s4c "$VM2_MAC")" 0
	check_eq "4c: vm1 tx_packets" "$(port_counter s4c vm1 tx_packets)" 0
	check_wire "4c: nfva's VXLAN (vm1's ARP requests), checksums valid" s4c "$NF6" 1 \
		'udp.checksum=i(v) != 0' 'udp.checksum.status=v == "1"' "ipv6.dst=v == '$K_IP6'"
	check_ge "4c: vm2's ARP replies from the kernel (it took nfva's frames)" \
		"$(pcap_count s4c "$K6 && arp.opcode == 2 && arp.src.proto_ipv4 == 10.1.1.30")" 1
	wire_clean_zero s4c
	nfva_down s4c
}

# --- 5. MTU ------------------------------------------------------------------------------
# Outer IPv6 40 + UDP 8 + VXLAN 8 + inner Ethernet 14 = 70: an inner IP
# packet of 1430 bytes (ping -s 1402) makes a 1500-byte IPv6 packet (payload
# 1460); 1431 does not fit.
s5_mtu() {
	log "===== 5. MTU: inner IP 1430 passes, 1431 is dropped ====="
	kernel_vtep
	nfva_blue s5 "$K_IP6"
	check_eq "5: underlay MTU" "$(ctlj s5 underlay show | json_get "j['mtu']")" 1500
	check_eq "5: network blue inner_mtu6 (what passes below)" \
		"$(ctlj s5 network show blue | json_get "j[0]['overlay']['inner_mtu6']")" 1430
	check_eq "5: vm1 -> vm2, IP 1430, DF: replies" "$(ping_rx "$V1" 10.1.1.30 3 -s 1402 -M "do")" 3
	check_eq "5: vm1 mtu_exceeded after IP 1430" "$(port_drop s5 vm1 mtu_exceeded)" 0
	check_eq "5: vm1 -> vm2, IP 1431, DF: replies" \
		"$(PING_WAIT=1 ping_rx "$V1" 10.1.1.30 3 -s 1403 -M "do")" 0
	check_eq_wait "5: vm1 drops" '{"mtu_exceeded": 3}' port_drops s5 vm1
	check_eq "5: network blue drops" \
		"$(ctlj s5 network show stats blue | json_get "j['blue']['dropped']")" '{"mtu_exceeded": 3}'
	check_eq "5: stats vteps $K_IP6 drops" "$(vtep_row s5 "$K_IP6" | cut -d' ' -f5-)" \
		'{"mtu_exceeded": 3}'
	cap_stop s5
	check_eq "5: nfva VXLAN frames with IPv6 payload 1460" "$(pcap_count s5 "$NF6 && ipv6.plen == 1460")" 3
	check_pcap_all "5: nfva VXLAN frames with IPv6 payload 1460: inner echo requests, 1514 bytes" s5 \
		"$NF6 && ipv6.plen == 1460" frame.len 'v == "1514"' 3
	check_eq "5: those are vm1's echo requests" \
		"$(pcap_count s5 "$NF6 && ipv6.plen == 1460 && icmp.type == 8")" 3
	check_eq "5: frames from nfva longer than 1514 bytes" \
		"$(pcap_count s5 "eth.src == $U1_MAC && frame.len > 1514")" 0
	check_eq "5: kernel VXLAN replies with IPv6 payload 1460" \
		"$(pcap_count s5 "$K6 && ipv6.plen == 1460 && icmp.type == 0")" 3
	pcap_no_malformed s5
	check_eq "5: uplink drops" "$(port_drops s5 uplink)" "{}"
	nfva_down s5
}

# --- 6. dual-stack -----------------------------------------------------------------------
s6_dual_stack() {
	local conf
	log "===== 6. dual-stack: blue (vni 6000) over IPv6, green (vni 6001) over IPv4 ====="
	kernel_vtep
	ip -n "$H2" link del vx4 2>/dev/null || true
	ip -n "$H2" link add vx4 type vxlan id 6001 dstport 4789 local "$K_IP4" remote "$NF_IP4" \
		dev u2 learning
	ip -n "$H2" link set vx4 master br1
	ip -n "$H2" link set vx4 up
	ip -n "$V3" neigh flush dev eth0
	ip -n "$V4" neigh flush dev eth0
	conf="$TEST_TMP/s6.conf"
	cat >"$conf" <<-CONF
		$(uplink_conf u1 "$NF_IP6/64" vm1=vm1p vm3=vm3p)
		underlay set uplink uplink ip $NF_IP4/24
		network add blue vni 6000 encap vxlan
		network blue attach vm1
		network blue vtep add $K_IP6
		network add green vni 6001 encap vxlan
		network green attach vm3
		network green vtep add $K_IP4
	CONF
	cap_start s6 "$H2" u2
	nfva_up s6 "$H1" "$conf"
	check_eq "6: underlay addresses" "$(ctlj s6 underlay show | json_get \
		'"%s/%s %s/%s" % (j["ip"], j["prefix_len"], j["ip6"], j["prefix6_len"])')" \
		"$NF_IP4/24 $NF_IP6/64"
	s6_traffic
	s6_tables
	cap_stop s6
	s6_wire
	nfva_down s6
}

# s6_traffic: one ping each way to resolve, then both networks at once.
s6_traffic() {
	local p1 p3
	check_ping "6: vm1 -> vm2 (blue)" "$V1" 10.1.1.30 1
	check_ping "6: vm3 -> vm4 (green)" "$V3" 10.1.2.30 1
	ip netns exec "$V1" "$PY" "$NT_LIB/tools/pinger.py" 10.1.1.30 20 0.05 5 >"$TEST_TMP/p1.out" &
	p1=$! && bg_track "$p1"
	ip netns exec "$V3" "$PY" "$NT_LIB/tools/pinger.py" 10.1.2.30 20 0.05 5 >"$TEST_TMP/p3.out" &
	p3=$! && bg_track "$p3"
	wait "$p1" "$p3" || fail "6: a pinger failed: $(cat "$TEST_TMP/p1.out" "$TEST_TMP/p3.out")"
	check_eq "6: vm1 -> vm2 burst, beside green: replies" "$(cut -d' ' -f2 "$TEST_TMP/p1.out")" 20
	check_eq "6: vm3 -> vm4 burst, beside blue: replies" "$(cut -d' ' -f2 "$TEST_TMP/p3.out")" 20
	ip -n "$V2" neigh flush dev eth0
	ip -n "$V4" neigh flush dev eth0
	check_ping "6: vm2 -> vm1 (blue)" "$V2" 10.1.1.20 3
	check_ping "6: vm4 -> vm3 (green)" "$V4" 10.1.2.20 3
}

# s6_tables: both networks' FDB, both neighbours, the VTEP rows.
s6_tables() {
	check_fdb_blue 6 s6
	check_eq "6: nfva fdb green" "$(fdb_rows s6 green)" \
		"$(rows "$VM3_MAC vm3 None dynamic" "$VM4_MAC uplink $K_IP4 dynamic")"
	check_neigh 6 s6 "$K_IP6"
	check_neigh 6 s6 "$K_IP4"
	check_eq "6: stats vteps addresses" "$(ctlj s6 stats vteps | json_get \
		"' '.join(sorted(r['vtep'] for r in j['vteps']))")" "$K_IP4 $K_IP6"
	for p in uplink vm1 vm3; do check_eq "6: $p drops" "$(port_drops s6 "$p")" "{}"; done
}

# s6_wire: vni 6000 over IPv6, vni 6001 over IPv4, both ways.
s6_wire() {
	local nf4="eth.src == $U1_MAC && vxlan.vni == 6001" k4="eth.src == $U2_MAC && vxlan.vni == 6001"
	check_wire "6: nfva's vni 6000 frames: IPv6" s6 "eth.src == $U1_MAC && vxlan.vni == 6000" 23 \
		'eth.type=v == "0x86dd"' "ipv6.dst=v == '$K_IP6'" 'udp.checksum.status=v == "1"' \
		'ipv6.flow=0 < i(v) <= 0xfffff'
	check_wire "6: nfva's vni 6001 frames: IPv4" s6 "$nf4" 23 'eth.type=v == "0x0800"' \
		"ip.src=v == '$NF_IP4'" "ip.dst=v == '$K_IP4'" 'ip.ttl=v == "64"' 'udp.dstport=v == "4789"'
	check_wire "6: the kernel's vni 6000 frames: IPv6" s6 "eth.src == $U2_MAC && vxlan.vni == 6000" 23 \
		'eth.type=v == "0x86dd"' "ipv6.dst=v == '$NF_IP6'"
	check_wire "6: the kernel's vni 6001 frames: IPv4" s6 "$k4" 23 'eth.type=v == "0x0800"' \
		"ip.dst=v == '$NF_IP4'"
	check_eq "6: vni 6001 frames over IPv6" "$(pcap_count s6 "vxlan.vni == 6001 && ipv6")" 0
	check_eq "6: vni 6000 frames over IPv4" "$(pcap_count s6 "vxlan.vni == 6000 && !ipv6")" 0
	check_echo "6 blue" s6 "$NF6" "$K6" 24
	check_echo "6 green" s6 "$nf4" "$k4" 24
	pcap_no_malformed s6
}

s1_unicast
s2_learning
s3_strict
s4_zero a "udp6zerocsumtx udp6zerocsumrx" 'udp.checksum=v == "0x0000"'
s4_zero b udp6zerocsumrx 'udp.checksum=i(v) != 0' 'udp.checksum.status=v == "1"'
s4_zero_refused
s5_mtu
s6_dual_stack
echo "PASS: test_overlay_vxlan6_kernel"
