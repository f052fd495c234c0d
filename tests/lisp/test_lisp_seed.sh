#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test_lisp_seed: seed "LISP between two hosts" — without the article's two
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
set -eu -o pipefail
. "$(dirname "$0")/../overlay/lib.sh"

ov_require

# nfva_down_clean NAME: nfva_down, then no sanitizer report in its log.
nfva_down_clean() {
	nfva_down "$1"
	check_eq "nfva $1: sanitizer reports in its log" \
		"$(grep -cE 'runtime error:|AddressSanitizer|LeakSanitizer' "${NFVA_LOG[$1]}" || true)" 0
}
ov_need tshark tshark

H1=lsd-h1-$OV_ID H2=lsd-h2-$OV_ID V1=lsd-v1-$OV_ID V2=lsd-v2-$OV_ID
ns_add "$H1" "$H2" "$V1" "$V2"
veth "$H1" u1 "$H2" u2
veth "$V1" eth0 "$H1" vm1p
veth "$V2" eth0 "$H2" vm2p
ip -n "$V1" addr add 10.1.1.20/24 dev eth0
ip -n "$V2" addr add 10.1.1.30/24 dev eth0
GW=02:00:00:00:00:01
IID=1000
KEY=seed-s3cret

VM1_MAC=$(mac_of "$V1" eth0)
VM2_MAC=$(mac_of "$V2" eth0)
log "vm1 $VM1_MAC, vm2 $VM2_MAC"

# host_conf LOCAL_IP UPLINK_IF VM_IF EXTRA_LINES
host_conf() {
	cat <<-EOF
		port add uplink dev $(afp 0 "$2")
		port add vm1 dev $(afp 1 "$3")
		underlay set uplink uplink ip $1/24
		network add lan iid $IID encap lisp
		network lan attach vm1
		$4
	EOF
}

# lisp_counter HOST NAME
lisp_counter() { ctlj "$1" lisp show | json_get "j['counters']['$2']"; }

eids() {
	ctlj "$1" lisp eid show | json_get '",".join(sorted("%s %s %s %s" % (e["eid"], e["mac"].lower(), e["port"], e["type"]) for e in j))'
}
map_cache() {
	ctlj "$1" lisp map-cache show | json_get '",".join(sorted("%s %s %s %s" % (e["eid"], e["type"], "+".join(r["rloc"] for r in e["rlocs"]) or "-", e["ttl_s"]) for e in j))'
}

# check_wire PHASE CAP SRC DST VMSRC VMDST
check_wire() {
	local f="ip.src == $3 && ip.dst == $4 && udp.dstport == 4341 && icmp"
	check_pcap "$1: LISP data $3 -> $4" "$2" "$f" 6 'lisp-data.flags.nonce=v in ("1", "True")' \
		'lisp-data.flags.iid=v in ("1", "True")' "lisp-data.iid=i(v) == $IID" \
		'ip.ttl=v == "64"' 'udp.srcport=49152 <= int(v) <= 65535'
	check_eq "$1: LISP data frames $3 -> $4" "$(pcap_count "$2" "$f")" 6
	check_eq "$1: inner $5 -> $6 frames: echo requests, echo replies" \
		"$(pcap_count "$2" "$f && ip.src == $5 && ip.dst == $6 && icmp.type == 8") $(pcap_count "$2" "$f && ip.src == $5 && ip.dst == $6 && icmp.type == 0")" \
		"3 3"
	local umac
	umac=$(mac_of "$([ "$3" = 192.168.1.249 ] && echo "$H1" || echo "$H2")" "$([ "$3" = 192.168.1.249 ] && echo u1 || echo u2)")
	check_eq "$1: frames from $3 neither LISP (4341/4342) nor ARP" \
		"$(pcap_count "$2" "eth.src == $umac && !arp && !(udp.port == 4341 || udp.port == 4342)")" 0
}

