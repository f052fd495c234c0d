#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test_vhost_ping: two tiny guests (QEMU TCG, started directly) on nfva
# vhost-user ports of one network ping each other through nfva; the ports
# are VFs of an emulated e-switch, so after the first packets their flows run
# as offloaded rules. One guest's QEMU is then killed and started again (a
# guest "reboot"): nfva reconnects by itself and the new guest's UDP
# datagrams reach the other guest.
#
#   guest g1 (10.0.0.1)             guest g2 (10.0.0.2)
#   virtio-net, vectors=0           virtio-net, vectors=0
#        |  vhost-user, QEMU listens     |
#   $TEST_TMP/vhost/g1.sock           $TEST_TMP/vhost/g2.sock
#        |  nfva connects (client=1)     |
#   port g1 ---------- nfva: network lan ---------- port g2
#      (VF of "up")   emulated e-switch of port up     (VF of "up")
#
# Ports come from `guest port add lan vhost-user` (the same path as
# `nfvactl guest-xml`); counters are checked on both ports.
set -euo pipefail
# shellcheck source=tests/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_require
vm_guest

cat > "$TEST_TMP/nfva.conf" <<EOF
network add lan
port add up dev net_null0,no-rx=1 eswitch emulated
EOF
nfva_up nfva "" "$TEST_TMP/nfva.conf"

for g in 1 2; do
	ctlj nfva guest port add lan vhost-user name "g$g" mac "52:54:00:00:00:0$g" \
		dir "$TEST_TMP/vhost" vf-of up > "$TEST_TMP/g$g.json"
	check_eq "g$g socket" "$(json_get "j['socket']" < "$TEST_TMP/g$g.json")" "$TEST_TMP/vhost/g$g.sock"
	check_eq "g$g libvirt mode (QEMU listens)" "$(json_get "j['mode']" < "$TEST_TMP/g$g.json")" server
done
check_eq "guest ports" "$(ctlj nfva guest port show | json_get "len(j)")" 2

qemu_guest g1 "$TEST_TMP/vhost/g1.sock" 52:54:00:00:00:01 "nfva.ip=10.0.0.1/24 nfva.peer=10.0.0.2"
qemu_guest g2 "$TEST_TMP/vhost/g2.sock" 52:54:00:00:00:02 "nfva.ip=10.0.0.2/24 nfva.peer=10.0.0.1"
check_guest "g1 boots" "$TEST_TMP/g1.console" "nfva-guest: ready" 120
check_guest "g2 boots" "$TEST_TMP/g2.console" "nfva-guest: ready" 120
check_guest "g1 pings g2 through nfva" "$TEST_TMP/g1.console" "nfva-guest: ping0 ok 10.0.0.2" 120
check_guest "g2 pings g1 through nfva" "$TEST_TMP/g2.console" "nfva-guest: ping0 ok 10.0.0.1" 120
check_eq "g1 link" "$(ctlj nfva port show g1 | json_get "j[0]['link']")" up
# What each guest sent reached nfva: through the slow path (the representor)
# or, once a rule exists, through the emulated e-switch — how it splits
# depends on when the rule landed, the sum does not.
guest_rx() { echo $(($(port_counter nfva "$1" rx_packets) + $(port_counter nfva "$1" eswitch_packets))); }
check_ge "g1 rx packets (slow path + e-switch)" "$(guest_rx g1)" 2
check_ge "g2 rx packets (slow path + e-switch)" "$(guest_rx g2)" 2
# Both guests are VFs of the emulated e-switch: their flows run "in hardware".
rule_hits() { # IN OUT: hits of the offloaded L2 rule from port IN to port OUT (-1: none)
	ctlj nfva offload show | json_get \
		"([r['hits'] for r in j if r['in'] == '$1' and r['out'] == '$2' and r['state'] == 'offloaded'] or [-1])[0]"
}
check_ge "offloaded rule g1 -> g2 (hits)" "$(rule_hits g1 g2)" 0
check_ge "offloaded rule g2 -> g1 (hits)" "$(rule_hits g2 g1)" 0
check_ge "e-switch hits of both rules" "$(($(rule_hits g1 g2) + $(rule_hits g2 g1)))" 1
check_eq "FDB: g2's MAC on port g2" \
	"$(ctlj nfva fdb show | json_get "[e['port'] for e in j if e['mac'] == '52:54:00:00:00:02'][0]")" g2

log "guest g2 goes away: its QEMU is killed"
stop_pid "${QEMU_PID[g2]}" TERM
for _ in $(seq 50); do
	[ "$(ctlj nfva port show g2 | json_get "j[0]['link']")" = down ] && break
	sleep 0.2
done
check_eq "g2 link after QEMU exit" "$(ctlj nfva port show g2 | json_get "j[0]['link']")" down
g2_in() { echo $(($(port_counter nfva g2 rx_packets) + $(port_counter nfva g2 eswitch_packets))); }
rx_before=$(g2_in)
# To g1: by the slow path (g1 tx) or by the e-switch rule g2 -> g1 (its hits).
g1_out() { local h; h=$(rule_hits g2 g1); echo $(($(port_counter nfva g1 tx_packets) + (h < 0 ? 0 : h))); }
out_before=$(g1_out)

log "guest g2 comes back (new QEMU on the same socket): UDP, then ping"
args="nfva.ip=10.0.0.2/24 nfva.peer=10.0.0.1 nfva.job=udp nfva.port=5000 nfva.count=10"
qemu_guest g2b "$TEST_TMP/vhost/g2.sock" 52:54:00:00:00:02 "$args"
check_guest "g2 sends UDP after the reconnect" "$TEST_TMP/g2b.console" "nfva-guest: udp0 sent 10" 150
check_eq "g2 link after the reconnect" "$(ctlj nfva port show g2 | json_get "j[0]['link']")" up
check_ge "g2 packets since the reconnect, slow path + e-switch (10 UDP + ARP)" \
	"$(($(g2_in) - rx_before))" 10
check_ge "frames to g1 since the reconnect, slow path + e-switch (the datagrams)" \
	"$(($(g1_out) - out_before))" 10

log "ports go away cleanly"
ctl nfva guest port del g1 > /dev/null
ctl nfva guest port del g2 > /dev/null
check_eq "guest ports left" "$(ctlj nfva guest port show | json_get "len(j)")" 0
check_eq "ports left (the uplink)" "$(ctlj nfva port show | json_get "[p['name'] for p in j]")" '["up"]'
echo "PASS: test_vhost_ping"
