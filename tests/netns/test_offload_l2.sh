#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test_offload_l2: VF -> VF traffic through the emulated e-switch, and the
# lifecycle of its L2 rules (re-attach, MAC move, ageing, offload off/on).
#
#   ns vm1 (10.0.0.1)     ns vm2 (10.0.0.2)     ns vm3 (10.0.0.3)
#       eth0                  eth0                  eth0
#        |                     |                     |
#   -----|---------------------|---------------------|---------- ns host ----
#      vm1-PID               vm2-PID               vm3-PID       (veth peers)
#   net_af_packet1        net_af_packet2        net_af_packet3
#   port vm1 vf-of up     port vm2 vf-of up     port vm3 vf-of up
#        \___________________  |  ___________________/
#                  [ emulated e-switch: rules ]  -- miss --> nfva slow path,
#                              |                             network "lan"
#                    port up (net_null0,no-rx=1) eswitch emulated
#
# Neighbours are pinned in the VMs (no ARP): the only frames are the pings,
# so the slow path's share can be counted exactly. Every step waits for the
# state it needs (rules are installed asynchronously by the control thread),
# so the counts hold on a loaded machine too.
#
# 1. vm1 pings vm2 50 times: ping 1 is flooded (vm2 unknown), its reply asks
#    for rule vm2->vm1; ping 2 (vm2 now known) asks for vm1->vm2; pings 3..50
#    (every 0.05 s) go through the rules. Exact: slow path (rx_packets) +2 on
#    vm1, +1 on vm2; eswitch_packets +48 on vm1, +49 on vm2; rule hits 48 and
#    49, bytes 98 each; both rules l2/offloaded/emulated; vm3 saw only the
#    flooded ping 1. `offload dump testpmd` prints exactly the two
#    `flow create` lines of these rules (compared verbatim), and
#    dpdk-testpmd parses them as `flow validate` (replay_testpmd.py).
# 2. re-attach: port vm2 is deleted (removals +2, no rule left) and its veth
#    added again as port vm2b (vf-of up): vm1 -> vm2 answers, the new rules
#    go vm1 <-> vm2b, and 20 more pings are all carried by them (slow path +0).
# 3. MAC move: vm2 goes down, vm3 takes vm2's MAC and address and sends a
#    gratuitous ARP: the slow path learns the move (moved +1 on vm3, FDB on
#    vm3), the two rules through vm2b are invalidated (invalidations +2),
#    vm1 -> 10.0.0.2 answers from vm3, new rules vm1 <-> vm3 carry 20 pings,
#    and port vm2b sends nothing more.
# 4. ageing: 6 s of pings; 1 s in, `offload set idle-timeout 2` and `fdb
#    ageing 4`. The pings all go through the same rules, whose hits keep
#    the FDB entries alive (slow path +0, no relearning, no rule replaced).
#    After the pings stop: the rules go (idle_removed +2, 2..5 s later), then
#    the FDB entries age out — never one while its rule is still there.
#    (Ageing 4, not 3: nfva's FDB clock counts whole seconds, so an entry can
#    go up to 1 s early; 4 keeps "rules first" certain.)
# 5. `offload off`: both rules removed (removals +2), 30 pings answered all
#    in software (slow path +30 each way, e-switch +0, no request, no rule);
#    `offload on`: the rules come back (installs +2) and carry 20 pings.
#    `offload off port vm3`: both rules (they use vm3) go, 10 pings all in
#    software; `offload on port vm3`: the rules come back.
set -eu -o pipefail
# shellcheck source=tests/lib/lan.sh
. "$(dirname "$0")/../lib/lan.sh"

netns_require
lan_setup
lan_static_neigh
H=$NS_HOST VM1=$(ns_vm vm1) VM2=$(ns_vm vm2) VM3=$(ns_vm vm3)
M1=$(vm_mac vm1) M2=$(vm_mac vm2) M3=$(vm_mac vm3)
log "vm1 $M1, vm2 $M2, vm3 $M3"

