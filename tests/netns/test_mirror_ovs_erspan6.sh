#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test_mirror_ovs_erspan6: ERSPAN over an IPv6 underlay (GRE over IPv6, next
# header 47) with Open vSwitch's userspace datapath (datapath_type=netdev,
# ip6erspan ports, native tunnelling), both ways. The IPv6 sibling of
# test_mirror_ovs_erspan. OVS runs privately in its own namespace: its own
# ovsdb-server, ovs-vswitchd, database and sockets under the test's
# temporary directory (no system service is used).
#
#  ns V1 10.0.0.1  ns V2 10.0.0.2  ns VA  ns VA3       ns VC    ns VC3   ns VS 10.9.9.1
#     eth0            eth0          eth0   eth0         eth0     eth0     eth0 (pings
#      |               |             |      |            |        |        |  10.9.9.2)
#     vm1p            vm2p          anap   ana3p        cap0     cap3     src0
#  [ nfva in H1: lan = vm1, vm2              ] [ OVS in H2 (netdev bridges):
#  [  e2: vm1 both -> erspan ::2 session 7 v2 ]   br-col: erspan0 (ip6erspan ver 1, key 7)
#  [  e3: vm1 both -> erspan ::2 session 8 v3 ]     -> cap0, erspan3 (ip6erspan ver 2,
#  [      hw-id 5                             ]     key 8) -> cap3 (flows)
#  [  collect session 9 -> ana, 10 -> ana3    ]   br-src: src0; mirror m9 select_all ->
#  [  (ana, ana3: analyser ports)             ]     erspan1 (ver 1, key 9, idx 3); mirror
#      u1 2001:db8:3::1/64 ==== veth ==== u2       m10 -> erspan2 (ver 2, key 10, hwid 5)
#                              (port of br-phy, LOCAL tap 2001:db8:3::2/64 nodad,
#                               hwaddr 02:00:00:00:03:02, the only IPv6 interface of H2)
#
# OVS learns nfva's MAC with `tnl/neigh/set` and routes with `ovs/route/add`
# (deterministic, no ND of its own); nfva resolves 2001:db8:3::2 by Neighbour
# Discovery (the br-phy tap's kernel answers) before anything is counted.
#
# 1. nfva -> OVS: vm1 pings vm2 5 times (permanent neighbours: only the
#    pings). e2 sends 10 ERSPAN II copies, e3 10 ERSPAN III copies to
#    2001:db8:3::2. On the wire (u2): IPv6 next header 47, hop limit 64, to
#    br-phy's MAC; e2's: erspan.version 1, spanid 7, index = nfva's port index
#    of vm1, GRE 0x88be; e3's: version 2, spanid 8, hw 5, GRE 0x22eb; GRE
#    sequence strictly increasing per session. OVS decapsulates them (erspan0,
#    erspan3) and its flows put them on cap0 / cap3: VC and VC3 each receive
#    exactly the frames vm1's eth0 saw, byte for byte. `mirror show`: e2 and
#    e3 mirrored 10, dropped 0.
# 2. OVS -> nfva: `mirror collect erspan session 9 to port ana from
#    2001:db8:3::2` and `session 10 to port ana3`. VS sends 5 echo requests
#    into br-src (to a pinned MAC that does not exist: only mirrored). OVS
#    emits 5 ERSPAN II (version 1, span 9, index 3) and 5 ERSPAN III (version
#    2, span 10, hw 5) over IPv6 to 2001:db8:3::1 (next header 47, hop limit
#    64, nfva's MAC). nfva receives every frame of the capture (rx_packets),
#    delivers VS's 5 frames byte for byte to ana and to ana3, and its uplink
#    drops nothing.
# 3. `from` another address (2001:db8:3::99) on both sessions: the same 5+5
#    ERSPAN frames reach nfva and are all dropped as erspan_sender (exactly
#    the count on the wire); ana and ana3 receive nothing; nothing else drops.
# Nothing malformed (tshark, checksums checked) on any capture.
#
# Open vSwitch is installed with apt-get if missing; the test SKIPs (77) with
# the reason if it cannot be installed or cannot run here.
set -eu -o pipefail
# shellcheck source=tests/lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"

