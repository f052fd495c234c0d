# SPDX-License-Identifier: BSD-3-Clause
# shellcheck shell=bash
# Open Overlay Router (Debian openoverlayrouter, /usr/sbin/oor: userspace,
# a tun device lispTun0) as nfva's LISP peer in test_lisp_oor (IPv4 RLOCs)
# and test_lisp_oor6 (IPv6 RLOCs). Source it after netns.sh, then:
#
#   oor_require                   # skip (77) without tshark, oor or /dev/net/tun
#   oor_up NAME NS CONF           # OOR in NS, run from $TEST_TMP/NAME; its
#                                 # output in $TEST_TMP/NAME/NAME.daemon.log
#   oor_down NAME                 # fails if it exited by itself, else SIGTERM
#   oor_wait_eid NAME NS EID      # OOR's rule for what EID sends is there
#   oor_xtr_conf MS KEY IFACE IPVER EID...   # an xTR's config: MS its map-server
#                                 # and map-resolver (- none), each EID (iid 0)
#                                 # with the RLOC of IFACE (IPVER 4 or 6)
#   oor_ms_conf IFACE KEY PREFIX...  # a map-server/map-resolver's config
#   oor_static_map_cache PREFIX RLOC # a static-map-cache section (iid 0)
#   lisp_site_regs NAME           # nfva's site registrations "eid etr rloc+...,"
#   lisp_ctrl_wire WHAT CAP_NFVA CAP_OOR OOR_RLOC NFVA_RLOC KEY
#                                 # the control messages of an xTR phase
#   lisp_no_rejections WHAT NAME COUNTER...  # each LISP counter of NAME is 0

OOR=/usr/sbin/oor
declare -A OOR_PID=()

oor_require() {
	need tshark tshark
	[ -x "$OOR" ] || skip "Open Overlay Router is not installed (apt-get install openoverlayrouter)"
	[ -c /dev/net/tun ] || skip "OOR needs /dev/net/tun, absent here"
}

# oor_up NAME NS CONF: OOR in NS, from its own working directory (it writes
# oor-id there or beside CONF); skips when it does not stay up for 1 s.
oor_up() {
	local name=$1 ns=$2 conf=$3 pid
	mkdir -p "$TEST_TMP/$name"
	(cd "$TEST_TMP/$name" && exec ip netns exec "$ns" "$OOR" -f "$conf") \
		>"$TEST_TMP/$name/$name.daemon.log" 2>&1 &
	pid=$!
	bg_track "$pid"
	OOR_PID[$name]=$pid
	sleep 1
	kill -0 "$pid" 2>/dev/null ||
		{ cat "$TEST_TMP/$name/$name.daemon.log"; skip "oor does not run here (log above)"; }
	log "oor $name running (pid $pid)"
}

# oor_down NAME: OOR must still run (an exit of its own, e.g. on a message
# of nfva's it could not take, is a failure); SIGTERM, and it leaves the
# background jobs.
oor_down() {
	local pid=${OOR_PID[$1]} keep=() p
	kill -0 "$pid" 2>/dev/null ||
		fail "oor $1 exited by itself: $(tail -n 20 "$TEST_TMP/$1/$1.daemon.log")"
	stop_pid "$pid" TERM
	for p in "${TEST_BG[@]}"; do [ "$p" = "$pid" ] || keep+=("$p"); done
	TEST_BG=("${keep[@]}")
	unset "OOR_PID[$1]"
}

# oor_wait_eid NAME NS EID: wait (<= 20 s) until OOR NAME sends what its EID
# EID (an address) sends into its tun device: its policy rule "from EID
# lookup TABLE" (TABLE: default dev lispTun0), which it adds some seconds
# after it starts.
oor_wait_eid() {
	local fam=-4
	[[ $3 == *:* ]] && fam=-6
	wait_for 20 bash -c "ip -n '$2' $fam rule show | grep -q 'from $3 lookup'" ||
		fail "oor $1 installed no rule for its EID $3: $(ip -n "$2" "$fam" rule show)"
}

# oor_xtr_conf MS KEY IFACE IPVER EID...: an xTR (LISP encapsulation)
# registering each EID (prefix, iid 0) with the RLOC of
# IFACE (IPVER 4 or 6) to map-server MS (key KEY, HMAC-SHA-1, no proxy
# reply), also its map-resolver; MS "-": neither.
oor_xtr_conf() {
	local ms=$1 key=$2 ifc=$3 ver=$4 eid
	shift 4
	cat <<-EOF
		debug = 1
		operating-mode = xTR
		encapsulation = LISP
		map-request-retries = 2
	EOF
	[ "$ms" = - ] || cat <<-EOF
		map-resolver = {
			$ms
		}
		map-server {
			address = $ms
			key-type = 1
			key = $key
			proxy-reply = off
		}
	EOF
	for eid in "$@"; do
		cat <<-EOF
			database-mapping {
				eid-prefix = $eid
				iid = 0
				rloc-iface {
					interface = $ifc
					ip_version = $ver
					priority = 1
					weight = 100
				}
			}
		EOF
	done
}

