#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test_gre_two_hosts: seed "L2 over GRE between two hosts". Two nfva
# instances (own DPDK process, file prefix and socket each) join VM1 and VM2
# across a veth underlay, first over GRE with key 5001, then over VXLAN
# (VNI 6000), then over NVGRE (VSID 7001).
#
#   ns V1 (vm1 10.1.1.20)                          ns V2 (vm2 10.1.1.30)
#        eth0                                           eth0
#         |                                              |
#        vm1p                                           vm2p
#   net_af_packet1: port vm1                       net_af_packet1: port vm1
#   nfva host1, network blue                       nfva host2, network blue
#   net_af_packet0: port uplink                    net_af_packet0: port uplink
#        u1 192.168.1.249 ====== veth (underlay) ====== u2 192.168.1.252
#   ---- ns H1 ----------------                    ---- ns H2 -----------------
#
# tshark runs on u1 and on u2; each sees what the other nfva sent (frames an
# af_packet port transmits bypass the sender's own taps).
# For each encapsulation, before: empty FDBs, zero counters. After:
# - ping vm1 <-> vm2 both ways, 3/3 each;
# - FDB of host1 is exactly {vm1 -> port vm1, vm2 -> vtep 192.168.1.252},
#   host2's the mirror image; each uplink learned 1 MAC; no drops anywhere;
# - each host resolved the other's VTEP (neigh reachable, the peer's MAC);
# - on the wire, both directions: exactly 6 inner ICMP frames per direction,
#   TTL 64, DF clear (df off by default), outer destination MAC = the peer's
#   uplink MAC, and per encapsulation:
#     gre:   gre.flags.key == 1, gre.key == 5001, gre.proto == 0x6558
#     vxlan: vxlan.flag_i == 1, vxlan.vni == 6000, UDP 4789, source port in
#            49152-65535
#     nvgre: gre.flags.key == 1, gre.key >> 8 == 7001, gre.proto == 0x6558
#   and nothing malformed, no bad checksum.
set -eu -o pipefail
. "$(dirname "$0")/lib.sh"

ov_require
ov_need tshark tshark

H1=ogr-h1-$OV_ID H2=ogr-h2-$OV_ID V1=ogr-v1-$OV_ID V2=ogr-v2-$OV_ID
ns_add "$H1" "$H2" "$V1" "$V2"
veth "$H1" u1 "$H2" u2
veth "$V1" eth0 "$H1" vm1p
veth "$V2" eth0 "$H2" vm2p
ip -n "$V1" addr add 10.1.1.20/24 dev eth0
ip -n "$V2" addr add 10.1.1.30/24 dev eth0

VM1_MAC=$(mac_of "$V1" eth0)
VM2_MAC=$(mac_of "$V2" eth0)
U1_MAC=$(mac_of "$H1" u1)
U2_MAC=$(mac_of "$H2" u2)
log "vm1 $VM1_MAC, vm2 $VM2_MAC, u1 (host1 uplink) $U1_MAC, u2 (host2 uplink) $U2_MAC"

# host_conf LOCAL_IP REMOTE_IP OVERLAY...: one host's configuration.
host_conf() {
	local lip=$1 rip=$2
	shift 2
	cat <<-EOF
		port add uplink dev $(afp 0 "$([ "$lip" = 192.168.1.249 ] && echo u1 || echo u2)")
		port add vm1 dev $(afp 1 "$([ "$lip" = 192.168.1.249 ] && echo vm1p || echo vm2p)")
		underlay set uplink uplink ip $lip/24
		network add blue $*
		network blue attach vm1
		network blue vtep add $rip
	EOF
}

# check_host PHASE HOST LOCAL_VM_MAC REMOTE_VM_MAC REMOTE_VTEP REMOTE_UPLINK_MAC
check_host() {
	local ph=$1 h=$2
	echo "$h: fdb show"; ctl "$h" fdb show
	check_eq "$ph: $h fdb (mac port vtep type)" \
		"$(ctlj "$h" fdb show | json_get '",".join(sorted("%s %s %s %s" % (e["mac"].lower(),
			e["port"], e["vtep"], e["type"]) for e in j if e["network"] == "blue"))')" \
		"$(printf '%s\n' "$3 vm1 None dynamic" "$4 uplink $5 dynamic" | sort | paste -sd, -)"
	check_eq "$ph: $h uplink learned" "$(port_counter "$h" uplink learned)" 1
	check_eq "$ph: $h vm1 learned" "$(port_counter "$h" vm1 learned)" 1
	check_eq "$ph: $h uplink drops" "$(port_drops "$h" uplink)" "{}"
	check_eq "$ph: $h vm1 drops" "$(port_drops "$h" vm1)" "{}"
	check_eq "$ph: $h neigh $5 state" "$(neigh_field "$h" "$5" state)" reachable
	check_eq "$ph: $h neigh $5 lladdr" "$(neigh_field "$h" "$5" lladdr | tr A-F a-f)" "$6"
}

