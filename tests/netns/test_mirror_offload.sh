#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test_mirror_offload: mirror sessions on flows the e-switch carries (SAMPLE),
# and session changes applied to already-installed rules at once (the
# kube-ovn / OVS complaint: mirror changes not applied to cached flows).
#
#   ns vm1 10.0.0.1    ns vm2 10.0.0.2    ns vm3 10.0.0.3    ns tap (analyser, tshark)
#       eth0               eth0               eth0               eth0
#   ----|------------------|------------------|------------------|------ ns host ---
#     vm1-PID            vm2-PID            vm3-PID              vt
#   port vm1 vf-of up  port vm2 vf-of up  port vm3 vf-of up  port tap vf-of up (no network)
#           \________________ | __________________/_______________/
#                [ emulated e-switch: rules ] -- miss --> nfva slow path, network lan
#                port up (net_null0,no-rx=1) eswitch emulated
#
# Permanent neighbours in the VMs: the only frames are the pings.
# 1. vm1 <-> vm2 and vm3 <-> vm2 pings until their four L2 rules are in the
#    e-switch; 10 pings vm1 -> vm2 run there (slow path +0).
# 2. `mirror add m1 source vm1 direction both to port tap`: when the command
#    returns, vm1's two rules have been rebuilt in place (rebuilds +2, still
#    offloaded, no rule removed): vm1 -> vm2 carries "in: e-switch SAMPLE"
#    and vm2 -> vm1 "out: e-switch SAMPLE"; the vm3 rules are untouched;
#    `offload dump testpmd` shows the sample actions; `mirror show` counts
#    2 rules with SAMPLE.
# 3. 10 pings vm1 -> vm2: originals and copies all made by the e-switch
#    (eswitch_packets +10 on vm1 and vm2, slow path +0, the rules' hits +10
#    each), m1 mirrored 20 of which mirrored_eswitch 20, the analyser
#    captures exactly the 10 requests and 10 replies, byte-complete.
# 4. the session is replaced by one with `snaplen 60 filter "proto icmp"`:
#    rules rebuilt at once, now "copies made in software": 10 pings still
#    carried by the e-switch (slow path +0), the e-switch hands one marked
#    copy per frame to the slow path, which filters and truncates: m1
#    mirrored 20 (mirrored_eswitch 0), analyser 20 frames of 60 bytes.
# 5. `mirror del m1`: rules rebuilt without SAMPLE (rebuilds +2), 10 pings in
#    the e-switch, the tap sends nothing more.
# 6. `mirror add m2 source vm3 direction in to vxlan 192.0.2.9 vni 900` (a
#    TaaS-style collector behind the uplink, the PF of the same e-switch):
#    vm3 -> vm2's rule gets SAMPLE with RAW_ENCAP + the uplink; 10 pings: the
#    collector namespace receives exactly 10 VXLAN copies (vni 900, outer
#    192.0.2.1 -> 192.0.2.9, inner vm3's echo requests, UDP source port in
#    the entropy range), all made by the e-switch (slow path +0).
set -eu -o pipefail
# shellcheck source=tests/lib/lan.sh
. "$(dirname "$0")/../lib/lan.sh"

netns_require
need tshark tshark
lan_setup
lan_static_neigh
H=$NS_HOST VM1=$(ns_vm vm1) VM3=$(ns_vm vm3)
M3=$(vm_mac vm3)
VT="mf-tap-$TEST_ID" VC="mf-col-$TEST_ID"
ns_add "$VT" "$VC"
veth "$VT" eth0 "$H" vt
veth "$VC" eth0 "$H" vu
ip -n "$VC" addr add 192.0.2.9/24 dev eth0

cat >"$TEST_TMP/h.conf" <<EOF
port add up dev $(afp 0 vu) eswitch emulated
port add vm1 dev $(vm_devargs vm1 1) vf-of up
port add vm2 dev $(vm_devargs vm2 2) vf-of up
port add vm3 dev $(vm_devargs vm3 3) vf-of up
port add tap dev $(afp 4 vt) vf-of up
network add lan
network lan attach vm1
network lan attach vm2
network lan attach vm3
offload set idle-timeout 300
underlay set uplink up ip 192.0.2.1/24
neigh add 192.0.2.9 lladdr $(mac_of "$VC" eth0)
EOF
nfva_up h "$H" "$TEST_TMP/h.conf"
check_eq "caps: l2 offloaded" "$(ctlj h offload show caps |
	json_get "[c['support'] for c in j if c['shape'] == 'l2'][0]")" offloaded

