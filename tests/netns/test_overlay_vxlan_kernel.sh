#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test_overlay_vxlan_kernel [software|offload]: seed "Linux VXLAN interop".
# nfva and a Linux kernel vxlan device (id 6000, dstport 4789) carry one L2
# segment, first in unicast mode (kernel `remote`, nfva `vtep add`), then in
# multicast mode (`group 239.1.1.1` on both sides: BUM to 01:00:5e:01:01:01).
#
# Mode offload (the argument, or NFVA_TEST_MODE): the same scenario with
# nfva's uplink owning an emulated e-switch and vm1 its VF, in unicast mode
# (every check below), then the lifecycle of its encap and decap rules
# (offload_rules, below) on a fresh instance.
#
#   ns V1 (vm1 10.1.1.20)                               ns V2 (vm2 10.1.1.30)
#        eth0                                                  eth0
#         |                                                     |
#        vm1p                                                  vm2p
#   net_af_packet1: port vm1                                    |
#   nfva, network blue (vni 6000)                         br0 (bridge)
#   net_af_packet0: port uplink                                 |
#        u1 192.168.1.249 ====== veth (underlay) ====== u2 192.168.1.252
#   ---- ns H1 -------------                 ---- ns H2: vx (kernel vxlan 6000,
#                                             dstport 4789, learning) ----
#
# tshark captures on u2 (what nfva sends, what the kernel answers).
# Before each mode: empty FDB, zero counters on vm1 and uplink. After:
# - ping vm1 <-> vm2 both ways, 3/3 each; ping H2 -> 192.168.1.249 3/3;
# - kernel `bridge fdb show dev vx`: vm1's MAC with dst 192.168.1.249;
# - nfva `fdb show` is exactly {vm1 MAC -> port vm1, vm2 MAC -> vtep
#   192.168.1.252}; the uplink learned exactly 1 MAC;
# - nfva `neigh show`: 192.168.1.252 reachable with u2's MAC;
# - vm2's ARP request (BUM) reaches nfva from the kernel: unicast to
#   192.168.1.249, or to 239.1.1.1 in multicast mode, and is answered;
# - every VXLAN frame nfva sent: I flag 1, VNI 6000, UDP dst 4789, UDP src in
#   49152-65535, TTL 64 to 192.168.1.252, TTL 1 to 239.1.1.1; exactly 6 inner
#   ICMP frames each way; nothing malformed, no bad checksum;
# - multicast: nfva sent its BUM (vm1's ARP request) to 239.1.1.1 with the
#   mapped MAC 01:00:5e:01:01:01, and an IGMPv2 report for 239.1.1.1;
# - uplink drops: none in unicast mode; in multicast mode only not_tunnel,
#   exactly the kernel's IGMP frames.
#
# offload_rules (mode offload), the VMs' neighbours pinned (no ARP between
# VMs):
# A1. two pings (each waited for) make the rules: decap (uplink -> vm1, VTEP
#     .252) after the first reply, encap (vm1 -> VTEP .252) after the second;
#     then 40 pings are carried by them, exactly: eswitch_packets +40 on vm1
#     (encap) and +40 on the uplink (decap), slow path +0 on vm1 (+<= 2 on the
#     uplink: underlay ARP), rule hits +40 each. On the wire (tshark on u2):
#     >= 40 VXLAN frames .249 -> .252, VNI 6000, I flag, outer dst = u2's MAC,
#     nothing malformed, no bad checksum. The dump has the `set vxlan...` line
#     (vni 6000, ip-src/dst, eth-dst = u2's MAC) and both `flow create` lines;
#     dpdk-testpmd parses it.
# A2. neighbour MAC change: u2 gets a new MAC and announces it (gratuitous
#     ARP): nfva's neighbour takes the new MAC, the encap rule is rebuilt in
#     place from the new template (rebuilds +1, invalidations +0, still
#     offloaded, its dump says eth-dst NEW) while the decap rule stays; 20
#     pings answered, all carried by the rules, and on the wire every VXLAN
#     frame from .249 after the change goes to NEW.
# A3. `network blue vtep del 192.168.1.252`: both rules go (none with that
#     VTEP); VTEP added again, rules come back; `network del blue`: every
#     rule goes, none left.
set -eu -o pipefail
# shellcheck source=tests/lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"

netns_require
need tshark tshark
need bridge iproute2
test_mode "${1:-}"
if offload_mode; then
	command -v arping >/dev/null || "$PY" -c 'import scapy' 2>/dev/null ||
		skip "neither arping (iputils-arping) nor scapy for the gratuitous ARP"
