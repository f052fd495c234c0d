#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test_lisp_oor6: interop with Open Overlay Router over an IPv6 underlay
# (IPv6 RLOCs): test_lisp_oor with nfva's uplink and OOR's RLOC in
# 2001:db8:1::/64 and no IPv4 on the underlay. Instance ID 0.
#
#   ns V1 (vm1 10.1.1.20/24,                ns H2: OOR, EIDs on eid0 (a veth end
#          2001:db8:a::20/64 in 3.)             inside H2): 10.1.1.30/32,
#        eth0 -- vm1p: port vm1                 2001:db8:a::30/128 (3.)
#   nfva (ns H1, IPv6 off: nfva owns u1), network lan iid 0 lisp
#        u1 2001:db8:1::249/64 ====== veth ====== u2 2001:db8:1::252/64 nodad
#                                                  (OOR's RLOC, IPv6 on in H2)
#
# Every phase captures on u1 (what reaches nfva: nfva's own frames bypass
# the taps there) and u2 (both ways).
# The checks common to the phases: every LISP frame (UDP 4341/4342) is IPv6
# with a non-zero, valid UDP checksum (RFC 9300 lets LISP data carry 0 over
# IPv6, but OOR's kernel socket would drop it), no IPv4 frame on the
# underlay, nothing malformed, no rejection counted by nfva.
#
# 1. "xtr": OOR is an xTR (rloc-iface u2, ip_version 6) registering
#    10.1.1.30/32 with nfva, which is map-server (site 10.1.1.0/24) and its
#    own map-resolver (2001:db8:1::249). nfva holds the registration with
#    ETR and RLOC ::252; VM1 pings 10.1.1.30 3/3 (a warm-up round first, as
#    in test_lisp_oor); nfva's map-cache has 10.1.1.30/32 -> ::252. On the
#    wire: OOR's Map-Register (locator AFI 2 = ::252) verifies with the key
#    (Python hmac), nfva's Map-Notify (::249 -> ::252) verifies and carries
#    its nonce; OOR's ECM Map-Request (ITR-RLOC ::252) and nfva's Map-Reply
#    (::249 -> ::252, locator ::249) share a nonce; LISP data both ways
#    ::249 <-> ::252, UDP 4341, nfva's with N and I bits, iid 0.
# 2. "ms": OOR is map-server/map-resolver (control-iface u2, site
#    10.1.1.0/24); nfva registers VM1 with it (`lisp map-server add
#    2001:db8:1::252`) and resolves through it. nfva's map-server and
#    map-resolver show print ::252; the registration is verified
#    (notifies_accepted); VM1's first packet, to 10.1.1.1 (registered by
#    nobody), makes nfva ask OOR, whose negative Map-Reply is installed. On
#    the wire: nfva's Map-Register (::249 -> ::252, locator ::249) verifies
#    with the key, OOR's Map-Notify verifies and carries its nonce; nfva's ECM
#    Map-Request (ITR-RLOC ::249) and OOR's Map-Reply share a nonce.
# 3. "static": no control plane. OOR has static-map-cache entries for
#    10.1.1.20/32 and 2001:db8:a::20/128 -> ::249, nfva `lisp map-cache add
#    0 10.1.1.30/32 rloc 2001:db8:1::252` (and 2001:db8:a::30/128). Once
#    nfva has learned VM1's two EIDs: pings 3/3 both ways, IPv4 and IPv6
#    EIDs, none lost; LISP data on the wire ::249 <-> ::252 with inner ICMP
#    and ICMPv6 echoes; no LISP frame dropped as malformed or misdirected.
# Skips (77) when oor is missing (apt-get install openoverlayrouter) or cannot
# run here (no /dev/net/tun). Helpers: tests/lib/lisp_oor.sh.
set -eu -o pipefail
# shellcheck source=tests/lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
# shellcheck source=tests/lib/lisp_oor.sh
. "$NT_LIB/lisp_oor.sh"

netns_require
oor_require

NF=2001:db8:1::249 OR=2001:db8:1::252
# LISP frames (an ICMPv6 error quoting one would match the ports too: left out).
LISP="(udp.port == 4341 || udp.port == 4342) && !(icmpv6.type < 128)"
# A valid, non-zero UDP checksum (tshark: status 1 good, 0 bad, 4 illegal).
CSUM=('udp.checksum=i(v) != 0' 'udp.checksum.status=v == "1"')

