#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test_lisp_security: nfva's LISP control plane against a scripted peer
# (lisp_peer.py, a plain UDP socket on port 4342 in the peer namespace) that
# sends wrong nonces, wrong keys and truncated records. Each bad message must
# be rejected, counted under its reason, and change nothing; the good one
# after it must work.
#
#   ns V1 (vm1 10.1.1.20/24)
#        eth0 -- vm1p: port vm1
#   nfva (ns H1), network lan iid 1000 lisp, uplink u1 192.168.1.249/24
#        u1 ====== veth ====== u2 192.168.1.252/24 (ns H2: the kernel + lisp_peer.py)
#
# nfva's configuration: map-resolver .252; map-server .252 key srv-key;
# site "lab" key site-key for 1000 10.1.1.0/24 accept-more-specifics.
# 1. Map-Reply (nfva as ITR, the peer as map-resolver), for 10.1.1.30:
#    wrong nonce  -> replies_rejected_nonce 1, map-cache only "pending"
#    truncated    -> replies_rejected_malformed 1, map-cache only "pending"
#    good         -> replies_accepted 1, 10.1.1.30/32 dynamic -> .252, TTL 600 s
# 2. Map-Register (nfva as map-server), EID 10.1.1.40:
#    wrong key    -> registers_rejected_auth 1, no Map-Notify, no registration
#    truncated    -> registers_rejected_malformed 1, no Map-Notify, none
#    outside site -> registers_rejected_site 1, no Map-Notify, none
#    good (SHA-1) -> registers_accepted 1, Map-Notify with our nonce and a
#                    valid HMAC, registration 10.1.1.40/32 from .252
#    good SHA-256 to a second site (auth sha256) -> accepted, valid notify
# 3. Map-Notify (nfva registering VM1 with the peer as map-server): the peer
#    checks nfva's HMAC-SHA-1 and record, then answers
#    wrong nonce  -> notifies_rejected_nonce 1, map-server show registered false
#    wrong key    -> notifies_rejected_auth 1, registered false
#    good         -> notifies_accepted 1, registered true
# 4. Over IPv6 (the uplink made dual-stack with 2001:db8:1::249/64, the peer
#    at 2001:db8:1::252):
#    Map-Register good -> Map-Notify over IPv6 with our nonce and a valid
#                    HMAC, registration 10.1.1.41/32 from 2001:db8:1::252
#    a link-local RLOC in the record -> registers_rejected_rloc 1, none
#    zero UDP checksum -> dropped by the uplink (udp_bad_checksum), never
#                    reaches the control plane (registers_received unchanged)
#    Map-Reply over IPv6 (map-resolver 2001:db8:1::252): good -> 10.1.1.30/32
#                    dynamic -> 2001:db8:1::252; naming only fe80::1, ::1 and
#                    our own RLOC -> rlocs_rejected +3, map-cache only pending
#    map-server 2001:db8:1::252: nfva's Map-Register over IPv6 names both
#                    locators (dual-stack), the peer's Map-Notify verifies
set -eu -o pipefail
# shellcheck source=tests/lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"

netns_require

two_hosts lsc 10.1.1.20 -
ip -n "$H2" addr add 192.168.1.252/24 dev u2
IID=1000

cat >"$TEST_TMP/nfva.conf" <<EOF
port add uplink dev $(afp 0 u1)
port add vm1 dev $(afp 1 vm1p)
underlay set uplink uplink ip 192.168.1.249/24
network add lan iid $IID encap lisp
network lan attach vm1
lisp map-resolver add 192.168.1.252
lisp site add lab key site-key eid-prefix $IID 10.1.1.0/24 accept-more-specifics
lisp site add lab6 key site6-key eid-prefix $IID 10.1.2.0/24 auth sha256 accept-more-specifics
EOF
nfva_up n "$H1" "$TEST_TMP/nfva.conf"

peer() { ip netns exec "$H2" "$PY" "$NT_LIB/tools/lisp_peer.py" "$@"; }
counter() { ctlj n lisp show | json_get "j['counters']['$1']"; }
mc() {
	ctlj n lisp map-cache show | json_get '",".join(sorted("%s %s %s %s" % (e["eid"], e["type"], "+".join(r["rloc"] for r in e["rlocs"]) or "-", e["ttl_s"]) for e in j))'
}
regs() {
	ctlj n lisp site show | json_get '",".join(sorted("%s %s %s" % (r["eid"], r["etr"], s["name"]) for s in j for r in s["registrations"]))'
}

