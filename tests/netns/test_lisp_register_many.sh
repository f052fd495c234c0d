#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test_lisp_register_many: nfva registers every local EID however many, and
# each Map-Register's Map-Notify is matched to it (issue 13, D16). Before:
# at most 1024 EIDs were ever registered, and with several messages only the
# last one's nonce was kept, so the other Map-Notifies were refused.
#
#   ns V1 (vm1) -- vm1p: port vm1
#   nfva (ns H1), network lan iid 1000 lisp, 1100 static EIDs on vm1,
#        map-server 192.168.1.252 key srv-key
#        u1 192.168.1.249/24 ====== u2 192.168.1.252/24 (ns H2: lisp_peer.py
#        server-all: answers every Map-Register that verifies with a Map-Notify)
#
# Checks: the peer got all 1100 EIDs (69 Map-Registers a round, distinct
# nonces, every HMAC good); nfva: notifies_rejected_nonce 0, every Map-Notify
# accepted, `lisp map-server show` registered true.
set -eu -o pipefail
# shellcheck source=tests/lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"

netns_require

two_hosts lrm 10.1.1.20 -
ip -n "$H2" addr add 192.168.1.252/24 dev u2
N=1100

{
	uplink_conf u1 192.168.1.249/24 vm1=vm1p
	echo "network add lan iid 1000 encap lisp"
	echo "network lan attach vm1"
	echo "lisp map-server add 192.168.1.252 key srv-key"
	for i in $(seq 0 $((N - 1))); do
		echo "lisp eid add 1000 10.1.$((i / 250)).$((i % 250 + 1)) mac 02:00:00:00:$(printf '%02x:%02x' $((i / 256)) $((i % 256))) port vm1"
	done
} >"$TEST_TMP/nfva.conf"

ip netns exec "$H2" "$PY" "$NT_LIB/tools/lisp_peer.py" server-all srv-key 15 \
	>"$TEST_TMP/peer.out" 2>&1 &
PEER=$!
bg_track $PEER
wait_for 10 grep -q ready "$TEST_TMP/peer.out" || fail "lisp_peer.py did not start"
nfva_up n "$H1" "$TEST_TMP/nfva.conf"
wait "$PEER" || fail "lisp_peer.py failed: $(cat "$TEST_TMP/peer.out")"
cat "$TEST_TMP/peer.out"
line=$(grep '^registers ' "$TEST_TMP/peer.out")
read -r _ registers _ records _ nonces _ bad <<<"$line"
check_eq "EIDs registered with the map-server" "$records" "$N"
check_eq "Map-Registers with a bad HMAC" "$bad" 0
check_eq "every Map-Register has its own nonce" "$nonces" "$registers"
check_ge "Map-Registers (69 a round)" "$registers" 69
counter() { ctlj n lisp show | json_get "j['counters']['$1']"; }
check_eq "notifies_rejected_nonce" "$(counter notifies_rejected_nonce)" 0
check_eq "notifies_accepted = Map-Registers the peer answered" \
	"$(counter notifies_accepted)" "$registers"
check_eq "map-server show: registered" \
	"$(ctlj n lisp map-server show | json_get "j[0]['registered']")" true
nfva_down n
log "PASS"
