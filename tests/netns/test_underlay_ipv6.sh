#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test_underlay_ipv6: the uplink's IPv6 address (issue 17, slice 1) against a
# Linux peer: dual-stack configuration, Neighbour Discovery both ways,
# ICMPv6 echo, healing of a failed IPv6 neighbour, ND robustness.
#
#   nfva (ns H1)                                  peer (ns H2)
#     u1: port uplink, 192.168.17.1/24 ========== u2 192.168.17.2/24
#                      2001:db8:17::1/64             2001:db8:17::2/64 nodad
#
# A. Config: both addresses in `underlay show`; bad input (v4 gateway on a
#    v6 prefix, /129, link-local, multicast, a v6 gateway off the prefix)
#    refused and nothing changed; the running config has both lines and a
#    static IPv6 neighbour, and passes `nfva --check-config`.
# B. ping -6 from the peer: replies; the peer's neighbour entry for nfva has
#    nfva's MAC; IPv4 ping still works (dual-stack).
# C. `neigh resolve 2001:db8:17::2`: REACHABLE with the peer's MAC; an IPv6
#    gateway (a second address of the peer) is resolved once configured,
#    and setting it keeps the IPv4 address.
# D. The peer drops NS (ip6tables): nfva's re-resolution FAILS; the rule goes
#    and nfva heals it by itself (back-off), `recoveries` >= 1.
# E. scapy from the peer: an NS flood with random sources stays within
#    --max-neighbours (256) and makes no entry off the prefix; NAs for
#    addresses never asked about make nothing (na_unsolicited); NS with hop
#    limit 64, a bad checksum or a zero-length option are dropped
#    (nd_invalid) and not answered; the peer still resolves and pings.
# F. Hostile tunnel traffic (scapy, VXLAN to nfva's addresses): 4200 IPv6
#    sources spraying a learning network fill the IPv6 VTEP table to its
#    bound (4096) and no further: the rest is dropped and counted
#    (vtep6_full); a strict network's spray adds no address
#    (vtep_not_allowed); a zero UDP checksum over IPv6 is dropped
#    (udp_bad_checksum) unless the network has udp6-zero-csum; IPv4 from
#    0.0.0.5 is dropped (vtep_source_invalid).
set -eu -o pipefail
# shellcheck source=tests/lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"

netns_require
"$PY" -c 'import scapy.all' 2>/dev/null || skip "scapy is missing for $PY (apt-get install python3-scapy)"
need ip6tables iptables

H1=u6-h1-$TEST_ID H2=u6-h2-$TEST_ID
ns_add "$H1" "$H2"
veth "$H1" u1 "$H2" u2
ipv6_on "$H2" u2
ip -n "$H2" addr add 192.168.17.2/24 dev u2
ip -n "$H2" addr add 2001:db8:17::2/64 dev u2 nodad
U2_MAC=$(mac_of "$H2" u2)
P6=2001:db8:17::2

CONF="$TEST_TMP/nfva.conf"
{
	uplink_conf u1 192.168.17.1/24
	echo "underlay set uplink uplink ip 2001:db8:17::1/64"
} >"$CONF"
NFVA_UP_ARGS=(--max-neighbours 256)
nfva_up u6 "$H1" "$CONF"

ushow() { ctlj u6 underlay show | json_get "$1"; }
state_of() { neigh_field u6 "$1" state; }
nd_stat() { ctlj u6 neigh show stats | json_get "j['nd']['$1']"; }

# --- A. configuration ---------------------------------------------------------------
check_eq "A: addresses" "$(ushow '"%s/%s %s/%s" % (j["ip"], j["prefix_len"], j["ip6"], j["prefix6_len"])')" \
	"192.168.17.1/24 2001:db8:17::1/64"
NFVA_MAC=$(ushow 'j["mac"].lower()')
before=$(ctlj u6 underlay show)
for bad in "ip 2001:db8:17::1/64 gateway 192.168.17.254" "ip 192.168.17.1/24 gateway 2001:db8:17::fe" \
	"ip 2001:db8:17::1/129" "ip fe80::1/64" "ip ff02::1:2/64" "ip ::/64" \
	"ip 2001:db8:17::1/64 gateway 2001:db8:99::1" "ip 2001:db8:17::1/0"; do
	check_fails "A: underlay set uplink uplink $bad" ctl u6 underlay set uplink uplink $bad
done
check_eq "A: underlay unchanged by the refused commands" "$(ctlj u6 underlay show)" "$before"
ctl u6 config show >"$TEST_TMP/running.conf"
check_eq "A: running config, IPv4 line" \
	"$(grep -c '^underlay set uplink uplink ip 192.168.17.1/24$' "$TEST_TMP/running.conf")" 1
