#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Hostile frames and configurations at the tunnel boundary (issue 13: D7,
D14, D20, D23 and the outer UDP length).

    VTEP .252 --- up 192.168.1.249/24 ===[ nfva ]=== vm1: na untagged, nb vlan 10
                                                     vm2: nb
                                                     an:  ERSPAN analyser port
    na: vni 5000 vxlan; nb: vni 5001 vxlan (both with VTEP .252)

1. decap: in_up, in this order                             expected
     VXLAN 5000, inner untagged                             vm1 (untagged)
     VXLAN 5000, inner 802.1Q VID 10 / 802.1ad VID 10 /
       0x9100 VID 10 (would reach nb's VLAN 10 on vm1)      inner_tagged x3
     VXLAN 5000 with UDP length 4 short, 4 long, and 4     udp_bad_length x3
     ERSPAN II session 8 (collected on an)                  an: the inner frame
     ERSPAN II session 8, GRE version 1; GRE R bit set      tunnel_bad_flags x2
   vm1 and an get exactly the good inner frames, vm2 nothing; the uplink's
   counters.dropped is exactly these reasons; only the good frame's source is
   learned.
2. `mirror collect erspan session 7 to port an from 192.168.1.252`: .252's
   copy is delivered, .253's counted erspan_sender; `mirror collect show`
   says from; a multicast from is refused.
3. GRE key K and NVGRE VSID K >> 8 claim the same frames: a GRE network
   with key 1280 refuses an NVGRE VSID 5 and the reverse (VSID 6, then key
   1536); 1792 next to them is fine. `network show` holds only the accepted.
4. Jumbo frames in mbuf chains (D20): net_pcap hands a 3000-byte frame over
   in two segments. A VXLAN frame with a 2950-byte inner frame, and one with
   6 bytes of Ethernet padding after its IPv4 packet: both are decapsulated
   (nothing dropped on the uplink) and reach vm1's egress, where its MTU of
   1500 refuses them (mtu_exceeded; net_pcap cannot take a larger MTU).
   Before: dropped on the uplink as ip_invalid, the first segment's length
   taken for the whole frame's.
"""

import struct

import nfvatest as t
from nfvatest.topo import underlay_config

t.require_tools()

A1, G1 = "02:00:00:00:00:a1", "02:00:00:00:01:01"
BAD = "02:00:00:00:0b:%02x"
VTEP3, VTEP3_MAC = "192.168.1.253", "02:00:00:00:02:53"


def inner(n, src=None):
    return t.udp_frame(src or BAD % n, A1, "10.0.0.9", "10.0.0.1", 41000 + n, 42000,
                       f"hostile {n}")


def vxlan(upmac, frame, vni=5000, udp_len_delta=0):
    """VXLAN from .252 with the UDP length field off by udp_len_delta (None: 4)."""
    payload = t.vxlan_header(vni) + frame
    ulen = 8 + len(payload) + udp_len_delta if udp_len_delta is not None else 4
    udp = struct.pack("!HHHH", 50000, 4789, ulen, 0) + payload
    return (t.mac(upmac) + t.mac(t.VTEP1_MAC) + b"\x08\x00" +
            t.ipv4_header(t.VTEP1, t.UPLINK_IP, 17, len(udp)) + udp)


def erspan(upmac, session, frame, gre_flags=0x1000, src=t.VTEP1, src_mac=t.VTEP1_MAC):
    """ERSPAN type II (GRE S bit unless told otherwise) toward the VTEP."""
    gre = struct.pack("!HHI", gre_flags, 0x88BE, 1)
    hdr = gre + struct.pack("!HHI", 1 << 12, session, 0)
    return (t.mac(upmac) + t.mac(src_mac) + b"\x08\x00" +
            t.ipv4_header(src, t.UPLINK_IP, 47, len(hdr) + len(frame)) + hdr + frame)


PORTS = ["up", "vm1", "vm2", "an"]
CONFIG = t.UNDERLAY_CONFIG + [
    "network add na vni 5000 encap vxlan", "network na attach vm1",
    f"network na vtep add {t.VTEP1}",
    "network add nb vni 5001 encap vxlan", "network nb attach vm1 vlan 10",
    "network nb attach vm2", f"network nb vtep add {t.VTEP1}",
    "mirror collect erspan session 8 to port an",
]


def decap_cases(upmac):
    good = t.udp_frame(G1, A1, "10.0.0.1", "10.0.0.2", 1, 2, "good")
    copy = t.udp_frame("02:00:00:00:0c:01", "02:00:00:00:0c:02", "10.9.0.1", "10.9.0.2", 3, 4,
                       "mirrored")
    return [
        ("vm1", vxlan(upmac, good), good),
        ("inner_tagged", vxlan(upmac, t.push_tag(inner(1), 10)), None),
        ("inner_tagged", vxlan(upmac, t.push_tag(inner(2), 10, tpid=t.ETH_P_8021AD)), None),
        ("inner_tagged", vxlan(upmac, t.push_tag(inner(3), 10, tpid=0x9100)), None),
        ("udp_bad_length", vxlan(upmac, inner(4), udp_len_delta=-4), None),
        ("udp_bad_length", vxlan(upmac, inner(5), udp_len_delta=4), None),
        ("udp_bad_length", vxlan(upmac, inner(6), udp_len_delta=None), None),
        ("an", erspan(upmac, 8, copy), copy),
        ("tunnel_bad_flags", erspan(upmac, 8, inner(7), gre_flags=0x1001), None),
        ("tunnel_bad_flags", erspan(upmac, 8, inner(8), gre_flags=0x5000), None),
    ]


def decap():
    d = t.Daemon("hostile-decap", PORTS, CONFIG)
    try:
        upmac = d.probe_uplink_mac()
        cases = decap_cases(upmac)
        d.write_input("up", [f for _, f, _ in cases])
        d.start()
        shown = d.wait_inputs(tx={"vm1": 1, "an": 1})
        want = {}
        for why, _, _ in cases:
            if why not in PORTS:
                want[why] = want.get(why, 0) + 1
        t.check_eq(shown["up"]["counters"]["dropped"], want,
                   "decap: uplink counters.dropped, one per hostile frame and reason")
        t.check_eq([r[0] for r in t.fdb_rows(d)], [G1],
                   "decap: fdb holds only the good frame's source")
        d.stop_checked()
        for port in ("vm1", "vm2", "an"):
            t.check_frames(d.output(port), [out for why, _, out in cases if why == port],
                           f"decap: {port} gets only its good inner frame")
    finally:
        d.cleanup()


def erspan_from():
    copy = t.udp_frame("02:00:00:00:0c:03", "02:00:00:00:0c:04", "10.9.0.3", "10.9.0.4", 5, 6,
                       "from 252")
    spoof = t.udp_frame("02:00:00:00:0c:05", "02:00:00:00:0c:06", "10.9.0.5", "10.9.0.6", 7, 8,
                        "from 253")
    d = t.Daemon("hostile-erspan", ["up", "an"], underlay_config(3) + [
        f"mirror collect erspan session 7 to port an from {t.VTEP1}"])
    try:
        upmac = d.probe_uplink_mac()
        d.write_input("up", [erspan(upmac, 7, copy),
                             erspan(upmac, 7, spoof, src=VTEP3, src_mac=VTEP3_MAC)])
        d.start()
        shown = d.wait_inputs(tx={"an": 1})
        t.check_eq(shown["up"]["counters"]["dropped"], {"erspan_sender": 1},
                   "erspan from: the copy from .253 is counted erspan_sender")
        t.check_eq(d.ctl("mirror", "collect", "show"),
                   [{"session": 7, "port": "an", "from": t.VTEP1}],
                   "erspan from: mirror collect show names the sender")
        rc, _, err = d.ctl_raw("mirror", "collect", "erspan", "session", "9", "to", "port",
                               "an", "from", "239.1.1.1")
        t.check(rc != 0 and "unicast" in err, f"erspan from: a multicast sender is refused "
                f"(rc {rc}: {err.strip()})")
        d.stop_checked()
        t.check_frames(d.output("an"), [copy], "erspan from: an gets only .252's copy")
    finally:
        d.cleanup()


def gre_nvgre_clash():
    d = t.Daemon("hostile-gre", ["up"], t.UNDERLAY_CONFIG + ["network add g1 vni 1280 encap gre"])
    try:
        d.start()
        for words, ok in ((["network", "add", "nv5", "vni", "5", "encap", "nvgre"], False),
                          (["network", "add", "nv6", "vni", "6", "encap", "nvgre"], True),
                          (["network", "add", "g2", "vni", "1536", "encap", "gre"], False),
                          (["network", "add", "g3", "vni", "1792", "encap", "gre"], True)):
            rc, _, err = d.ctl_raw(*words)
            if ok:
                t.check_eq(rc, 0, f"gre/nvgre: `{' '.join(words)}` is accepted ({err.strip()})")
            else:
                t.check(rc != 0 and "would share frames" in err,
                        f"gre/nvgre: `{' '.join(words)}` is refused (rc {rc}: {err.strip()})")
        t.check_eq(sorted(n["name"] for n in d.ctl("network", "show")), ["g1", "g3", "nv6"],
                   "gre/nvgre: network show holds only the accepted networks")
        d.stop_checked()
    finally:
        d.cleanup()


def jumbo():
    d = t.Daemon("hostile-jumbo", ["up", "vm1"], t.UNDERLAY_CONFIG + [
        "network add na vni 5000 encap vxlan", "network na attach vm1",
        f"network na vtep add {t.VTEP1}"])
    try:
        upmac = d.probe_uplink_mac()
        big = [t.udp_frame(f"02:00:00:00:0f:0{i}", A1, "10.0.0.9", "10.0.0.1", 7, 8, "jumbo",
                           size=2950) for i in (1, 2)]
        d.write_input("up", [vxlan(upmac, big[0]), vxlan(upmac, big[1]) + b"\xee" * 6])
        d.start()
        shown = d.wait_inputs()
        t.check_eq(shown["up"]["counters"]["dropped"], {},
                   "jumbo: both decapsulated: nothing dropped on the uplink")
        t.check_eq(shown["vm1"]["counters"]["dropped"], {"mtu_exceeded": 2},
                   "jumbo: both reach vm1's egress, refused by its MTU")
        t.check_eq(sorted(r[0] for r in t.fdb_rows(d)),
                   ["02:00:00:00:0f:01", "02:00:00:00:0f:02"],
                   "jumbo: both inner sources learned")
        d.stop_checked()
    finally:
        d.cleanup()


def main():
    t.scenario("decap", decap)
    t.scenario("erspan from", erspan_from)
    t.scenario("gre/nvgre", gre_nvgre_clash)
    t.scenario("jumbo", jumbo)


if __name__ == "__main__":
    t.main_guard(main)
