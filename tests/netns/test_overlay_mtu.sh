#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test_overlay_mtu: the encapsulation overhead against an uplink MTU of 1500.
# VXLAN adds 50 bytes to the inner frame (outer Ethernet 14 + IPv4 20 + UDP 8
# + VXLAN 8), GRE with a key 42 (14 + 20 + GRE 4 + key 4), so the largest
# inner IP packet is 1450 (VXLAN) and 1458 (GRE): `network show` says so
# (inner_mtu), the largest packets leave as 1500-byte outer IP packets, and
# one byte more is dropped and counted mtu_exceeded on the VM's port (the VMs
# have MTU 1500, so they do send those frames).
#
#   ns V1 (vm1 10.1.1.20)    ns V2 (vm2 10.2.2.20, static neighbour 10.2.2.30)
#        eth0                     eth0
#         |                        |
#        vm1p: port vm1           vm2p: port vm2
#   nfva (ns H1): network blue (vxlan 6000) <- vm1, network green (gre 5001) <- vm2
#        u1 192.168.1.249/24, MTU 1500: port uplink
#         |
#        u2 192.168.1.252 (ns P; tshark on u2); vx: kernel vxlan 6000 remote .249,
#           10.1.1.30/24 on vx (MTU 1450); nothing terminates GRE there.
#
# Before: zero drops. After:
# - vm1 pings 10.1.1.30 with 1422 data bytes (IP 1450), DF set: 3/3;
#   with 1423 (IP 1451): 0/3, vm1 mtu_exceeded == 3;
# - vm2 sends 3 echo requests of 1430 data bytes (IP 1458) to 10.2.2.30 over
#   GRE, then 3 of 1431: vm2 mtu_exceeded == 3;
# - on the wire: exactly 3 VXLAN and 3 GRE frames with outer IP length 1500,
#   none longer; nothing malformed;
# - uplink drops: only not_tunnel, exactly the ICMP errors P's kernel
#   returned for the GRE it cannot terminate.
set -eu -o pipefail
# shellcheck source=tests/lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"

netns_require
need tshark tshark

H1=omt-h1-$TEST_ID P=omt-p-$TEST_ID V1=omt-v1-$TEST_ID V2=omt-v2-$TEST_ID
ns_add "$H1" "$P" "$V1" "$V2"
veth "$H1" u1 "$P" u2
veth "$V1" eth0 "$H1" vm1p
veth "$V2" eth0 "$H1" vm2p
ip -n "$V1" addr add 10.1.1.20/24 dev eth0
ip -n "$V2" addr add 10.2.2.20/24 dev eth0
ip -n "$V2" neigh add 10.2.2.30 lladdr 02:00:00:00:30:30 nud permanent dev eth0
ip -n "$P" addr add 192.168.1.252/24 dev u2
ip -n "$P" link add vx type vxlan id 6000 dstport 4789 local 192.168.1.252 remote 192.168.1.249 dev u2
ip -n "$P" addr add 10.1.1.30/24 dev vx
ip -n "$P" link set vx up
check_eq "P's vx MTU" "$(ip -n "$P" -j link show vx | json_get "j[0]['mtu']")" 1450

CONF="$TEST_TMP/nfva.conf"
{ uplink_conf u1 192.168.1.249/24 vm1=vm1p vm2=vm2p; cat <<EOF; } >"$CONF"
network add blue vni 6000 encap vxlan
network blue attach vm1
network blue vtep add 192.168.1.252
network add green vni 5001 encap gre
network green attach vm2
network green vtep add 192.168.1.252
EOF
cap_start mtu "$P" u2
nfva_up nfva "$H1" "$CONF"

check_eq "underlay MTU" "$(ctlj nfva underlay show | json_get "j['mtu']")" 1500
check_eq "inner_mtu of blue (vxlan)" \
	"$(ctlj nfva network show blue | json_get "j[0]['overlay']['inner_mtu']")" 1450
check_eq "inner_mtu of green (gre)" \
	"$(ctlj nfva network show green | json_get "j[0]['overlay']['inner_mtu']")" 1458
for p in vm1 vm2 uplink; do check_eq "$p drops before" "$(port_drops nfva "$p")" "{}"; done

# --- VXLAN: 1450 passes, 1451 does not ---------------------------------------------
check_eq "vm1 -> 10.1.1.30, IP 1450, DF: replies" \
	"$(ping_rx "$V1" 10.1.1.30 3 -s 1422 -M "do")" 3
check_eq "vm1 -> 10.1.1.30, IP 1451, DF: replies" \
	"$(PING_WAIT=1 ping_rx "$V1" 10.1.1.30 3 -s 1423 -M "do")" 0
check_eq_wait "vm1 mtu_exceeded" 3 port_drop nfva vm1 mtu_exceeded

# --- GRE: 1458 passes, 1459 does not -----------------------------------------------
# vm2 sends nothing else (static neighbour, no IPv6): its rx count is exact.
PING_WAIT=1 ping_rx "$V2" 10.2.2.30 3 -s 1430 -M "do" >/dev/null
check_eq_wait "vm2 rx_packets after 3 echo requests of IP 1458" 3 port_counter nfva vm2 rx_packets
check_eq "vm2 mtu_exceeded after IP 1458" "$(port_drop nfva vm2 mtu_exceeded)" 0
PING_WAIT=1 ping_rx "$V2" 10.2.2.30 3 -s 1431 -M "do" >/dev/null
check_eq_wait "vm2 rx_packets after 3 more of IP 1459" 6 port_counter nfva vm2 rx_packets
check_eq_wait "vm2 mtu_exceeded after IP 1459" 3 port_drop nfva vm2 mtu_exceeded

cap_stop mtu
U1_MAC=$(mac_of "$H1" u1)
U2_MAC=$(mac_of "$P" u2)
check_eq "VXLAN frames with outer IP length 1500" \
	"$(pcap_count mtu "eth.src == $U1_MAC && vxlan && ip.len == 1500")" 3
check_pcap_all "VXLAN frames with outer IP length 1500: inner ICMP echo requests" mtu \
	"eth.src == $U1_MAC && vxlan && ip.len == 1500" icmp.type 'v == "8"' 3
check_eq "GRE frames with outer IP length 1500" \
	"$(pcap_count mtu "eth.src == $U1_MAC && gre && ip.len == 1500")" 3
check_eq "frames from nfva longer than 1514 bytes" \
	"$(pcap_count mtu "eth.src == $U1_MAC && frame.len > 1514")" 0
check_eq "kernel VXLAN replies with outer IP length 1500" \
	"$(pcap_count mtu "eth.src == $U2_MAC && vxlan && ip.len == 1500 && icmp.type == 0")" 3
pcap_no_malformed mtu
unreach=$(pcap_count mtu "ip.src == 192.168.1.252 && icmp.type == 3 && !vxlan")
check_eq "uplink drops (only P's $unreach ICMP errors about GRE)" "$(port_drops nfva uplink)" \
	"$([ "$unreach" -gt 0 ] && echo "{\"not_tunnel\": $unreach}" || echo "{}")"
check_eq "vm1 drops" "$(port_drops nfva vm1)" '{"mtu_exceeded": 3}'
check_eq "vm2 drops" "$(port_drops nfva vm2)" '{"mtu_exceeded": 3}'

nfva_down nfva
echo "PASS: test_overlay_mtu"