# ---- 1. Map-Reply checks
# resolve_step MODE [NFVA_RLOC]: the peer waits for a Map-Request that a ping of VM1 to
# 10.1.1.30 triggers (pending entries flushed first), and answers with MODE.
resolve_step() {
	sleep 1.1 # one Map-Request per EID per second
	ctl n lisp map-cache flush >/dev/null
	peer resolve "$1" "$IID" >"$TEST_TMP/peer.out" 2>&1 &
	local pid=$!
	wait_for 10 grep -q '^ready' "$TEST_TMP/peer.out" || fail "lisp_peer.py did not start"
	for _ in 1 2 3 4 5; do # a miss triggers at most one Map-Request per second
		ip netns exec "$V1" ping -n -c 1 -W 1 10.1.1.30 >/dev/null 2>&1 || true
		grep -q '^request' "$TEST_TMP/peer.out" && break
		sleep 0.2
	done
	wait "$pid" || fail "lisp_peer.py resolve $1 failed: $(cat "$TEST_TMP/peer.out")"
	cat "$TEST_TMP/peer.out"
	grep -q "^request 10.1.1.30 from ${2:-192.168.1.249} " "$TEST_TMP/peer.out" ||
		{ ctl n lisp show >&2; ctl n neigh show >&2; ctl n port show vm1 >&2; fail "resolve $1: no Map-Request for 10.1.1.30 from nfva"; }
	sleep 0.3
}
resolve_step wrong-nonce
check_eq "wrong nonce: replies_rejected_nonce" "$(counter replies_rejected_nonce)" 1
check_eq "wrong nonce: replies_accepted" "$(counter replies_accepted)" 0
check_eq "wrong nonce: map-cache unchanged (pending only)" "$(mc)" "10.1.1.30/32 pending - 3"
resolve_step truncated
check_eq "truncated: replies_rejected_malformed" "$(counter replies_rejected_malformed)" 1
check_eq "truncated: replies_accepted" "$(counter replies_accepted)" 0
check_eq "truncated: map-cache unchanged (pending only)" "$(mc)" "10.1.1.30/32 pending - 3"
resolve_step good
check_eq "good reply: replies_accepted" "$(counter replies_accepted)" 1
check_eq "good reply: map-cache" "$(mc)" "10.1.1.30/32 dynamic 192.168.1.252 600"
check_eq "requests_sent" "$(counter requests_sent)" 3

# ---- 2. Map-Register checks (nfva as map-server)
# register_step MODE KEY EID WANT_NOTIFY_LINE
register_step() {
	local out
	out=$(peer register "$1" "$2" "$IID" "$3" | grep -v '^ready') || fail "lisp_peer.py register $1 failed: $out"
	check_eq "register $1: what the peer got back" "$out" "$4"
}
register_step wrong-key site-key 10.1.1.40 "notify none"
check_eq "wrong key: registers_rejected_auth" "$(counter registers_rejected_auth)" 1
check_eq "wrong key: no registration" "$(regs)" ""
register_step truncated site-key 10.1.1.40 "notify none"
check_eq "truncated: registers_rejected_malformed" "$(counter registers_rejected_malformed)" 1
check_eq "truncated: no registration" "$(regs)" ""
register_step outside site-key 10.1.1.40 "notify none"
check_eq "outside: registers_rejected_site" "$(counter registers_rejected_site)" 1
check_eq "outside: no registration" "$(regs)" ""
check_eq "rejected registers: registers_accepted, notifies_sent" \
	"$(counter registers_accepted) $(counter notifies_sent)" "0 0"
register_step good site-key 10.1.1.40 "notify auth-ok nonce-ok"
check_eq "good: registers_accepted" "$(counter registers_accepted)" 1
check_eq "good: registration" "$(regs)" "10.1.1.40/32 192.168.1.252 lab"
register_step sha256 site6-key 10.1.2.40 "notify auth-ok nonce-ok"
check_eq "sha256: registers_accepted" "$(counter registers_accepted)" 2
check_eq "sha256: registrations" "$(regs)" "10.1.1.40/32 192.168.1.252 lab,10.1.2.40/32 192.168.1.252 lab6"
check_eq "registers_received" "$(counter registers_received)" 5

