# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# nfva instances of a shell test and their control client (sourced by
# netns.sh and vm.sh, see there). Each instance has a NAME: its socket, DPDK
# file prefix and log are $TEST_TMP/NAME.sock, nfva-test-$TEST_ID-NAME and
# $TEST_TMP/NAME.nfva.log.

# EAL memory options of the next nfva_up (a capture test sets hugepages:
# a DPDK secondary process such as dpdk-dumpcap cannot attach to --no-huge).
NFVA_MEM=(--no-huge -m 512)

# nfva_up NAME NS CONF: starts an nfva instance in namespace NS ("" = this
# one) and waits (<= 20 s) for its socket. Skips when EAL or the af_packet
# vdev cannot start here. NFVA_CORES (an array, default (-l 0,1): one
# worker) is its EAL core option, e.g. (--lcores 0@0,1@1,2@0,3@1,4@0) for
# four workers on two CPUs. More nfva options: the array NFVA_UP_ARGS (a
# later --fdb-entries wins over the default 65536).
NFVA_UP_ARGS=()
nfva_up() {
	local name=$1 ns=$2 conf=$3 pre=() cores=(-l 0,1)
	[ -n "${NFVA_CORES+set}" ] && cores=("${NFVA_CORES[@]}")
	[ -n "$ns" ] && pre=(ip netns exec "$ns")
	NFVA_SOCK[$name]="$TEST_TMP/$name.sock"
	NFVA_LOG[$name]="$TEST_TMP/$name.nfva.log"
	NFVA_PREFIX[$name]="nfva-test-$TEST_ID-$name"
	rm -f "${NFVA_SOCK[$name]}"
	"${pre[@]}" "$NFVA" "${NFVA_MEM[@]}" --no-pci --file-prefix "${NFVA_PREFIX[$name]}" \
		"${cores[@]}" -- --config "$conf" --socket "${NFVA_SOCK[$name]}" --fdb-entries 65536 \
		--mbufs 8191 "${NFVA_UP_ARGS[@]}" >"${NFVA_LOG[$name]}" 2>&1 &
	NFVA_PID[$name]=$!
	local pid=${NFVA_PID[$name]}
	for _ in $(seq 200); do
		[ -S "${NFVA_SOCK[$name]}" ] &&
			"$NFVACTL" -s "${NFVA_SOCK[$name]}" -t 2 help >/dev/null 2>&1 &&
			{ log "nfva $name running${ns:+ in $ns} (pid $pid)"; return 0; }
		if ! kill -0 "$pid" 2>/dev/null; then
			local rc=0
			wait "$pid" || rc=$?
			NFVA_PID[$name]=""
			nfva_skip_if_unavailable "${NFVA_LOG[$name]}"
			cat "${NFVA_LOG[$name]}" >&2
			fail "nfva $name exited with $rc before opening its socket"
		fi
		sleep 0.1
	done
	fail "nfva $name did not open its socket within 20 s"
}

# nfva_skip_if_unavailable LOG: skip when EAL could not start here or the
# af_packet vdev is not in this DPDK build (an iface problem is a failure).
nfva_skip_if_unavailable() {
	if grep -q "EAL init failed\|Cannot init EAL" "$1"; then
		skip "DPDK EAL cannot start here: $(tail -n 2 "$1")"
	fi
	if grep -q "net_af_packet" "$1" && grep -qi "failed to parse device\|cannot probe" "$1"; then
		cat "$1"
		skip "the net_af_packet vdev is unavailable in this DPDK build"
	fi
}

