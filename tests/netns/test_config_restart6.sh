#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test_config_restart6: IPv6 state survives a restart. The IPv6 sibling of
# test_config_restart (a file of its own: its peer is the Linux kernel's
# vxlan over IPv6, not a second nfva). nfva h1 starts with its ports only;
# the rest is given over the socket: a dual-stack underlay
# (2001:db8:1::249/64 and 192.168.1.249/24), network blue (vni 6000) with
# the IPv6 VTEP ::252 and a static FDB entry behind it, network green (vni
# 6001, group ff05::100, udp6-zero-csum), a static IPv6 neighbour ::99, a
# mirror session of vm1 to ERSPAN III collector ::99, and ERSPAN collection
# of session 9 from ::98 to port tap, a LISP network (iid 3000) whose
# map-cache entry has an IPv6 and an IPv4 RLOC, with an IPv6 map-resolver
# and map-server (sha256). `config save` writes the startup file;
# SIGTERM; h1 restarts from it.
#
#   ns V1 (vm1 10.1.1.20)  ns V3 (vm3 10.1.2.20)  ns TAP      ns V2 (vm2 10.1.1.30)  ns V4 (vm4 10.1.2.30)
#        eth0                   eth0              eth0             eth0                   eth0
#        vm1p: vm1 (blue)       vm3p: vm3 (green) tp: tap          vm2p                   vm4p
#   h1 (ns H1, nfva)                                             br0                    br1
#   net_af_packet0: port uplink                                  vx (vni 6000,          vxg (vni 6001,
#        u1 2001:db8:1::249, 192.168.1.249 ===== veth ===== u2    remote ::249,          group ff05::100,
#                                       2001:db8:1::252 nodad      udp6zerocsumrx)        udp6zerocsumtx/rx)
#   ---- ns H1 ----                                  ---- ns H2 (Linux, IPv6 on u2 only) ----
#
# (Both kernel devices take zero UDP checksums in: they share one UDP 4789
# socket, which needs the same receive flags.)
#
# Before the restart and after it, the same checks (tshark on u2), with the
# four VMs' ARP caches emptied first (the requests cross as BUM):
# - ping vm1 -> vm2 (blue) and vm3 -> vm4 (green), 3/3 each;
# - blue: nfva's ARP request goes to VTEP ::252 (its list), its echo
#   requests too; no zero UDP checksum; the kernel's 3 echo replies come back;
# - green: nfva's ARP request goes to ff05::100 (33:33:00:00:01:00, hop
#   limit 1), every green frame nfva sends has UDP checksum 0, 3 echo
#   requests to ::252; the kernel's 3 replies (checksum 0) are taken;
# - the 6 ICMP frames of vm1's ping reach ::99 (its static MAC) as ERSPAN III
#   over IPv6 (next header 47, session 7); nothing malformed, no bad checksum;
# - the FDB has vm2 static behind ::252; neighbour ::99 is permanent with its
#   MAC; `mirror collect show` is session 9 -> tap from ::98; the underlay
#   holds both addresses.
# And: the saved file is mode 0600, starts with the header and holds exactly
# `config show`; nfva --check-config accepts it; after the restart
# `config show` is byte-identical, and nfva's MLDv2 report (to ff02::16,
# change-to-exclude) joins ff05::100 again.
#
# Mode offload (the argument, or NFVA_TEST_MODE): the uplink owns an
# emulated e-switch, vm1, vm3 and tap are its VFs, `offload set
# idle-timeout 300` is part of the configuration. Each round also checks
# the rules: exactly blue's and green's encap and decap, IPv6 shapes,
# offloaded but blue's encap (no udp6-zero-csum: stays in software, the
# reason says the checksum), vm1's carry the mirror; no stale rule, no
# failure. Right after the restart every rule in the e-switch is one the
# new process installed (none stale, none older than it).
set -eu -o pipefail
# shellcheck source=tests/lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"

netns_require
need tshark tshark
need bridge iproute2
test_mode "${1:-}"

