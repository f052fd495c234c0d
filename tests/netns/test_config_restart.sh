#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test_config_restart: nothing is lost on a restart. nfva h1 starts with its
# ports only; the rest is given over the socket: the underlay, a VXLAN
# network with a VTEP and static FDB entries, a LISP network with a static
# EID, a static map-cache entry and a map-server key, a mirror session to an
# analyser port, a guest vhost-user port (random MAC) and offload settings.
# `config save` writes the startup file; SIGTERM; h1 restarts from it.
#
#   ns V1 (vm1 10.1.1.20)  ns V3 (vm3 10.2.2.20)  ns TAP (analyser, tshark)
#        eth0                   eth0                  eth0
#        vm1p                   vm3p                  tp
#   h1: uplink (e-switch emulated), vm1, vm3, tap its VFs; guest port g1
#        u1 192.168.1.249 ======= underlay ======= u2 192.168.1.252
#   h2 (the peer, never restarted): uplink, vm2 (blue), vm4 (lisp)
#        vm2p                   vm4p
#   ns V2 (vm2 10.1.1.30)  ns V4 (vm4 10.2.2.30)
#
# Before the restart and after it, the same checks:
# - ping vm1 -> vm2 (VXLAN 6000) and vm3 -> vm4 (LISP iid 1000), 3/3 each;
# - the analyser receives the 6 ICMP frames of vm1's ping (mirror m1, both
#   directions), copies made by the e-switch's SAMPLE or the slow path;
# - every offload rule names ports and networks of the configuration, is
#   offloaded, vm1's carry the mirror; exactly the VXLAN encap and decap and
#   the LISP encap and decap rules; stats offload stale 0, failures 0.
# And:
# - the saved file is mode 0600, starts with the header and holds exactly
#   `config show`; nfva --check-config accepts it;
# - after the restart `config show` is byte-identical; right after the start
#   every rule in the e-switch is one the new process installed (none
#   stale, none older than it); guest port g1
#   has the same MAC and its socket is served again.
set -eu -o pipefail
# shellcheck source=tests/lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"

netns_require
need tshark tshark
two_hosts cfr
V3=cfr-v3-$TEST_ID V4=cfr-v4-$TEST_ID TAP=cfr-tap-$TEST_ID
ns_add "$V3" "$V4" "$TAP"
veth "$V3" eth0 "$H1" vm3p
veth "$V4" eth0 "$H2" vm4p
veth "$TAP" eth0 "$H1" tp
ip -n "$V3" addr add 10.2.2.20/24 dev eth0
ip -n "$V4" addr add 10.2.2.30/24 dev eth0
VM3_MAC=$(mac_of "$V3" eth0)

cat >"$TEST_TMP/h1.conf" <<EOF
port add uplink dev $(afp 0 u1) eswitch emulated
port add vm1 dev $(afp 1 vm1p) vf-of uplink
port add vm3 dev $(afp 2 vm3p) vf-of uplink
port add tap dev $(afp 3 tp) vf-of uplink
EOF
cat >"$TEST_TMP/h2.conf" <<EOF
port add uplink dev $(afp 0 u2)
port add vm2 dev $(afp 1 vm2p)
port add vm4 dev $(afp 2 vm4p)
underlay set uplink uplink ip 192.168.1.252/24
network add blue vni 6000 encap vxlan
network blue attach vm2
network blue vtep add 192.168.1.249
network add lsp iid 1000 encap lisp
network lsp attach vm4
lisp map-cache add 1000 10.2.2.20/32 rloc 192.168.1.249
EOF
nfva_up h2 "$H2" "$TEST_TMP/h2.conf"
nfva_up h1 "$H1" "$TEST_TMP/h1.conf"

# What h1 is given over its socket.
log "configuring h1 over its socket"
while read -r -a words; do
	ctl_ok h1 "${words[@]}"
