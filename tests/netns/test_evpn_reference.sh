#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test_evpn_reference: the reference for the EVPN tests, no nfva. Two
# namespaces A and B, each with FRR (zebra + bgpd) and a Linux bridge br100 +
# vxlan100 (VNI 100, nolearning), iBGP l2vpn evpn over their underlay veth,
# and a host each (hA 10.100.0.1, hB 10.100.0.2). Checks: the session comes
# up; type-3 routes become 00:00:00:00:00:00 flood entries both ways; the
# hosts ping; type-2 routes carry both host MACs (extern_learn); a host going
# down withdraws its MAC at the other side.
set -eu -o pipefail
# shellcheck source=tests/lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
# shellcheck source=tests/lib/frr.sh
. "$(dirname "$0")/../lib/frr.sh"

netns_require
frr_require

A=evr-a-$TEST_ID B=evr-b-$TEST_ID HA=evr-ha-$TEST_ID HB=evr-hb-$TEST_ID
ns_add "$A" "$B" "$HA" "$HB"
veth "$A" ul "$B" ul
ip -n "$A" addr add 10.250.0.1/24 dev ul
ip -n "$B" addr add 10.250.0.2/24 dev ul
i=1
for pair in "$A:$HA" "$B:$HB"; do
	ns=${pair%%:*} h=${pair#*:}
	ip -n "$ns" link add br100 type bridge stp_state 0
	ip -n "$ns" link add vxlan100 type vxlan id 100 local 10.250.0.$i dstport 4789 nolearning
	ip -n "$ns" link set vxlan100 master br100
	bridge -n "$ns" link set dev vxlan100 learning off
	veth "$h" eth0 "$ns" hp
	ip -n "$ns" link set hp master br100
	for d in vxlan100 br100; do ip -n "$ns" link set $d up; done
	ip -n "$h" addr add 10.100.0.$i/24 dev eth0
	i=$((i + 1))
done
MAC_A=$(mac_of "$HA" eth0) MAC_B=$(mac_of "$HB" eth0)
frr_evpn_conf 10.250.0.1 10.250.0.2 >"$TEST_TMP/a.conf"
frr_evpn_conf 10.250.0.2 10.250.0.1 >"$TEST_TMP/b.conf"
frr_up a "$A" "$TEST_TMP/a.conf"
frr_up b "$B" "$TEST_TMP/b.conf"

has_kfdb() { kfdb "$1" vxlan100 | grep -q "$2"; }
wait_for 20 frr_established a || fail "BGP session not Established"
echo "ok: BGP l2vpn evpn session Established"
wait_for 20 has_kfdb "$A" "^00:00:00:00:00:00 dst 10.250.0.2 " || fail "A: no type-3 entry"
wait_for 20 has_kfdb "$B" "^00:00:00:00:00:00 dst 10.250.0.1 " || fail "B: no type-3 entry"
echo "ok: type-3 flood entries both ways"
check_ping "hA -> hB" "$HA" 10.100.0.2 3
wait_for 10 has_kfdb "$B" "^$MAC_A dst 10.250.0.1 self extern_learn" || fail "B: no type-2 for hA"
wait_for 10 has_kfdb "$A" "^$MAC_B dst 10.250.0.2 self extern_learn" || fail "A: no type-2 for hB"
echo "ok: type-2 host MACs both ways (extern_learn)"
ip -n "$HA" link set eth0 down
wait_for 10 eval "! has_kfdb $B '^$MAC_A'" || fail "B kept hA's MAC after hA went down"
echo "ok: withdraw when hA goes down"
