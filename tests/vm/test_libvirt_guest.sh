#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test_libvirt_guest: a libvirt guest (<domain type='qemu'>, TCG) created with
# `virsh create` from XML that nfvactl rendered reaches a namespace "VM"
# across a VXLAN overlay to a Linux kernel vxlan peer; `nfvactl attach`
# hot-plugs a second interface and traffic flows on it; `nfvactl detach`
# removes it. Failing attaches (unknown domain, no libvirtd, no free VF, a
# device QEMU refuses) leave the appliance unchanged.
#
#   libvirt domain nfva-test-PID-g (TCG)
#     eth0 10.0.0.11 ── vhost-user g1 ──┐
#     eth1 10.0.1.11 ── vhost-user g2 ──┤ (hot-plugged by nfvactl attach)
#                                       │
#   ---- ns H1: nfva, network lan (vni 5000, vxlan) ----
#        uplink u1 192.168.50.1 (net_af_packet)
#                    ║ veth (underlay)
#        u2 192.168.50.2 ── vx (kernel vxlan 5000) ── br0 ── veth ── ns VM: v0
#   ---- ns H2 -------------------------------------------     10.0.0.2, 10.0.1.2
set -euo pipefail
# shellcheck source=tests/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_require
need ip iproute2
need ethtool ethtool
need xmllint libxml2-utils
need virt-xml-validate libvirt-clients
"$NFVACTL" attach --help 2>&1 | grep -q "built without libvirt" &&
	skip "nfvactl was built without libvirt (libvirt-dev)"
vm_guest
libvirt_up

H1="nfva-vmh1-$TEST_ID" H2="nfva-vmh2-$TEST_ID" VM="nfva-vmvm-$TEST_ID"
DOM="nfva-test-$TEST_ID-g"
M1=52:54:00:00:11:01 M2=52:54:00:00:11:02
ns_add "$H1" "$H2" "$VM"
veth "$H1" u1 "$H2" u2
veth "$H2" vmp "$VM" v0
ip -n "$H2" addr add 192.168.50.2/24 dev u2
ip -n "$H2" link add vx type vxlan id 5000 dstport 4789 local 192.168.50.2 \
	remote 192.168.50.1 dev u2
ip -n "$H2" link add br0 type bridge
ip -n "$H2" link set vx master br0
ip -n "$H2" link set vmp master br0
ip -n "$H2" link set vx up
ip -n "$H2" link set br0 up
ip -n "$VM" addr add 10.0.0.2/24 dev v0
ip -n "$VM" addr add 10.0.1.2/24 dev v0

cat > "$TEST_TMP/nfva.conf" <<EOF
port add uplink dev net_af_packet0,iface=u1,framesz=2048,blocksz=4096,framecnt=512
underlay set uplink uplink ip 192.168.50.1/24
network add lan vni 5000 encap vxlan
network lan vtep add 192.168.50.2
EOF
nfva_up nfva "$H1" "$TEST_TMP/nfva.conf"

# The guest's kernel and initrd where libvirt-qemu can read them.
cp "$GUEST_DIR/vmlinuz" "$GUEST_DIR/initrd.img" "$TEST_TMP/"
VHOST="$TEST_TMP/vhost"

log "nfvactl guest-xml renders the first interface"
ctl nfva guest-xml --network lan --name g1 --mac $M1 --dir "$VHOST" > "$TEST_TMP/if1.xml"
bash "$VM_SRC/libvirt-xml/validate.sh" "$TEST_TMP/if1.xml" > /dev/null ||
	fail "rendered interface XML does not validate"
echo "ok: rendered interface XML validates"
cmdline="console=ttyS0 quiet panic=-1 nfva.mac=$M1 nfva.ip=10.0.0.11/24 nfva.peer=10.0.0.2"
cmdline="$cmdline nfva.mac1=$M2 nfva.ip1=10.0.1.11/24 nfva.peer1=10.0.1.2"
cat > "$TEST_TMP/domain.xml" <<EOF
<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>$DOM</name>
  <memory unit='MiB'>256</memory>
  <memoryBacking><source type='memfd'/><access mode='shared'/></memoryBacking>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <kernel>$TEST_TMP/vmlinuz</kernel>
    <initrd>$TEST_TMP/initrd.img</initrd>
    <cmdline>$cmdline</cmdline>
  </os>
  <features><acpi/></features>
  <cpu mode='custom' match='exact' check='none'><model fallback='allow'>qemu64</model></cpu>
  <on_reboot>destroy</on_reboot>
  <devices>
$(cat "$TEST_TMP/if1.xml")
    <serial type='file'><source path='$TEST_TMP/g.console'/><target port='0'/></serial>
  </devices>
  <qemu:commandline>
    <qemu:arg value='-global'/>
    <qemu:arg value='virtio-net-pci.vectors=0'/>
  </qemu:commandline>