done <<EOF
underlay set uplink uplink ip 192.168.1.249/24
network add blue vni 6000 encap vxlan
network blue attach vm1
network blue vtep add 192.168.1.252
fdb add $VM2_MAC network blue vtep 192.168.1.252
fdb add $VM1_MAC network blue port vm1
network add lsp iid 1000 encap lisp
network lsp attach vm3
lisp eid add 1000 10.2.2.20 mac $VM3_MAC port vm3
lisp map-cache add 1000 10.2.2.30/32 rloc 192.168.1.252
mirror add m1 source vm1 direction both to port tap
guest port add blue vhost-user name g1 listen nfva dir $TEST_TMP/vhost
offload set idle-timeout 300
EOF
ctl_ok h1 lisp map-server add 192.168.1.252 key "s3cret key #1"

# traffic WHEN: pings both networks, the analyser's copies, the rules.
traffic() {
	local when=$1
	# vm4 announces itself to h2 (a booting VM does): h2 learns its EID.
	ip netns exec "$V4" ping -n -c 1 -W 1 10.2.2.99 >/dev/null 2>&1 || true
	cap_start "$when" "$TAP" eth0
	check_ping "$when: vm1 -> vm2 (VXLAN)" "$V1" 10.1.1.30 3
	cap_stop "$when"
	check_ping "$when: vm3 -> vm4 (LISP)" "$V3" 10.2.2.30 3
	check_eq "$when: ICMP copies at the analyser (mirror m1, both directions)" \
		"$(pcap_count "$when" "icmp && ip.addr == 10.1.1.30")" 6
	log "$when: rules"; ctl h1 offload show
	check_eq "$when: rule kinds" "$(ctlj h1 offload show | json_get "' '.join(sorted(r['kind'] for r in j))")" \
		"decap encap lisp-decap lisp-encap"
	check_eq "$when: rules naming other ports or networks, or not offloaded" "$(nrules h1 \
		"r['in'] not in ('vm1', 'vm3', 'uplink') or r['out'] not in ('vm1', 'vm3', 'uplink') \
		or r['network'] not in ('blue', 'lsp') or r['state'] != 'offloaded'")" 0
	check_eq "$when: vm1's rules without the mirror" \
		"$(nrules h1 "'vm1' in (r['in'], r['out']) and not r['mirror']")" 0
	check_eq "$when: stale rules" "$(ostat h1 stale)" 0
	check_eq "$when: offload failures" "$(ostat h1 failures)" 0
}

traffic before
G1_MAC=$(ctlj h1 guest port show g1 | json_get "j['mac']")
config_save_check h1 "$TEST_TMP/h1.conf"
grep -q '^lisp map-server add 192.168.1.252 key "s3cret key #1"$' "$TEST_TMP/h1.conf" ||
	fail "the map-server key is not written quoted"

log "restart: SIGTERM, then nfva from the saved file"
nfva_down h1
nfva_up h1 "$H1" "$TEST_TMP/h1.conf"
# Nothing from the old process: every rule in the e-switch is one this
# process installed (a frame from a VM may already have made one: vm1 is
# learned again within milliseconds of the start), none is stale.
check_eq "rules right after the restart: all installed by the new process" \
	"$(ctlj h1 stats | json_get "'%d %d' % (j['offload']['rules'], j['offload']['installs'] - j['offload']['removals'])" | awk '{print ($1 == $2) ? "yes" : "no: " $0}')" yes
check_eq "rules right after the restart: stale" "$(ctlj h1 stats | json_get "j['offload']['stale']")" 0
check_eq "rules right after the restart: none older than the process" \
	"$(rules h1 "r['age_s'] > 2")" "[]"
config_same_check h1
check_eq "guest port g1 MAC after the restart" \
	"$(ctlj h1 guest port show g1 | json_get "j['mac']")" "$G1_MAC"
[ -S "$TEST_TMP/vhost/g1.sock" ] || fail "g1's vhost-user socket is not there again"
traffic after
nfva_down h1
echo "PASS: test_config_restart"
