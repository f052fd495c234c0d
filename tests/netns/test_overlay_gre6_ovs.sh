#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test_overlay_gre6_ovs: L2 GRE over an IPv6 underlay between nfva and Open
# vSwitch's userspace datapath (datapath_type=netdev, ip6gre ports, native
# tunnelling), both directions. The IPv6 sibling of test_overlay_gre_ovs.
# OVS runs privately in its own namespace: its own ovsdb-server,
# ovs-vswitchd, database and sockets under the test's temporary directory.
#
#   ns V1 (vm1 10.1.1.20)              ns V2 (vm2 10.1.1.30)   ns V3 (vm3 10.1.1.40)
#        eth0                               eth0                    eth0
#         |                                  |                       |
#        vm1p                               vm2p                    vm3p
#   net_af_packet1: port vm1         br-int (netdev)          br-k2 (netdev)
#   nfva, network blue                 gre0: type=ip6gre        gre2: type=ip6gre
#     (gre, key 5001)                  key=5001                 key=5002 (wrong)
#   net_af_packet0: port uplink        remote_ip=2001:db8:2::1  remote_ip=2001:db8:2::1
#   2001:db8:2::1/64                 br-phy (netdev), LOCAL tap 2001:db8:2::2/64 nodad,
#        |                             hwaddr 02:00:00:00:02:52 (the only IPv6 interface of H2)
#        u1 ========================== veth ========================== u2 (port of br-phy)
#   ---- ns H1 ----------------      ---- ns H2: ovsdb-server + ovs-vswitchd ------------
#
# OVS learns nfva's MAC with `ovs-appctl tnl/neigh/set` (no ND of its own:
# deterministic) and routes with `ovs/route/add`; nfva resolves 2001:db8:2::2
# by Neighbour Discovery (the br-phy tap's kernel answers). Every capture is
# on u2; what nfva's uplink drops is checked exactly against what the capture
# says OVS's side sent it (expected_drops: br-phy's own MLD/ND noise, the
# wrong-key frames).
#
# A. Configured VTEP (`network blue vtep add 2001:db8:2::2`): before, empty FDB
#    and zero counters; ping vm1 <-> vm2 both ways, 3/3 each; nfva's FDB is
#    exactly {vm1 -> port vm1, vm2 -> vtep 2001:db8:2::2}; its neighbour
#    2001:db8:2::2 is reachable with br-phy's MAC; OVS has vm1 behind gre0 and
#    `dpctl/dump-flows` has the decap flow (tun_id 0x1389 from 2001:db8:2::1)
#    and the encap flow (tnl_push, IPv6 next header 47, key 0x1389); tshark:
#    every GRE frame nfva sent has next header 47, hop limit 64, a non-zero
#    flow label (one label for the vm1 <-> vm2 ICMP flow), K bit, key 5001,
#    proto 0x6558, br-phy's MAC; OVS's have key 5001 too; 6 inner ICMP each
#    way; the `stats vteps` row of 2001:db8:2::2 counts the captured frames
#    each way; nothing malformed; uplink drops as the capture says.
# B. Wrong key: vm3 (behind OVS gre2, key 5002) pings vm1: no reply; every
#    key-5002 frame on the wire is dropped by nfva as unknown_vni (uplink
#    counter and the VTEP's `stats vteps` row, exactly), none reaches vm1.
# C. Remote learning (nfva restarted without `vtep add`). First vm3's key-5002
#    frames, from an address nfva has no VTEP id for yet: unknown_vni on the
#    uplink, exactly; and (checked last) in `stats vteps`, in the address's
#    row or in `other`, as cli.md promises ("the totals stay exact"). Then
#    vm2 pings vm1 3/3: nfva learns vm2 behind 2001:db8:2::2 from OVS's first
#    frame and sends its replies there; vm1 pings vm2 3/3; wire, counters and
#    drops checked as in A.
#
# Mode offload (the argument, or NFVA_TEST_MODE): A-C again with the uplink
# owning an emulated e-switch and vm1 its VF (offload idle-timeout 120 s;
# the same checks: e-switch frames are byte-identical to the slow path's;
# `stats vteps` counts the slow path, the rules' hits the rest),
# then D on a fresh instance d, the VMs' neighbours pinned (no ARP):
# D1. ping 1 (flooded to the VTEP) makes the decap rule, ping 2 the encap
#     rule: exactly 2 rules, shapes gre6-encap (vm1 -> uplink, vm1's MAC ->
#     vm2's) and gre6-decap (uplink -> vm1), both offloaded, VTEP
#     2001:db8:2::2, network blue.
# D2. 40 pings carried by them, exactly: rule hits +40 each, eswitch_packets
#     +40 on vm1 (encap) and on the uplink (decap), slow path +0 on vm1 (<= 2
#     on the uplink: Neighbour Discovery); on the wire (u2): the 42 echo
#     requests from nfva are GRE over IPv6 as in A, all with one flow label
#     (the slow path's two and the e-switch's 40), the 42 replies from OVS;
#     `stats vteps` (slow path) plus the rules' hits = the capture, each
#     way, as in A and C; nothing malformed. The dump (raw_encap / raw_decap, key 5001, IPv6
#     items) is parsed by dpdk-testpmd.
# D3. `network blue vtep del 2001:db8:2::2`: both rules go (removals +2).
set -eu -o pipefail
# shellcheck source=tests/lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"

