#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Every decapsulation drop reason, counted on the uplink, nothing delivered.

    remote VTEPs                 nfva                    local members
    .252 (02:..:02:52) --+                          +-- vm1   n1: vni 5000 vxlan
    .253, .254 ----------+-- up 192.168.1.249/24 ---+-- vm2   n2: vni 5001 gre
                                                    +-- vm3   n3: vni 6000 vxlan strict,
                                                                  vtep .252 only

in_up holds, in this order, frames built byte by byte (outer checksums right
unless the case is about them) and three good ones:
  good VXLAN 5000, GRE 5001, strict VXLAN 6000 from .252   -> vm1, vm2, vm3
  VXLAN VNI 9999; GRE key 9999                             unknown_vni
  VXLAN flags 0x00 (I clear); GRE without K; GRE K with
    version 1; GRE K with R                                tunnel_bad_flags
  VXLAN header cut to 4 bytes; UDP header cut to 4 bytes;
    GRE with K but no key; GRE header of 2 bytes           tunnel_truncated
  VXLAN inner frame of 10 bytes; GRE inner frame of 13     inner_short
  outer IPv4 with MF; with fragment offset 8               ip_fragment
  bad IPv4 checksum; IHL 4; IHL 15 in a 50-byte packet;
    total length 100 bytes past the frame; version 6       ip_invalid
  UDP to port 53; TCP to the VTEP; GRE protocol 0x0800;
    IPv6 to the uplink MAC                                 not_tunnel
  IPv4 to 192.168.1.250; unicast to another MAC            not_for_us
  strict n3 from unconfigured .254                         vtep_not_allowed
  inner source MAC multicast                               src_mac_invalid
