#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test_lisp_offload: the seed "LISP between two hosts" with both uplinks
# owning an emulated e-switch and the VM ports its VFs: steady-state LISP
# traffic is carried by e-switch rules (RAW_DECAP Ethernet + RAW_ENCAP
# IPv4/UDP/LISP one way, RAW_DECAP 50 + RAW_ENCAP Ethernet the other), and
# the rules follow the map-cache.
#
#   ns V1 (vm1 10.1.1.20/24)                       ns V2 (vm2 10.1.1.30/24)
#        eth0                                           eth0
#        vm1p: port vm1 vf-of uplink                    vm2p: port vm1 vf-of uplink
#   nfva host1, lan iid 1000 lisp, e-switch        nfva host2, same
#        u1: port uplink eswitch emulated               u2: port uplink eswitch emulated
#        192.168.1.249 ====== veth (underlay) ====== 192.168.1.252
#
# 1. Static map-cache entries; pings both ways until each host has its
#    lisp-encap and lisp-decap rules offloaded.
# 2. 20 pings vm1 -> vm2: every request and reply is carried by rules on
#    both hosts (VM ports' slow path rx +0; the four rules' hits +20 each);
#    on the wire (u2) 40 LISP data frames, I bit and instance ID 1000, N
#    clear (a rule cannot draw a nonce per packet), UDP source port in
#    49152-65535, outer TTL 64, inner addresses the VMs; nothing malformed.
# 3. Map-cache changes on host1, each applied when the command returns:
#    a second RLOC with the same priority (flows shared by weight: no rule
#    can do that) removes the encap rule; priority 5 for it leaves .252 the
#    only best RLOC: the next pings bring the rule back and run in it; the
#    entry deleted removes it again.
# 4. The EID moves away (lisp eid del): the decap rule toward it goes.
set -eu -o pipefail
. "$(dirname "$0")/../overlay/lib.sh"

ov_require
ov_need tshark tshark

H1=lso-h1-$OV_ID H2=lso-h2-$OV_ID V1=lso-v1-$OV_ID V2=lso-v2-$OV_ID
ns_add "$H1" "$H2" "$V1" "$V2"
veth "$H1" u1 "$H2" u2
veth "$V1" eth0 "$H1" vm1p
veth "$V2" eth0 "$H2" vm2p
ip -n "$V1" addr add 10.1.1.20/24 dev eth0
ip -n "$V2" addr add 10.1.1.30/24 dev eth0
IID=1000

# host_conf LOCAL_IP UPLINK_IF VM_IF PEER_EID PEER_RLOC
host_conf() {
	cat <<-EOF
		port add uplink dev $(afp 0 "$2") eswitch emulated
		port add vm1 dev $(afp 1 "$3") vf-of uplink
		underlay set uplink uplink ip $1/24
		network add lan iid $IID encap lisp
		network lan attach vm1
		offload set idle-timeout 300
		lisp map-cache add $IID $4/32 rloc $5
	EOF
}
host_conf 192.168.1.249 u1 vm1p 10.1.1.30 192.168.1.252 >"$OV_TMP/host1.conf"
host_conf 192.168.1.252 u2 vm2p 10.1.1.20 192.168.1.249 >"$OV_TMP/host2.conf"
nfva_up host1 "$H1" "$OV_TMP/host1.conf"
nfva_up host2 "$H2" "$OV_TMP/host2.conf"
for h in host1 host2; do
	check_eq "$h caps: lisp-encap lisp-decap" "$(ctlj "$h" offload show caps |
		json_get "' '.join(c['support'] for c in j if c['shape'] in ('lisp-encap', 'lisp-decap'))")" \
		"offloaded offloaded"
done

# nrules HOST KIND: offloaded rules of that kind
nrules() {
	ctlj "$1" offload show | json_get "len([r for r in j if r['kind'] == '$2' and r['state'] == 'offloaded'])"
}
hits() { ctlj "$1" offload show | json_get "sum(r['hits'] for r in j if r['kind'] == '$2')"; }
# hits_delta HOST KIND BEFORE
hits_delta() { echo $(($(hits "$1" "$2") - $3)); }
cmd_eq() { [ "$(eval "$1")" = "$2" ]; }
rules_ready() {
	[ "$(nrules host1 lisp-encap) $(nrules host1 lisp-decap) $(nrules host2 lisp-encap) $(nrules host2 lisp-decap)" = "1 1 1 1" ]
}