# check_wire PHASE CAP SRC DST DST_MAC ENCAP VNI: frames SRC sent, seen in CAP.
check_wire() {
	local ph=$1 cap=$2 src=$3 dst=$4 dmac=$5 encap=$6 vni=$7
	local f="ip.src == $src && ip.dst == $dst"
	local what="$ph: $src -> $dst"
	local common=('ip.ttl=v == "64"' 'ip.flags.df=v in ("0", "False")' "eth.dst=v == '$dmac'")
	case $encap in
	gre)
		f="$f && gre"
		check_pcap "$what" "$cap" "$f" 6 'gre.flags.key=v in ("1", "True")' \
			"gre.key=i(v) == $vni" 'gre.proto=i(v) == 0x6558' "${common[@]}"
		;;
	nvgre)
		f="$f && gre"
		check_pcap "$what" "$cap" "$f" 6 'gre.flags.key=v in ("1", "True")' \
			"gre.key=i(v) >> 8 == $vni" 'gre.proto=i(v) == 0x6558' "${common[@]}"
		;;
	vxlan)
		f="$f && vxlan"
		check_pcap "$what" "$cap" "$f" 6 'vxlan.flag_i=v in ("1", "True")' \
			"vxlan.vni=i(v) == $vni" 'udp.dstport=v == "4789"' \
			'udp.srcport=49152 <= int(v) <= 65535' "${common[@]}"
		;;
	esac
	check_eq "$what: inner ICMP frames" "$(pcap_count "$cap" "$f && icmp")" 6
	check_eq "$ph: frames from $src that are not $encap to $dst (ARP aside)" \
		"$(pcap_count "$cap" "eth.src == $([ "$src" = 192.168.1.249 ] && echo "$U1_MAC" || echo "$U2_MAC") && !arp && !($f)")" 0
}

run_phase() {
	local ph=$1 encap=$2 vni=$3
	shift 3
	log "===== $ph: network add blue $* ====="
	host_conf 192.168.1.249 192.168.1.252 "$@" >"$OV_TMP/$ph-host1.conf"
	host_conf 192.168.1.252 192.168.1.249 "$@" >"$OV_TMP/$ph-host2.conf"
	ip -n "$V1" neigh flush dev eth0
	ip -n "$V2" neigh flush dev eth0
	cap_start "$ph-u1" "$H1" u1
	cap_start "$ph-u2" "$H2" u2
	nfva_up "$ph-host1" "$H1" "$OV_TMP/$ph-host1.conf"
	nfva_up "$ph-host2" "$H2" "$OV_TMP/$ph-host2.conf"

	local h
	for h in "$ph-host1" "$ph-host2"; do
		check_eq "$ph: $h fdb entries before" "$(ctlj "$h" fdb summary | json_get "j['entries']")" 0
		check_eq "$ph: $h vm1 rx_packets before" "$(port_counter "$h" vm1 rx_packets)" 0
		check_eq "$ph: $h uplink learned before" "$(port_counter "$h" uplink learned)" 0
		check_eq "$ph: $h overlay (encap vni)" \
			"$(ctlj "$h" network show blue | json_get '"%s %s" % (j[0]["overlay"]["encap"], j[0]["overlay"]["vni"])')" \
			"$encap $vni"
	done

	check_ping "$ph: vm1 -> vm2 (10.1.1.30)" "$V1" 10.1.1.30 3
	check_ping "$ph: vm2 -> vm1 (10.1.1.20)" "$V2" 10.1.1.20 3

	check_host "$ph" "$ph-host1" "$VM1_MAC" "$VM2_MAC" 192.168.1.252 "$U2_MAC"
	check_host "$ph" "$ph-host2" "$VM2_MAC" "$VM1_MAC" 192.168.1.249 "$U1_MAC"

	cap_stop "$ph-u1"
	cap_stop "$ph-u2"
	check_wire "$ph" "$ph-u2" 192.168.1.249 192.168.1.252 "$U2_MAC" "$encap" "$vni"
	check_wire "$ph" "$ph-u1" 192.168.1.252 192.168.1.249 "$U1_MAC" "$encap" "$vni"
	pcap_no_malformed "$ph-u1"
	pcap_no_malformed "$ph-u2"
	nfva_down "$ph-host1"
	nfva_down "$ph-host2"
}

run_phase gre gre 5001 vni 5001 encap gre
run_phase vxlan vxlan 6000 vni 6000 encap vxlan
run_phase nvgre nvgre 7001 vni 7001 encap nvgre
echo "PASS: test_gre_two_hosts"
