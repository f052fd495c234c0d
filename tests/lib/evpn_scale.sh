# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# shellcheck disable=SC2034 # INJ_*, RSS*, T_*, POLL_S: results for the caller
# The EVPN scale run, shared by tests/netns/test_evpn_scale.sh (200 VTEPs,
# 5 000 MACs) and bench/evpn_scale.sh (1 000 VTEPs, 100 000 MACs); sourced
# after netns.sh and frr.sh.
#
#   ns V1 (vm1) -- vm1p  nfva (ns H1)  u1 192.168.1.249 ==== u2 192.168.1.252 (ns H2:
#                                      the underlay gateway; tshark here)
#   ns E1: nfva's FRR + shadow nbr100/nvx100/nve100, b1 10.99.0.1
#          |  iBGP l2vpn evpn
#   ns G:  b2 10.99.0.2, nfvatest.evpn_inject: N type-3 routes (VTEPs
#          10.200.0.1 + i) and M type-2 routes (02:ee:.. + j behind VTEP j % N)
#
# The VTEPs are off the underlay subnet: nfva sends every copy through the
# gateway (one ARP), E1 routes them via G so that FRR's next hops are valid.

# evpn_scale_setup: the namespaces, E1's FRR and nfva (network blue, VNI 100).
# NFVA_UP_ARGS / EVPN_UPLINK_FRAMES size nfva for the run.
evpn_scale_setup() {
	two_hosts oes 10.1.1.20 -
	VM1_MAC=$(mac_of "$V1" eth0)
	E1=oes-e1-$TEST_ID G=oes-g-$TEST_ID
	ns_add "$E1" "$G"
	veth "$E1" b1 "$G" b2
	ip -n "$E1" addr add 10.99.0.1/30 dev b1
	ip -n "$G" addr add 10.99.0.2/30 dev b2
	ip -n "$E1" route add 10.200.0.0/16 via 10.99.0.2
	ip -n "$H2" addr add 192.168.1.252/24 dev u2
	frr_evpn_conf 10.99.0.1 10.99.0.2 >"$TEST_TMP/e1.conf"
	frr_up e1 "$E1" "$TEST_TMP/e1.conf"
	{
		echo "port add uplink dev $(afp 0 u1 "${EVPN_UPLINK_FRAMES:-512}")"
		echo "port add vm1 dev $(afp 1 vm1p)"
		echo "underlay set uplink uplink ip 192.168.1.249/24 gateway 192.168.1.252"
		echo "evpn set netns $E1"
		echo "network add blue vni 100 encap vxlan evpn"
		echo "network blue attach vm1"
	} >"$TEST_TMP/nv.conf"
	nfva_up nv "$H1" "$TEST_TMP/nv.conf"
	wait_for 10 cmd_eq "ctlj nv evpn show | json_get \"j['networks'][0]['ready']\"" true ||
		fail "the EVPN network is not ready: $(ctlj nv evpn show)"
}

rss_kib() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
# evpn_in COUNT: "MACS VTEPS" nfva holds from EVPN for blue.
evpn_in() { ctlj nv evpn show | json_get "'%d %d' % (j['networks'][0]['in']['macs'], len(j['networks'][0]['in']['vteps']))"; }
# kernel_in: "MACS VTEPS" zebra wrote on the shadow vxlan.
kernel_in() {
	bridge -n "$E1" fdb show dev nvx100 | awk '/ dst / && / self/ {
		if ($1 == "00:00:00:00:00:00") v++; else m++ } END { printf "%d %d\n", m, v }'
}
now_s() { date +%s.%N; }

# evpn_scale_inject N M: starts the injector, then polls the kernel and nfva
# until both hold M MACs and N VTEPs (or LIMIT seconds). Sets INJ_* and
# T_KERNEL / T_NFVA (seconds from the first UPDATE), POLL_S (their
# resolution), RSS0 / RSS1 (KiB).
evpn_scale_inject() {
	local n=$1 m=$2 limit=${3:-90} want t k v deadline
	want="$m $n"
	RSS0=$(rss_kib "${NFVA_PID[nv]}")
	ip netns exec "$G" "$PY" -m nfvatest.evpn_inject --local 10.99.0.2 --peer 10.99.0.1 \
		--vteps "$n" --macs "$m" --done "$TEST_TMP/inj.json" >"$TEST_TMP/inj.log" 2>&1 &
	bg_track $!
	wait_for 30 test -s "$TEST_TMP/inj.json" || fail "injector: $(cat "$TEST_TMP/inj.log")"
	INJ_T0=$(json_get "j['t_first']" <"$TEST_TMP/inj.json")
	INJ_T1=$(json_get "j['t_last']" <"$TEST_TMP/inj.json")
	INJ_RATE=$(json_get "j['rate']" <"$TEST_TMP/inj.json")
	T_KERNEL="" T_NFVA=""
	deadline=$(($(date +%s) + limit))
	# Each time is taken when its check has returned true (an upper bound; the
	# kernel's dump of M entries takes a while at full size): POLL_S is the
	# last round's length, the resolution of both.
	while [ "$(date +%s)" -lt "$deadline" ]; do
		t=$(now_s)
		[ -n "$T_NFVA" ] || { [ "$(evpn_in)" = "$want" ] && T_NFVA=$(now_s); }
		[ -n "$T_KERNEL" ] || { [ "$(kernel_in)" = "$want" ] && T_KERNEL=$(now_s); }
		POLL_S=$(awk "BEGIN {printf \"%.2f\", $(now_s) - $t}")
		[ -n "$T_KERNEL" ] && [ -n "$T_NFVA" ] && break
		sleep 0.2
	done
	RSS1=$(rss_kib "${NFVA_PID[nv]}")
	k=$(kernel_in) v=$(evpn_in)
	log "injector: $(cat "$TEST_TMP/inj.json"); kernel $k, nfva $v (want $want); poll round $POLL_S s"
	[ -n "$T_KERNEL" ] && T_KERNEL=$(awk "BEGIN {printf \"%.2f\", $T_KERNEL - $INJ_T0}")
	[ -n "$T_NFVA" ] && T_NFVA=$(awk "BEGIN {printf \"%.2f\", $T_NFVA - $INJ_T0}")
	check_eq "zebra: MACs and VTEPs on the shadow vxlan" "$k" "$want"
	check_eq "nfva evpn show: MACs and VTEPs in" "$v" "$want"
}