check_eq "A: running config, IPv6 line" \
	"$(grep -c '^underlay set uplink uplink ip 2001:db8:17::1/64$' "$TEST_TMP/running.conf")" 1
ctl_ok u6 neigh add 2001:db8:17::99 lladdr 02:00:00:00:17:99
ctl u6 config show >"$TEST_TMP/running.conf"
check_eq "A: running config, static IPv6 neighbour" \
	"$(grep -ic '^neigh add 2001:db8:17::99 lladdr 02:00:00:00:17:99$' "$TEST_TMP/running.conf")" 1
"$NFVA" --check-config "$TEST_TMP/running.conf" >"$TEST_TMP/check.out" 2>&1 ||
	fail "the running config does not pass --check-config: $(cat "$TEST_TMP/check.out")"
check_eq "A: neigh show has the static IPv6 entry" "$(state_of 2001:db8:17::99)" permanent
ctl_ok u6 neigh del 2001:db8:17::99
check_eq "A: static IPv6 entry removed" "$(state_of 2001:db8:17::99)" none

# --- B. the peer reaches nfva over IPv6 (ND from the peer) and IPv4 ------------------------
check_ping "B: peer -> 2001:db8:17::1" "$H2" 2001:db8:17::1 3
check_eq "B: the peer's neighbour entry for nfva" \
	"$(ip -n "$H2" -j -6 neigh show 2001:db8:17::1 dev u2 | json_get 'j[0]["lladdr"].lower()')" "$NFVA_MAC"
check_ge "B: NS answered" "$(nd_stat ns_answered)" 1
check_ping "B: dual-stack, peer -> 192.168.17.1" "$H2" 192.168.17.1 3

# --- C. nfva resolves the peer ------------------------------------------------------------
ctl_ok u6 neigh resolve $P6
wait_for 10 cmd_eq "state_of $P6" reachable ||
	fail "$P6 is '$(state_of $P6)', expected reachable"
check_eq "C: $P6 lladdr" "$(neigh_field u6 $P6 lladdr | tr A-F a-f)" "$U2_MAC"
check_ge "C: NS sent" "$(nd_stat ns_sent)" 1
check_ge "C: NA received" "$(nd_stat na_received)" 1
ip -n "$H2" addr add 2001:db8:17::fe/64 dev u2 nodad
ctl_ok u6 underlay set uplink uplink ip 2001:db8:17::1/64 gateway 2001:db8:17::fe
check_eq "C: gateway6 set, IPv4 address kept" \
	"$(ushow '"%s %s" % (j["gateway6"], j["ip"])')" "2001:db8:17::fe 192.168.17.1"
wait_for 10 cmd_eq "state_of 2001:db8:17::fe" reachable ||
	fail "the IPv6 gateway is '$(state_of 2001:db8:17::fe)', expected reachable"
check_eq "C: gateway lladdr" "$(neigh_field u6 2001:db8:17::fe lladdr | tr A-F a-f)" "$U2_MAC"

# --- D. the peer goes silent, then comes back --------------------------------------------
ip netns exec "$H2" ip6tables -A INPUT -p icmpv6 --icmpv6-type neighbour-solicitation -j DROP
ctl_ok u6 neigh del $P6
ctl_ok u6 neigh resolve $P6
wait_for 15 cmd_eq "state_of $P6" failed ||
	fail "$P6 is '$(state_of $P6)', expected failed while the peer drops NS"
check_ge "D: failures" "$(neigh_stat u6 failures)" 1
ip netns exec "$H2" ip6tables -D INPUT -p icmpv6 --icmpv6-type neighbour-solicitation -j DROP
wait_for 30 cmd_eq "state_of $P6" reachable ||
	fail "$P6 is still '$(state_of $P6)' 30 s after the peer answers again"
check_ge "D: recoveries" "$(neigh_stat u6 recoveries)" 1
check_eq "D: healed lladdr" "$(neigh_field u6 $P6 lladdr | tr A-F a-f)" "$U2_MAC"

# --- E. ND robustness ------------------------------------------------------------------------
flood() { ip netns exec "$H2" "$PY" "$NT_LIB/tools/nd_flood.py" u2 "$1" 2001:db8:17::1 \
	2001:db8:17::/64 "$2" "${3:-7}"; }
