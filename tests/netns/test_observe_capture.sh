#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test_observe_capture: nfva initialises DPDK's pdump (rte_pdump_init), so
# dpdk-dumpcap, a DPDK secondary process of nfva's --file-prefix, captures
# an nfva port; tshark reads the capture and finds exactly the frames the
# VM behind that port exchanged (as its own eth0 saw them).
#
#   ns vm1 (10.0.0.1)     ns vm2 (10.0.0.2)     ns vm3 (10.0.0.3)
#   -----|---------------------|---------------------|------ ns host ----
#   net_af_packet0        net_af_packet1        net_af_packet2
#      port vm1              port vm2  <-- dpdk-dumpcap -i net_af_packet1
#                    nfva: network "lan"
#
# Neighbours are pinned (no ARP): vm1 pings vm2 5 times. The dumpcap file
# holds 5 echo requests (vm2's tx) and 5 replies (vm2's rx) with the VMs'
# MACs and addresses, the same (length, MACs, IPs, type, seq) as tshark on
# vm2's eth0; vm3 sees only the first request (flooded: vm2's MAC unknown
# yet); dumpcap reports 10 received, 0 dropped and exits 0 on SIGINT.
#
# A secondary process cannot attach to a primary on --no-huge, so nfva runs
# on hugepages here: HUGEPAGES 2 MiB pages are reserved when fewer are free
# and the count is given back at exit. Skips (77) without dpdk-dumpcap,
# tshark or hugetlbfs.
set -eu -o pipefail
# shellcheck source=tests/lib/lan.sh
. "$(dirname "$0")/../lib/lan.sh"

HUGEPAGES=256 # 512 MiB: nfva's 256 MiB, dumpcap's ring and mbuf pool
NR=/proc/sys/vm/nr_hugepages
HP_OLD=""

netns_require
need tshark tshark
need dpdk-dumpcap dpdk

free_pages() { awk '/^HugePages_Free/ {print $2}' /proc/meminfo; }
hugepages_restore() {
	rm -f /dev/hugepages/nfva-test-"$TEST_ID"-*map_* 2>/dev/null || true
	[ -z "$HP_OLD" ] || echo "$HP_OLD" >"$NR"
}
hugepages_reserve() {
	mountpoint -q /dev/hugepages || skip "hugetlbfs is not mounted on /dev/hugepages"
	[ "$(free_pages)" -ge $HUGEPAGES ] && return 0
	HP_OLD=$(cat "$NR")
	on_exit hugepages_restore
	echo $((HP_OLD + HUGEPAGES - $(free_pages))) >"$NR"
	[ "$(free_pages)" -ge $HUGEPAGES ] || skip "could not reserve $HUGEPAGES hugepages"
	log "reserved hugepages: $(free_pages) free (was $HP_OLD in all)"
}

# dumpcap_start DEVICE FILE: dpdk-dumpcap attached to nfva lan, once it captures.
dumpcap_start() {
	ip netns exec "$NS_HOST" dpdk-dumpcap --file-prefix="${NFVA_PREFIX[lan]}" -i "$1" \
		-w "$2" >"$TEST_TMP/dumpcap.log" 2>&1 &
	DUMPCAP_PID=$!
	bg_track "$DUMPCAP_PID"
	# Its running count (stderr) starts once pdump is enabled in nfva.
	wait_for 30 grep -q "Packets captured" "$TEST_TMP/dumpcap.log" ||
		fail "dpdk-dumpcap did not attach: $(cat "$TEST_TMP/dumpcap.log")"
	log "dpdk-dumpcap attached: $(grep "^File:" "$TEST_TMP/dumpcap.log")"
}

# icmp_rows FILE: "len src dst ipsrc ipdst type seq" of each ICMP frame, sorted.
icmp_rows() {
	tshark -n -r "$1" -Y icmp -T fields -E separator=' ' -e frame.len -e eth.src \
		-e eth.dst -e ip.src -e ip.dst -e icmp.type -e icmp.seq 2>/dev/null | sort
}

hugepages_reserve
lan_setup
lan_static_neigh
CONF="$TEST_TMP/nfva.conf"
lan_config >"$CONF"
NFVA_MEM=(-m 256)
nfva_up lan "$NS_HOST" "$CONF"

device=$(ctlj lan port show vm2 | json_get "j[0]['device']")
check_eq "port show vm2: its DPDK device" "$device" net_af_packet1
check_eq "stats observe: capture ready" "$(ctlj lan stats | json_get "j['observe']['capture']")" true
cap_start vm2eth "$(ns_vm vm2)" eth0
cap_start vm3eth "$(ns_vm vm3)" eth0
dumpcap_start "$device" "$TEST_TMP/dumpcap.pcapng"

check_eq "vm1 -> vm2 ping replies" "$(vm_ping vm1 vm2 5)" 5
sleep 1
kill -INT "$DUMPCAP_PID"
rc=0
wait "$DUMPCAP_PID" || rc=$?
check_eq "dpdk-dumpcap exits 0 on SIGINT" "$rc" 0
cap_stop vm2eth
cap_stop vm3eth
grep -qi "packets received/dropped on interface 'net_af_packet1': 10/0" "$TEST_TMP/dumpcap.log" ||
	fail "dpdk-dumpcap did not report its count: $(cat "$TEST_TMP/dumpcap.log")"

m1=$(vm_mac vm1)
m2=$(vm_mac vm2)
got=$(icmp_rows "$TEST_TMP/dumpcap.pcapng")
log "dpdk-dumpcap captured on vm2:"$'\n'"$got"
check_eq "echo requests vm1 -> vm2 in the capture" \
	"$(grep -c "^[0-9]* $m1 $m2 10.0.0.1 10.0.0.2 8 " <<<"$got")" 5
check_eq "echo replies vm2 -> vm1 in the capture" \
	"$(grep -c "^[0-9]* $m2 $m1 10.0.0.2 10.0.0.1 0 " <<<"$got")" 5
check_eq "capture = what vm2's eth0 exchanged" "$got" "$(icmp_rows "$TEST_TMP/vm2eth.pcap")"
# vm2's MAC is unknown until its first reply: the first request is flooded.
check_eq "vm3 saw only the first request (flooded)" "$(pcap_fields vm3eth icmp icmp.type icmp.seq)" \
	"8 1"
nfva_down lan
