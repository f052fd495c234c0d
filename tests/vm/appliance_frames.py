#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The frames test_appliance_boot sends through the appliance VM, and the
check of what came out (run by the test, not a test of its own).

    appliance_frames.py write DIR   west-in.pcap, east-in.pcap (what the host
                                    sends into the VM's two NICs)
    appliance_frames.py check DIR   west-out.pcap and east-out.pcap (what the
                                    host received back) are, byte for byte,
                                    the frames nfva must forward, each once,
                                    nothing else; prints "same N" per side

West -> east: UDP frames of every size from 60 to 1514 bytes to a unicast
MAC nobody owns (flooded to east), one broadcast, and one frame tagged with
VLAN 99, which no attachment takes: nfva drops it (vlan_unknown). East ->
west: UDP frames to the west sender's MAC (learned, or flooded while not yet:
either way out of west).
"""

import collections
import os
import sys

from nfvatest import frames as F
from nfvatest.pcap import read_pcap, write_pcap

WEST_MAC, EAST_MAC = "02:00:00:00:0a:01", "02:00:00:00:0b:01"
SIZES = (60, 64, 128, 256, 512, 1024, 1400, 1514)
DROPPED_VLAN = 99


def udp(src, dst, i, size, tag, vlan=None):
    return F.udp_frame(F.mac(src), F.mac(dst), "10.99.0.1", "10.99.0.2", 40000 + i, 5000,
                       f"vm {tag} {i}", size=size, vlan=vlan)


def west_to_east():
    """(sent, expected out of east)."""
    fwd = [udp(WEST_MAC, EAST_MAC, i, s, "w>e") for i, s in enumerate(SIZES)]
    fwd.append(udp(WEST_MAC, "ff:ff:ff:ff:ff:ff", len(SIZES), 100, "w>all"))
    tagged = udp(WEST_MAC, EAST_MAC, 99, 100, "w>v99", vlan=DROPPED_VLAN)
    return fwd[:4] + [tagged] + fwd[4:], fwd


def east_to_west():
    fwd = [udp(EAST_MAC, WEST_MAC, i, s, "e>w") for i, s in enumerate(SIZES)]
    return fwd, fwd


def same(what, got, want):
    g, w = collections.Counter(got), collections.Counter(want)
    if g == w:
        print(f"same {sum(w.values())} {what}")
        return True
    extra, missing = g - w, w - g
    print(f"differ {what}: {sum(g.values())} received, {sum(w.values())} expected; "
          f"{sum(extra.values())} extra, {sum(missing.values())} missing")
    for label, c in (("extra", extra), ("missing", missing)):
        for f, n in list(c.items())[:4]:
            print(f"  {label} x{n} ({len(f)} B): {f[:48].hex()}")
    return False


def main():
    cmd, d = sys.argv[1], sys.argv[2]
    if cmd == "write":
        n_w = write_pcap(os.path.join(d, "west-in.pcap"), west_to_east()[0])
        n_e = write_pcap(os.path.join(d, "east-in.pcap"), east_to_west()[0])
        print(f"{n_w} {len(west_to_east()[1])} {n_e} {len(east_to_west()[1])}")
        return 0
    ok = same("west -> east", read_pcap(os.path.join(d, "east-out.pcap")), west_to_east()[1])
    ok &= same("east -> west", read_pcap(os.path.join(d, "west-out.pcap")), east_to_west()[1])
    return 0 if ok else 1


sys.exit(main())