ign0=$(nd_stat nd_ignored) ans0=$(nd_stat ns_answered)
sent=$(flood ns 800)
log "NS flood: $sent"
sleep 2
ctlj u6 neigh show >"$TEST_TMP/neigh.json"
check_le "E: entries after the NS flood" "$(json_get 'len(j)' <"$TEST_TMP/neigh.json")" 256
check_eq "E: entries off the prefix" \
	"$(json_get "len([n for n in j if not n['ip'].startswith('2001:db8:17:') and ':' in n['ip']])" <"$TEST_TMP/neigh.json")" 0
check_ge "E: off-prefix senders counted (nd_ignored)" $(($(nd_stat nd_ignored) - ign0)) \
	"$(json_get 'j.get("off_prefix", 0)' <<<"$sent")"
check_ge "E: evicted to stay bounded" "$(neigh_stat u6 evicted)" 1
check_eq "E: $P6 still there" "$(state_of $P6)" reachable

un0=$(nd_stat na_unsolicited) n0=$(json_get 'len(j)' <"$TEST_TMP/neigh.json")
flood na 100 11 >/dev/null
sleep 1
check_eq "E: unsolicited NAs counted" $(($(nd_stat na_unsolicited) - un0)) 100
check_eq "E: entries after the NAs" "$(ctlj u6 neigh show | json_get 'len(j)')" "$n0"

ans1=$(nd_stat ns_answered) inv0=$(port_drop u6 uplink nd_invalid)
for k in hoplimit checksum optlen; do flood $k 20 >/dev/null; done
sleep 1
check_eq "E: invalid NS dropped (nd_invalid)" $(($(port_drop u6 uplink nd_invalid) - inv0)) 60
check_eq "E: invalid NS answered" $(($(nd_stat ns_answered) - ans1)) 0
check_ge "E: valid NS of the flood answered" $((ans1 - ans0)) 1
check_eq "E: table_full" "$(neigh_stat u6 table_full)" 0
check_ping "E: peer -> 2001:db8:17::1 after the floods" "$H2" 2001:db8:17::1 3

# --- F. hostile tunnel traffic --------------------------------------------------------------
tflood() { ip netns exec "$H2" "$PY" "$NT_LIB/tools/tunnel_flood.py" u2 "$NFVA_MAC" "$@" >/dev/null; }
v6() { ctlj u6 stats | json_get "j['vtep6']['$1']"; }
net_rx() { ctlj u6 network show stats "$1" | json_get "j['$1']['rx_packets']"; }
net_drop() { ctlj u6 network show stats "$1" | json_get "j['$1']['dropped'].get('$2', 0)"; }
ctl_ok u6 network add learn6 vni 77 encap vxlan
ctl_ok u6 network add strict6 vni 78 encap vxlan strict
ctl_ok u6 network strict6 vtep add $P6
ctl_ok u6 network add zero6 vni 79 encap vxlan udp6-zero-csum
check_eq "F: IPv6 VTEP ids before (the strict network's VTEP)" "$(v6 count)" 1
full0=$(port_drop u6 uplink vtep6_full)
tflood v6spray 2001:db8:17::1 77 4200 21
sleep 1
check_eq "F: IPv6 VTEP ids after 4200 sources (the bound)" "$(v6 count)" 4096
check_eq "F: sources refused (stats vtep6 full)" "$(v6 full)" $((4200 - 4095))
check_eq "F: their frames dropped (vtep6_full)" $(($(port_drop u6 uplink vtep6_full) - full0)) \
	$((4200 - 4095))
check_eq "F: the learning network took the others" "$(net_rx learn6)" 4095
tflood v6spray 2001:db8:17::1 78 200 22
sleep 1
check_eq "F: strict network's spray dropped (vtep_not_allowed)" \
	"$(net_drop strict6 vtep_not_allowed)" 200
check_eq "F: ... and added no id" "$(v6 count)" 4096
check_eq "F: ... nor counted as full" "$(v6 full)" $((4200 - 4095))
tflood v6zero 2001:db8:17::1 77 10
tflood v6zero 2001:db8:17::1 79 10
sleep 1
check_eq "F: zero UDP checksum over IPv6 dropped" "$(net_drop learn6 udp_bad_checksum)" 10
check_eq "F: ... taken by the udp6-zero-csum network" "$(net_rx zero6)" 10
bad0=$(port_drop u6 uplink vtep_source_invalid)
tflood v4reserved 192.168.17.1 77 5
sleep 1
check_eq "F: IPv4 from 0.0.0.5 dropped (vtep_source_invalid)" \
	$(($(port_drop u6 uplink vtep_source_invalid) - bad0)) 5
check_ping "F: peer -> 2001:db8:17::1 after the floods" "$H2" 2001:db8:17::1 3

nfva_down u6
log "PASS"
