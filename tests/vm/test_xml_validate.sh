#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# test_xml_validate: every libvirt-xml/ template and every interface XML that
# nfvactl renders passes libvirt's schemas (virt-xml-validate); the rendered
# XML says what nfva configured (socket, mode, MAC, VF PCI address, VLAN);
# asking for a VF that has no PCI function (emulated e-switch) fails clearly
# and changes nothing. No QEMU needed.
#
#   nfva: network lan; port up (net_null, emulated e-switch), port vf0 (its VF)
#   nfvactl guest-xml ... ──▶ XML ──▶ libvirt-xml/validate.sh
#   a fake daemon answers a VF request with a PCI VF (hostdev XML)
set -euo pipefail
# shellcheck source=tests/lib/vm.sh
. "$(dirname "$0")/../lib/vm.sh"

vm_require
need virt-xml-validate libvirt-clients
need xmllint libxml2-utils
VALIDATE="$VM_SRC/libvirt-xml/validate.sh"

log "templates"
n=0
for f in "$VM_SRC"/libvirt-xml/*.xml; do
	bash "$VALIDATE" "$f" || fail "template $(basename "$f") does not validate"
	n=$((n + 1))
done
check_ge "templates validated" "$n" 6
echo "<interface type='vhostuser'><source type='unix' path='/x' mode='bogus'/></interface>" \
	> "$TEST_TMP/bad.xml"
check_fails "a broken interface is refused" bash "$VALIDATE" "$TEST_TMP/bad.xml"

cat > "$TEST_TMP/nfva.conf" <<EOF
network add lan
port add up dev net_null0 eswitch emulated
port add vf0 dev net_null1 vf-of up
EOF
nfva_up nfva "" "$TEST_TMP/nfva.conf"
VHOST="$TEST_TMP/vhost"

# xpath FILE EXPR: the string value of an XPath expression.
xpath() { xmllint --xpath "$2" "$1"; }

log "vhost-user, QEMU listens (default)"
ctl nfva guest-xml --network lan --name g1 --mac 52:54:00:00:22:01 --dir "$VHOST" > "$TEST_TMP/g1.xml"
bash "$VALIDATE" "$TEST_TMP/g1.xml"
check_eq "g1 type" "$(xpath "$TEST_TMP/g1.xml" 'string(/interface/@type)')" vhostuser
check_eq "g1 socket" "$(xpath "$TEST_TMP/g1.xml" 'string(/interface/source/@path)')" "$VHOST/g1.sock"
check_eq "g1 mode" "$(xpath "$TEST_TMP/g1.xml" 'string(/interface/source/@mode)')" server
check_eq "g1 mac" "$(xpath "$TEST_TMP/g1.xml" 'string(/interface/mac/@address)')" 52:54:00:00:22:01
check_eq "g1 alias" "$(xpath "$TEST_TMP/g1.xml" 'string(/interface/alias/@name)')" ua-nfva-g1
check_eq "g1 port devargs (nfva is the client)" \
	"$(ctlj nfva port show g1 | json_get "j[0]['devargs']")" "net_vhost_g1,iface=$VHOST/g1.sock,client=1"
check_eq "socket directory: root and QEMU's group" "$(stat -c '%U:%G %a' "$VHOST")" "root:kvm 770"
ctl nfva guest-xml --port g1 > "$TEST_TMP/g1-again.xml"
cmp -s "$TEST_TMP/g1.xml" "$TEST_TMP/g1-again.xml" || fail "guest-xml --port renders differently"
echo "ok: guest-xml --port renders the same XML again"

log "vhost-user, nfva listens, VLAN attachment"
ctl nfva guest-xml --network lan --name g2 --listen nfva --vlan 10 --dir "$VHOST" > "$TEST_TMP/g2.xml"
bash "$VALIDATE" "$TEST_TMP/g2.xml"
check_eq "g2 mode" "$(xpath "$TEST_TMP/g2.xml" 'string(/interface/source/@mode)')" client
check_eq "g2 reconnect" \
	"$(xpath "$TEST_TMP/g2.xml" 'string(/interface/source/reconnect/@enabled)')" yes
check_eq "g2 socket owner (QEMU's user)" "$(stat -c '%U:%G' "$VHOST/g2.sock")" libvirt-qemu:kvm
check_eq "g2 attachment vlan" \
	"$(ctlj nfva network show lan | json_get "[m['vlan'] for m in j[0]['members'] if m['port'] == 'g2'][0]")" 10
check_eq "g2 MAC is QEMU's OUI" \
	"$(xpath "$TEST_TMP/g2.xml" 'string(/interface/mac/@address)' | cut -c1-8)" 52:54:00

log "plain vhost-user ports: port add NAME vhost-user PATH [server|client]"
ctlj nfva port add p1 vhost-user "$VHOST/p1.sock" server > "$TEST_TMP/p1.json"
check_eq "p1 role" "$(json_get "j['role']" < "$TEST_TMP/p1.json")" server
check_eq "p1 socket owner (QEMU's user)" "$(stat -c '%U:%G %a' "$VHOST/p1.sock")" \
	"libvirt-qemu:kvm 660"
ctl nfva port add p2 vhost-user "$VHOST/p2.sock" > /dev/null
check_eq "p2 devargs (client by default)" "$(ctlj nfva port show p2 | json_get "j[0]['devargs']")" \
	"net_vhost_p2,iface=$VHOST/p2.sock,client=1"
check_fails "a second server on a live socket" ctl nfva port add p3 vhost-user "$VHOST/p1.sock" server
check_fails "a relative socket path" ctl nfva port add p3 vhost-user p3.sock
ctl nfva port del p1
ctl nfva port del p2
[ ! -e "$VHOST/p1.sock" ] || fail "p1's socket is left behind"
echo "ok: port del removes a server socket"

log "requests that fail change nothing"
state() { ctlj nfva network show lan | json_get "len(j[0]['members'])"; ctlj nfva port show | json_get "len(j)"; }
before=$(state)
check_fails "a VF without a PCI function" ctl nfva guest-xml --network lan --vf
grep -q "no free VF with a PCI function" "$TEST_TMP/err" || fail "unclear error: $(cat "$TEST_TMP/err")"
check_fails "a VF of an unknown uplink" ctl nfva guest-xml --network lan --vf --vf-of nosuch
check_fails "an unknown network" ctl nfva guest-xml --network nosuch
check_fails "a taken port name" ctl nfva guest-xml --network lan --name g1 --dir "$VHOST"
check_fails "a taken MAC" ctl nfva guest-xml --network lan --mac 52:54:00:00:22:01 --dir "$VHOST"
check_fails "a multicast MAC" ctl nfva guest-xml --network lan --mac 01:00:5e:00:00:01 --dir "$VHOST"
check_fails "a relative socket directory" ctl nfva guest-xml --network lan --dir relative
check_eq "members and ports after the failures" "$(state)" "$before"
check_eq "vf0 still free (in no network)" \
	"$(ctlj nfva network show lan | json_get "[m['port'] for m in j[0]['members'] if m['port'] == 'vf0']")" "[]"

log "hostdev XML for a PCI VF (a fake daemon plays a host with VFs)"
cat > "$TEST_TMP/fake.py" <<'EOF'
import json, os, socket, sys
path = sys.argv[1]
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(4)
open(path + ".ready", "w").close()
port = {"name": "vf3", "type": "vf", "network": "lan", "mac": "52:54:00:00:33:03",
        "vlan": 42, "socket": None, "mode": None, "listener": None, "queues": None,
        "pci": "0000:3b:02.5", "vf_of": "uplink", "devargs": "0000:3b:00.0,representor=vf3"}
for _ in range(1):
    c, _ = srv.accept()
    line = c.makefile().readline()
    with open(path + ".cmds", "a") as f:
        f.write(line)
    c.sendall((json.dumps({"status": "ok", "result": port}) + "\n").encode())
    c.close()
EOF
"$PY" "$TEST_TMP/fake.py" "$TEST_TMP/fake.sock" &
bg_track "$!"
for _ in $(seq 50); do [ -e "$TEST_TMP/fake.sock.ready" ] && break; sleep 0.1; done
"$NFVACTL" -s "$TEST_TMP/fake.sock" guest-xml --network lan --vf --vlan 42 > "$TEST_TMP/vf.xml"
check_eq "request sent for a VF" "$(head -n 1 "$TEST_TMP/fake.sock.cmds")" "guest port add lan vf vlan 42"
bash "$VALIDATE" "$TEST_TMP/vf.xml"
check_eq "vf type" "$(xpath "$TEST_TMP/vf.xml" 'string(/interface/@type)')" hostdev
check_eq "vf managed" "$(xpath "$TEST_TMP/vf.xml" 'string(/interface/@managed)')" yes
check_eq "vf PCI address" "$(xpath "$TEST_TMP/vf.xml" \
	'concat(//address/@domain, " ", //address/@bus, " ", //address/@slot, " ", //address/@function)')" \
	"0x0000 0x3b 0x02 0x5"
check_eq "vf vlan" "$(xpath "$TEST_TMP/vf.xml" 'string(/interface/vlan/tag/@id)')" 42
echo "PASS: test_xml_validate"
