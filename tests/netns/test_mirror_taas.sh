#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test_mirror_taas: the seed scenario "port mirroring across a tunnel" (the
# OpenStack Tap-as-a-Service article): vm1 <-> vm2 and vm3 <-> vm2 traffic,
# both directions of vm1 and vm3 mirrored to vm4 on the other host over VXLAN.
#
#  ns V1 10.0.0.1   ns V3 10.0.0.3                ns V2 10.0.0.2   ns V4 (collector,
#     eth0             eth0                          eth0             tshark, no IP)
#      |                |                             |                 |
#     vm1p             vm3p                          vm2p              vm4p
#  [ nfva #1 in H1: lan vni 100 ]               [ nfva #2 in H2: lan vni 100,
#    mirror taas: source vm1,vm3 both             taas vni 3904 (member vm4) ]
#      to vxlan 192.168.1.2 vni 3904
#     u1 192.168.1.1 ============ veth ============ u2 192.168.1.2
#
# The VMs have permanent neighbours (no ARP): the only frames are the pings,
# so copies can be counted exactly. VNI 3904 is the article's taas_id 0xf40.
# host2's taas network is a `collector`: it never learns from the copies
# (the TaaS article's question 1), so every copy is flooded to vm4.
#
# Phase 1, whole ports (TaaS): 5 pings vm1 -> vm2 and 5 pings vm3 -> vm2.
#   - vm4 receives exactly 20 ICMP frames: 5 requests 10.0.0.1 -> .2, 5
#     replies .2 -> .1, 5 requests .3 -> .2, 5 replies .2 -> .3; nothing
#     else; byte for byte the frames captured on vm1's and vm3's eth0 (the
#     copy is the frame as the VM sees it);
#   - on the underlay (captured on u2, which sees what host1 sends: DPDK's
#     af_packet bypasses the qdisc, so host2's own transmissions are not
#     captured there): 20 VXLAN frames in VNI 3904, all from 192.168.1.1 to
#     192.168.1.2 (no flooding: nfva knows where the collector is), I flag
#     set; 10 in VNI 100 (the echo requests themselves);
#   - `mirror show taas` on host1: mirrored 20, filtered_out 0,
#     sampled_out 0, dropped 0; host2's vm4 port sent 20 frames;
#   - nothing malformed (tshark, checksums checked) on any capture.
# Phase 2, filter "proto icmp and dst 10.0.0.2" (only ICMP to vm2, the
#   article's wish "only traffic to 8.8.8.8"): same pings; vm4 receives the
#   10 requests only; counters mirrored 10, filtered_out 10.
# Phase 3, filter "dst 10.0.0.1/32" (only traffic to one address), direction
#   both: vm4 receives vm2's 5 replies to vm1 only; mirrored 5,
#   filtered_out 15.
set -eu -o pipefail
# shellcheck source=tests/lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"

netns_require
need tshark tshark
H1=mt-h1-$TEST_ID H2=mt-h2-$TEST_ID
V1=mt-v1-$TEST_ID V2=mt-v2-$TEST_ID V3=mt-v3-$TEST_ID V4=mt-v4-$TEST_ID
ns_add "$H1" "$H2" "$V1" "$V2" "$V3" "$V4"
veth "$H1" u1 "$H2" u2
veth "$V1" eth0 "$H1" vm1p
veth "$V3" eth0 "$H1" vm3p
veth "$V2" eth0 "$H2" vm2p
veth "$V4" eth0 "$H2" vm4p
ip -n "$V1" addr add 10.0.0.1/24 dev eth0
ip -n "$V2" addr add 10.0.0.2/24 dev eth0
ip -n "$V3" addr add 10.0.0.3/24 dev eth0
M1=$(mac_of "$V1" eth0) M2=$(mac_of "$V2" eth0) M3=$(mac_of "$V3" eth0)
pin "$V1" 10.0.0.2 "$M2"; pin "$V3" 10.0.0.2 "$M2"
pin "$V2" 10.0.0.1 "$M1"; pin "$V2" 10.0.0.3 "$M3"
log "vm1 $M1, vm2 $M2, vm3 $M3"

