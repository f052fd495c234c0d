#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test_evpn_rr: two nfva, each with its FRR in a control netns, iBGP l2vpn
# evpn to an FRR route reflector only (no session between the two PEs), one
# EVPN network (VNI 200). Mode software or offload (VM ports are VFs of an
# emulated e-switch).
#
#   ns V1 (vm1 10.2.2.20)                        ns V2 (vm2 10.2.2.30)
#        |                                             |
#       vm1p  nfva nv1 (ns H1)                       vm2p  nfva nv2 (ns H2)
#       u1 192.168.1.249 ========= underlay ========= u2 192.168.1.250
#   ns E1: FRR of nv1                              ns E2: FRR of nv2
#       b1 10.99.1.2 --- r1 10.99.1.1  ns R  r2 10.99.2.1 --- b2 10.99.2.2
#                        (FRR route reflector, no VNI)
#
# Checks:
# 1. both sessions to R Established, E1 and E2 have no session to each other;
#    type-3 through R: nv1's flood list is exactly 192.168.1.250 (origin
#    evpn), nv2's exactly 192.168.1.249;
# 2. type-2 through R: each VM sends one gratuitous ARP; its nfva learns the
#    MAC locally and the other nfva has it as type evpn behind the right
#    VTEP (the ARP flooded over VXLAN is never learned: EVPN networks learn
#    remote MACs from BGP only) — and the route at R has the right next hop;
# 3. pings vm1 <-> vm2 3/3 both ways; in offload mode the VXLAN encap rule
#    of nv1 toward 192.168.1.250 and its decap rule took the traffic (hits);
# 4. withdraw: nv2 deletes vm2's MAC (fdb del) -> gone from nv1's FDB; it is
#    learned again when vm2 talks.
set -eu -o pipefail
# shellcheck source=tests/lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
# shellcheck source=tests/lib/frr.sh
. "$(dirname "$0")/../lib/frr.sh"

netns_require
frr_require
test_mode "${1:-}"

two_hosts err 10.2.2.20 10.2.2.30
E1=err-e1-$TEST_ID E2=err-e2-$TEST_ID R=err-r-$TEST_ID
ns_add "$E1" "$E2" "$R"
veth "$E1" b1 "$R" r1
veth "$E2" b2 "$R" r2
ip -n "$E1" addr add 10.99.1.2/30 dev b1
ip -n "$R" addr add 10.99.1.1/30 dev r1
ip -n "$E2" addr add 10.99.2.2/30 dev b2
ip -n "$R" addr add 10.99.2.1/30 dev r2
ip netns exec "$R" sysctl -qw net.ipv4.ip_forward=1
# The VTEPs are reachable for next-hop tracking (bgpd uses a path only when
# its next hop resolves); no frame of the overlay takes these routes.
ip -n "$E1" route add 10.99.2.0/30 via 10.99.1.1
ip -n "$E2" route add 10.99.1.0/30 via 10.99.2.1
ip -n "$E1" route add 192.168.1.250/32 via 10.99.1.1
ip -n "$E2" route add 192.168.1.249/32 via 10.99.2.1
ip -n "$R" route add 192.168.1.249/32 via 10.99.1.2
ip -n "$R" route add 192.168.1.250/32 via 10.99.2.2

frr_evpn_conf 10.99.1.1 rr 10.99.1.2 10.99.2.2 >"$TEST_TMP/r.conf"
frr_evpn_conf 10.99.1.2 10.99.1.1 >"$TEST_TMP/e1.conf"
frr_evpn_conf 10.99.2.2 10.99.2.1 >"$TEST_TMP/e2.conf"
frr_up r "$R" "$TEST_TMP/r.conf"
frr_up e1 "$E1" "$TEST_TMP/e1.conf"
frr_up e2 "$E2" "$TEST_TMP/e2.conf"

# nfva_conf UPLINK IP VMPORT NETNS
nfva_conf() {
	uplink_conf "$1" "$2/24" vm="$3"
	echo "evpn set netns $4"
	echo "network add blue vni 200 encap vxlan evpn"
	echo "network blue attach vm"
	offload_mode && echo "offload set idle-timeout 120" || true
}
nfva_conf u1 192.168.1.249 vm1p "$E1" >"$TEST_TMP/nv1.conf"
nfva_conf u2 192.168.1.250 vm2p "$E2" >"$TEST_TMP/nv2.conf"
nfva_up nv1 "$H1" "$TEST_TMP/nv1.conf"
nfva_up nv2 "$H2" "$TEST_TMP/nv2.conf"

flood() { ctlj "$1" network show blue | json_get "j[0]['overlay']['flood']"; }
# fdb_of NFVA MAC: "TYPE PORT VTEP" of MAC in the FDB, "-" when absent.
fdb_of() {
	ctlj "$1" fdb show network blue | json_get \
		"next(('%s %s %s' % (e['type'], e['port'], e['vtep']) for e in j if e['mac'].lower() == '$2'), '-')"
}
estat() { ctlj "$1" evpn show | json_get "j['counters']['$2']"; }
rr_diag() {
	if test_failed; then
		echo "----- route reflector -----"
		vty r 'show bgp l2vpn evpn summary' 2>&1 || true
		vty r 'show bgp l2vpn evpn route' 2>&1 || true
		ctlj nv1 evpn show 2>&1 || true
		ctlj nv2 evpn show 2>&1 || true
	fi >&2
}
on_exit rr_diag

