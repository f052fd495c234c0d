#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# shellcheck source-path=SCRIPTDIR
#
# Start nfva on the PF with its VF representors: the PF owns the NIC's
# e-switch (rte_flow transfer rules), each VF representor is a port, the
# worker on lcore 1 busy-polls. With --overlay, the PF is the uplink of a
# VXLAN or GRE network whose remote VTEP is --vtep (static neighbour).
#
#   start_nfva.sh --pci 0000:3b:00.0 [--vfs 2] [--overlay none|vxlan|gre]
#                 [--uplink-ip 192.168.1.249/24] [--vtep 192.168.1.252]
#                 [--vtep-mac 02:00:00:00:02:52] [--nfva PATH] [--dry-run]
set -eu -o pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PCI='' VFS=2 OVERLAY=none UPLINK_IP=192.168.1.249/24 VTEP=192.168.1.252
VTEP_MAC=02:00:00:00:02:52 NFVA=${NFVA:-nfva} CONF=/run/nfva/lab.conf
options "pci=PCI vfs=VFS overlay=OVERLAY uplink-ip=UPLINK_IP vtep=VTEP vtep-mac=VTEP_MAC nfva=NFVA" "$@"
[ -n "$PCI" ] || die "--pci PF_ADDRESS is required"

{
	echo "port add pf dev $PCI eswitch nic"
	for ((i = 0; i < VFS; i++)); do
		echo "port add vf$i dev $PCI,representor=vf$i vf-of pf"
	done
	case $OVERLAY in
	none)
		echo "network add lab"
		echo "network lab attach pf"
		;;
	vxlan|gre)
		echo "underlay set uplink pf ip $UPLINK_IP"
		echo "neigh add $VTEP lladdr $VTEP_MAC"
		echo "network add lab vni 5000 encap $OVERLAY"
		echo "network lab vtep add $VTEP"
		;;
	*) die "--overlay none|vxlan|gre" ;;
	esac
	for ((i = 0; i < VFS; i++)); do
		echo "network lab attach vf$i"
	done
	echo "offload on"
} | { run mkdir -p /run/nfva; write_file "$CONF"; }

# The PF is probed by the first `port add`; -a keeps EAL from probing others.
run_bg /run/nfva/lab.log "$NFVA" -l 0,1 -a "$PCI" --file-prefix nfva-lab --huge-unlink -- \
	--config "$CONF" --socket "$LAB_SOCK" --busy-poll --fdb-entries 1048576
[ "$DRY_RUN" = 1 ] || { sleep 5; ctl port show; ctl offload show caps; }
