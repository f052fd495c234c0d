#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test_mirror_offload: mirror sessions and already-offloaded flows (the
# kube-ovn / OVS complaint: mirror changes not applied to cached flows).
#
#   ns vm1 10.0.0.1    ns vm2 10.0.0.2    ns vm3 10.0.0.3    ns tap (analyser, tshark)
#       eth0               eth0               eth0               eth0
#   ----|------------------|------------------|------------------|------ ns host ---
#       v1                 v2                 v3                 vt
#   port vm1 vf-of up  port vm2 vf-of up  port vm3 vf-of up  port tap (no network)
#           \________________ | __________________/
#                [ emulated e-switch: rules ] -- miss --> nfva slow path, network lan
#                port up (net_null0,no-rx=1) eswitch emulated
#
# Permanent neighbours in the VMs: the only frames are the pings.
# 1. vm1 <-> vm2 and vm3 <-> vm2 pings until their four L2 rules are in the
#    e-switch; then 10 pings vm1 -> vm2 run there (eswitch_packets +10 on
#    vm1 and vm2, slow path +0).
# 2. `mirror add m1 source vm1 direction both to port tap`: when the command
#    returns, the two rules of vm1's flows are gone (`offload show` lists
#    none with vm1, the vm3 <-> vm2 rules stay, `stats` offload
#    invalidations +2 and removals +2). `mirror show m1` says the flows stay
#    in software.
# 3. 10 pings vm1 -> vm2: all answered by the slow path (rx_packets +10 on
#    vm1 and vm2, eswitch_packets +0), every one copied: m1 mirrored 20,
#    tap sent 20, the analyser captures the 10 requests and 10 replies; vm1's
#    flows are not offloaded again while the session exists (no rule with
#    vm1; requests for them are turned down: stale rises); vm3 -> vm2 still
#    runs in the e-switch.
# 4. `mirror del m1`: the rules come back after a ping or two (installs +2)
#    and 10 more pings run in the e-switch (eswitch_packets +10, slow path
#    +0, the tap sends nothing more).
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
VM1="mf-vm1-$MT_ID" VM2="mf-vm2-$MT_ID" VM3="mf-vm3-$MT_ID"
M1=$(mac_of "$VM1" eth0) M2=$(mac_of "$VM2" eth0) M3=$(mac_of "$VM3" eth0)
pin "$VM1" 10.0.0.2 "$M2"; pin "$VM3" 10.0.0.2 "$M2"
pin "$VM2" 10.0.0.1 "$M1"; pin "$VM2" 10.0.0.3 "$M3"

cat >"$MT_TMP/h.conf" <<EOF
port add up dev net_null0,no-rx=1 eswitch emulated
port add vm1 dev $(afp 1 v1) vf-of up
port add vm2 dev $(afp 2 v2) vf-of up
port add vm3 dev $(afp 3 v3) vf-of up
port add tap dev $(afp 4 vt)
network add lan
network lan attach vm1
network lan attach vm2
network lan attach vm3
offload set idle-timeout 300
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

log "2. mirror add on vm1: its flows' rules go at once"
ctl_ok h mirror add m1 source vm1 direction both to port tap
check_eq "rules with vm1 right after mirror add" "$(nrules "$F_VM1")" 0
check_eq "rules vm3 <-> vm2 stay" "$(nrules "$(f_l2 vm3 vm2)") $(nrules "$(f_l2 vm2 vm3)")" "1 1"
snap s2
check_eq "offload invalidations delta" "$(odelta s1b s2 invalidations)" 2
check_eq "offload removals delta" "$(odelta s1b s2 removals)" 2
check_eq "mirror show m1 offload" "$(ctlj h mirror show m1 | json_get "j[0]['offload']")" \
	"software: copies are made by the slow path; flows of the source ports stay in software while the session exists"

log "3. mirrored flows run in the slow path, every frame copied"
cap_start tap "$VT" eth0
pings "$VM1" 10.0.0.2 10
pings "$VM3" 10.0.0.2 5
cap_stop tap
snap s3
check_eq "vm1 rx_packets (slow path) delta" "$(delta s2 s3 vm1 rx_packets)" 10
check_eq "vm2 rx_packets (slow path) delta: vm1's 10 replies" "$(delta s2 s3 vm2 rx_packets)" 10
check_eq "vm1 eswitch_packets delta" "$(delta s2 s3 vm1 eswitch_packets)" 0
check_eq "vm3 eswitch_packets delta (vm3 -> vm2 still offloaded)" "$(delta s2 s3 vm3 eswitch_packets)" 5
check_eq "mirror show m1 (mirrored filtered sampled dropped)" "$(mcounters h m1)" "20 0 0 0"
check_eq "tap tx_packets delta" "$(delta s2 s3 tap tx_packets)" 20
check_eq "analyser: echo requests vm1 -> vm2" \
	"$(pcap_count tap "icmp.type == 8 && ip.src == 10.0.0.1 && ip.dst == 10.0.0.2")" 10
check_eq "analyser: echo replies vm2 -> vm1" \
	"$(pcap_count tap "icmp.type == 0 && ip.src == 10.0.0.2 && ip.dst == 10.0.0.1")" 10
check_eq "analyser: nothing else" "$(pcap_count tap "frame")" 20
pcap_no_malformed tap
check_eq "rules with vm1 while mirrored" "$(nrules "$F_VM1")" 0
check_ge "offload requests turned down (stale) while mirrored" "$(odelta s2 s3 stale)" 1

log "4. mirror del: the rules come back"
ctl_ok h mirror del m1
n=$(ping_until "$VM1" 10.0.0.2 "$(f_l2 vm2 vm1)")
n=$((n + $(ping_until "$VM1" 10.0.0.2 "$(f_l2 vm1 vm2)")))
log "both rules back after $n pings"
snap s4a
check_eq "installs since the mirror was deleted" "$(odelta s3 s4a installs)" 2
pings "$VM1" 10.0.0.2 10
snap s4b
check_eq "vm1 eswitch_packets delta" "$(delta s4a s4b vm1 eswitch_packets)" 10
check_eq "vm2 eswitch_packets delta" "$(delta s4a s4b vm2 eswitch_packets)" 10
check_eq "vm1 rx_packets (slow path) delta" "$(delta s4a s4b vm1 rx_packets)" 0
check_eq "tap tx_packets delta" "$(delta s3 s4b tap tx_packets)" 0

nfva_down h
echo "PASS: test_mirror_offload"