netns_require
need tshark tshark
test_mode "${1:-}"

two_hosts g6o
V3=g6o-v3-$TEST_ID
ns_add "$V3"
veth "$V3" eth0 "$H2" vm3p
ip -n "$V3" addr add 10.1.1.40/24 dev eth0
VM3_MAC=$(mac_of "$V3" eth0)

BRPHY_MAC=02:00:00:00:02:52
NFVA6=2001:db8:2::1 OVS6=2001:db8:2::2

# ovs_phy_bridge6 IF IP/PREFIX MAC: br-phy (netdev, hwaddr MAC) on the
# underlay port IF, the tunnel endpoint's IPv6 address on its tap (IPv6 on for
# that tap only, nodad, no router solicitation: as little noise as the kernel
# allows).
ovs_phy_bridge6() {
	"${VSCTL[@]}" add-br br-phy -- set bridge br-phy datapath_type=netdev \
		other_config:hwaddr="$3" -- add-port br-phy "$1" ||
		skip "OVS cannot create a netdev bridge here: $(tail -n 5 "$OVS_DIR/vswitchd.daemon.log")"
	wait_for 10 ip -n "$OVS_NS" link show br-phy >/dev/null 2>&1 ||
		skip "OVS netdev bridge br-phy has no tap device: $(tail -n 5 "$OVS_DIR/vswitchd.daemon.log")"
	ip netns exec "$OVS_NS" sysctl -qw net.ipv6.conf.br-phy.router_solicitations=0 \
		net.ipv6.conf.br-phy.accept_dad=0 net.ipv6.conf.br-phy.disable_ipv6=0 >/dev/null ||
		fail "cannot enable IPv6 on br-phy"
	ip -n "$OVS_NS" addr add "$2" dev br-phy nodad
	ip -n "$OVS_NS" link set br-phy up
}

# --- Open vSwitch, private instance in H2 ------------------------------------
ovs_up "$H2"
ovs_phy_bridge6 u2 $OVS6/64 "$BRPHY_MAC"
"${VSCTL[@]}" add-br br-int -- set bridge br-int datapath_type=netdev \
	-- add-port br-int vm2p \
	-- add-port br-int gre0 -- set interface gre0 type=ip6gre \
		options:remote_ip=$NFVA6 options:key=5001
