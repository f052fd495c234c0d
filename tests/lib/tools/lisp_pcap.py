#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""lisp_pcap.py PCAP KEY: for every LISP control message (UDP 4342, over
IPv4 or IPv6) in PCAP,
print one line "src type nonce auth" where auth is ok/bad (Map-Register and
Map-Notify, HMAC checked with KEY by Python's hmac) or - (other types).
ECMs print their inner message's type after a slash (8/1)."""

import struct
import sys

from nfvatest import lisp as L
from nfvatest.pcap import read_pcap


def udp_of(f):
    """(source address text, UDP offset) of an IPv4 or IPv6 UDP frame, or None."""
    import ipaddress
    etype = f[12:14]
    if etype == b"\x08\x00" and len(f) >= 42 and f[23] == 17:
        return str(ipaddress.ip_address(f[26:30])), 14 + (f[14] & 0xF) * 4
    if etype == b"\x86\xdd" and len(f) >= 62 and f[20] == 17:
        return str(ipaddress.ip_address(f[22:38])), 54
    return None


def ecm_inner_msg(inner):
    """The LISP message inside an ECM's inner IPv4 or IPv6 + UDP header."""
    hlen = (inner[0] & 0xF) * 4 if inner[0] >> 4 == 4 else 40
    return inner[hlen + 8:]


def main():
    path, key = sys.argv[1], sys.argv[2]
    for f in read_pcap(path):  # cap_start writes classic pcap
        found = udp_of(f)
        if found is None:
            continue
        src, udp = found
        sport, dport, ulen = struct.unpack_from("!HHH", f, udp)
        if L.LISP_CTRL not in (dport,):
            continue
        msg = f[udp + 8:udp + ulen]
        mtype = msg[0] >> 4
        if mtype == 8:
            imsg = ecm_inner_msg(msg[4:])
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
