#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test_fdb_mac_flood: a VM spraying random source MACs fills only its own share of
# the FDB (port mac-limit), and the other VMs keep talking through it.
#
#   ns vm1 (10.0.0.1)     ns vm2 (10.0.0.2)     ns vm3 (10.0.0.3)
#       eth0                  eth0                  eth0  <-- mac_flood.py:
#        |                     |                     |        100,000 frames,
#   -----|---------------------|---------------------|-----   random src MACs
#   net_af_packet0        net_af_packet1        net_af_packet2
#      port vm1              port vm2              port vm3 (mac-limit 100)
#        \_____________________|_____________________/
#                    nfva: network "lan" (learning bridge)
#
# Before: the three VM MACs are learned (one each), vm3's learn_limit is 0.
# During the flood vm1 pings vm2 every 50 ms in the background (>= 80% of the
# pings sent get a reply). After:
# - vm3 holds exactly 100 MACs (its own + 99 random), learned += 99;
# - learn_limit >= 99,000, and every frame nfva received on vm3 is accounted
#   for: learned + learn_limit + frames from already-known MACs == rx;
# - the FDB holds 102 entries (<= 100 + 3), vm1 and vm2 still one MAC each;
# - flooded frames never go back out of vm3 (its tx stays near zero);
# - vm1 <-> vm2 and vm3 -> vm1 ping without loss afterwards.
set -eu -o pipefail
# shellcheck source=tests/lib/lan.sh
. "$(dirname "$0")/../lib/lan.sh"

FRAMES=100000
CHUNK=10000        # frames sent before waiting for nfva to take them
PPS=40000          # pace within a chunk
LAN_FRAMECNT["vm3"]=16384   # vm3's af_packet ring holds a whole chunk
LIMIT=100
FLOOD_DST=02:00:00:00:00:01   # never learned: every frame is flooded to vm1, vm2

netns_require
lan_setup
CONF="$TEST_TMP/nfva.conf"
{ lan_config; echo "port set vm3 mac-limit $LIMIT"; } >"$CONF"
nfva_up lan "$NS_HOST" "$CONF"

vm3_stats() { ctlj lan port show stats vm3 | json_get '" ".join(str(j["vm3"][k]) for k in
	("rx_packets", "tx_packets", "learned", "learn_limit", "moved", "flooded"))'; }

# --- before -------------------------------------------------------------------
check_eq "vm3 mac_limit" "$(port_field lan vm3 mac_limit)" $LIMIT
check_eq "ping vm1 -> vm2" "$(vm_ping vm1 vm2 3)" 3
check_eq "ping vm3 -> vm1" "$(vm_ping vm3 vm1 3)" 3
for vm in "${LAN_VMS[@]}"; do
	check_eq "$vm macs before the flood" "$(port_field lan "$vm" macs)" 1
done
check_eq "fdb entries before the flood" "$(fdb_entries lan)" 3
read -r rx0 tx0 learned0 limit0 moved0 flooded0 <<<"$(vm3_stats)"
check_eq "vm3 learn_limit before" "$limit0" 0

# --- flood, with vm1 -> vm2 pings running through it -------------------------
# Sent in chunks that fit vm3's ring, each once nfva has taken the previous one:
# a worker descheduled on a loaded machine then delays the flood, never loses it.
ip netns exec "$(ns_vm vm1)" "$PY" "$NT_LIB/tools/pinger.py" "$(vm_ip vm2)" 400 0.05 3 \
	>"$TEST_TMP/ping_during" 2>&1 &
ping_pid=$!
bg_track $ping_pid
sleep 0.3
t0=$(now_ms)
sent=0
for _ in $(seq $((FRAMES / CHUNK))); do
	n=$(vm_exec vm3 "$PY" "$NT_LIB/tools/mac_flood.py" eth0 $CHUNK $FLOOD_DST $PPS)
	sent=$((sent + n))
	for _ in $(seq 100); do # <= ~10 s for nfva to catch up
		[ "$(port_counter lan vm3 rx_packets)" -ge $((rx0 + sent)) ] && break
		sleep 0.1
	done
done
echo "mac_flood.py sent $sent frames in $(($(now_ms) - t0)) ms"
check_eq "frames sent by vm3" "$sent" $FRAMES
sleep 0.3
kill -INT $ping_pid 2>/dev/null || true # pinger.py stops sending, reports
wait $ping_pid || true
read -r during_sent during _ <"$TEST_TMP/ping_during" || true
echo "vm1 -> vm2 during the flood: $during/$during_sent replies"
check_ge "vm1 -> vm2 pings sent during the flood" "${during_sent:-0}" 20
check_ge "vm1 -> vm2 replies during the flood, % of sent" $((100 * during / during_sent)) 80

# --- after --------------------------------------------------------------------
read -r rx1 tx1 learned1 limit1 moved1 flooded1 <<<"$(vm3_stats)"
rx=$((rx1 - rx0)) learned=$((learned1 - learned0)) limited=$((limit1 - limit0))
echo "vm3 during the flood: rx $rx, learned $learned, learn_limit $limited," \
	"flooded $((flooded1 - flooded0)), tx $((tx1 - tx0))"
check_eq "vm3 macs (the limit)" "$(port_field lan vm3 macs)" $LIMIT
check_eq "vm3 learned during the flood" "$learned" $((LIMIT - 1))
check_ge "vm3 learn_limit" "$limited" 99000
check_ge "vm3 rx during the flood (<= 0.9% lost in af_packet rings)" "$rx" 99100
known=$((rx - learned - limited))
check_ge "vm3 frames from known MACs (rx - learned - learn_limit)" "$known" 0
check_le "vm3 frames from known MACs (rx - learned - learn_limit)" "$known" 10
check_eq "vm3 moved" "$((moved1 - moved0))" 0
check_ge "vm3 frames flooded" "$((flooded1 - flooded0))" $((rx - known))
check_le "vm3 tx during the flood (nothing goes back out of vm3)" "$((tx1 - tx0))" 20
check_eq "vm1 macs" "$(port_field lan vm1 macs)" 1
check_eq "vm2 macs" "$(port_field lan vm2 macs)" 1
check_le "fdb entries" "$(fdb_entries lan)" $((LIMIT + 3))
check_eq "fdb entries (100 on vm3 + vm1 + vm2)" "$(fdb_entries lan)" $((LIMIT + 2))
check_eq "fdb show entries on vm3" "$(ctlj lan fdb show port vm3 | json_get 'len(j)')" $LIMIT
check_eq "vm3's own MAC still on vm3" \
	"$(ctlj lan fdb show port vm3 | json_get "[e['mac'].lower() for e in j].count('$(vm_mac vm3)')")" 1

check_eq "ping vm1 -> vm2 after the flood" "$(vm_ping vm1 vm2 5)" 5
check_eq "ping vm2 -> vm1 after the flood" "$(vm_ping vm2 vm1 5)" 5
check_eq "ping vm3 -> vm1 after the flood" "$(vm_ping vm3 vm1 5)" 5

echo "stats:"; ctl lan stats
nfva_down lan
echo "PASS: test_fdb_mac_flood"