# l2_on A B: the offloaded L2 rule from port A to port B.
l2_on() { echo "$(f_l2 "$1" "$2") and r['state'] == 'offloaded'"; }
F_VM1="r['in'] == 'vm1' or r['out'] == 'vm1'"
pings() { check_ping "${1%-"$TEST_ID"} -> $2 x$3" "$1" "$2" "$3"; }

log "1. four L2 rules in the e-switch"
for pair in "$VM1 10.0.0.2 vm1 vm2" "$VM3 10.0.0.2 vm3 vm2"; do
	set -- $pair
	ping_until h "$1" "$2" "$(l2_on "$4" "$3")" >/dev/null
	ping_until h "$1" "$2" "$(l2_on "$3" "$4")" >/dev/null
done
check_eq "offloaded rules" "$(nrules h "r['state'] == 'offloaded'")" 4
snap s1a h
pings "$VM1" 10.0.0.2 10
snap s1b h
check_eq "vm1 eswitch_packets delta" "$(delta s1a s1b vm1 eswitch_packets)" 10
check_eq "vm2 eswitch_packets delta" "$(delta s1a s1b vm2 eswitch_packets)" 10
check_eq "vm1 rx_packets (slow path) delta" "$(delta s1a s1b vm1 rx_packets)" 0

log "2. mirror add on vm1: its flows' rules are rebuilt with SAMPLE at once"
ctl_ok h mirror add m1 source vm1 direction both to port tap
snap s2 h
check_eq "rebuilds right after mirror add" "$(odelta s1b s2 rebuilds)" 2
check_eq "removals right after mirror add" "$(odelta s1b s2 removals)" 2
check_eq "offloaded rules with vm1" "$(nrules h "($F_VM1) and r['state'] == 'offloaded'")" 2
check_eq "vm1 -> vm2 mirror" "$(ctlj h offload show | json_get "[r['mirror'] for r in j if r['in'] == 'vm1'][0]")" \
	"in: e-switch SAMPLE 1/1 for m1"
check_eq "vm2 -> vm1 mirror" "$(ctlj h offload show | json_get "[r['mirror'] for r in j if r['out'] == 'vm1'][0]")" \
	"out: e-switch SAMPLE 1/1 for m1"
check_eq "vm3 rules without mirror" "$(nrules h "(r['in'] == 'vm3' or r['out'] == 'vm3') and r['mirror'] is None")" 2
check_ge "testpmd dump: sample actions" "$(ctlj h offload dump testpmd | json_get "j.count('sample ratio 1')")" 2
check_eq "mirror show m1 rules_sample" "$(ctlj h mirror show m1 | json_get "j[0]['offload']['rules_sample']")" 2

log "3. the e-switch makes originals and copies"
hits() { ctlj h offload show | json_get "sum(r['hits'] for r in j if r['in'] == 'vm1' or r['out'] == 'vm1')"; }
h0=$(hits)
cap_start tap "$VT" eth0
pings "$VM1" 10.0.0.2 10
wait_for 5 cmd_eq "mcount h m1 mirrored_eswitch" 20 || true
cap_stop tap
snap s3 h
check_eq "vm1 eswitch_packets delta" "$(delta s2 s3 vm1 eswitch_packets)" 10
check_eq "vm2 eswitch_packets delta" "$(delta s2 s3 vm2 eswitch_packets)" 10
check_eq "vm1 rx_packets (slow path) delta" "$(delta s2 s3 vm1 rx_packets)" 0
check_eq "vm2 rx_packets (slow path) delta" "$(delta s2 s3 vm2 rx_packets)" 0
wait_for 3 cmd_eq hits $((h0 + 20)) || true
check_eq "hits of vm1's rules" "$(($(hits) - h0))" 20
check_eq "mirror show m1 mirrored" "$(mcount h m1 mirrored)" 20
check_eq "mirror show m1 mirrored_eswitch" "$(mcount h m1 mirrored_eswitch)" 20
check_eq "analyser: echo requests vm1 -> vm2" \
	"$(pcap_count tap "icmp.type == 8 && ip.src == 10.0.0.1 && ip.dst == 10.0.0.2 && frame.len == 98")" 10
check_eq "analyser: echo replies vm2 -> vm1" \
	"$(pcap_count tap "icmp.type == 0 && ip.src == 10.0.0.2 && ip.dst == 10.0.0.1 && frame.len == 98")" 10
