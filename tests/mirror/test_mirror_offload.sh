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
#       v1                 v2                 v3                 vt
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
# shellcheck source=tests/mirror/lib.sh
. "$(dirname "$0")/lib.sh"

mt_require
H="mf-h-$MT_ID" VT="mf-tap-$MT_ID"
ns_add "$H" "$VT"
for k in 1 2 3; do
	ns_add "mf-vm$k-$MT_ID"
	veth "mf-vm$k-$MT_ID" eth0 "$H" "v$k"
	ip -n "mf-vm$k-$MT_ID" addr add "10.0.0.$k/24" dev eth0
done
veth "$VT" eth0 "$H" vt
VC="mf-col-$MT_ID"
ns_add "$VC"
veth "$VC" eth0 "$H" vu
ip -n "$VC" addr add 192.0.2.9/24 dev eth0
VM1="mf-vm1-$MT_ID" VM2="mf-vm2-$MT_ID" VM3="mf-vm3-$MT_ID"
M1=$(mac_of "$VM1" eth0) M2=$(mac_of "$VM2" eth0) M3=$(mac_of "$VM3" eth0)
pin "$VM1" 10.0.0.2 "$M2"; pin "$VM3" 10.0.0.2 "$M2"
pin "$VM2" 10.0.0.1 "$M1"; pin "$VM2" 10.0.0.3 "$M3"

cat >"$MT_TMP/h.conf" <<EOF
port add up dev $(afp 0 vu) eswitch emulated
port add vm1 dev $(afp 1 v1) vf-of up
port add vm2 dev $(afp 2 v2) vf-of up
port add vm3 dev $(afp 3 v3) vf-of up
port add tap dev $(afp 4 vt) vf-of up
network add lan
network lan attach vm1
network lan attach vm2
network lan attach vm3
offload set idle-timeout 300
underlay set uplink up ip 192.0.2.1/24
neigh add 192.0.2.9 lladdr $(mac_of "$VC" eth0)
EOF
nfva_up h "$H" "$MT_TMP/h.conf"
check_eq "caps: l2 offloaded" "$(ctlj h offload show caps |
	json_get "[c['support'] for c in j if c['shape'] == 'l2'][0]")" offloaded

f_l2() { echo "r['kind'] == 'l2' and r['in'] == '$1' and r['out'] == '$2' and r['state'] == 'offloaded'"; }
nrules() { ctlj h offload show | json_get "len([r for r in j if (${1:-True})])"; }
F_VM1="r['in'] == 'vm1' or r['out'] == 'vm1'"
# ping_until NS IP FILTER: pings (<= 20) until a rule matching FILTER exists
ping_until() {
	for k in $(seq 20); do
		[ "$(ping_rx "$1" "$2" 1)" = 1 ] || fail "ping $2 from $1: no reply"
		wait_for 1 cmd_eq "nrules \"$3\"" 1 && { echo "$k"; return 0; }
	done
	fail "no rule [$3] after 20 pings: $(ctl h offload show)"
}
# snap NAME: `port show`, `stats`, `mirror show` into $MT_TMP/NAME.json
snap() {
	{ echo '{"ports":'; ctlj h port show; echo ', "stats":'; ctlj h stats; echo ', "mirrors":'
		ctlj h mirror show; echo '}'; } >"$MT_TMP/$1.json"
}
# delta A B PORT KEY; odelta A B KEY (offload section of stats)
delta() {
	"$PY" -c '
import json, sys
a, b = (json.load(open(sys.argv[i])) for i in (1, 2))
def v(s):
    return {p["name"]: p["counters"] for p in s["ports"]}[sys.argv[3]][sys.argv[4]]
print(v(b) - v(a))' "$MT_TMP/$1.json" "$MT_TMP/$2.json" "$3" "$4"
}
odelta() {
	"$PY" -c '
import json, sys
a, b = (json.load(open(sys.argv[i])) for i in (1, 2))
print(b["stats"]["offload"][sys.argv[3]] - a["stats"]["offload"][sys.argv[3]])' \
		"$MT_TMP/$1.json" "$MT_TMP/$2.json" "$3"
}
pings() { check_ping "${1%-"$MT_ID"} -> $2 x$3" "$1" "$2" "$3"; }

log "1. four L2 rules in the e-switch"
for pair in "$VM1 10.0.0.2 vm1 vm2" "$VM3 10.0.0.2 vm3 vm2"; do
	set -- $pair
	ping_until "$1" "$2" "$(f_l2 "$4" "$3")" >/dev/null
	ping_until "$1" "$2" "$(f_l2 "$3" "$4")" >/dev/null
done
check_eq "offloaded rules" "$(nrules "r['state'] == 'offloaded'")" 4
snap s1a
pings "$VM1" 10.0.0.2 10
snap s1b
check_eq "vm1 eswitch_packets delta" "$(delta s1a s1b vm1 eswitch_packets)" 10
check_eq "vm2 eswitch_packets delta" "$(delta s1a s1b vm2 eswitch_packets)" 10
check_eq "vm1 rx_packets (slow path) delta" "$(delta s1a s1b vm1 rx_packets)" 0

log "2. mirror add on vm1: its flows' rules are rebuilt with SAMPLE at once"
ctl_ok h mirror add m1 source vm1 direction both to port tap
snap s2
check_eq "rebuilds right after mirror add" "$(odelta s1b s2 rebuilds)" 2
check_eq "removals right after mirror add" "$(odelta s1b s2 removals)" 2
check_eq "offloaded rules with vm1" "$(nrules "($F_VM1) and r['state'] == 'offloaded'")" 2
check_eq "vm1 -> vm2 mirror" "$(ctlj h offload show | json_get "[r['mirror'] for r in j if r['in'] == 'vm1'][0]")" \
	"in: e-switch SAMPLE 1/1 for m1"
