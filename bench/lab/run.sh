#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# shellcheck source-path=SCRIPTDIR
#
# The hardware lab sequence (see README.md beside this file): switchdev setup,
# nfva on the PF and its VF representors, offloaded Mpps from a traffic
# generator port, rule insertion (nfva, then dpdk-test-flow-perf as the
# peer), first-packet latency.
#
#   run.sh --pf ens1f0 --gen-pci 0000:af:00.0 [--pci 0000:3b:00.0] [--vfs 2]
#          [--overlay none|vxlan|gre] [--nfva PATH] [--dry-run]
set -eu -o pipefail
LAB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
# shellcheck source=lib.sh
. "$LAB/lib.sh"

PF='' PCI='' GEN_PCI='' VFS=2 OVERLAY=none NFVA_BIN=${NFVA:-nfva}
options "pf=PF pci=PCI gen-pci=GEN_PCI vfs=VFS overlay=OVERLAY nfva=NFVA_BIN" "$@"
[ -n "$PF" ] && [ -n "$GEN_PCI" ] || die "--pf and --gen-pci are required"
[ -n "$PCI" ] || PCI=$(pci_of "$PF")
PCAPS=/tmp/nfva-lab-pcaps
# gen_inputs.py: bench/nfvabench and the helpers it shares with the tests
BENCH=$(dirname "$LAB")
PYTHONPATH="$BENCH:$(dirname "$BENCH")/tests/lib${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONPATH

echo "## 1. switchdev"
bash "$LAB/setup_switchdev.sh" --pf "$PF" --pci "$PCI" --vfs "$VFS" "${DRY[@]}"
echo "## 2. inputs (bench's generator: udp64 = 1024 MAC pairs, learn1m = 1 M sources)"
run mkdir -p "$PCAPS"
run /usr/bin/python3 "$LAB/gen_inputs.py" "$PCAPS" udp64 learn1m
echo "## 3. nfva on $PCI with $VFS representors"
bash "$LAB/start_nfva.sh" --pci "$PCI" --vfs "$VFS" --overlay "$OVERLAY" --nfva "$NFVA_BIN" "${DRY[@]}"
echo "## 4. offloaded Mpps (one MAC pair, then 1024)"
bash "$LAB/traffic.sh" --gen-pci "$GEN_PCI" --dst-mac "$(vf_mac 0)" "${DRY[@]}"
bash "$LAB/traffic.sh" --gen-pci "$GEN_PCI" --mode pcap --pcap "$PCAPS/udp64.pcap" "${DRY[@]}"
echo "## 5. rule insertion: nfva"
bash "$LAB/rules.sh" nfva --gen-pci "$GEN_PCI" --pcap "$PCAPS/learn1m.pcap" \
	--vf-mac "$(vf_mac 0)" "${DRY[@]}"
echo "## 6. first-packet latency"
bash "$LAB/first_packet.sh" --pf "$PF" "${DRY[@]}"
echo "## 7. stop nfva; the peer: dpdk-test-flow-perf on the same PF"
run pkill -TERM -f -- "--file-prefix nfva-lab"
bash "$LAB/rules.sh" flowperf --pci "$PCI" "${DRY[@]}"
