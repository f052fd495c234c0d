#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# shellcheck source-path=SCRIPTDIR
#
# Scaling over workers on a lab machine (a CPU per worker, no NIC needed):
# bench/run.sh --workers N for each N, nfva and dpdk-testpmd io on the same
# multi-queue input (one net_pcap rx queue per worker), then one table of
# Mpps per worker count and per scenario, beside the ceiling at the same N.
#
#   scaling.sh [--workers 1,2,4,8] [--only l2-known,vxlan-encap,vxlan-decap,gre-decap]
#              [--reps 3] [--out DIR] [--dry-run]
#
# Needs N+1 CPUs for N workers (lcore k on CPU k; the harness and the
# control thread on CPU 0); on a smaller machine the extra workers share CPUs
# and the figures say how the design scales, not what it does with a CPU each.
set -eu -o pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

WORKERS=1,2,4,8 ONLY=l2-known,vxlan-encap,vxlan-decap,gre-decap REPS=3
OUT=/var/tmp/nfva-scaling
options "workers=WORKERS only=ONLY reps=REPS out=OUT" "$@"
[[ $WORKERS =~ ^[1-9][0-9]*(,[1-9][0-9]*)*$ ]] || die "--workers: a list like 1,2,4,8"

CPUS=$(nproc)
for n in ${WORKERS//,/ }; do
	[ "$n" -lt "$CPUS" ] || echo "# note: $n workers on $CPUS CPUs: workers share CPUs"
	run bash "$BENCH/run.sh" --workers "$n" --only "$ONLY" --reps "$REPS" --no-micro \
		--out "$OUT/w$n"
done
echo "+ summary of $OUT/w*/latest/results.json: Mpps per scenario and worker count"
[ "$DRY_RUN" = 1 ] && exit 0
/usr/bin/python3 - "$OUT" ${WORKERS//,/ } <<'PY'
import json, os, sys
out, counts = sys.argv[1], sys.argv[2:]
table = {}
for n in counts:
    with open(os.path.join(out, f"w{n}", "latest", "results.json")) as f:
        doc = json.load(f)
    for row in doc["summary"]:
        table.setdefault(row["title"], {})[n] = (row["nfva_mpps"], row["ceiling_mpps"])
print("scenario".ljust(20) + "".join(f"{n + ' w (ceil)':>22}" for n in counts))
for title, by_n in table.items():
    cells = []
    for n in counts:
        mine, ceil = by_n.get(n, (None, None))
        cells.append("-" if mine is None else f"{mine:.2f} ({ceil:.2f})")
    print(title.ljust(20) + "".join(f"{c:>22}" for c in cells))
PY
