#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# shellcheck source-path=SCRIPTDIR
#
# First-packet latency: two VFs' kernel netdevs in two namespaces ping each
# other through nfva. Before each trial the rules and the learned MACs are
# flushed, so the first echo takes the slow path (learning, decision, rule
# install) and the later ones the e-switch. Prints the first RTT and the
# median of the others, per trial.
#
#   first_packet.sh --pf ens1f0 [--trials 10] [--dry-run]
set -eu -o pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PF='' TRIALS=10
options "pf=PF trials=TRIALS" "$@"
[ -n "$PF" ] || die "--pf is required"

netdev_of_vf() {
	local d
	d=$(ls "/sys/class/net/$PF/device/virtfn$1/net" 2>/dev/null | head -1)
	echo "${d:-VF$1_NETDEV}"
}
for i in 0 1; do
	dev=$(netdev_of_vf "$i")
	run ip netns add "lab-vm$i"
	run ip link set "$dev" netns "lab-vm$i"
	run ip -n "lab-vm$i" addr add "10.9.0.$((i + 1))/24" dev "$dev"
	run ip -n "lab-vm$i" link set "$dev" up
done
for ((t = 1; t <= TRIALS; t++)); do
	ctl offload flush
	ctl fdb flush
	run ip -n lab-vm0 neigh flush all
	run ip netns exec lab-vm0 ping -c 5 -i 0.2 -q 10.9.0.2
	[ "$DRY_RUN" = 1 ] && continue
	ip netns exec lab-vm0 ping -c 5 -i 0.2 10.9.0.2 |
		awk -F'time=' '/time=/{split($2,a," "); v[n++]=a[1]} END {
			printf "trial: first %.3f ms, later median %.3f ms\n", v[0], v[2]}'
done
