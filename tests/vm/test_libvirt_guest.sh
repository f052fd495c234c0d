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
# shellcheck source=tests/vm/lib.sh
. "$(dirname "$0")/lib.sh"

vm_require
vm_need ip iproute2
vm_need ethtool ethtool
vm_need xmllint libxml2-utils
vm_need virt-xml-validate libvirt-clients
"$NFVACTL" attach --help 2>&1 | grep -q "built without libvirt" &&
	skip "nfvactl was built without libvirt (libvirt-dev)"
vm_guest
libvirt_up

H1="nfva-vmh1-$VM_ID" H2="nfva-vmh2-$VM_ID" VM="nfva-vmvm-$VM_ID"
DOM="nfva-test-$VM_ID-g"
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

cat > "$VM_TMP/nfva.conf" <<EOF
port add uplink dev net_af_packet0,iface=u1,framesz=2048,blocksz=4096,framecnt=512
underlay set uplink uplink ip 192.168.50.1/24
network add lan vni 5000 encap vxlan
network lan vtep add 192.168.50.2
EOF
nfva_up "$VM_TMP/nfva.conf" "$H1"

# The guest's kernel and initrd where libvirt-qemu can read them.
cp "$GUEST_DIR/vmlinuz" "$GUEST_DIR/initrd.img" "$VM_TMP/"
VHOST="$VM_TMP/vhost"

log "nfvactl guest-xml renders the first interface"
ctl guest-xml --network lan --name g1 --mac $M1 --dir "$VHOST" > "$VM_TMP/if1.xml"
bash "$VM_SRC/libvirt-xml/validate.sh" "$VM_TMP/if1.xml" > /dev/null ||
	fail "rendered interface XML does not validate"
echo "ok: rendered interface XML validates"
cmdline="console=ttyS0 quiet panic=-1 nfva.mac=$M1 nfva.ip=10.0.0.11/24 nfva.peer=10.0.0.2"
cmdline="$cmdline nfva.mac1=$M2 nfva.ip1=10.0.1.11/24 nfva.peer1=10.0.1.2"
cat > "$VM_TMP/domain.xml" <<EOF
<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>
  <name>$DOM</name>
  <memory unit='MiB'>256</memory>
  <memoryBacking><source type='memfd'/><access mode='shared'/></memoryBacking>
  <vcpu>1</vcpu>
  <os>
    <type arch='x86_64' machine='q35'>hvm</type>
    <kernel>$VM_TMP/vmlinuz</kernel>
    <initrd>$VM_TMP/initrd.img</initrd>
    <cmdline>$cmdline</cmdline>
  </os>
  <features><acpi/></features>
  <cpu mode='custom' match='exact' check='none'><model fallback='allow'>qemu64</model></cpu>
  <on_reboot>destroy</on_reboot>
  <devices>
$(cat "$VM_TMP/if1.xml")
    <serial type='file'><source path='$VM_TMP/g.console'/><target port='0'/></serial>
  </devices>
  <qemu:commandline>
    <qemu:arg value='-global'/>
    <qemu:arg value='virtio-net-pci.vectors=0'/>
  </qemu:commandline>
</domain>
EOF
virt-xml-validate "$VM_TMP/domain.xml" > /dev/null || fail "domain XML does not validate"
VM_DOMAINS+=("$DOM")
virsh -q -c "$LIBVIRT_URI" create "$VM_TMP/domain.xml" > /dev/null || fail "virsh create failed"
log "domain $DOM created"
check_guest "guest boots" "$VM_TMP/g.console" "nfva-guest: ready" 150
check_guest "guest reaches the VM across VXLAN" "$VM_TMP/g.console" \
	"nfva-guest: ping0 ok 10.0.0.2" 120
ip netns exec "$VM" ping -c 3 -W 3 10.0.0.11 > /dev/null || fail "VM cannot ping the guest"
echo "ok: the VM pings the guest back"
check_eq "kernel vxlan learned the guest's MAC at nfva's VTEP" \
	"$(bridge -n "$H2" -j fdb show dev vx | json_get \
		"[e['dst'] for e in j if e['mac'] == '$M1' and 'dst' in e][0]")" 192.168.50.1