# check_control PHASE: the control messages of the dynamic phase, captured
# from its start on u1 (what host2 sends) and u2 (what host1 sends).
check_control() {
	cap_stop "$1-c1"
	cap_stop "$1-c2"
	local c1="$OV_TMP/$1-c1.pcap" c2="$OV_TMP/$1-c2.pcap"
	check_pcap "$1: Map-Register host2 -> host1" "$1-c1" "lisp.type == 3 && ip.src == 192.168.1.252" 1 \
		'lisp.keyid=i(v) == 1' 'lisp.mapping.ttl=v == "1440"' "lisp.lcaf.iid=v == '$IID'" \
		'lisp.lcaf.iid.ipv4=v == "10.1.1.30"' 'lisp.mapping.eid.masklen=v == "32"' \
		'lisp.loc.locator=v == "192.168.1.252"' 'lisp.loc.priority=v == "1"' 'lisp.loc.weight=v == "100"'
	check_pcap "$1: Map-Notify host1 -> host2" "$1-c2" "lisp.type == 4 && ip.src == 192.168.1.249" 1 \
		'lisp.keyid=i(v) == 1' 'lisp.lcaf.iid.ipv4=v == "10.1.1.30"'
	check_pcap "$1: Map-Request (ECM) host2 -> host1 for 10.1.1.20" "$1-c1" \
		"lisp.type == 1 && lisp.lcaf.iid.ipv4 == 10.1.1.20" 1 "lisp.lcaf.iid=v == '$IID'"
	check_pcap "$1: Map-Reply host1 -> host2 for 10.1.1.20" "$1-c2" \
		"lisp.type == 2 && lisp.lcaf.iid.ipv4 == 10.1.1.20" 1 'lisp.mapping.ttl=v == "1440"' \
		'lisp.loc.locator=v == "192.168.1.249"' 'lisp.mapping.eid.masklen=v == "32"'
	# HMACs checked by Python's hmac; nonces of replies/notifies answer requests/registers.
	"$PY" "$(dirname "$0")/lisp_pcap.py" "$c1" "$KEY" >"$OV_TMP/c1.txt"
	"$PY" "$(dirname "$0")/lisp_pcap.py" "$c2" "$KEY" >"$OV_TMP/c2.txt"
	check_eq "$1: Map-Registers with a bad HMAC" "$(grep -c ' 3 .* bad$' "$OV_TMP/c1.txt" || true)" 0
	check_eq "$1: Map-Notifies with a bad HMAC" "$(grep -c ' 4 .* bad$' "$OV_TMP/c2.txt" || true)" 0
	check_eq "$1: Map-Notifies without the nonce of a Map-Register" \
		"$(awk '$2 == 4 {print $3}' "$OV_TMP/c2.txt" | grep -cvxFf <(awk '$2 == 3 {print $3}' "$OV_TMP/c1.txt") || true)" 0
	check_eq "$1: Map-Replies without the nonce of a Map-Request" \
		"$(awk '$2 == 2 {print $3}' "$OV_TMP/c2.txt" | grep -cvxFf <(awk '$2 == "8/1" {print $3}' "$OV_TMP/c1.txt") || true)" 0
	check_ge "$1: verified Map-Notifies on the wire" "$(grep -c ' 4 .* ok$' "$OV_TMP/c2.txt" || true)" 1
	pcap_no_malformed "$1-c1"
	pcap_no_malformed "$1-c2"
}