two_hosts loo6 10.1.1.20 -
U1_MAC=$(mac_of "$H1" u1) U2_MAC=$(mac_of "$H2" u2)
ip -n "$H2" link add eid0 type veth peer name eid0p
ip -n "$H2" link set eid0 up
ip -n "$H2" link set eid0p up
ip -n "$H2" addr add 10.1.1.30/32 dev eid0
# IPv6 on in H2 (ns_add turned it off), also for the devices OOR creates
# (lispTun0 carries the IPv6 EIDs' packets); no DAD on the RLOC. An OOR xTR
# sends what its EIDs send into lispTun0 by source rules ("from EID lookup
# 100", default dev lispTun0 there): the RLOC's own traffic keeps the main
# table and its on-link /64 to nfva.
ipv6_on "$H2" u2
ip netns exec "$H2" sysctl -qw net.ipv6.conf.default.disable_ipv6=0 \
	net.ipv6.conf.eid0.disable_ipv6=0 >/dev/null
ip -n "$H2" addr add "$OR/64" dev u2 nodad
ip -n "$H2" addr add 2001:db8:a::30/128 dev eid0 nodad
# The kernel's MLD reports and router solicitation of u2's link-local
# address come before any capture.
sleep 2

# nfva_conf LINE...: nfva's configuration: the IPv6 uplink, vm1 in network
# lan (iid 0, lisp), the lines.
nfva_conf() {
	uplink_conf u1 "$NF/64" vm1=vm1p
	echo "network add lan iid 0 encap lisp"
	echo "network lan attach vm1"
	printf '%s\n' "$@"
}

# wire_common PHASE: the checks of every phase on both captures.
wire_common() {
	local cap
	for cap in "$1-u1" "$1-u2"; do
		check_pcap "$1: every LISP frame in $cap: IPv6, checksum valid, non-zero" "$cap" "$LISP" 1 \
			'eth.type=v == "0x86dd"' "${CSUM[@]}"
		check_eq "$1: IPv4 frames in $cap" "$(pcap_count "$cap" "eth.type == 0x0800")" 0
		pcap_no_malformed "$cap"
	done
}

# no_bad_drops PHASE NAME: nfva NAME dropped no LISP frame as malformed or
# misdirected: the network's lisp_* reasons of a broken sender (or of a
# receiver that misreads an IPv6 frame) are 0, the uplink's bad checksums too.
no_bad_drops() {
	local r
	log "$1: dropped in lan $(ctlj "$2" network show stats lan | json_get "j['lan']['dropped']"), on uplink $(port_drops "$2" uplink)"
	for r in lisp_bad_flags lisp_inner_invalid lisp_truncated lisp_unknown_iid lisp_not_local_eid \
			lisp_no_rloc lisp_not_ip; do
		check_eq "$1: lan drops $r" "$(ctlj "$2" network show stats lan | json_get "j['lan']['dropped'].get('$r', 0)")" 0
	done
	check_eq "$1: uplink drops udp_bad_checksum" "$(port_drop "$2" uplink udp_bad_checksum)" 0
}

# lisp_data PHASE CAP SRC DST INNER MIN [FIELD=PYEXPR...]: at least MIN
# LISP data frames SRC -> DST (outer IPv6, UDP 4341, checksum valid, the
# sender's MAC to the receiver's) with inner INNER (a display filter) in
# capture PHASE-CAP.
lisp_data() {
	local smac=$U1_MAC dmac=$U2_MAC
	[ "$3" = "$NF" ] || { smac=$U2_MAC dmac=$U1_MAC; }
	check_pcap "$1: LISP data $3 -> $4 ($5)" "$1-$2" \
		"ipv6.src == $3 && ipv6.dst == $4 && udp.dstport == 4341 && ($5)" "$6" \
		"eth.src=v == '$smac'" "eth.dst=v == '$dmac'" "ipv6.src=v == '$3'" "ipv6.dst=v == '$4'" \
		'ipv6.nxt=i(v) == 17' 'ipv6.hlim=i(v) > 0' "${CSUM[@]}" "${@:7}"
}