NF6=2001:db8:1::249 K6=2001:db8:1::252 NF4=192.168.1.249 GROUP=ff05::100
COLL6=2001:db8:1::99 COLL_MAC=02:00:00:00:99:01 SENDER6=2001:db8:1::98
# LISP state with IPv6 addresses (no EID: nothing is sent but ND for them).
LISP6=2001:db8:1::77 NF4_PEER=192.168.1.77
# nfva's VXLAN frames of each network, and the kernel's.
NBLUE="ipv6.src == $NF6 && udp.dstport == 4789 && vxlan.vni == 6000 && !icmpv6"
KBLUE="ipv6.src == $K6 && ipv6.dst == $NF6 && udp.dstport == 4789 && vxlan.vni == 6000 && !icmpv6"
NGREEN="ipv6.src == $NF6 && udp.dstport == 4789 && vxlan.vni == 6001 && !icmpv6"
KGREEN="ipv6.src == $K6 && ipv6.dst == $NF6 && udp.dstport == 4789 && vxlan.vni == 6001 && !icmpv6"

two_hosts cr6
V3=cr6-v3-$TEST_ID V4=cr6-v4-$TEST_ID TAP=cr6-tap-$TEST_ID
ns_add "$V3" "$V4" "$TAP"
veth "$V3" eth0 "$H1" vm3p
veth "$V4" eth0 "$H2" vm4p
veth "$TAP" eth0 "$H1" tp
ip -n "$V3" addr add 10.1.2.20/24 dev eth0
ip -n "$V4" addr add 10.1.2.30/24 dev eth0

# The kernel's side: u2 IPv6 only, a unicast VTEP for blue, a group VTEP
# for green.
ipv6_addr "$H2" u2 "$K6/64"
for b in br0:vm2p br1:vm4p; do
	ip -n "$H2" link add "${b%:*}" type bridge mcast_snooping 0
	ip -n "$H2" link set "${b%:*}" up
	ip -n "$H2" link set "${b#*:}" master "${b%:*}"
done
ip -n "$H2" link add vx type vxlan id 6000 dstport 4789 local "$K6" remote "$NF6" dev u2 \
	learning udp6zerocsumrx
ip -n "$H2" link add vxg type vxlan id 6001 dstport 4789 local "$K6" group "$GROUP" dev u2 \
	learning udp6zerocsumtx udp6zerocsumrx
for d in vx:br0 vxg:br1; do
	ip -n "$H2" link set "${d%:*}" master "${d#*:}"
	ip -n "$H2" link set "${d%:*}" up
done
log "kernel: $(ip -n "$H2" -d link show vx | grep -o 'vxlan id .*udp6zerocsumrx')"
log "kernel: $(ip -n "$H2" -d link show vxg | grep -o 'vxlan id .*udp6zerocsumrx')"
sleep 2.5 # the kernel's MLD reports for u2's address and the group are over

cat >"$TEST_TMP/h1.conf" <<EOF
port add uplink dev $(afp 0 u1)$(esw_uplink)
port add vm1 dev $(afp 1 vm1p)$(esw_vf uplink)
port add vm3 dev $(afp 2 vm3p)$(esw_vf uplink)
port add tap dev $(afp 3 tp)$(esw_vf uplink)
EOF
nfva_up h1 "$H1" "$TEST_TMP/h1.conf"

log "configuring h1 over its socket"
while read -r -a words; do
	ctl_ok h1 "${words[@]}"
done <<EOF
underlay set uplink uplink ip $NF6/64
underlay set uplink uplink ip $NF4/24
network add blue vni 6000 encap vxlan
network blue attach vm1
network blue vtep add $K6
fdb add $VM2_MAC network blue vtep $K6
network add green vni 6001 encap vxlan group $GROUP udp6-zero-csum
network green attach vm3
neigh add $COLL6 lladdr $COLL_MAC
network add l6 iid 3000 encap lisp
lisp map-cache add 3000 10.9.0.0/16 rloc $LISP6 priority 2 weight 50
lisp map-cache add 3000 10.9.0.0/16 rloc $NF4_PEER
lisp map-resolver add $LISP6
lisp map-server add $LISP6 key k6-secret auth sha256
mirror add m1 source vm1 direction both to erspan $COLL6 session 7 version 3
mirror collect erspan session 9 to port tap from $SENDER6
EOF
if offload_mode; then ctl_ok h1 offload set idle-timeout 300; fi

