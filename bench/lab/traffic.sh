#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# shellcheck source-path=SCRIPTDIR
#
# Offloaded Mpps: traffic from a second port (or host) with dpdk-testpmd,
# measured on nfva's side from the rules' hardware counters (the e-switch
# forwards offloaded frames without nfva seeing them) over a window.
#
#   traffic.sh --gen-pci 0000:af:00.0 --dst-mac 02:00:00:00:10:00 [--mode txonly|pcap]
#              [--pcap FILE] [--size 64] [--seconds 10] [--gen-lcores 0-3] [--dry-run]
#
# txonly: testpmd's generator, one MAC pair, many IP flows (--txonly-multi-flow).
# pcap:   replays FILE (e.g. bench's udp64 input: 1024 MAC pairs) with io
#         forwarding from a looped net_pcap to the generator port.
set -eu -o pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

GEN_PCI='' DST_MAC='' MODE=txonly PCAP='' SIZE=64 SECONDS_=10 LCORES=0-3
options "gen-pci=GEN_PCI dst-mac=DST_MAC mode=MODE pcap=PCAP size=SIZE seconds=SECONDS_ gen-lcores=LCORES" "$@"
[ -n "$GEN_PCI" ] || die "--gen-pci is required"

eal=(-l "$LCORES" -a "$GEN_PCI" --file-prefix lab-gen --huge-unlink)
case $MODE in
txonly)
	[ -n "$DST_MAC" ] || die "--dst-mac is required with --mode txonly"
	gen=(dpdk-testpmd "${eal[@]}" -- --forward-mode=txonly --txonly-multi-flow
		--txpkts="$((SIZE - 4))" --eth-peer="0,$DST_MAC" --nb-cores=2 --txq=2 --rxq=2
		--stats-period=1) ;;
pcap)
	[ -n "$PCAP" ] || die "--pcap FILE is required with --mode pcap"
	gen=(dpdk-testpmd "${eal[@]}" --vdev "net_pcap0,rx_pcap=$PCAP,infinite_rx=1" --
		--forward-mode=io --nb-cores=1 --stats-period=1) ;;
*) die "--mode txonly|pcap" ;;
esac

hits() { "${NFVACTL:-nfvactl}" -s "$LAB_SOCK" -j offload show |
	python3 -c 'import json,sys; print(sum(r["hits"] for r in json.load(sys.stdin)))'; }

run_bg /tmp/lab-gen.log "${gen[@]}"
echo "+ sleep 3  # rules installed by the first frames of each flow"
echo "+ hits before; sleep $SECONDS_; hits after  # nfvactl -j offload show, sum of hits"
[ "$DRY_RUN" = 1 ] && exit 0
gen_pid=$BG_PID
sleep 3
h0=$(hits); t0=$(date +%s.%N)
sleep "$SECONDS_"
h1=$(hits); t1=$(date +%s.%N)
kill "$gen_pid" 2>/dev/null || true
python3 -c "print(f'offloaded: {($h1 - $h0) / ($t1 - $t0) / 1e6:.2f} Mpps over {$t1 - $t0:.1f} s')"
ctl stats
