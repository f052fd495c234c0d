#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test_offload_overlay: encap and decap rules of the emulated e-switch
# against real overlay peers, and their lifecycle.
#
# Part A, VXLAN (VNI 6000) toward the Linux kernel:
#
#   ns xv1 (10.1.1.20)          ns x1: nfva                      ns x2: kernel
#     eth0 --- vm1p  [vm1 vf-of uplink]  [uplink eswitch emulated] u1 === u2 192.168.1.252
#                    network blue (vxlan 6000)    192.168.1.249/24         vx (vxlan 6000)
#                                                                           |  br0
#                                                               ns xv2 (10.1.1.30) eth0 --- vm2p
#
# Part B, GRE (key 7000) between two nfva instances, both with emulated
# e-switches:
#
#   ns gv1 (10.2.2.1) --- [vm vf-of up] nfva A [up] 192.168.2.1 === 192.168.2.2 [up] nfva B [vm] --- ns gv2 (10.2.2.2)
#
# The VMs' neighbours are pinned (no ARP between VMs). Assertions:
# A1. two pings (each waited for) make the rules: decap (uplink -> vm1, VTEP
#     .252) after the first reply, encap (vm1 -> VTEP .252) after the second;
#     then 40 pings are carried by them, exactly: eswitch_packets +40 on vm1
#     (encap) and +40 on the uplink (decap), slow path +0 on vm1 (+<= 2 on the
#     uplink: underlay ARP), rule hits +40 each. On the wire (tshark on u2):
#     >= 40 VXLAN frames .249 -> .252, VNI 6000, I flag, outer dst = u2's MAC,
#     nothing malformed, no bad checksum. The dump has the `set vxlan...` line
#     (vni 6000, ip-src/dst, eth-dst = u2's MAC) and both `flow create` lines;
#     dpdk-testpmd parses it.
# A2. neighbour MAC change: u2 gets a new MAC and announces it (gratuitous
#     ARP): nfva's neighbour takes the new MAC, the encap rule is rebuilt in
#     place from the new template (rebuilds +1, invalidations +0, still
#     offloaded, its dump says eth-dst NEW) while the decap rule stays; 20
#     pings answered, all carried by the rules, and on the wire every VXLAN
#     frame from .249 after the change goes to NEW.
# A3. `network blue vtep del 192.168.1.252`: both rules go (none with that
#     VTEP); VTEP added again, rules come back; `network del blue`: every
#     rule goes, none left.
# B1. GRE: two waited-for pings, then 40 pings carried by rules in both
#     instances (encap + decap on each, hits +40 each; eswitch_packets +40 on
#     each VM port and uplink; slow path +0 on the VM ports). On the wire
#     (tshark on A's uplink): GRE key 7000, proto 0x6558, nothing malformed.
#     A's dump (raw_encap / raw_decap) is parsed by dpdk-testpmd.
# B2. `network red vtep del 192.168.2.2` on A: A's rules go, B's stay.
set -eu -o pipefail
# shellcheck source=tests/offload_e2e/lib.sh
. "$(dirname "$0")/lib.sh"

oe_require
oe_need tshark tshark
command -v arping >/dev/null || "$PY" -c 'import scapy' 2>/dev/null ||
	skip "neither arping (iputils-arping) nor scapy for the gratuitous ARP"

# snap NAME NODE: `port show` and `stats` of NODE into $OE_TMP/NAME.json
snap() {
	{ echo '{"ports":'; ctlj "$2" port show; echo ', "stats":'; ctlj "$2" stats; echo '}'; } \
		>"$OE_TMP/$1.json"
}
delta() {
	"$PY" -c '
import json, sys
a, b = (json.load(open(sys.argv[i])) for i in (1, 2))
def v(s):
    return {p["name"]: p["counters"] for p in s["ports"]}[sys.argv[3]][sys.argv[4]]
print(v(b) - v(a))' "$OE_TMP/$1.json" "$OE_TMP/$2.json" "$3" "$4"
}
odelta() {
	"$PY" -c '
import json, sys
a, b = (json.load(open(sys.argv[i])) for i in (1, 2))
print(b["stats"]["offload"][sys.argv[3]] - a["stats"]["offload"][sys.argv[3]])' \
		"$OE_TMP/$1.json" "$OE_TMP/$2.json" "$3"
}
# hits_reach NODE FILTER N: wait (<= 5 s) until the rule's hits read N
hits_reach() {
	wait_for 5 cmd_eq "rule_field $1 \"$2\" hits" "$3" ||
		fail "$1: rule [$2]: hits $(rule_field "$1" "$2" hits), expected $3"
}
pin() { ip -n "$1" neigh replace "$2" lladdr "$3" nud permanent dev eth0; }

