#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test_evpn_frr: BGP EVPN between nfva (+ its FRR in a control netns, through
# the shadow objects) and a Linux bridge/vxlan + FRR, iBGP l2vpn evpn, VNI 100.
#
#   ns V1 (vm1 10.1.1.20)                             ns V2 (vm2 10.1.1.30)
#        eth0                                               eth0
#         |                                                  |
#        vm1p   nfva (ns H1), network blue              vm2p in br100 + vxlan100
#        u1 192.168.1.249 ====== underlay ====== u2 192.168.1.252   (ns H2, FRR)
#                                                   b2 10.99.0.2
#   ns E1: nfva's FRR + shadow nbr100/nvx100/nve100     |  BGP
#        b1 10.99.0.1 ----------------------------------+
#
# E1 has no underlay address: the VTEP 192.168.1.249 is nfva's (the shadow
# vxlan's `local`), H2's VTEP is routed via b2. Checks:
# 1. the session comes up; type-3 both ways: nfva's flood list has
#    192.168.1.252 with origin evpn only, H2's vxlan100 has 00:00:00:00:00:00
#    dst 192.168.1.249;
# 2. type-2 in: vm2's MAC (static in H2's bridge) is in nfva's FDB as type
#    evpn behind 192.168.1.252 while nfva's uplink has received nothing;
#    type-2 out: vm1's MAC learned by nfva is on H2's vxlan100 as dst
#    192.168.1.249 extern_learn, and on E1's shadow veth as static;
# 3. pings vm1 <-> vm2 3/3 both ways; evpn show counts;
# 4. withdraw: vm2's MAC leaves H2's bridge -> gone from nfva's FDB; an nfva
#    flush -> vm1's MAC gone from H2;
# 5. MAC mobility: a MAC at H2 (evpn in nfva) sent from vm1 becomes local in
#    nfva and remote (dst .249) at H2; moved back (H2 static) -> evpn again;
# 6. restart E1's FRR: nfva's EVPN VTEPs and MACs go, then come back, exactly
#    the same, nothing stale; nfva killed and started again: the dump
#    rebuilds them, and what the dead nfva advertised is withdrawn.
set -eu -o pipefail
# shellcheck source=tests/lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
# shellcheck source=tests/lib/frr.sh
. "$(dirname "$0")/../lib/frr.sh"

netns_require
frr_require

two_hosts oev
E1=oev-e1-$TEST_ID
ns_add "$E1"
veth "$E1" b1 "$H2" b2
ip -n "$E1" addr add 10.99.0.1/30 dev b1
ip -n "$H2" addr add 10.99.0.2/30 dev b2
ip -n "$E1" route add 192.168.1.0/24 via 10.99.0.2
ip -n "$H2" addr add 192.168.1.252/24 dev u2
ip -n "$H2" link add br100 type bridge stp_state 0
ip -n "$H2" link add vxlan100 type vxlan id 100 local 192.168.1.252 dstport 4789 nolearning
ip -n "$H2" link set vxlan100 master br100
bridge -n "$H2" link set dev vxlan100 learning off
ip -n "$H2" link set vm2p master br100
for d in vxlan100 br100; do ip -n "$H2" link set $d up; done
# vm2 is known to H2's bridge (and so to EVPN) before it sends anything.
bridge -n "$H2" fdb replace "$VM2_MAC" dev vm2p master static

frr_evpn_conf 10.99.0.2 10.99.0.1 >"$TEST_TMP/h2.conf"
frr_evpn_conf 10.99.0.1 10.99.0.2 >"$TEST_TMP/e1.conf"
frr_up h2 "$H2" "$TEST_TMP/h2.conf"
frr_up e1 "$E1" "$TEST_TMP/e1.conf"

nfva_conf() {
	uplink_conf u1 192.168.1.249/24 vm1=vm1p
	echo "evpn set netns $E1"
	echo "network add blue vni 100 encap vxlan evpn"
	echo "network blue attach vm1"
}
nfva_conf >"$TEST_TMP/nv.conf"
nfva_up nv "$H1" "$TEST_TMP/nv.conf"