netns_require
need tshark tshark
H1=m6o-h1-$TEST_ID H2=m6o-h2-$TEST_ID V1=m6o-v1-$TEST_ID V2=m6o-v2-$TEST_ID
VA=m6o-va-$TEST_ID VA3=m6o-va3-$TEST_ID VC=m6o-vc-$TEST_ID VC3=m6o-vc3-$TEST_ID
VS=m6o-vs-$TEST_ID
ns_add "$H1" "$H2" "$V1" "$V2" "$VA" "$VA3" "$VC" "$VC3" "$VS"
veth "$H1" u1 "$H2" u2
veth "$V1" eth0 "$H1" vm1p
veth "$V2" eth0 "$H1" vm2p
veth "$VA" eth0 "$H1" anap
veth "$VA3" eth0 "$H1" ana3p
veth "$VC" eth0 "$H2" cap0
veth "$VC3" eth0 "$H2" cap3
veth "$VS" eth0 "$H2" src0
ip -n "$V1" addr add 10.0.0.1/24 dev eth0
ip -n "$V2" addr add 10.0.0.2/24 dev eth0
ip -n "$VS" addr add 10.9.9.1/24 dev eth0
M1=$(mac_of "$V1" eth0) M2=$(mac_of "$V2" eth0)
pin "$V1" 10.0.0.2 "$M2"; pin "$V2" 10.0.0.1 "$M1"
pin "$VS" 10.9.9.2 02:00:00:09:09:02
U1_MAC=$(mac_of "$H1" u1)
BRPHY_MAC=02:00:00:00:03:02
NFVA6=2001:db8:3::1 OVS6=2001:db8:3::2 OTHER6=2001:db8:3::99

# ipv6_only_brphy: IPv6 off on every interface of OVS's namespace but br-phy
# (and for the ones to come): the kernel must not answer or bounce what
# crosses u2, and the other bridges' taps must not send RS/MLD that br-src
# would mirror.
ipv6_only_brphy() {
	local i
	ip netns exec "$OVS_NS" sysctl -qw net.ipv6.conf.default.disable_ipv6=1 >/dev/null
	for i in $(ip -n "$OVS_NS" -j link show | json_get "' '.join(l['ifname'] for l in j)"); do
		[ "$i" = br-phy ] || [ "$i" = lo ] ||
			ip netns exec "$OVS_NS" sysctl -qw "net.ipv6.conf.$i.disable_ipv6=1" >/dev/null
	done
}
# ovs_phy_bridge6 IF IP/PREFIX MAC: br-phy (netdev, hwaddr MAC) on the
# underlay port IF, the tunnel endpoint's IPv6 address on its tap, nodad, no
# router solicitation.
ovs_phy_bridge6() {
	"${VSCTL[@]}" add-br br-phy -- set bridge br-phy datapath_type=netdev \
		other_config:hwaddr="$3" -- add-port br-phy "$1" ||
		skip "OVS cannot create a netdev bridge here: $(tail -n 5 "$OVS_DIR/vswitchd.daemon.log")"
	wait_for 10 ip -n "$OVS_NS" link show br-phy >/dev/null 2>&1 ||
		skip "OVS netdev bridge br-phy has no tap device: $(tail -n 5 "$OVS_DIR/vswitchd.daemon.log")"
	ip netns exec "$OVS_NS" sysctl -qw net.ipv6.conf.br-phy.router_solicitations=0 \
		net.ipv6.conf.br-phy.accept_dad=0 net.ipv6.conf.all.disable_ipv6=0 \
		net.ipv6.conf.br-phy.disable_ipv6=0 >/dev/null || fail "cannot enable IPv6 on br-phy"
	# all.disable_ipv6=0 turned it on everywhere: off again but on br-phy.
	ipv6_only_brphy
	ip -n "$OVS_NS" addr add "$2" dev br-phy nodad
	ip -n "$OVS_NS" link set br-phy up
}

# --- Open vSwitch, private instance in H2 -----------------------------------
ovs_up "$H2"
ovs_phy_bridge6 u2 $OVS6/64 "$BRPHY_MAC"
"${VSCTL[@]}" add-br br-col -- set bridge br-col datapath_type=netdev fail-mode=secure \
	-- add-port br-col cap0 -- add-port br-col cap3 \
	-- add-port br-col erspan0 -- set interface erspan0 type=ip6erspan \
		options:remote_ip=$NFVA6 options:key=7 options:erspan_ver=1 \
	-- add-port br-col erspan3 -- set interface erspan3 type=ip6erspan \
		options:remote_ip=$NFVA6 options:key=8 options:erspan_ver=2 ||
	skip "OVS refuses an ip6erspan port: $(tail -n 5 "$OVS_DIR/vswitchd.daemon.log")"
