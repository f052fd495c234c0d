#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test_lisp_seed [software|offload|ipv6]: seed "LISP between two hosts" — without the article's two
# hacks (static ARP entries in the VMs, a flow rewriting the destination MAC).
# Two nfva instances join VM1 and VM2 (same subnet 10.1.1.0/24, one host each)
# over LISP, instance ID 1000.
#
#   ns V1 (vm1 10.1.1.20/24)                       ns V2 (vm2 10.1.1.30/24)
#        eth0  (no static ARP)                          eth0  (no static ARP)
#         |                                              |
#        vm1p                                           vm2p
#   net_af_packet1: port vm1                       net_af_packet1: port vm1
#   nfva host1, network lan iid 1000 lisp         nfva host2, network lan iid 1000 lisp
#   net_af_packet0: port uplink                    net_af_packet0: port uplink
#        u1 192.168.1.249 ====== veth (underlay) ====== u2 192.168.1.252
#   ---- ns H1 ----------------                    ---- ns H2 -----------------
#
# Phase "static": map-cache entries configured (10.1.1.30/32 -> .252 on host1,
# 10.1.1.20/32 -> .249 on host2). Phase "dynamic": host1 is map-server and
# map-resolver (site 10.1.1.0/24, accept-more-specifics, key), host2 registers
# with it and resolves through it, host1 resolves from its own registrations
# and answers host2's Map-Requests for VM1 as ETR; no map-cache configured.
#
# Each phase: the VMs first send one packet anywhere (as a booting VM does:
# the proxy ARP answer teaches nfva the VM), then after a settling ping each
# way, with fresh captures on u1 and u2:
# - ping vm1 -> vm2 and vm2 -> vm1, 3/3 each, neither VM has static ARP and
#   each VM's ARP table holds the gateway MAC 02:00:00:00:00:01 for the other;
# - EID tables: exactly the local VM (learned, on port vm1, its MAC);
# - map-cache: exactly the remote VM's /32 with the peer RLOC (static, or
#   dynamic with TTL 1440 min);
# - on the wire each way: exactly 6 LISP data frames with ICMP inside, UDP
#   4341, lisp-data.flags.nonce == 1, lisp-data.flags.iid == 1,
#   lisp-data.iid == 1000, outer TTL 64, inner ip.src/ip.dst the VMs;
#   no frame of the uplink is neither LISP nor ARP; nothing malformed.
# - dynamic: host1 site show has exactly VM2's registration from .252;
#   control counters: Map-Register/Notify accepted, Map-Request/Reply
#   exchanged, nothing rejected; on the wire a Map-Register from .252 with
#   lisp.keyid 1 and EID 10.1.1.30, and a Map-Notify back.
#
# Mode ipv6: both phases over an IPv6 underlay (RLOCs 2001:db8:1::249 and
# ::252, the hosts resolve each other with Neighbour Discovery): every check
# above holds with IPv6 outer headers (hop limit 64 for data; the control
# messages, Map-Register, Map-Notify, ECM Map-Request and Map-Reply, carry
# IPv6 locators and ITR-RLOCs), and every outer UDP checksum is valid.
#
# Mode offload (the argument, or NFVA_TEST_MODE): phase "static" with both
# uplinks owning an emulated e-switch and the VM ports its VFs: steady-state
# LISP traffic is carried by e-switch rules (RAW_DECAP Ethernet + RAW_ENCAP
# IPv4/UDP/LISP one way, RAW_DECAP 50 + RAW_ENCAP Ethernet the other), and
# the rules follow the map-cache. Every check of the phase holds, but that the
# data frames on the wire have the N bit clear (a rule cannot draw a nonce
# per packet), and before the captures:
# O1. both hosts offload lisp-encap and lisp-decap (caps); pings until each
#     host has its lisp-encap and lisp-decap rules offloaded, with the EIDs
#     and RLOC of the flows; the dump has the raw item after udp 4341;
# then after them:
# O2. 20 pings vm1 -> vm2: every request and reply is carried by rules on
#     both hosts (VM ports' and host1 uplink's slow path rx +0; the four
#     rules' hits +20 each); on the wire (each side captures what it
#     receives) 20 LISP data frames each way, I bit and instance ID 1000, N
#     clear, UDP source port in 49152-65535, outer TTL 64, inner addresses
#     the VMs; nothing malformed.
# O3. map-cache changes on host1, each applied when the command returns: a
#     second RLOC with the same priority (flows shared by weight: no rule can
#     do that) removes the encap rule; priority 5 for it leaves .252 the only
#     best RLOC: the next pings bring the rule back and run in it; the entry
#     deleted removes it again.
# O4. the EID moves away (lisp eid del): the decap rule toward it goes.
set -eu -o pipefail
# shellcheck source=tests/lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"