fi

two_hosts ovx
ip -n "$H2" addr add 192.168.1.252/24 dev u2
ip -n "$H2" link add br0 type bridge mcast_snooping 0   # no IGMP of its own
ip -n "$H2" link set br0 up
ip -n "$H2" link set vm2p master br0


# kernel_vtep MODE: the kernel's vx device for MODE (unicast: remote .249;
# multicast: group 239.1.1.1), in bridge br0; neighbour caches emptied.
kernel_vtep() {
	local kernel_dst="remote 192.168.1.249"
	[ "$1" = multicast ] && kernel_dst="group 239.1.1.1"
	ip -n "$H2" link del vx 2>/dev/null || true
	# shellcheck disable=SC2086
	ip -n "$H2" link add vx type vxlan id 6000 dstport 4789 local 192.168.1.252 \
		$kernel_dst dev u2 learning
	ip -n "$H2" link set vx master br0
	ip -n "$H2" link set vx up
	# Let the kernel's unsolicited IGMP reports for the group (1 s apart) pass
	# before the capture and nfva start.
	[ "$1" = multicast ] && sleep 2.5
	ip -n "$H2" neigh flush dev u2
	ip -n "$V1" neigh flush dev eth0
	ip -n "$V2" neigh flush dev eth0
}

# mode_before MODE: empty FDB, zero counters, the network's overlay.
mode_before() {
	local mode=$1 ov
	check_eq "$mode: fdb entries before traffic" \
		"$(ctlj "$mode" fdb summary | json_get "j['entries']")" 0
	check_eq "$mode: vm1 rx_packets before" "$(port_counter "$mode" vm1 rx_packets)" 0
	check_eq "$mode: uplink learned before" "$(port_counter "$mode" uplink learned)" 0
	ov=$(ctlj "$mode" network show blue | json_get "j[0]['overlay']")
	check_eq "$mode: network blue overlay (encap vni port group)" \
		"$(json_get '"%s %s %s %s" % (j["encap"], j["vni"], j["udp_port"], j["group"])' <<<"$ov")" \
		"vxlan 6000 4789 $([ "$mode" = multicast ] && echo 239.1.1.1 || echo None)"
}

# mode_traffic MODE: pings both ways (vm2 ARPs for vm1: BUM from the kernel).
mode_traffic() {
	local mode=$1
	check_ping "$mode: vm1 -> vm2 (10.1.1.30)" "$V1" 10.1.1.30 3
	# vm2 learned vm1 from its ARP request: make it ask, so that the kernel
	# sends BUM toward nfva too (to the group in multicast mode).
	ip -n "$V2" neigh flush dev eth0
	check_ping "$mode: vm2 -> vm1 (10.1.1.20)" "$V2" 10.1.1.20 3
	check_ping "$mode: kernel host -> nfva VTEP 192.168.1.249" "$H2" 192.168.1.249 3
	check_eq "$mode: kernel's ARP entry for the nfva VTEP" \
		"$(ip -n "$H2" -j neigh show 192.168.1.249 dev u2 | json_get "j[0]['lladdr']")" "$U1_MAC"
}

# mode_tables MODE: the kernel's and nfva's FDB, neighbours, drops.
mode_tables() {
	local mode=$1
	echo "kernel: bridge fdb show dev vx"; bridge -n "$H2" fdb show dev vx
	check_eq "$mode: kernel vx fdb: vm1's MAC -> dst" \
		"$(bridge -n "$H2" -j fdb show dev vx | json_get \
			"','.join(e['dst'] for e in j if e['mac'] == '$VM1_MAC' and 'dst' in e)")" 192.168.1.249
	echo "nfva: fdb show"; ctl "$mode" fdb show
	check_eq "$mode: nfva fdb (mac port vtep type)" \
		"$(ctlj "$mode" fdb show | json_get '",".join(sorted("%s %s %s %s" % (e["mac"].lower(),
			e["port"], e["vtep"], e["type"]) for e in j if e["network"] == "blue"))')" \
		"$(printf '%s\n' "$VM1_MAC vm1 None dynamic" "$VM2_MAC uplink 192.168.1.252 dynamic" |
			sort | paste -sd, -)"
	check_eq "$mode: uplink learned" "$(port_counter "$mode" uplink learned)" 1
	check_eq "$mode: vm1 learned" "$(port_counter "$mode" vm1 learned)" 1
	echo "nfva: neigh show"; ctl "$mode" neigh show
	check_eq "$mode: neigh 192.168.1.252 state" "$(neigh_field "$mode" 192.168.1.252 state)" reachable
	check_eq "$mode: neigh 192.168.1.252 lladdr" \
		"$(neigh_field "$mode" 192.168.1.252 lladdr | tr A-F a-f)" "$U2_MAC"
	check_eq "$mode: vm1 drops" "$(port_drops "$mode" vm1)" "{}"
}