CONF="$TEST_TMP/h.conf"
cat >"$CONF" <<EOF
port add up dev net_null0,no-rx=1 eswitch emulated
port add vm1 dev $(vm_devargs vm1 1) vf-of up
port add vm2 dev $(vm_devargs vm2 2) vf-of up
port add vm3 dev $(vm_devargs vm3 3) vf-of up
network add lan
network lan attach vm1
network lan attach vm2
network lan attach vm3
# no idle removal before phase 4 (a slow machine must not race it)
offload set idle-timeout 120
EOF
nfva_up h "$H" "$CONF"
ethdev() { ctlj h port show "$1" | json_get "j[0]['ethdev']"; }
E0=$(ethdev up) E1=$(ethdev vm1) E2=$(ethdev vm2)
check_eq "rules at start" "$(nrules h)" 0
check_eq "caps: l2 offloaded" "$(ctlj h offload show caps |
	json_get "[c['support'] for c in j if c['shape'] == 'l2'][0]")" offloaded

# pings NS IP N: N pings every 0.05 s, all answered
pings() { check_ping_burst "$1 -> $2 x$3" "$1" "$2" "$3" 0.05; }
L12=$(f_l2 vm1 vm2) L21=$(f_l2 vm2 vm1)

log "1. vm1 pings vm2: after the first packets, the e-switch carries both directions"
snap p1a h
ping_then_rule "vm1 -> vm2, ping 1 (flooded)" h "$VM1" 10.0.0.2 "$L21"
ping_then_rule "vm1 -> vm2, ping 2" h "$VM1" 10.0.0.2 "$L12"
pings "$VM1" 10.0.0.2 48
hits_reach h "$L12" 48
hits_reach h "$L21" 49
snap p1b h
log "rules: $(rules h)"
check_eq "rules" "$(nrules h)" 2
check_eq "l2 vm1->vm2: src/dst" "$(rule_field h "$L12" src) $(rule_field h "$L12" dst)" "$M1 $M2"
check_eq "l2 vm2->vm1: src/dst" "$(rule_field h "$L21" src) $(rule_field h "$L21" dst)" "$M2 $M1"
for f in "$L12" "$L21"; do
	check_eq "rule [$f] state/shape/backend/network" "$(rule_field h "$f" state)/$(rule_field h "$f" \
		shape)/$(rule_field h "$f" backend)/$(rule_field h "$f" network)" offloaded/l2/emulated/lan
done
check_eq "rule vm1->vm2 bytes" "$(rule_field h "$L12" bytes)" $((48 * 98))
check_eq "rule vm2->vm1 bytes" "$(rule_field h "$L21" bytes)" $((49 * 98))
check_eq "vm1 rx_packets (slow path) delta" "$(delta p1a p1b vm1 rx_packets)" 2
check_eq "vm2 rx_packets (slow path) delta" "$(delta p1a p1b vm2 rx_packets)" 1
check_eq "vm1 eswitch_packets delta" "$(delta p1a p1b vm1 eswitch_packets)" 48
check_eq "vm2 eswitch_packets delta" "$(delta p1a p1b vm2 eswitch_packets)" 49
check_eq "vm1 eswitch_bytes delta" "$(delta p1a p1b vm1 eswitch_bytes)" $((48 * 98))
check_eq "vm2 tx_packets delta" "$(delta p1a p1b vm2 tx_packets)" 50
check_eq "vm3 tx_packets delta (the flooded ping 1 only)" "$(delta p1a p1b vm3 tx_packets)" 1
check_eq "vm3 eswitch_packets delta" "$(delta p1a p1b vm3 eswitch_packets)" 0
check_eq "offload requests/installs/failures" "$(odelta p1a p1b requests)/$(odelta p1a p1b \
	installs)/$(odelta p1a p1b failures)" 2/2/0

ctlj h offload dump testpmd | json_get j | grep -v '^$' >"$TEST_TMP/dump_l2.txt" || true
check_eq "dump: lines" "$(wc -l <"$TEST_TMP/dump_l2.txt")" 2
check_eq "dump: flow create lines" "$(grep -c '^flow create ' "$TEST_TMP/dump_l2.txt" || true)" 2
want1="flow create $E0 priority 1 transfer pattern represented_port ethdev_port_id is $E1 / eth dst is $M2 src is $M1 has_vlan is 0 / end actions represented_port ethdev_port_id $E2 / count / end"
want2="flow create $E0 priority 1 transfer pattern represented_port ethdev_port_id is $E2 / eth dst is $M1 src is $M2 has_vlan is 0 / end actions represented_port ethdev_port_id $E1 / count / end"
for w in "$want1" "$want2"; do
	grep -qixF "$w" "$TEST_TMP/dump_l2.txt" || fail "dump lacks: $w (dump: $(cat "$TEST_TMP/dump_l2.txt"))"
