#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The nfva benchmark (`make bench`): dpdk-testpmd's io ceiling, nfva and
# Open vSwitch DPDK measured side by side, in one run, on the same vdevs and
# the same forwarding core. See bench/README.md and docs/performance.md.
#
#   bash bench/run.sh [--reps N] [--window S] [--warmup S] [--only a,b] [--no-ovs]
#                     [--no-micro] [--no-rt] [--hugepages auto|on|off]
#                     [--build DIR] [--out DIR] [--no-install] [--smoke] [--workers N]
#
#   --smoke   CI: a few seconds: every scenario file parses and renders, then one
#             repetition of testpmd and two nfva scenarios (l2-known, mirror-l2),
#             no installs, no hugepages; checks only that the table and the
#             JSON are well formed. Exit 77 (skip) without dpdk-testpmd.
#
#   --workers N  N forwarding lcores for nfva and testpmd on an input of N rx
#             queues (scaling rows; OVS left out); default 1.
#
#   --micro a,b  microbenchmarks among fdb,unit,flood-vteps,map-cache (default all);
#             --micro-only skips the scenarios. --evpn-scale N,M also runs
#             bench/evpn_scale.sh N M (netns, FRR) for the EVPN install rate.
#
# Outputs: a table on stdout; bench/results/<date>/{results.json,table.txt,
# table.md,mpps.png} (bench/results/latest points at the newest run).
set -eu -o pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
PY=/usr/bin/python3   # Debian's interpreter (a python3 earlier on PATH may lack modules)
# nfvabench, and the pcap/frame helpers it shares with the tests (tests/lib/nfvatest)
PYTHONPATH="$BENCH_DIR:$(dirname "$BENCH_DIR")/tests/lib${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONPATH

smoke=0 install=1 huge=auto
args=()
while [ $# -gt 0 ]; do
	case $1 in
	--smoke) smoke=1; args+=("$1") ;;
	--no-install) install=0 ;;
	--hugepages) huge=$2; args+=("$1" "$2"); shift ;;
	--build|--out) args+=("$1" "$(realpath -m -- "$2")"); shift ;;  # the harness runs in bench/
	-h|--help) sed -n '3,25p' "$0"; exec "$PY" -m nfvabench.main --help ;;
	*) args+=("$1") ;;
	esac
	shift
done

if [ "$smoke" = 1 ]; then
	command -v dpdk-testpmd >/dev/null || { echo "SKIP: dpdk-testpmd is not installed"; exit 77; }
	[ -x "$PY" ] || { echo "SKIP: $PY is missing"; exit 77; }
	exec "$PY" "$BENCH_DIR/smoke_check.py" "${args[@]}"
fi

[ "$(id -u)" -eq 0 ] || { echo "bench: needs root (hugepages, network namespaces, SCHED_FIFO)" >&2; exit 1; }

# --- what the benchmark needs, from Debian's archive -------------------------
if [ "$install" = 1 ]; then
	need=()
	for p in dpdk-dev openvswitch-switch-dpdk gnuplot-nox; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || need+=("$p")
	done
	if [ ${#need[@]} -gt 0 ]; then
		echo "bench: installing ${need[*]}"
		export DEBIAN_FRONTEND=noninteractive
		apt-get update -qq
		apt-get install -y -qq --no-install-recommends "${need[@]}"
	fi
fi

# --- hugepages: 2 MiB pages on /dev/hugepages, restored afterwards ------------
# 2560 pages (5 GiB): 1 GiB per DPDK process, and the FDB microbenchmark's
# pool of 1.1 M mbufs (its looped input holds a million frames).
HUGE_WANT=${BENCH_HUGEPAGES:-2560}
nr=/proc/sys/vm/nr_hugepages
old_nr=$(cat $nr)
# shellcheck disable=SC2317 # called by the EXIT trap
restore() { [ "$(cat "$nr")" = "$old_nr" ] || echo "$old_nr" >"$nr" 2>/dev/null || true; }
if [ "$huge" != off ]; then
	mkdir -p /dev/hugepages
	mountpoint -q /dev/hugepages || mount -t hugetlbfs nodev /dev/hugepages || true
	if [ "$old_nr" -lt "$HUGE_WANT" ]; then
		trap restore EXIT
		echo "$HUGE_WANT" >$nr || true
	fi
	echo "bench: hugepages $(grep HugePages_Free /proc/meminfo | awk '{print $2}') free of $(cat $nr)"
fi

# The harness and everything it starts run on CPU 0; the systems under test
# pin their own forwarding thread on CPU 1 (EAL -l 0,1, OVS pmd-cpu-mask=0x2).
cd "$BENCH_DIR"
rc=0
taskset -c 0 "$PY" -m nfvabench.main "${args[@]}" || rc=$?
exit $rc
