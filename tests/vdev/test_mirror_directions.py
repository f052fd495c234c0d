#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Directions and loops, golden bytes.

    in_vm1: 3 ICMP echo requests to vm2, tagged vlan 10 (vm1 is attached
            to lan with vlan 10: the tag is popped on the way in)
    in_vm2: 3 ICMP echo replies to vm1, untagged (the tag is pushed on the
            way out to vm1)
    lan: vm1 (vlan 10), vm2 (untagged), static FDB; uplink "up" with a
    static neighbour for the collector 192.168.1.252.

    session  sources  dir   destination
    d_in     vm1      in    port t_in      "in" = the frame as received, tag and all
    d_out    vm1      out   port t_out     "out" = the frame as delivered, tag pushed
    d_both   vm2      both  port t_both
    x12      vm1      in    port vm2       vm2 is a source (d_both) and a destination
    x21      vm2      in    port vm1       vm1 is a source (d_in, d_out) and a destination
    loop     t_in     both  port t_loop    t_in is d_in's destination
    xv       vm1      in    vxlan .252 vni 7000 (leaves by the uplink)
    upl      up       both  port t_up      external: the uplink as a source

Asserted (every output byte for byte):
  - t_in = vm1's frames tagged, as received; t_out = vm2's replies with the
    vlan 10 tag pushed, as delivered; t_both = vm2's replies (in) and vm1's
    requests with the tag popped (out);
  - a copy is never mirrored again: vm2 receives x12's copies (tagged) but
    d_both does not copy them; vm1 receives x21's copies (untagged) but
    d_out does not copy them; loop copies nothing from t_in (counters all
    0, t_loop empty); upl copies nothing of xv's VXLAN copies leaving the
    uplink (t_up empty);
  - several sessions share vm1 and each gets every frame once;
  - counters exact; the originals unchanged; nothing malformed (tshark).
"""

import nfvatest as t
from nfvatest import mirror

t.require_tools()

CONFIG = mirror.UNDERLAY_CONFIG + [
    "network add lan",
    "network lan attach vm1 vlan 10",
    "network lan attach vm2",
    f"fdb add {t.VM1_MAC} network lan port vm1 vlan 10",
    f"fdb add {t.VM2_MAC} network lan port vm2",
    "mirror add d_in source vm1 direction in to port t_in",
    "mirror add d_out source vm1 direction out to port t_out",
    "mirror add d_both source vm2 direction both to port t_both",
    "mirror add x12 source vm1 direction in to port vm2",
    "mirror add x21 source vm2 direction in to port vm1",
    "mirror add loop source t_in direction both to port t_loop",
    f"mirror add xv source vm1 direction in to vxlan {t.COLL1} vni 7000",
    "mirror add upl source up direction both external to port t_up",
]
PORTS = ["up", "vm1", "vm2", "t_in", "t_out", "t_both", "t_loop", "t_up"]

VM1_IN = [t.frame(t.icmp_echo(t.VM1_IP, t.VM2_IP, i, size=32), vlan=10) for i in range(3)]
VM2_IN = [t.frame(t.icmp_echo(t.VM2_IP, t.VM1_IP, i, reply=True, size=32), t.VM2_MAC, t.VM1_MAC)
          for i in range(3)]


def main():
    d, mirrors, _, up_mac = mirror.run("directions", PORTS, CONFIG, {"vm1": VM1_IN, "vm2": VM2_IN})
    try:
        popped = [t.pop_tag(f) for f in VM1_IN]
        pushed = [t.push_tag(f, 10) for f in VM2_IN]
        t.check_frames(d.output("t_in"), VM1_IN, "d_in: vm1's frames as received (tagged)")
        t.check_frames(d.output("t_out"), pushed, "d_out: what vm1 receives, tag pushed")
        both = d.output("t_both")
        t.check_frames([f for f in both if f in VM2_IN], VM2_IN, "d_both in: vm2's frames")
        t.check_frames([f for f in both if f not in VM2_IN], popped,
                       "d_both out: what vm2 receives (tag popped), and no copy of x12")
        v2 = d.output("vm2")
        t.check_frames([f for f in v2 if f in popped], popped, "vm2: the originals, untagged")
        t.check_frames([f for f in v2 if f not in popped], VM1_IN,
                       "vm2: x12's copies, as vm1 sent them (tagged)")
        v1 = d.output("vm1")
        t.check_frames([f for f in v1 if f in pushed], pushed, "vm1: the originals, tagged")
        t.check_frames([f for f in v1 if f not in pushed], VM2_IN, "vm1: x21's copies (untagged)")
        t.check_frames(d.output("t_loop"), [], "loop: d_in's copies on t_in are not mirrored")
        t.check_frames(d.output("t_up"), [], "upl: xv's copies on the uplink are not mirrored")
        ups = d.output("up")
        t.check_eq(len(ups), 3, "xv: 3 VXLAN copies leave the uplink")
        t.check_eq([f[50:] for f in ups], VM1_IN, "xv: the copies carry vm1's tagged frames")
        zero = {"mirrored": 0, "filtered_out": 0, "sampled_out": 0, "dropped": 0}
        for name, n in (("d_in", 3), ("d_out", 3), ("d_both", 6), ("x12", 3), ("x21", 3),
                        ("loop", 0), ("xv", 3), ("upl", 0)):
            mirror.check_counters(mirrors, name, dict(zero, mirrored=n))
        t.check_eq((mirrors["upl"]["external"], mirrors["d_in"]["external"]), (True, False),
                   "mirror show: upl is external, d_in is not")
        t.check_eq(mirrors["x12"]["to"], {"kind": "port", "port": "vm2"}, "mirror show: x12 to")
        t.check_eq(mirrors["xv"]["to"], {"kind": "vxlan", "ip": t.COLL1, "vni": 7000},
                   "mirror show: xv to")
        t.check_eq(mirrors["d_both"]["direction"], "both", "mirror show: d_both direction")
        for p in ("vm1", "vm2", "t_in", "t_out", "t_both", "up"):
            t.check_tshark_clean(d.out_path(p), p)
        t.check_eq(t.tshark_fields(d.out_path("up"), ["vxlan.vni", "vxlan.flag_i", "vlan.id"]),
                   [["7000", "1", "10"]] * 3,
                   "tshark: uplink copies vni 7000, I flag, inner vlan 10")
    finally:
        d.cleanup()


t.main_guard(main)