run_phase() {
	local ph=$1 extra1=$2 extra2=$3
	log "===== $ph ====="
	host_conf 192.168.1.249 u1 vm1p "$extra1" >"$OV_TMP/$ph-host1.conf"
	host_conf 192.168.1.252 u2 vm2p "$extra2" >"$OV_TMP/$ph-host2.conf"
	ip -n "$V1" neigh flush dev eth0
	ip -n "$V2" neigh flush dev eth0
	if [ "$ph" = dynamic ]; then
		cap_start "$ph-c1" "$H1" u1
		cap_start "$ph-c2" "$H2" u2
	fi
	nfva_up "$ph-host1" "$H1" "$OV_TMP/$ph-host1.conf"
	nfva_up "$ph-host2" "$H2" "$OV_TMP/$ph-host2.conf"
	local h
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

	cap_start "$ph-u1" "$H1" u1
	cap_start "$ph-u2" "$H2" u2
	check_ping "$ph: vm1 -> vm2 (10.1.1.30)" "$V1" 10.1.1.30 3
	check_ping "$ph: vm2 -> vm1 (10.1.1.20)" "$V2" 10.1.1.20 3
	cap_stop "$ph-u1"
	cap_stop "$ph-u2"

	check_eq "$ph: vm1 ARP entry for 10.1.1.30" \
		"$(ip -n "$V1" -j neigh show 10.1.1.30 | json_get "j[0]['lladdr']")" "$GW"
	check_eq "$ph: vm2 ARP entry for 10.1.1.20" \
		"$(ip -n "$V2" -j neigh show 10.1.1.20 | json_get "j[0]['lladdr']")" "$GW"
	check_eq "$ph: vm1 has no permanent ARP entry" \
		"$(ip -n "$V1" neigh show nud permanent | wc -l) $(ip -n "$V2" neigh show nud permanent | wc -l)" "0 0"
	if [ "$ph" = static ]; then
		check_eq "$ph: host1 map-cache" "$(map_cache "$ph-host1")" "10.1.1.30/32 static 192.168.1.252 None"
		check_eq "$ph: host2 map-cache" "$(map_cache "$ph-host2")" "10.1.1.20/32 static 192.168.1.249 None"
	else
		# 10.1.1.1 (the boot packets' destination) is in the site, registered by
		# nobody: negative, Natively-Forward, 1 minute.
		check_eq "$ph: host1 map-cache" "$(map_cache "$ph-host1")" \
			"10.1.1.1/32 negative - 60,10.1.1.30/32 dynamic 192.168.1.252 86400"
		check_eq "$ph: host2 map-cache" "$(map_cache "$ph-host2")" \
			"10.1.1.1/32 negative - 60,10.1.1.20/32 dynamic 192.168.1.249 86400"
		check_eq "$ph: host1 registrations" \
			"$(ctlj "$ph-host1" lisp site show | json_get '",".join("%s %s %s %s" % (r["iid"], r["eid"], r["etr"], "+".join(r["rlocs"])) for s in j for r in s["registrations"])')" \
			"$IID 10.1.1.30/32 192.168.1.252 192.168.1.252"
		check_eq "$ph: host2 registered (Map-Notify verified)" \
			"$(ctlj "$ph-host2" lisp map-server show | json_get "j[0]['registered']")" true
		local c
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
	fi
	[ "$ph" = dynamic ] && check_control "$ph"
	check_wire "$ph" "$ph-u2" 192.168.1.249 192.168.1.252 10.1.1.20 10.1.1.30
	check_wire "$ph" "$ph-u1" 192.168.1.252 192.168.1.249 10.1.1.30 10.1.1.20
	pcap_no_malformed "$ph-u1"
	pcap_no_malformed "$ph-u2"
	nfva_down_clean "$ph-host1"
	nfva_down_clean "$ph-host2"
}

run_phase static "lisp map-cache add $IID 10.1.1.30/32 rloc 192.168.1.252" \
	"lisp map-cache add $IID 10.1.1.20/32 rloc 192.168.1.249"
run_phase dynamic "$(printf '%s\n' "lisp site add seed key $KEY eid-prefix $IID 10.1.1.0/24 accept-more-specifics" \
	"lisp map-resolver add 192.168.1.249")" \
	"$(printf '%s\n' "lisp map-server add 192.168.1.249 key $KEY" "lisp map-resolver add 192.168.1.249")"
echo "PASS: test_lisp_seed"