`port show` counters.dropped of the uplink must be exactly these counts, the
members receive only the three good frames, and only their sources are
learned. The uplink sends nothing.
"""

import struct

import nfvatest as t

t.require_tools()

A1, A2, A3 = "02:00:00:00:00:a1", "02:00:00:00:00:a2", "02:00:00:00:00:a3"
G1, G2, G3 = "02:00:00:00:01:01", "02:00:00:00:01:02", "02:00:00:00:01:03"
BAD = "02:00:00:00:0b:%02x"  # inner sources of dropped frames: never learned
VTEP3, VTEP3_MAC = "192.168.1.254", "02:00:00:00:02:54"


def inner(n, dst=A1, src=None):
    return t.udp_frame(src or BAD % n, dst, "10.0.0.9", "10.0.0.1", 41000 + n, 42000,
                       f"dropped {n}")


def ipv4(payload, proto, src=t.VTEP1, dst=t.UPLINK_IP, frag=0, ihl=5, version=4,
         total=None, bad_csum=False, options=b""):
    """An IPv4 header (checksum right unless bad_csum) and payload, as given."""
    total = 4 * ihl + len(payload) if total is None else total
    hdr = struct.pack("!BBHHHBBH4s4s", version << 4 | ihl, 0, total, 0x1234, frag, 64, proto,
                      0, t.ip4(src), t.ip4(dst)) + options
    c = t.csum(hdr)
    hdr = hdr[:10] + struct.pack("!H", c ^ 0x5555 if bad_csum else c) + hdr[12:]
    return hdr + payload


def eth(l3, upmac, src_mac=t.VTEP1_MAC, ethertype=0x0800):
    return t.mac(upmac) + t.mac(src_mac) + struct.pack("!H", ethertype) + l3


def udp(payload, dport=4789):
    return struct.pack("!HHHH", 50000, dport, 8 + len(payload), 0) + payload


def vxlan_payload(frame, vni=5000, flags=0x08):
    return udp(t.vxlan_header(vni, flags) + frame)


def frames(upmac):
    """[(reason or member port, frame)] in input order."""
    def v(frame, vni=5000, flags=0x08, src=t.VTEP1, src_mac=t.VTEP1_MAC, **ip_kw):
        return eth(ipv4(vxlan_payload(frame, vni, flags), 17, src=src, **ip_kw), upmac,
                   src_mac)

    def g(frame, key=5001, flags=0x2000, proto=0x6558, hdr=None):
        gre = hdr if hdr is not None else t.gre_header(key, flags, proto)
        return eth(ipv4(gre + frame, 47), upmac)

    n = iter(range(1, 100))
    return [
        ("vm1", v(t.udp_frame(G1, A1, "10.0.0.1", "10.0.0.2", 1, 2, "good vxlan"))),
        ("vm2", g(t.udp_frame(G2, A2, "10.0.0.1", "10.0.0.2", 1, 2, "good gre"))),
        ("vm3", v(t.udp_frame(G3, A3, "10.0.0.1", "10.0.0.2", 1, 2, "good strict"), vni=6000)),
        ("unknown_vni", v(inner(next(n)), vni=9999)),
        ("unknown_vni", g(inner(next(n)), key=9999)),
        ("tunnel_bad_flags", v(inner(next(n)), flags=0x00)),
        ("tunnel_bad_flags", g(inner(next(n)), hdr=struct.pack("!HH", 0x0000, 0x6558))),
        ("tunnel_bad_flags", g(inner(next(n)), flags=0x2001)),
        ("tunnel_bad_flags", g(inner(next(n)), flags=0x6000)),
        ("tunnel_truncated", eth(ipv4(udp(t.vxlan_header(5000)[:4]), 17), upmac)),
        ("tunnel_truncated", eth(ipv4(udp(b"")[:4], 17), upmac)),
        ("tunnel_truncated", g(b"", hdr=struct.pack("!HH", 0x2000, 0x6558))),
        ("tunnel_truncated", g(b"", hdr=b"\x20\x00")),
        ("inner_short", v(inner(next(n))[:10])),
        ("inner_short", g(inner(next(n))[:13])),
        ("ip_fragment", v(inner(next(n)), frag=0x2000)),
        ("ip_fragment", v(inner(next(n)), frag=0x0001)),
        ("ip_invalid", v(inner(next(n)), bad_csum=True)),
        ("ip_invalid", v(inner(next(n)), ihl=4)),
        ("ip_invalid", eth(ipv4(b"\0" * 30, 17, ihl=15, options=b"\x01" * 40)[:50], upmac)),
        ("ip_invalid", v(inner(next(n)), total=100 + 20 + 16 + 8 + len(inner(0)))),
        ("ip_invalid", v(inner(next(n)), version=6)),
        ("not_tunnel", eth(ipv4(udp(t.vxlan_header(5000) + inner(next(n)), dport=53), 17),
                           upmac)),
        ("not_tunnel", eth(ipv4(struct.pack("!HHIIBBHHH", 40000, 4789, 1, 0, 0x50, 0x02,
                                            8192, 0, 0), 6), upmac)),
        ("not_tunnel", g(inner(next(n)), proto=0x0800)),
        ("not_tunnel", eth(bytes(40) + inner(next(n)), upmac, ethertype=0x86DD)),
        ("not_for_us", v(inner(next(n)), dst="192.168.1.250")),
        ("not_for_us", t.mac("02:00:00:00:09:99") + v(inner(next(n)))[6:]),
        ("vtep_not_allowed", v(inner(next(n)), vni=6000, src=VTEP3, src_mac=VTEP3_MAC)),
        ("src_mac_invalid", v(inner(next(n), src="03:00:00:00:0b:ff"))),
    ]


def main():
    d = t.Daemon("drops", ["up", "vm1", "vm2", "vm3"], t.UNDERLAY_CONFIG + [
        "network add n1 vni 5000 encap vxlan", "network n1 attach vm1",
        f"network n1 vtep add {t.VTEP1}",
        "network add n2 vni 5001 encap gre", "network n2 attach vm2",
        f"network n2 vtep add {t.VTEP1}",
        "network add n3 vni 6000 encap vxlan strict", "network n3 attach vm3",
        f"network n3 vtep add {t.VTEP1}"])
    try:
        upmac = d.probe_uplink_mac()
        cases = frames(upmac)
        d.write_input("up", [f for _, f in cases])
        d.start()
        t.check_eq(d.ctl("network", "show", "n3")[0]["overlay"]["strict"], True,
                   "network show: n3 is strict")
        shown = d.wait_inputs(tx={"vm1": 1, "vm2": 1, "vm3": 1})
        want = {}
        for why, _ in cases:
            if not why.startswith("vm"):
                want[why] = want.get(why, 0) + 1
        t.check_eq(shown["up"]["counters"]["dropped"], want,
                   "uplink counters.dropped: one count per crafted frame and reason")
        t.check_eq(t.counters(shown, "up"), {"rx_packets": len(cases), "tx_packets": 0,
                                             "learned": 3, "dropped": want},
                   "uplink rx/tx/learned")
        t.check_eq([r[0] for r in t.fdb_rows(d)], [G1, G2, G3],
                   "fdb: only the sources of the three good frames")
        d.stop_checked()

        for port in ("vm1", "vm2", "vm3"):
            good = [f for why, f in cases if why == port]
            t.check_frames(d.output(port), [f[-len(good_inner(f)):] for f in good],
                           f"{port}: only the good frame's inner frame")
        t.check_frames(d.output("up"), [], "uplink: nothing sent")
    finally:
        d.cleanup()


def good_inner(frame):
    """The inner frame of a good VXLAN or GRE frame built by frames()."""
    proto = frame[23]
    return frame[14 + 20 + (16 if proto == 17 else 8):]


if __name__ == "__main__":
    t.main_guard(main)