# check_rules WHEN (mode offload): blue's and green's encap and decap, their
# IPv6 shapes and states; vm1's carry the mirror; nothing stale or failed.
SW_CSUM="the IPv6 UDP checksum is computed in software only"
check_rules() {
	wait_for 5 cmd_eq "nrules h1" 4 || fail "$1: not 4 rules: $(rules h1)"
	log "$1: rules"; ctl h1 offload show
	check_eq "$1: rules (network kind shape state)" "$(ctlj h1 offload show | json_get \
		"', '.join(sorted(' '.join(r[k] for k in ('network', 'kind', 'shape', 'state')) for r in j))")" \
		"blue decap vxlan6-decap offloaded, blue encap vxlan6-encap software, green decap vxlan6-decap offloaded, green encap vxlan6-encap offloaded"
	check_eq "$1: blue's encap stays in software for the checksum" \
		"$(nrules h1 "r['network'] == 'blue' and r['kind'] == 'encap' and '$SW_CSUM' in r['reason']")" 1
	check_eq "$1: rules of other ports or VTEPs" "$(nrules h1 "r['vtep'] != '$K6' or \
		{r['in'], r['out']} not in ({'vm1', 'uplink'}, {'vm3', 'uplink'})")" 0
	check_eq "$1: vm1's rules without the mirror" \
		"$(nrules h1 "'vm1' in (r['in'], r['out']) and not r['mirror']")" 0
	check_eq "$1: stale rules" "$(ostat h1 stale)" 0
	check_eq "$1: offload failures" "$(ostat h1 failures)" 0
}

# tables WHEN: the static entries and the underlay, as configured.
tables() {
	check_eq "$1: fdb vm2 (port vtep type)" "$(ctlj h1 fdb show | json_get \
		"[' '.join(str(e[k]) for k in ('port', 'vtep', 'type')) for e in j
		  if e['mac'].lower() == '$VM2_MAC'][0]")" "uplink $K6 static"
	check_eq "$1: neigh $COLL6 (state lladdr)" \
		"$(neigh_field h1 $COLL6 state) $(neigh_field h1 $COLL6 lladdr | tr A-F a-f)" \
		"permanent $COLL_MAC"
	check_eq "$1: mirror collect show" "$(ctlj h1 mirror collect show | json_get \
		"' '.join('%d:%s:%s' % (c['session'], c['port'], c['from']) for c in j)")" "9:tap:$SENDER6"
	check_eq "$1: underlay addresses" "$(ctlj h1 underlay show | json_get \
		'"%s/%s %s/%s" % (j["ip"], j["prefix_len"], j["ip6"], j["prefix6_len"])')" "$NF4/24 $NF6/64"
	check_eq "$1: lisp map-cache (RLOC priority weight)" "$(ctlj h1 lisp map-cache show 3000 | json_get \
		"' '.join('%s %s %d %d' % (e['eid'], r['rloc'], r['priority'], r['weight']) for e in j for r in e['rlocs'])")" \
		"10.9.0.0/16 $LISP6 2 50 10.9.0.0/16 $NF4_PEER 1 100"
	check_eq "$1: lisp map-resolver, map-server" "$(ctlj h1 lisp map-resolver show | json_get "j[0]") $(ctlj h1 lisp map-server show | json_get "j[0]['ip'] + ' ' + j[0]['auth']")" \
		"$LISP6 $LISP6 sha256"
}

