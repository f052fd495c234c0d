#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Mirror drops are the session's, never the original traffic's.

    in_vm1: 3 ICMP frames of 1514 B to vm2 (the largest untagged frame)
    lan: vm1, vm2 (static FDB); uplink "up", MTU 1500, static neighbours.

    session  destination                          options
    big      vxlan .252 vni 7000                  (1514 + 50 > 1500: cannot leave)
    cut      vxlan .252 vni 7001                  snaplen 1400 (fits)
    e3big    erspan .253 session 3 version 3      (1514 + 50 > 1500)
    nores    erspan .200 session 9 version 2      (no neighbour: unresolved)

Asserted: big, e3big: mirrored 0, dropped 3; cut: mirrored 3 (1400-byte
inner frames on the uplink); nores: dropped 3; vm2 receives the 3 originals
unchanged; and vm1's port counters show no drop at all (a copy that cannot
be sent is counted by its session only — `port show vm1` drops stay {}).
"""

import nfvatest as t
from nfvatest import mirror

t.require_tools()

CONFIG = mirror.UNDERLAY_CONFIG + [
    "network add lan", "network lan attach vm1", "network lan attach vm2",
    f"fdb add {t.VM2_MAC} network lan port vm2",
    f"mirror add big source vm1 direction in to vxlan {t.COLL1} vni 7000",
    f"mirror add cut source vm1 direction in snaplen 1400 to vxlan {t.COLL1} vni 7001",
    f"mirror add e3big source vm1 direction in to erspan {t.COLL2} session 3 version 3",
    "mirror add nores source vm1 direction in to erspan 192.168.1.200 session 9 version 2",
]


def main():
    from nfvatest.layers import ICMP, IP, Raw
    frames = [t.frame(IP(src=t.VM1_IP, dst=t.VM2_IP, id=i) / ICMP(seq=i) / Raw(b"x" * 1472))
              for i in range(3)]
    assert len(frames[0]) == 1514
    d, mirrors, shown, _ = mirror.run("drops", ["up", "vm1", "vm2"], CONFIG, {"vm1": frames})
    try:
        zero = {"mirrored": 0, "filtered_out": 0, "sampled_out": 0, "dropped": 0}
        mirror.check_counters(mirrors, "big", dict(zero, dropped=3))
        mirror.check_counters(mirrors, "e3big", dict(zero, dropped=3))
        mirror.check_counters(mirrors, "cut", dict(zero, mirrored=3))
        mirror.check_counters(mirrors, "nores", dict(zero, dropped=3))
        copies = [f for f in d.output("up") if f[12:14] == b"\x08\x00"]
        t.check_eq([f[50:] for f in copies], [f[:1400] for f in frames],
                   "cut: three 1400-byte copies leave the uplink")
        t.check_frames(d.output("vm2"), frames, "vm2 receives the originals unchanged")
        t.check_eq(shown["vm1"]["counters"]["dropped"], {},
                   "vm1's port counters show no drop (the copies' drops are the sessions')")
        t.check_eq(shown["vm2"]["counters"]["tx_packets"], 3, "vm2 tx_packets")
    finally:
        d.cleanup()


t.main_guard(main)