netns_require

need tshark tshark
test_mode "${1:-}"
two_hosts lsd
GW=02:00:00:00:00:01
# The N bit of LISP data: set by the slow path, clear from an e-switch rule.
NONCE_FLAG='("1", "True")'
offload_mode && NONCE_FLAG='("0", "False")'
# The underlay: IPv4, or IPv6 in mode ipv6 (IPF: tshark's outer protocol).
RLOC1=192.168.1.249 RLOC2=192.168.1.252 UPLEN=24 IPF=ip HOPS=ip.ttl
if ipv6_mode; then
	RLOC1=2001:db8:1::249 RLOC2=2001:db8:1::252 UPLEN=64 IPF=ipv6 HOPS=ipv6.hlim
fi
IID=1000
KEY=seed-s3cret


# host_conf LOCAL_IP UPLINK_IF VM_IF EXTRA_LINES
host_conf() {
	uplink_conf "$2" "$1/$UPLEN" "vm1=$3"
	cat <<-EOF
		network add lan iid $IID encap lisp
		network lan attach vm1
		$4
	EOF
	offload_mode && echo "offload set idle-timeout 300" || true
}

eids() {
	ctlj "$1" lisp eid show | json_get '",".join(sorted("%s %s %s %s" % (e["eid"], e["mac"].lower(), e["port"], e["type"]) for e in j))'
}
map_cache() {
	ctlj "$1" lisp map-cache show | json_get '",".join(sorted("%s %s %s %s" % (e["eid"], e["type"], "+".join(r["rloc"] for r in e["rlocs"]) or "-", e["ttl_s"]) for e in j))'
}

# check_wire PHASE CAP SRC DST VMSRC VMDST
check_wire() {
	local f="$IPF.src == $3 && $IPF.dst == $4 && udp.dstport == 4341 && icmp"
	check_pcap "$1: LISP data $3 -> $4" "$2" "$f" 6 "lisp-data.flags.nonce=v in $NONCE_FLAG" \
		'lisp-data.flags.iid=v in ("1", "True")' "lisp-data.iid=i(v) == $IID" \
		"$HOPS=v == \"64\"" 'udp.srcport=49152 <= int(v) <= 65535'
	ipv6_mode && check_pcap "$1: LISP data $3 -> $4: UDP checksum" "$2" "$f" 6 \
		'udp.checksum=i(v) != 0' 'udp.checksum.status=v == "1"' # Good (RFC 9300 permits 0; nfva sends one)
	check_eq "$1: LISP data frames $3 -> $4" "$(pcap_count "$2" "$f")" 6
	check_eq "$1: inner $5 -> $6 frames: echo requests, echo replies" \
		"$(pcap_count "$2" "$f && ip.src == $5 && ip.dst == $6 && icmp.type == 8") $(pcap_count "$2" "$f && ip.src == $5 && ip.dst == $6 && icmp.type == 0")" \
		"3 3"
	local umac
	umac=$(mac_of "$([ "$3" = $RLOC1 ] && echo "$H1" || echo "$H2")" "$([ "$3" = $RLOC1 ] && echo u1 || echo u2)")
	check_eq "$1: frames from $3 neither LISP (4341/4342) nor ARP/ND" \
		"$(pcap_count "$2" "eth.src == $umac && !arp && !icmpv6.nd.ns.target_address && !icmpv6.nd.na.target_address && !(udp.port == 4341 || udp.port == 4342)")" 0
}