"${VSCTL[@]}" add-br br-k2 -- set bridge br-k2 datapath_type=netdev \
	-- add-port br-k2 vm3p \
	-- add-port br-k2 gre2 -- set interface gre2 type=ip6gre \
		options:remote_ip=$NFVA6 options:key=5002
appctl tnl/neigh/set br-phy $NFVA6 "$U1_MAC" >/dev/null
appctl ovs/route/add $NFVA6/128 br-phy >/dev/null
"${VSCTL[@]}" show
appctl dpif/show
GRE_OFPORT=$("${VSCTL[@]}" get interface gre0 ofport)
check_eq "OVS gre0 interface type" "$("${VSCTL[@]}" get interface gre0 type)" ip6gre
check_eq "OVS gre2 interface type" "$("${VSCTL[@]}" get interface gre2 type)" ip6gre
check_eq "OVS tunnel neighbour $NFVA6" \
	"$(appctl tnl/neigh/show | awk -v a=$NFVA6 '$1 == a { print $2 }')" "$U1_MAC"
check_eq "OVS route to $NFVA6" \
	"$(appctl ovs/route/lookup $NFVA6 | grep -o 'dev [^ ]*')" "dev br-phy"
# The br-phy tap's own start-up traffic (MLD reports) is over before nfva listens.
sleep 3

