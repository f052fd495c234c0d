#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test_overlay_gre_two_hosts [software|offload]: seed "L2 over GRE between
# two hosts". Two nfva instances (own DPDK process, file prefix and socket
# each) join VM1 and VM2 across a veth underlay, first over GRE with key 5001,
# then over VXLAN (VNI 6000), then over NVGRE (VSID 7001).
#
# Mode offload (the argument, or NFVA_TEST_MODE): the same scenario with both
# uplinks owning an emulated e-switch and the VM ports its VFs, over GRE
# (every check below), then the rules of GRE between two instances
# (offload_rules, below) on fresh instances.
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
#
# offload_rules (mode offload), GRE key 7000, the VMs' neighbours pinned:
# B1. two pings, then 40 pings carried by rules in both instances (encap +
#     decap on each, hits +40 each; eswitch_packets +40 on each VM port and
#     uplink; slow path +0 on the VM ports). On the wire (tshark on each
#     uplink): GRE key 7000, proto 0x6558, nothing malformed. A's dump
#     (raw_encap / raw_decap) is parsed by dpdk-testpmd.
# B2. `network red vtep del 192.168.1.252` on A: A's rules go, B's stay.
set -eu -o pipefail
# shellcheck source=tests/lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"

netns_require
need tshark tshark
test_mode "${1:-}"
two_hosts ogr