{ uplink_conf u1 192.168.1.1/24 vm1=vm1p vm3=vm3p; cat <<EOF; } >"$TEST_TMP/h1.conf"
network add lan vni 100 encap vxlan
network lan attach vm1
network lan attach vm3
network lan vtep add 192.168.1.2
EOF
{ uplink_conf u2 192.168.1.2/24 vm2=vm2p vm4=vm4p; cat <<EOF; } >"$TEST_TMP/h2.conf"
network add lan vni 100 encap vxlan
network lan attach vm2
network lan vtep add 192.168.1.1
network add taas vni 3904 encap vxlan collector
network taas attach vm4
EOF
# Static FDB entries across the tunnel: no unknown-unicast flooding (the first
# ping would otherwise also reach vm3 and be mirrored as "out" there).
echo "fdb add $M2 network lan vtep 192.168.1.2" >>"$TEST_TMP/h1.conf"
echo "fdb add $M1 network lan vtep 192.168.1.1" >>"$TEST_TMP/h2.conf"
echo "fdb add $M3 network lan vtep 192.168.1.1" >>"$TEST_TMP/h2.conf"
# MT_TAAS_STATIC=1: the TaaS article's workaround for its question 1 (the
# collector's bridge learns the mirrored MACs behind the tunnel and then
# drops the copies): pin the mirrored MACs to vm4 in the collector network.
if [ "${MT_TAAS_STATIC:-0}" = 1 ]; then
	for mac in "$M1" "$M2" "$M3"; do echo "fdb add $mac network taas port vm4"; done \
		>>"$TEST_TMP/h2.conf"
fi
nfva_up h1 "$H1" "$TEST_TMP/h1.conf"
nfva_up h2 "$H2" "$TEST_TMP/h2.conf"
ctl_ok h1 mirror add taas source vm1,vm3 direction both to vxlan 192.168.1.2 vni 3904
wait_for 10 cmd_eq "neigh_field h1 192.168.1.2 state" reachable ||
	fail "host1 did not resolve host2's VTEP 192.168.1.2: $(ctl h1 neigh show)"
check_eq "mirror show taas: counters before" "$(mcounters h1 taas)" "0 0 0 0"
check_eq "mirror show taas: destination" \
	"$(ctlj h1 mirror show taas | json_get "j[0]['to']")" \
	'{"ip": "192.168.1.2", "kind": "vxlan", "vni": 3904}'
check_eq "mirror show taas: sources, direction" \
	"$(ctlj h1 mirror show taas | json_get "' '.join(j[0]['sources']) + ' ' + j[0]['direction']")" \
	"vm1 vm3 both"

# run_phase NAME: captures on vm4, vm1, vm3 and the underlay, 5 + 5 pings
run_phase() {
	cap_start "$1-vm4" "$V4" eth0
	cap_start "$1-vm1" "$V1" eth0
	cap_start "$1-vm3" "$V3" eth0
	cap_start "$1-ul" "$H2" u2
	check_ping "$1: vm1 -> vm2" "$V1" 10.0.0.2 5
	check_ping "$1: vm3 -> vm2" "$V3" 10.0.0.2 5
	for c in vm4 vm1 vm3 ul; do cap_stop "$1-$c"; done
	for c in vm4 vm1 vm3 ul; do pcap_no_malformed "$1-$c"; done
}
# icmp_counts NAME: "req1 rep1 req3 rep3 other" of a capture on vm4
icmp_counts() {
	local f=$1-vm4
	echo "$(pcap_count "$f" "icmp.type == 8 && ip.src == 10.0.0.1 && ip.dst == 10.0.0.2")" \
		"$(pcap_count "$f" "icmp.type == 0 && ip.src == 10.0.0.2 && ip.dst == 10.0.0.1")" \
		"$(pcap_count "$f" "icmp.type == 8 && ip.src == 10.0.0.3 && ip.dst == 10.0.0.2")" \
		"$(pcap_count "$f" "icmp.type == 0 && ip.src == 10.0.0.2 && ip.dst == 10.0.0.3")" \
		"$(pcap_count "$f" "!(icmp.type == 8 || icmp.type == 0)")"
}