# ----------------------------------------------------------------- phase xtr
oor_xtr_conf "$NF" oor-key u2 6 10.1.1.30/32 >"$TEST_TMP/oor-xtr.conf"
nfva_conf "lisp site add oor key oor-key eid-prefix 0 10.1.1.0/24 accept-more-specifics" \
	"lisp map-resolver add $NF" >"$TEST_TMP/xtr-nfva.conf"
cap_start xtr-u1 "$H1" u1
cap_start xtr-u2 "$H2" u2
nfva_up xtr "$H1" "$TEST_TMP/xtr-nfva.conf"
check_eq "xtr: nfva map-resolvers" "$(ctlj xtr lisp map-resolver show | json_get '",".join(j)')" "$NF"
oor_up oor-xtr "$H2" "$TEST_TMP/oor-xtr.conf"
wait_for 20 bash -c "$NFVACTL -j -s ${NFVA_SOCK[xtr]} lisp site show | grep -q 10.1.1.30/32" ||
	fail "OOR never registered 10.1.1.30/32 with nfva: $(ctl xtr lisp site show; ctl xtr lisp show)"
check_eq "xtr: nfva registrations (eid etr rlocs)" "$(lisp_site_regs xtr)" "10.1.1.30/32 $OR $OR"
oor_wait_eid oor-xtr "$H2" 10.1.1.30
ping_rx "$V1" 10.1.1.30 3 -W 2 >/dev/null # resolution both ways happens here
check_ping "xtr: vm1 -> OOR's EID 10.1.1.30" "$V1" 10.1.1.30 3
check_eq "xtr: nfva map-cache for 10.1.1.30" \
	"$(ctlj xtr lisp map-cache show | json_get '",".join("%s %s %s" % (e["eid"], e["type"], "+".join(r["rloc"] for r in e["rlocs"])) for e in j if e["eid"] == "10.1.1.30/32")')" \
	"10.1.1.30/32 dynamic $OR"
check_ge "xtr: nfva registers_accepted" "$(lisp_counter xtr registers_accepted)" 1
check_ge "xtr: nfva notifies_sent" "$(lisp_counter xtr notifies_sent)" 1
check_ge "xtr: nfva requests_received (OOR resolving 10.1.1.20)" "$(lisp_counter xtr requests_received)" 1
check_ge "xtr: nfva replies_sent" "$(lisp_counter xtr replies_sent)" 1
lisp_no_rejections xtr xtr registers_rejected_auth registers_rejected_malformed \
	registers_rejected_site registers_rejected_rloc control_malformed \
	replies_rejected_nonce replies_rejected_malformed
cap_stop xtr-u1
cap_stop xtr-u2
lisp_ctrl_wire xtr xtr-u1 xtr-u2 "$OR" "$NF" oor-key
check_pcap "xtr: OOR's Map-Registers (locator $OR)" xtr-u1 "lisp.type == 3" 1 \
	"ipv6.src=v == '$OR'" "ipv6.dst=v == '$NF'" 'udp.dstport=v == "4342"' \
	'lisp.loc.afi=i(v) == 2' "lisp.loc.locator=v == '$OR'"
check_pcap "xtr: nfva's Map-Notifies" xtr-u2 "lisp.type == 4" 1 \
	"ipv6.src=v == '$NF'" "ipv6.dst=v == '$OR'" 'udp.srcport=v == "4342"' "${CSUM[@]}"
check_pcap "xtr: OOR's ECM Map-Requests (ITR-RLOC $OR)" xtr-u1 "lisp.type == 8" 1 \
	"ipv6.src=v == '$OR'" "ipv6.dst=v == '$NF'" 'udp.dstport=v == "4342"' \
	"lisp.mreq.itr_rloc_ipv6=v == '$OR'"
check_pcap "xtr: nfva's Map-Replies (locator $NF)" xtr-u2 "lisp.type == 2" 1 \
	"ipv6.src=v == '$NF'" "ipv6.dst=v == '$OR'" 'udp.srcport=v == "4342"' \
	'lisp.loc.afi=i(v) == 2' "lisp.loc.locator=v == '$NF'" "${CSUM[@]}"
lisp_data xtr u2 "$NF" "$OR" icmp 3 \
	'lisp-data.flags.iid=v in ("1", "True")' 'lisp-data.iid=i(v) == 0' \
	'lisp-data.flags.nonce=v in ("1", "True")'
lisp_data xtr u1 "$OR" "$NF" icmp 3
no_bad_drops xtr xtr
wire_common xtr
nfva_down xtr
oor_down oor-xtr