###########################################################################
log "A. VXLAN toward a Linux kernel VTEP"
X1="oe-x1-$OE_ID" X2="oe-x2-$OE_ID" XV1="oe-xv1-$OE_ID" XV2="oe-xv2-$OE_ID"
ns_add "$X1" "$X2" "$XV1" "$XV2"
veth "$X1" u1 "$X2" u2
veth "$XV1" eth0 "$X1" vm1p
veth "$XV2" eth0 "$X2" vm2p
ip -n "$X2" addr add 192.168.1.252/24 dev u2
ip -n "$X2" link add vx type vxlan id 6000 dstport 4789 local 192.168.1.252 \
	remote 192.168.1.249 dev u2
ip -n "$X2" link add br0 type bridge
ip -n "$X2" link set vx master br0
ip -n "$X2" link set vm2p master br0
ip -n "$X2" link set vx up
ip -n "$X2" link set br0 up
ip -n "$XV1" addr add 10.1.1.20/24 dev eth0
ip -n "$XV2" addr add 10.1.1.30/24 dev eth0
MV1=$(mac_of "$XV1" eth0) MV2=$(mac_of "$XV2" eth0) MU2=$(mac_of "$X2" u2)
pin "$XV1" 10.1.1.30 "$MV2"
pin "$XV2" 10.1.1.20 "$MV1"
cat >"$OE_TMP/x1.conf" <<EOF
port add uplink dev $(afp 0 u1) eswitch emulated
port add vm1 dev $(afp 1 vm1p) vf-of uplink
underlay set uplink uplink ip 192.168.1.249/24
network add blue vni 6000 encap vxlan
network blue attach vm1
network blue vtep add 192.168.1.252
offload set idle-timeout 120
EOF
nfva_up x1 "$X1" "$OE_TMP/x1.conf"
MU1=$(ctlj x1 underlay show | json_get "j['mac'].lower()")
log "vm1 $MV1, vm2 $MV2, uplink $MU1, kernel VTEP u2 $MU2"
ENC="r['kind'] == 'encap' and r['in'] == 'vm1' and r['out'] == 'uplink' and r['vtep'] == '192.168.1.252'"
DEC="r['kind'] == 'decap' and r['in'] == 'uplink' and r['out'] == 'vm1' and r['vtep'] == '192.168.1.252'"

log "A1. after the first packets, encap and decap rules carry vm1 <-> vm2"
snap a0 x1
check_ping "vm1 -> vm2, ping 1 (flooded to the VTEP)" "$XV1" 10.1.1.30 1
wait_for 5 cmd_eq "nrules x1 \"$DEC\"" 1 || fail "no decap rule after ping 1: $(rules x1)"
check_ping "vm1 -> vm2, ping 2" "$XV1" 10.1.1.30 1
wait_for 5 cmd_eq "nrules x1 \"$ENC\"" 1 || fail "no encap rule after ping 2: $(rules x1)"
check_eq "rules" "$(nrules x1)" 2
check_eq "encap: shape/state/src/dst" "$(rule_field x1 "$ENC" shape) $(rule_field x1 "$ENC" \
	state) $(rule_field x1 "$ENC" src) $(rule_field x1 "$ENC" dst)" "vxlan-encap offloaded $MV1 $MV2"
check_eq "decap: shape/state/src/dst" "$(rule_field x1 "$DEC" shape) $(rule_field x1 "$DEC" \
	state) $(rule_field x1 "$DEC" src) $(rule_field x1 "$DEC" dst)" "vxlan-decap offloaded $MV2 $MV1"
