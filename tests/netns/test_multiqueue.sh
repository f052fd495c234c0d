#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test_multiqueue: four workers (five EAL lcores on this machine's two CPUs:
# correctness, not speed) and VM ports of four rx queues each (net_af_packet
# qpairs=4: the kernel's PACKET_FANOUT spreads flows by their hash).
#
#   ns vm1 (10.0.0.1)     ns vm2 (10.0.0.2)     ns vm3 (10.0.0.3)
#       eth0                  eth0                  eth0
#   ----|---------------------|---------------------|---------- ns host ----
#   af_packet qpairs=4    af_packet qpairs=4    af_packet qpairs=4
#   port vm1 rxq 4        port vm2 rxq 4        port vm3 rxq 4
#              \______ nfva: network lan, workers 0..3 ______/
#
# 1. placement: each port has 4 rx queues, on the 4 different workers; a
#    queue pinned with `port set vm1 rxq 0 worker 3` moves there and back.
# 2. 64 UDP flows x 60 numbered frames from vm1 to vm2 (tools/flows.py):
#    every rx queue of vm1 received some, and every worker (stats workers,
#    which also names the queues each polls); vm2's capture has
#    every flow, no frame of a flow out of order or twice, <= 1% lost.
# 3. the FDB is consistent: exactly the three VMs' MACs, each once, each on
#    its own port, and the summary agrees with the table.
# 4. MAC move while four workers learn it: vm3 sends 64 flows with vm1's MAC
#    as source, then vm1 again, three rounds: every round the MAC ends on the
#    last sender's port, once in the table, and `moved` rose on it.
# 5. mode offload (VM ports are VFs of an emulated e-switch): each L2 rule
#    exists once although four workers asked for it (after the moves, vm1
#    pings vm2 until its rule is back: requests repeat once a second); installs - removals =
#    rules; the vm1 -> vm2 rule carried frames of the flows and knows its
#    request-to-first-frame latency (live_us); 64 more flows over the four
#    queues: the rule's hit counter took every frame vm2 received (four
#    workers count on the same rule at once; none may be lost).
set -eu -o pipefail
# shellcheck source=tests/lib/lan.sh
. "$(dirname "$0")/../lib/lan.sh"

netns_require
need tshark tshark
test_mode "${1:-}"
lan_setup
lan_static_neigh
H=$NS_HOST M1=$(vm_mac vm1) M2=$(vm_mac vm2) M3=$(vm_mac vm3)
FLOWS=64 FRAMES=60
NFVA_CORES=(--lcores 0@0,1@1,2@0,3@1,4@0)

mq_devargs() { echo "$(vm_devargs "$1" "$2"),qpairs=4"; }
CONF="$TEST_TMP/h.conf"
{
	offload_mode && echo "port add up dev net_null0,no-rx=1 eswitch emulated"
	echo "network add lan"
	k=1
	for vm in vm1 vm2 vm3; do
		echo "port add $vm dev $(mq_devargs $vm $k) rxq 4$(esw_vf up)"
		echo "network lan attach $vm"
		k=$((k + 1))
	done
	offload_mode && echo "offload set idle-timeout 120"
	true
} >"$CONF"
nfva_up h "$H" "$CONF"

# --- 1. placement ------------------------------------------------------------------
queues() { ctlj h port show "$1" | json_get "j[0]['$2']"; }
# rxqs PORT EXPR: EXPR over the port's rx queues (q: {queue, worker, pinned, packets})
rxqs() { ctlj h port show stats "$1" | json_get "' '.join(str($2) for q in j['$1']['rx_queues'])"; }
workers_of() { rxqs "$1" "q['worker']"; }
for vm in vm1 vm2 vm3; do
	check_eq "$vm rx queues" "$(queues $vm rxq)" 4
	check_eq "$vm: its queues on four different workers" \
		"$(workers_of $vm | tr ' ' '\n' | sort -u | tr '\n' ' ')" "0 1 2 3 "
done
W0=$(workers_of vm1 | cut -d' ' -f1)
ctl_ok h port set vm1 rxq 0 worker 3
check_eq "vm1 queue 0 pinned to worker 3" "$(rxqs vm1 "(q['worker'], q['pinned'])" |
	cut -d' ' -f1,2)" "(3, True)"
check_eq "port show: queue 0 pinned (*)" "$(queues vm1 rx_queues | cut -d, -f1)" "0:w3*"
check_fails "queue 4 does not exist" ctl h port set vm1 rxq 4 worker 0
check_fails "worker 4 does not exist" ctl h port set vm1 rxq 0 worker 4
ctl_ok h port set vm1 rxq 0 worker any
check_eq "vm1 queue 0 back on worker $W0" "$(workers_of vm1 | cut -d' ' -f1)" "$W0"

# --- 2. many flows over four queues ------------------------------------------------
check_eq "vm1 -> vm2 pings" "$(vm_ping vm1 vm2 3)" 3
check_eq "vm3 -> vm1 pings" "$(vm_ping vm3 vm1 3)" 3
qpackets() { rxqs "$1" "q['packets']"; }
wpackets() { ctlj h stats workers | json_get "' '.join(str(j['worker%d' % w]['packets']) for w in range(4))"; }
WBEFORE=$(wpackets)
check_eq "stats workers: worker 2 polls vm1's queue 2" \
	"$(ctlj h stats workers | json_get "int('vm1:2' in j['worker2']['rx_queues'])")" 1
BEFORE=$(qpackets vm1)
cap_start flows "$(ns_vm vm2)" eth0
SENT=$(vm_exec vm1 "$PY" "$NT_LIB/tools/flows.py" send eth0 "$M1" "$M2" 10.0.0.1 10.0.0.2 \
	"$FLOWS" "$FRAMES" 15000)