done
echo "ok: the dump has both rules verbatim (MACs in any case)"
testpmd_replay "$TEST_TMP/dump_l2.txt" "l2"

log "2. vm2's veth re-attached as another VF (port vm2b): rules replaced, traffic follows"
check_eq "rules before port del vm2" "$(nrules h)" 2
snap p2a h
ctl_ok h port del vm2
check_eq "rules after port del vm2" "$(nrules h)" 0
ctl_ok h port add vm2b dev "$(vm_devargs vm2 4)" vf-of up
ctl_ok h network lan attach vm2b
snap p2b h
check_eq "removals on port del" "$(odelta p2a p2b removals)" 2
check_eq "offload stats rules" "$(ostat h rules)" 0
n=$(ping_until h "$VM1" 10.0.0.2 "$(f_l2 vm2b vm1)")
n=$((n + $(ping_until h "$VM1" 10.0.0.2 "$(f_l2 vm1 vm2b)")))
log "rules vm1 <-> vm2b after $n pings"
check_le "pings before both rules" "$n" 8
check_eq "rules" "$(nrules h)" 2
check_eq "l2 vm1->vm2b src/dst/state" "$(rule_field h "$(f_l2 vm1 vm2b)" src) $(rule_field h \
	"$(f_l2 vm1 vm2b)" dst) $(rule_field h "$(f_l2 vm1 vm2b)" state)" "$M1 $M2 offloaded"
snap p2c h
pings "$VM1" 10.0.0.2 20
snap p2d h
check_eq "vm1 eswitch_packets delta (steady)" "$(delta p2c p2d vm1 eswitch_packets)" 20
check_eq "vm2b eswitch_packets delta (steady)" "$(delta p2c p2d vm2b eswitch_packets)" 20
check_eq "vm1 rx_packets delta (steady)" "$(delta p2c p2d vm1 rx_packets)" 0
check_eq "vm2b rx_packets delta (steady)" "$(delta p2c p2d vm2b rx_packets)" 0
check_eq "installs (re-attach)" "$(odelta p2b p2d installs)" 2

log "3. MAC move: vm3 takes vm2's MAC and address; the rules that used it go"
ip -n "$VM2" link set eth0 down
ip -n "$VM3" link set eth0 down
ip -n "$VM3" link set eth0 address "$M2"
ip -n "$VM3" addr flush dev eth0
ip -n "$VM3" addr add 10.0.0.2/24 dev eth0
ip -n "$VM3" link set eth0 up
pin "$VM3" 10.0.0.1 "$M1"
snap p3a h
# vm3 announces itself (gratuitous ARP, src = the moved MAC): broadcast, so
# it reaches the slow path, which learns the move and asks for revalidation.
# Not a ping by default: vm1's reply would meet the rule vm1 -> old port
# before the control thread has removed it (the invalidation is queued, not
# applied by the worker), and be lost. OE_STRICT_MAC_MOVE=1 checks exactly
# that: the very first frame of the moved MAC is a ping whose reply must come.
if [ "${OE_STRICT_MAC_MOVE:-0}" = 1 ]; then
	check_eq "first ping from the moved MAC (vm3 -> vm1): replies" "$(ping_burst "$VM3" 10.0.0.1 1 0.2 3)" 1
else
	garp "$VM3" eth0 10.0.0.2
fi
wait_for 5 cmd_eq "nrules h \"r['in'] == 'vm2b' or r['out'] == 'vm2b'\"" 0 ||
	fail "rules through vm2b still there after the MAC move: $(rules h)"
