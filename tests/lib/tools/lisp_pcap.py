#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""lisp_pcap.py PCAP KEY: for every LISP control message (UDP 4342) in PCAP,
print one line "src type nonce auth" where auth is ok/bad (Map-Register and
Map-Notify, HMAC checked with KEY by Python's hmac) or - (other types).
ECMs print their inner message's type after a slash (8/1)."""

import struct
import sys

from nfvatest import lisp as L
from nfvatest.pcap import read_pcap


def main():
    path, key = sys.argv[1], sys.argv[2]
    for f in read_pcap(path):  # cap_start writes classic pcap
        if len(f) < 42 or f[12:14] != b"\x08\x00" or f[23] != 17:
            continue
        ihl = (f[14] & 0xF) * 4
        udp = 14 + ihl
        sport, dport, ulen = struct.unpack_from("!HHH", f, udp)
        if L.LISP_CTRL not in (dport,):
            continue
        msg = f[udp + 8:udp + ulen]
        src = ".".join(str(b) for b in f[26:30])
        mtype = msg[0] >> 4
        if mtype == 8:
            inner = msg[4:]
            ihl2 = (inner[0] & 0xF) * 4
            imsg = inner[ihl2 + 8:]
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