# oor_ms_conf IFACE KEY PREFIX...: a map-server and map-resolver on IFACE's
# addresses, one site (key KEY, HMAC-SHA-1, iid 0, more specifics accepted)
# for each PREFIX.
oor_ms_conf() {
	local ifc=$1 key=$2 p
	shift 2
	printf 'debug = 1\noperating-mode = MS\ncontrol-iface = %s\n' "$ifc"
	for p in "$@"; do
		cat <<-EOF
			lisp-site {
				eid-prefix = $p
				key-type = 1
				key = $key
				iid = 0
				accept-more-specifics = true
			}
		EOF
	done
}

# oor_static_map_cache PREFIX RLOC: a static-map-cache entry (iid 0) of an xTR.
oor_static_map_cache() {
	cat <<-EOF
		static-map-cache {
			eid-prefix = $1
			iid = 0
			rloc-address {
				address = $2
				priority = 1
				weight = 100
			}
		}
	EOF
}

# lisp_site_regs NAME: the registrations nfva NAME holds as map-server, "eid
# etr rloc+rloc" sorted, comma-separated.
lisp_site_regs() {
	ctlj "$1" lisp site show |
		json_get '",".join(sorted("%s %s %s" % (r["eid"], r["etr"], "+".join(r["rlocs"])) for s in j for r in s["registrations"]))'
}

# lisp_ctrl_wire WHAT CAP_NFVA CAP_OOR OOR_RLOC NFVA_RLOC KEY: the LISP control
# messages of a phase where OOR (RLOC OOR_RLOC) is an xTR registering with
# nfva (NFVA_RLOC) and resolving through it, read by tools/lisp_pcap.py
# (Python's hmac) from the capture at nfva's end (CAP_NFVA: what OOR sent) and
# at OOR's (CAP_OOR: what nfva sent). OOR's Map-Registers verify with KEY and
# none fails; nfva's Map-Notifies verify and each carries the nonce of one of
# OOR's Map-Registers; OOR sent Map-Requests in ECMs and nfva answered at least
# one of their nonces with a Map-Reply; every control message came from one of
# the two RLOCs.
lisp_ctrl_wire() {
	local what=$1 oor=$4 nf=$5 key=$6 t="$TEST_TMP/$1.lisp"
	"$PY" "$NT_LIB/tools/lisp_pcap.py" "$TEST_TMP/$2.pcap" "$key" >"$t.at-nfva" ||
		fail "$what: lisp_pcap.py could not read $2.pcap"
	"$PY" "$NT_LIB/tools/lisp_pcap.py" "$TEST_TMP/$3.pcap" "$key" >"$t.at-oor" ||
		fail "$what: lisp_pcap.py could not read $3.pcap"
	awk -v s="$oor" '$1 == s' "$t.at-nfva" >"$t.oor"
	awk -v s="$nf" '$1 == s' "$t.at-oor" >"$t.nfva"
	check_ge "$what: OOR's Map-Registers from $oor verifying with the key" \
		"$(awk '$2 == 3 && $4 == "ok"' "$t.oor" | wc -l)" 1
	check_eq "$what: Map-Registers not verifying" \
		"$(cat "$t.at-nfva" "$t.at-oor" | awk '$2 == 3 && $4 != "ok"' | wc -l)" 0
	check_ge "$what: nfva's Map-Notifies from $nf verifying with the key" \
		"$(awk '$2 == 4 && $4 == "ok"' "$t.nfva" | wc -l)" 1
	check_eq "$what: Map-Notifies not verifying" \
		"$(cat "$t.at-nfva" "$t.at-oor" | awk '$2 == 4 && $4 != "ok"' | wc -l)" 0
	check_eq "$what: nfva's Map-Notifies answering no Map-Register nonce of OOR's" \
		"$(awk '$2 == 4 {print $3}' "$t.nfva" | grep -cvxFf <(awk '$2 == 3 {print $3}' "$t.oor") || true)" 0
	check_ge "$what: OOR's Map-Requests (ECM) from $oor" "$(awk '$2 == "8/1"' "$t.oor" | wc -l)" 1
	check_ge "$what: nfva's Map-Replies from $nf to OOR's nonces" \
		"$(awk '$2 == 2 {print $3}' "$t.nfva" | grep -cxFf <(awk '$2 == "8/1" {print $3}' "$t.oor") || true)" 1
	check_eq "$what: control messages from neither $oor nor $nf" \
		"$(cat "$t.at-nfva" "$t.at-oor" | awk -v a="$oor" -v b="$nf" '$1 != a && $1 != b' | sort -u)" ""
}

# lisp_no_rejections WHAT NAME COUNTER...: each LISP counter of nfva NAME is 0.
lisp_no_rejections() {
	local what=$1 name=$2 c
	shift 2
	for c in "$@"; do check_eq "$what: nfva $c" "$(lisp_counter "$name" "$c")" 0; done
}