check_eq "vm2 -> vm1 mirror" "$(ctlj h offload show | json_get "[r['mirror'] for r in j if r['out'] == 'vm1'][0]")" \
	"out: e-switch SAMPLE 1/1 for m1"
check_eq "vm3 rules without mirror" "$(nrules "(r['in'] == 'vm3' or r['out'] == 'vm3') and r['mirror'] is None")" 2
check_ge "testpmd dump: sample actions" "$(ctlj h offload dump testpmd | json_get "j.count('sample ratio 1')")" 2
check_eq "mirror show m1 rules_sample" "$(ctlj h mirror show m1 | json_get "j[0]['offload']['rules_sample']")" 2

log "3. the e-switch makes originals and copies"
hits() { ctlj h offload show | json_get "sum(r['hits'] for r in j if r['in'] == 'vm1' or r['out'] == 'vm1')"; }
h0=$(hits)
cap_start tap "$VT" eth0
pings "$VM1" 10.0.0.2 10
wait_for 5 cmd_eq "mcount h m1 mirrored_eswitch" 20 || true
cap_stop tap
snap s3
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
snap s4a
check_eq "offloaded rules with vm1" "$(nrules "($F_VM1) and r['state'] == 'offloaded'")" 2
check_eq "vm1 -> vm2 mirror" "$(ctlj h offload show | json_get "[r['mirror'] for r in j if r['in'] == 'vm1'][0]")" \
	"in: copies made in software (filter on IP/L4 fields)"
check_eq "mirror show m1 rules_copies_in_software" \
	"$(ctlj h mirror show m1 | json_get "j[0]['offload']['rules_copies_in_software']")" 2
cap_start tap "$VT" eth0
pings "$VM1" 10.0.0.2 10
wait_for 5 cmd_eq "mcount h m1 mirrored" 20 || true
cap_stop tap
snap s4b
check_eq "vm1 eswitch_packets delta" "$(delta s4a s4b vm1 eswitch_packets)" 10
check_eq "vm2 eswitch_packets delta" "$(delta s4a s4b vm2 eswitch_packets)" 10
check_eq "vm1 rx_packets (slow path) delta" "$(delta s4a s4b vm1 rx_packets)" 0
check_eq "mirror show m1 (mirrored filtered sampled dropped)" "$(mcounters h m1)" "20 0 0 0"
check_eq "mirror show m1 mirrored_eswitch" "$(mcount h m1 mirrored_eswitch)" 0
check_eq "analyser: 20 copies of 60 bytes" "$(pcap_count tap "icmp && frame.len == 60")" 20
check_eq "analyser: nothing else" "$(pcap_count tap "frame")" 20

log "5. mirror del: the rules are rebuilt without SAMPLE"
ctl_ok h mirror del m1
snap s5a
check_eq "rebuilds right after mirror del" "$(odelta s4b s5a rebuilds)" 2
check_eq "rules with vm1 and a mirror" "$(nrules "($F_VM1) and r['mirror'] is not None")" 0
pings "$VM1" 10.0.0.2 10
snap s5b
check_eq "vm1 eswitch_packets delta" "$(delta s5a s5b vm1 eswitch_packets)" 10
check_eq "vm1 rx_packets (slow path) delta" "$(delta s5a s5b vm1 rx_packets)" 0
check_eq "tap tx_packets delta" "$(delta s5a s5b tap tx_packets)" 0

log "6. VXLAN collector behind the uplink: SAMPLE with RAW_ENCAP"
ctl_ok h mirror add m2 source vm3 direction in to vxlan 192.0.2.9 vni 900
wait_for 5 cmd_eq "ctlj h offload show | json_get \"[r['mirror'] for r in j if r['in'] == 'vm3'][0]\"" \
	"in: e-switch SAMPLE 1/1 for m2" || true
check_eq "vm3 -> vm2 mirror" "$(ctlj h offload show | json_get "[r['mirror'] for r in j if r['in'] == 'vm3'][0]")" \
	"in: e-switch SAMPLE 1/1 for m2"
snap s6a
cap_start col "$VC" eth0
pings "$VM3" 10.0.0.2 10
wait_for 5 cmd_eq "mcount h m2 mirrored_eswitch" 10 || true
cap_stop col
snap s6b
check_eq "vm3 rx_packets (slow path) delta" "$(delta s6a s6b vm3 rx_packets)" 0
check_eq "vm3 eswitch_packets delta" "$(delta s6a s6b vm3 eswitch_packets)" 10
check_eq "mirror show m2 mirrored, mirrored_eswitch" "$(mcount h m2 mirrored) $(mcount h m2 mirrored_eswitch)" "10 10"
check_eq "collector: VXLAN copies (not its own ICMP errors)" "$(pcap_count col "vxlan && !(icmp.type == 3)")" 10
check_eq "collector: vni 900, 192.0.2.1 -> 192.0.2.9, inner vm3 -> vm2 requests" \
	"$(pcap_count col "!(icmp.type == 3) && vxlan.vni == 900 && ip.src == 192.0.2.1 && ip.dst == 192.0.2.9 && udp.srcport >= 49152 && icmp.type == 8 && eth.src == $M3")" 10
pcap_no_malformed col

nfva_down h
echo "PASS: test_mirror_offload"
