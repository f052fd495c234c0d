#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Bytes after the outer IPv4 packet never reach the inner frame; bytes of the
inner frame after its own IP packet stay: VXLAN, GRE and NVGRE, golden bytes,
slow path and emulated e-switch alike (fuzz_differential's gre-padding).

    up (eswitch emulated) 192.168.1.249/24        vf1  ov  vxlan 5000   C behind vf1
      .252 VXLAN, .253 GRE and NVGRE             vf2  og  gre 6000     E behind vf2
                                                 vf3  nv  nvgre 0x123456  F behind vf3
    (static: fdb add C/E/F ... port vfN)

Round 1 (FIFO rounds, fifo.py): one plain decap frame per tunnel, R -> C,
S -> E, T -> F: three decap decisions (with offload on, the test then waits
for their 3 rules). Round 2, per tunnel, three frames toward the same MAC:
  a  a 14-byte inner frame (Ethernet header only): GRE/NVGRE outer frames of
     56 bytes, padded with zeros to 60 (VXLAN, 64 bytes: 6 trailing bytes);
  b  an inner UDP frame with 10 bytes after its IPv4 packet (inside the outer
     IPv4 packet: part of the inner frame, kept);
  c  b's inner frame and 9 bytes after the outer IPv4 packet.
Each VF receives exactly its 4 inner frames, byte for byte (outer trailers
gone, inner trailing bytes kept), with offload off (slow path) and on
(round 2 carried by the 3 rules: up's eswitch_packets +9, hits 3 each).
"""

import nfvatest as t
from nfvatest.frames import ethernet, outer_gre, outer_vxlan, udp_frame

UPLINK_IP = "192.168.1.249"
VX, VX_MAC = "192.168.1.252", "02:00:00:00:02:52"
GR, GR_MAC = "192.168.1.253", "02:00:00:00:02:53"
C, E, F = "02:00:00:00:00:0c", "02:00:00:00:00:0e", "02:00:00:00:00:0f"
R, S, T = "02:00:00:00:01:01", "02:00:00:00:01:02", "02:00:00:00:01:03"
VNI, KEY, VSID = 5000, 6000, 0x123456
PORTS = ["up", "vf1", "vf2", "vf3"]
CONFIG = [
    f"underlay set uplink up ip {UPLINK_IP}/24",
    f"neigh add {VX} lladdr {VX_MAC}",
    f"neigh add {GR} lladdr {GR_MAC}",
    f"network add ov vni {VNI} encap vxlan", "network ov attach vf1",
    f"network ov vtep add {VX}", f"fdb add {C} network ov port vf1",
    f"network add og vni {KEY} encap gre", "network og attach vf2",
    f"network og vtep add {GR}", f"fdb add {E} network og port vf2",
    f"network add nv vni {VSID} encap nvgre", "network nv attach vf3",
    f"network nv vtep add {GR}", f"fdb add {F} network nv port vf3",
    "offload set idle-timeout 300",
]
# (vf, inner source, inner destination, encapsulation of an inner frame)
TUNNELS = [
    ("vf1", R, C, lambda up, inner: outer_vxlan(VX_MAC, up, VX, UPLINK_IP, VNI, inner, 51000,
                                                ident=7, df=True)),
    ("vf2", S, E, lambda up, inner: outer_gre(GR_MAC, up, GR, UPLINK_IP, KEY, inner, ident=7,
                                              df=True)),
    ("vf3", T, F, lambda up, inner: outer_gre(GR_MAC, up, GR, UPLINK_IP, VSID << 8, inner,
                                              ident=7, df=True)),
]
RULES = {("up", vf, "gre-decap" if vf != "vf1" else "vxlan-decap"): 3 for vf, *_ in TUNNELS}


def pad60(frame):
    return frame + bytes(max(0, 60 - len(frame)))


def frames(up):
    """(round 1 frames, round 2 frames, {vf: inner frames expected, in order})."""
    r1, r2, want = [], [], {}
    for vf, src, dst, encap in TUNNELS:
        plain = udp_frame(src, dst, "10.0.0.1", "10.0.0.2", 41000, 42000, f"{vf} plain")
        header_only = ethernet(t.mac(dst), t.mac(src), 0x88B5)
        trailing = udp_frame(src, dst, "10.0.0.1", "10.0.0.2", 41000, 42000,
                             f"{vf} inner trailing") + b"\xee" * 10
        a = encap(up, header_only)
        a = pad60(a) if len(a) < 60 else a + b"\xaa" * 6
        b = encap(up, trailing)
        c = encap(up, trailing) + b"\xcc" * 9
        r1.append(encap(up, plain))
        r2 += [a, b, c]
        want[vf] = [plain, header_only, trailing, trailing]
    return r1, r2, want


def check_shapes(r2):
    """The crafted frames are what the docstring says (bytes after the outer
    IPv4 packet: 4 or 6, 0, 9)."""
    after = [len(f) - 14 - int.from_bytes(f[16:18], "big") for f in r2]
    t.check_eq(after, [6, 0, 9, 4, 0, 9, 4, 0, 9], "round 2: bytes after the outer IPv4 packet")
    t.check_eq([len(f) for f in r2[3::3]], [60, 60], "GRE/NVGRE frames a padded to 60 bytes")


def run(offload_on):
    mode = "on" if offload_on else "off"
    cfg = CONFIG + ([] if offload_on else ["offload off"])
    d = t.Daemon(f"decap-trailer-{mode}", PORTS, cfg, feed="fifo", eswitch={"up": "emulated"},
                 vf_of={p: "up" for p in PORTS[1:]})
    try:
        d.start()
        up = d.ctl("underlay", "show")["mac"].lower()
        r1, r2, want = frames(up)
        check_shapes(r2)
        d.round({"up": r1})
        if offload_on:
            rules = d.wait_rules(len(RULES), what="after round 1")
            t.check_eq(sorted((r["in"], r["out"], r["shape"]) for r in rules), sorted(RULES),
                       f"{mode}: the 3 decap rules")
        else:
            t.check_eq(d.rules(), [], f"{mode}: no rule")
        before = d.port_counters()["up"]["eswitch_packets"]
        d.round({"up": r2})
        esw = d.port_counters()["up"]["eswitch_packets"] - before
        t.check_eq(esw, 9 if offload_on else 0, f"{mode}: round 2 frames carried by the e-switch")
        if offload_on:
            t.check_eq(d.wait_hits(RULES), RULES, f"{mode}: hits per decap rule")
        t.check_eq(d.stop(), 0, f"{mode}: nfva exit status after SIGTERM")
        for vf, inner in want.items():
            t.check_frames(d.output(vf), inner, f"{mode}: {vf}: inner frames, byte for byte")
        t.check_frames(d.output("up"), [], f"{mode}: nothing back to the uplink")
    finally:
        d.cleanup()


def main():
    t.require_tools()
    run(False)
    run(True)


if __name__ == "__main__":
    t.main_guard(main)
