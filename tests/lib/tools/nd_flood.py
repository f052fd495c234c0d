#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""nd_flood.py IFACE KIND TARGET PREFIX/LEN N [SEED]: N Neighbour Discovery
frames out of IFACE toward the IPv6 address TARGET, each from a random MAC.
KIND is one of
  ns       NS for TARGET (to its solicited-node group, source link-layer
           option) from random sources: about half on PREFIX, the rest off it;
  na       unsolicited NAs (Override, target link-layer option) for random
           addresses of PREFIX, to all nodes: addresses nobody asked about;
  hoplimit NS for TARGET with hop limit 64 (RFC 4861 7.1.1: discard);
  checksum NS for TARGET with a wrong ICMPv6 checksum;
  optlen   NS for TARGET with an option of length 0.
Prints {kind: count} as JSON. Run it in the sender's namespace (root); scapy."""

import ipaddress
import random
import sys

from nfvatest.flood import random_mac, report, send_paced
from nfvatest.layers import (ICMPv6ND_NA, ICMPv6ND_NS, ICMPv6NDOptDstLLAddr,
                             ICMPv6NDOptSrcLLAddr, IPv6, Ether, Raw)


def solicited_node(addr):
    low = ipaddress.ip_address(addr).packed[13:]
    group = ipaddress.ip_address(bytes.fromhex("ff02" + "00" * 9 + "01ff") + low)
    return str(group), "33:33:" + ":".join("%02x" % b for b in group.packed[12:])


def random_in(rng, net):
    return str(net.network_address + rng.randrange(3, net.num_addresses - 1))


def frame(kind, rng, target, net, mac):
    group, gmac = solicited_node(target)
    if kind == "na":
        addr = random_in(rng, net)
        return "na", (Ether(src=mac, dst="33:33:00:00:00:01") /
                      IPv6(src=addr, dst="ff02::1", hlim=255) /
                      ICMPv6ND_NA(tgt=addr, R=0, S=0, O=1) / ICMPv6NDOptDstLLAddr(lladdr=mac))
    on = rng.random() < 0.5
    src = random_in(rng, net) if on else "2001:db8:ffff::%x" % rng.getrandbits(16)
    hlim = 64 if kind == "hoplimit" else 255
    ns = ICMPv6ND_NS(tgt=target)
    if kind == "checksum":
        ns.cksum = 0x1234
    opt = ICMPv6NDOptSrcLLAddr(lladdr=mac)
    if kind == "optlen":
        opt = Raw(bytes([1, 0]) + bytes(6))
    label = kind if kind != "ns" else ("on_prefix" if on else "off_prefix")
    return label, Ether(src=mac, dst=gmac) / IPv6(src=src, dst=group, hlim=hlim) / ns / opt


def main(argv):
    if len(argv) < 6:
        sys.exit(__doc__)
    ifc, kind, target = argv[1], argv[2], argv[3]
    net, n = ipaddress.ip_network(argv[4]), int(argv[5])
    rng = random.Random(int(argv[6]) if len(argv) > 6 else 1)
    counts, frames = {}, []
    for _ in range(n):
        mac = random_mac(rng)
        label, f = frame(kind, rng, target, net, mac)
        counts[label] = counts.get(label, 0) + 1
        frames.append(f)
    send_paced(ifc, frames)
    report(counts)


if __name__ == "__main__":
    main(sys.argv)
