#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test_mirror_ovs_erspan: ERSPAN interop with Open vSwitch's userspace
# datapath (datapath_type=netdev), both ways. OVS runs privately in its own
# namespace: its own ovsdb-server, ovs-vswitchd, database and sockets under
# the test's temporary directory (no system service is used).
#
#  ns V1 10.0.0.1  ns V2 10.0.0.2  ns VA   ns VA3            ns VC          ns VS 10.9.9.1
#     eth0            eth0          eth0    eth0              eth0           eth0 (pings
#      |               |             |       |                 |              |  10.9.9.2)
#     vm1p            vm2p          anap    ana3p             cap0           src0
#  [ nfva in H1: lan = vm1, vm2                  ] [ OVS in H2 (netdev bridges):
#  [  e2: vm1 both -> erspan .2 session 7 v2     ]   br-col: erspan0 (erspan_ver=1, key=7,
#  [  collect session 9 -> ana, 10 -> ana3       ]      remote .1) -> cap0 (flow)
#  [  (ana, ana3: analyser ports, no network)    ]   br-src: src0; mirror m9 select_all ->
#      u1 192.168.1.1 ====== veth ====== u2           erspan1 (erspan_ver=1, key=9);
#                                  (system port of     mirror m10 select_all -> erspan2
#                                   br-phy, LOCAL       (erspan_ver=2, key=10, hwid 5)
#                                   192.168.1.2)
#
# 1. nfva -> OVS: vm1 pings vm2 5 times (permanent neighbours: only the
#    pings); nfva's session e2 sends 10 ERSPAN II copies (in and out) to
#    192.168.1.2. On the wire (u2): 10 frames, erspan.version == 1,
#    erspan.spanid 7, erspan.index = nfva's port index of vm1, GRE sequence
#    strictly increasing. OVS decapsulates them on erspan0 and its flow puts
#    them on cap0: VC receives exactly 10 frames, byte for byte the frames
#    seen on vm1's eth0. `mirror show e2`: mirrored 10, dropped 0.
# 2. OVS -> nfva: VS sends 5 echo requests into br-src (to a pinned MAC that
#    does not exist: they are flooded nowhere, only mirrored). OVS emits
#    5 ERSPAN II (version 1, span 9) and 5 ERSPAN III (version 2, span 10)
#    frames to 192.168.1.1: on the wire (u1) they are as tshark expects.
#    nfva receives them on its uplink (rx_packets +10); with `mirror
#    collect` it decapsulates them: VA receives exactly the 5 frames VS sent
#    (byte for byte), VA3 the same 5; the uplink drops nothing. Without the
#    `mirror collect` command (older nfva) the frames must at least be
#    received and counted as dropped.
# Nothing malformed (tshark, checksums checked) on any capture.
#
# Open vSwitch is installed with apt-get if missing; the test SKIPs (77) with
# the reason if it cannot be installed or cannot run here.
set -eu -o pipefail
# shellcheck source=tests/lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"

netns_require
need tshark tshark
H1=mo-h1-$TEST_ID H2=mo-h2-$TEST_ID V1=mo-v1-$TEST_ID V2=mo-v2-$TEST_ID VA=mo-va-$TEST_ID
VA3=mo-va3-$TEST_ID VC=mo-vc-$TEST_ID VS=mo-vs-$TEST_ID
ns_add "$H1" "$H2" "$V1" "$V2" "$VA" "$VA3" "$VC" "$VS"
veth "$H1" u1 "$H2" u2
veth "$V1" eth0 "$H1" vm1p
veth "$V2" eth0 "$H1" vm2p
veth "$VA" eth0 "$H1" anap
veth "$VA3" eth0 "$H1" ana3p
veth "$VC" eth0 "$H2" cap0
veth "$VS" eth0 "$H2" src0
ip -n "$V1" addr add 10.0.0.1/24 dev eth0
ip -n "$V2" addr add 10.0.0.2/24 dev eth0
ip -n "$VS" addr add 10.9.9.1/24 dev eth0
M1=$(mac_of "$V1" eth0) M2=$(mac_of "$V2" eth0)
pin "$V1" 10.0.0.2 "$M2"; pin "$V2" 10.0.0.1 "$M1"
pin "$VS" 10.9.9.2 02:00:00:09:09:02
# Only br-phy (which has the address) answers ARP for 192.168.1.2.
ip netns exec "$H2" sysctl -qw net.ipv4.conf.all.arp_ignore=1
U1_MAC=$(mac_of "$H1" u1)
BRPHY_MAC=02:00:00:00:01:02

