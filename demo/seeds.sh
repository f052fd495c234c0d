#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The seed scenarios of nfva, end to end, after the L2 demo (`make demo`):
# each runs real peers in network namespaces it creates and tears down —
# the Linux kernel vxlan driver, a second nfva, Open vSwitch, tshark — and
# checks what crosses the wire. They are the same scripts the netns test
# suite runs; here they print what they do as they go.
#
# Usage: sudo bash demo/seeds.sh [BUILDDIR]      SEEDS="vxlan gre" to pick some.
# Exit status: 0 when every scenario passed (a scenario whose peer cannot run
# here is reported SKIPPED with the reason, and does not fail the demo).
set -u

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BUILD=${1:-build}
[ -d "$BUILD" ] || BUILD="$ROOT/$BUILD"
BUILD=$(cd "$BUILD" && pwd)
export NFVA="$BUILD/appliance/nfva" NFVACTL="$BUILD/cli/nfvactl" NFVA_SOURCE_ROOT="$ROOT"

# name | title | script (relative to the source root) [mode]
SCENARIOS=(
	"vxlan|Linux VXLAN interop: nfva and a kernel vxlan device (VNI 6000), unicast and multicast|tests/netns/test_overlay_vxlan_kernel.sh"
	"gre|L2 over GRE between two hosts: two nfva, VM1 10.1.1.20 and VM2 10.1.1.30, key 5001 (then VXLAN, NVGRE)|tests/netns/test_overlay_gre_two_hosts.sh"
	"gre-ovs|GRE interop with Open vSwitch (userspace datapath, key 5001)|tests/netns/test_overlay_gre_ovs.sh"
	"vxlan6|IPv6 underlay: VXLAN with the Linux kernel over 2001:db8:1::/64 (learning, strict, zero checksums, MTU, dual-stack with an IPv4 network)|tests/netns/test_overlay_vxlan6_kernel.sh"
	"gre6-ovs|IPv6 underlay: L2 GRE with Open vSwitch ip6gre (userspace datapath, key 5001)|tests/netns/test_overlay_gre6_ovs.sh"
	"erspan6-ovs|IPv6 underlay: ERSPAN II/III both ways with Open vSwitch ip6erspan|tests/netns/test_mirror_ovs_erspan6.sh"
	"offload|SR-IOV offload: the same overlays carried by emulated e-switch rules (VXLAN to the kernel)|tests/netns/test_overlay_vxlan_kernel.sh offload"
	"offload-gre|SR-IOV offload: GRE between two nfva, rules in both e-switches|tests/netns/test_overlay_gre_two_hosts.sh offload"
	"mirror|Port mirroring across a tunnel (tap-as-a-service): vm1, vm3 mirrored to vm4 over VXLAN|tests/netns/test_mirror_taas.sh"
	"lisp|LISP between two hosts, no static ARP, no MAC rewrite|tests/netns/test_lisp_seed.sh"
	"lisp6|IPv6 underlay: LISP between two hosts with IPv6 RLOCs (static, then map-server/resolver)|tests/netns/test_lisp_seed.sh ipv6"
)

want() {
	[ -z "${SEEDS:-}" ] && return 0
	for s in $SEEDS; do [ "$s" = "$1" ] && return 0; done
	return 1
}

passed=0 failed=0 skipped=0
for entry in "${SCENARIOS[@]}"; do
	IFS='|' read -r name title run <<<"$entry"
	read -r script mode <<<"$run"
	want "$name" || continue
	printf '\n==== seed scenario: %s\n     %s\n' "$name" "$title"
	if [ ! -f "$ROOT/$script" ]; then
		echo "     SKIPPED: $script is not part of this build"
		skipped=$((skipped + 1))
		continue
	fi
	log=$(mktemp)
	bash "$ROOT/$script" ${mode:+"$mode"} 2>&1 | tee "$log" | grep -E '^(ok|FAIL|SKIP|NOTE)' | sed 's/^/     /'
	rc=${PIPESTATUS[0]}
	case $rc in
	0) echo "     PASSED"; passed=$((passed + 1)) ;;
	77) echo "     SKIPPED: $(tail -n 1 "$log")"; skipped=$((skipped + 1)) ;;
	*) echo "     FAILED (exit $rc); last lines:"; tail -n 15 "$log" | sed 's/^/       /'
	   failed=$((failed + 1)) ;;
	esac
	rm -f "$log"
done
printf '\nseed scenarios: %d passed, %d failed, %d skipped\n' "$passed" "$failed" "$skipped"
[ "$failed" -eq 0 ]