log "1. pings until both hosts carry the flows in rules"
ping_rx "$V1" 10.1.1.1 1 -W 1 >/dev/null
ping_rx "$V2" 10.1.1.1 1 -W 1 >/dev/null
for k in $(seq 20); do
	ping_rx "$V1" 10.1.1.30 1 >/dev/null
	wait_for 1 rules_ready && break
done
rules_ready || fail "rules not in place: host1 $(ctl host1 offload show) host2 $(ctl host2 offload show)"
check_eq "host1 encap rule EIDs" "$(ctlj host1 offload show | json_get "[r['eid'] for r in j if r['kind'] == 'lisp-encap'][0]")" \
	"10.1.1.20 -> 10.1.1.30"
check_eq "host1 decap rule EID and RLOC" "$(ctlj host1 offload show | json_get "[r['eid'] + ' ' + r['vtep'] for r in j if r['kind'] == 'lisp-decap'][0]")" \
	"10.1.1.20 192.168.1.252"
check_ge "testpmd dump: raw item after udp 4341" \
	"$(ctlj host1 offload dump testpmd | json_get "j.count('udp dst is 4341 / raw')")" 1

log "2. steady state: the e-switches carry it all"
rx1=$(port_counter host1 vm1 rx_packets) rx2=$(port_counter host2 vm1 rx_packets)
up1=$(port_counter host1 uplink rx_packets)
he1=$(hits host1 lisp-encap) hd1=$(hits host1 lisp-decap)
he2=$(hits host2 lisp-encap) hd2=$(hits host2 lisp-decap)
# Each side captures what it receives (af_packet's own transmissions bypass it).
cap_start wire "$H2" u2
cap_start back "$H1" u1
check_ping "vm1 -> vm2 (10.1.1.30)" "$V1" 10.1.1.30 20
cap_stop wire
cap_stop back
check_eq "host1 vm1 slow path rx delta" "$(($(port_counter host1 vm1 rx_packets) - rx1))" 0
check_eq "host2 vm1 slow path rx delta" "$(($(port_counter host2 vm1 rx_packets) - rx2))" 0
check_eq "host1 uplink slow path rx delta" "$(($(port_counter host1 uplink rx_packets) - up1))" 0
check_eq_wait "host1 lisp-encap hits delta" 20 hits_delta host1 lisp-encap "$he1"
check_eq_wait "host1 lisp-decap hits delta" 20 hits_delta host1 lisp-decap "$hd1"
check_eq_wait "host2 lisp-encap hits delta" 20 hits_delta host2 lisp-encap "$he2"
check_eq_wait "host2 lisp-decap hits delta" 20 hits_delta host2 lisp-decap "$hd2"
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

log "3. the encap rule follows the map-cache"
ctl host1 lisp map-cache add $IID 10.1.1.30/32 rloc 192.168.1.253 >/dev/null
check_eq "encap rules right after a second best RLOC" "$(nrules host1 lisp-encap)" 0
ctl host1 lisp map-cache add $IID 10.1.1.30/32 rloc 192.168.1.253 priority 5 >/dev/null
for k in $(seq 10); do
	ping_rx "$V1" 10.1.1.30 1 >/dev/null
	wait_for 1 cmd_eq "nrules host1 lisp-encap" 1 && break
done
check_eq "encap rule back once .252 is the only best RLOC" "$(nrules host1 lisp-encap)" 1
check_eq "it encapsulates to" "$(ctlj host1 offload show | json_get "[r['vtep'] for r in j if r['kind'] == 'lisp-encap'][0]")" \
	192.168.1.252
he1=$(hits host1 lisp-encap)
check_ping "vm1 -> vm2 through the new rule" "$V1" 10.1.1.30 5
check_eq_wait "host1 lisp-encap hits delta" 5 hits_delta host1 lisp-encap "$he1"
ctl host1 lisp map-cache del $IID 10.1.1.30/32 >/dev/null
check_eq "encap rules right after the entry is deleted" "$(nrules host1 lisp-encap)" 0

log "4. the decap rule follows the EID table"
ctl host1 lisp eid del $IID 10.1.1.20 >/dev/null
check_eq "decap rules right after the EID is deleted" "$(nrules host1 lisp-decap)" 0

nfva_down host1
nfva_down host2
echo "PASS: test_lisp_offload"