snap a1 x1
check_eq "vm1 slow path over the two first pings" "$(delta a0 a1 vm1 rx_packets)" 2
hits_reach x1 "$DEC" 1
he=$(rule_field x1 "$ENC" hits) hd=$(rule_field x1 "$DEC" hits)
cap_start xa "$X2" u2
check_ping "vm1 -> vm2 x40" "$XV1" 10.1.1.30 40 0.05
cap_stop xa
snap a2 x1
hits_reach x1 "$ENC" $((he + 40))
hits_reach x1 "$DEC" $((hd + 40))
check_eq "vm1 eswitch_packets delta (encap)" "$(delta a1 a2 vm1 eswitch_packets)" 40
check_eq "uplink eswitch_packets delta (decap)" "$(delta a1 a2 uplink eswitch_packets)" 40
check_eq "vm1 rx_packets delta (slow path)" "$(delta a1 a2 vm1 rx_packets)" 0
check_le "uplink rx_packets delta (slow path: underlay ARP at most)" "$(delta a1 a2 uplink rx_packets)" 2
# The 40 replies, plus at most the kernel VM's ARP refreshes (flooded through
# the slow path) that the uplink line above allows for.
check_ge "vm1 tx_packets delta" "$(delta a1 a2 vm1 tx_packets)" 40
check_le "vm1 tx_packets delta (ARP refreshes at most)" "$(delta a1 a2 vm1 tx_packets)" 42
n=$(pcap_count xa "ip.src == 192.168.1.249 && ip.dst == 192.168.1.252 && vxlan.vni == 6000 && vxlan.flag_i == 1 && eth.dst == $MU2 && eth.src == $MU1")
check_ge "wire: VXLAN frames .249 -> .252 (VNI 6000, I, to u2's MAC)" "$n" 40
check_eq "wire: VXLAN frames from .249 not to u2's MAC" \
	"$(pcap_count xa "ip.src == 192.168.1.249 && vxlan && eth.dst != $MU2")" 0
bad=$(tshark -n -o ip.check_checksum:TRUE -o udp.check_checksum:TRUE -r "$OE_TMP/xa.pcap" \
	-Y '_ws.malformed || _ws.expert.severity >= error || ip.checksum.status=="Bad" || udp.checksum.status=="Bad"' 2>/dev/null | wc -l)
check_eq "wire: malformed or bad-checksum frames" "$bad" 0
ctlj x1 offload dump testpmd | json_get j | grep -v '^$' >"$OE_TMP/dump_vxlan.txt" || true
log "dump: $(cat "$OE_TMP/dump_vxlan.txt")"
check_eq "dump: flow create lines" "$(grep -c '^flow create ' "$OE_TMP/dump_vxlan.txt" || true)" 2
EU=$(ctlj x1 port show uplink | json_get "j[0]['ethdev']") EV=$(ctlj x1 port show vm1 | json_get "j[0]['ethdev']")
vx_set="set vxlan-tos-ttl ip-version ipv4 vni 6000 udp-src 0 udp-dst 4789 ip-tos 0 ip-ttl 64 ip-src 192.168.1.249 ip-dst 192.168.1.252 eth-src $MU1 eth-dst $MU2"
vx_enc="flow create $EU priority 1 transfer pattern represented_port ethdev_port_id is $EV / eth dst is $MV2 src is $MV1 has_vlan is 0 / end actions vxlan_encap / represented_port ethdev_port_id $EU / count / end"
vx_dec="flow create $EU priority 1 transfer pattern represented_port ethdev_port_id is $EU / eth dst is $MU1 type is 0x0800 / ipv4 proto is 17 src is 192.168.1.252 dst is 192.168.1.249 / udp dst is 4789 / vxlan vni is 6000 / eth dst is $MV1 src is $MV2 has_vlan is 0 / end actions vxlan_decap / represented_port ethdev_port_id $EV / count / end"
check_eq "dump: lines" "$(wc -l <"$OE_TMP/dump_vxlan.txt")" 3
for w in "$vx_set" "$vx_enc" "$vx_dec"; do
	grep -qixF "$w" "$OE_TMP/dump_vxlan.txt" || fail "dump lacks: $w"
