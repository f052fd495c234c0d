#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test_packaging_files: what `meson install` adds beside the binaries, as
# built in this build directory (packaging/):
#   - nfva.service passes `systemd-analyze verify` (its binary paths pointed
#     at this build's nfva), is Type=notify with a WatchdogSec, keeps its
#     runtime directory (vhost-user sockets) and checks the config first;
#   - nfva.8 and nfvactl.8 render without a groff warning; nfvactl.8 has
#     every command of the grammar (nfva --list-commands) and the usage;
#   - the bash completion offers, from the grammar: the first words, the
#     next keyword, the options of a command not given yet, the alternatives
#     of an option, and port names from a daemon (a fake one here).
set -euo pipefail
# shellcheck source=tests/lib/common.sh
. "$(dirname "$0")/../lib/common.sh"
# No root needed: the base of common.sh without test_begin's checks.
[ -x "${NFVA:-}" ] && [ -x "${NFVACTL:-}" ] || skip "\$NFVA/\$NFVACTL not set (run through meson test)"
PKG=${NFVA_PACKAGING_DIR:?run through meson test}
need python3 python3
need groff groff-base
need man man-db
trap test_cleanup EXIT
TEST_TMP=$(mktemp -d /tmp/packaging.XXXXXX)
on_exit stop_bg_jobs

# --- the unit --------------------------------------------------------------
unit=$TEST_TMP/nfva.service
sed -e "s|^ExecStartPre=[^ ]*/nfva |ExecStartPre=$NFVA |" \
	-e "s|^ExecStart=[^ ]*/nfva |ExecStart=$NFVA |" "$PKG/nfva.service" > "$unit"
grep -q "^ExecStart=$NFVA " "$unit" || fail "no ExecStart line to point at $NFVA"
if command -v systemd-analyze > /dev/null; then
	# --man=no: nfva(8) is not installed yet (the package test verifies with it)
	out=$(systemd-analyze verify --man=no "$unit" 2>&1) || fail "systemd-analyze verify: $out"
	[ -z "$out" ] || fail "systemd-analyze verify warns: $out"
	echo "ok: systemd-analyze verify nfva.service"
else
	echo "info: no systemd-analyze here: the unit is checked by its lines only"
fi
for line in "Type=notify" "WatchdogSec=30s" "RuntimeDirectory=nfva" "RuntimeDirectoryPreserve=yes" \
	"NoNewPrivileges=yes" "LimitMEMLOCK=infinity"; do
	grep -qx "$line" "$unit" || fail "nfva.service: no $line"
done
grep -q '^ExecStartPre=.* --check-config ${NFVA_CONFIG}$' "$unit" || fail "no --check-config"
echo "ok: Type=notify, watchdog, runtime directory kept, config checked first"

# --- the man pages ------------------------------------------------------------
"$NFVA" --list-commands > "$TEST_TMP/grammar.json"
for page in nfva.8 nfvactl.8; do
	warn=$(LC_ALL=C.UTF-8 groff -man -Tutf8 -ww -z "$PKG/$page" 2>&1) || fail "groff $page: $warn"
	[ -z "$warn" ] || fail "groff warns on $page: $warn"
	echo "ok: $page renders without a warning"
done
LC_ALL=C.UTF-8 MANWIDTH=200 man -l "$PKG/nfvactl.8" 2>/dev/null | col -b > "$TEST_TMP/nfvactl.txt"
missing=$(python3 - "$TEST_TMP/grammar.json" "$TEST_TMP/nfvactl.txt" <<'PY'
import json, sys
text = " ".join(open(sys.argv[2]).read().split())
print(len([c for c in json.load(open(sys.argv[1])) if " ".join(c["command"].split()) not in text]))
PY
)
check_eq "commands of the grammar missing from nfvactl(8)" "$missing" 0
grep -q -- "--timeout SECONDS" "$TEST_TMP/nfvactl.txt" || fail "nfvactl(8) lacks the usage"
grep -q -- "--autosave" <(LC_ALL=C.UTF-8 man -l "$PKG/nfva.8" 2>/dev/null) || fail "nfva(8) lacks --autosave"
echo "ok: the man pages carry the grammar and the usage"

# --- the completion -----------------------------------------------------------
# A fake daemon that answers every command with two ports.
python3 - "$TEST_TMP/fake.sock" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(sys.argv[1]); s.listen(4)
while True:
    c, _ = s.accept()
    c.recv(4096)
    c.sendall(b'{"status":"ok","result":[{"name":"p0"},{"name":"uplink"}]}\n')
    c.close()
PY
bg_track $!
for _ in $(seq 50); do [ -S "$TEST_TMP/fake.sock" ] && break; sleep 0.1; done
export PATH="$(dirname "$NFVACTL"):$PATH"
# shellcheck disable=SC1091
. "$PKG/nfvactl"
# complete WORD...: what the completion offers after them (the last is the one typed).
complete_words() {
	COMP_WORDS=(nfvactl "$@")
	COMP_CWORD=$#
	COMPREPLY=()
	_nfvactl
	echo "${COMPREPLY[*]}"
}
expect() {
	local want=$1
	shift
	check_eq "completion of '$*'" "$(complete_words "$@")" "$want"
}
expect "port" por
expect "add del set show" port ""
expect "dev vhost-user" port add p9 ""
expect "emulated nic" port add p9 dev x eswitch ""
expect "collector df encap evpn group iid mac-limit strict udp-csum udp-port udp6-zero-csum vni" network add n1 ""
expect "gre lisp nvgre vxlan" network add n1 encap ""
expect "collector df evpn group iid mac-limit strict udp-csum udp-port udp6-zero-csum vni" network add n1 encap vxlan ""
expect "erspan port vxlan" mirror add m1 source a direction in to ""
expect "p0 uplink" -s "$TEST_TMP/fake.sock" port del ""
expect "--json" --js
expect "" port add p9 dev x mtu ""
echo "PASS: test_packaging_files"
