#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""ICMP echo to the VTEP address: answered on the uplink, golden bytes.

    .252 (02:..:02:52) ---- up 192.168.1.249/24 [ nfva ] vm1 (n1: vni 5000 vxlan)

in_up:
  1 echo request .252 -> .249, id 0x4242 seq 1, 56 bytes of data, TTL 63, DF
  2 echo request .252 -> .249 without data, padded to 60 bytes on the wire
  3 echo request 10.9.9.9 -> .249 (off-subnet host, same neighbour MAC),
    odd ICMP length
  4 echo request with a bad ICMP checksum                  icmp_invalid
  5 timestamp request (type 13) to .249                    not_tunnel
  6 echo request to 192.168.1.250                          not_for_us
out_up: the replies to 1, 2, 3 in order, each equal to the frame built here:
  Ethernet back to the requester's MAC from the uplink MAC, IPv4 with the
  addresses swapped, TTL 64, the request's identification and flags, a
  correct header checksum, ICMP type 0 code 0 with the request's id, sequence
  and data and a correct checksum (2: the padding is not echoed, the IPv4
  length is the request's). tshark decodes icmp.type 0 and finds nothing
  malformed; nothing reaches vm1.
"""

import struct

import nfvatest as t
from nfvatest.layers import ICMP, IP, Ether, Raw

t.require_tools()


def request(upmac, src, dst=t.UPLINK_IP, ident=0x4242, seq=1, data=b"", ip_id=0x1111,
            ttl=63, icmp_type=8, bad_csum=False):
    pkt = Ether(src=t.VTEP1_MAC, dst=upmac) / IP(src=src, dst=dst, id=ip_id, ttl=ttl,
                                                  flags="DF") / \
        ICMP(type=icmp_type, code=0, id=ident, seq=seq)
    if data:
        pkt = pkt / Raw(data)
    frame = bytes(pkt)
    if bad_csum:
        frame = frame[:36] + bytes([frame[36] ^ 0xff]) + frame[37:]
    return frame


def reply(upmac, req):
    """The expected echo reply to req, built field by field."""
    ip_len = struct.unpack_from("!H", req, 16)[0]
    ip_id, flags_frag = struct.unpack_from("!HH", req, 18)
    src, dst = req[26:30], req[30:34]
    icmp = req[34:14 + ip_len]
    icmp = b"\x00\x00\x00\x00" + icmp[4:]
    icmp = icmp[:2] + struct.pack("!H", t.csum(icmp)) + icmp[4:]
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, req[15], ip_len, ip_id, flags_frag, 64, 1, 0,
                      dst, src)
    hdr = hdr[:10] + struct.pack("!H", t.csum(hdr)) + hdr[12:]
    return req[6:12] + t.mac(upmac) + b"\x08\x00" + hdr + icmp


def main():
    d = t.Daemon("icmp", ["up", "vm1"], t.UNDERLAY_CONFIG + [
        "network add n1 vni 5000 encap vxlan", "network n1 attach vm1",
        f"network n1 vtep add {t.VTEP1}"])
    try:
        upmac = d.probe_uplink_mac()
        r1 = request(upmac, t.VTEP1, data=bytes(range(56)))
        r2 = request(upmac, t.VTEP1, seq=2)
        r2 = r2 + b"\0" * (60 - len(r2))
        r3 = request(upmac, "10.9.9.9", ident=7, seq=3, data=b"odd length!")
        bad = request(upmac, t.VTEP1, seq=4, data=b"bad checksum", bad_csum=True)
        tstamp = request(upmac, t.VTEP1, seq=5, icmp_type=13, data=bytes(12))
        other = request(upmac, t.VTEP1, seq=6, dst="192.168.1.250")
        d.write_input("up", [r1, r2, bad, tstamp, other, r3])
        d.start()
        shown = d.wait_inputs(tx={"up": 3})
        t.check_eq(t.counters(shown, "up"), {"rx_packets": 6, "tx_packets": 3, "learned": 0,
                                             "dropped": {"icmp_invalid": 1, "not_tunnel": 1,
                                                         "not_for_us": 1}},
                   "uplink counters: 3 replies, icmp_invalid, not_tunnel, not_for_us")
        d.stop_checked()

        got = d.output("up")
        t.check_frames(got, [reply(upmac, r1), reply(upmac, r2[:42]), reply(upmac, r3)],
                       "uplink: echo replies, byte for byte")
        for i, f in enumerate(got):
            p = Ether(f)
            ip_ck, icmp_ck = p[IP].chksum, p[ICMP].chksum
            del p[IP].chksum
            del p[ICMP].chksum
            q = Ether(bytes(p))
            t.check_eq((q[IP].chksum, q[ICMP].chksum), (ip_ck, icmp_ck),
                       f"reply {i}: scapy recomputes the same IPv4 and ICMP checksums")
        rows = t.tshark_fields(d.out_path("up"), ["icmp.type", "icmp.code", "ip.src", "ip.dst",
                                                  "icmp.ident", "icmp.seq", "ip.ttl",
                                                  "icmp.checksum.status"],
                               extra=t.TSHARK_CSUM_OPTS)
        t.check_eq(rows, [["0", "0", t.UPLINK_IP, t.VTEP1, "16962", "1", "64", "1"],
                          ["0", "0", t.UPLINK_IP, t.VTEP1, "16962", "2", "64", "1"],
                          ["0", "0", t.UPLINK_IP, "10.9.9.9", "7", "3", "64", "1"]],
                   "tshark: echo replies, addresses swapped, checksums good")
        t.check_tshark_clean(d.out_path("up"), "replies")
        t.check_frames(d.output("vm1"), [], "vm1: nothing")
    finally:
        d.cleanup()


if __name__ == "__main__":
    t.main_guard(main)