# check_control PHASE: the control messages of the dynamic phase, captured
# from its start on u1 (what host2 sends) and u2 (what host1 sends).
check_control() {
	cap_stop "$1-c1"
	cap_stop "$1-c2"
	local c1="$TEST_TMP/$1-c1.pcap" c2="$TEST_TMP/$1-c2.pcap"
	check_pcap "$1: Map-Register host2 -> host1" "$1-c1" "lisp.type == 3 && $IPF.src == $RLOC2" 1 \
		'lisp.keyid=i(v) == 1' 'lisp.mapping.ttl=v == "1440"' "lisp.lcaf.iid=v == '$IID'" \
		'lisp.lcaf.iid.ipv4=v == "10.1.1.30"' 'lisp.mapping.eid.masklen=v == "32"' \
		"lisp.loc.locator=v == '$RLOC2'" 'lisp.loc.priority=v == "1"' 'lisp.loc.weight=v == "100"'
	check_pcap "$1: Map-Notify host1 -> host2" "$1-c2" "lisp.type == 4 && $IPF.src == $RLOC1" 1 \
		'lisp.keyid=i(v) == 1' 'lisp.lcaf.iid.ipv4=v == "10.1.1.30"'
	check_pcap "$1: Map-Request (ECM) host2 -> host1 for 10.1.1.20" "$1-c1" \
		"lisp.type == 1 && lisp.lcaf.iid.ipv4 == 10.1.1.20" 1 "lisp.lcaf.iid=v == '$IID'"
	check_pcap "$1: Map-Reply host1 -> host2 for 10.1.1.20" "$1-c2" \
		"lisp.type == 2 && lisp.lcaf.iid.ipv4 == 10.1.1.20" 1 'lisp.mapping.ttl=v == "1440"' \
		"lisp.loc.locator=v == '$RLOC1'" 'lisp.mapping.eid.masklen=v == "32"'
	ipv6_mode && check_pcap "$1: Map-Request (ECM): the ITR-RLOC is host2's IPv6 RLOC" "$1-c1" \
		"lisp.type == 1 && lisp.lcaf.iid.ipv4 == 10.1.1.20" 1 "lisp.irc=v == '0'" \
		"lisp.mreq.itr_rloc_ipv6=v == '$RLOC2'"
	ipv6_mode && check_eq "$1: control messages with a bad UDP checksum (IPv6: mandatory)" \
		"$(pcap_count "$1-c1" "udp.port == 4342 && udp.checksum.status != 1") $(pcap_count "$1-c2" "udp.port == 4342 && udp.checksum.status != 1")" "0 0"
	# HMACs checked by Python's hmac; nonces of replies/notifies answer requests/registers.
	"$PY" "$NT_LIB/tools/lisp_pcap.py" "$c1" "$KEY" >"$TEST_TMP/c1.txt"
	"$PY" "$NT_LIB/tools/lisp_pcap.py" "$c2" "$KEY" >"$TEST_TMP/c2.txt"
	check_eq "$1: Map-Registers with a bad HMAC" "$(grep -c ' 3 .* bad$' "$TEST_TMP/c1.txt" || true)" 0
	check_eq "$1: Map-Notifies with a bad HMAC" "$(grep -c ' 4 .* bad$' "$TEST_TMP/c2.txt" || true)" 0
	check_eq "$1: Map-Notifies without the nonce of a Map-Register" \
		"$(awk '$2 == 4 {print $3}' "$TEST_TMP/c2.txt" | grep -cvxFf <(awk '$2 == 3 {print $3}' "$TEST_TMP/c1.txt") || true)" 0
	check_eq "$1: Map-Replies without the nonce of a Map-Request" \
		"$(awk '$2 == 2 {print $3}' "$TEST_TMP/c2.txt" | grep -cvxFf <(awk '$2 == "8/1" {print $3}' "$TEST_TMP/c1.txt") || true)" 0
	check_ge "$1: verified Map-Notifies on the wire" "$(grep -c ' 4 .* ok$' "$TEST_TMP/c2.txt" || true)" 1
	pcap_no_malformed "$1-c1"
	pcap_no_malformed "$1-c2"
}

# --- mode offload: O1-O4 of the header --------------------------------------
# lisp_rules HOST KIND: offloaded rules of that kind; lisp_hits HOST KIND:
# their hits; hits_delta HOST KIND BEFORE
lisp_rules() { nrules "$1" "r['kind'] == '$2' and r['state'] == 'offloaded'"; }
lisp_hits() { ctlj "$1" offload show | json_get "sum(r['hits'] for r in j if r['kind'] == '$2')"; }
hits_delta() { echo $(($(lisp_hits "$1" "$2") - $3)); }
rules_ready() {
	[ "$(lisp_rules "$1" lisp-encap) $(lisp_rules "$1" lisp-decap) $(lisp_rules "$2" lisp-encap) $(lisp_rules "$2" lisp-decap)" = "1 1 1 1" ]
}