# mode_wire MODE ELAPSED_S: the VXLAN frames on the wire (capture MODE).
mode_wire() {
	local mode=$1 elapsed=$2
	local nf="ip.src == 192.168.1.249 && vxlan"
	check_pcap "$mode: nfva's VXLAN" "$mode" "$nf" 6 'vxlan.flag_i=v in ("1", "True")' \
		'vxlan.vni=v == "6000"' 'udp.dstport=v == "4789"' 'udp.srcport=49152 <= int(v) <= 65535'
	check_pcap "$mode: nfva's VXLAN to 192.168.1.252" "$mode" "$nf && ip.dst == 192.168.1.252" 6 \
		'ip.ttl=v == "64"' "eth.dst=v == '$U2_MAC'"
	check_eq "$mode: inner ICMP nfva -> kernel" "$(pcap_count "$mode" "$nf && icmp")" 6
	check_eq "$mode: inner ICMP kernel -> nfva" \
		"$(pcap_count "$mode" "ip.src == 192.168.1.252 && vxlan && icmp")" 6
	local kbum="ip.src == 192.168.1.252 && vxlan && arp.opcode == 1 && arp.src.proto_ipv4 == 10.1.1.30"
	check_pcap_all "$mode: vm2's ARP request from the kernel: outer destination" "$mode" "$kbum" \
		ip.dst "v == '$([ "$mode" = multicast ] && echo 239.1.1.1 || echo 192.168.1.249)'" 1
	if [ "$mode" = multicast ]; then
		mode_wire_multicast "$elapsed"
	else
		check_eq "$mode: nfva VXLAN to other destinations" \
			"$(pcap_count "$mode" "$nf && !(ip.dst == 192.168.1.252)")" 0
		check_eq "$mode: nfva IGMP frames" "$(pcap_count "$mode" "ip.src == 192.168.1.249 && igmp")" 0
		check_eq "$mode: uplink drops" "$(port_drops "$mode" uplink)" "{}"
	fi
	check_eq "$mode: ICMP echo replies from the VTEP address" \
		"$(pcap_count "$mode" "ip.src == 192.168.1.249 && icmp.type == 0 && !vxlan")" 3
	pcap_no_malformed "$mode"
}

# mode_wire_multicast ELAPSED_S: BUM to the group, IGMP reports, drops.
mode_wire_multicast() {
	local mode=multicast elapsed=$1 igmp kigmp
	local nf="ip.src == 192.168.1.249 && vxlan"
	check_pcap "$mode: nfva's VXLAN to 239.1.1.1" "$mode" "$nf && ip.dst == 239.1.1.1" 1 \
		'ip.ttl=v == "1"' 'eth.dst=v == "01:00:5e:01:01:01"'
	check_ge "$mode: vm1's ARP request flooded to the group" \
		"$(pcap_count "$mode" "$nf && ip.dst == 239.1.1.1 && arp.opcode == 1 && arp.src.proto_ipv4 == 10.1.1.20")" 1
	igmp=$(pcap_count "$mode" "ip.src == 192.168.1.249 && igmp.maddr == 239.1.1.1 && igmp.type == 0x16")
	check_ge "$mode: nfva IGMPv2 reports for 239.1.1.1" "$igmp" 1
	check_le "$mode: nfva IGMPv2 reports for 239.1.1.1 (one a minute)" "$igmp" \
		$((1 + elapsed / 60))
	check_eq "$mode: nfva IGMP frames for anything else" \
		"$(pcap_count "$mode" "ip.src == 192.168.1.249 && igmp && !(igmp.maddr == 239.1.1.1)")" 0
	check_eq "$mode: nfva VXLAN to other destinations" \
		"$(pcap_count "$mode" "$nf && !(ip.dst == 239.1.1.1) && !(ip.dst == 192.168.1.252)")" 0
	kigmp=$(pcap_count "$mode" "ip.src == 192.168.1.252 && igmp")
	check_eq "$mode: uplink drops (only the kernel's $kigmp IGMP frames)" \
		"$(port_drops "$mode" uplink)" \
		"$([ "$kigmp" -gt 0 ] && echo "{\"not_tunnel\": $kigmp}" || echo "{}")"
}

