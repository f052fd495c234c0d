#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test_appliance_boot: the appliance VM image made from the Debian package
# boots, its systemd runs nfva from the package's unit, and nfva inside
# forwards frames between the VM's two vhost-user NICs. The package and the
# image come from appliance_image (tests/lib/vm.sh: both cached by content).
# QEMU TCG, 2 vCPUs, snapshot mode (the image is not changed), a config drive
# made here. One boot checks, on the serial console: the config drive was
# read and the two NICs raised for af_packet; nfva.service is Type=notify,
# active/running (READY=1 came, after the config was applied), with its 30 s
# watchdog and no restart; `nfvactl version` is the package's; nfva runs the
# config drive's network. Then traffic: dpdk-testpmd on the host serves the
# two vhost-user sockets and sends the frames of appliance_frames.py into
# each NIC; what comes back out of the other NIC must be, byte for byte, the
# frames nfva forwards (sizes 60-1514, unicast and broadcast; the VLAN 99
# frame dropped), and nfva's `port show stats` (printed by the selftest unit
# as it changes) must count them.
#
#   host: testpmd  pcap west-in -> vhost0 (west.sock)   vhost1 (east.sock) <- pcap east-in
#                  pcap west-out <-    |                      |     -> pcap east-out
#   VM:   virtio-net enp0s6 (af_packet) port west -- network vmtest -- port east (af_packet) enp0s7
#         vda = nfva.qcow2 (snapshot), vdb = config drive (NFVA-CFG: nfva.conf,
#         default, selftest "watch 600"), ttyS0 -> console file
set -euo pipefail
# shellcheck source=tests/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_require
need qemu-system-x86_64 qemu-system-x86
need dpdk-testpmd dpdk
appliance_image
IMG=$APPLIANCE_DIR
CONSOLE=$TEST_TMP/appliance.console

mkdir -p "$TEST_TMP/cfg"
cat > "$TEST_TMP/cfg/nfva.conf" <<'EOT'
port add west dev net_af_packet0,iface=enp0s6
port add east dev net_af_packet1,iface=enp0s7
network add vmtest
network vmtest attach west
network vmtest attach east
EOT
cat > "$TEST_TMP/cfg/default" <<'EOT'
NFVA_EAL_ARGS="-l 0,1 --huge-unlink"
NFVA_ARGS="--fdb-entries 65536 --mbufs 8191"
EOT
echo "watch 600" > "$TEST_TMP/cfg/selftest"
mkfs.ext4 -q -F -L NFVA-CFG -d "$TEST_TMP/cfg" "$TEST_TMP/cfg.img" 4M > /dev/null

counts=$("$PY" "$VM_SRC/tests/vm/appliance_frames.py" write "$TEST_TMP") ||
	fail "appliance_frames.py write: $counts"
read -r n_west n_east_out n_east n_west_out <<<"$counts"
vhost_peer "$TEST_TMP/west.sock" "$TEST_TMP/west-in.pcap" "$TEST_TMP/west-out.pcap" \
	"$TEST_TMP/east.sock" "$TEST_TMP/east-in.pcap" "$TEST_TMP/east-out.pcap"

log "booting $IMG/nfva.qcow2 under TCG"
t_boot=$SECONDS
nic() { # N SOCK PCI_SLOT MAC: a virtio-net NIC on a vhost-user socket (testpmd listens)
	echo "-chardev socket,id=c$1,path=$2 -netdev vhost-user,id=n$1,chardev=c$1"
	echo "-device virtio-net-pci,netdev=n$1,addr=$3,mac=$4,vectors=0"
}
# shellcheck disable=SC2046 # nic prints words
qemu-system-x86_64 -machine q35,accel=tcg -cpu max -smp 2 -m 1024 -nodefaults -display none \
	-no-reboot -snapshot \
	-object memory-backend-memfd,id=mem,size=1024M,share=on -numa node,memdev=mem \
	-kernel "$IMG/vmlinuz" -initrd "$IMG/initrd.img" \
	-append "root=/dev/vda rw console=ttyS0 default_hugepagesz=2M hugepagesz=2M hugepages=256 panic=-1" \
	-drive "file=$IMG/nfva.qcow2,if=virtio,format=qcow2" \
	-drive "file=$TEST_TMP/cfg.img,if=virtio,format=raw,readonly=on" \
	$(nic 0 "$TEST_TMP/west.sock" 0x6 52:54:00:00:0a:06) \
	$(nic 1 "$TEST_TMP/east.sock" 0x7 52:54:00:00:0b:07) \
	-serial "file:$CONSOLE" > "$TEST_TMP/appliance.qemu.log" 2>&1 &