done
check_eq "dump: the set vxlan line comes right before the vxlan_encap line" \
	"$(grep -iB1 -F "$vx_enc" "$OE_TMP/dump_vxlan.txt" | head -n 1 | tr 'A-F' 'a-f')" "$(echo "$vx_set" | tr 'A-F' 'a-f')"
echo "ok: dump has the set vxlan line and both flow lines verbatim"
testpmd_replay "$OE_TMP/dump_vxlan.txt" "vxlan"

log "A2. neighbour MAC change: the encap rule is replaced, traffic follows"
NEWMAC=02:00:00:5e:01:52
snap a3 x1
dec_age=$(rule_field x1 "$DEC" age_s)
ip -n "$X2" link set u2 address "$NEWMAC"
garp "$X2" u2 192.168.1.252
wait_for 5 cmd_eq "ctlj x1 neigh show | json_get \"[n['lladdr'].lower() for n in j if n['ip'] == '192.168.1.252'][0]\"" "$NEWMAC" ||
	fail "nfva's neighbour 192.168.1.252 did not take $NEWMAC: $(ctl x1 neigh show)"
new_mac_rules() { ctlj x1 offload dump testpmd | json_get j | grep -ciE "^set vxlan.* eth-dst $NEWMAC\$" || true; }
wait_for 5 cmd_eq new_mac_rules 1 || fail "encap rule not rebuilt after the neighbour MAC change: $(rules x1)"
snap a4 x1
check_eq "rebuilds (neighbour MAC change)" "$(odelta a3 a4 rebuilds)" 1
check_eq "invalidations (neighbour MAC change)" "$(odelta a3 a4 invalidations)" 0
check_eq "encap rule still offloaded" "$(nrules x1 "$ENC")" 1
check_eq "decap rule kept" "$(nrules x1 "$DEC")" 1
check_ge "decap rule not replaced (age_s)" "$(rule_field x1 "$DEC" age_s)" "$dec_age"
cap_start xb "$X2" u2
check_ping "vm1 -> vm2 x20 (new neighbour MAC)" "$XV1" 10.1.1.30 20 0.05
cap_stop xb
snap a5 x1
check_eq "vm1 eswitch_packets delta (20 pings, new encap rule)" "$(delta a4 a5 vm1 eswitch_packets)" 20
ctlj x1 offload dump testpmd | json_get j | grep -v '^$' >"$OE_TMP/dump_vxlan2.txt" || true
grep -qiE "^set vxlan.* eth-dst $NEWMAC\$" "$OE_TMP/dump_vxlan2.txt" ||
	fail "dump after the change: no set vxlan line to $NEWMAC: $(cat "$OE_TMP/dump_vxlan2.txt")"
check_eq "dump after the change: lines naming the old MAC $MU2" "$(grep -ci "$MU2" "$OE_TMP/dump_vxlan2.txt" || true)" 0
n=$(pcap_count xb "ip.src == 192.168.1.249 && vxlan.vni == 6000 && eth.dst == $NEWMAC")
check_ge "wire: VXLAN frames from .249 to the new MAC" "$n" 20
check_eq "wire: VXLAN frames from .249 to another MAC" \
	"$(pcap_count xb "ip.src == 192.168.1.249 && vxlan && eth.dst != $NEWMAC")" 0

