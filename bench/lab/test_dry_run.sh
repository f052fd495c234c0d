#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# CI test of the lab scripts: their --dry-run for a sample PF must print the
# exact commands a lab engineer would run (no NIC needed, nothing executed).
set -u
LAB=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# The expected lines name the tools as on PATH (meson sets NFVA/NFVACTL to the build).
unset NFVA NFVACTL
PF=ens1f0 PCI=0000:3b:00.0 GEN=0000:af:00.0
fails=0 passes=0

out=$(bash "$LAB/run.sh" --dry-run --pf $PF --pci $PCI --gen-pci $GEN --vfs 2 2>&1)
rc=$?

expect() {
	if grep -qxF -- "$1" <<<"$out"; then
		passes=$((passes + 1))
	else
		echo "FAIL: missing line: $1"
		fails=$((fails + 1))
	fi
}

[ $rc -eq 0 ] || { echo "FAIL: run.sh --dry-run exited $rc"; echo "$out"; exit 1; }
expect "+ echo 0 > /sys/class/net/$PF/device/sriov_numvfs"
expect "+ echo 2 > /sys/class/net/$PF/device/sriov_numvfs"
expect "+ ip link set $PF vf 0 mac 02:00:00:00:10:00 spoofchk off trust on"
expect "+ ip link set $PF vf 1 mac 02:00:00:00:10:01 spoofchk off trust on"
expect "+ devlink dev eswitch set pci/$PCI mode switchdev"
expect "port add pf dev $PCI eswitch nic"
expect "port add vf0 dev $PCI,representor=vf0 vf-of pf"
expect "port add vf1 dev $PCI,representor=vf1 vf-of pf"
expect "network lab attach vf1"
expect "+ nfva -l 0,1 -a $PCI --file-prefix nfva-lab --huge-unlink -- --config /run/nfva/lab.conf --socket /run/nfva/lab.sock --busy-poll --fdb-entries 1048576 >/run/nfva/lab.log 2>&1 &"
expect "+ dpdk-testpmd -l 0-3 -a $GEN --file-prefix lab-gen --huge-unlink -- --forward-mode=txonly --txonly-multi-flow --txpkts=60 --eth-peer=0,02:00:00:00:10:00 --nb-cores=2 --txq=2 --rxq=2 --stats-period=1 >/tmp/lab-gen.log 2>&1 &"
expect "+ nfvactl -s /run/nfva/lab.sock offload flush"
expect "+ ip netns exec lab-vm0 ping -c 5 -i 0.2 -q 10.9.0.2"
expect "+ dpdk-test-flow-perf -l 0-1 -a $PCI,representor=vf0 --file-prefix lab-flowperf --huge-unlink -- --transfer --ether --port-id --rules-count=1000000 --rules-batch=100000 --deletion-rate --dump-socket-mem"

# An overlay run configures the uplink and the VTEP instead of a plain network.
out=$(bash "$LAB/start_nfva.sh" --dry-run --pci $PCI --vfs 1 --overlay vxlan 2>&1)
expect "underlay set uplink pf ip 192.168.1.249/24"
expect "neigh add 192.168.1.252 lladdr 02:00:00:00:02:52"
expect "network add lab vni 5000 encap vxlan"

# Nothing but printing happened: every action line starts with "+ ".
out=$(bash "$LAB/setup_switchdev.sh" --dry-run --pf $PF --pci $PCI --vfs 1 2>&1)
if grep -vE '^(\+ |# )' <<<"$out" | grep -q .; then
	echo "FAIL: setup_switchdev.sh --dry-run printed something that is not a command:"
	grep -vE '^(\+ |# )' <<<"$out"
	fails=$((fails + 1))
else
	passes=$((passes + 1))
fi
# A missing required option is an error, not a silent run.
if bash "$LAB/traffic.sh" --dry-run >/dev/null 2>&1; then
	echo "FAIL: traffic.sh without --gen-pci succeeded"
	fails=$((fails + 1))
else
	passes=$((passes + 1))
fi

# The scaling runbook: one bench run per worker count, on the same scenarios.
out=$(bash "$LAB/scaling.sh" --dry-run --workers 1,2,4 --out /tmp/sc 2>&1)
expect "+ bash $(cd "$LAB/.." && pwd)/run.sh --workers 1 --only l2-known,vxlan-encap,vxlan-decap,gre-decap --reps 3 --no-micro --out /tmp/sc/w1"
expect "+ bash $(cd "$LAB/.." && pwd)/run.sh --workers 4 --only l2-known,vxlan-encap,vxlan-decap,gre-decap --reps 3 --no-micro --out /tmp/sc/w4"
if bash "$LAB/scaling.sh" --dry-run --workers 0,2 >/dev/null 2>&1; then
	echo "FAIL: scaling.sh --workers 0,2 succeeded"
	fails=$((fails + 1))
else
	passes=$((passes + 1))
fi

echo "$passes passed, $fails failed"
[ $fails -eq 0 ]