flood() { ctlj nv network show blue | json_get "j[0]['overlay']['flood']"; }
# fdb_of MAC: "TYPE PORT VTEP" of MAC in nfva's FDB, "-" when absent.
fdb_of() {
	ctlj nv fdb show network blue | json_get \
		"next(('%s %s %s' % (e['type'], e['port'], e['vtep']) for e in j if e['mac'].lower() == '$1'), '-')"
}
estat() { ctlj nv evpn show | json_get "j['counters']['$1']"; }
evpn_macs() { ctlj nv fdb show network blue | json_get "sorted(e['mac'].lower() for e in j if e['type'] == 'evpn')"; }
has_kfdb() { kfdb "$1" "$2" | grep -q "$3"; }
# On a failure: both FRRs' view, the kernel FDBs, nfva's EVPN counters.
evpn_diag() {
	echo "----- EVPN state -----"
	vty e1 'show evpn mac vni 100' 2>&1 || true
	vty h2 'show evpn mac vni 100' 2>&1 || true
	echo "E1:"; bridge -n "$E1" fdb show 2>&1 | grep -v permanent || true
	echo "H2:"; bridge -n "$H2" fdb show 2>&1 | grep -v permanent || true
	ctlj nv evpn show 2>&1 || true
}
evpn_diag_on_failure() { if test_failed; then evpn_diag >&2; fi; }
on_exit evpn_diag_on_failure

# ---- 1. session, type-3
wait_for 20 frr_established e1 || fail "BGP session E1 - H2 not Established"
echo "ok: BGP l2vpn evpn session Established"
wait_for 20 cmd_eq flood '[{"origin": ["evpn"], "vtep": "192.168.1.252"}]' || true
check_eq "nfva flood list of blue (type-3 from H2)" "$(flood)" '[{"origin": ["evpn"], "vtep": "192.168.1.252"}]'
wait_for 10 has_kfdb "$H2" vxlan100 "^00:00:00:00:00:00 dst 192.168.1.249 " ||
	fail "H2 has no flood entry for nfva's VTEP: $(kfdb "$H2" vxlan100)"
echo "ok: H2 floods to nfva's VTEP 192.168.1.249 (type-3 from nfva's FRR)"
check_eq "E1's shadow vxlan: local VTEP, port, no learning" \
	"$(ip -n "$E1" -d -j link show nvx100 | json_get "'%s %s %s' % (j[0]['linkinfo']['info_data']['local'], j[0]['linkinfo']['info_data']['port'], j[0]['linkinfo']['info_data']['learning'])")" \
	"192.168.1.249 4789 False"

# ---- 2. type-2 both ways
wait_for 10 cmd_eq "fdb_of $VM2_MAC" "evpn uplink 192.168.1.252" || true
check_eq "nfva FDB: vm2 from EVPN" "$(fdb_of "$VM2_MAC")" "evpn uplink 192.168.1.252"
# Not from a frame: nothing reached vm1 from the fabric, nothing was learned.
check_eq "nfva vm1 tx before any traffic" "$(port_counter nv vm1 tx_packets)" 0
check_eq "nfva uplink learned before any traffic" "$(port_counter nv uplink learned)" 0
ip netns exec "$V1" arping -c 1 -w 1 -U -I eth0 10.1.1.20 >/dev/null 2>&1 || true
wait_for 10 has_kfdb "$H2" vxlan100 "^$VM1_MAC dst 192.168.1.249 self extern_learn" ||
	fail "H2 has no EVPN entry for vm1: $(kfdb "$H2" vxlan100)"
echo "ok: H2 vxlan100: vm1 $VM1_MAC dst 192.168.1.249 extern_learn"
check_eq "E1 shadow veth: vm1 static" \
	"$(kfdb "$E1" nve100 | grep -c "^$VM1_MAC master nbr100 static")" 1

