#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# bench/evpn_scale.sh: the EVPN scale run of issue 15 at full size. A BGP
# speaker (tests/lib/nfvatest/evpn_inject.py) injects N VTEPs (type-3) and M
# MACs (type-2 spread over them) into nfva's FRR; prints the time from the
# first UPDATE until zebra has written them all on the shadow vxlan and until
# nfva holds them all (evpn show, network show, fdb show), the install rate,
# nfva's RSS before and after, and checks the encapsulation of 20 sampled
# MACs and a broadcast flooded to the N VTEPs (tshark on the underlay).
# Same topology and checks as tests/netns/test_evpn_scale.sh (tests/lib/evpn_scale.sh).
#
#   sudo bash bench/evpn_scale.sh [N [M]]      # default 1000 100000; builds from build/
#   sudo NFVA=DIR/nfva NFVACTL=DIR/nfvactl bash bench/evpn_scale.sh
#   EVPN_SCALE_JSON=FILE: the figures also as one JSON object (bench/run.sh --evpn-scale)
set -eu -o pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
export NFVA=${NFVA:-$ROOT/build/nfva} NFVACTL=${NFVACTL:-$ROOT/build/nfvactl}
# shellcheck source=tests/lib/netns.sh
. "$ROOT/tests/lib/netns.sh"
# shellcheck source=tests/lib/frr.sh
. "$ROOT/tests/lib/frr.sh"
# shellcheck source=tests/lib/evpn_scale.sh
. "$ROOT/tests/lib/evpn_scale.sh"

N=${1:-1000} M=${2:-100000}
netns_require
frr_require
need tshark tshark
# Room for M remote MACs, and an af_packet TX ring that takes a flood of N copies.
NFVA_UP_ARGS=(--fdb-entries $((M * 2 > 65536 ? M * 2 : 65536)) --mbufs 16383)
EVPN_UPLINK_FRAMES=4096
evpn_scale_setup
evpn_scale_inject "$N" "$M" 600
evpn_scale_check_tables "$N" "$M"
evpn_scale_traffic "$N" "$M" 20
inj=$(awk "BEGIN {printf \"%.2f\", $INJ_T1 - $INJ_T0}")
z_rate=$(awk "BEGIN {printf \"%d\", ($N + $M) / $T_KERNEL}")
n_rate=$(awk "BEGIN {printf \"%d\", ($N + $M) / $T_NFVA}")
cat <<END
EVPN scale: N=$N VTEPs, M=$M MACs ($((N + M)) routes)
  injector: all UPDATEs sent in $inj s ($INJ_RATE routes/s)
  zebra:    all on the shadow vxlan after $T_KERNEL s ($z_rate routes/s)
  nfva:     all in evpn show after $T_NFVA s ($n_rate routes/s)
            (times: when the poll saw them all; one poll round took $POLL_S s)
  nfva RSS: $RSS0 KiB before, $RSS1 KiB after (+$((RSS1 - RSS0)) KiB)
  traffic:  20 sampled MACs each to its VTEP (VNI 100); a broadcast -> $FLOOD_COPIES copies
END
# For bench/run.sh --evpn-scale: the same figures as JSON.
if [ -n "${EVPN_SCALE_JSON:-}" ]; then
	printf '{"vteps": %d, "macs": %d, "routes": %d, "injector_s": %s, "injector_routes_per_s": %s, "zebra_s": %s, "zebra_routes_per_s": %d, "nfva_s": %s, "nfva_routes_per_s": %d, "poll_s": %s, "rss_before_kib": %d, "rss_after_kib": %d, "sampled_macs": 20, "flood_copies": %d}\n' \
		"$N" "$M" $((N + M)) "$inj" "$INJ_RATE" "$T_KERNEL" "$z_rate" "$T_NFVA" "$n_rate" \
		"$POLL_S" "$RSS0" "$RSS1" "$FLOOD_COPIES" >"$EVPN_SCALE_JSON"
fi
nfva_down nv