# ---- 3. Map-Notify checks (nfva registering VM1 with the peer)
ctl n lisp map-server add 192.168.1.252 key srv-key >/dev/null
registered() { ctlj n lisp map-server show | json_get "j[0]['registered']"; }
# server_step MODE: the peer takes nfva's next Map-Register and answers MODE.
server_step() {
	local out
	out=$(peer server "$1" srv-key | grep -v '^ready') || fail "lisp_peer.py server $1 failed: $out"
	echo "$out"
	check_eq "server $1: nfva's Map-Register (HMAC checked by the peer)" "$(head -1 <<<"$out")" \
		"register key-id 1 auth ok want-notify 1 records $IID:10.1.1.20/32@192.168.1.249"
	sleep 0.5
}
server_step wrong-nonce
check_eq "notify wrong nonce: notifies_rejected_nonce" "$(counter notifies_rejected_nonce)" 1
check_eq "notify wrong nonce: registered" "$(registered)" false
server_step wrong-key
check_eq "notify wrong key: notifies_rejected_auth" "$(counter notifies_rejected_auth)" 1
check_eq "notify wrong key: registered" "$(registered)" false
server_step good
check_eq "good notify: notifies_accepted" "$(counter notifies_accepted)" 1
check_eq "good notify: registered" "$(registered)" true
check_eq "control_malformed" "$(counter control_malformed)" 0

# ---- 4. Over IPv6
log "===== 4. over IPv6 ====="
ipv6_on "$H2" u2
ip -n "$H2" addr add 2001:db8:1::252/64 dev u2 nodad
ctl n underlay set uplink uplink ip 2001:db8:1::249/64 >/dev/null
export LISP_PEER_NFVA=2001:db8:1::249 LISP_PEER_SELF=2001:db8:1::252
ip netns exec "$H2" ping -6 -c 1 -W 2 2001:db8:1::249 >/dev/null ||
	fail "the peer cannot reach nfva's IPv6 address"
received=$(counter registers_received)
register_step good site-key 10.1.1.41 "notify auth-ok nonce-ok"
check_eq "IPv6 good: registrations" "$(regs)" \
	"10.1.1.40/32 192.168.1.252 lab,10.1.1.41/32 2001:db8:1::252 lab,10.1.2.40/32 192.168.1.252 lab6"
register_step rloc-link-local site-key 10.1.1.42 "notify none"
check_eq "IPv6 link-local RLOC: registers_rejected_rloc" "$(counter registers_rejected_rloc)" 1
check_eq "IPv6 link-local RLOC: no registration for 10.1.1.42" "$(regs | grep -c 10.1.1.42 || true)" 0
drops=$(port_drop n uplink udp_bad_checksum)
register_step zero-csum site-key 10.1.1.43 "notify none"
check_eq "IPv6 zero checksum: registers_received (good + link-local only)" \
	"$(counter registers_received)" $((received + 2))
check_eq "IPv6 zero checksum: uplink udp_bad_checksum delta" \
	"$(($(port_drop n uplink udp_bad_checksum) - drops))" 1
ctl n lisp map-resolver del 192.168.1.252 >/dev/null
ctl n lisp map-resolver add 2001:db8:1::252 >/dev/null
accepted=$(counter replies_accepted) rejected=$(counter rlocs_rejected)
resolve_step good 2001:db8:1::249
check_eq "IPv6 good reply: replies_accepted delta" "$(($(counter replies_accepted) - accepted))" 1
check_eq "IPv6 good reply: map-cache" "$(mc)" "10.1.1.30/32 dynamic 2001:db8:1::252 600"
resolve_step bad-rlocs 2001:db8:1::249
check_eq "IPv6 unusable RLOCs: rlocs_rejected delta" "$(($(counter rlocs_rejected) - rejected))" 3
check_eq "IPv6 unusable RLOCs: map-cache unchanged (pending only)" "$(mc)" "10.1.1.30/32 pending - 3"
ctl n lisp map-server add 2001:db8:1::252 key srv-key >/dev/null
out=$(peer server good srv-key | grep -v '^ready') || fail "lisp_peer.py server over IPv6 failed: $out"
check_eq "IPv6 map-server: nfva's Map-Register lists both underlay families" "$(head -1 <<<"$out")" \
	"register key-id 1 auth ok want-notify 1 records $IID:10.1.1.20/32@192.168.1.249+2001:db8:1::249"
v6_registered() { ctlj n lisp map-server show | json_get "[s['registered'] for s in j if s['ip'] == '2001:db8:1::252'][0]"; }
check_eq_wait "IPv6 map-server: registered (Map-Notify over IPv6 verified)" true v6_registered
check_eq "control_malformed" "$(counter control_malformed)" 0
nfva_down n
echo "PASS: test_lisp_security"
