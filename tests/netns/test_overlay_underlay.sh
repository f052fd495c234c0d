#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test_underlay: nfva's underlay against plain kernel namespaces — ARP
# resolution of an on-link VTEP, a VTEP in another subnet reached through the
# gateway (a real router namespace), ARP replies and ICMP echo for the VTEP
# address, a neighbour changing MAC (gratuitous ARP), a static neighbour that
# needs no ARP, and non-tunnel traffic to the uplink that must never reach a VM.
#
#   ns V1 (vm1 10.1.1.20)
#        eth0
#         |
#        vm1p: net_af_packet1, port vm1
#   nfva (ns H1), network blue: vxlan 6000, vteps 192.168.1.252, 10.99.0.5,
#        |                      192.168.1.77 (static neighbour 02:00:00:00:77:77)
#        u1 192.168.1.249/24, gateway 192.168.1.1: net_af_packet0, port uplink
#        |
#        s1 ---- br0 (ns SW, plain bridge; tshark on s1) ---- s2 ---- u2 ns P
#                  |                                    192.168.1.252; vx: vxlan 6000
#                  s3                                   remote .249, 10.1.1.30 on vx
#                  |
#        g0 192.168.1.1  ns G (router, ip_forward=1)  g1 10.99.0.1
#                                                      |
#                                      f0 10.99.0.5  ns F; vx: vxlan 6000 remote .249,
#                                                    10.1.1.40 on vx, default via .1
#
# Phase A (start-up; capture on s1 from before nfva starts):
#   neighbours are exactly .1 (the gateway, g0's MAC) and .252 (u2's MAC),
#   reachable, and .77 permanent; no ARP request for .77 nor for 10.99.0.5
#   ever leaves; vm1 pings 10.1.1.30 and 10.1.1.40 (through the router),
#   P and F ping the VTEP address; VXLAN to 10.99.0.5 leaves with the
#   gateway's MAC, to .252 with u2's, to .77 with the static MAC; nfva's ARP
#   replies carry the uplink MAC and match its requests_answered counter.
# Phase B: u2 changes MAC and announces it (gratuitous ARP): nfva's entry
#   follows (one update), later VXLAN to .252 carries the new MAC; a
#   gratuitous ARP claiming another MAC for the static .77 changes nothing.
# Phase C: UDP to port 9999, TCP SYNs and GRE that is not L2 sent to the VTEP
#   address: counted not_tunnel exactly, an unknown VNI counted unknown_vni,
#   none of it seen on vm1 (tshark there); a valid VXLAN frame sent with them
#   arrives on vm1 exactly once (the capture works).
set -eu -o pipefail
# shellcheck source=tests/lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"

netns_require
need tshark tshark
"$PY" -c 'import scapy.all' 2>/dev/null || skip "scapy is missing for $PY (apt-get install python3-scapy)"

H1=oun-h1-$TEST_ID SW=oun-sw-$TEST_ID P=oun-p-$TEST_ID G=oun-g-$TEST_ID F=oun-f-$TEST_ID V1=oun-v1-$TEST_ID
ns_add "$H1" "$SW" "$P" "$G" "$F" "$V1"
veth "$V1" eth0 "$H1" vm1p
veth "$H1" u1 "$SW" s1
veth "$P" u2 "$SW" s2
veth "$G" g0 "$SW" s3
veth "$G" g1 "$F" f0
ip -n "$SW" link add br0 type bridge mcast_snooping 0
for s in s1 s2 s3; do ip -n "$SW" link set "$s" master br0; done
ip -n "$SW" link set br0 up
ip -n "$V1" addr add 10.1.1.20/24 dev eth0
ip -n "$P" addr add 192.168.1.252/24 dev u2
ip -n "$P" link add vx type vxlan id 6000 dstport 4789 local 192.168.1.252 remote 192.168.1.249 dev u2
ip -n "$P" addr add 10.1.1.30/24 dev vx
ip -n "$P" link set vx up
ip -n "$G" addr add 192.168.1.1/24 dev g0
ip -n "$G" addr add 10.99.0.1/24 dev g1
ip netns exec "$G" sysctl -qw net.ipv4.ip_forward=1
ip -n "$F" addr add 10.99.0.5/24 dev f0
ip -n "$F" route add default via 10.99.0.1
ip -n "$F" link add vx type vxlan id 6000 dstport 4789 local 10.99.0.5 remote 192.168.1.249 dev f0
ip -n "$F" addr add 10.1.1.40/24 dev vx
ip -n "$F" link set vx up

