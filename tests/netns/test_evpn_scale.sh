#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test_evpn_scale: the CI form of the EVPN scale run (issue 15): a BGP speaker
# (nfvatest.evpn_inject) injects 200 VTEPs (type-3) and 5 000 MACs (type-2,
# spread over the VTEPs) into nfva's FRR; topology in tests/lib/evpn_scale.sh.
# Checks:
# 1. zebra writes them all on the shadow vxlan, and nfva mirrors them all:
#    evpn show (in: MACs, VTEPs), network show (flood list of 200 VTEPs,
#    origin evpn), fdb show (5 000 entries of type evpn); no netlink error;
# 2. traffic: frames from vm1 to 20 MACs spread over the set are each one
#    VXLAN frame (VNI 100) to that MAC's VTEP on the underlay (tshark), and a
#    broadcast is 200 copies, one to each VTEP.
# Prints the times from the first UPDATE (kernel, nfva), the rate and nfva's RSS.
set -eu -o pipefail
# shellcheck source=tests/lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"
# shellcheck source=tests/lib/frr.sh
. "$(dirname "$0")/../lib/frr.sh"
# shellcheck source=tests/lib/evpn_scale.sh
. "$(dirname "$0")/../lib/evpn_scale.sh"

netns_require
frr_require
need tshark tshark
N=200 M=5000

evpn_scale_setup
evpn_scale_inject $N $M 60
log "installed: zebra ${T_KERNEL} s, nfva ${T_NFVA} s after the first UPDATE; injector $INJ_RATE routes/s"
evpn_scale_check_tables $N $M
evpn_scale_traffic $N $M 20
echo "figures: N=$N M=$M zebra=${T_KERNEL}s nfva=${T_NFVA}s" \
	"rate=$(awk "BEGIN {printf \"%d\", ($N + $M) / $T_NFVA}") routes/s" \
	"rss ${RSS0} -> ${RSS1} KiB; flood copies $FLOOD_COPIES"
nfva_down nv
