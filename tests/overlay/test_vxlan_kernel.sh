#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test_vxlan_kernel: seed "Linux VXLAN interop". nfva and a Linux kernel vxlan
# device (id 6000, dstport 4789) carry one L2 segment, first in unicast mode
# (kernel `remote`, nfva `vtep add`), then in multicast mode (`group
# 239.1.1.1` on both sides: BUM to 01:00:5e:01:01:01).
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
set -eu -o pipefail
. "$(dirname "$0")/lib.sh"

ov_require
ov_need tshark tshark
ov_need bridge iproute2

H1=ovx-h1-$OV_ID H2=ovx-h2-$OV_ID V1=ovx-v1-$OV_ID V2=ovx-v2-$OV_ID
ns_add "$H1" "$H2" "$V1" "$V2"
veth "$H1" u1 "$H2" u2
veth "$V1" eth0 "$H1" vm1p
veth "$V2" eth0 "$H2" vm2p
ip -n "$V1" addr add 10.1.1.20/24 dev eth0
ip -n "$V2" addr add 10.1.1.30/24 dev eth0
ip -n "$H2" addr add 192.168.1.252/24 dev u2
ip -n "$H2" link add br0 type bridge mcast_snooping 0   # no IGMP of its own
ip -n "$H2" link set br0 up
ip -n "$H2" link set vm2p master br0

VM1_MAC=$(mac_of "$V1" eth0)
VM2_MAC=$(mac_of "$V2" eth0)
U1_MAC=$(mac_of "$H1" u1)
U2_MAC=$(mac_of "$H2" u2)
log "vm1 $VM1_MAC, vm2 $VM2_MAC, u1 (nfva uplink) $U1_MAC, u2 (kernel) $U2_MAC"

run_mode() {
	local mode=$1 group="" kernel_dst="remote 192.168.1.249"
	local conf="$OV_TMP/$mode.conf" t0
	log "===== $mode mode ====="
	if [ "$mode" = multicast ]; then
		group="group 239.1.1.1"
		kernel_dst="group 239.1.1.1"
	fi
	ip -n "$H2" link del vx 2>/dev/null || true
	# shellcheck disable=SC2086
	ip -n "$H2" link add vx type vxlan id 6000 dstport 4789 local 192.168.1.252 \
		$kernel_dst dev u2 learning
	ip -n "$H2" link set vx master br0
	ip -n "$H2" link set vx up
	# Let the kernel's unsolicited IGMP reports for the group (1 s apart) pass
	# before the capture and nfva start.
	[ "$mode" = multicast ] && sleep 2.5
	ip -n "$H2" neigh flush dev u2
	ip -n "$V1" neigh flush dev eth0
	ip -n "$V2" neigh flush dev eth0

	cat >"$conf" <<-EOF
		port add uplink dev $(afp 0 u1)
		port add vm1 dev $(afp 1 vm1p)
		underlay set uplink uplink ip 192.168.1.249/24
		network add blue vni 6000 encap vxlan $group
		network blue attach vm1
	EOF
	[ "$mode" = unicast ] && echo "network blue vtep add 192.168.1.252" >>"$conf"

	# The capture starts before nfva, so it sees the first IGMP report.
	cap_start "$mode" "$H2" u2
	t0=$(date +%s)
	nfva_up "$mode" "$H1" "$conf"

	# --- before ---------------------------------------------------------
	check_eq "$mode: fdb entries before traffic" \
		"$(ctlj "$mode" fdb summary | json_get "j['entries']")" 0
	check_eq "$mode: vm1 rx_packets before" "$(port_counter "$mode" vm1 rx_packets)" 0
	check_eq "$mode: uplink learned before" "$(port_counter "$mode" uplink learned)" 0
	local ov
	ov=$(ctlj "$mode" network show blue | json_get "j[0]['overlay']")
	check_eq "$mode: network blue overlay (encap vni port group)" \
		"$(json_get '"%s %s %s %s" % (j["encap"], j["vni"], j["udp_port"], j["group"])' <<<"$ov")" \
		"vxlan 6000 4789 $([ "$mode" = multicast ] && echo 239.1.1.1 || echo None)"

	# --- traffic --------------------------------------------------------
	check_ping "$mode: vm1 -> vm2 (10.1.1.30)" "$V1" 10.1.1.30 3
	# vm2 learned vm1 from its ARP request: make it ask, so that the kernel
	# sends BUM toward nfva too (to the group in multicast mode).
	ip -n "$V2" neigh flush dev eth0
	check_ping "$mode: vm2 -> vm1 (10.1.1.20)" "$V2" 10.1.1.20 3
	check_ping "$mode: kernel host -> nfva VTEP 192.168.1.249" "$H2" 192.168.1.249 3
	check_eq "$mode: kernel's ARP entry for the nfva VTEP" \
		"$(ip -n "$H2" -j neigh show 192.168.1.249 dev u2 | json_get "j[0]['lladdr']")" "$U1_MAC"

	# --- after: tables ----------------------------------------------------
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

	# --- after: the wire ------------------------------------------------------
	cap_stop "$mode"
	local elapsed=$(($(date +%s) - t0))
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
		check_pcap "$mode: nfva's VXLAN to 239.1.1.1" "$mode" "$nf && ip.dst == 239.1.1.1" 1 \
			'ip.ttl=v == "1"' 'eth.dst=v == "01:00:5e:01:01:01"'
		check_ge "$mode: vm1's ARP request flooded to the group" \
			"$(pcap_count "$mode" "$nf && ip.dst == 239.1.1.1 && arp.opcode == 1 && arp.src.proto_ipv4 == 10.1.1.20")" 1
		local igmp
		igmp=$(pcap_count "$mode" "ip.src == 192.168.1.249 && igmp.maddr == 239.1.1.1 && igmp.type == 0x16")
		check_ge "$mode: nfva IGMPv2 reports for 239.1.1.1" "$igmp" 1
		check_le "$mode: nfva IGMPv2 reports for 239.1.1.1 (one a minute)" "$igmp" \
			$((1 + elapsed / 60))
		check_eq "$mode: nfva IGMP frames for anything else" \
			"$(pcap_count "$mode" "ip.src == 192.168.1.249 && igmp && !(igmp.maddr == 239.1.1.1)")" 0
		check_eq "$mode: nfva VXLAN to other destinations" \
			"$(pcap_count "$mode" "$nf && !(ip.dst == 239.1.1.1) && !(ip.dst == 192.168.1.252)")" 0
		local kigmp
		kigmp=$(pcap_count "$mode" "ip.src == 192.168.1.252 && igmp")
		check_eq "$mode: uplink drops (only the kernel's $kigmp IGMP frames)" \
			"$(port_drops "$mode" uplink)" \
			"$([ "$kigmp" -gt 0 ] && echo "{\"not_tunnel\": $kigmp}" || echo "{}")"
	else
		check_eq "$mode: nfva VXLAN to other destinations" \
			"$(pcap_count "$mode" "$nf && !(ip.dst == 192.168.1.252)")" 0
		check_eq "$mode: nfva IGMP frames" "$(pcap_count "$mode" "ip.src == 192.168.1.249 && igmp")" 0
		check_eq "$mode: uplink drops" "$(port_drops "$mode" uplink)" "{}"
	fi
	check_eq "$mode: ICMP echo replies from the VTEP address" \
		"$(pcap_count "$mode" "ip.src == 192.168.1.249 && icmp.type == 0 && !vxlan")" 3
	pcap_no_malformed "$mode"
	nfva_down "$mode"
}

run_mode unicast
run_mode multicast
echo "PASS: test_vxlan_kernel"
