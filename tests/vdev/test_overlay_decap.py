#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Decapsulation: VXLAN, GRE and NVGRE frames to the uplink, golden bytes.

    remote VTEPs                 nfva                     local members
    .252 (02:..:02:52) --+                          +-- vm1, vm2   n1: vni 5000 vxlan
    .253 (02:..:02:53) --+-- up 192.168.1.249/24 ---+-- vm3, vm4   n2: vni 5001 gre
                                                    +-- vm5        n3: VSID 0x123456 nvgre

in_up (crafted by scapy, dst MAC = uplink MAC, dst IP 192.168.1.249):
  1 VXLAN 5000 from .252: R1 -> broadcast (ARP)      -> vm1, vm2
  2 VXLAN 5000 from .252: R1 -> A1 (unknown)         -> vm1, vm2 (flooded)
  3 VXLAN 5000 from .253: R2 -> R1 (R1 behind .252)  -> nowhere: split_horizon
  4 VXLAN 5000 from .252, outer IPv4 with options    -> vm1, vm2
  5 VXLAN 5000 from .252, Ethernet padding after the
    IPv4 packet, UDP checksum set                    -> vm1, vm2 (padding not kept)
  6 GRE key 5001 from .252: R3 -> broadcast          -> vm3, vm4
  7 GRE C|K|S (checksum, key, sequence) from .252:
    R3 -> A3 (unknown)                               -> vm3, vm4
  8 NVGRE key 0x123456 << 8 | 0x77 from .253: R5 -> broadcast -> vm5