run_mode() {
	local mode=$1 group="" conf="$TEST_TMP/$1.conf" t0
	log "===== $mode mode ====="
	[ "$mode" = multicast ] && group="group 239.1.1.1"
	kernel_vtep "$mode"
	{
		uplink_conf u1 192.168.1.249/24 vm1=vm1p
		echo "network add blue vni 6000 encap vxlan $group"
		echo "network blue attach vm1"
	} >"$conf"
	[ "$mode" = unicast ] && echo "network blue vtep add 192.168.1.252" >>"$conf"
	offload_mode && echo "offload set idle-timeout 120" >>"$conf"

	# The capture starts before nfva, so it sees the first IGMP report.
	cap_start "$mode" "$H2" u2
	t0=$(date +%s)
	nfva_up "$mode" "$H1" "$conf"
	mode_before "$mode"
	mode_traffic "$mode"
	mode_tables "$mode"
	cap_stop "$mode"
	mode_wire "$mode" $(($(date +%s) - t0))
	nfva_down "$mode"
}

# offload_rules: A1-A3 of the header, on a fresh instance x1 (mode offload).
offload_rules() {
	local MV1 MV2
	log "A. the rules of a fresh instance x1, the VMs' neighbours pinned"
	MV1=$(mac_of "$V1" eth0) MV2=$(mac_of "$V2" eth0) MU2=$(mac_of "$H2" u2)
	pin "$V1" 10.1.1.30 "$MV2"
	pin "$V2" 10.1.1.20 "$MV1"
	cat >"$TEST_TMP/x1.conf" <<-EOF
		port add uplink dev $(afp 0 u1) eswitch emulated
		port add vm1 dev $(afp 1 vm1p) vf-of uplink
		underlay set uplink uplink ip 192.168.1.249/24
		network add blue vni 6000 encap vxlan
		network blue attach vm1
		network blue vtep add 192.168.1.252
		offload set idle-timeout 120
	EOF
	nfva_up x1 "$H1" "$TEST_TMP/x1.conf"
	MU1=$(ctlj x1 underlay show | json_get "j['mac'].lower()")
	log "vm1 $MV1, vm2 $MV2, uplink $MU1, kernel VTEP u2 $MU2"
	ENC="r['kind'] == 'encap' and r['in'] == 'vm1' and r['out'] == 'uplink' and r['vtep'] == '192.168.1.252'"
	DEC="r['kind'] == 'decap' and r['in'] == 'uplink' and r['out'] == 'vm1' and r['vtep'] == '192.168.1.252'"

	rules_a1
	rules_a2
	rules_a3
}

