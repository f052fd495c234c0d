#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Tenant isolation must hold after later configuration changes, not only
when the session is added: "mirrored traffic of one network never appears in
another network's VMs" (issue 7, item 3).

Each case is one startup file: networks, a session that is legal when it is
added, then a change that would make it illegal; then traffic (net_pcap).
Either nfva refuses the change (it exits with FILE:LINE: and an error that
names the mirror session), or it accepts it and the copies stop: the other
network's VM (or VNI) receives none.

  A  ok1: vm1 (lan) in -> tap1 (no network); then `network blue attach tap1`.
     vm1 sends 3 frames: tap1, now a VM of blue, must not receive lan's copies.
  B  ok2: vm1 (lan) in -> vxlan 192.168.1.252 vni 7000; then
     `network add red vni 7000 encap vxlan`: no copy may leave in VNI 7000,
     which now belongs to red.
  C  ok3: vm1 (lan) in -> port vm2 (lan); then vm1 moves to blue (`network
     lan detach vm1`, `network blue attach vm1`): blue's frames from vm1 must
     not be copied to vm2, a VM of lan.
"""

import nfvatest as t
from nfvatest import mirror

t.require_tools()

BASE = mirror.UNDERLAY_CONFIG + ["network add lan", "network add blue",
                                 "network lan attach vm1", "network lan attach vm2"]
FRAMES = [t.frame(t.icmp_echo(t.VM1_IP, t.VM3_IP, i), t.VM1_MAC, t.VM3_MAC) for i in range(3)]

CASES = [
    ("A: analyser port joins another network",
     ["mirror add ok1 source vm1 direction in to port tap1", "network blue attach tap1"],
     lambda d: [f for f in d.output("tap1") if f in FRAMES]),
    ("B: a local network takes the session's VNI",
     [f"mirror add ok2 source vm1 direction in to vxlan {t.COLL1} vni 7000",
      "network add red vni 7000 encap vxlan"],
     lambda d: [f for f in d.output("up") if len(f) > 50 and f[23] == 17 and
                int.from_bytes(f[46:49], "big") == 7000]),
    ("C: the source moves to another network",
     ["mirror add ok3 source vm1 direction in to port vm2",
      "network lan detach vm1", "network blue attach vm1"],
     lambda d: [f for f in d.output("vm2") if f in FRAMES]),
]


def run_case(what, lines, leaked):
    d = t.Daemon("isolation", ["up", "vm1", "vm2", "vm3", "tap1"], BASE + lines)
    d.write_input("vm1", FRAMES)
    try:
        d.write_files()
        d.start()
    except t.DaemonError as e:
        text = str(e)
        refused = "mirror" in text and f"{d.path('nfva.conf')}:" in text
        if not t.check(refused, f"{what}: refused with FILE:LINE: and the session named"):
            print(text[-800:])
        d.cleanup()
        return
    try:
        d.wait_inputs(mirrors=True)
        d.stop_checked()
        got = leaked(d)
        t.check_eq(len(got), 0, f"{what}: accepted, so no copy may reach the other network "
                                f"({len(got)} did)")
    finally:
        d.cleanup()


def main():
    for case in CASES:
        run_case(*case)


t.main_guard(main)
