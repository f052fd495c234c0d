#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# test_deb_install: the Debian package, built (scripts/build-deb.sh, cached by
# content in the build directory) and installed with dpkg -i, runs as its
# unit says and forwards.
#
# The host must not change: the test runs in a private mount namespace where
# /usr, /etc and /var are overlays (upper layers on a tmpfs) and /run is a
# fresh tmpfs; dpkg -i writes there and everything goes when the test ends.
# There is no systemd as PID 1 here, so the unit is run by its own lines:
# Environment= and EnvironmentFile= (/etc/default/nfva, edited for vdevs as
# docs/deployment.md says), RuntimeDirectory= made, ExecStartPre= (the
# config check) and ExecStart= with systemd's expansion ($VAR split, ${VAR}
# one word), NOTIFY_SOCKET and WATCHDOG_USEC given as systemd gives them.
#
#   ns V1 (10.1.1.20) eth0 --- vm1p [ns H: installed nfva] vm2p --- eth0 ns V2 (10.1.1.30)
#
# Checks: the package's files (binaries, unit, conffiles, man pages,
# completion; nfva.conf mode 0600); systemd-analyze verify of the installed
# unit; --version of both binaries = the package version and commit; a broken
# startup file stops ExecStartPre; the daemon sends READY=1 after applying the
# file and WATCHDOG=1 pings; vm1 pings vm2 through it; `nfvactl version`;
# `nfvactl config save` writes /etc/nfva/nfva.conf (0600, = config show);
# SIGTERM: STOPPING=1, exit 0.
set -eu -o pipefail
if [ "${NFVA_DEB_NS:-}" != 1 ]; then
	[ "$(id -u)" -eq 0 ] || { echo "SKIP: needs root (dpkg -i in a mount namespace)"; exit 77; }
	NFVA_DEB_NS=1 exec unshare --mount --propagation private -- "$BASH" "$0" "$@"
fi
# shellcheck source=tests/lib/netns.sh
. "$(dirname "$0")/../lib/netns.sh"

mount -t tmpfs -o mode=0755 nfva-run /run # before netns_require: ip netns lives in /run
netns_require
need dpkg-buildpackage dpkg-dev
need dh debhelper
need systemd-analyze systemd
BUILD=$(cd "$(dirname "$NFVA")/.." && pwd)

log "building the package (scripts/build-deb.sh: reused when the sources did not change)"
DEB=$(bash "$NFVA_SOURCE_ROOT/scripts/build-deb.sh" -o "$BUILD/deb") || fail "the package does not build"
VERSION=$(dpkg-deb -f "$DEB" Version)
log "package $DEB (version $VERSION)"

OVL=$TEST_TMP/overlay
mkdir -p "$OVL"
mount -t tmpfs nfva-ovl "$OVL"
# Before $TEST_TMP goes (the namespace would drop them anyway at exit).
ovl_cleanup() { umount -l /usr /etc /var "$OVL" 2>/dev/null || true; }
on_exit ovl_cleanup
for d in usr etc var; do
	mkdir -p "$OVL/$d.upper" "$OVL/$d.work"
	mount -t overlay "nfva-$d" -o "lowerdir=/$d,upperdir=$OVL/$d.upper,workdir=$OVL/$d.work" "/$d" ||
		skip "no overlay filesystem over /$d here"
done
dpkg -i "$DEB" >"$TEST_TMP/dpkg.log" 2>&1 || fail "dpkg -i: $(cat "$TEST_TMP/dpkg.log")"
echo "ok: dpkg -i $(basename "$DEB")"
check_eq "dpkg status of nfva" "$(dpkg-query -W -f '${Status} ${Version}' nfva)" \
	"install ok installed $VERSION"
UNIT=/lib/systemd/system/nfva.service
for f in /usr/bin/nfva /usr/bin/nfvactl $UNIT /etc/default/nfva /etc/nfva/nfva.conf \
	/usr/share/man/man8/nfva.8.gz /usr/share/man/man8/nfvactl.8.gz \
	/usr/share/bash-completion/completions/nfvactl /usr/share/doc/nfva/deployment.md.gz; do
	dpkg -S "$f" >/dev/null 2>&1 || fail "$f is not in the package"
	[ -e "$f" ] || fail "$f is not installed"
