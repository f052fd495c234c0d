#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# run_fuzz.sh EXE CORPUS REGRESSIONS: a bounded libFuzzer run for CI (suite
# fuzz). New inputs go to a temporary corpus (the seeds stay as they are);
# $NFVA_FUZZ_SECONDS (default 30) of fuzzing from the seeds and the kept
# regressions; a crash input is left in $NFVA_FUZZ_ARTIFACTS (default the
# temporary directory, printed) for tests/fuzz/regressions/.
# Prints libFuzzer's final stats (executions, coverage) and exits as it does.
set -eu -o pipefail
exe=$1 corpus=$2 regressions=$3
secs=${NFVA_FUZZ_SECONDS:-30}
tmp=$(mktemp -d "/tmp/$(basename "$exe").XXXXXX")
art=${NFVA_FUZZ_ARTIFACTS:-$tmp/artifacts}
mkdir -p "$tmp/corpus" "$art"
seeds=("$corpus")
[ -d "$regressions" ] && seeds+=("$regressions")
# libFuzzer exits 77 on a crash by default: meson would call that SKIP.
flags=(-error_exitcode=1 -timeout_exitcode=1)
# A UBSan report (misaligned load, overflow...) is a finding too, not a line
# in the log: it stops the run and keeps its input.
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:print_stacktrace=1}
# The EAL harnesses keep the appliance's objects in tables that live in DPDK
# memory (rte_hash data, RCU defer queues), which LeakSanitizer does not
# scan: every such object looks leaked. Leak checks stay on for the others.
case $(basename "$exe") in
fuzz_slowpath | fuzz_differential)
	flags+=(-detect_leaks=0) # per input (libFuzzer)
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 # and at exit
	;;
esac
rc=0
"$exe" -max_total_time="$secs" -print_final_stats=1 -rss_limit_mb=4096 -timeout=10 \
	"${flags[@]}" -artifact_prefix="$art/" "$tmp/corpus" "${seeds[@]}" 2>&1 | tail -n 40 ||
	rc=$?
if [ "$rc" -ne 0 ]; then
	echo "run_fuzz: $(basename "$exe") failed ($rc); crash inputs in $art:" >&2
	ls -l "$art" >&2
else
	rm -rf "$tmp"
fi
exit "$rc"
