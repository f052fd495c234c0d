#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test_lisp_oor: interop with Open Overlay Router (Debian openoverlayrouter,
# /usr/sbin/oor, userspace with a tun device). Instance ID 0 (OOR sends data
# with the I bit clear).
#
#   ns V1 (vm1 10.1.1.20/24)            ns H2: OOR, EID 10.1.1.30/32 on eid0
#        eth0 -- vm1p: port vm1              (a veth end inside H2)
#   nfva (ns H1), network lan iid 0 lisp
#        u1 192.168.1.249 ====== veth ====== u2 192.168.1.252 (OOR's RLOC)
#
# Phase "xtr": OOR is an xTR registering 10.1.1.30/32 with nfva, which is
# map-server (site 10.1.1.0/24, key) and its own map-resolver; OOR resolves
# through nfva. Checks: nfva holds OOR's registration (from .252, RLOC .252);
# VM1 pings OOR's EID 3/3 (nfva -> OOR: LISP N+I, iid 0; OOR -> nfva: its
# Map-Request for 10.1.1.20 answered by nfva as ETR, then LISP data back);
# on the wire: OOR's Map-Register verifies with the key (Python hmac) and
# nfva's Map-Notify carries its nonce; OOR's Map-Request and nfva's Map-Reply
# share a nonce; nothing malformed; no rejection counted by nfva.
# Phase "ms": OOR is map-server/map-resolver (site 10.1.1.0/24, key); nfva
# registers VM1 with it and resolves through it. Checks: nfva's registration
# is verified (Map-Notify from OOR accepted); VM1's first packet, to 10.1.1.1
# (registered by nobody), makes nfva ask OOR, whose negative Map-Reply is
# installed; nothing rejected. (An OOR map-server forwards Map-Requests for
# its static registrations to their ETR instead of answering them.)
# Skips (77) when oor is missing (apt-get install openoverlayrouter) or cannot
# run here (no /dev/net/tun). test_lisp_oor6 is the same over IPv6 RLOCs; the
# OOR helpers are tests/lib/lisp_oor.sh.
set -eu -o pipefail
# shellcheck source=tests/lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
# shellcheck source=tests/lib/lisp_oor.sh
. "$NT_LIB/lisp_oor.sh"

netns_require
oor_require

two_hosts loo 10.1.1.20 -
ip link add eid0 netns "$H2" type veth peer name eid0p netns "$H2"
ip -n "$H2" link set eid0 up
ip -n "$H2" link set eid0p up
ip -n "$H2" addr add 10.1.1.30/32 dev eid0
ip -n "$H2" addr add 192.168.1.252/24 dev u2

nfva_conf() {
	cat <<-EOF
		port add uplink dev $(afp 0 u1)
		port add vm1 dev $(afp 1 vm1p)
		underlay set uplink uplink ip 192.168.1.249/24
		network add lan iid 0 encap lisp
		network lan attach vm1
	EOF
	printf '%s\n' "$@"
}

# ----------------------------------------------------------------- phase xtr
oor_xtr_conf 192.168.1.249 oor-key u2 4 10.1.1.30/32 >"$TEST_TMP/oor-xtr.conf"
nfva_conf "lisp site add oor key oor-key eid-prefix 0 10.1.1.0/24 accept-more-specifics" \
	"lisp map-resolver add 192.168.1.249" >"$TEST_TMP/xtr-nfva.conf"
cap_start xtr-u1 "$H1" u1
cap_start xtr-u2 "$H2" u2
nfva_up xtr "$H1" "$TEST_TMP/xtr-nfva.conf"
oor_up oor-xtr "$H2" "$TEST_TMP/oor-xtr.conf"
wait_for 20 bash -c "$NFVACTL -j -s ${NFVA_SOCK[xtr]} lisp site show | grep -q 10.1.1.30/32" ||
	fail "OOR never registered 10.1.1.30/32 with nfva"