# --- Open vSwitch, private instance in H2 -----------------------------------
ovs_up "$H2"
ovs_phy_bridge u2 192.168.1.2/24 "$BRPHY_MAC"
"${VSCTL[@]}" add-br br-col -- set bridge br-col datapath_type=netdev fail-mode=secure \
	-- add-port br-col cap0 \
	-- add-port br-col erspan0 -- set interface erspan0 type=erspan \
		options:remote_ip=192.168.1.1 options:key=7 options:erspan_ver=1 ||
	skip "OVS refuses an erspan port: $(tail -n 5 "$OVS_DIR/vswitchd.daemon.log")"
"${VSCTL[@]}" add-br br-src -- set bridge br-src datapath_type=netdev \
	-- add-port br-src src0 \
	-- add-port br-src erspan1 -- set interface erspan1 type=erspan \
		options:remote_ip=192.168.1.1 options:key=9 options:erspan_ver=1 options:erspan_idx=3 \
	-- add-port br-src erspan2 -- set interface erspan2 type=erspan \
		options:remote_ip=192.168.1.1 options:key=10 options:erspan_ver=2 \
		options:erspan_dir=0 options:erspan_hwid=5 \
	-- --id=@p1 get port erspan1 -- --id=@m9 create mirror name=m9 select_all=true \
		output-port=@p1 \
	-- --id=@p2 get port erspan2 -- --id=@m10 create mirror name=m10 select_all=true \
		output-port=@p2 \
	-- set bridge br-src mirrors=@m9,@m10 >/dev/null ||
	skip "OVS refuses ERSPAN mirrors: $(tail -n 5 "$OVS_DIR/vswitchd.daemon.log")"
ofctl add-flow br-col "in_port=erspan0,actions=output:cap0"
appctl tnl/neigh/set br-phy 192.168.1.1 "$U1_MAC" >/dev/null
appctl ovs/route/add 192.168.1.1/32 br-phy >/dev/null
"${VSCTL[@]}" show >"$OVS_DIR/vsctl-show.txt"
for p in erspan0 erspan1 erspan2; do
	check_eq "OVS $p type" "$("${VSCTL[@]}" get interface "$p" type)" erspan
	err=$("${VSCTL[@]}" get interface "$p" error 2>/dev/null || true)
	case $err in ""|"[]") ;; *) skip "OVS port $p: $err" ;; esac
done

# --- nfva in H1 ----------------------------------------------------------------
cat >"$TEST_TMP/h1.conf" <<EOF
port add uplink dev $(afp 0 u1)
port add vm1 dev $(afp 1 vm1p)
port add vm2 dev $(afp 2 vm2p)
port add ana dev $(afp 3 anap)
port add ana3 dev $(afp 4 ana3p)
underlay set uplink uplink ip 192.168.1.1/24
network add lan
network lan attach vm1
network lan attach vm2
fdb add $M1 network lan port vm1
fdb add $M2 network lan port vm2
mirror add e2 source vm1 direction both to erspan 192.168.1.2 session 7 version 2
EOF
nfva_up h1 "$H1" "$TEST_TMP/h1.conf"
HAVE_COLLECT=0
if ctl h1 help 2>/dev/null | grep -q "mirror collect erspan"; then
	HAVE_COLLECT=1
	ctl_ok h1 mirror collect erspan session 9 to port ana
	ctl_ok h1 mirror collect erspan session 10 to port ana3
else
	log "this nfva has no 'mirror collect' (ERSPAN termination): phase 2 checks reception only"
fi
wait_for 10 cmd_eq "neigh_field h1 192.168.1.2 state" reachable ||
	fail "nfva did not resolve 192.168.1.2 (br-phy): $(ctl h1 neigh show)"
VM1_INDEX=$(ctlj h1 port show vm1 | json_get "j[0]['index']")

# --- 1. nfva -> OVS ------------------------------------------------------------
log "1. nfva's ERSPAN II copies, decapsulated by OVS"
cap_start ul1 "$H2" u2
cap_start vm1 "$V1" eth0
cap_start col "$VC" eth0
check_ping "vm1 -> vm2" "$V1" 10.0.0.2 5
for c in ul1 vm1 col; do cap_stop "$c"; done
for c in ul1 vm1 col; do pcap_no_malformed "$c"; done
f_nfva="ip.src == 192.168.1.1 && ip.dst == 192.168.1.2 && erspan"
check_eq "wire: nfva's ERSPAN frames" "$(pcap_count ul1 "$f_nfva")" 10
check_eq "wire: erspan.version 1 (II), spanid 7, index $VM1_INDEX (vm1)" \
	"$(pcap_count ul1 "$f_nfva && erspan.version == 1 && erspan.spanid == 7 && erspan.index == $VM1_INDEX && gre.proto == 0x88be")" 10