# ----------------------------------------------------------------- phase ms
oor_ms_conf u2 ms-key 10.1.1.0/24 >"$TEST_TMP/oor-ms.conf"
nfva_conf "lisp map-server add $OR key ms-key" "lisp map-resolver add $OR" >"$TEST_TMP/ms-nfva.conf"
cap_start ms-u1 "$H1" u1
cap_start ms-u2 "$H2" u2
oor_up oor-ms "$H2" "$TEST_TMP/oor-ms.conf"
nfva_up ms "$H1" "$TEST_TMP/ms-nfva.conf"
check_eq "ms: nfva map-servers" "$(ctlj ms lisp map-server show | json_get '",".join(s["ip"] for s in j)')" "$OR"
check_eq "ms: nfva map-resolvers" "$(ctlj ms lisp map-resolver show | json_get '",".join(j)')" "$OR"
ping_rx "$V1" 10.1.1.1 1 -W 1 >/dev/null # VM1 speaks: learned, then registered
ms_registered() { [ "$(ctlj ms lisp map-server show | json_get "j[0]['registered']")" = true ]; }
wait_for 20 ms_registered ||
	fail "ms: nfva's registration with OOR never verified: $(ctl ms lisp map-server show; ctl ms lisp show)"
check_eq "ms: nfva registered with OOR (Map-Notify verified)" \
	"$(ctlj ms lisp map-server show | json_get "j[0]['registered']")" true
check_ge "ms: nfva notifies_accepted" "$(lisp_counter ms notifies_accepted)" 1
# The boot packet of VM1 went to 10.1.1.1: nfva asked OOR, which knows no
# registration for it inside its site: a negative Map-Reply.
replies_in() { [ "$(lisp_counter ms replies_accepted)" -ge 1 ]; }
wait_for 5 replies_in || true
check_eq "ms: map-cache from OOR's negative Map-Reply" \
	"$(ctlj ms lisp map-cache show | json_get '",".join("%s %s %s %s" % (e["eid"], e["type"], e["action"], len(e["rlocs"])) for e in j)')" \
	"10.1.1.1/32 negative native-forward 0"
check_ge "ms: nfva requests_sent" "$(lisp_counter ms requests_sent)" 1
check_ge "ms: nfva replies_accepted" "$(lisp_counter ms replies_accepted)" 1
lisp_no_rejections ms ms notifies_rejected_nonce notifies_rejected_auth notifies_rejected_malformed \
	replies_rejected_nonce replies_rejected_malformed control_malformed
cap_stop ms-u1
cap_stop ms-u2
"$PY" "$NT_LIB/tools/lisp_pcap.py" "$TEST_TMP/ms-u2.pcap" ms-key | awk -v s="$NF" '$1 == s' >"$TEST_TMP/ms.nfva"
"$PY" "$NT_LIB/tools/lisp_pcap.py" "$TEST_TMP/ms-u1.pcap" ms-key | awk -v s="$OR" '$1 == s' >"$TEST_TMP/ms.oor"
check_ge "ms: nfva's Map-Registers from $NF verifying with the key" \
	"$(awk '$2 == 3 && $4 == "ok"' "$TEST_TMP/ms.nfva" | wc -l)" 1
check_eq "ms: nfva's Map-Registers not verifying" "$(awk '$2 == 3 && $4 != "ok"' "$TEST_TMP/ms.nfva" | wc -l)" 0
check_ge "ms: OOR's Map-Notifies verifying with the key, to nfva's nonces" \
	"$(awk '$2 == 4 && $4 == "ok" {print $3}' "$TEST_TMP/ms.oor" | grep -cxFf <(awk '$2 == 3 {print $3}' "$TEST_TMP/ms.nfva") || true)" 1
check_ge "ms: OOR's Map-Replies to the nonces of nfva's ECM Map-Requests" \
	"$(awk '$2 == 2 {print $3}' "$TEST_TMP/ms.oor" | grep -cxFf <(awk '$2 == "8/1" {print $3}' "$TEST_TMP/ms.nfva") || true)" 1
check_pcap "ms: nfva's Map-Registers (locator $NF)" ms-u2 "lisp.type == 3" 1 \
	"ipv6.src=v == '$NF'" "ipv6.dst=v == '$OR'" 'udp.dstport=v == "4342"' \
	'lisp.loc.afi=i(v) == 2' "lisp.loc.locator=v == '$NF'" "${CSUM[@]}"