# offload_rules_ready HOST1 HOST2: O1.
offload_rules_ready() {
	local h
	log "O1. pings until both hosts carry the flows in rules"
	for h in "$1" "$2"; do
		check_eq "$h caps: lisp-encap lisp-decap" "$(ctlj "$h" offload show caps |
			json_get "' '.join(c['support'] for c in j if c['shape'] in ('lisp-encap', 'lisp-decap'))")" \
			"offloaded offloaded"
	done
	for _ in $(seq 20); do
		ping_rx "$V1" 10.1.1.30 1 >/dev/null
		wait_for 1 rules_ready "$1" "$2" && break
	done
	rules_ready "$1" "$2" || fail "rules not in place: $1 $(ctl "$1" offload show) $2 $(ctl "$2" offload show)"
	check_eq "$1 encap rule EIDs" "$(ctlj "$1" offload show | json_get "[r['eid'] for r in j if r['kind'] == 'lisp-encap'][0]")" \
		"10.1.1.20 -> 10.1.1.30"
	check_eq "$1 decap rule EID and RLOC" "$(ctlj "$1" offload show | json_get "[r['eid'] + ' ' + r['vtep'] for r in j if r['kind'] == 'lisp-decap'][0]")" \
		"10.1.1.20 192.168.1.252"
	check_ge "testpmd dump: raw item after udp 4341" \
		"$(ctlj "$1" offload dump testpmd | json_get "j.count('udp dst is 4341 / raw')")" 1
}

# offload_steady HOST1 HOST2: O2.
offload_steady() {
	local rx1 rx2 up1 he1 hd1 he2 hd2 f c
	log "O2. steady state: the e-switches carry it all"
	rx1=$(port_counter "$1" vm1 rx_packets) rx2=$(port_counter "$2" vm1 rx_packets)
	up1=$(port_counter "$1" uplink rx_packets)
	he1=$(lisp_hits "$1" lisp-encap) hd1=$(lisp_hits "$1" lisp-decap)
	he2=$(lisp_hits "$2" lisp-encap) hd2=$(lisp_hits "$2" lisp-decap)
	# Each side captures what it receives (af_packet's own transmissions bypass it).
	cap_start wire "$H2" u2
	cap_start back "$H1" u1
	check_ping "vm1 -> vm2 (10.1.1.30)" "$V1" 10.1.1.30 20
	cap_stop wire
	cap_stop back
	check_eq "$1 vm1 slow path rx delta" "$(($(port_counter "$1" vm1 rx_packets) - rx1))" 0
	check_eq "$2 vm1 slow path rx delta" "$(($(port_counter "$2" vm1 rx_packets) - rx2))" 0
	check_eq "$1 uplink slow path rx delta" "$(($(port_counter "$1" uplink rx_packets) - up1))" 0
	check_eq_wait "$1 lisp-encap hits delta" 20 hits_delta "$1" lisp-encap "$he1"
	check_eq_wait "$1 lisp-decap hits delta" 20 hits_delta "$1" lisp-decap "$hd1"
	check_eq_wait "$2 lisp-encap hits delta" 20 hits_delta "$2" lisp-encap "$he2"
	check_eq_wait "$2 lisp-decap hits delta" 20 hits_delta "$2" lisp-decap "$hd2"
	f="udp.dstport == 4341 && icmp"
	for c in "wire 192.168.1.249 192.168.1.252 10.1.1.20 10.1.1.30 8" \
			"back 192.168.1.252 192.168.1.249 10.1.1.30 10.1.1.20 0"; do
		set -- $c
		check_eq "$1: LISP data frames" "$(pcap_count "$1" "$f")" 20
		check_pcap "$1: LISP $2 -> $3" "$1" "$f && ip.src == $2" 20 \
			'lisp-data.flags.iid=v in ("1", "True")' "lisp-data.iid=i(v) == $IID" \
			'lisp-data.flags.nonce=v in ("0", "False")' 'ip.ttl=v == "64"' \
			'udp.srcport=49152 <= int(v) <= 65535' "ip.dst=v == '$3'"
		check_eq "$1: inner $4 -> $5 ICMP type $6" \
			"$(pcap_count "$1" "$f && ip.src == $4 && ip.dst == $5 && icmp.type == $6")" 20
		pcap_no_malformed "$1"
	done
}