log "phase 1: whole ports, both directions (TaaS)"
tx0=$(port_counter h2 vm4 tx_packets)
run_phase p1
# The collector network learns the mirrored MACs (vm1, vm2, vm3) behind
# host1's VTEP from the copies themselves; a copy whose destination MAC is
# then "behind the tunnel it came from" must still reach vm4 (TaaS article,
# question 1), not be dropped by split horizon.
check_eq "p1: host2 drops no copy by split horizon (collector network)" \
	"$(ctlj h2 port show stats uplink | json_get "j['uplink']['dropped'].get('split_horizon', 0)")" 0
check_eq "p1: vm4 receives (req vm1, rep vm1, req vm3, rep vm3, other)" "$(icmp_counts p1)" \
	"5 5 5 5 0"
same=$("$PY" "$NT_LIB/tools/samebytes.py" "$TEST_TMP/p1-vm4.pcap" "$TEST_TMP/p1-vm1.pcap" \
	"$TEST_TMP/p1-vm3.pcap") || fail "p1: vm4's copies are not the frames vm1 and vm3 saw: $same"
check_eq "p1: vm4's copies = the frames on vm1's and vm3's eth0, byte for byte" "$same" "same 20"
check_eq "p1: underlay VXLAN frames in vni 3904" "$(pcap_count p1-ul "vxlan.vni == 3904")" 20
check_eq "p1: ... all from 192.168.1.1 to 192.168.1.2, I flag set" \
	"$(pcap_count p1-ul "vxlan.vni == 3904 && ip.src == 192.168.1.1 && ip.dst == 192.168.1.2 && vxlan.flag_i == 1")" 20
check_eq "p1: underlay VXLAN frames in vni 100, host1 -> host2 (the requests)" \
	"$(pcap_count p1-ul "vxlan.vni == 100 && ip.src == 192.168.1.1")" 10
check_eq "p1: mirror show taas (mirrored filtered sampled dropped)" "$(mcounters h1 taas)" "20 0 0 0"
check_eq "p1: host2 vm4 tx_packets" "$(($(port_counter h2 vm4 tx_packets) - tx0))" 20

log "phase 2: filter \"proto icmp and dst 10.0.0.2\" (only ICMP to vm2)"
ctl_ok h1 mirror del taas
ctl_ok h1 mirror add taas2 source vm1,vm3 direction both filter "proto icmp and dst 10.0.0.2" \
	to vxlan 192.168.1.2 vni 3904
check_eq "mirror show taas2 filter" "$(ctlj h1 mirror show taas2 | json_get "j[0]['filter']")" \
	"proto icmp and dst 10.0.0.2"
run_phase p2
check_eq "p2: vm4 receives (req vm1, rep vm1, req vm3, rep vm3, other)" "$(icmp_counts p2)" \
	"5 0 5 0 0"
check_eq "p2: mirror show taas2" "$(mcounters h1 taas2)" "10 10 0 0"
check_eq "p2: underlay VXLAN frames in vni 3904" "$(pcap_count p2-ul "vxlan.vni == 3904")" 10

log "phase 3: filter \"dst 10.0.0.1/32\" (only traffic to one address)"
ctl_ok h1 mirror del taas2
ctl_ok h1 mirror add taas3 source vm1,vm3 direction both filter "dst 10.0.0.1/32" \
	to vxlan 192.168.1.2 vni 3904
run_phase p3
check_eq "p3: vm4 receives (req vm1, rep vm1, req vm3, rep vm3, other)" "$(icmp_counts p3)" \
	"0 5 0 0 0"
check_eq "p3: mirror show taas3" "$(mcounters h1 taas3)" "5 15 0 0"

nfva_down h1
nfva_down h2
echo "PASS: test_mirror_taas"
