#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The nfva demo (`make demo`): three VMs, played by network namespaces, on one
# nfva learning bridge; every scenario in demo/scenarios/ then runs against it.
#
#   ns vm1 (10.0.0.1)     ns vm2 (10.0.0.2)     ns vm3 (10.0.0.3)
#       eth0                  eth0                  eth0
#        |                     |                     |
#   -----|---------------------|---------------------|------ ns host ----
#   net_af_packet0        net_af_packet1        net_af_packet2
#      port vm1              port vm2              port vm3
#        \_____________________|_____________________/
#                    nfva: network "lan" (learning bridge)
#
# Usage: sudo bash demo/run.sh [BUILDDIR]     (default: build)
#        DEMO_SCENARIOS="l2" to run only some scenarios, in that order.
#
# Adding a scenario: a file demo/scenarios/NAME.sh that calls
#   demo_scenario NAME "one line saying what it shows"
# and defines NAME_run (returns non-zero on failure) and, if it needs more
# configuration than the base topology, NAME_config (prints config lines).
# Helpers: demo_cmd (runs an nfvactl command and shows it), vm_exec, vm_ip,
# vm_mac, ctl lan, ctlj lan, json_get (tests/lib/lan.sh).
#
# Exit status: 0 when every scenario passed and nfva stopped cleanly.
set -eu -o pipefail

DEMO_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(dirname "$DEMO_DIR")
BUILD=${1:-build}
[ -d "$BUILD" ] || BUILD="$ROOT/$BUILD"
[ -d "$BUILD" ] || { echo "demo: no build directory '${1:-build}': run 'make build' first" >&2; exit 1; }
BUILD=$(cd "$BUILD" && pwd)
export NFVA="$BUILD/appliance/nfva" NFVACTL="$BUILD/cli/nfvactl"
for bin in "$NFVA" "$NFVACTL"; do
	[ -x "$bin" ] || { echo "demo: $bin is missing: run 'make build' first" >&2; exit 1; }
done
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "demo: needs root (network namespaces)" >&2; exit 1; }
	echo "demo: needs root for network namespaces; re-running under sudo"
	exec sudo bash "$0" "$BUILD"
fi

# shellcheck source=tests/lib/lan.sh
. "$ROOT/tests/lib/lan.sh"
command -v ping >/dev/null || { echo "demo: ping is missing (apt-get install iputils-ping)" >&2; exit 1; }

# --- scenario registry --------------------------------------------------------
DEMO_ALL=()
declare -A DEMO_TITLE=()
demo_scenario() { DEMO_ALL+=("$1"); DEMO_TITLE[$1]=$2; }
# demo_cmd WORDS...: shows and runs `nfvactl WORDS...` (tables).
demo_cmd() { echo; echo "\$ nfvactl $*"; ctl lan "$@"; }
demo_section() { echo; echo "=== $* ==="; }

for f in "$DEMO_DIR"/scenarios/*.sh; do
	# shellcheck source=/dev/null
	. "$f"
done
read -r -a DEMO_RUN <<<"${DEMO_SCENARIOS:-${DEMO_ALL[*]}}"

# --- the default configuration ----------------------------------------------------
demo_config() {
	cat <<-CONF
	# nfva demo configuration, written by demo/run.sh. One command per line, in
	# the language \`nfvactl help\` lists; nfva runs them in order at start.
	#
	# A network is a bridge domain: nfva learns source MACs per network and
	# floods broadcast and unknown destinations to its other members.
	network add lan
	# Dynamic MACs not seen for 300 seconds are forgotten.
	fdb ageing 300
	# One port per VM: an af_packet vdev on the host-side end of the VM's veth
	# (nfva runs in the namespace that owns it). vdev names are unique per process.
	CONF
	local k=0
	for vm in "${LAN_VMS[@]}"; do
		echo "port add $vm dev $(vm_devargs "$vm" $k)"
		k=$((k + 1))
	done
	echo "# Untagged members of lan (\`network lan attach PORT vlan N\` would tag)."
	for vm in "${LAN_VMS[@]}"; do
		echo "network lan attach $vm"
	done
	for s in "${DEMO_RUN[@]}"; do
		if declare -F "${s}_config" >/dev/null; then
			echo "# --- added by scenario $s"
			"${s}_config"
		fi
	done
}

# --- main -----------------------------------------------------------------------
cat <<BANNER
nfva demo: an NFV appliance bridging three VMs
  1. create namespaces vm1, vm2, vm3 (10.0.0.1-3/24), each with a veth whose
     other end sits in namespace 'host'
  2. start nfva in 'host' with a default configuration (shown below): network
     'lan' with the three af_packet ports vm1..vm3
  3. run the scenarios:$(for s in "${DEMO_RUN[@]}"; do printf '\n     - %s: %s' "$s" "${DEMO_TITLE[$s]:-?}"; done)
  4. stop nfva (SIGTERM) and remove everything
BANNER

start=$(date +%s)
netns_require
lan_setup
CONF="$TEST_TMP/nfva.conf"
demo_config >"$CONF"
demo_section "configuration ($CONF)"
cat "$CONF"
demo_section "starting nfva"
nfva_up lan "$NS_HOST" "$CONF"

failed=()
for s in "${DEMO_RUN[@]}"; do
	declare -F "${s}_run" >/dev/null || fail "no scenario named '$s' (have: ${DEMO_ALL[*]})"
	demo_section "scenario $s: ${DEMO_TITLE[$s]}"
	if "${s}_run"; then echo; echo "scenario $s: OK"; else echo; echo "scenario $s: FAILED"; failed+=("$s"); fi
done

demo_section "stopping nfva"
nfva_down lan
echo
if [ ${#failed[@]} -ne 0 ]; then
	echo "demo FAILED (${failed[*]}) in $(($(date +%s) - start)) s"
	exit 1
fi
echo "demo OK: ${#DEMO_RUN[@]} scenario(s) passed in $(($(date +%s) - start)) s"