# nfva_down NAME: SIGTERM, wait <= 15 s; exit status 0, socket removed, no
# sanitizer report in its log.
nfva_down() {
	local name=$1 pid=${NFVA_PID[$1]}
	[ -n "$pid" ] || fail "nfva_down: nfva $name is not running"
	kill -TERM "$pid"
	for _ in $(seq 150); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
	kill -0 "$pid" 2>/dev/null && fail "nfva $name did not exit within 15 s of SIGTERM"
	local rc=0
	wait "$pid" || rc=$?
	NFVA_PID[$name]=""
	check_eq "nfva $name exit status after SIGTERM" "$rc" 0
	[ -e "${NFVA_SOCK[$name]}" ] && fail "nfva $name left its socket ${NFVA_SOCK[$name]} behind"
	check_eq "nfva $name: sanitizer reports in its log" \
		"$(grep -cE 'runtime error:|AddressSanitizer|LeakSanitizer' "${NFVA_LOG[$name]}" || true)" 0
}

# config_save_check NAME CONF: `config save` of instance NAME (started with
# --config CONF) writes CONF: mode 0600, the header line, then exactly
# `config show` (kept in $TEST_TMP/NAME.show for config_same_check); nfva
# --check-config accepts the file.
config_save_check() {
	local name=$1 conf=$2 show="$TEST_TMP/$1.show"
	ctl "$name" config show >"$show"
	log "$name: config show:"; cat "$show"
	ctl_ok "$name" config save
	check_eq "$name: saved file mode" "$(stat -c %a "$conf")" 600
	head -n 1 "$conf" | grep -q '^# nfva running configuration (nfva ' ||
		fail "$name: the saved file has no header: $(head -n 1 "$conf")"
	tail -n +2 "$conf" | cmp -s - "$show" ||
		fail "$name: the saved file is not config show: $(diff <(tail -n +2 "$conf") "$show")"
	echo "ok: $name: the startup file holds config show"
	"$NFVA" --check-config "$conf" || fail "nfva --check-config refuses $name's saved file"
	echo "ok: $name: nfva --check-config accepts the saved file"
}
# config_same_check NAME: `config show` of NAME is byte-identical to the one
# config_save_check kept (after a restart from the saved file).
config_same_check() {
	local show="$TEST_TMP/$1.show"
	ctl "$1" config show >"$show.again"
	cmp "$show" "$show.again" ||
		fail "$1: config show differs after the restart: $(diff "$show" "$show.again")"
	echo "ok: $1: config show byte-identical after the restart ($(wc -l <"$show.again") lines)"
}

ctl() { local n=$1; shift; "$NFVACTL" -s "${NFVA_SOCK[$n]}" "$@"; }
ctlj() { local n=$1; shift; "$NFVACTL" -j -s "${NFVA_SOCK[$n]}" "$@"; }
# ctl_ok NAME cmd...: the command must succeed (its output is discarded).
ctl_ok() {
	local out
	out=$(ctl "$@" 2>&1) || fail "nfvactl ${*:2} on $1 failed: $out"
	return 0
}

# --- counters and tables -------------------------------------------------------
# port_counter NAME PORT KEY; port_field NAME PORT KEY (macs, mac_limit, link...)
port_counter() { ctlj "$1" port show stats "$2" | json_get "j['$2']['$3']"; }
port_field() { ctlj "$1" port show "$2" | json_get "j[0]['$3']"; }
# port_drops NAME PORT: the dropped object; port_drop NAME PORT REASON: one (0 if absent)
port_drops() { ctlj "$1" port show stats "$2" | json_get "j['$2']['dropped']"; }
port_drop() { ctlj "$1" port show stats "$2" | json_get "j['$2']['dropped'].get('$3', 0)"; }
fdb_entries() { ctlj "$1" fdb summary | json_get "j['entries']"; }
# fdb_has NAME MAC: 1 if the FDB has MAC (any network), else 0.
fdb_has() { ctlj "$1" fdb show | json_get "int(any(e['mac'].lower() == '$2' for e in j))"; }
# fdb_port NAME MAC: the port of MAC ("none" when absent).
fdb_port() {
	ctlj "$1" fdb show | json_get "([e['port'] for e in j if e['mac'].lower() == '$2'] or ['none'])[0]"
}
# neigh_field NAME IP FIELD: a field of nfva's neighbour IP ("none" if absent).
neigh_field() {
	ctlj "$1" neigh show | json_get "([n['$3'] for n in j if n['ip'] == '$2'] or ['none'])[0]"
}
neigh_stat() { ctlj "$1" neigh show stats | json_get "j['counters']['$2']"; }
# lisp_counter NAME KEY: one of the LISP counters (`lisp show`).
lisp_counter() { ctlj "$1" lisp show | json_get "j['counters']['$2']"; }
# ostat NAME KEY: one counter of the offload section of `stats`.
ostat() { ctlj "$1" stats | json_get "j['offload']['$2']"; }
# mcount NAME SESSION KEY: a counter of `mirror show SESSION`;
# mcounters NAME SESSION: "mirrored filtered_out sampled_out dropped"
mcount() { ctlj "$1" mirror show "$2" | json_get "j[0]['counters']['$3']"; }
mcounters() {
	ctlj "$1" mirror show "$2" |
		json_get "' '.join(str(j[0]['counters'][k]) for k in ('mirrored', 'filtered_out', 'sampled_out', 'dropped'))"
}