# --- helpers ---------------------------------------------------------------------
# nfva_conf FILE [VTEP]: the configuration, with a configured VTEP or none.
nfva_conf() {
	{
		uplink_conf u1 $NFVA6/64 vm1=vm1p
		echo "network add blue vni 5001 encap gre"
		echo "network blue attach vm1"
		[ -z "${2:-}" ] || echo "network blue vtep add $2"
		offload_mode && echo "offload set idle-timeout 120" || true
	} >"$1"
}
# vtep_row NAME IP: the `stats vteps` row of IP (JSON), {} when absent.
vtep_row() {
	ctlj "$1" stats vteps |
		json_get "([{k: v for k, v in r.items() if k != 'vtep'} for r in j['vteps'] if r['vtep'] == '$2'] or [{}])[0]"
}
vtep_ctr() { ctlj "$1" stats vteps | json_get "sum(r['$3'] for r in j['vteps'] if r['vtep'] == '$2')"; }
# expected_drops "CAP..." NFVA_MAC: the uplink drops the frames that OVS's
# side sent in the captures CAP... must give, by nfva's rules (underlay_input.c,
# ipv6_input.c, gre_input.c): JSON as `port show stats` prints it.
expected_drops() {
	local c
	for c in $1; do
		tshark -n -r "$TEST_TMP/$c.pcap" -Y "eth.src != $2" -T fields -E separator='|' \
			-E occurrence=f -e eth.dst -e eth.type -e ipv6.dst -e ipv6.nxt -e icmpv6.type \
			-e icmpv6.nd.ns.target_address -e gre.key 2>/dev/null
	done |
		"$PY" -c '
import collections, ipaddress, json, sys
mac, me = sys.argv[1].lower(), ipaddress.ip_address(sys.argv[2])
sn = ipaddress.ip_address("ff02::1:ff00:0").packed[:13] + me.packed[13:]
ours = {me.packed, sn, ipaddress.ip_address("ff02::1").packed}
d = collections.Counter()
for line in sys.stdin:
    dst, et, i6, nxt, t, target, key = (line.rstrip("\n").split("|") + [""] * 7)[:7]
    if et == "0x0806":
        continue                                   # ARP: punted
    if dst.lower() != mac and not int(dst.split(":")[0], 16) & 1:
        d["not_for_us"] += 1; continue
    if et != "0x86dd":
        d["not_tunnel"] += 1; continue
    a = ipaddress.ip_address(i6).packed
    if a not in ours:
        d["not_for_us"] += 1; continue
    if a == me.packed and nxt == "47":
        if int(key or "-1", 0) != 5001: d["unknown_vni"] += 1
        continue
    if nxt != "58":
        d["not_tunnel"] += 1
    elif t == "135" and ipaddress.ip_address(target) != me:
        d["not_for_us"] += 1
    elif t not in ("135", "136") and not (t == "128" and a == me.packed):
        d["not_tunnel"] += 1
print(json.dumps(dict(d), sort_keys=True))' "$2" $NFVA6
}
# check_gre6_wire WHAT CAP FROM TO KEY N: every GRE frame FROM -> TO in CAP is
# IPv6 next header 47, hop limit 64, K bit, key KEY, proto 0x6558; N inner
# ICMP frames among them.
check_gre6_wire() {
	local f="ipv6.src == $3 && ipv6.dst == $4 && gre"
	check_pcap "$1" "$2" "$f" "$6" 'ipv6.nxt=v == "47"' 'ipv6.hlim=v == "64"' \
		'gre.flags.key=v in ("1", "True")' "gre.key=i(v) == $5" 'gre.proto=i(v) == 0x6558' \
		"${@:7}"
	check_eq "$1: inner ICMP frames" "$(pcap_count "$2" "$f && icmp")" "$6"
}
# check_label_per_flow WHAT CAP: nfva's GRE frames carrying vm1 <-> vm2 ICMP
# (one inner flow for nfva's hash: the same MACs, addresses and protocol)
# all have one flow label.
check_label_per_flow() {
	check_eq "$1: flow labels of nfva's inner vm1 -> vm2 ICMP frames" \
		"$(pcap_fields "$2" "ipv6.src == $NFVA6 && gre && icmp" ipv6.flow | sort -u | wc -l)" 1
}
# check_vtep_counts WHAT NAME CAP: the `stats vteps` row of OVS's address
# counts the GRE frames of the capture each way (key 5001 from OVS: the
# others are dropped before they count as received). In mode offload the
# row counts the slow path's frames and the e-switch's are the hits of the
# rules toward (encap) and from (decap) that VTEP: the two add up to the
# capture, exactly.
check_vtep_counts() {
	local n_tx n_rx how="" rx tx
	n_tx=$(pcap_count "$3" "ipv6.src == $NFVA6 && ipv6.dst == $OVS6 && gre")
	n_rx=$(pcap_count "$3" "ipv6.src == $OVS6 && ipv6.dst == $NFVA6 && gre.key == 5001")
	log "$1: stats vteps $OVS6: $(vtep_row "$2" $OVS6)"
	offload_mode && how=" + rule hits" && log "$1: rules: $(rules "$2")"
	tx="vtep_ctr $2 $OVS6 tx_packets" rx="vtep_ctr $2 $OVS6 rx_packets"
	offload_mode && tx="vtep_and_hits $2 tx_packets encap" rx="vtep_and_hits $2 rx_packets decap"
	# shellcheck disable=SC2086 # the command's words
	check_eq_wait "$1: stats vteps $OVS6 tx_packets$how (GRE frames nfva sent)" "$n_tx" $tx
	# shellcheck disable=SC2086
	check_eq_wait "$1: stats vteps $OVS6 rx_packets$how (GRE frames OVS sent, key 5001)" "$n_rx" $rx
}
# vtep_and_hits NAME KEY KIND: KEY of the `stats vteps` row of OVS's address
# plus the hits of the KIND rules with that VTEP.
vtep_and_hits() {
	echo $(($(vtep_ctr "$1" $OVS6 "$2") + $(ctlj "$1" offload show |
		json_get "sum(r['hits'] for r in j if r['kind'] == '$3' and r['vtep'] == '$OVS6')")))
}
# drops_as_captured NAME "CAP...": nfva's uplink drops are exactly those
# the captures (all since NAME started) call for; the VM port drops nothing.
drops_as_captured() {
	local want
	want=$(expected_drops "$2" "$NFVA_MAC")
	log "uplink drops expected from capture $2: $want"
	check_eq_wait "nfva $1 uplink drops" "$want" port_drops "$1" uplink
	check_eq "nfva $1 vm1 drops" "$(port_drops "$1" vm1)" "{}"
}
# since BASE CMD...: CMD's number minus BASE.
since() { echo $(($("${@:2}") - $1)); }
# arp_quiet WHAT: wait (<= 15 s) until vm1 and vm2 hold each other REACHABLE:
# the kernel's unicast ARP probe of an entry learned from a request (5 s
# later) has crossed the tunnel, and no ARP is due for 15 s; the counters
# and the capture then stay still.
vm_neigh() { ip -n "$1" -j neigh show "$2" dev eth0 | json_get '(j or [{}])[0].get("state", ["none"])[0]'; }
vms_reachable() { [ "$(vm_neigh "$V1" 10.1.1.30) $(vm_neigh "$V2" 10.1.1.20)" = "REACHABLE REACHABLE" ]; }
arp_quiet() {
	wait_for 15 vms_reachable ||
		fail "$1: vm1/vm2 neighbours not both REACHABLE: $(vm_neigh "$V1" 10.1.1.30) $(vm_neigh "$V2" 10.1.1.20)"
}
fdb_rows() {
	ctlj "$1" fdb show | json_get '",".join(sorted("%s %s %s %s" % (e["mac"].lower(),
		e["port"], e["vtep"], e["type"]) for e in j))'
}
want_fdb="$(printf '%s\n' "$VM1_MAC vm1 None dynamic" "$VM2_MAC uplink $OVS6 dynamic" |
	sort | paste -sd, -)"