seqs=$(pcap_fields ul1 "$f_nfva" gre.sequence_number | paste -sd' ')
"$PY" -c 'import sys; s = list(map(int, sys.argv[1].split())); sys.exit(0 if all(b > a for a, b in zip(s, s[1:])) else 1)' "$seqs" ||
	fail "wire: GRE sequence numbers not strictly increasing: $seqs"
echo "ok: wire: GRE sequence numbers strictly increasing ($seqs)"
same=$("$PY" "$NT_LIB/tools/samebytes.py" "$TEST_TMP/col.pcap" "$TEST_TMP/vm1.pcap") ||
	fail "OVS's decapsulated copies are not the frames vm1 saw: $same"
check_eq "OVS decapsulates all 10 copies: cap0 = vm1's frames, byte for byte" "$same" "same 10"
check_eq "mirror show e2 (mirrored filtered sampled dropped)" "$(mcounters h1 e2)" "10 0 0 0"

# --- 2. OVS -> nfva ------------------------------------------------------------
log "2. OVS's ERSPAN II and III mirrors toward nfva"
rx0=$(port_counter h1 uplink rx_packets)
cap_start ul2 "$H1" u1
cap_start src "$VS" eth0
cap_start ana "$VA" eth0
cap_start ana3 "$VA3" eth0
ip netns exec "$VS" ping -n -c 5 -i 0.2 -W 1 10.9.9.2 >/dev/null 2>&1 || true
for c in ul2 src ana ana3; do cap_stop "$c"; done
for c in ul2 src; do pcap_no_malformed "$c"; done
check_eq "VS sent 5 echo requests" "$(pcap_count src "icmp.type == 8")" 5
f_ovs="ip.src == 192.168.1.2 && ip.dst == 192.168.1.1 && erspan"
check_eq "wire: OVS's ERSPAN II, spanid 9, GRE 0x88be" \
	"$(pcap_count ul2 "$f_ovs && erspan.version == 1 && erspan.spanid == 9 && gre.proto == 0x88be")" 5
check_eq "wire: OVS's ERSPAN III, spanid 10, hw 5, GRE 0x22eb" \
	"$(pcap_count ul2 "$f_ovs && erspan.version == 2 && erspan.spanid == 10 && erspan.hw == 5 && gre.proto == 0x22eb")" 5
check_eq "wire: inner frames are VS's echo requests" "$(pcap_count ul2 "$f_ovs && icmp.type == 8 && ip.src == 10.9.9.1")" 10
wait_for 5 cmd_eq "echo \$((\$(port_counter h1 uplink rx_packets) - rx0))" 10 || true
check_eq "nfva uplink rx_packets: OVS's 10 ERSPAN frames received" "$(($(port_counter h1 uplink rx_packets) - rx0))" 10
if [ "$HAVE_COLLECT" = 1 ]; then
	check_eq "mirror collect show" "$(ctlj h1 mirror collect show |
		json_get "' '.join('%d:%s' % (c['session'], c['port']) for c in j)")" "9:ana 10:ana3"
	same=$("$PY" "$NT_LIB/tools/samebytes.py" "$TEST_TMP/ana.pcap" "$TEST_TMP/src.pcap") ||
		fail "ana (session 9, ERSPAN II) did not get VS's frames: $same"
	check_eq "nfva decapsulates ERSPAN II session 9 to ana: VS's frames, byte for byte" "$same" "same 5"
	same=$("$PY" "$NT_LIB/tools/samebytes.py" "$TEST_TMP/ana3.pcap" "$TEST_TMP/src.pcap") ||
		fail "ana3 (session 10, ERSPAN III) did not get VS's frames: $same"
	check_eq "nfva decapsulates ERSPAN III session 10 to ana3: VS's frames, byte for byte" "$same" "same 5"
	check_eq "nfva uplink drops" "$(ctlj h1 port show stats uplink | json_get "j['uplink']['dropped']")" "{}"
	check_eq "e2 still mirrors nothing of this (mirrored)" "$(mcount h1 e2 mirrored)" 10
else
	check_eq "nfva uplink: the 10 ERSPAN frames counted as dropped" \
		"$(ctlj h1 port show stats uplink | json_get "sum(j['uplink']['dropped'].values())")" 10
fi

nfva_down h1
echo "PASS: test_mirror_ovs_erspan"
