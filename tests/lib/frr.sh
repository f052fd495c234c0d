# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# FRR (Debian 12's frr 8.4) for the EVPN tests, sourced after netns.sh: zebra
# and bgpd started directly under `ip netns exec` (no watchfrr, no systemd,
# nothing written outside $TEST_TMP; the frr package's own service, if any,
# runs in the root namespace with other sockets and is not touched).
# Each instance has a NAME; its files are in $TEST_TMP/frr-NAME.

FRR_BIN=/usr/lib/frr
declare -A FRR_PIDS=()

# frr_require: skips without the frr package.
frr_require() {
	[ -x "$FRR_BIN/zebra" ] && [ -x "$FRR_BIN/bgpd" ] ||
		skip "FRR is not installed (apt-get install frr)"
	need vtysh frr
	need bridge iproute2
	id frr >/dev/null 2>&1 || skip "no user frr (the frr package creates it)"
	# The daemons drop to user frr: every directory on the path is traversable.
	chmod 0755 "$TEST_TMP"
	on_exit frr_cleanup # before the namespaces go
}

# frr_evpn_conf ROUTER_ID PEER... : a bgpd.conf, iBGP AS 65000, l2vpn evpn with
# advertise-all-vni; "rr" as the first PEER makes the others route-reflector
# clients and advertises no VNI (a pure reflector).
frr_evpn_conf() {
	local id=$1 rr=0 p
	shift
	[ "$1" = rr ] && { rr=1; shift; }
	printf 'hostname r%s\nrouter bgp 65000\n bgp router-id %s\n no bgp default ipv4-unicast\n' "$id" "$id"
	printf ' timers bgp 3 9\n'
	for p in "$@"; do
		printf ' neighbor %s remote-as 65000\n neighbor %s timers connect 1\n' "$p" "$p"
	done
	printf ' !\n address-family l2vpn evpn\n'
	for p in "$@"; do
		printf '  neighbor %s activate\n' "$p"
		[ $rr = 1 ] && printf '  neighbor %s route-reflector-client\n' "$p"
	done
	[ $rr = 1 ] || printf '  advertise-all-vni\n'
	printf ' exit-address-family\nexit\n'
}

# frr_up NAME NS BGPD_CONF: zebra + bgpd in NS.
frr_up() {
	local name=$1 ns=$2 d="$TEST_TMP/frr-$1"
	install -d -o frr -g frr -m 0755 "$d"
	echo "hostname $name" >"$d/zebra.conf"
	cp "$3" "$d/bgpd.conf"
	chown frr:frr "$d"/*.conf
	local common=(-d -F traditional -P 0 --vty_socket "$d" -z "$d/zserv.api")
	ip netns exec "$ns" "$FRR_BIN/zebra" "${common[@]}" -f "$d/zebra.conf" -i "$d/zebra.pid" \
		--log "file:$d/zebra.daemon.log" 2>/dev/null || fail "zebra did not start in $ns"
	ip netns exec "$ns" "$FRR_BIN/bgpd" "${common[@]}" -f "$d/bgpd.conf" -i "$d/bgpd.pid" \
		--log "file:$d/bgpd.daemon.log" 2>/dev/null || fail "bgpd did not start in $ns"
	FRR_PIDS[$name]="$(cat "$d/zebra.pid") $(cat "$d/bgpd.pid")"
	log "FRR $name in $ns (pids ${FRR_PIDS[$name]})"
}

# frr_down NAME: SIGTERM to its daemons, wait <= 10 s.
frr_down() {
	local p
	for p in ${FRR_PIDS[$1]:-}; do kill -TERM "$p" 2>/dev/null || true; done
	for p in ${FRR_PIDS[$1]:-}; do
		for _ in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
		kill -KILL "$p" 2>/dev/null || true
	done
	FRR_PIDS[$1]=""
}

frr_cleanup() {
	local n
	for n in "${!FRR_PIDS[@]}"; do frr_down "$n"; done
}

vty() { local n=$1; shift; vtysh --vty_socket "$TEST_TMP/frr-$n" -c "$*"; }

# frr_established NAME: every BGP neighbour of NAME is Established.
frr_established() {
	vty "$1" 'show bgp l2vpn evpn summary json' | json_get \
		"int(bool(j['peers']) and all(p['state'] == 'Established' for p in j['peers'].values()))" |
		grep -qx 1
}

# kfdb NS DEV: the kernel's bridge FDB of DEV.
kfdb() { bridge -n "$1" fdb show dev "$2"; }