snap p3b h
check_eq "vm3 moved" "$(delta p3a p3b vm3 moved)" 1
check_eq "fdb: $M2 on" "$(fdb_port h "$M2")" vm3
check_eq "invalidations (MAC move)" "$(odelta p3a p3b invalidations)" 2
check_eq "removals (MAC move)" "$(odelta p3a p3b removals)" 2
n=$(ping_until h "$VM1" 10.0.0.2 "$(f_l2 vm1 vm3)")
wait_for 5 cmd_eq "nrules h \"$(f_l2 vm3 vm1)\"" 1 || n=$((n + $(ping_until h "$VM1" 10.0.0.2 "$(f_l2 vm3 vm1)")))
check_le "pings before both rules" "$n" 8
check_eq "rules" "$(nrules h)" 2
check_eq "l2 vm1->vm3 src/dst" "$(rule_field h "$(f_l2 vm1 vm3)" src) $(rule_field h "$(f_l2 vm1 vm3)" dst)" "$M1 $M2"
check_eq "l2 vm3->vm1 src/dst" "$(rule_field h "$(f_l2 vm3 vm1)" src) $(rule_field h "$(f_l2 vm3 vm1)" dst)" "$M2 $M1"
snap p3c h
pings "$VM1" 10.0.0.2 20
snap p3d h
check_eq "vm1 eswitch_packets delta (after the move)" "$(delta p3c p3d vm1 eswitch_packets)" 20
check_eq "vm3 eswitch_packets delta (after the move)" "$(delta p3c p3d vm3 eswitch_packets)" 20
check_eq "vm1+vm3 rx_packets delta (after the move)" \
	"$(($(delta p3c p3d vm1 rx_packets) + $(delta p3c p3d vm3 rx_packets)))" 0
check_eq "vm2b tx_packets delta since the move" "$(delta p3b p3d vm2b tx_packets)" 0

log "4. ageing: rules keep their FDB entries alive while they carry traffic; idle rules go, then the entries age"
snap p4a h
# The timeouts are lowered once the traffic runs: rules idle since phase 3
# would otherwise go at once.
ip netns exec "$VM1" "$PY" "$NT_LIB/tools/pinger.py" 10.0.0.2 60 0.1 10.1 >"$TEST_TMP/p4.ping" 2>&1 &
pid=$!
bg_track $pid
sleep 1
ctl_ok h offload set idle-timeout 2
ctl_ok h fdb ageing 4
wait $pid || fail "the 6 s ping failed: $(cat "$TEST_TMP/p4.ping")"
t_last=$(date +%s%3N)
check_eq "vm1 -> 10.0.0.2, 6 s (more than the FDB ageing): replies" "$(tail -n 1 "$TEST_TMP/p4.ping" | cut -d' ' -f2)" 60
snap p4b h
check_eq "rules after 6 s of traffic" "$(nrules h)" 2
check_ge "rule vm1->vm3 age_s (never replaced)" "$(rule_field h "$(f_l2 vm1 vm3)" age_s)" 6
check_eq "installs during 6 s" "$(odelta p4a p4b installs)" 0
check_eq "vm1 rx_packets delta (6 s)" "$(delta p4a p4b vm1 rx_packets)" 0
check_eq "vm3 rx_packets delta (6 s)" "$(delta p4a p4b vm3 rx_packets)" 0
check_eq "vm1 eswitch_packets delta (6 s)" "$(delta p4a p4b vm1 eswitch_packets)" 60
check_eq "learned delta (6 s, no relearning)" \
	"$(($(delta p4a p4b vm1 learned) + $(delta p4a p4b vm3 learned)))" 0
check_eq "fdb: $M1 / $M2 after 6 s" "$(fdb_port h "$M1") $(fdb_port h "$M2")" "vm1 vm3"
t_rules="" t_fdb=""
for _ in $(seq 150); do
	nr=$(nrules h)
	f1=$(fdb_has h "$M1") f2=$(fdb_has h "$M2")
	now=$(date +%s%3N)
	[ -z "$t_rules" ] && [ "$nr" = 0 ] && t_rules=$now
	# An FDB entry gone while its rule is still there would be a bug.
	if [ "$nr" != 0 ] && [ "$f1$f2" != 11 ]; then
		fail "an FDB entry aged while a rule still existed: $(ctl h fdb show) $(rules h)"
	fi
	[ -z "$t_fdb" ] && [ "$f1$f2" = 00 ] && t_fdb=$now
	[ -n "$t_rules" ] && [ -n "$t_fdb" ] && break
	sleep 0.1