count_state() { echo "$(ctlj guest port show | json_get "len(j)") $(ctlj port show | json_get "len(j)")"; }
before=$(count_state)
log "failing attaches change nothing (guest ports, ports: $before)"
check_fails "attach to an unknown domain" ctl attach nfva-no-such-domain --network lan --dir "$VHOST"
grep -q "no domain named" "$VM_TMP/err" || fail "unclear error: $(cat "$VM_TMP/err")"
check_fails "attach without libvirtd" ctl attach "$DOM" --network lan --dir "$VHOST" \
	--connect "qemu:///system?socket=$VM_TMP/no-libvirtd.sock"
grep -q "cannot connect to libvirt" "$VM_TMP/err" || fail "unclear error: $(cat "$VM_TMP/err")"
check_fails "attach a VF when there is none" ctl attach "$DOM" --network lan --vf
grep -q "no free VF" "$VM_TMP/err" || fail "unclear error: $(cat "$VM_TMP/err")"
mkdir -m 0700 "$VM_TMP/closed"
check_fails "attach with a socket directory QEMU cannot write" ctl attach "$DOM" \
	--network lan --dir "$VM_TMP/closed"
grep -q "removed again" "$VM_TMP/err" || fail "no rollback reported: $(cat "$VM_TMP/err")"
check_eq "guest ports and ports after the failures" "$(count_state)" "$before"
check_eq "domain interfaces after the failures" \
	"$(virsh -q -c "$LIBVIRT_URI" domiflist "$DOM" | grep -c vhostuser)" 1

log "nfvactl attach hot-plugs the second interface"
t0=$SECONDS
ctlj attach "$DOM" --network lan --name g2 --mac $M2 --dir "$VHOST" > "$VM_TMP/attach.json" ||
	fail "nfvactl attach failed"
echo "ok: nfvactl attach ($((SECONDS - t0)) s)"
check_eq "attach: live, not config (transient domain)" \
	"$(json_get "[j['live'], j['config']]" < "$VM_TMP/attach.json")" "[true, false]"
json_get "j['xml']" < "$VM_TMP/attach.json" | bash "$VM_SRC/libvirt-xml/validate.sh" - > /dev/null ||
	fail "attach XML does not validate"
check_eq "domain interfaces after attach" \
	"$(virsh -q -c "$LIBVIRT_URI" domiflist "$DOM" | grep -c vhostuser)" 2
check_guest "guest pings over the hot-plugged interface" "$VM_TMP/g.console" \
	"nfva-guest: ping1 ok 10.0.1.2" 120
check_ge "port g2 rx packets" "$(port_counter g2 rx_packets)" 2
check_ge "port g2 tx packets" "$(port_counter g2 tx_packets)" 1
ip netns exec "$VM" ping -c 3 -W 3 10.0.1.11 > /dev/null || fail "VM cannot ping eth1"
echo "ok: the VM pings the hot-plugged interface"

log "nfvactl detach unplugs it and removes the port"
t0=$SECONDS
ctl detach "$DOM" --port g2 || fail "nfvactl detach failed"
echo "ok: nfvactl detach ($((SECONDS - t0)) s)"
check_eq "domain interfaces after detach" \
	"$(virsh -q -c "$LIBVIRT_URI" domiflist "$DOM" | grep -c vhostuser)" 1
check_eq "guest ports after detach" "$(ctlj guest port show | json_get "[p['name'] for p in j]")" \
	'["g1"]'
check_fails "port g2 is gone" ctl port show g2
check_fails "detach it again" ctl detach "$DOM" --port g2
ip netns exec "$VM" ping -c 2 -W 3 10.0.0.11 > /dev/null || fail "eth0 stopped working"
echo "ok: the first interface still works"
echo "PASS: test_libvirt_guest"