</domain>
EOF
virt-xml-validate "$TEST_TMP/domain.xml" > /dev/null || fail "domain XML does not validate"
VM_DOMAINS+=("$DOM")
virsh -q -c "$LIBVIRT_URI" create "$TEST_TMP/domain.xml" > /dev/null || fail "virsh create failed"
log "domain $DOM created"
check_guest "guest boots" "$TEST_TMP/g.console" "nfva-guest: ready" 150
check_guest "guest reaches the VM across VXLAN" "$TEST_TMP/g.console" \
	"nfva-guest: ping0 ok 10.0.0.2" 120
ip netns exec "$VM" ping -c 3 -W 3 10.0.0.11 > /dev/null || fail "VM cannot ping the guest"
echo "ok: the VM pings the guest back"
check_eq "kernel vxlan learned the guest's MAC at nfva's VTEP" \
	"$(bridge -n "$H2" -j fdb show dev vx | json_get \
		"[e['dst'] for e in j if e['mac'] == '$M1' and 'dst' in e][0]")" 192.168.50.1

count_state() { echo "$(ctlj nfva guest port show | json_get "len(j)") $(ctlj nfva port show | json_get "len(j)")"; }
before=$(count_state)
log "failing attaches change nothing (guest ports, ports: $before)"
check_fails "attach to an unknown domain" ctl nfva attach nfva-no-such-domain --network lan --dir "$VHOST"
grep -q "no domain named" "$TEST_TMP/err" || fail "unclear error: $(cat "$TEST_TMP/err")"
check_fails "attach without libvirtd" ctl nfva attach "$DOM" --network lan --dir "$VHOST" \
	--connect "qemu:///system?socket=$TEST_TMP/no-libvirtd.sock"
grep -q "cannot connect to libvirt" "$TEST_TMP/err" || fail "unclear error: $(cat "$TEST_TMP/err")"
check_fails "attach a VF when there is none" ctl nfva attach "$DOM" --network lan --vf
grep -q "no free VF" "$TEST_TMP/err" || fail "unclear error: $(cat "$TEST_TMP/err")"
mkdir -m 0700 "$TEST_TMP/closed"
check_fails "attach with a socket directory QEMU cannot write" ctl nfva attach "$DOM" \
	--network lan --dir "$TEST_TMP/closed"
grep -q "removed again" "$TEST_TMP/err" || fail "no rollback reported: $(cat "$TEST_TMP/err")"
check_eq "guest ports and ports after the failures" "$(count_state)" "$before"
check_eq "domain interfaces after the failures" \
	"$(virsh -q -c "$LIBVIRT_URI" domiflist "$DOM" | grep -c vhostuser)" 1

log "nfvactl attach hot-plugs the second interface"
t0=$SECONDS
ctlj nfva attach "$DOM" --network lan --name g2 --mac $M2 --dir "$VHOST" > "$TEST_TMP/attach.json" ||
	fail "nfvactl attach failed"
echo "ok: nfvactl attach ($((SECONDS - t0)) s)"
check_eq "attach: live, not config (transient domain)" \
	"$(json_get "[j['live'], j['config']]" < "$TEST_TMP/attach.json")" "[true, false]"
json_get "j['xml']" < "$TEST_TMP/attach.json" | bash "$VM_SRC/libvirt-xml/validate.sh" - > /dev/null ||
	fail "attach XML does not validate"
check_eq "domain interfaces after attach" \
	"$(virsh -q -c "$LIBVIRT_URI" domiflist "$DOM" | grep -c vhostuser)" 2
check_guest "guest pings over the hot-plugged interface" "$TEST_TMP/g.console" \
	"nfva-guest: ping1 ok 10.0.1.2" 120
check_ge "port g2 rx packets" "$(port_counter nfva g2 rx_packets)" 2
check_ge "port g2 tx packets" "$(port_counter nfva g2 tx_packets)" 1
ip netns exec "$VM" ping -c 3 -W 3 10.0.1.11 > /dev/null || fail "VM cannot ping eth1"
echo "ok: the VM pings the hot-plugged interface"

log "nfvactl detach unplugs it and removes the port"
t0=$SECONDS
ctl nfva detach "$DOM" --port g2 || fail "nfvactl detach failed"
echo "ok: nfvactl detach ($((SECONDS - t0)) s)"
check_eq "domain interfaces after detach" \
	"$(virsh -q -c "$LIBVIRT_URI" domiflist "$DOM" | grep -c vhostuser)" 1
check_eq "guest ports after detach" "$(ctlj nfva guest port show | json_get "[p['name'] for p in j]")" \
	'["g1"]'
check_fails "port g2 is gone" ctl nfva port show g2
check_fails "detach it again" ctl nfva detach "$DOM" --port g2
ip netns exec "$VM" ping -c 2 -W 3 10.0.0.11 > /dev/null || fail "eth0 stopped working"
echo "ok: the first interface still works"
echo "PASS: test_libvirt_guest"