bg_track "$!"
check_guest "the config drive is read" "$CONSOLE" "nfva-config: configuration from" 240
check_guest "west NIC (enp0s6) up for af_packet" "$CONSOLE" "nfva-config: enp0s6 up" 60
check_guest "east NIC (enp0s7) up for af_packet" "$CONSOLE" "nfva-config: enp0s7 up" 60
check_guest "the selftest ran after nfva.service" "$CONSOLE" "nfva-selftest: networks" 240
log "appliance up in $((SECONDS - t_boot)) s"
console() { grep -a "nfva-selftest: $1 " "$CONSOLE" | head -n 1 | tr -d '\r'; }
unit=$(console unit)
echo "$unit"
for want in notify active running 30s; do
	grep -qw -- "$want" <<<"$unit" || fail "nfva.service is not $want: $unit"
done
read -r -a props <<<"${unit#*unit }"
echo "ok: nfva.service is Type=notify, active, running, WatchdogSec=30s"
grep -qE "(^| )0( |$)" <<<"${unit#*unit }" || fail "nfva.service restarted: $unit"
echo "ok: nfva.service never restarted (NRestarts 0 of ${props[*]})"
line=$(console version)
echo "$line"
grep -q "\"version\":\"$APPLIANCE_VERSION\"" <<<"$line" ||
	fail "not the package's version $APPLIANCE_VERSION: $line"
echo "ok: nfvactl version inside the VM = the package's ($APPLIANCE_VERSION)"
line=$(console networks)
echo "$line"
grep -q '"name":"vmtest"' <<<"$line" || fail "nfva does not run the config drive's network: $line"
echo "ok: nfva runs the config drive's network"
check_guest "the selftest watches nfva's port counters" "$CONSOLE" "nfva-selftest: stats " 60

log "traffic: $n_west frames into west, $n_east into east"
t_fwd=$SECONDS
vhost_peer_cmd start
# testpmd's ports 0 and 3 transmit what came out of the VM's west and east NICs.
out_done() {
	[ "$(vhost_peer_counter 0 TX-packets)" -ge "$n_west_out" ] 2>/dev/null &&
		[ "$(vhost_peer_counter 3 TX-packets)" -ge "$n_east_out" ] 2>/dev/null
}
wait_for 180 out_done || log "not every frame came back within 180 s"
sleep 2 # anything more (there must be nothing more) comes now
check_eq "frames testpmd sent into west (vhost0 TX)" "$(vhost_peer_counter 1 TX-packets)" "$n_west"
check_eq "frames testpmd sent into east (vhost1 TX)" "$(vhost_peer_counter 2 TX-packets)" "$n_east"
check_eq "frames out of west (vhost0 RX)" "$(vhost_peer_counter 1 RX-packets)" "$n_west_out"
check_eq "frames out of east (vhost1 RX)" "$(vhost_peer_counter 2 RX-packets)" "$n_east_out"
vhost_peer_quit
"$PY" "$VM_SRC/tests/vm/appliance_frames.py" check "$TEST_TMP" ||
	fail "the frames out of the appliance are not the ones nfva forwards (above)"
echo "ok: the frames out of each NIC are the other NIC's, byte for byte (VLAN 99 dropped)"

want="{\"east\": [$n_east, $n_east_out, 0], \"west\": [$n_west, $n_west_out, 1]}"
# nfva's counters inside the VM, from the selftest's latest stats line that
# parses (a kernel message may cut into a console line).
vm_counters() {
	grep -a "nfva-selftest: stats " "$CONSOLE" | tr -d '\r' | sed 's/^.*nfva-selftest: stats //' |
		"$PY" -c '
import json, sys
for line in reversed(sys.stdin.read().splitlines()):
    try:
        j = json.loads(line)
        r = {p: [j[p]["rx_packets"], j[p]["tx_packets"], j[p]["dropped"].get("vlan_unknown", 0)]
             for p in ("west", "east")}
    except (ValueError, KeyError, TypeError, AttributeError):
        continue
    print(json.dumps(r, sort_keys=True))
    break
'
}
wait_for 60 cmd_eq vm_counters "$want" || true
check_eq "nfva's port counters in the VM (rx, tx, vlan_unknown drops)" "$(vm_counters)" "$want"
log "forwarding checked in $((SECONDS - t_fwd)) s (boot to here: $((SECONDS - t_boot)) s)"
echo "PASS: test_appliance_boot"