done
[ -n "$t_rules" ] || fail "idle rules not removed within 15 s: $(rules h)"
[ -n "$t_fdb" ] || fail "FDB entries did not age within 15 s: $(ctl h fdb show)"
log "rules gone $((t_rules - t_last)) ms after the last ping, FDB entries after $((t_fdb - t_last)) ms"
check_ge "idle rules kept for the idle timeout (ms after the last ping)" $((t_rules - t_last)) 1900
check_le "idle rules removed within (ms after the last ping)" $((t_rules - t_last)) 5000
check_ge "FDB entries aged after the rules (ms)" $((t_fdb - t_rules)) 1
snap p4c h
check_eq "idle_removed" "$(odelta p4b p4c idle_removed)" 2
check_eq "invalidations (ageing)" "$(odelta p4b p4c invalidations)" 0
ctl_ok h offload set idle-timeout 120
ctl_ok h fdb ageing 300

log "5. offload off: pure software switch; on: rules come back"
n=$(ping_until h "$VM1" 10.0.0.2 "$(f_l2 vm3 vm1)")
ping_until h "$VM1" 10.0.0.2 "$(f_l2 vm1 vm3)" >/dev/null
check_eq "rules before offload off" "$(nrules h)" 2
snap p5a h
ctl_ok h offload off
check_eq "rules after offload off" "$(nrules h)" 0
check_eq "stats offload enabled" "$(ostat h enabled)" false
pings "$VM1" 10.0.0.2 30
sleep 0.5
snap p5b h
check_eq "removals (offload off)" "$(odelta p5a p5b removals)" 2
check_eq "requests/installs (offload off)" "$(odelta p5a p5b requests)/$(odelta p5a p5b installs)" 0/0
check_eq "vm1 eswitch_packets delta (off)" "$(delta p5a p5b vm1 eswitch_packets)" 0
check_eq "vm3 eswitch_packets delta (off)" "$(delta p5a p5b vm3 eswitch_packets)" 0
check_eq "vm1 rx_packets delta (off)" "$(delta p5a p5b vm1 rx_packets)" 30
check_eq "vm3 rx_packets delta (off)" "$(delta p5a p5b vm3 rx_packets)" 30
check_eq "rules (offload off, after traffic)" "$(nrules h)" 0
ctl_ok h offload on
check_eq "stats offload enabled" "$(ostat h enabled)" true
n=$(ping_until h "$VM1" 10.0.0.2 "$(f_l2 vm3 vm1)")
wait_for 5 cmd_eq "nrules h \"$(f_l2 vm1 vm3)\"" 1 || n=$((n + $(ping_until h "$VM1" 10.0.0.2 "$(f_l2 vm1 vm3)")))
check_le "pings before both rules are back" "$n" 8
snap p5c h
pings "$VM1" 10.0.0.2 20
snap p5d h
check_eq "rules (offload on)" "$(nrules h)" 2
check_eq "installs (offload on)" "$(odelta p5b p5d installs)" 2
check_eq "vm1 eswitch_packets delta (on)" "$(delta p5c p5d vm1 eswitch_packets)" 20
check_eq "vm3 eswitch_packets delta (on)" "$(delta p5c p5d vm3 eswitch_packets)" 20
check_eq "vm1 rx_packets delta (on)" "$(delta p5c p5d vm1 rx_packets)" 0

log "5b. offload off for one port: its rules go, the others' stay"
ctl_ok h offload off port vm3
check_eq "rules after offload off port vm3" "$(nrules h)" 0
snap p5e h
pings "$VM1" 10.0.0.2 10
sleep 0.5
snap p5f h
check_eq "rules (port vm3 off, after traffic)" "$(nrules h)" 0
check_eq "vm1/vm3 eswitch_packets delta (port vm3 off)" \
	"$(delta p5e p5f vm1 eswitch_packets)/$(delta p5e p5f vm3 eswitch_packets)" 0/0
check_eq "vm1/vm3 rx_packets delta (port vm3 off)" \
	"$(delta p5e p5f vm1 rx_packets)/$(delta p5e p5f vm3 rx_packets)" 10/10
check_eq "stats offload enabled (global)" "$(ostat h enabled)" true
ctl_ok h offload on port vm3
n=$(ping_until h "$VM1" 10.0.0.2 "$(f_l2 vm3 vm1)")
wait_for 5 cmd_eq "nrules h \"$(f_l2 vm1 vm3)\"" 1 || n=$((n + $(ping_until h "$VM1" 10.0.0.2 "$(f_l2 vm1 vm3)")))
check_eq "rules after offload on port vm3" "$(nrules h)" 2
check_eq "offload failures (whole run)" "$(ostat h failures)" 0

nfva_down h