U1_MAC=$(mac_of "$H1" u1)
U2_MAC=$(mac_of "$P" u2)
G0_MAC=$(mac_of "$G" g0)
STATIC_MAC=02:00:00:00:77:77
log "u1 (nfva uplink) $U1_MAC, u2 (P) $U2_MAC, g0 (gateway) $G0_MAC"

CONF="$TEST_TMP/nfva.conf"
cat >"$CONF" <<EOF
port add uplink dev $(afp 0 u1)
port add vm1 dev $(afp 1 vm1p)
underlay set uplink uplink ip 192.168.1.249/24 gateway 192.168.1.1
neigh add 192.168.1.77 lladdr $STATIC_MAC
network add blue vni 6000 encap vxlan
network blue attach vm1
network blue vtep add 192.168.1.252
network blue vtep add 10.99.0.5
network blue vtep add 192.168.1.77
EOF

# neigh_list: "ip state lladdr" of every neighbour, sorted, comma separated.
neigh_list() {
	ctlj nfva neigh show | json_get '",".join(sorted("%s %s %s" % (n["ip"], n["state"],
		(n["lladdr"] or "-").lower()) for n in j))'
}
neigh_is() { [ "$(neigh_field nfva "$1" "$2" | tr A-F a-f)" = "$3" ]; }

# ===== phase A: resolution, gateway, static neighbour, VTEP address ===========
log "===== phase A ====="
cap_start a "$SW" s1
nfva_up nfva "$H1" "$CONF"
check_eq "fdb entries before traffic" "$(ctlj nfva fdb summary | json_get "j['entries']")" 0
check_eq "vm1 rx_packets before traffic" "$(port_counter nfva vm1 rx_packets)" 0
check_eq "underlay (uplink ip/len gateway)" \
	"$(ctlj nfva underlay show | json_get '"%s %s/%s %s" % (j["uplink"], j["ip"], j["prefix_len"], j["gateway"])')" \
	"uplink 192.168.1.249/24 192.168.1.1"

wait_for 10 neigh_is 192.168.1.252 state reachable || true
wait_for 10 neigh_is 192.168.1.1 state reachable || true
echo "nfva: neigh show"; ctl nfva neigh show
check_eq "neighbours at start-up (ip state lladdr)" "$(neigh_list)" \
	"192.168.1.1 reachable $G0_MAC,192.168.1.252 reachable $U2_MAC,192.168.1.77 permanent $STATIC_MAC"

check_ping "vm1 -> 10.1.1.30 (kernel vxlan on-link, 192.168.1.252)" "$V1" 10.1.1.30 3
check_ping "vm1 -> 10.1.1.40 (kernel vxlan behind the router, 10.99.0.5)" "$V1" 10.1.1.40 3
# P and G learned nfva's MAC from its own ARP requests: make them ask.
ip -n "$P" neigh flush dev u2
ip -n "$G" neigh flush dev g0
check_ping "P -> VTEP address 192.168.1.249" "$P" 192.168.1.249 3
check_ping "F -> VTEP address 192.168.1.249 (routed)" "$F" 192.168.1.249 3
check_eq "P's ARP entry for 192.168.1.249" \
	"$(ip -n "$P" -j neigh show 192.168.1.249 dev u2 | json_get "j[0]['lladdr']")" "$U1_MAC"
check_eq "neighbours after traffic (no entry for off-link 10.99.0.5)" "$(neigh_list)" \
	"192.168.1.1 reachable $G0_MAC,192.168.1.252 reachable $U2_MAC,192.168.1.77 permanent $STATIC_MAC"
answered=$(neigh_stat nfva requests_answered)
echo "nfva: fdb show"; ctl nfva fdb show
check_eq "fdb: vteps of the remote MACs" \
	"$(ctlj nfva fdb show | json_get '",".join(sorted(e["vtep"] for e in j if e["vtep"]))')" \
	"10.99.0.5,192.168.1.252"
check_eq "uplink drops" "$(port_drops nfva uplink)" "{}"
cap_stop a

check_ge "nfva ARP requests for 192.168.1.252" \
	"$(pcap_count a "arp.opcode == 1 && eth.src == $U1_MAC && arp.dst.proto_ipv4 == 192.168.1.252 && !vxlan")" 1
check_ge "nfva ARP requests for the gateway 192.168.1.1" \
	"$(pcap_count a "arp.opcode == 1 && eth.src == $U1_MAC && arp.dst.proto_ipv4 == 192.168.1.1 && !vxlan")" 1