"${VSCTL[@]}" add-br br-src -- set bridge br-src datapath_type=netdev \
	-- add-port br-src src0 \
	-- add-port br-src erspan1 -- set interface erspan1 type=ip6erspan \
		options:remote_ip=$NFVA6 options:key=9 options:erspan_ver=1 options:erspan_idx=3 \
	-- add-port br-src erspan2 -- set interface erspan2 type=ip6erspan \
		options:remote_ip=$NFVA6 options:key=10 options:erspan_ver=2 \
		options:erspan_dir=0 options:erspan_hwid=5 \
	-- --id=@p1 get port erspan1 -- --id=@m9 create mirror name=m9 select_all=true \
		output-port=@p1 \
	-- --id=@p2 get port erspan2 -- --id=@m10 create mirror name=m10 select_all=true \
		output-port=@p2 \
	-- set bridge br-src mirrors=@m9,@m10 >/dev/null ||
	skip "OVS refuses ip6erspan mirrors: $(tail -n 5 "$OVS_DIR/vswitchd.daemon.log")"
ipv6_only_brphy
ofctl add-flow br-col "in_port=erspan0,actions=output:cap0"
ofctl add-flow br-col "in_port=erspan3,actions=output:cap3"
appctl tnl/neigh/set br-phy $NFVA6 "$U1_MAC" >/dev/null
appctl ovs/route/add $NFVA6/128 br-phy >/dev/null
"${VSCTL[@]}" show >"$OVS_DIR/vsctl-show.txt"
for p in erspan0 erspan1 erspan2 erspan3; do
	check_eq "OVS $p type" "$("${VSCTL[@]}" get interface "$p" type)" ip6erspan
	err=$("${VSCTL[@]}" get interface "$p" error 2>/dev/null || true)
	case $err in "" | "[]") ;; *) skip "OVS port $p: $err" ;; esac
done
check_eq "OVS tunnel neighbour $NFVA6" \
	"$(appctl tnl/neigh/show | awk -v a=$NFVA6 '$1 == a { print $2 }')" "$U1_MAC"
check_eq "OVS route to $NFVA6" "$(appctl ovs/route/lookup $NFVA6 | grep -o 'dev [^ ]*')" "dev br-phy"

# --- nfva in H1 ----------------------------------------------------------------
cat >"$TEST_TMP/h1.conf" <<CONF
port add uplink dev $(afp 0 u1)
port add vm1 dev $(afp 1 vm1p)
port add vm2 dev $(afp 2 vm2p)
port add ana dev $(afp 3 anap)
port add ana3 dev $(afp 4 ana3p)
underlay set uplink uplink ip $NFVA6/64
network add lan
network lan attach vm1
network lan attach vm2
fdb add $M1 network lan port vm1
fdb add $M2 network lan port vm2
mirror add e2 source vm1 direction both to erspan $OVS6 session 7 version 2
mirror add e3 source vm1 direction both to erspan $OVS6 session 8 version 3 hw-id 5
CONF
nfva_up h1 "$H1" "$TEST_TMP/h1.conf"
ctl_ok h1 mirror collect erspan session 9 to port ana from $OVS6
ctl_ok h1 mirror collect erspan session 10 to port ana3
wait_for 10 cmd_eq "neigh_field h1 $OVS6 state" reachable ||
	fail "nfva did not resolve $OVS6 (br-phy): $(ctl h1 neigh show)"
check_eq "nfva neigh $OVS6 lladdr (br-phy)" "$(neigh_field h1 $OVS6 lladdr | tr A-F a-f)" "$BRPHY_MAC"
VM1_INDEX=$(ctlj h1 port show vm1 | json_get "j[0]['index']")
# The br-phy tap's own start-up traffic (MLD reports) is over before counting.
sleep 3

# erspan_wire WHAT CAP FROM TO N GRE_PROTO FIELD=PYEXPR...: N ERSPAN frames
# FROM -> TO in CAP, each with next header 47, hop limit 64, GRE proto
# GRE_PROTO, the S bit and the given fields; their GRE sequence numbers
# strictly increase.
erspan_wire() {
	local f="ipv6.src == $3 && ipv6.dst == $4 && gre.proto == $6" seqs
	check_eq "$1: frames" "$(pcap_count "$2" "$f")" "$5"
	check_pcap "$1" "$2" "$f" "$5" 'ipv6.nxt=v == "47"' 'ipv6.hlim=v == "64"' \
		'gre.flags.sequence_number=v in ("1", "True")' "${@:7}"
	seqs=$(pcap_fields "$2" "$f" gre.sequence_number | paste -sd' ')
	"$PY" -c 'import sys; s = list(map(int, sys.argv[1].split())); sys.exit(0 if all(b > a for a, b in zip(s, s[1:])) else 1)' "$seqs" ||
		fail "$1: GRE sequence numbers not strictly increasing: $seqs"
	echo "ok: $1: GRE sequence numbers strictly increasing ($seqs)"
}
# since BASE CMD...: CMD's number minus BASE.
since() { echo $(($("${@:2}") - $1)); }
# sent_to_nfva CAP: frames in CAP (on u1) that nfva did not send itself.
sent_to_nfva() { pcap_count "$1" "eth.src != $U1_MAC"; }

