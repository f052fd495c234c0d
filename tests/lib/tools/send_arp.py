#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""send_arp.py garp IFACE IP [MAC]: one gratuitous ARP (a broadcast request,
sender = target = IP, from MAC, default IFACE's own) out of IFACE, with scapy.
Run it inside the sender's namespace (root)."""

import sys

from nfvatest.layers import ARP, Ether


def main(argv):
    if len(argv) < 4 or argv[1] != "garp":
        sys.exit(__doc__)
    from scapy.all import get_if_hwaddr, sendp
    ifc, ip = argv[2], argv[3]
    mac = argv[4] if len(argv) > 4 else get_if_hwaddr(ifc)
    sendp(Ether(src=mac, dst="ff:ff:ff:ff:ff:ff") /
          ARP(op=1, hwsrc=mac, psrc=ip, hwdst="00:00:00:00:00:00", pdst=ip),
          iface=ifc, verbose=False)


if __name__ == "__main__":
    main(sys.argv)
