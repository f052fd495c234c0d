#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""tunnel_flood.py IFACE DST_MAC KIND DST VNI N [SEED]: N VXLAN frames out
of IFACE to DST (the VTEP address, Ethernet DST_MAC), each carrying one
inner frame from a fixed MAC. KIND is one of
  v6spray   over IPv6, each from a different random source of 2001:db8:99::/48
            (a valid UDP checksum): as many new remote VTEPs as frames;
  v6zero    over IPv6 from 2001:db8:17::2, UDP checksum 0;
  v4reserved over IPv4 from 0.0.0.5 (a source that is never a VTEP).
Prints {kind: count} as JSON. Run it in the sender's namespace (root); scapy."""

import random
import sys

from nfvatest.flood import random_mac, report, send_paced
from nfvatest.layers import IP, UDP, VXLAN, Ether, IPv6, Raw

INNER = Ether(src="02:aa:00:00:00:01", dst="ff:ff:ff:ff:ff:ff", type=0x0800) / Raw(bytes(46))


def outer(kind, rng, dst, src_mac, dst_mac):
    if kind == "v4reserved":
        return Ether(src=src_mac, dst=dst_mac) / IP(src="0.0.0.5", dst=dst)
    if kind == "v6zero":
        return Ether(src=src_mac, dst=dst_mac) / IPv6(src="2001:db8:17::2", dst=dst)
    low = rng.getrandbits(32) | 1
    src = "2001:db8:99:%x::%x:%x" % (rng.getrandbits(16), low >> 16, low & 0xffff)
    return Ether(src=src_mac, dst=dst_mac) / IPv6(src=src, dst=dst)


def main(argv):
    if len(argv) < 7:
        sys.exit(__doc__)
    ifc, dst_mac, kind, dst, vni, n = argv[1], argv[2], argv[3], argv[4], int(argv[5]), int(argv[6])
    rng = random.Random(int(argv[7]) if len(argv) > 7 else 1)
    src_mac = random_mac(rng)
    frames = []
    for _ in range(n):
        udp = UDP(sport=49152 + rng.getrandbits(14), dport=4789)
        if kind == "v6zero":
            udp.chksum = 0
        frames.append(outer(kind, rng, dst, src_mac, dst_mac) / udp / VXLAN(vni=vni) / INNER)
    send_paced(ifc, frames)
    report({kind: n})


if __name__ == "__main__":
    main(sys.argv)