check_eq "nfva ARP requests for the static neighbour 192.168.1.77" \
	"$(pcap_count a "arp.opcode == 1 && arp.dst.proto_ipv4 == 192.168.1.77")" 0
check_eq "nfva ARP requests for the off-link VTEP 10.99.0.5" \
	"$(pcap_count a "arp.opcode == 1 && arp.dst.proto_ipv4 == 10.99.0.5")" 0
check_pcap_all "nfva ARP requests: sender IP" a "arp.opcode == 1 && eth.src == $U1_MAC && !vxlan" \
	arp.src.proto_ipv4 'v == "192.168.1.249"' 2
check_pcap_all "nfva ARP replies (to P and G): sender MAC" a \
	"arp.opcode == 2 && arp.src.proto_ipv4 == 192.168.1.249 && !vxlan" \
	arp.src.hw_mac "v == '$U1_MAC'" 2
check_eq "nfva ARP replies on the wire == neigh requests_answered" \
	"$(pcap_count a "arp.opcode == 2 && arp.src.proto_ipv4 == 192.168.1.249 && !vxlan")" "$answered"
nf="eth.src == $U1_MAC && vxlan"
check_pcap_all "VXLAN to 10.99.0.5: outer dst MAC (gateway)" a "$nf && ip.dst == 10.99.0.5" \
	eth.dst "v == '$G0_MAC'" 3
check_eq "VXLAN to 10.99.0.5: inner ICMP requests" \
	"$(pcap_count a "$nf && ip.dst == 10.99.0.5 && icmp.type == 8")" 3
check_pcap_all "VXLAN to 192.168.1.252: outer dst MAC (u2)" a "$nf && ip.dst == 192.168.1.252" \
	eth.dst "v == '$U2_MAC'" 3
check_eq "VXLAN to 192.168.1.252: inner ICMP requests" \
	"$(pcap_count a "$nf && ip.dst == 192.168.1.252 && icmp.type == 8")" 3
check_pcap_all "VXLAN to 192.168.1.77: outer dst MAC (static)" a "$nf && ip.dst == 192.168.1.77" \
	eth.dst "v == '$STATIC_MAC'" 1
check_pcap_all "ICMP echo replies of the VTEP address: TTL" a \
	"eth.src == $U1_MAC && icmp.type == 0 && !vxlan" ip.ttl 'v == "64"' 6
pcap_no_malformed a

# ===== phase B: a neighbour changes MAC; a static one does not ===============
log "===== phase B ====="
NEW_MAC=02:00:00:00:52:52
updates=$(neigh_stat nfva updates)
cap_start b "$SW" s1
ip -n "$P" link set dev u2 address "$NEW_MAC"
garp "$P" u2 192.168.1.252
# Someone else claims the static neighbour's address.
ip netns exec "$P" "$PY" "$NT_LIB/tools/send_arp.py" garp u2 192.168.1.77 02:00:00:00:66:66
wait_for 5 neigh_is 192.168.1.252 lladdr "$NEW_MAC" || true
check_eq "neigh 192.168.1.252 after its gratuitous ARP" \
	"$(neigh_field nfva 192.168.1.252 lladdr | tr A-F a-f) $(neigh_field nfva 192.168.1.252 state)" \
	"$NEW_MAC reachable"
check_eq "neigh 192.168.1.77 (static) after a competing gratuitous ARP" \
	"$(neigh_field nfva 192.168.1.77 lladdr | tr A-F a-f) $(neigh_field nfva 192.168.1.77 state)" \
	"$STATIC_MAC permanent"
check_eq "neigh updates counted" "$(neigh_stat nfva updates)" $((updates + 1))
check_ping "vm1 -> 10.1.1.30 after the MAC change" "$V1" 10.1.1.30 3
cap_stop b
check_ge "gratuitous ARP for 192.168.1.252 on the wire" \
	"$(pcap_count b "arp.src.proto_ipv4 == 192.168.1.252 && arp.dst.proto_ipv4 == 192.168.1.252 && eth.src == $NEW_MAC")" 1