# traffic WHEN: pings over both networks (ARP first), the wire, the mirror.
traffic() {
	local c=$1 v
	# All four: a VM's pending unicast probe (an entry learned from the last
	# round) would tell the other VM its MAC, and no ARP request would cross.
	for v in "$V1" "$V2" "$V3" "$V4"; do ip -n "$v" neigh flush dev eth0; done
	cap_start "$c" "$H2" u2
	check_ping "$c: vm1 -> vm2 (blue, VTEP $K6)" "$V1" 10.1.1.30 3
	check_ping "$c: vm3 -> vm4 (green, group $GROUP, zero checksums)" "$V3" 10.1.2.30 3
	cap_stop "$c"
	check_pcap "$c: blue: nfva's ARP request for vm2 to VTEP $K6" "$c" \
		"$NBLUE && arp.opcode == 1 && arp.dst.proto_ipv4 == 10.1.1.30" 1 "ipv6.dst=v == '$K6'" \
		'ipv6.hlim=v == "64"'
	check_pcap "$c: blue: nfva's echo requests to $K6" "$c" "$NBLUE && icmp.type == 8" 3 \
		"ipv6.dst=v == '$K6'"
	check_eq "$c: blue: nfva's echo requests" "$(pcap_count "$c" "$NBLUE && icmp.type == 8")" 3
	check_eq "$c: blue: nfva's frames with UDP checksum 0" \
		"$(pcap_count "$c" "$NBLUE && udp.checksum == 0")" 0
	check_eq "$c: blue: the kernel's echo replies" "$(pcap_count "$c" "$KBLUE && icmp.type == 0")" 3
	check_pcap "$c: green: nfva's ARP request for vm4 to the group" "$c" \
		"$NGREEN && arp.opcode == 1 && arp.dst.proto_ipv4 == 10.1.2.30" 1 \
		"ipv6.dst=v == '$GROUP'" "eth.dst=v == '33:33:00:00:01:00'" 'ipv6.hlim=v == "1"'
	check_pcap "$c: green: nfva's frames, UDP checksum 0" "$c" "$NGREEN" 4 'udp.checksum=i(v) == 0'
	check_pcap "$c: green: nfva's echo requests to $K6" "$c" "$NGREEN && icmp.type == 8" 3 \
		"ipv6.dst=v == '$K6'"
	check_eq "$c: green: nfva's echo requests" "$(pcap_count "$c" "$NGREEN && icmp.type == 8")" 3
	check_pcap "$c: green: the kernel's echo replies, UDP checksum 0" "$c" \
		"$KGREEN && icmp.type == 0" 3 'udp.checksum=i(v) == 0'
	check_pcap "$c: mirror m1: ERSPAN III over IPv6 to $COLL6" "$c" "ipv6.dst == $COLL6" 6 \
		"eth.dst=v == '$COLL_MAC'" "ipv6.src=v == '$NF6'" 'ipv6.nxt=v == "47"' \
		'gre.proto=i(v) == 0x22eb' 'erspan.version=v == "2"' 'erspan.spanid=v == "7"'
	check_eq "$c: mirror m1: vm1's ICMP frames at $COLL6 (both directions)" \
		"$(pcap_count "$c" "ipv6.dst == $COLL6 && erspan && icmp && ip.addr == 10.1.1.30")" 6
	wire_clean_zero "$c"
	tables "$c"
	if offload_mode; then check_rules "$c"; fi
}

traffic before
config_save_check h1 "$TEST_TMP/h1.conf"
for w in "underlay set uplink uplink ip $NF6/64" "network blue vtep add $K6" \
	"fdb add $VM2_MAC network blue vtep $K6" "neigh add $COLL6 lladdr $COLL_MAC" \
	"to erspan $COLL6 session 7 version 3" "from $SENDER6" \
	"lisp map-cache add 3000 10.9.0.0/16 rloc $LISP6 priority 2 weight 50" \
	"lisp map-resolver add $LISP6" "lisp map-server add $LISP6 key"; do
	grep -qiF -- "$w" "$TEST_TMP/h1.conf" || fail "the saved file has no '$w'"
done
grep -q "^network add green .*group $GROUP.*udp6-zero-csum" "$TEST_TMP/h1.conf" ||
	fail "the saved file has no green network with group $GROUP and udp6-zero-csum"
echo "ok: the saved file holds the IPv6 state"

log "restart: SIGTERM, then nfva from the saved file"
nfva_down h1
cap_start join "$H2" u2
nfva_up h1 "$H1" "$TEST_TMP/h1.conf"
if offload_mode; then
	# Nothing from the old process (a VM's frame may already have made a rule).
	check_eq "rules right after the restart: all installed by the new process" \
		"$(ctlj h1 stats | json_get "'yes' if j['offload']['rules'] == j['offload']['installs'] - j['offload']['removals'] else j['offload']")" yes
	check_eq "rules right after the restart: stale" "$(ostat h1 stale)" 0
	check_eq "rules right after the restart: none older than the process" \
		"$(rules h1 "r['age_s'] > 2")" "[]"
fi
config_same_check h1
traffic after
cap_stop join
check_pcap "after the restart: nfva's MLDv2 report joins $GROUP again" join \
	"icmpv6.type == 143 && eth.src == $U1_MAC" 1 'ipv6.dst=v == "ff02::16"' 'ipv6.hlim=v == "1"' \
	"icmpv6.mldr.mar.multicast_address=v == '$GROUP'" 'icmpv6.mldr.mar.record_type=v == "4"'
nfva_down h1
echo "PASS: test_config_restart6 ($TEST_MODE)"
