#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Profile nfva's forwarding thread in one or more benchmark scenarios:
#   sudo bash bench/profile.sh l2-known vxlan-encap [--seconds 5] [--top 25]
# perf record (cpu-clock, works without hardware counters) on the worker
# thread only; the top symbols are printed and kept in bench/results/profile/.
set -eu -o pipefail
BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
command -v perf >/dev/null || { echo "profile: perf is missing (Debian: linux-perf)" >&2; exit 1; }
cd "$BENCH_DIR"
PYTHONPATH="$BENCH_DIR:$(dirname "$BENCH_DIR")/tests/lib${PYTHONPATH:+:$PYTHONPATH}"
export PYTHONPATH
exec taskset -c 0 /usr/bin/python3 -m nfvabench.profile "$@"