# rules_a1: A1 of the header.
rules_a1() {
	local he hd EU EV vx_set vx_enc vx_dec w
	log "A1. after the first packets, encap and decap rules carry vm1 <-> vm2"
	snap a0 x1
	ping_then_rule "vm1 -> vm2, ping 1 (flooded to the VTEP)" x1 "$V1" 10.1.1.30 "$DEC"
	ping_then_rule "vm1 -> vm2, ping 2" x1 "$V1" 10.1.1.30 "$ENC"
	check_eq "rules" "$(nrules x1)" 2
	check_eq "encap: shape/state/src/dst" "$(rule_field x1 "$ENC" shape) $(rule_field x1 "$ENC" \
		state) $(rule_field x1 "$ENC" src) $(rule_field x1 "$ENC" dst)" "vxlan-encap offloaded $MV1 $MV2"
	check_eq "decap: shape/state/src/dst" "$(rule_field x1 "$DEC" shape) $(rule_field x1 "$DEC" \
		state) $(rule_field x1 "$DEC" src) $(rule_field x1 "$DEC" dst)" "vxlan-decap offloaded $MV2 $MV1"
	snap a1 x1
	check_eq "vm1 slow path over the two first pings" "$(delta a0 a1 vm1 rx_packets)" 2
	hits_reach x1 "$DEC" 1
	he=$(rule_field x1 "$ENC" hits) hd=$(rule_field x1 "$DEC" hits)
	cap_start xa "$H2" u2
	check_ping_burst "vm1 -> vm2 x40" "$V1" 10.1.1.30 40 0.05
	cap_stop xa
	snap a2 x1
	hits_reach x1 "$ENC" $((he + 40))
	hits_reach x1 "$DEC" $((hd + 40))
	check_eq "vm1 eswitch_packets delta (encap)" "$(delta a1 a2 vm1 eswitch_packets)" 40
	check_eq "uplink eswitch_packets delta (decap)" "$(delta a1 a2 uplink eswitch_packets)" 40
	check_eq "vm1 rx_packets delta (slow path)" "$(delta a1 a2 vm1 rx_packets)" 0
	check_le "uplink rx_packets delta (slow path: underlay ARP at most)" "$(delta a1 a2 uplink rx_packets)" 2
	# The 40 replies, plus at most the kernel VM's ARP refreshes (flooded through
	# the slow path) that the uplink line above allows for.
	check_ge "vm1 tx_packets delta" "$(delta a1 a2 vm1 tx_packets)" 40
	check_le "vm1 tx_packets delta (ARP refreshes at most)" "$(delta a1 a2 vm1 tx_packets)" 42
	n=$(pcap_count xa "ip.src == 192.168.1.249 && ip.dst == 192.168.1.252 && vxlan.vni == 6000 && vxlan.flag_i == 1 && eth.dst == $MU2 && eth.src == $MU1")
	check_ge "wire: VXLAN frames .249 -> .252 (VNI 6000, I, to u2's MAC)" "$n" 40
	check_eq "wire: VXLAN frames from .249 not to u2's MAC" \
		"$(pcap_count xa "ip.src == 192.168.1.249 && vxlan && eth.dst != $MU2")" 0
	check_eq "wire: malformed or bad-checksum frames" "$(pcap_bad xa | wc -l)" 0
	ctlj x1 offload dump testpmd | json_get j | grep -v '^$' >"$TEST_TMP/dump_vxlan.txt" || true
	log "dump: $(cat "$TEST_TMP/dump_vxlan.txt")"
	check_eq "dump: flow create lines" "$(grep -c '^flow create ' "$TEST_TMP/dump_vxlan.txt" || true)" 2
	EU=$(ctlj x1 port show uplink | json_get "j[0]['ethdev']") EV=$(ctlj x1 port show vm1 | json_get "j[0]['ethdev']")
	vx_set="set vxlan-tos-ttl ip-version ipv4 vni 6000 udp-src 0 udp-dst 4789 ip-tos 0 ip-ttl 64 ip-src 192.168.1.249 ip-dst 192.168.1.252 eth-src $MU1 eth-dst $MU2"
	vx_enc="flow create $EU priority 1 transfer pattern represented_port ethdev_port_id is $EV / eth dst is $MV2 src is $MV1 has_vlan is 0 / end actions vxlan_encap / represented_port ethdev_port_id $EU / count / end"
	vx_dec="flow create $EU priority 1 transfer pattern represented_port ethdev_port_id is $EU / eth dst is $MU1 type is 0x0800 / ipv4 proto is 17 src is 192.168.1.252 dst is 192.168.1.249 / udp dst is 4789 / vxlan vni is 6000 / eth dst is $MV1 src is $MV2 has_vlan is 0 / end actions vxlan_decap / represented_port ethdev_port_id $EV / count / end"
	check_eq "dump: lines" "$(wc -l <"$TEST_TMP/dump_vxlan.txt")" 3
	for w in "$vx_set" "$vx_enc" "$vx_dec"; do
		grep -qixF "$w" "$TEST_TMP/dump_vxlan.txt" || fail "dump lacks: $w"
	done
	check_eq "dump: the set vxlan line comes right before the vxlan_encap line" \
		"$(grep -iB1 -F "$vx_enc" "$TEST_TMP/dump_vxlan.txt" | head -n 1 | tr 'A-F' 'a-f')" "$(echo "$vx_set" | tr 'A-F' 'a-f')"
	echo "ok: dump has the set vxlan line and both flow lines verbatim"
	testpmd_replay "$TEST_TMP/dump_vxlan.txt" "vxlan"
}