# offload_follow HOST1: O3, O4.
offload_follow() {
	local h=$1 he
	log "O3. the encap rule follows the map-cache"
	ctl "$h" lisp map-cache add $IID 10.1.1.30/32 rloc 192.168.1.253 >/dev/null
	check_eq "encap rules right after a second best RLOC" "$(lisp_rules "$h" lisp-encap)" 0
	ctl "$h" lisp map-cache add $IID 10.1.1.30/32 rloc 192.168.1.253 priority 5 >/dev/null
	for _ in $(seq 10); do
		ping_rx "$V1" 10.1.1.30 1 >/dev/null
		wait_for 1 cmd_eq "lisp_rules $h lisp-encap" 1 && break
	done
	check_eq "encap rule back once .252 is the only best RLOC" "$(lisp_rules "$h" lisp-encap)" 1
	check_eq "it encapsulates to" "$(ctlj "$h" offload show | json_get "[r['vtep'] for r in j if r['kind'] == 'lisp-encap'][0]")" \
		192.168.1.252
	he=$(lisp_hits "$h" lisp-encap)
	check_ping "vm1 -> vm2 through the new rule" "$V1" 10.1.1.30 5
	check_eq_wait "$h lisp-encap hits delta" 5 hits_delta "$h" lisp-encap "$he"
	ctl "$h" lisp map-cache del $IID 10.1.1.30/32 >/dev/null
	check_eq "encap rules right after the entry is deleted" "$(lisp_rules "$h" lisp-encap)" 0

	log "O4. the decap rule follows the EID table"
	ctl "$h" lisp eid del $IID 10.1.1.20 >/dev/null
	check_eq "decap rules right after the EID is deleted" "$(lisp_rules "$h" lisp-decap)" 0
}

# phase_start PHASE EXTRA1 EXTRA2: both hosts up, the VMs known (EIDs),
# resolution and the first packets' drops done.
phase_start() {
	local ph=$1 extra1=$2 extra2=$3 h
	host_conf $RLOC1 u1 vm1p "$extra1" >"$TEST_TMP/$ph-host1.conf"
	host_conf $RLOC2 u2 vm2p "$extra2" >"$TEST_TMP/$ph-host2.conf"
	ip -n "$V1" neigh flush dev eth0
	ip -n "$V2" neigh flush dev eth0
	if [ "$ph" = dynamic ]; then
		cap_start "$ph-c1" "$H1" u1
		cap_start "$ph-c2" "$H2" u2
	fi
	nfva_up "$ph-host1" "$H1" "$TEST_TMP/$ph-host1.conf"
	nfva_up "$ph-host2" "$H2" "$TEST_TMP/$ph-host2.conf"
	for h in "$ph-host1" "$ph-host2"; do
		check_eq "$ph: $h network overlay (encap vni)" \
			"$(ctlj "$h" network show lan | json_get '"%s %s" % (j[0]["overlay"]["encap"], j[0]["overlay"]["vni"])')" \
			"lisp $IID"
		check_eq "$ph: $h EIDs before" "$(eids "$h")" ""
	done
	# A booting VM speaks: one packet to an address with no answer.
	ping_rx "$V1" 10.1.1.1 1 -W 1 >/dev/null
	ping_rx "$V2" 10.1.1.1 1 -W 1 >/dev/null
	check_eq_wait "$ph: host1 EIDs" "10.1.1.20 $VM1_MAC vm1 learned" eids "$ph-host1"
	check_eq_wait "$ph: host2 EIDs" "10.1.1.30 $VM2_MAC vm1 learned" eids "$ph-host2"
	if [ "$ph" = dynamic ]; then
		wait_for 10 bash -c "$NFVACTL -j -s ${NFVA_SOCK[$ph-host1]} lisp site show | grep -q 10.1.1.30/32" ||
			fail "$ph: host2 never registered VM2 with host1"
	fi
	# Settle: resolution (dynamic) and the first packets' drops happen here.
	PING_WAIT=2 ping_rx "$V1" 10.1.1.30 2 >/dev/null
	PING_WAIT=2 ping_rx "$V2" 10.1.1.20 2 >/dev/null
}

# phase_tables PHASE: the VMs' ARP entries, map-caches, and in the dynamic
# phase the registrations and control counters.
phase_tables() {
	local ph=$1
	check_eq "$ph: vm1 ARP entry for 10.1.1.30" \
		"$(ip -n "$V1" -j neigh show 10.1.1.30 | json_get "j[0]['lladdr']")" "$GW"
	check_eq "$ph: vm2 ARP entry for 10.1.1.20" \
		"$(ip -n "$V2" -j neigh show 10.1.1.20 | json_get "j[0]['lladdr']")" "$GW"
	check_eq "$ph: vm1 has no permanent ARP entry" \
		"$(ip -n "$V1" neigh show nud permanent | wc -l) $(ip -n "$V2" neigh show nud permanent | wc -l)" "0 0"
	if [ "$ph" = static ]; then
		check_eq "$ph: host1 map-cache" "$(map_cache "$ph-host1")" "10.1.1.30/32 static $RLOC2 None"
		check_eq "$ph: host2 map-cache" "$(map_cache "$ph-host2")" "10.1.1.20/32 static $RLOC1 None"
	else
		dynamic_tables "$ph"
	fi
}