check_eq "analyser: nothing else" "$(pcap_count tap "frame")" 20
pcap_no_malformed tap

log "4. session changed (snaplen, filter): copies made in software, originals stay offloaded"
ctl_ok h mirror del m1
ctl_ok h mirror add m1 source vm1 direction both filter "proto icmp" snaplen 60 to port tap
snap s4a h
check_eq "offloaded rules with vm1" "$(nrules h "($F_VM1) and r['state'] == 'offloaded'")" 2
check_eq "vm1 -> vm2 mirror" "$(ctlj h offload show | json_get "[r['mirror'] for r in j if r['in'] == 'vm1'][0]")" \
	"in: copies made in software (filter on IP/L4 fields)"
check_eq "mirror show m1 rules_copies_in_software" \
	"$(ctlj h mirror show m1 | json_get "j[0]['offload']['rules_copies_in_software']")" 2
cap_start tap "$VT" eth0
pings "$VM1" 10.0.0.2 10
wait_for 5 cmd_eq "mcount h m1 mirrored" 20 || true
cap_stop tap
snap s4b h
check_eq "vm1 eswitch_packets delta" "$(delta s4a s4b vm1 eswitch_packets)" 10
check_eq "vm2 eswitch_packets delta" "$(delta s4a s4b vm2 eswitch_packets)" 10
check_eq "vm1 rx_packets (slow path) delta" "$(delta s4a s4b vm1 rx_packets)" 0
check_eq "mirror show m1 (mirrored filtered sampled dropped)" "$(mcounters h m1)" "20 0 0 0"
check_eq "mirror show m1 mirrored_eswitch" "$(mcount h m1 mirrored_eswitch)" 0
check_eq "analyser: 20 copies of 60 bytes" "$(pcap_count tap "icmp && frame.len == 60")" 20
check_eq "analyser: nothing else" "$(pcap_count tap "frame")" 20

log "5. mirror del: the rules are rebuilt without SAMPLE"
ctl_ok h mirror del m1
snap s5a h
check_eq "rebuilds right after mirror del" "$(odelta s4b s5a rebuilds)" 2
check_eq "rules with vm1 and a mirror" "$(nrules h "($F_VM1) and r['mirror'] is not None")" 0
pings "$VM1" 10.0.0.2 10
snap s5b h
check_eq "vm1 eswitch_packets delta" "$(delta s5a s5b vm1 eswitch_packets)" 10
check_eq "vm1 rx_packets (slow path) delta" "$(delta s5a s5b vm1 rx_packets)" 0
check_eq "tap tx_packets delta" "$(delta s5a s5b tap tx_packets)" 0

log "6. VXLAN collector behind the uplink: SAMPLE with RAW_ENCAP"
ctl_ok h mirror add m2 source vm3 direction in to vxlan 192.0.2.9 vni 900
wait_for 5 cmd_eq "ctlj h offload show | json_get \"[r['mirror'] for r in j if r['in'] == 'vm3'][0]\"" \
	"in: e-switch SAMPLE 1/1 for m2" || true
check_eq "vm3 -> vm2 mirror" "$(ctlj h offload show | json_get "[r['mirror'] for r in j if r['in'] == 'vm3'][0]")" \
	"in: e-switch SAMPLE 1/1 for m2"
snap s6a h
cap_start col "$VC" eth0
pings "$VM3" 10.0.0.2 10
wait_for 5 cmd_eq "mcount h m2 mirrored_eswitch" 10 || true
cap_stop col
snap s6b h
check_eq "vm3 rx_packets (slow path) delta" "$(delta s6a s6b vm3 rx_packets)" 0
check_eq "vm3 eswitch_packets delta" "$(delta s6a s6b vm3 eswitch_packets)" 10
check_eq "mirror show m2 mirrored, mirrored_eswitch" "$(mcount h m2 mirrored) $(mcount h m2 mirrored_eswitch)" "10 10"
check_eq "collector: VXLAN copies (not its own ICMP errors)" "$(pcap_count col "vxlan && !(icmp.type == 3)")" 10
check_eq "collector: vni 900, 192.0.2.1 -> 192.0.2.9, inner vm3 -> vm2 requests" \
	"$(pcap_count col "!(icmp.type == 3) && vxlan.vni == 900 && ip.src == 192.0.2.1 && ip.dst == 192.0.2.9 && udp.srcport >= 49152 && icmp.type == 8 && eth.src == $M3")" 10
pcap_no_malformed col

nfva_down h
echo "PASS: test_mirror_offload"
