#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test_overlay_vxlan6_group: VXLAN over IPv6 with an IPv6 multicast group:
# nfva and a Linux kernel vxlan device both with `group ff05::100`
# (id 6000, dstport 4789). BUM goes to the group, replies unicast to the
# VTEP learned from the outer source; nfva joins the group with MLDv2.
#
#   ns V1 (vm1 10.1.1.20)                                ns V2 (vm2 10.1.1.30)
#        eth0 --- vm1p: port vm1                              eth0 --- vm2p
#   nfva: network blue (vni 6000, group ff05::100)        br0 --- vx (kernel vxlan 6000,
#   net_af_packet0: port uplink                                     group ff05::100 dev u2)
#        u1 2001:db8:1::249 ======= veth (underlay) ======= u2 2001:db8:1::252 nodad
#   ---- ns H1 ----                                       ---- ns H2 ----
#
# tshark on u2. Checks:
# - vm1 -> vm2 and vm2 -> vm1 3/3 (each ARP request is BUM: nfva's to the
#   group, the kernel's to the group too, decapsulated by nfva);
# - nfva's BUM: to ff05::100, Ethernet 33:33:00:00:01:00, hop limit 1, UDP
#   checksum valid, VNI 6000; its unicast replies to ::252 with hop limit 64;
# - the kernel's BUM to the group reached vm1 (nfva learned vm2 behind
#   ::252); nfva's fdb exactly {vm1 -> port vm1, vm2 -> vtep ::252};
# - nfva's MLDv2 report: from its link-local address (EUI-64 of u1's MAC),
#   to ff02::16, hop limit 1, Router Alert, one record for ff05::100 of
#   type 4 (change to exclude), valid checksum;
# - nothing malformed, no bad checksum (verified); no uplink drops but not_for_us (the kernel's MLD).
set -eu -o pipefail
# shellcheck source=tests/lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"

netns_require
need tshark tshark
need bridge iproute2

NF_IP6=2001:db8:1::249 K_IP6=2001:db8:1::252 GROUP=ff05::100
NF6="ipv6.src == $NF_IP6 && udp.dstport == 4789 && vxlan && !icmpv6"
K6="ipv6.src == $K_IP6 && udp.dstport == 4789 && vxlan && !icmpv6"

two_hosts ovg6
ipv6_on "$H2" u2
ip -n "$H2" addr add "$K_IP6/64" dev u2 nodad
ip -n "$H2" link add br0 type bridge mcast_snooping 0
ip -n "$H2" link set br0 up
ip -n "$H2" link set vm2p master br0
ip -n "$H2" link add vx type vxlan id 6000 dstport 4789 local "$K_IP6" group "$GROUP" dev u2 \
	learning
ip -n "$H2" link set vx master br0
ip -n "$H2" link set vx up
sleep 2.5 # the kernel's first MLD reports (u2's address, the group) are over

cat >"$TEST_TMP/g.conf" <<-CONF
	$(uplink_conf u1 "$NF_IP6/64" vm1=vm1p)
	network add blue vni 6000 encap vxlan group $GROUP
	network blue attach vm1
CONF
cap_start g "$H2" u2
nfva_up g "$H1" "$TEST_TMP/g.conf"
check_eq "network blue group" "$(ctlj g network show blue | json_get "j[0]['overlay']['group']")" \
	"$GROUP"
check_ping "vm1 -> vm2 (10.1.1.30)" "$V1" 10.1.1.30 3
ip -n "$V2" neigh flush dev eth0 # vm2 asks for vm1: the kernel's BUM to the group
check_ping "vm2 -> vm1 (10.1.1.20)" "$V2" 10.1.1.20 3
check_eq "nfva fdb blue (mac port vtep)" "$(ctlj g fdb show | json_get '",".join(sorted(
	"%s %s %s" % (e["mac"].lower(), e["port"], e["vtep"]) for e in j if e["network"] == "blue"))')" \
	"$(printf '%s\n' "$VM1_MAC vm1 None" "$VM2_MAC uplink $K_IP6" | sort | paste -sd, -)"
cap_stop g

check_pcap "nfva's BUM to the group" g "$NF6 && ipv6.dst == $GROUP" 1 \
	"eth.dst=v == '33:33:00:00:01:00'" 'ipv6.hlim=v == "1"' 'udp.checksum=int(v, 0) != 0' \
	'vxlan.vni=v == "6000"' 'ipv6.flow=0 < int(v, 0)'
check_pcap "nfva's ARP request went to the group" g \
	"$NF6 && arp.opcode == 1 && arp.dst.proto_ipv4 == 10.1.1.30" 1 "ipv6.dst=v == '$GROUP'"
check_pcap "nfva's unicast to the kernel VTEP" g "$NF6 && ipv6.dst == $K_IP6" 3 \
	'ipv6.hlim=v == "64"' 'udp.checksum=int(v, 0) != 0'
check_pcap "the kernel's BUM to the group (vm2's ARP request)" g \
	"$K6 && ipv6.dst == $GROUP && arp.opcode == 1 && arp.src.proto_ipv4 == 10.1.1.30" 1 \
	'vxlan.vni=v == "6000"'
LL=$("$PY" -c 'import ipaddress, sys
b = bytes.fromhex(sys.argv[1].replace(":", ""))
print(ipaddress.IPv6Address(b"\xfe\x80" + bytes(6) + bytes([b[0] ^ 2]) + b[1:3] + b"\xff\xfe" + b[3:]))' \
	"$U1_MAC")
check_pcap "nfva's MLDv2 report" g "icmpv6.type == 143 && eth.src == $U1_MAC" 1 \
	"ipv6.src=v == '$LL'" 'ipv6.dst=v == "ff02::16"' 'ipv6.hlim=v == "1"' \
	'ipv6.opt.router_alert=v == "0"' "icmpv6.mldr.mar.multicast_address=v == '$GROUP'" \
	'icmpv6.mldr.mar.record_type=v == "4"' 'icmpv6.checksum.status=v == "1"' \
	'eth.dst=v == "33:33:00:00:00:16"'
pcap_no_malformed g
check_eq "uplink drops other than not_for_us" \
	"$(ctlj g port show stats uplink | json_get "sorted(k for k in j['uplink']['dropped'] if k != 'not_for_us')")" "[]"
nfva_down g
log "PASS"
