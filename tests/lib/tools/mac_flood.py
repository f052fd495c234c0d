#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Send COUNT Ethernet frames with random unicast source MACs out of IFACE.

Usage: mac_flood.py IFACE COUNT DST_MAC [PPS]

Each source MAC is 6 random bytes with the first octet forced to a locally
administered unicast address (& 0xfe | 0x02). Frames carry EtherType 0x88b5
(local experimental), so receiving kernels drop them unparsed. PPS (default
50000) paces the sender so the af_packet rings on the way do not overflow; the
run is bounded by COUNT. Prints the number of frames sent.
"""
import os
import socket
import struct
import sys
import time

ETH_P_LOCAL_EXP = 0x88B5
BATCH = 100


def frame(dst, src_seed):
    src = bytes([src_seed[0] & 0xFE | 0x02]) + src_seed[1:6]
    return dst + src + struct.pack("!H", ETH_P_LOCAL_EXP) + bytes(46)


def main():
    iface, count, dst = sys.argv[1], int(sys.argv[2]), bytes.fromhex(sys.argv[3].replace(":", ""))
    pps = float(sys.argv[4]) if len(sys.argv) > 4 else 50000.0
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    seeds = os.urandom(6 * count)
    start = time.monotonic()
    sent = 0
    while sent < count:
        for i in range(sent, min(sent + BATCH, count)):
            s.send(frame(dst, seeds[6 * i:6 * i + 6]))
        sent = min(sent + BATCH, count)
        ahead = sent / pps - (time.monotonic() - start)
        if ahead > 0:
            time.sleep(ahead)
    print(sent)


if __name__ == "__main__":
    main()
