#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""lisp_pcap.py PCAP KEY: for every LISP control message (UDP 4342) in PCAP,
over IPv4 or IPv6 (no extension headers), print one line "src type nonce
auth" where src is the outer source address, auth is ok/bad (Map-Register
and Map-Notify, HMAC checked with KEY by Python's hmac) or - (other types).
ECMs print their inner message's type after a slash (8/1); their inner
IP header may be IPv4 or IPv6 (it follows the EIDs' family)."""

import ipaddress
import struct
import sys

from nfvatest import lisp as L
from nfvatest.pcap import read_pcap


def udp_of(pkt):
    """(source address, UDP header offset) of an IPv4 or IPv6 packet
    carrying UDP, else None."""
    if len(pkt) < 28:
        return None
    version = pkt[0] >> 4
    if version == 4 and pkt[9] == 17:
        return str(ipaddress.ip_address(pkt[12:16])), (pkt[0] & 0xF) * 4
    if version == 6 and len(pkt) >= 48 and pkt[6] == 17:
        return str(ipaddress.ip_address(pkt[8:24])), 40
    return None


def main():
    path, key = sys.argv[1], sys.argv[2]
    for f in read_pcap(path):  # cap_start writes classic pcap
        if f[12:14] not in (b"\x08\x00", b"\x86\xdd"):
            continue
        outer = udp_of(f[14:])
        if outer is None:
            continue
        src, udp = outer[0], 14 + outer[1]
        _, dport, ulen = struct.unpack_from("!HHH", f, udp)
        if dport != L.LISP_CTRL:
            continue
        msg = f[udp + 8:udp + ulen]
        mtype = msg[0] >> 4
        if mtype == 8:
            inner = udp_of(msg[4:])
            if inner is None:
                continue
            imsg = msg[4 + inner[1] + 8:]
            nonce = struct.unpack_from("!Q", imsg, 4)[0]
            print(f"{src} 8/{imsg[0] >> 4} {nonce:#018x} -")
            continue
        nonce = struct.unpack_from("!Q", msg, 4)[0]
        auth = "-"
        if mtype in (3, 4):
            auth = "ok" if L.verify_register(msg, key) else "bad"
        print(f"{src} {mtype} {nonce:#018x} {auth}")


if __name__ == "__main__":
    main()