# dynamic_tables PHASE: map-caches, registrations, control counters.
dynamic_tables() {
	local ph=$1 c h
	# 10.1.1.1 (the boot packets' destination) is in the site, registered by
	# nobody: negative, Natively-Forward, 1 minute.
	check_eq "$ph: host1 map-cache" "$(map_cache "$ph-host1")" \
		"10.1.1.1/32 negative - 60,10.1.1.30/32 dynamic $RLOC2 86400"
	check_eq "$ph: host2 map-cache" "$(map_cache "$ph-host2")" \
		"10.1.1.1/32 negative - 60,10.1.1.20/32 dynamic $RLOC1 86400"
	check_eq "$ph: host1 registrations" \
		"$(ctlj "$ph-host1" lisp site show | json_get '",".join("%s %s %s %s" % (r["iid"], r["eid"], r["etr"], "+".join(r["rlocs"])) for s in j for r in s["registrations"])')" \
		"$IID 10.1.1.30/32 $RLOC2 $RLOC2"
	check_eq "$ph: host2 registered (Map-Notify verified)" \
		"$(ctlj "$ph-host2" lisp map-server show | json_get "j[0]['registered']")" true
	for c in registers_accepted; do check_ge "$ph: host1 $c" "$(lisp_counter "$ph-host1" $c)" 1; done
	for c in registers_sent notifies_accepted requests_sent replies_accepted; do
		check_ge "$ph: host2 $c" "$(lisp_counter "$ph-host2" $c)" 1
	done
	check_ge "$ph: host1 requests_received (as ETR)" "$(lisp_counter "$ph-host1" requests_received)" 1
	check_ge "$ph: host1 replies_sent" "$(lisp_counter "$ph-host1" replies_sent)" 1
	for h in "$ph-host1" "$ph-host2"; do
		for c in replies_rejected_nonce replies_rejected_malformed registers_rejected_auth \
				registers_rejected_malformed registers_rejected_site notifies_rejected_nonce \
				notifies_rejected_auth control_malformed; do
			check_eq "$ph: $h $c" "$(lisp_counter "$h" $c)" 0
		done
	done
}

run_phase() {
	local ph=$1
	log "===== $ph ====="
	phase_start "$@"
	offload_mode && offload_rules_ready "$ph-host1" "$ph-host2"

	cap_start "$ph-u1" "$H1" u1
	cap_start "$ph-u2" "$H2" u2
	check_ping "$ph: vm1 -> vm2 (10.1.1.30)" "$V1" 10.1.1.30 3
	check_ping "$ph: vm2 -> vm1 (10.1.1.20)" "$V2" 10.1.1.20 3
	cap_stop "$ph-u1"
	cap_stop "$ph-u2"
	phase_tables "$ph"
	[ "$ph" = dynamic ] && check_control "$ph"
	check_wire "$ph" "$ph-u2" $RLOC1 $RLOC2 10.1.1.20 10.1.1.30
	check_wire "$ph" "$ph-u1" $RLOC2 $RLOC1 10.1.1.30 10.1.1.20
	pcap_no_malformed "$ph-u1"
	pcap_no_malformed "$ph-u2"
	offload_mode && offload_steady "$ph-host1" "$ph-host2" && offload_follow "$ph-host1"
	nfva_down "$ph-host1"
	nfva_down "$ph-host2"
}

run_phase static "lisp map-cache add $IID 10.1.1.30/32 rloc $RLOC2" \
	"lisp map-cache add $IID 10.1.1.20/32 rloc $RLOC1"
offload_mode || run_phase dynamic "$(printf '%s\n' "lisp site add seed key $KEY eid-prefix $IID 10.1.1.0/24 accept-more-specifics" \
	"lisp map-resolver add $RLOC1")" \
	"$(printf '%s\n' "lisp map-server add $RLOC1 key $KEY" "lisp map-resolver add $RLOC1")"
echo "PASS: test_lisp_seed ($TEST_MODE)"
