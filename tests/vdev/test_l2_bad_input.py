#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Malformed and unwanted frames: each dropped with its own reason, no crash.

        in0/out0             in1/out1            in2/out2
           p0                   p1                  p2
       (untagged)        (vlan 10 only)         (untagged)
            \                   |                  /
             +------------ network n1 ------------+

in0 mixes good frames from A (flooded to p1 tagged and to p2) with:
  runts (10 and 13 bytes)                                  runt
  0x8100 with 2 bytes after it, and with none              truncated
  QinQ (0x88a8 outer), 0x8100 twice, 0x8100 then 0x88a8    vlan_stack
  multicast and all-zero source MACs                       src_mac_invalid
  tagged VID 10 (p0 has no tagged attachment)              vlan_unknown
  a 1514-byte frame (fits p1 once tagged: 1518)            forwarded
  a 1600-byte frame (larger than both egress ports allow)  mtu_exceeded on p1 and p2
in1: untagged and priority-tagged frames (p1 has no untagged attachment:
  no_network), then B->A tagged 10 (forwarded to p0, popped).
None of the dropped frames' source MACs may be learned.
"""

import struct

import nfvatest as t
from nfvatest.layers import IP, UDP, Dot1AD, Dot1Q, Ether, Raw
from nfvatest.topo import BCAST, MAC_A, MAC_B

t.require_tools()

BAD = "02:00:00:00:0b:%02x"  # sources of the dropped frames: never learned


def mac(s):
    return bytes.fromhex(s.replace(":", ""))


def good(n, size=None):
    """A->broadcast UDP frame number n, padded to size bytes if given."""
    f = bytes(Ether(src=MAC_A, dst=BCAST) / IP(src="10.0.0.1", dst="10.0.0.255") /
              UDP(sport=1000 + n, dport=2000) / Raw(f"good frame {n}".encode()))
    if size is not None:
        f = bytes(Ether(src=MAC_A, dst=BCAST) / IP(src="10.0.0.1", dst="10.0.0.255") /
                  UDP(sport=1000 + n, dport=2000) / Raw(b"x" * (size - len(f))) /
                  Raw(f"good frame {n}".encode()))
        assert len(f) == size
    return f


def payload(i):
    return IP(src="10.0.0.9", dst="10.0.0.2") / UDP(sport=9, dport=9) / Raw(f"bad {i}".encode())


def bad_frames():
    """{case: frame} of every frame p0 must drop, the case in the name."""
    hdr = mac(BCAST) + mac(BAD % 1)
    bad = {
        "runt10": hdr[:10],
        "runt13": hdr[:12] + b"\x08",
        "trunc2": hdr + struct.pack("!HH", 0x8100, 10),
        "trunc0": hdr + struct.pack("!H", 0x8100),
        "qinq": bytes(Ether(src=BAD % 2, dst=BCAST) / Dot1AD(vlan=100) / Dot1Q(vlan=10) /
                      payload(1)),
        "double_8100": bytes(Ether(src=BAD % 3, dst=BCAST) / Dot1Q(vlan=10) /
                             Dot1Q(vlan=11) / payload(2)),
        "8100_88a8": bytes(Ether(src=BAD % 4, dst=BCAST, type=0x8100) /
                           Dot1Q(vlan=10, type=0x88A8) / Dot1Q(vlan=11) / payload(3)),
        "mcast_src": bytes(Ether(src="03:00:00:00:00:01", dst=BCAST) / payload(4)),
        "bcast_src": bytes(Ether(src=BCAST, dst=MAC_B) / payload(5)),
        "zero_src": bytes(Ether(src="00:00:00:00:00:00", dst=BCAST) / payload(6)),
        "tag10_on_p0": bytes(Ether(src=BAD % 5, dst=BCAST) / Dot1Q(vlan=10) / payload(7)),
    }
    t.check_eq(len(bad["runt10"]), 10, "runt is 10 bytes")
    t.check_eq(len(bad["trunc2"]), 16, "truncated frame: 0x8100 and 2 bytes")
    t.check_eq(bad["qinq"][12:14] + bad["qinq"][16:18], b"\x88\xa8\x81\x00",
               "QinQ frame: 0x88a8 outer, 0x8100 inner")
    t.check_eq(bad["8100_88a8"][12:14] + bad["8100_88a8"][16:18], b"\x81\x00\x88\xa8",
               "stacked frame: 0x8100 outer, 0x88a8 inner")
    return bad


def inputs():
    """(in0, in1, frames forwarded from p0): p0's good frames mixed with the
    bad ones, p1's frames without network and B->A."""
    bad = bad_frames()
    g = [good(i) for i in range(4)]
    big_ok = good(4, size=1514)
    too_big = good(5, size=1600)
    in0 = [g[0], bad["runt10"], g[1], bad["trunc2"], bad["qinq"], bad["double_8100"], g[2],
           bad["mcast_src"], bad["zero_src"], bad["runt13"], bad["trunc0"],
           bad["8100_88a8"], bad["bcast_src"], bad["tag10_on_p0"], big_ok, g[3], too_big]
    no_net = bytes(Ether(src=BAD % 6, dst=BCAST) / payload(8))
    no_net_prio = bytes(Ether(src=BAD % 7, dst=BCAST) / Dot1Q(vlan=0, prio=3) / payload(9))
    b_to_a = bytes(Ether(src=MAC_B, dst=MAC_A) / Dot1Q(vlan=10) / payload(10))
    return in0, [no_net, no_net_prio, b_to_a], [g[0], g[1], g[2], big_ok, g[3]]