# host_conf LOCAL_IP REMOTE_IP OVERLAY...: one host's configuration.
host_conf() {
	local lip=$1 rip=$2
	shift 2
	if [ "$lip" = 192.168.1.249 ]; then
		uplink_conf u1 "$lip/24" vm1=vm1p
	else
		uplink_conf u2 "$lip/24" vm1=vm2p
	fi
	cat <<-EOF
		network add blue $*
		network blue attach vm1
		network blue vtep add $rip
	EOF
	offload_mode && echo "offload set idle-timeout 120" || true
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
	host_conf 192.168.1.249 192.168.1.252 "$@" >"$TEST_TMP/$ph-host1.conf"
	host_conf 192.168.1.252 192.168.1.249 "$@" >"$TEST_TMP/$ph-host2.conf"
	ip -n "$V1" neigh flush dev eth0
	ip -n "$V2" neigh flush dev eth0
	cap_start "$ph-u1" "$H1" u1
	cap_start "$ph-u2" "$H2" u2
	nfva_up "$ph-host1" "$H1" "$TEST_TMP/$ph-host1.conf"
	nfva_up "$ph-host2" "$H2" "$TEST_TMP/$ph-host2.conf"

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

# offload_rules: B1-B2 of the header, on fresh instances ga and gb (mode offload).
offload_rules() {
	local side me peer ifc vmif MG1 MG2
	local side me peer ifc vmif n g s e p c MG1 MG2 GENC GDEC
	log "B. GRE between fresh instances ga and gb, the VMs' neighbours pinned"
	MG1=$(mac_of "$V1" eth0) MG2=$(mac_of "$V2" eth0)
	pin "$V1" 10.1.1.30 "$MG2"
	pin "$V2" 10.1.1.20 "$MG1"
	for side in a b; do
		if [ $side = a ]; then
			me=192.168.1.249 peer=192.168.1.252 ifc=u1 vmif=vm1p
		else
			me=192.168.1.252 peer=192.168.1.249 ifc=u2 vmif=vm2p
		fi
		cat >"$TEST_TMP/g$side.conf" <<-EOF
			port add up dev $(afp 0 $ifc) eswitch emulated
			port add vm dev $(afp 1 $vmif) vf-of up
			underlay set uplink up ip $me/24
			network add red vni 7000 encap gre
			network red attach vm
			network red vtep add $peer
			offload set idle-timeout 120
		EOF
	done
	nfva_up ga "$H1" "$TEST_TMP/ga.conf"
	nfva_up gb "$H2" "$TEST_TMP/gb.conf"
	GENC="r['kind'] == 'encap' and r['in'] == 'vm' and r['out'] == 'up'"
	GDEC="r['kind'] == 'decap' and r['in'] == 'up' and r['out'] == 'vm'"
	gre_rules_appear
	gre_rules_carry
	gre_vtep_del
}

# gre_rules_appear: B1, the first packets make the rules in both instances.
gre_rules_appear() {
	local g
	log "B1. after the first packets, rules in both instances carry the GRE traffic"
	check_ping_burst "gv1 -> gv2, ping 1" "$V1" 10.1.1.30 1
	wait_for 5 cmd_eq "nrules gb \"$GENC\"" 1 || fail "B: no encap rule after ping 1: $(rules gb)"
	wait_for 5 cmd_eq "nrules ga \"$GDEC\"" 1 || fail "A: no decap rule after ping 1: $(rules ga)"
	check_ping_burst "gv1 -> gv2, ping 2" "$V1" 10.1.1.30 1
	wait_for 5 cmd_eq "nrules ga \"$GENC\"" 1 || fail "A: no encap rule after ping 2: $(rules ga)"
	wait_for 5 cmd_eq "nrules gb \"$GDEC\"" 1 || fail "B: no decap rule after ping 2: $(rules gb)"
	for g in ga gb; do
		check_eq "$g: rules" "$(nrules $g)" 2
		check_eq "$g: encap shape/state/vtep" "$(rule_field $g "$GENC" shape) $(rule_field $g "$GENC" \
			state) $(rule_field $g "$GENC" vtep)" "gre-encap offloaded $([ $g = ga ] && echo 192.168.1.252 || echo 192.168.1.249)"
		check_eq "$g: decap shape/state" "$(rule_field $g "$GDEC" shape) $(rule_field $g "$GDEC" state)" \
			"gre-decap offloaded"
	done
	sleep 0.6
	snap b0a ga; snap b0b gb
}

# gre_rules_carry: B1, the rules carry 40 pings; the wire; A's dump.
gre_rules_carry() {
	local n g s e p c
	declare -A H0=()
	for g in ga gb; do H0[$g-e]=$(rule_field $g "$GENC" hits) H0[$g-d]=$(rule_field $g "$GDEC" hits); done
	# DPDK's af_packet sends with PACKET_QDISC_BYPASS: a capture sees a port's
	# received frames only, so A -> B is captured on B's uplink and B -> A on A's.
	cap_start gwa "$H1" u1
	cap_start gwb "$H2" u2
	check_ping_burst "gv1 -> gv2 x40" "$V1" 10.1.1.30 40 0.05
	cap_stop gwa
	cap_stop gwb
	snap b1a ga; snap b1b gb
	for g in ga gb; do
		hits_reach $g "$GENC" $((H0[$g-e] + 40))
		hits_reach $g "$GDEC" $((H0[$g-d] + 40))
		s=b0${g#g} e=b1${g#g}
		for p in vm up; do
			check_eq "$g: $p eswitch_packets delta" "$(delta "$s" "$e" $p eswitch_packets)" 40
		done
		check_eq "$g: vm rx_packets delta (slow path)" "$(delta "$s" "$e" vm rx_packets)" 0
		check_le "$g: up rx_packets delta (slow path: underlay ARP at most)" "$(delta "$s" "$e" up rx_packets)" 2
	done
	n=$(pcap_count gwb "ip.src == 192.168.1.249 && ip.dst == 192.168.1.252 && gre.key == 7000 && gre.proto == 0x6558 && gre.flags.key == 1 && icmp")
	check_ge "wire: GRE A -> B (key 7000, 0x6558, K)" "$n" 40
	n=$(pcap_count gwa "ip.src == 192.168.1.252 && ip.dst == 192.168.1.249 && gre.key == 7000 && gre.proto == 0x6558 && gre.flags.key == 1 && icmp")
	check_ge "wire: GRE B -> A (key 7000, 0x6558, K)" "$n" 40
	for c in gwa gwb; do
		check_eq "wire ($c): malformed or bad-checksum frames" "$(pcap_bad $c | wc -l)" 0
	done
	ctlj ga offload dump testpmd | json_get j | grep -v '^$' >"$TEST_TMP/dump_gre.txt" || true
	log "dump A: $(cat "$TEST_TMP/dump_gre.txt")"
	check_eq "dump A: flow create lines" "$(grep -c '^flow create ' "$TEST_TMP/dump_gre.txt" || true)" 2
	grep -q "^set raw_encap " "$TEST_TMP/dump_gre.txt" || fail "dump A: no set raw_encap line"
	grep -q "^set raw_decap " "$TEST_TMP/dump_gre.txt" || fail "dump A: no set raw_decap line"
	grep -qE "^flow create .* / gre_key value is 7000 .* actions raw_decap index [0-9]+ / represented_port ethdev_port_id [0-9]+ / count / end\$" \
		"$TEST_TMP/dump_gre.txt" || fail "dump A: no GRE decap flow line"
	grep -qE "^flow create .* actions raw_encap index [0-9]+ / represented_port ethdev_port_id [0-9]+ / count / end\$" \
		"$TEST_TMP/dump_gre.txt" || fail "dump A: no GRE encap flow line"
	testpmd_replay "$TEST_TMP/dump_gre.txt" "gre"
}

# gre_vtep_del: B2.
gre_vtep_del() {
	log "B2. VTEP removal on A removes A's rules only"
	snap b2a ga
	ctl_ok ga network red vtep del 192.168.1.252
	wait_for 5 cmd_eq "nrules ga" 0 || fail "A: rules left after vtep del: $(rules ga)"
	snap b3a ga
	check_eq "A: removals (vtep del)" "$(odelta b2a b3a removals)" 2
	check_eq "B: rules (untouched)" "$(nrules gb)" 2
	check_eq "offload failures (A, B)" "$(ostat ga failures) $(ostat gb failures)" "0 0"
	nfva_down ga
	nfva_down gb
}

run_phase gre gre 5001 vni 5001 encap gre
if offload_mode; then
	offload_rules
else
	run_phase vxlan vxlan 6000 vni 6000 encap vxlan
	run_phase nvgre nvgre 7001 vni 7001 encap nvgre
fi
echo "PASS: test_overlay_gre_two_hosts ($TEST_MODE)"