# --- 1. nfva -> OVS ------------------------------------------------------------
log "1. nfva's ERSPAN II and III copies over IPv6, decapsulated by OVS"
cap_start ul1 "$H2" u2
cap_start vm1 "$V1" eth0
cap_start col "$VC" eth0
cap_start col3 "$VC3" eth0
check_ping "vm1 -> vm2" "$V1" 10.0.0.2 5
for c in ul1 vm1 col col3; do cap_stop "$c"; done
for c in ul1 vm1 col col3; do pcap_no_malformed "$c"; done
check_eq "wire: all nfva's IPv6 ERSPAN frames" \
	"$(pcap_count ul1 "ipv6.src == $NFVA6 && ipv6.dst == $OVS6 && erspan")" 20
erspan_wire "wire: e2, ERSPAN II" ul1 $NFVA6 $OVS6 10 0x88be "eth.dst=v == '$BRPHY_MAC'" \
	'erspan.version=i(v) == 1' 'erspan.spanid=i(v) == 7' "erspan.index=i(v) == $VM1_INDEX"
erspan_wire "wire: e3, ERSPAN III" ul1 $NFVA6 $OVS6 10 0x22eb "eth.dst=v == '$BRPHY_MAC'" \
	'erspan.version=i(v) == 2' 'erspan.spanid=i(v) == 8' 'erspan.hw=i(v) == 5'
same=$("$PY" "$NT_LIB/tools/samebytes.py" "$TEST_TMP/col.pcap" "$TEST_TMP/vm1.pcap") ||
	fail "OVS's decapsulated ERSPAN II copies (cap0) are not the frames vm1 saw: $same"
check_eq "OVS decapsulates e2's 10 copies: cap0 = vm1's frames, byte for byte" "$same" "same 10"
same=$("$PY" "$NT_LIB/tools/samebytes.py" "$TEST_TMP/col3.pcap" "$TEST_TMP/vm1.pcap") ||
	fail "OVS's decapsulated ERSPAN III copies (cap3) are not the frames vm1 saw: $same"
check_eq "OVS decapsulates e3's 10 copies: cap3 = vm1's frames, byte for byte" "$same" "same 10"
check_eq "mirror show e2 (mirrored filtered sampled dropped)" "$(mcounters h1 e2)" "10 0 0 0"
check_eq "mirror show e3 (mirrored filtered sampled dropped)" "$(mcounters h1 e3)" "10 0 0 0"
check_eq "mirror show e2 destination" \
	"$(ctlj h1 mirror show e2 | json_get "'%s %s %s %s' % tuple(j[0]['to'][k] for k in ('kind', 'ip', 'session', 'version'))")" \
	"erspan $OVS6 7 2"

# --- 2. OVS -> nfva ------------------------------------------------------------
log "2. OVS's ip6erspan II and III mirrors toward nfva"
check_eq "mirror collect show" "$(ctlj h1 mirror collect show |
	json_get "' '.join('%d:%s:%s' % (c['session'], c['port'], c['from']) for c in j)")" \
	"9:ana:$OVS6 10:ana3:None"
