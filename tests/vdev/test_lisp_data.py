#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""LISP data plane (RFC 9300), golden bytes in both directions.

    RLOC 192.168.1.252 (02:..:02:52) --- up 192.168.1.249/24 ===[ nfva ]=== vm1
                                         network lan iid 1000 encap lisp
    map-cache: 10.1.2.0/24 -> .252; 2001:db8:2::/48 -> .252;
               10.1.3.0/24 negative (drop); 10.1.4.0/24 -> .252 priority 255 (unusable)
    static EIDs on vm1: 10.1.1.21 (MAC B), 2001:db8:1::21 (MAC B)
    VM A = 10.1.1.20 / 2001:db8:1::20, MAC 02:00:00:00:00:0a, sends on vm1.

in_vm1 (A's frames):                                     expected
  ARP who-has 10.1.2.5                                   ARP reply, gateway MAC
  ARP who-has 10.1.1.21 (a local EID on the same port)   drop local_dest
  gratuitous ARP of A                                    learned, nothing sent
  UDP 10.1.1.20 -> 10.1.2.5, flows 0 (twice) and 1..19   LISP to .252, iid 1000
  IPv6 NS for 2001:db8:2::5 (source 2001:db8:1::20)      NA, gateway MAC, checksum ok
  UDP 2001:db8:1::20 -> 2001:db8:2::5                    LISP to .252, inner IPv6
  UDP to 10.9.9.9 (no entry, no map-resolver)            drop lisp_map_request
  UDP to 10.1.3.7 (negative entry)                       drop lisp_negative
  UDP to 10.1.4.7 (no usable RLOC)                       drop lisp_no_rloc
  UDP to 224.0.0.9                                       drop lisp_multicast
  EtherType 0x88b5                                       drop lisp_not_ip
  UDP of 1465 inner bytes (outer IPv4 1501 > MTU 1500)   drop mtu_exceeded
in_up (from .252, outer DF, UDP checksum 0):
  N|I iid 1000, inner 10.1.2.5 -> 10.1.1.21, TTL 64     vm1: dst B, src gateway, inner as is
  same with outer TTL 5                                  vm1: inner TTL 5, checksum redone
  N|I iid 1000, inner IPv6 -> 2001:db8:1::21            vm1, EtherType 0x86dd
  N and V both set                                        lisp_bad_flags
  iid 7                                                   lisp_unknown_iid
  I clear (instance 0: no such network)                   lisp_unknown_iid
  LISP header cut to 4 bytes                              lisp_truncated
  inner not IP (first byte 0x00, 20 bytes)                lisp_inner_invalid
  inner IPv4 total length past the packet                 lisp_inner_invalid
  inner destination 10.1.1.99 (not a local EID)           lisp_not_local_eid + ARP probe on vm1
Checks: every output frame byte for byte (the outer IPv4 identification,
UDP source port and LISP nonce taken from the output, then checked: source
port 49152-65535, equal within a flow and spread over flows; nonces not all
equal); tshark decodes lisp-data.flags.nonce == 1, lisp-data.flags.iid == 1,
lisp-data.iid == 1000, inner ip.src/ip.dst, nothing malformed; exact drop
counters per port; A is learned on vm1 (lisp eid show).
"""

import struct

import nfvatest as t
from nfvatest import lisp as L
from nfvatest.layers import ARP, ICMPv6ND_NA, ICMPv6ND_NS, ICMPv6NDOptSrcLLAddr, IPv6, UDP, Ether

t.require_tools()


MAC_A = "02:00:00:00:00:0a"
MAC_B = "02:00:00:00:00:0b"
IID = 1000
RLOC, RLOC_MAC = t.VTEP1, t.VTEP1_MAC
CONFIG = t.UNDERLAY_CONFIG + [
    f"network add lan iid {IID} encap lisp",
    "network lan attach vm1",
    f"lisp map-cache add {IID} 10.1.2.0/24 rloc {RLOC}",
    f"lisp map-cache add {IID} 2001:db8:2::/48 rloc {RLOC}",
    f"lisp map-cache add {IID} 10.1.3.0/24 negative",
    f"lisp map-cache add {IID} 10.1.4.0/24 rloc {RLOC} priority 255",
    f"lisp eid add {IID} 10.1.1.21 mac {MAC_B} port vm1",
    f"lisp eid add {IID} 2001:db8:1::21 mac {MAC_B} port vm1",
]


def eth(dst, src, etype):
    return t.mac(dst) + t.mac(src) + struct.pack("!H", etype)


def a_udp(dst, sport, data, size=None):
    pkt = L.udp_in_ipv4("10.1.1.20", dst, sport, 7000, data.encode())
    if size is not None:
        pkt = L.udp_in_ipv4("10.1.1.20", dst, sport, 7000, b"x" * (size - 28))
    return eth(L.GW_MAC, MAC_A, 0x0800) + pkt


def ipv6_udp(src, dst, data, hlim=64):
    return bytes(IPv6(src=src, dst=dst, hlim=hlim) / UDP(sport=5000, dport=6000) / data)


def vm_frames():
    arp_remote = bytes(Ether(src=MAC_A, dst=t.BCAST) /
                       ARP(op=1, hwsrc=MAC_A, psrc="10.1.1.20", pdst="10.1.2.5"))
    arp_local = bytes(Ether(src=MAC_A, dst=t.BCAST) /
                      ARP(op=1, hwsrc=MAC_A, psrc="10.1.1.20", pdst="10.1.1.21"))
    garp = bytes(Ether(src=MAC_A, dst=t.BCAST) /
                 ARP(op=1, hwsrc=MAC_A, psrc="10.1.1.20", pdst="10.1.1.20"))
    flows = [a_udp("10.1.2.5", 40000, "flow 0 a"), a_udp("10.1.2.5", 40000, "flow 0 b")] + \
        [a_udp("10.1.2.5", 40000 + i, f"flow {i}") for i in range(1, 20)]
    ns = bytes(Ether(src=MAC_A, dst="33:33:ff:00:00:05") /
               IPv6(src="2001:db8:1::20", dst="ff02::1:ff00:5", hlim=255) /
               ICMPv6ND_NS(tgt="2001:db8:2::5") / ICMPv6NDOptSrcLLAddr(lladdr=MAC_A))
    v6 = eth(L.GW_MAC, MAC_A, 0x86DD) + ipv6_udp("2001:db8:1::20", "2001:db8:2::5", b"six")
    drops = [a_udp("10.9.9.9", 1, "miss"), a_udp("10.1.3.7", 2, "negative"),
             a_udp("10.1.4.7", 3, "no rloc"), a_udp("224.0.0.9", 4, "mcast"),
             eth(L.GW_MAC, MAC_A, 0x88B5) + b"\0" * 46, a_udp("10.1.2.5", 5, "", size=1465)]
    return arp_remote, arp_local, garp, flows, ns, v6, drops


def from_rloc(upmac, lisp_hdr, inner, ttl=64):
    return t.outer_udp(RLOC_MAC, upmac, RLOC, t.UPLINK_IP, 61000, L.LISP_DATA,
                       lisp_hdr + inner, ttl=ttl, df=True, ident=9)


def uplink_frames(upmac):
    good = L.udp_in_ipv4("10.1.2.5", "10.1.1.21", 7000, 8000, b"to B")
    good6 = ipv6_udp("2001:db8:2::5", "2001:db8:1::21", b"to B six")
    hdr = L.lisp_data_header(iid=IID, nonce=0x123456)
    bad_total = bytearray(L.udp_in_ipv4("10.1.2.5", "10.1.1.21", 1, 2, b"short"))
    struct.pack_into("!H", bad_total, 2, 200)
    struct.pack_into("!H", bad_total, 10, 0)
    struct.pack_into("!H", bad_total, 10, t.csum(bytes(bad_total[:20])))
    delivered = [from_rloc(upmac, hdr, good), from_rloc(upmac, hdr, good, ttl=5),
                 from_rloc(upmac, hdr, good6)]
    dropped = [
        (from_rloc(upmac, L.lisp_data_header(iid=IID, nonce=1, flags=0x98), good),
         "lisp_bad_flags"),
        (from_rloc(upmac, L.lisp_data_header(iid=7, nonce=1), good), "lisp_unknown_iid"),
        (from_rloc(upmac, L.lisp_data_header(nonce=1), good), "lisp_unknown_iid"),
        (t.outer_udp(RLOC_MAC, upmac, RLOC, t.UPLINK_IP, 61000, L.LISP_DATA, hdr[:4]),
         "lisp_truncated"),
        (from_rloc(upmac, hdr, b"\0" * 20), "lisp_inner_invalid"),
        (from_rloc(upmac, hdr, bytes(bad_total)), "lisp_inner_invalid"),
        (from_rloc(upmac, hdr, L.udp_in_ipv4("10.1.2.5", "10.1.1.99", 1, 2, b"who")),
         "lisp_not_local_eid"),
    ]
    return good, good6, delivered, dropped


def expected_encap(upmac, got, inner, what):
    """The outer frame nfva must send for inner, with got's per-packet fields."""
    ident = struct.unpack_from("!H", got, 18)[0] if len(got) > 20 else 0
    sport = struct.unpack_from("!H", got, 34)[0] if len(got) > 36 else 0
    nonce = int.from_bytes(got[43:46], "big") if len(got) > 46 else 0
    t.check(49152 <= sport <= 65535, f"{what}: UDP source port {sport} in 49152-65535")
    want = t.outer_udp(upmac, RLOC_MAC, t.UPLINK_IP, RLOC, sport, L.LISP_DATA,
                       L.lisp_data_header(iid=IID, nonce=nonce) + inner, ident=ident)
    return want, sport, nonce


def check_tables(d, shown, dropped):
    """Drop counters, EID table and map-cache of the settled daemon."""
    want_up_drops = {}
    for _, why in dropped:
        want_up_drops[why] = want_up_drops.get(why, 0) + 1
    t.check_eq(shown["up"]["counters"]["dropped"], want_up_drops,
               "uplink drops: one counter per malformed case")
    t.check_eq(shown["vm1"]["counters"]["dropped"],
               {"local_dest": 1, "lisp_map_request": 1, "lisp_negative": 1,
                "lisp_no_rloc": 1, "lisp_multicast": 1, "lisp_not_ip": 1,
                "mtu_exceeded": 1}, "vm1 drops")
    eids = sorted((e["eid"], e["mac"].lower(), e["port"], e["type"])
                  for e in d.ctl("lisp", "eid", "show"))
    t.check_eq(eids, sorted([("10.1.1.20", MAC_A, "vm1", "learned"),
                             ("2001:db8:1::20", MAC_A, "vm1", "learned"),
                             ("10.1.1.21", MAC_B, "vm1", "static"),
                             ("2001:db8:1::21", MAC_B, "vm1", "static")]),
               "lisp eid show: A learned (ARP, IPv4, NS), B static")
    mc = {e["eid"]: (e["type"], e["action"]) for e in d.ctl("lisp", "map-cache", "show")}
    t.check_eq(mc.get("10.9.9.9/32"), ("pending", "drop"),
               "a miss without map-resolver leaves a pending entry")


def check_uplink(d, upmac, flows, v6):
    """What nfva encapsulated toward the RLOC: byte for byte, and as tshark reads it."""
    got = d.output("up")
    sent = flows + [v6]
    wants, sports, nonces = [], [], []
    for i, f in enumerate(sent):
        g = got[i] if i < len(got) else b""
        w, sp, nc = expected_encap(upmac, g, f[14:], f"encap frame {i}")
        wants.append(w)
        sports.append(sp)
        nonces.append(nc)
    t.check_frames(got, wants, "uplink: LISP frames byte for byte")
    t.check_eq(sports[0], sports[1], "same flow, same UDP source port")
    t.check(len(set(sports[1:20])) >= 17, f"{len(set(sports[1:20]))} distinct source "
            "ports over 19 flows")
    t.check(len(set(nonces)) >= len(nonces) - 2, "nonces differ from packet to packet")
    rows = t.tshark_fields(d.out_path("up"), ["lisp-data.flags.nonce", "lisp-data.flags.iid",
                                              "lisp-data.iid", "udp.dstport"],
                           extra=["-E", "occurrence=f"])
    t.check_eq(rows, [["1", "1", str(IID), "4341"]] * len(sent),
               "tshark: N and I flags, iid 1000, port 4341")
    inner = t.tshark_fields(d.out_path("up"), ["ip.src", "ip.dst"],
                            extra=["-E", "occurrence=l"], display_filter="ip.version == 4 && "
                            "!(ipv6)")
    t.check_eq(inner, [["10.1.1.20", "10.1.2.5"]] * len(flows),
               "tshark: inner IPv4 source and destination")
    nonce_rows = t.tshark_fields(d.out_path("up"), ["lisp-data.nonce"])
    t.check_eq([int(r[0], 0) for r in nonce_rows], nonces, "tshark: lisp-data.nonce")
    t.check_tshark_clean(d.out_path("up"), "uplink")


def check_vm1(d, good, good6):
    """What vm1 received: decapsulated frames, the ARP probe, ARP reply, NA."""
    arp_reply = bytes(Ether(src=L.GW_MAC, dst=MAC_A) /
                      ARP(op=2, hwsrc=L.GW_MAC, psrc="10.1.2.5", hwdst=MAC_A,
                          pdst="10.1.1.20"))
    na = bytes(Ether(src=L.GW_MAC, dst=MAC_A) /
               IPv6(src="2001:db8:2::5", dst="2001:db8:1::20", hlim=255) /
               ICMPv6ND_NA(tgt="2001:db8:2::5", R=0, S=1, O=1) /
               bytes([2, 1]) / t.mac(L.GW_MAC))
    ttl5 = bytearray(good)
    ttl5[8] = 5
    struct.pack_into("!H", ttl5, 10, 0)
    struct.pack_into("!H", ttl5, 10, t.csum(bytes(ttl5[:20])))
    probe = bytes(Ether(src=L.GW_MAC, dst=t.BCAST) /
                  ARP(op=1, hwsrc=L.GW_MAC, psrc="0.0.0.0", hwdst="00:00:00:00:00:00",
                      pdst="10.1.1.99"))
    to_b = eth(MAC_B, L.GW_MAC, 0x0800)
    want_vm1 = [to_b + good, to_b + bytes(ttl5), eth(MAC_B, L.GW_MAC, 0x86DD) + good6,
                probe, arp_reply, na]
    t.check_eq(sorted(f.hex() for f in d.output("vm1")), sorted(f.hex() for f in want_vm1),
               "vm1: decapsulated frames (new Ethernet), ARP probe, ARP reply, NA")
    t.check_tshark_clean(d.out_path("vm1"), "vm1")


def main():
    d = t.Daemon("lisp-data", ["up", "vm1"], CONFIG)
    try:
        upmac = d.probe_uplink_mac()
        arp_remote, arp_local, garp, flows, ns, v6, drops = vm_frames()
        good, good6, delivered, dropped = uplink_frames(upmac)
        d.write_input("vm1", [arp_remote, arp_local, garp] + flows + [ns, v6] + drops)
        d.write_input("up", delivered + [f for f, _ in dropped])
        d.start()
        shown = d.wait_inputs(tx={"up": len(flows) + 1, "vm1": 6})
        check_tables(d, shown, dropped)
        d.stop_checked()
        check_uplink(d, upmac, flows, v6)
        check_vm1(d, good, good6)
    finally:
        d.cleanup()


if __name__ == "__main__":
    t.main_guard(main)