# evpn_scale_check_tables N M: network show and fdb show agree with evpn show.
evpn_scale_check_tables() {
	check_eq "network show: flood list, all origin evpn" \
		"$(ctlj nv network show blue | json_get "'%d %d' % (len(j[0]['overlay']['flood']), sum(f['origin'] == ['evpn'] for f in j[0]['overlay']['flood']))")" \
		"$1 $1"
	check_eq "fdb show: entries of type evpn" \
		"$(ctlj nv fdb show network blue | json_get "sum(e['type'] == 'evpn' for e in j)")" "$2"
	check_eq "evpn show: netlink errors" "$(ctlj nv evpn show | json_get "j['counters']['nl_errors']")" 0
}

# evpn_scale_traffic N M SAMPLE: SAMPLE unicast frames from vm1 to MACs spread
# over the set, and one broadcast; tshark on the gateway's side of the
# underlay: each unicast is one VXLAN frame (VNI 100) to its MAC's VTEP, the
# broadcast is N copies, one to each VTEP. Sets FLOOD_COPIES.
evpn_scale_traffic() {
	local n=$1 m=$2 s=$3 want got
	"$PY" -m nfvatest.evpn_inject --vteps "$n" --macs "$m" --sample "$s" >"$TEST_TMP/sample.txt"
	# The gateway's ARP first (the first copy would wait for it).
	ip netns exec "$V1" arping -c 1 -w 1 -U -I eth0 10.1.1.20 >/dev/null 2>&1 || true
	wait_for 10 cmd_eq "ctlj nv neigh show | json_get \"int(any(e['ip'] == '192.168.1.252' and e['lladdr'] for e in j))\"" 1 ||
		log "gateway not resolved yet: $(ctlj nv neigh show)"
	cap_start ul "$H2" u2 60
	ip netns exec "$V1" "$PY" -c "
import sys
from scapy.all import Ether, IP, UDP, sendp
frames = [Ether(src='$VM1_MAC', dst=l.split()[0]) / IP(src='10.1.1.20', dst='10.1.1.99') / UDP(sport=5000, dport=5001)
          for l in open('$TEST_TMP/sample.txt')]
sendp(frames, iface='eth0', inter=0.01, verbose=False)
sendp(Ether(src='$VM1_MAC', dst='ff:ff:ff:ff:ff:ff') / IP(src='10.1.1.20', dst='10.1.1.255') / UDP(sport=5000, dport=5002), iface='eth0', verbose=False)"
	sleep 1
	cap_stop ul
	want=$(awk '{print $1, $2, 100}' "$TEST_TMP/sample.txt" | sort)
	# "INNER_DST VTEP VNI": eth.dst's last occurrence is the inner header.
	got=$(tshark -n -r "$TEST_TMP/ul.pcap" -Y "vxlan && udp.dstport == 5001" -T fields \
		-E separator=' ' -E occurrence=a -E aggregator=, -e eth.dst -e ip.dst -e vxlan.vni \
		2>/dev/null | awk '{n = split($1, e, ","); split($2, i, ","); print e[n], i[1], $3}' | sort)
	check_eq "unicast to $s sampled MACs: one VXLAN frame each, to its VTEP, VNI 100" "$got" "$want"
	FLOOD_COPIES=$(pcap_fields ul "vxlan && udp.dstport == 5002 && vxlan.vni == 100" ip.dst | sort -u | wc -l)
	check_eq "broadcast flooded: copies, total" "$(pcap_count ul "vxlan && udp.dstport == 5002")" "$n"
	check_eq "broadcast flooded: distinct VTEPs" "$FLOOD_COPIES" "$n"
}