log "A3. VTEP and network removal remove their rules"
check_eq "rules before vtep del" "$(nrules x1)" 2
snap a6 x1
ctl_ok x1 network blue vtep del 192.168.1.252
wait_for 5 cmd_eq "nrules x1" 0 || fail "rules left after vtep del: $(rules x1)"
snap a7 x1
check_eq "rules with VTEP 192.168.1.252" "$(nrules x1 "r['vtep'] == '192.168.1.252'")" 0
check_eq "removals (vtep del)" "$(odelta a6 a7 removals)" 2
check_eq "pings without the VTEP answered" "$(ping_rx "$XV1" 10.1.1.30 2 0.2 2)" 0
check_eq "rules after pings without the VTEP" "$(nrules x1)" 0
ctl_ok x1 network blue vtep add 192.168.1.252
n=$(ping_until x1 "$XV1" 10.1.1.30 "$DEC")
wait_for 5 cmd_eq "nrules x1 \"$ENC\"" 1 || n=$((n + $(ping_until x1 "$XV1" 10.1.1.30 "$ENC")))
check_le "pings before the rules are back" "$n" 10
check_eq "rules with the VTEP back" "$(nrules x1)" 2
snap a8 x1
ctl_ok x1 network del blue
wait_for 5 cmd_eq "nrules x1" 0 || fail "rules left after network del: $(rules x1)"
snap a9 x1
check_eq "removals (network del)" "$(odelta a8 a9 removals)" 2
check_eq "stats offload rules" "$(ostat x1 rules)" 0
check_eq "offload failures (A)" "$(ostat x1 failures)" 0
nfva_down x1

###########################################################################
log "B. GRE between two nfva instances with emulated e-switches"
G1="oe-g1-$OE_ID" G2="oe-g2-$OE_ID" GV1="oe-gv1-$OE_ID" GV2="oe-gv2-$OE_ID"
ns_add "$G1" "$G2" "$GV1" "$GV2"
veth "$G1" ua "$G2" ub
veth "$GV1" eth0 "$G1" vmp
veth "$GV2" eth0 "$G2" vmp
ip -n "$GV1" addr add 10.2.2.1/24 dev eth0
ip -n "$GV2" addr add 10.2.2.2/24 dev eth0
MG1=$(mac_of "$GV1" eth0) MG2=$(mac_of "$GV2" eth0)
pin "$GV1" 10.2.2.2 "$MG2"
pin "$GV2" 10.2.2.1 "$MG1"
for side in a b; do
	if [ $side = a ]; then me=192.168.2.1 peer=192.168.2.2 ifc=ua; else me=192.168.2.2 peer=192.168.2.1 ifc=ub; fi
	cat >"$OE_TMP/g$side.conf" <<EOF
port add up dev $(afp 0 $ifc) eswitch emulated
port add vm dev $(afp 1 vmp) vf-of up
underlay set uplink up ip $me/24
network add red vni 7000 encap gre
network red attach vm
network red vtep add $peer
offload set idle-timeout 120
EOF
done
nfva_up ga "$G1" "$OE_TMP/ga.conf"
nfva_up gb "$G2" "$OE_TMP/gb.conf"
GENC="r['kind'] == 'encap' and r['in'] == 'vm' and r['out'] == 'up'"
GDEC="r['kind'] == 'decap' and r['in'] == 'up' and r['out'] == 'vm'"

log "B1. after the first packets, rules in both instances carry the GRE traffic"
check_ping "gv1 -> gv2, ping 1" "$GV1" 10.2.2.2 1
wait_for 5 cmd_eq "nrules gb \"$GENC\"" 1 || fail "B: no encap rule after ping 1: $(rules gb)"
wait_for 5 cmd_eq "nrules ga \"$GDEC\"" 1 || fail "A: no decap rule after ping 1: $(rules ga)"
check_ping "gv1 -> gv2, ping 2" "$GV1" 10.2.2.2 1
wait_for 5 cmd_eq "nrules ga \"$GENC\"" 1 || fail "A: no encap rule after ping 2: $(rules ga)"
wait_for 5 cmd_eq "nrules gb \"$GDEC\"" 1 || fail "B: no decap rule after ping 2: $(rules gb)"
for g in ga gb; do
	check_eq "$g: rules" "$(nrules $g)" 2
	check_eq "$g: encap shape/state/vtep" "$(rule_field $g "$GENC" shape) $(rule_field $g "$GENC" \
		state) $(rule_field $g "$GENC" vtep)" "gre-encap offloaded $([ $g = ga ] && echo 192.168.2.2 || echo 192.168.2.1)"
	check_eq "$g: decap shape/state" "$(rule_field $g "$GDEC" shape) $(rule_field $g "$GDEC" state)" \
		"gre-decap offloaded"
