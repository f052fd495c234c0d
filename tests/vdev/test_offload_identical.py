#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Offload off and offload on produce byte-identical output on every port.

    net_pcap ports (rx from FIFOs, tx to pcap files), emulated e-switch:
    up (uplink, VXLAN .252 + GRE .253, static neighbours), vf1 vf2 vf4 (lan,
    vf4 tagged 100), vf3 (ov, vxlan 5000), vf5 (og, gre 6000); see scenario.py.

The same input — a learning prelude (phase 1), then 2 x 95 frames of L2
unicast between VFs (untagged and VLAN push/pop), VXLAN and GRE encap toward
static remote MACs (`neigh add` + `fdb add ... vtep`) and VXLAN and GRE decap
of crafted frames (phase 2) — is run twice: with `offload off` in the
configuration, and with offload on.

How "after the first packets" is made deterministic: every rx_pcap is a FIFO
written by the test in rounds of exactly NFVA_BURST frames per port (the
frames of the step, then fillers that nfva drops without output): the worker,
blocked on the FIFO of port 0 until a full burst is there, runs exactly one
iteration per round (oevdev.py explains). Phase 1 gives each flow one frame;
then, with offload on, the test waits until the control thread installed the
8 rules; only then are the phase-2 rounds written. So every phase-2 frame
meets its rule, on any machine load, and no phase-1 frame can.

Asserts:
  * offload on: after phase 1 exactly the 8 expected rules (in, out, shape),
    all offloaded; after phase 2 their hits are exactly 20/10 each, in the
    first `offload show` after the ports counted the frames (no wait); the
    ports' eswitch_packets rose by exactly the phase-2 frames (up 40, vf1 30,
    vf2 20, vf3 20, vf4 10, vf5 20) and their rx_packets (slow path) by the
    fillers only; stats: installs 8, failures 0;
  * offload off: no rule, no request, eswitch_packets 0 everywhere;
  * both runs: every port's output has the expected number of frames
    (up 44, vf1 33, vf2 23, vf3 21, vf4 12, vf5 21) and the two runs' outputs
    are byte-identical, frame by frame, on every port; nfva exits 0.
"""

import nfvatest as t
from nfvatest import offload_scenario as sc


def run(offload_on):
    mode = "on" if offload_on else "off"
    sc.reset_frames()
    d = sc.daemon(f"identical-{mode}", offload_on)
    try:
        d.start()
        uplink_mac = d.ctl("underlay", "show")["mac"].lower()
        sc.phase1(d, uplink_mac)
        if offload_on:
            rules = d.wait_rules(len(sc.RULES), what="after phase 1")
            t.check_eq(sorted(sc.rule_key(r) for r in rules), sorted(sc.RULES),
                       f"{mode}: rules after phase 1 (in, out, shape)")
            t.check_eq(sorted({r["state"] for r in rules}), ["offloaded"],
                       f"{mode}: every rule offloaded")
        else:
            t.check_eq(d.rules(), [], f"{mode}: no rule after phase 1")
        before = d.port_counters()
        sc.phase2(d, uplink_mac)
        after = d.port_counters()
        esw = {p: after[p]["eswitch_packets"] - before[p]["eswitch_packets"] for p in sc.PORTS}
        slow = {p: after[p]["rx_packets"] - before[p]["rx_packets"] for p in sc.PORTS}
        st = d.offload_stats()
        if offload_on:
            t.check_eq(esw, sc.PHASE2_ESWITCH, f"{mode}: phase 2 eswitch_packets per port")
            t.check_eq(slow, {p: 2 * t.BURST - sc.PHASE2_ESWITCH[p] for p in sc.PORTS},
                       f"{mode}: phase 2 rx_packets (slow path) per port = fillers only")
            # The frames are counted on their ports, so their rules counted
            # them: `offload show` reads the counters when asked.
            t.check_eq(d.hits_now(sc.RULES), sc.RULES,
                       f"{mode}: rule hits after phase 2, read at once")
            t.check_eq(d.wait_hits(sc.RULES), sc.RULES, f"{mode}: rule hits after phase 2")
            t.check_eq((st["rules"], st["installs"], st["failures"], st["removals"]),
                       (8, 8, 0, 0), f"{mode}: stats offload rules/installs/failures/removals")
        else:
            t.check_eq(esw, {p: 0 for p in sc.PORTS}, f"{mode}: phase 2 eswitch_packets")
            t.check_eq(slow, {p: 2 * t.BURST for p in sc.PORTS},
                       f"{mode}: phase 2 rx_packets (everything in the slow path)")
            t.check_eq((st["enabled"], st["rules"], st["requests"], st["installs"]),
                       (False, 0, 0, 0), f"{mode}: stats offload enabled/rules/requests/installs")
        rc = d.stop()
        t.check_eq(rc, 0, f"{mode}: nfva exit status after SIGTERM")
        out = {p: d.output(p) for p in sc.PORTS}
        t.check_eq({p: len(f) for p, f in out.items()}, sc.OUTPUTS,
                   f"{mode}: output frames per port")
        return out
    finally:
        d.cleanup()


def main():
    t.require_tools()
    off = run(False)
    on = run(True)
    for p in sc.PORTS:
        if off[p] == on[p]:
            print(f"ok: {p}: {len(on[p])} output frames byte-identical with offload off and on")
            continue
        t.check(False, f"{p}: output differs between offload off and on")
        for i in range(max(len(off[p]), len(on[p]))):
            a = off[p][i].hex() if i < len(off[p]) else "(none)"
            b = on[p][i].hex() if i < len(on[p]) else "(none)"
            if a != b:
                print(f"  #{i}\n    off {a}\n    on  {b}")


if __name__ == "__main__":
    t.main_guard(main)
