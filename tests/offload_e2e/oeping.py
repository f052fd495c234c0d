#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Exactly COUNT ICMP echo requests, then wait for every reply up to a deadline.

    oeping.py DST COUNT INTERVAL [DEADLINE_S]   prints the number of distinct replies

Why not ping(8): with -c alone it stops waiting two RTTs after the last
request, so a frame held for a second by a loaded machine counts as lost; with
-w it keeps sending beyond -c until COUNT replies came, so the number of
frames is no longer known. The offload tests count frames exactly: this sends
COUNT requests (56 data bytes, like ping: 98-byte frames), one every INTERVAL
seconds, and waits for all replies until DEADLINE (default COUNT * INTERVAL
+ 10 s). Root only (raw socket); run it inside the sender's namespace.
"""

import os
import select
import socket
import struct
import sys
import time


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def main(argv):
    if len(argv) < 4:
        print(__doc__)
        return 2
    dst, count, interval = argv[1], int(argv[2]), float(argv[3])
    deadline_s = float(argv[4]) if len(argv) > 4 else count * interval + 10
    ident = os.getpid() & 0xFFFF
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    payload = bytes(range(56))
    got = set()
    start = time.monotonic()
    deadline = start + deadline_s
    next_send, seq = start, 0
    while time.monotonic() < deadline and len(got) < count:
        now = time.monotonic()
        if seq < count and now >= next_send:
            seq += 1
            hdr = struct.pack("!BBHHH", 8, 0, 0, ident, seq)
            c = csum(hdr + payload)
            s.sendto(struct.pack("!BBHHH", 8, 0, c, ident, seq) + payload, (dst, 0))
            next_send += interval
            continue
        wait = deadline - now
        if seq < count:
            wait = min(wait, max(next_send - now, 0))
        r, _, _ = select.select([s], [], [], wait)
        if not r:
            continue
        pkt, addr = s.recvfrom(2048)
        ihl = (pkt[0] & 0x0F) * 4
        if len(pkt) < ihl + 8 or addr[0] != dst:
            continue
        typ, _, _, rid, rseq = struct.unpack_from("!BBHHH", pkt, ihl)
        if typ == 0 and rid == ident and 1 <= rseq <= count:
            got.add(rseq)
    print(len(got))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