done
echo "ok: binaries, unit, conffiles, man pages, completion, docs installed"
check_eq "conffiles" "$(dpkg-query -W -f '${Conffiles}' nfva | awk 'NF {print $1}' | sort | xargs)" \
	"/etc/default/nfva /etc/nfva/nfva.conf"
check_eq "mode of /etc/nfva/nfva.conf (it will hold LISP keys)" "$(stat -c %a /etc/nfva/nfva.conf)" 600
out=$(systemd-analyze verify "$UNIT" 2>&1) || fail "systemd-analyze verify $UNIT: $out"
[ -z "$out" ] || fail "systemd-analyze verify warns: $out"
echo "ok: systemd-analyze verify $UNIT"
MANWIDTH=200 man nfvactl 2>/dev/null | grep -q "config save" || fail "man nfvactl lacks config save"
echo "ok: man nfvactl (from the grammar)"

# --version: the package's version and the commit the package was built from.
commit=$(cat "$BUILD/deb/src.git-describe")
[[ $(/usr/bin/nfva --version) == "nfva $VERSION (git $commit, DPDK "* ]] ||
	fail "installed nfva --version: $(/usr/bin/nfva --version) (want $VERSION, git $commit)"
echo "ok: installed nfva --version: $(/usr/bin/nfva --version)"
check_eq "installed nfvactl --version" "$(/usr/bin/nfvactl --version)" "nfvactl $VERSION (git $commit)"

# The host's side: two VMs on veths into the namespace where nfva runs.
H=deb-h-$TEST_ID V1=deb-v1-$TEST_ID V2=deb-v2-$TEST_ID
ns_add "$H" "$V1" "$V2"
veth "$V1" eth0 "$H" vm1p
veth "$V2" eth0 "$H" vm2p
ip -n "$V1" addr add 10.1.1.20/24 dev eth0
ip -n "$V2" addr add 10.1.1.30/24 dev eth0

# As docs/deployment.md says: EAL options in /etc/default/nfva, commands in
# /etc/nfva/nfva.conf.
PREFIX=nfva-test-$TEST_ID-deb
sed -i "s|^NFVA_EAL_ARGS=.*|NFVA_EAL_ARGS=\"-l 0,1 --no-huge -m 512 --no-pci --file-prefix $PREFIX\"|" \
	/etc/default/nfva
cat >>/etc/nfva/nfva.conf <<EOF
port add vm1 dev $(afp 0 vm1p)
port add vm2 dev $(afp 1 vm2p)
network add blue
network blue attach vm1
network blue attach vm2
EOF