# ovs_to_nfva CAP: VS's 5 echo requests, captured on VS (CAP-src), u1
# (CAP-ul), ana (CAP-ana) and ana3 (CAP-ana3); checks the wire.
ovs_to_nfva() {
	local c f="ipv6.src == $OVS6 && ipv6.dst == $NFVA6"
	cap_start "$1-ul" "$H1" u1
	cap_start "$1-src" "$VS" eth0
	cap_start "$1-ana" "$VA" eth0
	cap_start "$1-ana3" "$VA3" eth0
	ip netns exec "$VS" ping -n -c 5 -i 0.2 -W 1 10.9.9.2 >/dev/null 2>&1 || true
	for c in ul src ana ana3; do cap_stop "$1-$c"; done
	for c in ul src; do pcap_no_malformed "$1-$c"; done
	check_eq "$1: VS sent 5 echo requests" "$(pcap_count "$1-src" "icmp.type == 8")" 5
	check_eq "$1: wire: OVS's IPv6 ERSPAN frames" "$(pcap_count "$1-ul" "$f && erspan")" 10
	erspan_wire "$1: wire: OVS's ERSPAN II" "$1-ul" $OVS6 $NFVA6 5 0x88be \
		"eth.dst=v == '$U1_MAC'" 'erspan.version=i(v) == 1' 'erspan.spanid=i(v) == 9' \
		'erspan.index=i(v) == 3'
	erspan_wire "$1: wire: OVS's ERSPAN III" "$1-ul" $OVS6 $NFVA6 5 0x22eb \
		"eth.dst=v == '$U1_MAC'" 'erspan.version=i(v) == 2' 'erspan.spanid=i(v) == 10' \
		'erspan.hw=i(v) == 5'
	check_eq "$1: wire: inner frames are VS's echo requests" \
		"$(pcap_count "$1-ul" "$f && erspan && icmp.type == 8 && ip.src == 10.9.9.1")" 10
}
rx0=$(port_counter h1 uplink rx_packets)
drops0=$(port_drops h1 uplink)
ovs_to_nfva p2
n=$(sent_to_nfva p2-ul)
check_eq_wait "nfva uplink rx_packets: every frame of the capture sent to it ($n)" "$n" \
	since "$rx0" port_counter h1 uplink rx_packets
same=$("$PY" "$NT_LIB/tools/samebytes.py" "$TEST_TMP/p2-ana.pcap" "$TEST_TMP/p2-src.pcap") ||
	fail "ana (session 9 from $OVS6, ERSPAN II) did not get VS's frames: $same"
check_eq "nfva decapsulates ERSPAN II session 9 (from $OVS6) to ana: VS's frames, byte for byte" \
	"$same" "same 5"
same=$("$PY" "$NT_LIB/tools/samebytes.py" "$TEST_TMP/p2-ana3.pcap" "$TEST_TMP/p2-src.pcap") ||
	fail "ana3 (session 10, ERSPAN III) did not get VS's frames: $same"
check_eq "nfva decapsulates ERSPAN III session 10 to ana3: VS's frames, byte for byte" \
	"$same" "same 5"
check_eq "nfva uplink drops (unchanged)" "$(port_drops h1 uplink)" "$drops0"
check_eq "e2 mirrors nothing of this (mirrored)" "$(mcount h1 e2 mirrored)" 10
check_eq "e3 mirrors nothing of this (mirrored)" "$(mcount h1 e3 mirrored)" 10

# --- 3. from another sender ---------------------------------------------------------
log "3. mirror collect ... from $OTHER6: OVS's frames dropped as erspan_sender"
ctl_ok h1 mirror collect erspan session 9 to port ana from $OTHER6
ctl_ok h1 mirror collect erspan session 10 to port ana3 from $OTHER6
check_eq "mirror collect show" "$(ctlj h1 mirror collect show |
	json_get "' '.join('%d:%s:%s' % (c['session'], c['port'], c['from']) for c in j)")" \
	"9:ana:$OTHER6 10:ana3:$OTHER6"
rx0=$(port_counter h1 uplink rx_packets)
snd0=$(port_drop h1 uplink erspan_sender)
drops0=$(port_drops h1 uplink)
ovs_to_nfva p3
n=$(sent_to_nfva p3-ul)
check_eq_wait "nfva uplink rx_packets: every frame of the capture sent to it ($n)" "$n" \
	since "$rx0" port_counter h1 uplink rx_packets
check_eq "nfva uplink erspan_sender: OVS's 10 ERSPAN frames" \
	"$(($(port_drop h1 uplink erspan_sender) - snd0))" 10
check_eq "ana received nothing" "$(pcap_count p3-ana frame)" 0
check_eq "ana3 received nothing" "$(pcap_count p3-ana3 frame)" 0
check_eq "nfva uplink drops: erspan_sender only" "$(port_drops h1 uplink |
	"$PY" -c 'import json, sys
a, b = json.loads(sys.argv[1]), json.load(sys.stdin)
print(json.dumps({k: b[k] - a.get(k, 0) for k in b if b[k] != a.get(k, 0)}, sort_keys=True))' "$drops0")" \
	'{"erspan_sender": 10}'

nfva_down h1
echo "PASS: test_mirror_ovs_erspan6"
