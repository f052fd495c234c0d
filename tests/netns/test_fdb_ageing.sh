#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test_fdb_ageing: with `fdb ageing 2`, a MAC stays while it talks, goes no sooner
# than 2 s after its last frame, is learned again when it talks again, and a
# static entry never ages.
#
#   ns vm1 (10.0.0.1)     ns vm2 (10.0.0.2)     ns vm3 (10.0.0.3)
#       eth0                  eth0                  eth0
#        |                     |                     |
#   -----|---------------------|---------------------|------ ns host ----
#   net_af_packet0        net_af_packet1        net_af_packet2
#      port vm1              port vm2              port vm3
#        \_____________________|_____________________/
#              nfva: network "lan", fdb ageing 2 (in the config)
#
# Neighbours are pinned in the VMs (no ARP), so the only frames are the pings.
# 1. steady: vm1 pings vm2 every 0.5 s for 4 s (twice the ageing time): no
#    reply lost, learned stays 1 on vm1 and vm2 (never aged while in use);
#    then, while they age, the tick of nfva's clock is found (their age goes up);
# 2. rounds: vm3 -> vm1 and vm1 -> vm2 each ping once (3 MACs present),
#    timed to land just before nfva's whole-second clock ticks (where an
#    off-by-one in ageing shows), then silence: the first entry goes >= 2 s
#    after the first of the last frames left (send times from pinger.py),
#    all are gone within 10 s, and every port's learned counter went up by
#    exactly one (relearned);
# 3. after: all pairs ping, every port learned its MAC again, the FDB holds
#    the three MACs on the right ports; a static entry added then outlives
#    the dynamic ones.
set -eu -o pipefail
# shellcheck source=tests/lib/lan.sh
. "$(dirname "$0")/../lib/lan.sh"

AGEING=2
ROUNDS=3      # sharp rounds wanted (see below)
MAX_ROUNDS=8
STATIC_MAC=02:00:00:00:00:99

netns_require
lan_setup
lan_static_neigh
CONF="$TEST_TMP/nfva.conf"
{ lan_config; echo "# dynamic entries not seen for $AGEING s go"; echo "fdb ageing $AGEING"; } >"$CONF"
nfva_up lan "$NS_HOST" "$CONF"

# Fast enough to poll every few tens of milliseconds (no Python).
dyn_entries() { ctlj lan fdb show | { grep -o '"type":"dynamic"' || true; } | wc -l; }
learned_all() { for vm in "${LAN_VMS[@]}"; do printf '%s ' "$(port_counter lan "$vm" learned)"; done; }
# Largest age (s) of the dynamic entries, -1 with none.
max_age() {
	local a
	a=$(ctlj lan fdb show | { grep -o '"age":[0-9][0-9]*' || true; } | cut -d: -f2 | sort -n | tail -n 1)
	echo "${a:--1}"
}
# nfva ages in whole seconds of its own clock (clock.h). An entry whose last
# frame comes just before that clock ticks is the one most at risk of going
# early, so the rounds below aim their last frames there. TICK: the wall-clock
# ms (mod 1000) of the tick, seen as the moment the entries' age goes up.
daemon_tick() {
	local prev cur t_prev t
	prev=$(max_age); t_prev=$(now_ms)
	for _ in $(seq 150); do
		cur=$(max_age); t=$(now_ms)
		if [ "$cur" -gt "$prev" ] && [ "$prev" -ge 0 ]; then
			echo $((((t_prev + t) / 2) % 1000))
			return
		fi
		prev=$cur t_prev=$t
		sleep 0.01
	done
	fail "the age of the FDB entries did not go up within a few seconds"
}
# before_tick MS: the wall-clock ms, >= 0.6 s from now, MS ms before a tick of
# nfva's clock.
before_tick() {
	local now since
	now=$(now_ms)
	since=$((((now - TICK) % 1000 + 1000) % 1000))
	local wait=$(((2000 - since - $1) % 1000))
	[ $wait -ge 600 ] || wait=$((wait + 1000))
	echo $((now + wait))
}

# --- before -------------------------------------------------------------------
check_eq "fdb summary ageing" "$(ctlj lan fdb summary | json_get "j['ageing']")" $AGEING
check_eq "fdb entries before traffic" "$(fdb_entries lan)" 0

# --- 1. steady traffic keeps its entries ----------------------------------------
check_eq "vm1 -> vm2 replies, one every 0.5 s for 4 s" "$(vm_ping vm1 vm2 9 0.5)" 9
check_eq "vm1 learned after steady traffic" "$(port_counter lan vm1 learned)" 1
check_eq "vm2 learned after steady traffic" "$(port_counter lan vm2 learned)" 1

# wait_aged: until no dynamic entry is left (<= 10 s).
wait_aged() {
	local deadline=$(($(now_ms) + 10000))
	while [ "$(dyn_entries)" -ne 0 ]; do
		[ "$(now_ms)" -lt $deadline ] || fail "dynamic entries still present after 10 s:
$(ctl lan fdb show)"
		sleep 0.1
	done
}
TICK=$(daemon_tick)
echo "nfva's clock ticks at ${TICK} ms past each wall-clock second"
wait_aged