# unit_env: the unit's Environment= lines, then its EnvironmentFile.
unit_env() {
	sed -n 's/^Environment=//p' "$UNIT" | "$PY" -c '
import shlex, sys
for line in sys.stdin:
    for a in shlex.split(line):
        k, v = a.split("=", 1)
        print(f"export {k}={shlex.quote(v)}")'
	sed -n 's/^EnvironmentFile=-\{0,1\}//p' "$UNIT" | while read -r f; do
		sed -n 's/^\([A-Z_]*\)=\(.*\)/export \1=\2/p' "$f"
	done
}
# unit_cmd KEY: the words of the unit's KEY= line after systemd's expansion.
unit_cmd() {
	local w v out=()
	read -r -a words <<<"$(sed -n "s/^$1=//p" "$UNIT")"
	for w in "${words[@]}"; do
		if [[ $w =~ ^\$([A-Z_]+)$ ]]; then
			v=${!BASH_REMATCH[1]}
			read -r -a split <<<"$v"
			out+=("${split[@]}")
		else
			while [[ $w =~ \$\{([A-Z_]+)\} ]]; do
				w=${w//"${BASH_REMATCH[0]}"/${!BASH_REMATCH[1]}}
			done
			out+=("$w")
		fi
	done
	printf '%s\n' "${out[@]}"
}
eval "$(unit_env)"
mapfile -t PRE < <(unit_cmd ExecStartPre)
mapfile -t START < <(unit_cmd ExecStart)
log "ExecStartPre: ${PRE[*]}"
log "ExecStart: ${START[*]}"
[ "${START[0]}" = /usr/bin/nfva ] || fail "ExecStart does not run the installed nfva: ${START[*]}"

# A broken startup file stops at ExecStartPre.
cp /etc/nfva/nfva.conf "$TEST_TMP/good.conf"
echo "network blue attach nosuchport" >>/etc/nfva/nfva.conf
check_fails "ExecStartPre refuses a broken startup file" "${PRE[@]}"
cp "$TEST_TMP/good.conf" /etc/nfva/nfva.conf
"${PRE[@]}" >"$TEST_TMP/pre.log" 2>&1 || fail "ExecStartPre: $(cat "$TEST_TMP/pre.log")"
echo "ok: ExecStartPre accepts the startup file"

# What systemd does for Type=notify, WatchdogSec=30s (a 2 s watchdog here, so
# the pings come quickly), RuntimeDirectory=nfva.
mkdir -m 0755 /run/nfva
"$PY" -c '
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
out = open(sys.argv[2], "a", buffering=1)
while True:
    out.write(s.recv(4096).decode() + "\n")' "$TEST_TMP/notify.sock" "$TEST_TMP/notify.log" &
bg_track $!
wait_for 5 test -S "$TEST_TMP/notify.sock" || fail "the notify listener did not start"
: >"$TEST_TMP/nfva.log"
NOTIFY_SOCKET=$TEST_TMP/notify.sock WATCHDOG_USEC=2000000 \
	ip netns exec "$H" bash -c 'export WATCHDOG_PID=$$; exec "$@"' sh "${START[@]}" \
	>"$TEST_TMP/nfva.log" 2>&1 &
PID=$!
NFVA_PID[deb]=$PID NFVA_SOCK[deb]=/run/nfva/nfva.sock NFVA_LOG[deb]=$TEST_TMP/nfva.log
NFVA_PREFIX[deb]=$PREFIX
NFVACTL=/usr/bin/nfvactl # ctl and the checks below use the installed client
wait_for 30 grep -qx "READY=1" "$TEST_TMP/notify.log" ||
	fail "no READY=1 within 30 s: $(cat "$TEST_TMP/nfva.log")"
echo "ok: READY=1 from the installed nfva"
check_eq "networks when READY=1 came (the startup file applied)" \
	"$(ctlj deb network show | json_get "[n['name'] for n in j]")" '["blue"]'
check_eq "the version command" "$(ctlj deb version | json_get "j['version'] + ' ' + j['commit']")" \
	"$VERSION $commit"
check_ping "vm1 -> vm2 through the installed nfva" "$V1" 10.1.1.30 3
sleep 2.5
check_ge "WATCHDOG=1 pings (one a second for a 2 s watchdog)" \
	"$(grep -cx WATCHDOG=1 "$TEST_TMP/notify.log")" 2

ctl deb config show >"$TEST_TMP/show.txt"
ctl_ok deb config save
check_eq "mode of the saved /etc/nfva/nfva.conf" "$(stat -c %a /etc/nfva/nfva.conf)" 600
tail -n +2 /etc/nfva/nfva.conf | cmp -s - "$TEST_TMP/show.txt" ||
	fail "the saved file is not config show: $(diff <(tail -n +2 /etc/nfva/nfva.conf) "$TEST_TMP/show.txt")"
echo "ok: config save wrote /etc/nfva/nfva.conf = config show ($(wc -l <"$TEST_TMP/show.txt") lines)"

nfva_down deb
grep -qx "STOPPING=1" "$TEST_TMP/notify.log" || fail "no STOPPING=1: $(cat "$TEST_TMP/notify.log")"
echo "ok: STOPPING=1 at shutdown"
echo "PASS: test_deb_install"
