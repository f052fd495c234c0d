#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test_neigh_recovery: underlay neighbours heal and stay bounded (issue 13:
# D2, D3, D4) against a real Linux peer.
#
#   ns V1 (vm1 10.1.1.20)
#        eth0 --- vm1p: port vm1
#   nfva (ns H1), network blue (vxlan 6000, vtep 192.168.1.252)
#        u1 192.168.1.249/24: port uplink
#        |
#        u2 192.168.1.252/24 (ns H2); vx: kernel vxlan 6000 remote .249,
#        10.1.1.30/24 on vx
#
# A. The peer is silent (`ip link set u2 arp off`: it neither answers nor
#    sends ARP) when nfva starts: the VTEP goes FAILED. vm1 pings it
#    meanwhile: frames wait only while a resolution is under way, so once
#    FAILED the entry holds none (before: up to 16 mbufs, for good).
# B. The peer comes back (`arp on`) and sends nothing by itself (tshark on
#    u2: no ARP request from u2 at all): nfva probes it again (back-off) and
#    it is REACHABLE within 30 s; `recoveries` >= 1; vm1 -> 10.1.1.30 3/3.
#    (Before: FAILED for good until the peer ARPs us.)
# C. 1100 ARP requests for .249 from random MACs and senders (a third on
#    192.168.1.0/25: on nfva's subnet but never .252/.253, whose entries an
#    on-subnet spoofer can always poison; the rest off-subnet, multicast,
#    broadcast, 0.0.0.0):
#    no entry for any sender off the subnet, the table stays below its
#    bound (1024) and the off-subnet ones count in arp_ignored; a new VTEP
#    (.253, a second address of H2) added after the flood resolves.
set -eu -o pipefail
# shellcheck source=tests/lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"

netns_require
need tshark tshark
"$PY" -c 'import scapy.all' 2>/dev/null || skip "scapy is missing for $PY (apt-get install python3-scapy)"

two_hosts nrc 10.1.1.20 -
ip -n "$H2" addr add 192.168.1.252/24 dev u2
ip -n "$H2" link add vx type vxlan id 6000 dstport 4789 local 192.168.1.252 \
	remote 192.168.1.249 dev u2
ip -n "$H2" addr add 10.1.1.30/24 dev vx
ip -n "$H2" link set vx up
ip -n "$H2" link set u2 arp off
U2_MAC=$(mac_of "$H2" u2)

CONF="$TEST_TMP/nfva.conf"
{
	uplink_conf u1 192.168.1.249/24 vm1=vm1p
	echo "network add blue vni 6000 encap vxlan"
	echo "network blue attach vm1"
	echo "network blue vtep add 192.168.1.252"
} >"$CONF"
nfva_up nrc "$H1" "$CONF"

state_of() { neigh_field nrc "$1" state; }

# --- A. silent peer: FAILED, nothing held ---------------------------------------
wait_for 15 cmd_eq "state_of 192.168.1.252" failed ||
	fail "192.168.1.252 is '$(state_of 192.168.1.252)', expected failed after 3 unanswered probes"
log "192.168.1.252 failed; vm1 pings it while it is silent"
ip netns exec "$V1" ping -n -c 20 -i 0.2 -W 1 10.1.1.30 >/dev/null 2>&1 || true
wait_for 10 cmd_eq "state_of 192.168.1.252" failed ||
	fail "192.168.1.252 is '$(state_of 192.168.1.252)' after the pings, expected failed"
check_eq "A: frames held on the failed neighbour" "$(neigh_field nrc 192.168.1.252 held)" 0
check_ge "A: failures" "$(neigh_stat nrc failures)" 1

# --- B. the peer comes back and stays quiet: nfva finds it ------------------------
cap_start peer "$H2" u2
ip -n "$H2" link set u2 arp on
log "peer answers ARP again; nfva must ask by itself"
wait_for 30 cmd_eq "state_of 192.168.1.252" reachable ||
	fail "192.168.1.252 is still '$(state_of 192.168.1.252)' 30 s after the peer came back"
check_eq "B: 192.168.1.252 lladdr" "$(neigh_field nrc 192.168.1.252 lladdr | tr A-F a-f)" "$U2_MAC"
check_ge "B: recoveries" "$(neigh_stat nrc recoveries)" 1
cap_stop peer
check_eq "B: ARP requests the peer sent by itself" \
	"$(pcap_count peer "arp.opcode == 1 && eth.src == $U2_MAC")" 0
check_ge "B: ARP replies of the peer to nfva's probes" \
	"$(pcap_count peer "arp.opcode == 2 && eth.src == $U2_MAC")" 1
check_ping "B: vm1 -> 10.1.1.30 over the healed neighbour" "$V1" 10.1.1.30 3

# --- C. ARP flood with random senders -----------------------------------------------
ignored0=$(neigh_stat nrc arp_ignored)
sent=$(ip netns exec "$H2" "$PY" "$NT_LIB/tools/arp_flood.py" u2 192.168.1.249 \
	192.168.1.0/25 1100 13)
log "flood sent: $sent"
sleep 2
ctlj nrc neigh show >"$TEST_TMP/neigh.json"
n_entries=$(json_get 'len(j)' <"$TEST_TMP/neigh.json")
off_subnet=$(json_get "len([n for n in j if not n['ip'].startswith('192.168.1.')])" <"$TEST_TMP/neigh.json")
log "neighbours after the flood: $n_entries"
check_le "C: neighbour entries after the flood" "$n_entries" 1023
check_eq "C: entries for off-subnet, multicast or broadcast senders" "$off_subnet" 0
check_eq "C: entry for 192.168.1.255" \
	"$(json_get "len([n for n in j if n['ip'] == '192.168.1.255'])" <"$TEST_TMP/neigh.json")" 0
check_ge "C: arp_ignored grew by the senders off the subnet" \
	$(($(neigh_stat nrc arp_ignored) - ignored0)) \
	"$(json_get 'j.get("off_subnet", 0) + j.get("multicast", 0)' <<<"$sent")"
ip -n "$H2" addr add 192.168.1.253/24 dev u2
ctl_ok nrc network blue vtep add 192.168.1.253
wait_for 10 cmd_eq "state_of 192.168.1.253" reachable ||
	fail "the new VTEP 192.168.1.253 is '$(state_of 192.168.1.253)' after the flood"
check_eq "C: new VTEP lladdr" "$(neigh_field nrc 192.168.1.253 lladdr | tr A-F a-f)" "$U2_MAC"
check_eq "C: table_full" "$(neigh_stat nrc table_full)" 0
check_eq "C: 192.168.1.252 still reachable" "$(state_of 192.168.1.252)" reachable

nfva_down nrc
log "PASS"