# rules_a2: A2 of the header.
rules_a2() {
	local n dec_age
	log "A2. neighbour MAC change: the encap rule is replaced, traffic follows"
	NEWMAC=02:00:00:5e:01:52
	snap a3 x1
	dec_age=$(rule_field x1 "$DEC" age_s)
	ip -n "$H2" link set u2 address "$NEWMAC"
	garp "$H2" u2 192.168.1.252
	wait_for 5 cmd_eq "ctlj x1 neigh show | json_get \"[n['lladdr'].lower() for n in j if n['ip'] == '192.168.1.252'][0]\"" "$NEWMAC" ||
		fail "nfva's neighbour 192.168.1.252 did not take $NEWMAC: $(ctl x1 neigh show)"
	new_mac_rules() { ctlj x1 offload dump testpmd | json_get j | grep -ciE "^set vxlan.* eth-dst $NEWMAC\$" || true; }
	wait_for 5 cmd_eq new_mac_rules 1 || fail "encap rule not rebuilt after the neighbour MAC change: $(rules x1)"
	snap a4 x1
	check_eq "rebuilds (neighbour MAC change)" "$(odelta a3 a4 rebuilds)" 1
	check_eq "invalidations (neighbour MAC change)" "$(odelta a3 a4 invalidations)" 0
	check_eq "encap rule still offloaded" "$(nrules x1 "$ENC")" 1
	check_eq "decap rule kept" "$(nrules x1 "$DEC")" 1
	check_ge "decap rule not replaced (age_s)" "$(rule_field x1 "$DEC" age_s)" "$dec_age"
	cap_start xb "$H2" u2
	check_ping_burst "vm1 -> vm2 x20 (new neighbour MAC)" "$V1" 10.1.1.30 20 0.05
	cap_stop xb
	snap a5 x1
	check_eq "vm1 eswitch_packets delta (20 pings, new encap rule)" "$(delta a4 a5 vm1 eswitch_packets)" 20
	ctlj x1 offload dump testpmd | json_get j | grep -v '^$' >"$TEST_TMP/dump_vxlan2.txt" || true
	grep -qiE "^set vxlan.* eth-dst $NEWMAC\$" "$TEST_TMP/dump_vxlan2.txt" ||
		fail "dump after the change: no set vxlan line to $NEWMAC: $(cat "$TEST_TMP/dump_vxlan2.txt")"
	check_eq "dump after the change: lines naming the old MAC $MU2" "$(grep -ci "$MU2" "$TEST_TMP/dump_vxlan2.txt" || true)" 0
	n=$(pcap_count xb "ip.src == 192.168.1.249 && vxlan.vni == 6000 && eth.dst == $NEWMAC")
	check_ge "wire: VXLAN frames from .249 to the new MAC" "$n" 20
	check_eq "wire: VXLAN frames from .249 to another MAC" \
		"$(pcap_count xb "ip.src == 192.168.1.249 && vxlan && eth.dst != $NEWMAC")" 0
}

# rules_a3: A3 of the header.
rules_a3() {
	local n
	log "A3. VTEP and network removal remove their rules"
	check_eq "rules before vtep del" "$(nrules x1)" 2
	snap a6 x1
	ctl_ok x1 network blue vtep del 192.168.1.252
	wait_for 5 cmd_eq "nrules x1" 0 || fail "rules left after vtep del: $(rules x1)"
	snap a7 x1
	check_eq "rules with VTEP 192.168.1.252" "$(nrules x1 "r['vtep'] == '192.168.1.252'")" 0
	check_eq "removals (vtep del)" "$(odelta a6 a7 removals)" 2
	check_eq "pings without the VTEP answered" "$(ping_burst "$V1" 10.1.1.30 2 0.2 2)" 0
	check_eq "rules after pings without the VTEP" "$(nrules x1)" 0
	ctl_ok x1 network blue vtep add 192.168.1.252
	n=$(ping_until x1 "$V1" 10.1.1.30 "$DEC")
	wait_for 5 cmd_eq "nrules x1 \"$ENC\"" 1 || n=$((n + $(ping_until x1 "$V1" 10.1.1.30 "$ENC")))
	check_le "pings before the rules are back" "$n" 10
	check_eq "rules with the VTEP back" "$(nrules x1)" 2
	snap a8 x1
	ctl_ok x1 network del blue
	wait_for 5 cmd_eq "nrules x1" 0 || fail "rules left after network del: $(rules x1)"
	snap a9 x1
	check_eq "removals (network del)" "$(odelta a8 a9 removals)" 2
	check_eq "stats offload rules" "$(ostat x1 rules)" 0
	check_eq "offload failures (A)" "$(ostat x1 failures)" 0
	nfva_down x1
}

run_mode unicast
if offload_mode; then
	offload_rules
else
	run_mode multicast
fi
echo "PASS: test_overlay_vxlan_kernel ($TEST_MODE)"
