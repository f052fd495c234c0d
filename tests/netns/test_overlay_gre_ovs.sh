#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test_gre_ovs: L2 GRE (key 5001) between nfva and Open vSwitch's userspace
# datapath (datapath_type=netdev, native tunnelling), both directions. OVS runs
# privately in its own namespace: its own ovsdb-server, ovs-vswitchd, database
# and sockets under the test's temporary directory (no system service used).
#
#   ns V1 (vm1 10.1.1.20)                       ns V2 (vm2 10.1.1.30)
#        eth0                                        eth0
#         |                                           |
#        vm1p                                        vm2p (system port)
#   net_af_packet1: port vm1                  br-int (netdev) -- gre0: type=gre
#   nfva, network blue (gre, key 5001)          remote_ip=192.168.1.249, key=5001
#   net_af_packet0: port uplink               br-phy (netdev), LOCAL tap
#        |                                      192.168.1.252, hwaddr 02:00:00:00:02:52
#        u1 192.168.1.249 ====== veth ====== u2 (system port of br-phy)
#   ---- ns H1 ---------------                ---- ns H2: ovsdb-server + ovs-vswitchd
#
# OVS learns nfva's MAC with `ovs-appctl tnl/neigh/set` and routes to it with
# `ovs/route/add`; nfva resolves 192.168.1.252 by ARP (answered by br-phy).
# Before: empty FDB, zero counters. After:
# - ping vm1 <-> vm2 both ways, 3/3 each;
# - nfva FDB is exactly {vm1 -> port vm1, vm2 -> vtep 192.168.1.252}; its
#   neighbour 192.168.1.252 is reachable with br-phy's MAC; no drops;
# - OVS `fdb/show br-int` has vm1's MAC behind the gre0 port;
# - tshark on u2, each direction: exactly 6 inner ICMP frames; gre.flags.key
#   == 1, gre.key == 5001, gre.proto == 0x6558, TTL 64; OVS sets DF, nfva
#   (df off) does not; nothing malformed, no bad checksum.
set -eu -o pipefail
# shellcheck source=tests/lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"

netns_require
need tshark tshark

two_hosts oos
# Only br-phy (which has the address) answers ARP for 192.168.1.252, not the
# kernel behind the u2 port.
ip netns exec "$H2" sysctl -qw net.ipv4.conf.all.arp_ignore=1

BRPHY_MAC=02:00:00:00:02:52

# --- Open vSwitch, private instance in H2 ------------------------------------
ovs_up "$H2"
ovs_phy_bridge u2 192.168.1.252/24 "$BRPHY_MAC"
"${VSCTL[@]}" add-br br-int -- set bridge br-int datapath_type=netdev \
	-- add-port br-int vm2p \
	-- add-port br-int gre0 -- set interface gre0 type=gre \
		options:remote_ip=192.168.1.249 options:key=5001
appctl tnl/neigh/set br-phy 192.168.1.249 "$U1_MAC" >/dev/null
appctl ovs/route/add 192.168.1.249/32 br-phy >/dev/null
"${VSCTL[@]}" show
appctl dpif/show
GRE_OFPORT=$("${VSCTL[@]}" get interface gre0 ofport)
check_eq "OVS gre0 interface type" "$("${VSCTL[@]}" get interface gre0 type)" gre
check_eq "OVS tunnel neighbour 192.168.1.249" \
	"$(appctl tnl/neigh/show | awk '$1 == "192.168.1.249" { print $2 }')" "$U1_MAC"

# --- nfva in H1 ------------------------------------------------------------------
CONF="$TEST_TMP/nfva.conf"
{ uplink_conf u1 192.168.1.249/24 vm1=vm1p; cat <<EOF; } >"$CONF"
network add blue vni 5001 encap gre
network blue attach vm1
network blue vtep add 192.168.1.252
EOF
cap_start ovs "$H2" u2
nfva_up nfva "$H1" "$CONF"

# --- before ------------------------------------------------------------------------
check_eq "nfva fdb entries before" "$(ctlj nfva fdb summary | json_get "j['entries']")" 0
check_eq "nfva vm1 rx_packets before" "$(port_counter nfva vm1 rx_packets)" 0
check_eq "nfva uplink learned before" "$(port_counter nfva uplink learned)" 0
check_eq "OVS br-int fdb entries before" "$(appctl fdb/show br-int | tail -n +2 | wc -l)" 0

# --- traffic -----------------------------------------------------------------------
check_ping "vm1 (nfva) -> vm2 (OVS) 10.1.1.30" "$V1" 10.1.1.30 3
check_ping "vm2 (OVS) -> vm1 (nfva) 10.1.1.20" "$V2" 10.1.1.20 3

# --- after -------------------------------------------------------------------------
echo "nfva: fdb show"; ctl nfva fdb show
check_eq "nfva fdb (mac port vtep type)" \
	"$(ctlj nfva fdb show | json_get '",".join(sorted("%s %s %s %s" % (e["mac"].lower(),
		e["port"], e["vtep"], e["type"]) for e in j))')" \
	"$(printf '%s\n' "$VM1_MAC vm1 None dynamic" "$VM2_MAC uplink 192.168.1.252 dynamic" |
		sort | paste -sd, -)"
check_eq "nfva uplink learned" "$(port_counter nfva uplink learned)" 1
check_eq "nfva neigh 192.168.1.252 state" "$(neigh_field nfva 192.168.1.252 state)" reachable
check_eq "nfva neigh 192.168.1.252 lladdr (br-phy)" \
	"$(neigh_field nfva 192.168.1.252 lladdr | tr A-F a-f)" "$BRPHY_MAC"
check_eq "nfva uplink drops" "$(port_drops nfva uplink)" "{}"
check_eq "nfva vm1 drops" "$(port_drops nfva vm1)" "{}"
echo "OVS: fdb/show br-int"; appctl fdb/show br-int
check_eq "OVS br-int: port of vm1's MAC (gre0 is ofport $GRE_OFPORT)" \
	"$(appctl fdb/show br-int | awk -v m="$VM1_MAC" '$3 == m { print $1 }')" "$GRE_OFPORT"

cap_stop ovs
f_nfva="ip.src == 192.168.1.249 && ip.dst == 192.168.1.252 && gre"
f_ovs="ip.src == 192.168.1.252 && ip.dst == 192.168.1.249 && gre"
gre_ok=('gre.flags.key=v in ("1", "True")' 'gre.key=i(v) == 5001' 'gre.proto=i(v) == 0x6558'
	'ip.ttl=v == "64"')
check_pcap "nfva -> OVS GRE" ovs "$f_nfva" 6 "${gre_ok[@]}" 'ip.flags.df=v in ("0", "False")' \
	"eth.dst=v == '$BRPHY_MAC'"
check_pcap "OVS -> nfva GRE" ovs "$f_ovs" 6 "${gre_ok[@]}" 'ip.flags.df=v in ("1", "True")' \
	"eth.dst=v == '$U1_MAC'"
check_eq "nfva -> OVS GRE: inner ICMP frames" "$(pcap_count ovs "$f_nfva && icmp")" 6
check_eq "OVS -> nfva GRE: inner ICMP frames" "$(pcap_count ovs "$f_ovs && icmp")" 6
pcap_no_malformed ovs

nfva_down nfva
echo "PASS: test_gre_ovs"