# --- A. configured VTEP --------------------------------------------------------------
section_a() {
	nfva_conf "$TEST_TMP/a.conf" $OVS6
	cap_start a "$H2" u2
	nfva_up a "$H1" "$TEST_TMP/a.conf"
	NFVA_MAC=$(ctlj a underlay show | json_get 'j["mac"].lower()')
	check_eq "A: nfva's uplink MAC is u1's (OVS's tunnel neighbour)" "$NFVA_MAC" "$U1_MAC"
	check_eq "A: network blue's VTEPs" "$(ctlj a network show blue | json_get 'j[0]["overlay"]["vteps"]')" \
		"[\"$OVS6\"]"
	check_eq "A: nfva fdb entries before" "$(fdb_entries a)" 0
	check_eq "A: nfva vm1 rx_packets before" "$(port_counter a vm1 rx_packets)" 0
	check_eq "A: nfva uplink learned before" "$(port_counter a uplink learned)" 0
	check_eq "A: OVS br-int fdb entries before" "$(appctl fdb/show br-int | tail -n +2 | wc -l)" 0

	check_ping "A: vm1 (nfva) -> vm2 (OVS) 10.1.1.30" "$V1" 10.1.1.30 3
	check_ping "A: vm2 (OVS) -> vm1 (nfva) 10.1.1.20" "$V2" 10.1.1.20 3
	arp_quiet A
	appctl dpctl/dump-flows >"$TEST_TMP/a.flows"
	echo "OVS: dpctl/dump-flows"; cat "$TEST_TMP/a.flows"

	echo "nfva: fdb show"; ctl a fdb show
	check_eq "A: nfva fdb (mac port vtep type)" "$(fdb_rows a)" "$want_fdb"
	check_eq "A: nfva uplink learned" "$(port_counter a uplink learned)" 1
	check_eq "A: nfva neigh $OVS6 state" "$(neigh_field a $OVS6 state)" reachable
	check_eq "A: nfva neigh $OVS6 lladdr (br-phy)" \
		"$(neigh_field a $OVS6 lladdr | tr A-F a-f)" "$BRPHY_MAC"
	echo "OVS: fdb/show br-int"; appctl fdb/show br-int
	check_eq "A: OVS br-int: port of vm1's MAC (gre0 is ofport $GRE_OFPORT)" \
		"$(appctl fdb/show br-int | awk -v m="$VM1_MAC" '$3 == m { print $1 }')" "$GRE_OFPORT"
	check_ge "A: OVS decap flow (tun_id 0x1389 from $NFVA6)" \
		"$(grep -c "tunnel(tun_id=0x1389,ipv6_src=$NFVA6,ipv6_dst=$OVS6,.*key" "$TEST_TMP/a.flows")" 1
	check_ge "A: OVS encap flow (tnl_push, IPv6 nh 47, key 0x1389)" \
		"$(grep "tnl_push(" "$TEST_TMP/a.flows" |
			grep "ipv6(src=$OVS6,dst=$NFVA6,label=0,proto=47" | grep -c "key=0x1389")" 1

	cap_stop a
	check_gre6_wire "A: nfva -> OVS GRE" a $NFVA6 $OVS6 5001 6 'ipv6.flow=i(v) != 0' \
		"eth.dst=v == '$BRPHY_MAC'"
	check_gre6_wire "A: OVS -> nfva GRE" a $OVS6 $NFVA6 5001 6 "eth.dst=v == '$U1_MAC'"
	check_label_per_flow A a
	check_vtep_counts A a a
	pcap_no_malformed a
	drops_as_captured a a
}

# --- B. wrong key (5002) from OVS ---------------------------------------------------------
section_b() {
	local vm1_tx unk0 vunk0 n
	vm1_tx=$(port_counter a vm1 tx_packets)
	unk0=$(port_drop a uplink unknown_vni)
	vunk0=$(vtep_row a $OVS6 | json_get "j.get('dropped', {}).get('unknown_vni', 0)")
	cap_start b "$H2" u2
	check_eq "B: vm3 (OVS, key 5002) -> vm1: replies" "$(ping_rx "$V3" 10.1.1.20 3)" 0
	cap_stop b
	n=$(pcap_count b "ipv6.src == $OVS6 && ipv6.dst == $NFVA6 && gre.key == 5002")
	check_ge "B: key-5002 frames OVS sent nfva" "$n" 1
	check_gre6_wire "B: OVS -> nfva GRE, key 5002" b $OVS6 $NFVA6 5002 0 "eth.dst=v == '$U1_MAC'"
	check_eq_wait "B: nfva uplink unknown_vni (new)" "$n" since "$unk0" port_drop a uplink unknown_vni
	check_eq "B: stats vteps $OVS6 unknown_vni (new)" \
		$(($(vtep_row a $OVS6 | json_get "j.get('dropped', {}).get('unknown_vni', 0)") - vunk0)) "$n"
	check_eq "B: nfva vm1 tx_packets unchanged" "$(port_counter a vm1 tx_packets)" "$vm1_tx"
	check_eq "B: vm3's MAC not learned" "$(fdb_has a "$VM3_MAC")" 0
	pcap_no_malformed b
	drops_as_captured a "a b"
}

# --- C. remote learning, no configured VTEP -------------------------------------------------
section_c() {
	local n
	appctl fdb/flush br-int >/dev/null
	ip -n "$V1" neigh flush all
	ip -n "$V2" neigh flush all
	nfva_conf "$TEST_TMP/c.conf"
	cap_start c0 "$H2" u2
	nfva_up c "$H1" "$TEST_TMP/c.conf"
	check_eq "C: network blue has no VTEP" "$(ctlj c network show blue | json_get 'j[0]["overlay"]["vteps"]')" "[]"
	check_eq "C: nfva fdb entries before" "$(fdb_entries c)" 0
	# The wrong key first: from an address nfva has no VTEP id for yet.
	check_eq "C: vm3 (OVS, key 5002) -> vm1: replies" "$(ping_rx "$V3" 10.1.1.20 1)" 0
	cap_stop c0
	n=$(pcap_count c0 "ipv6.src == $OVS6 && ipv6.dst == $NFVA6 && gre.key == 5002")
	check_ge "C: key-5002 frames OVS sent nfva" "$n" 1
	check_eq_wait "C: nfva uplink unknown_vni" "$n" port_drop c uplink unknown_vni
	# Checked last (after everything else of C): see the end of the file.
	C_UNKNOWN=$n
	C_VTEPS_UNKNOWN=$(ctlj c stats vteps |
		json_get "sum(r['dropped'].get('unknown_vni', 0) for r in j['vteps'])")
	log "C: stats vteps after the key-5002 frames: $(ctlj c stats vteps)"

	cap_start c "$H2" u2
	check_ping "C: vm2 (OVS) -> vm1 (nfva) 10.1.1.20" "$V2" 10.1.1.20 3
	echo "nfva: fdb show"; ctl c fdb show
	check_eq "C: nfva fdb (mac port vtep type), learned from OVS" "$(fdb_rows c)" "$want_fdb"
	check_ping "C: vm1 (nfva) -> vm2 (OVS) 10.1.1.30" "$V1" 10.1.1.30 3
	arp_quiet C
	check_eq "C: nfva neigh $OVS6 lladdr (br-phy)" \
		"$(neigh_field c $OVS6 lladdr | tr A-F a-f)" "$BRPHY_MAC"
	cap_stop c
	check_gre6_wire "C: nfva -> OVS GRE" c $NFVA6 $OVS6 5001 6 'ipv6.flow=i(v) != 0' \
		"eth.dst=v == '$BRPHY_MAC'"
	check_gre6_wire "C: OVS -> nfva GRE" c $OVS6 $NFVA6 5001 6 "eth.dst=v == '$U1_MAC'"
	check_label_per_flow C c
	check_vtep_counts C c c
	pcap_no_malformed c0
	pcap_no_malformed c
	drops_as_captured c "c0 c"
	nfva_down c
}

# --- D. the e-switch rules (mode offload) ------------------------------------------------
section_d() {
	local he hd
	log "D. the rules of a fresh instance d, the VMs' neighbours pinned"
	appctl fdb/flush br-int >/dev/null
	pin "$V1" 10.1.1.30 "$VM2_MAC"
	pin "$V2" 10.1.1.20 "$VM1_MAC"
	nfva_conf "$TEST_TMP/d.conf" $OVS6
	nfva_up d "$H1" "$TEST_TMP/d.conf"
	ENC="r['kind'] == 'encap' and r['in'] == 'vm1' and r['out'] == 'uplink'"
	DEC="r['kind'] == 'decap' and r['in'] == 'uplink' and r['out'] == 'vm1'"
	cap_start d "$H2" u2
	snap d0 d
	ping_then_rule "D1: vm1 -> vm2, ping 1 (flooded to the VTEP)" d "$V1" 10.1.1.30 "$DEC"
	ping_then_rule "D1: vm1 -> vm2, ping 2" d "$V1" 10.1.1.30 "$ENC"
	log "D1: offload show"; ctl d offload show
	check_eq "D1: rules" "$(nrules d)" 2
	check_eq "D1: encap (shape state src dst vtep network)" "$(rule_desc d "$ENC")" \
		"gre6-encap offloaded $VM1_MAC $VM2_MAC $OVS6 blue"
	check_eq "D1: decap (shape state src dst vtep network)" "$(rule_desc d "$DEC")" \
		"gre6-decap offloaded $VM2_MAC $VM1_MAC $OVS6 blue"
	snap d1 d
	check_eq "D1: vm1 slow path over the two first pings" "$(delta d0 d1 vm1 rx_packets)" 2
	hits_reach d "$DEC" 1
	he=$(rule_field d "$ENC" hits) hd=$(rule_field d "$DEC" hits)
	log "D2. 40 pings carried by the rules (hits before: encap $he, decap $hd)"
	check_ping_burst "D2: vm1 -> vm2 x40" "$V1" 10.1.1.30 40 0.05
	cap_stop d
	snap d2 d
	hits_reach d "$ENC" $((he + 40))
	hits_reach d "$DEC" $((hd + 40))
	check_eq "D2: vm1 eswitch_packets delta (encap)" "$(delta d1 d2 vm1 eswitch_packets)" 40
	check_eq "D2: uplink eswitch_packets delta (decap)" "$(delta d1 d2 uplink eswitch_packets)" 40
	check_eq "D2: vm1 rx_packets delta (slow path)" "$(delta d1 d2 vm1 rx_packets)" 0
	check_le "D2: uplink rx_packets delta (slow path: ND at most)" "$(delta d1 d2 uplink rx_packets)" 2
	check_eq "D2: nfva's echo requests (2 slow path + 40 e-switch)" \
		"$(pcap_count d "ipv6.src == $NFVA6 && gre && icmp.type == 8")" 42
	check_eq "D2: OVS's echo replies" "$(pcap_count d "ipv6.src == $OVS6 && gre && icmp.type == 0")" 42
	check_gre6_wire "D2: nfva -> OVS GRE" d $NFVA6 $OVS6 5001 42 'ipv6.flow=i(v) != 0' \
		"eth.dst=v == '$BRPHY_MAC'" "eth.src=v == '$U1_MAC'"
	check_label_per_flow D2 d
	check_vtep_counts D2 d d
	pcap_no_malformed d
	d_dump
	log "D3. vtep del: both rules go"
	ctl_ok d network blue vtep del $OVS6
	wait_for 5 cmd_eq "nrules d" 0 || fail "D3: rules left after vtep del: $(rules d)"
	snap d3 d
	check_eq "D3: removals (vtep del)" "$(odelta d2 d3 removals)" 2
	check_eq "D: offload failures" "$(ostat d failures)" 0
	nfva_down d
}
# rule_desc NAME FILTER: "shape state src dst vtep network" of each rule
# matching FILTER (lower case, one line each).
rule_desc() {
	ctlj "$1" offload show | json_get "'\\n'.join(' '.join(str(r[k]).lower() for k in
		('shape', 'state', 'src', 'dst', 'vtep', 'network')) for r in j if ($2))"
}
# d_dump: D's rules as dpdk-testpmd commands: raw_encap and raw_decap over IPv6.
d_dump() {
	local f="$TEST_TMP/dump_gre6.txt"
	ctlj d offload dump testpmd | json_get j | grep -v '^$' >"$f" || true
	log "D2: dump: $(cat "$f")"
	check_eq "D2: dump: flow create lines" "$(grep -c '^flow create ' "$f" || true)" 2
	grep -q "^set raw_encap " "$f" || fail "D2: dump: no set raw_encap line"
	grep -q "^set raw_decap " "$f" || fail "D2: dump: no set raw_decap line"
	grep -qE "^flow create .* / ipv6 .*src is $OVS6 dst is $NFVA6 / gre .*/ gre_key value is 5001 .* actions raw_decap index [0-9]+ / represented_port ethdev_port_id [0-9]+ / count / end\$" \
		"$f" || fail "D2: dump: no GRE-over-IPv6 decap flow line"
	grep -qE "^flow create .* actions raw_encap index [0-9]+ / represented_port ethdev_port_id [0-9]+ / count / end\$" \
		"$f" || fail "D2: dump: no GRE encap flow line"
	testpmd_replay "$f" gre6
}

section_a
section_b
nfva_down a
section_c
# The unknown_vni drops of an IPv6 sender that has no VTEP id yet are in
# `stats vteps` (its row or `other`): the doc's "the totals stay exact".
check_eq "C: stats vteps: unknown_vni of all rows (a row or other)" "$C_VTEPS_UNKNOWN" "$C_UNKNOWN"
if offload_mode; then
	section_d
fi
echo "PASS: test_overlay_gre6_ovs ($TEST_MODE)"
