# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# The base of every shell test (sourced by netns.sh and vm.sh, not by tests):
#
#   log MSG; skip REASON (exit 77); fail REASON (exit 1, with test_diag)
#   check_eq WHAT ACTUAL EXPECTED; check_ge/check_le WHAT ACTUAL BOUND (integers)
#   check_fails WHAT CMD...       # CMD must fail; its stderr kept in $TEST_TMP/err
#   check_eq_wait WHAT EXPECTED CMD...   # CMD's output becomes EXPECTED within 5 s
#   need CMD PACKAGE              # skip unless CMD is on PATH
#   wait_for SECONDS CMD...       # poll CMD every 0.2 s; cmd_eq "CMD" VALUE
#   json_get EXPR                 # Python EXPR on the JSON of stdin (j)
#   bg_track PID; stop_pid PID SIGNAL; on_exit FUNCTION
#   test_begin DIR_PREFIX         # $TEST_TMP, the exit trap; called by *_require
#
# On exit, failure or not, the functions given to on_exit run (last first:
# stop_bg_jobs, registered first, stops the background jobs last unless a
# helper registers it again), then $TEST_TMP is removed (kept on a failure
# when NFVA_KEEP_TMP is set). $TEST_RC is the exit status then.
# Names carry the test's PID ($TEST_ID): runs never collide. No jq: JSON is read
# with /usr/bin/python3.

TEST_SKIP=77
TEST_ID=$$
TEST_T0=$(date +%s)
TEST_TMP=""
TEST_RC=0
TEST_BG=()
TEST_ON_EXIT=()
PY=/usr/bin/python3
NT_LIB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# The tools run in namespaces import nfvatest: tests/lib on their path.
export PYTHONPATH="$NT_LIB${PYTHONPATH:+:$PYTHONPATH}"

log() { echo "# [$(($(date +%s) - TEST_T0)) s] $*"; }
skip() { echo "SKIP: $*"; exit $TEST_SKIP; }
fail() {
	echo "FAIL: $*" >&2
	declare -F test_diag >/dev/null && { test_diag >&2 || true; }
	exit 1
}

check_eq() {
	if [ "$2" != "$3" ]; then fail "$1: got '$2', expected '$3'"; fi
	echo "ok: $1 = $2"
}
check_ge() {
	if ! [ "$2" -ge "$3" ] 2>/dev/null; then fail "$1: got '$2', expected >= $3"; fi
	echo "ok: $1 = $2 (>= $3)"
}
check_le() {
	if ! [ "$2" -le "$3" ] 2>/dev/null; then fail "$1: got '$2', expected <= $3"; fi
	echo "ok: $1 = $2 (<= $3)"
}
check_fails() {
	local what=$1
	shift
	if "$@" >"$TEST_TMP/out" 2>"$TEST_TMP/err"; then fail "$what: succeeded"; fi
	echo "ok: $what fails: $(head -n 1 "$TEST_TMP/err")"
}
# check_eq_wait WHAT EXPECTED CMD...: CMD's output becomes EXPECTED within 5 s
# (counters of frames still in flight), then check_eq.
check_eq_wait() {
	local what=$1 want=$2
	shift 2
	for _ in $(seq 25); do [ "$("$@")" = "$want" ] && break; sleep 0.2; done
	check_eq "$what" "$("$@")" "$want"
}

need() { command -v "$1" >/dev/null || skip "$1 is not installed (apt-get install $2)"; }

# wait_for SECONDS CMD...: polls CMD every 0.2 s until it succeeds.
wait_for() {
	local t=$1
	shift
	for _ in $(seq $((t * 5))); do "$@" && return 0; sleep 0.2; done
	return 1
}
# cmd_eq CMD VALUE: for wait_for; CMD is a string run by eval.
cmd_eq() { [ "$(eval "$1")" = "$2" ]; }

# json_get EXPR: evaluates the Python expression EXPR with `j` bound to the
# JSON on stdin; prints strings and numbers as they are, the rest as JSON.
json_get() {
	"$PY" -c '
import json, sys
j = json.load(sys.stdin)
r = eval(sys.argv[1])
print(r if isinstance(r, (str, int, float)) and not isinstance(r, bool) else json.dumps(r, sort_keys=True))
' "$1"
}

# stop_pid PID SIGNAL: signals a child of ours, waits <= 5 s, then SIGKILL.
stop_pid() {
	kill "-$2" "$1" 2>/dev/null || { wait "$1" 2>/dev/null || true; return 0; }
	for _ in $(seq 50); do kill -0 "$1" 2>/dev/null || break; sleep 0.1; done
	kill -KILL "$1" 2>/dev/null || true
	wait "$1" 2>/dev/null || true
}
# bg_track PID: a background job to stop on exit (last registered, first
# stopped). Start it as a simple command (`ip netns exec NS ping ... &`), not
# through a shell function, so that $! is the process itself.
bg_track() { TEST_BG+=("$1"); }
# on_exit FUNCTION: run at exit (last registered, first run).
on_exit() { TEST_ON_EXIT+=("$1"); }
stop_bg_jobs() {
	local i
	for ((i = ${#TEST_BG[@]} - 1; i >= 0; i--)); do stop_pid "${TEST_BG[$i]}" TERM; done
	TEST_BG=()
}

test_failed() { [ "$TEST_RC" -ne 0 ] && [ "$TEST_RC" -ne $TEST_SKIP ]; }

test_cleanup() {
	TEST_RC=$?
	trap - EXIT INT TERM HUP
	trap '' PIPE # a reader that went away (| head) must not stop the cleanup
	set +e
	local i
	for ((i = ${#TEST_ON_EXIT[@]} - 1; i >= 0; i--)); do "${TEST_ON_EXIT[$i]}"; done
	if [ -n "$TEST_TMP" ]; then
		if test_failed && [ -n "${NFVA_KEEP_TMP:-}" ]; then
			echo "# files kept in $TEST_TMP" >&2
		else
			rm -rf "$TEST_TMP"
		fi
	fi
	echo "# $(basename "$0"): $(($(date +%s) - TEST_T0)) s, exit $TEST_RC"
	exit "$TEST_RC"
}

# test_begin PREFIX: root, the binaries, python3; $TEST_TMP; the exit trap.
test_begin() {
	[ "$(id -u)" -eq 0 ] || skip "needs root (${2:-network namespaces, af_packet})"
	[ -n "${NFVA:-}" ] || skip "\$NFVA is not set (run through meson test)"
	[ -n "${NFVACTL:-}" ] || skip "\$NFVACTL is not set (run through meson test)"
	[ -x "$NFVA" ] || skip "nfva not built: $NFVA"
	[ -x "$NFVACTL" ] || skip "nfvactl not built: $NFVACTL"
	[ -x "$PY" ] || skip "$PY is not installed"
	trap test_cleanup EXIT
	trap 'exit 130' INT TERM HUP
	trap 'exit 141' PIPE
	TEST_TMP=$(mktemp -d "/tmp/$1.XXXXXX")
	on_exit stop_bg_jobs
}