check_eq "frames sent" "$SENT" $((FLOWS * FRAMES))
cap_stop flows
AFTER=$(qpackets vm1)
log "vm1 rx queues: before $BEFORE, after $AFTER"
read -r -a B <<<"$BEFORE"
read -r -a A <<<"$AFTER"
for q in 0 1 2 3; do
	check_ge "vm1 rx queue $q (worker $(workers_of vm1 | cut -d' ' -f$((q + 1)))) carried flows" \
		$((A[q] - B[q])) 1
done
read -r -a WB <<<"$WBEFORE"
read -r -a WA <<<"$(wpackets)"
for w in 0 1 2 3; do
	check_ge "stats workers: worker $w received frames of the flows" $((WA[w] - WB[w])) 1
done
RESULT=$("$PY" "$NT_LIB/tools/flows.py" check "$TEST_TMP/flows.pcap" "$FLOWS" "$FRAMES") ||
	fail "frames of a flow reordered or duplicated: $RESULT"
log "vm2 received: $RESULT"
read -r _ nflows _ nframes _ reordered _ duplicated _ lost <<<"$RESULT"
check_eq "flows seen at vm2" "$nflows" "$FLOWS"
check_eq "frames reordered" "$reordered" 0
check_eq "frames duplicated" "$duplicated" 0
check_le "frames lost (<= 1%)" "$lost" $((FLOWS * FRAMES / 100))
check_ge "frames received" "$nframes" $((FLOWS * FRAMES * 99 / 100))

# --- 3. the FDB is consistent ------------------------------------------------------
fdb_row() { ctlj h fdb show | json_get "sorted((e['mac'].lower(), e['port']) for e in j)"; }
EXPECT=$(json_get "sorted([('$M1', 'vm1'), ('$M2', 'vm2'), ('$M3', 'vm3')])" <<<"null")
check_eq "FDB: the three VMs, each once, on its port" "$(fdb_row)" "$EXPECT"
check_eq "fdb summary agrees with the table" "$(fdb_entries h)" 3

# --- 4. a MAC moves while four workers learn it ------------------------------------
mac_rows() { ctlj h fdb show | json_get "len([e for e in j if e['mac'].lower() == '$1'])"; }
move_round() {
	local from=$1 ip=$2 moved0
	moved0=$(port_counter h "$from" moved)
	vm_exec "$from" "$PY" "$NT_LIB/tools/flows.py" send eth0 "$M1" "$M2" "$ip" 10.0.0.2 \
		"$FLOWS" 10 15000 30000 >/dev/null
	check_eq_wait "round $3: $M1 ends on $from" "$from" fdb_port h "$M1"
	check_eq "round $3: $M1 once in the FDB" "$(mac_rows "$M1")" 1
	check_ge "round $3: moved on $from" "$(port_counter h "$from" moved)" $((moved0 + 1))
}
for round in 1 2 3; do
	move_round vm3 10.0.0.3 "$round"
	move_round vm1 10.0.0.1 "$round"
done
check_eq "FDB after the moves" "$(fdb_row)" "$EXPECT"

# --- 5. offload: each rule once ----------------------------------------------------
if offload_mode; then
	# The last move removed the rules that used vm1's MAC; a worker asks for
	# a decision at most once a second, so the rule comes back with the next
	# frames after that (vm1's burst may have ended within the second).
	for _ in $(seq 10); do
		[ "$(nrules h "$(f_l2 vm1 vm2)")" = 1 ] && break
		vm_exec vm1 ping -n -c 1 -W 1 10.0.0.2 >/dev/null 2>&1 || true
		sleep 0.3
	done
	check_eq "one vm1 -> vm2 rule" "$(nrules h "$(f_l2 vm1 vm2)")" 1
	RULES=$(nrules h)
	check_eq "no rule twice (in, out, src, dst)" "$(rules h | json_get \
		"len(set((r['in'], r['out'], r['src'], r['dst']) for r in j))")" "$RULES"
	check_eq "installs - removals = rules" \
		"$(($(ostat h installs) - $(ostat h removals)))" "$RULES"
	l2_hits() { rule_field h "$(f_l2 vm1 vm2)" hits; }
	hits0=$(l2_hits)
	cap_start counted "$(ns_vm vm2)" eth0
	vm_exec vm1 "$PY" "$NT_LIB/tools/flows.py" send eth0 "$M1" "$M2" 10.0.0.1 10.0.0.2 \
		"$FLOWS" "$FRAMES" 15000 40000 >/dev/null
	cap_stop counted
	got=$(pcap_count counted "eth.src == $M1 && eth.dst == $M2 && udp")
	check_ge "vm2 received the flows through the rule" "$got" $((FLOWS * FRAMES * 99 / 100))
	wait_for 5 cmd_eq "[ \$(l2_hits) -ge $((hits0 + got)) ] && echo y" y || true
	check_ge "the rule counted every frame vm2 received (4 workers, one rule)" \
		$(($(l2_hits) - hits0)) "$got"
	check_ge "the vm1 -> vm2 rule carried flow frames" "$(l2_hits)" 1
	# a rule that carried frames knows its request-to-first-frame latency
	check_ge "the vm1 -> vm2 rule's live_us (request to first frame)" \
		"$(rule_field h "$(f_l2 vm1 vm2)" live_us)" 0
	log "offload: $(ctlj h stats | json_get "{k: j['offload'][k] for k in ('requests', 'installs', 'removals', 'rules')}")"
fi
nfva_down h
echo "PASS: test_multiqueue ($TEST_MODE)"