check_eq "xtr: nfva registrations" "$(lisp_site_regs xtr)" "10.1.1.30/32 192.168.1.252 192.168.1.252"
ping_rx "$V1" 10.1.1.30 3 -W 2 >/dev/null # resolution both ways happens here
check_ping "xtr: vm1 -> OOR's EID 10.1.1.30" "$V1" 10.1.1.30 3
check_eq "xtr: nfva map-cache for 10.1.1.30" \
	"$(ctlj xtr lisp map-cache show | json_get '",".join("%s %s %s" % (e["eid"], e["type"], "+".join(r["rloc"] for r in e["rlocs"])) for e in j if e["eid"] == "10.1.1.30/32")')" \
	"10.1.1.30/32 dynamic 192.168.1.252"
check_ge "xtr: nfva registers_accepted" "$(lisp_counter xtr registers_accepted)" 1
check_ge "xtr: nfva notifies_sent" "$(lisp_counter xtr notifies_sent)" 1
check_ge "xtr: nfva requests_received (OOR resolving 10.1.1.20)" "$(lisp_counter xtr requests_received)" 1
check_ge "xtr: nfva replies_sent" "$(lisp_counter xtr replies_sent)" 1
lisp_no_rejections xtr xtr registers_rejected_auth registers_rejected_malformed \
	registers_rejected_site control_malformed replies_rejected_nonce replies_rejected_malformed
cap_stop xtr-u1
cap_stop xtr-u2
lisp_ctrl_wire xtr xtr-u1 xtr-u2 192.168.1.252 192.168.1.249 oor-key
check_pcap "xtr: nfva -> OOR LISP data" xtr-u2 "ip.src == 192.168.1.249 && udp.dstport == 4341 && icmp" 3 \
	'lisp-data.flags.iid=v in ("1", "True")' 'lisp-data.iid=i(v) == 0' 'lisp-data.flags.nonce=v in ("1", "True")'
check_pcap "xtr: OOR -> nfva LISP data" xtr-u1 "ip.src == 192.168.1.252 && udp.dstport == 4341 && icmp" 3 \
	'ip.ttl=i(v) > 0'
pcap_no_malformed xtr-u1
pcap_no_malformed xtr-u2
nfva_down xtr
oor_down oor-xtr

# ----------------------------------------------------------------- phase ms
oor_ms_conf u2 ms-key 10.1.1.0/24 >"$TEST_TMP/oor-ms.conf"
nfva_conf "lisp map-server add 192.168.1.252 key ms-key" \
	"lisp map-resolver add 192.168.1.252" >"$TEST_TMP/ms-nfva.conf"
oor_up oor-ms "$H2" "$TEST_TMP/oor-ms.conf"
nfva_up ms "$H1" "$TEST_TMP/ms-nfva.conf"
ping_rx "$V1" 10.1.1.1 1 -W 1 >/dev/null # VM1 speaks: learned, then registered
ms_registered() { [ "$(ctlj ms lisp map-server show | json_get "j[0]['registered']")" = true ]; }
wait_for 20 ms_registered ||
	fail "ms: nfva's registration with OOR never verified: $(ctl ms lisp map-server show; ctl ms lisp show)"
check_eq "ms: nfva registered with OOR (Map-Notify verified)" \
	"$(ctlj ms lisp map-server show | json_get "j[0]['registered']")" true
check_ge "ms: nfva notifies_accepted" "$(lisp_counter ms notifies_accepted)" 1
# The boot packet of VM1 went to 10.1.1.1: nfva asked OOR, which knows no
# registration for it inside its site: a negative Map-Reply.
check_eq "ms: map-cache from OOR's negative Map-Reply" \
	"$(ctlj ms lisp map-cache show | json_get '",".join("%s %s %s %s" % (e["eid"], e["type"], e["action"], len(e["rlocs"])) for e in j)')" \
	"10.1.1.1/32 negative native-forward 0"
check_ge "ms: nfva requests_sent" "$(lisp_counter ms requests_sent)" 1
check_ge "ms: nfva replies_accepted" "$(lisp_counter ms replies_accepted)" 1
lisp_no_rejections ms ms notifies_rejected_nonce notifies_rejected_auth notifies_rejected_malformed \
	replies_rejected_nonce replies_rejected_malformed control_malformed
nfva_down ms
oor_down oor-ms
echo "PASS: test_lisp_oor"