# "After the change": from the first echo request of the ping, which starts
# once nfva holds the new MAC. The capture began before the MAC changed, so
# a frame nfva sent earlier (vm1's ARP refresh, say) rightly has the old one.
first=$(pcap_fields b "$nf && ip.dst == 192.168.1.252 && icmp.type == 8" frame.number | head -n 1)
[ -n "$first" ] || fail "capture b has no VXLAN echo request to 192.168.1.252"
log "VXLAN frames to 192.168.1.252 with the old MAC before the ping: $(pcap_count b "$nf && eth.dst == $U2_MAC && frame.number < $first")"
check_pcap_all "VXLAN to 192.168.1.252 after the change: outer dst MAC" b \
	"$nf && ip.dst == 192.168.1.252 && frame.number >= $first" eth.dst "v == '$NEW_MAC'" 3
check_eq "VXLAN to 192.168.1.252 after the change: inner ICMP requests" \
	"$(pcap_count b "$nf && ip.dst == 192.168.1.252 && icmp.type == 8")" 3
check_eq "VXLAN frames with the old MAC after the change" \
	"$(pcap_count b "$nf && eth.dst == $U2_MAC && frame.number >= $first")" 0
pcap_no_malformed b

# ===== phase C: nothing but the overlay crosses into the VM ====================
log "===== phase C ====="
# No ARP refresh may reach vm1 in this phase: pin the overlay neighbours.
vmac() { ip -n "$1" -j link show "$2" | json_get "j[0]['address']"; }
ip -n "$V1" neigh replace 10.1.1.30 lladdr "$(vmac "$P" vx)" nud permanent dev eth0
ip -n "$V1" neigh replace 10.1.1.40 lladdr "$(vmac "$F" vx)" nud permanent dev eth0
ip -n "$P" neigh replace 10.1.1.20 lladdr "$(vmac "$V1" eth0)" nud permanent dev vx
ip -n "$F" neigh replace 10.1.1.20 lladdr "$(vmac "$V1" eth0)" nud permanent dev vx
sleep 1
not_tunnel=$(port_drop nfva uplink not_tunnel)
unknown_vni=$(port_drop nfva uplink unknown_vni)
vm1_tx=$(port_counter nfva vm1 tx_packets)
cap_start c "$V1" eth0
ip netns exec "$P" "$PY" - <<EOF
from scapy.all import Ether, IP, UDP, TCP, GRE, Raw, sendp
from scapy.layers.vxlan import VXLAN
eth = Ether(src="$NEW_MAC", dst="$U1_MAC")
ip = IP(src="192.168.1.252", dst="192.168.1.249")
inner = (Ether(src="02:00:00:00:99:99", dst="ff:ff:ff:ff:ff:ff") /
         IP(src="10.1.1.99", dst="10.1.1.255") / UDP(sport=9998, dport=9998) / Raw(b"control"))
frames = (
    [eth / ip / UDP(sport=40000 + i, dport=9999) / Raw(b"not a tunnel") for i in range(5)] +  # not_tunnel
    [eth / ip / TCP(sport=41000 + i, dport=80, flags="S") for i in range(3)] +               # not_tunnel
    [eth / ip / GRE(proto=0x0800) / IP(src="10.9.9.9", dst="10.1.1.20") / UDP(dport=9999)
     for _ in range(2)] +                                                                   # not_tunnel
    [eth / ip / UDP(sport=50000, dport=4789) / VXLAN(vni=6001) / inner] +                    # unknown_vni
    [eth / ip / UDP(sport=50001, dport=4789) / VXLAN(vni=6000) / inner]                      # delivered
)
sendp(frames, iface="u2", verbose=False)
EOF
check_eq_wait "uplink not_tunnel drops (5 UDP:9999 + 3 TCP SYN + 2 GRE/IPv4)" \
	$((not_tunnel + 10)) port_drop nfva uplink not_tunnel
check_eq_wait "uplink unknown_vni drops (VNI 6001)" $((unknown_vni + 1)) \
	port_drop nfva uplink unknown_vni
check_eq_wait "vm1: frames nfva sent (only the valid VXLAN one)" $((vm1_tx + 1)) \
	port_counter nfva vm1 tx_packets
cap_stop c
check_eq "vm1 capture: UDP 9999, TCP 80 or GRE" \
	"$(pcap_count c "udp.port == 9999 || tcp.port == 80 || gre || ip.src == 10.9.9.9")" 0
check_eq "vm1 capture: the decapsulated control frame" \
	"$(pcap_count c "eth.src == 02:00:00:00:99:99 && udp.dstport == 9998")" 1
check_eq "uplink drops other than not_tunnel/unknown_vni" \
	"$(ctlj nfva port show stats uplink | json_get "sorted(set(j['uplink']['dropped']) - {'not_tunnel', 'unknown_vni'})")" "[]"

nfva_down nfva
echo "PASS: test_underlay"
