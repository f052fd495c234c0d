#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test_l2_ping_all: three VMs on one learning bridge reach each other, and the
# bridge learns exactly their three MACs, each behind its own port.
#
#   ns vm1 (10.0.0.1)     ns vm2 (10.0.0.2)     ns vm3 (10.0.0.3)
#       eth0                  eth0                  eth0
#        |                     |                     |
#   -----|---------------------|---------------------|------ ns host ----
#   net_af_packet0        net_af_packet1        net_af_packet2
#      port vm1              port vm2              port vm3
#        \_____________________|_____________________/
#                    nfva: network "lan" (learning bridge)
#
# Before: empty FDB, zero counters. Traffic: every ordered pair pings 3 times
# (ARP broadcasts are flooded, replies are unicast). After:
# - `fdb show` is exactly {vm1 MAC -> vm1, vm2 MAC -> vm2, vm3 MAC -> vm3};
# - per port: learned == 1, macs == 1, moved == learn_limit == 0, no drops;
# - per port, nfva's rx/tx equal what the VM's eth0 sent/received (no frame
#   lost or invented), and total tx == total rx + flooded (a flooded frame
#   leaves by the two other ports, a unicast one by one).
set -eu -o pipefail
# shellcheck source=tests/lib/lan.sh
. "$(dirname "$0")/../lib/lan.sh"

netns_require
lan_setup
CONF="$TEST_TMP/nfva.conf"
lan_config >"$CONF"
nfva_up lan "$NS_HOST" "$CONF"

vm_stat() { ip -n "$(ns_vm "$1")" -s -j link show eth0 | json_get "j[0]['stats64']['$2']['packets']"; }
# "rx tx" of every port, nfva side, in one line.
nfva_rxtx() {
	ctlj lan port show stats | json_get '" ".join("%d %d" % (c["rx_packets"], c["tx_packets"])
		for c in j.values())'
}
vm_txrx() { for vm in "${LAN_VMS[@]}"; do printf '%s %s ' "$(vm_stat "$vm" tx)" "$(vm_stat "$vm" rx)"; done; }

# --- before -------------------------------------------------------------------
check_eq "fdb entries before traffic" "$(fdb_entries lan)" 0
for vm in "${LAN_VMS[@]}"; do
	check_eq "$vm rx_packets before" "$(port_counter lan "$vm" rx_packets)" 0
	check_eq "$vm learned before" "$(port_counter lan "$vm" learned)" 0
	check_eq "$vm link" "$(port_field lan "$vm" link)" up
done
read -r -a vm_before <<<"$(vm_txrx)"

# --- traffic ------------------------------------------------------------------
ping_all_pairs 3 || fail "some pair lost replies"

# --- after --------------------------------------------------------------------
expected=$(for vm in "${LAN_VMS[@]}"; do echo "$(vm_mac "$vm") $vm lan dynamic"; done |
	sort | paste -sd, -)
actual=$(ctlj lan fdb show | json_get '",".join(sorted("%s %s %s %s" % (e["mac"].lower(),
	e["port"], e["network"], e["type"]) for e in j))')
echo "fdb show:"; ctl lan fdb show
check_eq "fdb entries (mac port network type)" "$actual" "$expected"
check_eq "fdb summary entries" "$(fdb_entries lan)" 3
check_eq "network lan macs" "$(ctlj lan network show lan | json_get "j[0]['macs']")" 3

sum_rx=0 sum_tx=0 sum_flooded=0
for vm in "${LAN_VMS[@]}"; do
	port=$(ctlj lan port show stats "$vm")
	c() { json_get "j['$vm']['$1']" <<<"$port"; }
	check_ge "$vm rx_packets" "$(c rx_packets)" 12   # 3 requests + 3 replies, twice
	check_ge "$vm tx_packets" "$(c tx_packets)" 12
	check_eq "$vm learned" "$(c learned)" 1
	check_eq "$vm moved" "$(c moved)" 0
	check_eq "$vm learn_limit" "$(c learn_limit)" 0
	check_eq "$vm tx_errors" "$(c tx_errors)" 0
	check_eq "$vm dropped" "$(c dropped)" "{}"
	check_eq "$vm macs" "$(port_field lan "$vm" macs)" 1
	sum_rx=$((sum_rx + $(c rx_packets)))
	sum_tx=$((sum_tx + $(c tx_packets)))
	sum_flooded=$((sum_flooded + $(c flooded)))
done
check_ge "frames flooded (ARP requests)" "$sum_flooded" 1
check_eq "total tx (== rx + flooded)" "$sum_tx" $((sum_rx + sum_flooded))

# nfva's per-port rx/tx against the VMs' own eth0 counters. An ARP probe may
# slip between the two reads: take a snapshot whose nfva side did not move.
for _ in 1 2 3 4 5; do
	a=$(nfva_rxtx); vm_after=$(vm_txrx); b=$(nfva_rxtx)
	[ "$a" = "$b" ] && break
done
read -r -a nfva <<<"$a"
read -r -a vm_now <<<"$vm_after"
for i in 0 1 2; do
	vm=${LAN_VMS[$i]}
	check_eq "$vm: nfva rx == frames $vm sent" "${nfva[$((2 * i))]}" \
		$((vm_now[2 * i] - vm_before[2 * i]))
	check_eq "$vm: nfva tx == frames $vm received" "${nfva[$((2 * i + 1))]}" \
		$((vm_now[2 * i + 1] - vm_before[2 * i + 1]))
done

echo "port show:"; ctl lan port show
nfva_down lan
echo "PASS: test_l2_ping_all"
