#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# shellcheck source-path=SCRIPTDIR
#
# Rule insertion into the NIC's e-switch: nfva's rate and latency, and the
# peer figure from dpdk-test-flow-perf on the same NIC (run it while nfva is
# stopped: both want the PF).
#
#   rules.sh nfva     --gen-pci ADDR --pcap FILE --vf-mac MAC [--seconds 20] [--dry-run]
#   rules.sh flowperf --pci ADDR [--rules 1000000] [--dry-run]
#
# nfva: FILE holds frames from many source MACs to --vf-mac (a static entry on
# vf0); each (source, destination) pair is one decision, one rule. The offload
# counters (installs, install_us_avg/max) are sampled every 100 ms; rules/s is
# the best 1 s slope, latency the rules' install_us (p50/p99 over all rules).
set -eu -o pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

WHAT=${1:-}; shift || true
GEN_PCI='' PCAP='' VF_MAC='' SECS=20 PCI='' RULES=1000000
options "gen-pci=GEN_PCI pcap=PCAP vf-mac=VF_MAC seconds=SECS pci=PCI rules=RULES" "$@"

case $WHAT in
flowperf)
	[ -n "$PCI" ] || die "--pci is required"
	run dpdk-test-flow-perf -l 0-1 -a "$PCI,representor=vf0" --file-prefix lab-flowperf \
		--huge-unlink -- --transfer --ether --port-id --rules-count="$RULES" \
		--rules-batch=100000 --deletion-rate --dump-socket-mem
	;;
nfva)
	[ -n "$GEN_PCI" ] && [ -n "$PCAP" ] && [ -n "$VF_MAC" ] || die "--gen-pci, --pcap, --vf-mac"
	ctl fdb add "$VF_MAC" network lab port vf0
	ctl offload flush
	run_bg /tmp/lab-gen.log dpdk-testpmd -l 0-1 -a "$GEN_PCI" --file-prefix lab-gen --huge-unlink \
		--vdev "net_pcap0,rx_pcap=$PCAP" -- --forward-mode=io --nb-cores=1 --auto-start \
		--stats-period=5
	echo "+ every 0.1 s for $SECS s: nfvactl -j stats  # offload.installs"
	echo "+ nfvactl -j offload show  # install_us of every rule"
	[ "$DRY_RUN" = 1 ] && exit 0
	for ((i = 0; i < SECS * 10; i++)); do
		echo "$(date +%s.%N) $("${NFVACTL:-nfvactl}" -s "$LAB_SOCK" -j stats |
			python3 -c 'import json,sys; print(json.load(sys.stdin)["offload"]["installs"])')"
		sleep 0.1
	done >/tmp/lab-installs.txt
	"${NFVACTL:-nfvactl}" -s "$LAB_SOCK" -j offload show >/tmp/lab-rules.json
	python3 - <<'PY'
import json, statistics
s = [tuple(map(float, l.split())) for l in open("/tmp/lab-installs.txt")]
best = max(((b[1] - a[1]) / (b[0] - a[0]) for a in s for b in s if 0.9 <= b[0] - a[0] <= 1.1),
           default=0)
us = sorted(r["install_us"] for r in json.load(open("/tmp/lab-rules.json"))
            if r["state"] == "offloaded")
q = statistics.quantiles(us, n=100) if len(us) > 1 else [0] * 99
print(f"rules installed: {int(s[-1][1])}, best 1 s: {best:,.0f} rules/s, "
      f"install_us p50 {q[49]:.0f} p99 {q[98]:.0f} max {us[-1] if us else 0}")
PY
	;;
*) die "usage: rules.sh nfva|flowperf [options]" ;;
esac