# ---- 3. pings
check_ping "vm1 -> vm2" "$V1" 10.1.1.30 3
check_ping "vm2 -> vm1" "$V2" 10.1.1.20 3
check_eq "nfva FDB: vm1 local" "$(fdb_of "$VM1_MAC")" "dynamic vm1 None"
check_eq "nfva FDB: vm2 still from EVPN" "$(fdb_of "$VM2_MAC")" "evpn uplink 192.168.1.252"
check_ge "evpn show: remote MACs installed" "$(estat in_mac_add)" 1
check_ge "evpn show: local MACs advertised" "$(estat out_add)" 1
check_eq "evpn show: netlink errors" "$(estat nl_errors)" 0

# config show: the netns before the EVPN network; what BGP brought (vm2) is
# not configuration and is not written.
ctl nv config show >"$TEST_TMP/show.txt"
check_eq "config show: evpn set netns, then the network" \
	"$(grep -nE "^evpn set netns $E1\$|^network add blue vni 100 encap vxlan evpn\$" "$TEST_TMP/show.txt" | cut -d: -f2- | tr '\n' '|')" \
	"evpn set netns $E1|network add blue vni 100 encap vxlan evpn|"
check_eq "config show: no line for the EVPN MAC" "$(grep -ci "$VM2_MAC" "$TEST_TMP/show.txt" || true)" 0
"$NFVA" --check-config "$TEST_TMP/show.txt" >/dev/null 2>&1 ||
	fail "nfva --check-config refuses config show: $("$NFVA" --check-config "$TEST_TMP/show.txt" 2>&1)"
echo "ok: nfva --check-config accepts config show"

# ---- 4. withdraws
ip -n "$V2" link set eth0 down
bridge -n "$H2" fdb del "$VM2_MAC" dev vm2p master
wait_for 10 cmd_eq "fdb_of $VM2_MAC" - || true
check_eq "nfva FDB: vm2 withdrawn (host down at H2)" "$(fdb_of "$VM2_MAC")" -
ctl_ok nv fdb flush network blue
wait_for 10 eval "! has_kfdb $H2 vxlan100 '^$VM1_MAC'" ||
	fail "H2 still has vm1 after nfva's flush: $(kfdb "$H2" vxlan100)"
echo "ok: nfva flush -> vm1 withdrawn at H2"
check_eq "E1 shadow veth empty" "$(kfdb "$E1" nve100 | grep -c static || true)" 0
ip -n "$V2" link set eth0 up
bridge -n "$H2" fdb replace "$VM2_MAC" dev vm2p master static
wait_for 10 cmd_eq "fdb_of $VM2_MAC" "evpn uplink 192.168.1.252" || true
check_eq "nfva FDB: vm2 back from EVPN" "$(fdb_of "$VM2_MAC")" "evpn uplink 192.168.1.252"

# ---- 5. MAC mobility: M lives behind H2, moves to vm1, and back.
M=02:00:00:00:aa:01
bridge -n "$H2" fdb replace $M dev vm2p master static
wait_for 10 cmd_eq "fdb_of $M" "evpn uplink 192.168.1.252" || true
check_eq "mobility: M at H2 (evpn in nfva)" "$(fdb_of $M)" "evpn uplink 192.168.1.252"
ip netns exec "$V1" "$PY" -c "
from scapy.all import Ether, ARP, sendp
sendp(Ether(src='$M', dst='ff:ff:ff:ff:ff:ff') / ARP(hwsrc='$M', psrc='10.1.1.99', pdst='10.1.1.99'), iface='eth0', count=2, verbose=False)"
wait_for 10 cmd_eq "fdb_of $M" "dynamic vm1 None" || true
check_eq "mobility: M learned on vm1 overrides EVPN" "$(fdb_of $M)" "dynamic vm1 None"
wait_for 10 has_kfdb "$H2" vxlan100 "^$M dst 192.168.1.249 self" ||
	fail "mobility: H2 did not move M to nfva: $(kfdb "$H2" vxlan100)"
