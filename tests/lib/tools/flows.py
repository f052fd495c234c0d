#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Numbered UDP flows: send them, and check a capture for order and loss.

Usage:
  flows.py send IFACE SRC_MAC DST_MAC SRC_IP DST_IP FLOWS COUNT [PPS] [SPORT0]
  flows.py check PCAP FLOWS COUNT [SPORT0]

send: FLOWS UDP flows (source ports SPORT0.., default 20000; destination port
9) of COUNT frames each, out of IFACE with the given Ethernet and IP
addresses, interleaved (frame k of every flow, then frame k+1). Each payload
carries a magic word, the flow number and the frame's sequence number; PPS
(default 20000) paces the sender so no ring on the way overflows. Prints the
number of frames sent.

check: reads a classic pcap and, for the frames of these flows, prints
"flows F frames N reordered R duplicated D lost L": F flows seen, N frames,
R frames that came after a later frame of their own flow, D repeated
sequence numbers, L frames never seen. Exit status 1 if R or D is not 0.
"""
import socket
import struct
import sys
import time

from nfvatest.frames import ethernet, ipv4_header, udp_datagram
from nfvatest.pcap import read_pcap

MAGIC = 0x6E667161  # "nfqa"
PAYLOAD = struct.Struct("!III")
DPORT = 9
BATCH = 64


def send(iface, src_mac, dst_mac, src_ip, dst_ip, flows, count, pps, sport0):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    eth = ethernet(dst_mac, src_mac)
    frames = []
    for seq in range(count):
        for flow in range(flows):
            body = PAYLOAD.pack(MAGIC, flow, seq) + bytes(20)
            udp = udp_datagram(sport0 + flow, DPORT, body, src_ip, dst_ip)
            frames.append(eth + ipv4_header(src_ip, dst_ip, 17, len(udp), ident=seq & 0xFFFF) + udp)
    start = time.monotonic()
    sent = 0
    for f in frames:
        s.send(f)
        sent += 1
        if sent % BATCH == 0:
            delay = start + sent / pps - time.monotonic()
            if delay > 0:
                time.sleep(delay)
    print(sent)


def udp_payload(frame):
    """The UDP payload of an untagged IPv4/UDP frame, or None."""
    if len(frame) < 42 or frame[12:14] != b"\x08\x00" or frame[23] != 17:
        return None
    ihl = (frame[14] & 0x0F) * 4
    udp = frame[14 + ihl:]
    return udp[:8], udp[8:]


def check(path, flows, count, sport0):
    last = {}
    seen = {}
    reordered = duplicated = frames = 0
    for frame in read_pcap(path):
        parts = udp_payload(frame)
        if parts is None or len(parts[1]) < PAYLOAD.size:
            continue
        sport, dport = struct.unpack("!HH", parts[0][:4])
        magic, flow, seq = PAYLOAD.unpack(parts[1][:PAYLOAD.size])
        if magic != MAGIC or dport != DPORT or not 0 <= sport - sport0 < flows:
            continue
        frames += 1
        got = seen.setdefault(flow, set())
        if seq in got:
            duplicated += 1
        elif seq < last.get(flow, -1):
            reordered += 1
        got.add(seq)
        last[flow] = max(last.get(flow, -1), seq)
    lost = flows * count - sum(len(s) for s in seen.values())
    print(f"flows {len(seen)} frames {frames} reordered {reordered} "
          f"duplicated {duplicated} lost {lost}")
    return 1 if reordered or duplicated else 0


def main():
    if len(sys.argv) >= 9 and sys.argv[1] == "send":
        a = sys.argv
        pps = float(a[9]) if len(a) > 9 else 20000.0
        sport0 = int(a[10]) if len(a) > 10 else 20000
        send(a[2], a[3], a[4], a[5], a[6], int(a[7]), int(a[8]), pps, sport0)
        return 0
    if len(sys.argv) >= 5 and sys.argv[1] == "check":
        sport0 = int(sys.argv[5]) if len(sys.argv) > 5 else 20000
        return check(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sport0)
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
