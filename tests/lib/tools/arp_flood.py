#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""arp_flood.py IFACE TARGET_IP SUBNET/LEN N [SEED]: N ARP requests for
TARGET_IP out of IFACE, each from a random MAC and a random sender IP: about
a third on SUBNET (never TARGET_IP itself), the rest off it, multicast,
broadcast or 0.0.0.0. Prints how many of each kind were sent, as JSON.
Run it inside the sender's namespace (root); scapy."""

import ipaddress
import random
import sys

from nfvatest.flood import random_mac, report, send_paced
from nfvatest.layers import ARP, Ether


def sender_ip(rng, net, target):
    kind = rng.random()
    if kind < 0.35:
        while True:
            ip = net.network_address + rng.randrange(1, net.num_addresses - 1)
            if str(ip) != target:
                return "on_subnet", str(ip)
    if kind < 0.85:
        while True:
            ip = ipaddress.ip_address(rng.getrandbits(32))
            if ip not in net and not ip.is_multicast and ip.packed[0] not in (0, 127, 255):
                return "off_subnet", str(ip)
    if kind < 0.95:
        return "multicast", str(ipaddress.ip_address(0xE0000000 | rng.getrandbits(28)))
    return "broadcast_or_zero", rng.choice(["255.255.255.255", "0.0.0.0",
                                            str(net.broadcast_address)])


def main(argv):
    if len(argv) < 5:
        sys.exit(__doc__)
    ifc, target, net, n = argv[1], argv[2], ipaddress.ip_network(argv[3]), int(argv[4])
    rng = random.Random(int(argv[5]) if len(argv) > 5 else 1)
    counts, frames = {}, []
    for _ in range(n):
        kind, sip = sender_ip(rng, net, target)
        counts[kind] = counts.get(kind, 0) + 1
        mac = random_mac(rng)
        frames.append(Ether(src=mac, dst="ff:ff:ff:ff:ff:ff") /
                      ARP(op=1, hwsrc=mac, psrc=sip, hwdst="00:00:00:00:00:00", pdst=target))
    send_paced(ifc, frames)
    report(counts)


if __name__ == "__main__":
    main(sys.argv)
