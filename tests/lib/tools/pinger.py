#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""ICMP echo with loss counted per probe, whatever the delay.

Usage: pinger.py DST COUNT INTERVAL TIMEOUT [START_AT_MS]

Sends COUNT echo requests to DST, INTERVAL seconds apart, and waits until
every one is answered or TIMEOUT seconds have passed since the last was sent.
With START_AT_MS (wall clock, ms since the epoch) the first probe leaves at
that instant, whatever the time this process took to start.
Prints "SENT RECEIVED MAX_RTT_MS FIRST_SEND_MS" (the last: wall clock, ms
since the epoch, taken just before the first probe left). SIGINT or SIGTERM stops the sending early;
the replies still due get their TIMEOUT, then the result is printed.

Why not ping(8): once one reply has come back, ping waits only
max(2 * max RTT, interval) after its last probe, so a reply delayed by a busy
machine counts as lost; with -w it keeps sending beyond -c until COUNT replies
came, so the number of frames is no longer known. Here exactly COUNT requests
go (56 data bytes, like ping: 98-byte frames) and a reply counts if it comes
within TIMEOUT. Root only (raw socket); run it inside the sender's namespace.
"""
import os
import select
import signal
import socket
import struct
import sys
import time

from nfvatest.frames import csum

ICMP_ECHO, ICMP_ECHOREPLY = 8, 0


def echo_request(ident, seq):
    payload = b"nfva-netns-pinger".ljust(56, b"\0")
    hdr = struct.pack("!BBHHH", ICMP_ECHO, 0, 0, ident, seq)
    return struct.pack("!BBHHH", ICMP_ECHO, 0, csum(hdr + payload), ident, seq) + payload


def main():
    dst, count = sys.argv[1], int(sys.argv[2])
    interval, timeout = float(sys.argv[3]), float(sys.argv[4])
    stop = []
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    ident = (os.getpid() ^ int.from_bytes(os.urandom(2), "big")) & 0xFFFF
    sent_at, rtts = {}, {}
    if len(sys.argv) > 5:
        time.sleep(max(int(sys.argv[5]) / 1000 - time.time(), 0))
    first_send_ms = int(time.time() * 1000)
    next_send = time.monotonic()
    last_send = next_send
    while True:
        now = time.monotonic()
        sending = not stop and len(sent_at) < count
        if sending and now >= next_send:
            seq = len(sent_at) + 1
            s.sendto(echo_request(ident, seq), (dst, 0))
            sent_at[seq] = last_send = now
            next_send += interval
            continue
        if len(rtts) == len(sent_at) and not sending:
            break
        if not sending and now - last_send >= timeout:
            break
        wait = (next_send if sending else last_send + timeout) - now
        try:
            ready, _, _ = select.select([s], [], [], max(wait, 0))
        except InterruptedError:
            continue
        if not ready:
            continue
        pkt = s.recv(2048)
        ihl = (pkt[0] & 0x0F) * 4
        typ, _, _, rid, rseq = struct.unpack("!BBHHH", pkt[ihl:ihl + 8])
        if typ == ICMP_ECHOREPLY and rid == ident and rseq in sent_at and rseq not in rtts:
            rtts[rseq] = (time.monotonic() - sent_at[rseq]) * 1000
    print(len(sent_at), len(rtts), "%.1f" % max(rtts.values(), default=0), first_send_ms)


if __name__ == "__main__":
    main()
