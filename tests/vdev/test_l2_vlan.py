#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""802.1Q attachments: push on egress, pop on ingress, unknown and priority tags.

        in0/out0             in1/out1                 in2/out2
           p0                   p1                       p2
       (untagged)           (vlan 10)                (vlan 20)
            \                  /                         |
             +-- network n1 --+                     network n2

Static entry S on p1 vlan 10 (known unicast toward a tagged attachment).

in0 (read first): A->bcast untagged, A->bcast priority-tagged (VID 0, counts
  as untagged), A->S.
    -> out1: the three frames tagged VID 10 (the priority tag replaced);
       out2: nothing (another network).
in1: C->A tagged 10 (A learned: unicast, popped), D->A tagged 30 (vlan_unknown),
  C->bcast tagged 10 (flooded, popped; n2 never sees it), C->bcast
  priority-tagged (untagged, and p1 has no untagged attachment: no_network).
    -> out0: C->A and C->bcast untagged.
in2: E->bcast tagged 20 (n2 has no other member: no_member), E->bcast tagged
  10 (vlan 10 is p1's, not p2's: vlan_unknown).
"""


import nfvatest as t
from nfvatest.topo import BCAST, MAC_A, MAC_C, MAC_D, MAC_E, MAC_S

t.require_tools(tshark=True)


COUNTERS = t.L2_COUNTERS
udp, counters = t.l2_udp, t.l2_counters


def tagged(src, dst, vid, payload, prio=0):
    """The same frame with a tag (scapy's Dot1Q)."""
    return t.l2_udp(src, dst, payload, vlan=vid, prio=prio)


def check_counters(d, frames, want0, want1):
    """Per-port counters (stats), FDB and network members."""
    a_bc, a_prio, a_to_s, c_to_a, d_to_a, c_bc, c_prio, e_bc20, e_bc10 = frames
    stats = d.stats_ports()
    got = {p: t.counters_subset(stats[p], COUNTERS) for p in ("p0", "p1", "p2")}
    t.check_eq(got["p0"], counters(rx=3, rxb=len(a_bc) + len(a_prio) + len(a_to_s),
                                   tx=2, txb=sum(map(len, want0)), flooded=2, learned=1),
               "counters of p0 (untagged)")
    t.check_eq(got["p1"], counters(rx=4, rxb=sum(map(len, (c_to_a, d_to_a, c_bc, c_prio))),
                                   tx=3, txb=sum(map(len, want1)), flooded=1, learned=1,
                                   dropped={"vlan_unknown": 1, "no_network": 1}),
               "counters of p1 (vlan 10): tag 30 vlan_unknown, priority tag no_network")
    t.check_eq(got["p2"], counters(rx=2, rxb=len(e_bc20) + len(e_bc10), learned=1,
                                   dropped={"no_member": 1, "vlan_unknown": 1}),
               "counters of p2 (vlan 20, n2): no_member, tag 10 vlan_unknown")
    fdb = sorted((e["mac"].lower(), e["network"], e["port"], e["vlan"], e["type"])
                 for e in d.ctl("fdb", "show"))
    t.check_eq(fdb, [(MAC_A, "n1", "p0", None, "dynamic"),
                     (MAC_C, "n1", "p1", 10, "dynamic"),
                     (MAC_E, "n2", "p2", 20, "dynamic"),
                     (MAC_S, "n1", "p1", 10, "static")],
               "fdb: A on p0 untagged, C on p1 vlan 10, E on p2 vlan 20, S static")
    nets = {n["name"]: n["members"] for n in d.ctl("network", "show")}
    t.check_eq(nets, {"n1": [{"port": "p0", "vlan": None}, {"port": "p1", "vlan": 10}],
                      "n2": [{"port": "p2", "vlan": 20}]}, "network show members")


def check_outputs(d, want0, want1):
    """Every output byte for byte, and as tshark reads it."""
    t.check_frames(d.output("p1"), want1,
                   "out1: untagged, priority-tagged and A->S frames pushed VID 10")
    t.check_frames(d.output("p0"), want0, "out0: tagged-10 frames popped")
    t.check_frames(d.output("p2"), [], "out2: nothing crosses into n2")
    rows = t.tshark_fields(d.out_path("p1"), ["eth.src", "eth.dst", "vlan.id",
                                              "vlan.priority", "eth.type", "vlan.etype"])
    t.check_eq(rows, [[MAC_A, BCAST, "10", "0", "0x8100", "0x0800"],
                      [MAC_A, BCAST, "10", "0", "0x8100", "0x0800"],
                      [MAC_A, MAC_S, "10", "0", "0x8100", "0x0800"]],
               "tshark: out1 frames carry one 802.1Q tag, VID 10, over IPv4")
    rows = t.tshark_fields(d.out_path("p0"), ["eth.src", "eth.dst", "vlan.id", "eth.type"])
    t.check_eq(rows, [[MAC_C, MAC_A, "", "0x0800"], [MAC_C, BCAST, "", "0x0800"]],
               "tshark: out0 frames are untagged IPv4")


def main():
    d = t.Daemon("vlan", 3, ["network add n1", "network add n2",
                             "network n1 attach p0", "network n1 attach p1 vlan 10",
                             "network n2 attach p2 vlan 20",
                             f"fdb add {MAC_S} network n1 port p1 vlan 10"])
    try:
        frames = (udp(MAC_A, BCAST, "A untagged broadcast"),
                  tagged(MAC_A, BCAST, 0, "A priority-tagged broadcast"),
                  udp(MAC_A, MAC_S, "A to S behind p1 vlan 10"),
                  tagged(MAC_C, MAC_A, 10, "C to A tagged 10"),
                  tagged(MAC_D, MAC_A, 30, "D to A tagged 30"),
                  tagged(MAC_C, BCAST, 10, "C broadcast tagged 10"),
                  tagged(MAC_C, BCAST, 0, "C priority-tagged on a vlan-only port"),
                  tagged(MAC_E, BCAST, 20, "E broadcast tagged 20"),
                  tagged(MAC_E, BCAST, 10, "E broadcast tagged 10 on p2"))
        a_bc, a_prio, a_to_s, c_to_a, d_to_a, c_bc, c_prio, e_bc20, e_bc10 = frames
        # scapy and the helpers agree on what a tag is.
        t.check_eq(c_to_a, t.push_tag(udp(MAC_C, MAC_A, "C to A tagged 10"), 10),
                   "scapy Dot1Q = tag inserted after the MACs")

        d.write_input("p0", [a_bc, a_prio, a_to_s])
        d.write_input("p1", [c_to_a, d_to_a, c_bc, c_prio])
        d.write_input("p2", [e_bc20, e_bc10])
        d.start()
        d.wait_inputs()
        # What each output must hold, byte for byte.
        want1 = [t.push_tag(a_bc, 10), t.push_tag(t.pop_tag(a_prio), 10), t.push_tag(a_to_s, 10)]
        want0 = [t.pop_tag(c_to_a), t.pop_tag(c_bc)]
        check_counters(d, frames, want0, want1)
        d.stop_checked()
        check_outputs(d, want0, want1)
    finally:
        d.cleanup()


if __name__ == "__main__":
    t.main_guard(main)