echo "ok: mobility: H2 has M behind 192.168.1.249 (sequence raised)"
bridge -n "$H2" fdb replace $M dev vm2p master static
wait_for 10 cmd_eq "fdb_of $M" "evpn uplink 192.168.1.252" || true
check_eq "mobility: M moved back to H2" "$(fdb_of $M)" "evpn uplink 192.168.1.252"
bridge -n "$H2" fdb del $M dev vm2p master
wait_for 10 cmd_eq "fdb_of $M" - || true
check_eq "mobility: M withdrawn" "$(fdb_of $M)" -

# ---- 6. restarts: FRR of nfva, then nfva
check_ping "vm1 -> vm2 before the restarts" "$V1" 10.1.1.30 1
before_macs=$(evpn_macs) before_flood=$(flood)
check_eq "EVPN MACs in nfva before the restarts" "$before_macs" "[\"$VM2_MAC\"]"
frr_down e1
wait_for 10 cmd_eq evpn_macs '[]' || true
check_eq "FRR of nfva stopped: EVPN MACs gone" "$(evpn_macs)" '[]'
check_eq "FRR of nfva stopped: flood list empty" "$(flood)" '[]'
frr_up e1 "$E1" "$TEST_TMP/e1.conf"
wait_for 30 cmd_eq flood "'$before_flood'" || true
check_eq "FRR of nfva restarted: flood list" "$(flood)" "$before_flood"
wait_for 10 cmd_eq evpn_macs "'$before_macs'" || true
check_eq "FRR of nfva restarted: EVPN MACs" "$(evpn_macs)" "$before_macs"
check_ping "vm1 -> vm2 after FRR's restart" "$V1" 10.1.1.30 3
wait_for 10 has_kfdb "$H2" vxlan100 "^$VM1_MAC dst 192.168.1.249 self extern_learn" ||
	fail "H2 lost vm1 after E1's FRR restart: $(kfdb "$H2" vxlan100)"
echo "ok: vm1 advertised again after FRR's restart"

# nfva dies (SIGKILL): what it advertised stays in E1's kernel, and at H2,
# until it is back and rebuilds its shadow objects: nothing stale survives.
# S: a static MAC of the old nfva only (vm1 itself may talk again and be
# learned by the new one).
S=02:00:00:00:bb:01
ctl_ok nv fdb add $S network blue port vm1
wait_for 10 has_kfdb "$H2" vxlan100 "^$S dst 192.168.1.249 self extern_learn" ||
	fail "H2 did not get nfva's static MAC: $(kfdb "$H2" vxlan100)"
echo "ok: a static nfva MAC is advertised (extern_learn at H2)"
kill -KILL "${NFVA_PID[nv]}"
wait "${NFVA_PID[nv]}" 2>/dev/null || true
NFVA_PID[nv]=""
check_eq "nfva killed: its advertisement of S still at H2" \
	"$(kfdb "$H2" vxlan100 | grep -c "^$S dst 192.168.1.249 self extern_learn")" 1
rm -f "${NFVA_SOCK[nv]}"
nfva_up nv "$H1" "$TEST_TMP/nv.conf"
wait_for 20 cmd_eq flood "'$before_flood'" || true
check_eq "nfva restarted: flood list from the dump" "$(flood)" "$before_flood"
wait_for 10 cmd_eq evpn_macs "'$before_macs'" || true
check_eq "nfva restarted: EVPN MACs from the dump" "$(evpn_macs)" "$before_macs"
wait_for 10 eval "! has_kfdb $H2 vxlan100 '^$S'" ||
	fail "H2 still has S, which the restarted nfva does not have: $(kfdb "$H2" vxlan100)"
echo "ok: nfva restarted: nothing stale at H2"
check_eq "E1 shadow veth: no S" "$(kfdb "$E1" nve100 | grep -c "^$S" || true)" 0
check_ping "vm1 -> vm2 after nfva's restart" "$V1" 10.1.1.30 3
check_ge "evpn show: resyncs" "$(estat resyncs)" 1
check_eq "evpn show: netlink errors" "$(estat nl_errors)" 0
nfva_down nv