done
sleep 0.6
snap b0a ga; snap b0b gb
declare -A H0=()
for g in ga gb; do H0[$g-e]=$(rule_field $g "$GENC" hits) H0[$g-d]=$(rule_field $g "$GDEC" hits); done
# DPDK's af_packet sends with PACKET_QDISC_BYPASS: a capture sees a port's
# received frames only, so A -> B is captured on B's uplink and B -> A on A's.
cap_start gwa "$G1" ua
cap_start gwb "$G2" ub
check_ping "gv1 -> gv2 x40" "$GV1" 10.2.2.2 40 0.05
cap_stop gwa
cap_stop gwb
snap b1a ga; snap b1b gb
for g in ga gb; do
	hits_reach $g "$GENC" $((H0[$g-e] + 40))
	hits_reach $g "$GDEC" $((H0[$g-d] + 40))
	s=b0${g#g} e=b1${g#g}
	for p in vm up; do
		check_eq "$g: $p eswitch_packets delta" "$(delta "$s" "$e" $p eswitch_packets)" 40
	done
	check_eq "$g: vm rx_packets delta (slow path)" "$(delta "$s" "$e" vm rx_packets)" 0
	check_le "$g: up rx_packets delta (slow path: underlay ARP at most)" "$(delta "$s" "$e" up rx_packets)" 2
done
n=$(pcap_count gwb "ip.src == 192.168.2.1 && ip.dst == 192.168.2.2 && gre.key == 7000 && gre.proto == 0x6558 && gre.flags.key == 1 && icmp")
check_ge "wire: GRE A -> B (key 7000, 0x6558, K)" "$n" 40
n=$(pcap_count gwa "ip.src == 192.168.2.2 && ip.dst == 192.168.2.1 && gre.key == 7000 && gre.proto == 0x6558 && gre.flags.key == 1 && icmp")
check_ge "wire: GRE B -> A (key 7000, 0x6558, K)" "$n" 40
for c in gwa gwb; do
	bad=$(tshark -n -o ip.check_checksum:TRUE -r "$OE_TMP/$c.pcap" \
		-Y '_ws.malformed || _ws.expert.severity >= error || ip.checksum.status=="Bad"' 2>/dev/null | wc -l)
	check_eq "wire ($c): malformed or bad-checksum frames" "$bad" 0
done
ctlj ga offload dump testpmd | json_get j | grep -v '^$' >"$OE_TMP/dump_gre.txt" || true
log "dump A: $(cat "$OE_TMP/dump_gre.txt")"
check_eq "dump A: flow create lines" "$(grep -c '^flow create ' "$OE_TMP/dump_gre.txt" || true)" 2
grep -q "^set raw_encap " "$OE_TMP/dump_gre.txt" || fail "dump A: no set raw_encap line"
grep -q "^set raw_decap " "$OE_TMP/dump_gre.txt" || fail "dump A: no set raw_decap line"
grep -qE "^flow create .* / gre_key value is 7000 .* actions raw_decap index [0-9]+ / represented_port ethdev_port_id [0-9]+ / count / end\$" \
	"$OE_TMP/dump_gre.txt" || fail "dump A: no GRE decap flow line"
grep -qE "^flow create .* actions raw_encap index [0-9]+ / represented_port ethdev_port_id [0-9]+ / count / end\$" \
	"$OE_TMP/dump_gre.txt" || fail "dump A: no GRE encap flow line"
testpmd_replay "$OE_TMP/dump_gre.txt" "gre"

log "B2. VTEP removal on A removes A's rules only"
snap b2a ga
ctl_ok ga network red vtep del 192.168.2.2
wait_for 5 cmd_eq "nrules ga" 0 || fail "A: rules left after vtep del: $(rules ga)"
snap b3a ga
check_eq "A: removals (vtep del)" "$(odelta b2a b3a removals)" 2
check_eq "B: rules (untouched)" "$(nrules gb)" 2
check_eq "offload failures (A, B)" "$(ostat ga failures) $(ostat gb failures)" "0 0"
nfva_down ga
nfva_down gb