check_pcap "ms: nfva's ECM Map-Requests (ITR-RLOC $NF)" ms-u2 "lisp.type == 8" 1 \
	"ipv6.src=v == '$NF'" "ipv6.dst=v == '$OR'" 'udp.dstport=v == "4342"' \
	"lisp.mreq.itr_rloc_ipv6=v == '$NF'" "${CSUM[@]}"
check_pcap "ms: OOR's Map-Notifies and Map-Replies" ms-u1 "lisp.type == 4 || lisp.type == 2" 2 \
	"ipv6.src=v == '$OR'" "ipv6.dst=v == '$NF'"
no_bad_drops ms ms
wire_common ms
nfva_down ms
oor_down oor-ms

# ----------------------------------------------------------------- phase static
{
	oor_xtr_conf - - u2 6 10.1.1.30/32 2001:db8:a::30/128
	oor_static_map_cache 10.1.1.20/32 "$NF"
	oor_static_map_cache 2001:db8:a::20/128 "$NF"
} >"$TEST_TMP/oor-static.conf"
nfva_conf "lisp map-cache add 0 10.1.1.30/32 rloc $OR" \
	"lisp map-cache add 0 2001:db8:a::30/128 rloc $OR" >"$TEST_TMP/static-nfva.conf"
ipv6_on "$V1" eth0
ip -n "$V1" addr add 2001:db8:a::20/64 dev eth0 nodad
cap_start static-u1 "$H1" u1
cap_start static-u2 "$H2" u2
nfva_up static "$H1" "$TEST_TMP/static-nfva.conf"
check_eq "static: nfva map-cache" \
	"$(ctlj static lisp map-cache show | json_get '",".join(sorted("%s %s %s" % (e["eid"], e["type"], "+".join(r["rloc"] for r in e["rlocs"])) for e in j))')" \
	"10.1.1.30/32 static $OR,2001:db8:a::30/128 static $OR"
oor_up oor-static "$H2" "$TEST_TMP/oor-static.conf"
oor_wait_eid oor-static "$H2" 10.1.1.30
oor_wait_eid oor-static "$H2" 2001:db8:a::30
# VM1 speaks first, to EIDs nobody maps, so that nfva has learned both its
# EIDs before OOR sends anything to them (a frame to a local EID not learned
# yet is dropped, lisp_not_local_eid, docs/lisp.md): then no ping is lost.
ping_rx "$V1" 10.1.1.1 1 -W 1 >/dev/null
ping_rx "$V1" 2001:db8:a::1 1 -W 1 >/dev/null
vm1_eids() { ctlj static lisp eid show | json_get '",".join(sorted(e["eid"] for e in j))'; }
wait_for 10 cmd_eq vm1_eids "10.1.1.20,2001:db8:a::20" ||
	fail "static: nfva did not learn vm1's EIDs: $(ctl static lisp eid show)"
check_ping "static: vm1 -> OOR's EID 10.1.1.30" "$V1" 10.1.1.30 3
check_eq "static: OOR's EID 10.1.1.30 -> vm1: replies" "$(ping_rx "$H2" 10.1.1.20 3 -I 10.1.1.30)" 3
check_ping "static: vm1 -> OOR's EID 2001:db8:a::30" "$V1" 2001:db8:a::30 3
check_eq "static: OOR's EID 2001:db8:a::30 -> vm1: replies" \
	"$(ping_rx "$H2" 2001:db8:a::20 3 -I 2001:db8:a::30)" 3
lisp_no_rejections static static control_malformed
cap_stop static-u1
cap_stop static-u2
ICMP4="icmp.type == 8 || icmp.type == 0" ICMP6="icmpv6.type == 128 || icmpv6.type == 129"
lisp_data static u2 "$NF" "$OR" "$ICMP4" 6 'lisp-data.iid=i(v) == 0'
lisp_data static u1 "$OR" "$NF" "$ICMP4" 6
lisp_data static u2 "$NF" "$OR" "$ICMP6" 6 'lisp-data.iid=i(v) == 0'
lisp_data static u1 "$OR" "$NF" "$ICMP6" 6
no_bad_drops static static
wire_common static
nfva_down static
oor_down oor-static
echo "PASS: test_lisp_oor6"