# --- 2. silence ages everything, never early ------------------------------------
# A round is sharp when its frames met nfva when aimed (RTT <= 50 ms, sent in
# the last 200 ms of a second): on a busy machine, rounds go on until ROUNDS
# are sharp or MAX_ROUNDS have run. Every round checks the bound.
round=0 sharp=0
while [ $sharp -lt $ROUNDS ] && [ $round -lt $MAX_ROUNDS ]; do
	round=$((round + 1))
	read -r -a learned_before <<<"$(learned_all)"
	# The last frames of all three MACs, ~100 ms before a tick: vm3 -> vm1
	# carries vm3's and vm1's, vm1 -> vm2 vm1's and vm2's.
	at=$(before_tick 100)
	ip netns exec "$(ns_vm vm3)" "$PY" "$NT_LIB/tools/pinger.py" "$(vm_ip vm1)" 1 0.2 3 "$at" \
		>"$TEST_TMP/ping31" 2>&1 &
	p31=$!
	ip netns exec "$(ns_vm vm1)" "$PY" "$NT_LIB/tools/pinger.py" "$(vm_ip vm2)" 1 0.2 3 "$at" \
		>"$TEST_TMP/ping12" 2>&1 &
	p12=$!
	bg_track $p31
	bg_track $p12
	{ wait $p31 && wait $p12; } || fail "round $round: pinger.py failed"
	read -r _ got31 rtt31 send31 <"$TEST_TMP/ping31"
	read -r _ got12 rtt12 send12 <"$TEST_TMP/ping12"
	check_eq "round $round: replies vm3 -> vm1, vm1 -> vm2" "$got31 $got12" "1 1"
	t_last=$(now_ms)
	# Every MAC's last frame reached nfva after the first request left:
	t_ref=$((send31 < send12 ? send31 : send12))
	check_eq "round $round: dynamic entries after the pings" "$(dyn_entries)" 3
	first_gone="" all_gone=""
	while [ $(($(now_ms) - t_last)) -lt 10000 ]; do
		n=$(dyn_entries)
		t=$(now_ms)          # the answer above was made before this instant
		[ -z "$first_gone" ] && [ "$n" -lt 3 ] && first_gone=$((t - t_ref))
		[ "$n" -eq 0 ] && { all_gone=$((t - t_last)); break; }
		sleep 0.03
	done
	[ -n "$all_gone" ] || fail "round $round: entries still present 10 s after the last frame:
$(ctl lan fdb show)"
	phase=$((((t_ref - TICK) % 1000 + 1000) % 1000))
	echo "round $round: pings sent $phase ms into a second of nfva's clock, RTT" \
		"${rtt31}/${rtt12} ms; first removal <= ${first_gone} ms after they were sent," \
		"all gone <= ${all_gone} ms after their replies"
	[ "${rtt31%.*}" -le 50 ] && [ "${rtt12%.*}" -le 50 ] && [ $phase -ge 800 ] &&
		sharp=$((sharp + 1))
	check_ge "round $round: ms from the last frames to the first removal" \
		"$first_gone" $((AGEING * 1000))
	read -r -a learned_after <<<"$(learned_all)"
	for i in 0 1 2; do
		check_eq "round $round: ${LAN_VMS[$i]} learned again" \
			"${learned_after[$i]}" $((learned_before[i] + 1))
	done
	for vm in "${LAN_VMS[@]}"; do
		check_eq "round $round: $vm macs after ageing" "$(port_field lan "$vm" macs)" 0
	done
done

echo "sharp rounds: $sharp of $round"
[ $sharp -ge $ROUNDS ] ||
	echo "NOTE: machine too busy for $ROUNDS sharp rounds; the bound held in all $round"

# --- 3. relearned, and static entries stay --------------------------------------
read -r -a learned_before <<<"$(learned_all)"
ping_all_pairs 2 || fail "some pair lost replies after ageing"
read -r -a learned_after <<<"$(learned_all)"
for i in 0 1 2; do
	check_ge "${LAN_VMS[$i]} learned again by the pings after ageing" \
		"${learned_after[$i]}" $((learned_before[i] + 1))
done
# Entries age within 2 s: look at them right after one exchange carrying all three.
ip netns exec "$(ns_vm vm3)" "$PY" "$NT_LIB/tools/pinger.py" "$(vm_ip vm1)" 1 0.2 3 \
	>"$TEST_TMP/ping31" 2>&1 &
p31=$!
bg_track $p31
check_eq "ping vm1 -> vm2" "$(vm_ping vm1 vm2 1)" 1
wait $p31 || fail "pinger.py failed"
expected=$(for vm in "${LAN_VMS[@]}"; do echo "$(vm_mac "$vm") $vm"; done | sort | paste -sd, -)
actual=$(ctlj lan fdb show | json_get '",".join(sorted("%s %s" % (e["mac"].lower(), e["port"])
	for e in j))')
check_eq "fdb after relearning (mac port)" "$actual" "$expected"

ctl lan fdb add $STATIC_MAC network lan port vm1
wait_aged
check_eq "entries left after ageing: the static one" \
	"$(ctlj lan fdb show | json_get '",".join("%s %s %s" % (e["mac"].lower(), e["port"],
		e["type"]) for e in j)')" "$STATIC_MAC vm1 static"

echo "fdb show:"; ctl lan fdb show
nfva_down lan
echo "PASS: test_fdb_ageing"