# ---- 1. sessions, type-3 through the reflector
wait_for 30 frr_established r || fail "the reflector's sessions are not Established"
frr_established e1 || fail "E1 - R not Established"
frr_established e2 || fail "E2 - R not Established"
check_eq "E1's BGP peers (R only)" \
	"$(vty e1 'show bgp l2vpn evpn summary json' | json_get "sorted(j['peers'])")" '["10.99.1.1"]'
echo "ok: E1 and E2 each peer with the reflector only"
want1='[{"origin": ["evpn"], "vtep": "192.168.1.250"}]'
want2='[{"origin": ["evpn"], "vtep": "192.168.1.249"}]'
wait_for 20 cmd_eq "flood nv1" "'$want1'" || true
check_eq "nv1 flood list (type-3 of nv2 via R)" "$(flood nv1)" "$want1"
wait_for 10 cmd_eq "flood nv2" "'$want2'" || true
check_eq "nv2 flood list (type-3 of nv1 via R)" "$(flood nv2)" "$want2"

# ---- 2. type-2 through the reflector
ip netns exec "$V1" arping -c 1 -w 1 -U -I eth0 10.2.2.20 >/dev/null 2>&1 || true
ip netns exec "$V2" arping -c 1 -w 1 -U -I eth0 10.2.2.30 >/dev/null 2>&1 || true
wait_for 15 cmd_eq "fdb_of nv2 $VM1_MAC" "'evpn uplink 192.168.1.249'" || true
check_eq "nv2 FDB: vm1 from EVPN via R" "$(fdb_of nv2 "$VM1_MAC")" "evpn uplink 192.168.1.249"
wait_for 15 cmd_eq "fdb_of nv1 $VM2_MAC" "'evpn uplink 192.168.1.250'" || true
check_eq "nv1 FDB: vm2 from EVPN via R" "$(fdb_of nv1 "$VM2_MAC")" "evpn uplink 192.168.1.250"
check_eq "nv1 FDB: vm1 local" "$(fdb_of nv1 "$VM1_MAC")" "dynamic vm None"
check_eq "R: vm1's type-2 route, next hop 192.168.1.249" \
	"$(vty r 'show bgp l2vpn evpn route type macip' | grep -ci "$VM1_MAC" || true)" 1
vty r 'show bgp l2vpn evpn route type macip' | grep -A3 -i "$VM1_MAC" | grep -q 192.168.1.249 ||
	fail "R's route for vm1 has not next hop 192.168.1.249: $(vty r 'show bgp l2vpn evpn route type macip')"
echo "ok: R reflects vm1's route with next hop 192.168.1.249"

# ---- 3. pings (and, offloaded, the e-switch carries them)
pin "$V1" 10.2.2.30 "$VM2_MAC"
pin "$V2" 10.2.2.20 "$VM1_MAC"
check_ping "vm1 -> vm2" "$V1" 10.2.2.30 3
check_ping "vm2 -> vm1" "$V2" 10.2.2.20 3
if offload_mode; then
	enc="r['kind'] == 'encap' and r['vtep'] == '192.168.1.250' and r['dst'].lower() == '$VM2_MAC'"
	dec="r['kind'] == 'decap' and r['dst'].lower() == '$VM1_MAC'"
	wait_for 10 cmd_eq "nrules nv1 \"$enc and r['state'] == 'offloaded'\"" 1 ||
		fail "nv1 has no offloaded encap rule toward 192.168.1.250 for vm2: $(rules nv1)"
	check_ping "vm1 -> vm2 (offloaded)" "$V1" 10.2.2.30 3
	# hits_atleast waits (<= 5 s) for frames still on their way.
	hits_atleast "nv1 encap rule (EVPN destination) hits" nv1 "$enc" 3
	hits_atleast "nv1 decap rule hits" nv1 "$dec" 3
	check_eq "nv1 offload failures" "$(ostat nv1 failures)" 0
fi
check_eq "nv1 evpn show: netlink errors" "$(estat nv1 nl_errors)" 0
check_eq "nv2 evpn show: netlink errors" "$(estat nv2 nl_errors)" 0

# ---- 4. a withdraw crosses the reflector
ctl_ok nv2 fdb del "$VM2_MAC" network blue
wait_for 15 cmd_eq "fdb_of nv1 $VM2_MAC" "'-'" || true
check_eq "nv1 FDB: vm2 withdrawn via R" "$(fdb_of nv1 "$VM2_MAC")" "-"
if offload_mode; then
	wait_for 10 cmd_eq "nrules nv1 \"$enc\"" 0 ||
		fail "nv1 kept the encap rule of the withdrawn vm2: $(rules nv1)"
	echo "ok: nv1's encap rule toward vm2 went with the route"
fi
check_ping "vm2 -> vm1 (vm2 learned again)" "$V2" 10.2.2.20 3
wait_for 15 cmd_eq "fdb_of nv1 $VM2_MAC" "'evpn uplink 192.168.1.250'" || true
check_eq "nv1 FDB: vm2 advertised again" "$(fdb_of nv1 "$VM2_MAC")" "evpn uplink 192.168.1.250"

nfva_down nv1
nfva_down nv2
echo "PASS: test_evpn_rr ($TEST_MODE)"