Each inner frame appears byte-identical on the members; nothing leaves the
uplink (split horizon: overlay traffic is never sent back into the overlay);
`fdb show` lists R1 and R3 behind vtep 192.168.1.252, R2 and R5 behind .253,
all on port up, dynamic.
"""

import nfvatest as t
from nfvatest.layers import ARP, GRE, IP, UDP, VXLAN, Ether, IPOption_NOP

t.require_tools()

R1, R2, R3, R5 = "02:00:00:00:01:01", "02:00:00:00:01:02", "02:00:00:00:01:03", \
    "02:00:00:00:01:05"
A1, A3 = "02:00:00:00:00:a1", "02:00:00:00:00:a3"
VSID = 0x123456


def arp_from(src, ip):
    return bytes(Ether(src=src, dst=t.BCAST) / ARP(op=1, hwsrc=src, psrc=ip, pdst="10.0.0.99"))


def outer_ip(vtep, **kw):
    return IP(src=vtep, dst=t.UPLINK_IP, **kw)


def vxlan(upmac, vtep, vtep_mac, inner, vni=5000, ip_kw=None, udp_kw=None):
    return bytes(Ether(src=vtep_mac, dst=upmac) / outer_ip(vtep, **(ip_kw or {})) /
                 UDP(sport=50123, dport=4789, **({"chksum": 0} if udp_kw is None else udp_kw)) /
                 VXLAN(flags=0x08, vni=vni) / inner)


def gre(upmac, vtep, vtep_mac, inner, key, **gre_kw):
    return bytes(Ether(src=vtep_mac, dst=upmac) / outer_ip(vtep, flags="DF") /
                 GRE(key_present=1, key=key, proto=0x6558, **gre_kw) / inner)


PORTS = ["up", "vm1", "vm2", "vm3", "vm4", "vm5"]
CONFIG = t.UNDERLAY_CONFIG + [
    "network add n1 vni 5000 encap vxlan", "network n1 attach vm1", "network n1 attach vm2",
    f"network n1 vtep add {t.VTEP1}", f"network n1 vtep add {t.VTEP2}",
    "network add n2 vni 5001 encap gre", "network n2 attach vm3", "network n2 attach vm4",
    f"network n2 vtep add {t.VTEP1}",
    f"network add n3 vni {VSID} encap nvgre", "network n3 attach vm5",
    f"network n3 vtep add {t.VTEP2}"]


def inputs(upmac):
    """(inner frames in1..in8, the uplink's input: their VXLAN/GRE/NVGRE frames)."""
    inner = [arp_from(R1, "10.0.0.1"),
             t.udp_frame(R1, A1, "10.0.0.1", "10.0.0.2", 41000, 42000, "R1 to A1"),
             t.udp_frame(R2, R1, "10.0.0.3", "10.0.0.1", 41000, 42000, "R2 to R1, from .253"),
             t.udp_frame(R1, t.BCAST, "10.0.0.1", "10.0.0.255", 41000, 42000, "ip options"),
             t.udp_frame(R1, A1, "10.0.0.1", "10.0.0.2", 41000, 42000, "padded outer"),
             arp_from(R3, "10.0.3.1"),
             t.udp_frame(R3, A3, "10.0.3.1", "10.0.3.2", 41000, 42000, "GRE C K S"),
             arp_from(R5, "10.0.5.1")]
    in1, in2, in3, in4, in5, in6, in7, in8 = inner
    f4 = vxlan(upmac, t.VTEP1, t.VTEP1_MAC, in4,
               ip_kw={"options": [IPOption_NOP()] * 4, "flags": "DF"})
    f5 = vxlan(upmac, t.VTEP1, t.VTEP1_MAC, in5, udp_kw={}) + b"\0" * 8
    check_input_shapes(f4, f5)
    return inner, [
        vxlan(upmac, t.VTEP1, t.VTEP1_MAC, in1),
        vxlan(upmac, t.VTEP1, t.VTEP1_MAC, in2),
        vxlan(upmac, t.VTEP2, t.VTEP2_MAC, in3),
        f4, f5,
        gre(upmac, t.VTEP1, t.VTEP1_MAC, in6, 5001),
        gre(upmac, t.VTEP1, t.VTEP1_MAC, in7, 5001, chksum_present=1, seqnum_present=1,
            seqence_number=77),
        gre(upmac, t.VTEP2, t.VTEP2_MAC, in8, VSID << 8 | 0x77),
    ]


def main():
    d = t.Daemon("decap", PORTS, CONFIG)
    try:
        upmac = d.probe_uplink_mac()
        (in1, in2, in3, in4, in5, in6, in7, in8), up = inputs(upmac)
        d.write_input("up", up)
        d.start()
        member_tx = {"vm1": 4, "vm2": 4, "vm3": 2, "vm4": 2, "vm5": 1}
        shown = d.wait_inputs(tx=member_tx)
        t.check_eq(t.counters(shown, "up"), {"rx_packets": 8, "tx_packets": 0, "learned": 4,
                                             "dropped": {"split_horizon": 1}},
                   "uplink: 8 received, 4 MACs learned, R2 -> R1 split_horizon, none sent")
        t.check_eq({p: shown[p]["counters"]["tx_packets"] for p in PORTS[1:]},
                   member_tx, "members' tx_packets")
        t.check_eq(t.fdb_rows(d), [(R1, "n1", "up", None, t.VTEP1, "dynamic"),
                                   (R2, "n1", "up", None, t.VTEP2, "dynamic"),
                                   (R3, "n2", "up", None, t.VTEP1, "dynamic"),
                                   (R5, "n3", "up", None, t.VTEP2, "dynamic")],
                   "fdb show: inner sources behind their outer source IP")
        t.check_eq({n["name"]: n["macs"] for n in d.ctl("network", "show")},
                   {"n1": 2, "n2": 1, "n3": 1}, "network show: MACs per network")
        d.stop_checked()

        for p in ("vm1", "vm2"):
            t.check_frames(d.output(p), [in1, in2, in4, in5],
                           f"{p}: VXLAN inner frames, byte-identical")
        for p in ("vm3", "vm4"):
            t.check_frames(d.output(p), [in6, in7], f"{p}: GRE inner frames, byte-identical")
        t.check_frames(d.output("vm5"), [in8], "vm5: NVGRE inner frame, byte-identical")
        t.check_frames(d.output("up"), [], "uplink: nothing goes back into the overlay")
        for p in PORTS[1:]:
            t.check_tshark_clean(d.out_path(p), p)
    finally:
        d.cleanup()


def check_input_shapes(f4, f5):
    """The crafted inputs are what the docstring says (guards against scapy changes)."""
    p4 = Ether(f4)
    t.check_eq((p4[IP].ihl, p4[IP].flags.DF), (6, True), "input 4: outer IHL 6 (options)")
    p5 = Ether(f5)
    t.check_eq((len(f5) - 14 - p5[IP].len, p5[UDP].chksum != 0), (8, True),
               "input 5: 8 bytes of Ethernet padding, UDP checksum set")


if __name__ == "__main__":
    t.main_guard(main)