def check_counters(d, in0, in1, fwd, want0, want1):
    stats = d.stats_ports()
    drops = {p: stats[p]["dropped"] for p in ("p0", "p1", "p2")}
    t.check_eq(drops["p0"], {"runt": 2, "truncated": 2, "vlan_stack": 3,
                             "src_mac_invalid": 3, "vlan_unknown": 1},
               "p0 drops by reason")
    t.check_eq(drops["p1"], {"no_network": 2, "mtu_exceeded": 1},
               "p1 drops: no_network (untagged, priority-tagged), mtu_exceeded (egress)")
    t.check_eq(drops["p2"], {"mtu_exceeded": 1}, "p2 drops: mtu_exceeded (egress)")
    shown = d.port_counters()
    t.check_eq({p: shown[p]["dropped"] for p in shown}, drops,
               "port show 'dropped' objects equal stats")
    pick = ("rx_packets", "rx_bytes", "tx_packets", "tx_bytes", "flooded", "learned")
    t.check_eq({p: t.counters_subset(stats[p], pick) for p in ("p0", "p1", "p2")}, {
        "p0": {"rx_packets": len(in0), "rx_bytes": sum(map(len, in0)), "tx_packets": 1,
               "tx_bytes": len(want0[0]), "flooded": 6, "learned": 1},
        "p1": {"rx_packets": 3, "rx_bytes": sum(map(len, in1)), "tx_packets": 5,
               "tx_bytes": sum(map(len, want1)), "flooded": 0, "learned": 1},
        "p2": {"rx_packets": 0, "rx_bytes": 0, "tx_packets": 5,
               "tx_bytes": sum(map(len, fwd)), "flooded": 0, "learned": 0},
    }, "rx/tx/flooded/learned counters")


def main():
    d = t.Daemon("bad-input", 3, ["network add n1", "network n1 attach p0",
                                  "network n1 attach p1 vlan 10", "network n1 attach p2"])
    try:
        in0, in1, fwd = inputs()
        d.write_input("p0", in0)
        d.write_input("p1", in1)
        d.start()
        d.wait_inputs()
        want1 = [t.push_tag(f, 10) for f in fwd]
        want0 = [t.pop_tag(in1[2])]
        check_counters(d, in0, in1, fwd, want0, want1)
        fdb = sorted((e["mac"].lower(), e["port"]) for e in d.ctl("fdb", "show"))
        t.check_eq(fdb, [(MAC_A, "p0"), (MAC_B, "p1")],
                   "fdb: only A and B learned, no source of a dropped frame")
        # Still answering after all that.
        t.check_eq(len(d.ctl("port", "show")), 3, "daemon still answers")
        d.stop_checked()

        t.check_frames(d.output("p2"), fwd, "out2: the good frames, unchanged")
        t.check_frames(d.output("p1"), want1, "out1: the good frames tagged VID 10")
        t.check_frames(d.output("p0"), want0, "out0: B->A popped")
    finally:
        d.cleanup()


if __name__ == "__main__":
    t.main_guard(main)