# --- offload rules -----------------------------------------------------------------
# rules NAME [FILTER]: the rules of `offload show` (JSON list) for which the
# Python expression FILTER (r = the rule) is true; nrules: how many.
rules() { ctlj "$1" offload show | json_get "[r for r in j if (${2:-True})]"; }
nrules() { ctlj "$1" offload show | json_get "len([r for r in j if (${2:-True})])"; }
# rule_field NAME FILTER FIELD: FIELD of the one rule matching FILTER ("none"
# when there is not exactly one); MACs (nfva prints them in upper case) in
# lower case.
rule_field() {
	ctlj "$1" offload show |
		json_get "(lambda m: (m[0]['$3'].lower() if isinstance(m[0]['$3'], str) else m[0]['$3']) if len(m) == 1 else 'none')([r for r in j if ($2)])"
}
# f_l2 A B: the filter of the L2 rule from port A to port B.
f_l2() { echo "r['kind'] == 'l2' and r['in'] == '$1' and r['out'] == '$2'"; }
# hits_reach NAME FILTER N: wait (<= 5 s) until the rule's hits read N
# (`offload show` reads the e-switch counters when asked; a frame the test
# sent may still be in a worker or a kernel queue).
hits_reach() {
	wait_for 5 cmd_eq "rule_field $1 \"$2\" hits" "$3" ||
		fail "$1: rule [$2]: hits $(rule_field "$1" "$2" hits), expected $3"
}
# hits_atleast WHAT NAME FILTER N: wait (<= 5 s, as hits_reach) until the
# rule's hits read at least N, then check it.
hits_atleast() {
	wait_for 5 cmd_eq "[ \"\$(rule_field $2 \"$3\" hits)\" -ge $4 ] 2>/dev/null && echo y" y || true
	check_ge "$1" "$(rule_field "$2" "$3" hits)" "$4"
}

# --- snapshots -----------------------------------------------------------------------
# snap SNAP NAME: `port show stats`, `stats` and `mirror show` of NAME into $TEST_TMP/SNAP.json
snap() {
	{ echo '{"ports":'; ctlj "$2" port show stats; echo ', "stats":'; ctlj "$2" stats
		echo ', "mirrors":'; ctlj "$2" mirror show; echo '}'; } >"$TEST_TMP/$1.json"
}
# delta A B PORT KEY: counter KEY of PORT in snapshot B minus snapshot A;
# odelta A B KEY: the same for a counter of the offload section of `stats`.
delta() { "$PY" -m nfvatest.snapshot port "$TEST_TMP/$1.json" "$TEST_TMP/$2.json" "$3" "$4"; }
odelta() { "$PY" -m nfvatest.snapshot offload "$TEST_TMP/$1.json" "$TEST_TMP/$2.json" "$3"; }
