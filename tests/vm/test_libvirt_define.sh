#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test_libvirt_define: libvirtd itself accepts the templates: the VF pool
# network (<forward mode='hostdev'>), the guest with a hostdev VF interface
# and a pool interface, the vhost-user guest and the appliance VM all define;
# `virsh attach-interface DOMAIN network POOL --config` works against the pool.
# Nothing SR-IOV can start here (no VFs): the define is asserted, the start
# only has to fail cleanly.
set -euo pipefail
# shellcheck source=tests/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_require
libvirt_up
X="$VM_SRC/libvirt-xml"
P="nfva-test-$TEST_ID"
V=(virsh -q -c "$LIBVIRT_URI")
POOL="$P-vfpool"
NETS=()
cleanup_nets() { for n in "${NETS[@]}"; do "${V[@]}" net-undefine "$n" > /dev/null 2>&1; done; }
on_exit cleanup_nets

# rename FILE: the template with names of this run (domains and the pool).
rename() {
	sed -e "s|<name>\\([^<]*\\)</name>|<name>$P-\\1</name>|" \
		-e "s|network='vfpool'|network='$POOL'|" "$1"
}

rename "$X/network-vf-pool.xml" > "$TEST_TMP/net.xml"
"${V[@]}" net-define "$TEST_TMP/net.xml" > /dev/null || fail "the VF pool network does not define"
NETS+=("$POOL")
check_eq "pool forward mode" \
	"$("${V[@]}" net-dumpxml "$POOL" | xmllint --xpath 'string(/network/forward/@mode)' -)" hostdev
check_fails "the pool cannot start without VFs" "${V[@]}" net-start "$POOL"

# The domain templates are <domain type='kvm'>: libvirt defines them only
# where QEMU can use KVM.
[ -c /dev/kvm ] || skip "no /dev/kvm: libvirt cannot define the type='kvm' domain templates here"
for t in guest-vf guest-vhostuser appliance-vm; do
	rename "$X/$t.xml" > "$TEST_TMP/$t.xml"
	name=$(xmllint --xpath 'string(/domain/name)' "$TEST_TMP/$t.xml")
	"${V[@]}" define "$TEST_TMP/$t.xml" > /dev/null || fail "$t.xml does not define"
	VM_DOMAINS+=("$name")
	check_eq "$t defined" "$("${V[@]}" domstate "$name")" "shut off"
done
check_eq "guest-vf interfaces (hostdev, network pool)" \
	"$("${V[@]}" domiflist "$P-guest-vf" --inactive | awk '{ print $2 }' | tr '\n' ' ')" "hostdev network "
check_eq "guest-vf hostdev PCI address" "$("${V[@]}" dumpxml "$P-guest-vf" --inactive |
	xmllint --xpath 'string(//interface[@type="hostdev"]/source/address/@bus)' -)" 0x08
check_fails "guest-vf cannot start without VFs" "${V[@]}" start "$P-guest-vf"
echo "  ($(tail -n 1 "$TEST_TMP/err"))"

"${V[@]}" attach-interface "$P-guest1" network "$POOL" --config > /dev/null ||
	fail "attach-interface from the pool"
check_eq "guest1 interfaces after attach-interface" \
	"$("${V[@]}" domiflist "$P-guest1" --inactive | awk '{ print $2 }' | tr '\n' ' ')" "vhostuser network "
check_eq "appliance VM hugepages" "$("${V[@]}" dumpxml "$P-nfva" --inactive |
	xmllint --xpath 'string(//memoryBacking/hugepages/page/@size)' -)" 2048
check_eq "appliance VM pinned vCPUs" "$("${V[@]}" vcpupin "$P-nfva" --config | grep -c '^ *[0-9]')" 3
echo "PASS: test_libvirt_define"
