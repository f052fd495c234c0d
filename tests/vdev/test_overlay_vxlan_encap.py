#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""VXLAN encapsulation, golden bytes.

    remote VTEPs                 nfva                      local members
    .252 (02:..:02:52) --+                           +-- vm1  (A = 02:00:00:00:00:0a)
    .253 (02:..:02:53) --+-- up 192.168.1.249/24 ----+-- vm2
                             network n1 vni 5000 encap vxlan, vteps .252 .253

Run "default" (n1 = vni 5000, port 4789, DF off, no UDP checksum):
  in_up:  one VXLAN frame from .252 carrying R -> A, so R is learned behind .252
          (the uplink is port 0: the worker reads it before vm1).
  in_vm1: A -> R, flow 0 twice, then flows 1..49 (one inner UDP port each), an
          ARP broadcast from A, frames of 1464, 1465 and 1514 bytes to R.
  out_up: each unicast frame once toward .252, the broadcast once to .252
          and once to .253 (head-end replication), the 1464-byte frame as a
          1514-byte outer frame; the 1465- and 1514-byte ones are dropped
          (mtu_exceeded on vm1: outer IPv4 1501 and 1550 > MTU 1500).
          Every outer frame equals the one built here field by field:
          Ethernet 02:00:00:00:02:5x <- uplink MAC; IPv4 4, IHL 5, TTL 64,
          DF clear, proto 17, 192.168.1.249 -> VTEP, length, checksum; UDP
          source port in 49152-65535, dst 4789, length, checksum 0; VXLAN
          flags 0x08, VNI 5000; the inner frame unchanged. UDP source port:
          equal within a flow, distinct across the 50 flows (at most 5
          collisions allowed: 14 bits of hash).
  out_vm2: R -> A (flooded) and the ARP broadcast; out_vm1: R -> A only.
Run "options" (vni 7000 udp-port 8472 df on udp-csum, one VTEP .252):
  same checks with DF set, destination port 8472 and a UDP checksum that
  verifies. tshark decodes both outputs (8472 with decode-as vxlan).
"""

import struct

import nfvatest as t
from nfvatest.layers import ARP, IP, UDP, VXLAN, Ether

t.require_tools()

MAC_A = "02:00:00:00:00:0a"
MAC_R = "02:00:00:00:01:01"
N_FLOWS = 50


def decap_input(uplink_mac, vni, dport, inner):
    """What the remote VTEP .252 sends: crafted by scapy."""
    return bytes(Ether(src=t.VTEP1_MAC, dst=uplink_mac) /
                 IP(src=t.VTEP1, dst=t.UPLINK_IP, id=7, flags="DF") /
                 UDP(sport=51000, dport=dport, chksum=0) / VXLAN(flags=0x08, vni=vni) / inner)


def flow_frame(i, tag):
    return t.udp_frame(MAC_A, MAC_R, "10.0.0.1", "10.0.0.2", 41000 + i, 42000, f"flow {i} {tag}")


def outer_fields(frame):
    """(IPv4 identification, UDP source port) of an output frame."""
    return struct.unpack_from("!H", frame, 18)[0], struct.unpack_from("!H", frame, 34)[0]


def check_outer(uplink_mac, got, sent, vni, dport, df, udp_csum, what):
    """got must be the outer frames of sent = [(inner, vtep ip, vtep mac)], in order.
    Only the IPv4 identification and the UDP source port are taken from the
    output (the source port is checked separately); everything else is built."""
    want, sports = [], []
    for i, (inner, vtep, vtep_mac) in enumerate(sent):
        ident, sport = outer_fields(got[i]) if i < len(got) else (0, 0)
        sports.append(sport)
        t.check(49152 <= sport <= 65535, f"{what}: frame {i}: UDP source port {sport} "
                "in 49152-65535")
        want.append(t.outer_vxlan(uplink_mac, vtep_mac, t.UPLINK_IP, vtep, vni, inner, sport,
                                  dport=dport, ident=ident, df=df, with_udp_csum=udp_csum))
    t.check_frames(got, want, f"{what}: outer frames on the uplink, byte for byte")
    idents = sorted({outer_fields(f)[0] for f in got})
    print(f"info: {what}: IPv4 identifications seen: {idents[:8]}"
          f"{' ...' if len(idents) > 8 else ''}")
    return sports


def check_scapy_view(got, vni, dport, df, udp_csum, what):
    """scapy's view of the same frames: the checksums verify and fields agree."""
    ok = True
    for i, f in enumerate(got):
        p = Ether(f)
        ip, udp = p[IP], p[UDP]
        ip_ck = ip.chksum
        del ip.chksum
        udp_ck = udp.chksum
        fields = (ip.version, ip.ihl, ip.ttl, ip.proto, ip.flags.DF, ip.frag, ip.len,
                  udp.dport, udp.len)
        want = (4, 5, 64, 17, df, 0, len(f) - 14, dport, len(f) - 34)
        if fields != want:
            ok = t.check_eq(fields, want, f"{what}: scapy fields of frame {i}")
        if Ether(bytes(p))[IP].chksum != ip_ck:
            ok = t.check(False, f"{what}: frame {i}: IPv4 checksum verifies (scapy)")
        if udp_csum:
            del udp.chksum
            if Ether(bytes(p))[UDP].chksum != udp_ck:
                ok = t.check(False, f"{what}: frame {i}: UDP checksum verifies (scapy)")
        elif udp_ck != 0:
            ok = t.check(False, f"{what}: frame {i}: UDP checksum 0 ({udp_ck:#x})")
        if p[VXLAN].flags != 0x08 or p[VXLAN].vni != vni:
            ok = t.check(False, f"{what}: frame {i}: VXLAN flags 0x08 vni {vni}")
    if ok:
        t.check(True, f"{what}: scapy decodes {len(got)} frames with verifying checksums")


def check_tshark(path, n, vni, dport, df, udp_csum, what, extra=()):
    rows = t.tshark_fields(path, ["vxlan.flag_i", "vxlan.vni", "udp.dstport", "ip.flags.df",
                                  "ip.ttl", "udp.checksum.status"],
                           extra=list(extra) + t.TSHARK_CSUM_OPTS + ["-E", "occurrence=f"])
    want_status = "1" if udp_csum else "3"  # Good / Not present (checksum 0)
    want = [["1", str(vni), str(dport), "1" if df else "0", "64", want_status]] * n
    t.check_eq(rows, want, f"{what}: tshark: I flag, VNI {vni}, port {dport}, DF, TTL, "
               "UDP checksum status")
    t.check_tshark_clean(path, what, extra)


def run_default():
    d = t.Daemon("vxlan-default", ["up", "vm1", "vm2"], t.UNDERLAY_CONFIG + [
        "network add n1 vni 5000 encap vxlan", "network n1 attach vm1",
        "network n1 attach vm2", f"network n1 vtep add {t.VTEP1}",
        f"network n1 vtep add {t.VTEP2}"])
    try:
        upmac = d.probe_uplink_mac()
        r_to_a = t.udp_frame(MAC_R, MAC_A, "10.0.0.2", "10.0.0.1", 42000, 41000, "R to A")
        d.write_input("up", [decap_input(upmac, 5000, 4789, r_to_a)])
        flows = [flow_frame(0, "a"), flow_frame(0, "b")] + \
            [flow_frame(i, "x") for i in range(1, N_FLOWS)]
        bcast = bytes(Ether(src=MAC_A, dst=t.BCAST) /
                      ARP(op=1, hwsrc=MAC_A, psrc="10.0.0.1", pdst="10.0.0.2"))
        fits = t.udp_frame(MAC_A, MAC_R, "10.0.0.1", "10.0.0.2", 5000, 5000, "fits", 1464)
        by_one = t.udp_frame(MAC_A, MAC_R, "10.0.0.1", "10.0.0.2", 5001, 5001, "big", 1465)
        too_big = t.udp_frame(MAC_A, MAC_R, "10.0.0.1", "10.0.0.2", 5002, 5002, "big", 1514)
        d.write_input("vm1", flows + [bcast, fits, by_one, too_big])
        d.start()
        t.check_eq(d.ctl("network", "show", "n1")[0]["overlay"],
                   {"encap": "vxlan", "vni": 5000, "udp_port": 4789, "group": None,
                    "df": False, "udp_csum": False, "udp6_zero_csum": False,
                    "strict": False, "collector": False, "evpn": False,
                    "inner_mtu": 1450, "inner_mtu6": None, "vteps": [t.VTEP1, t.VTEP2],
                    "flood": [{"vtep": t.VTEP1, "origin": ["config"]},
                              {"vtep": t.VTEP2, "origin": ["config"]}]},
                   "default: network show overlay")
        sent = [(f, t.VTEP1, t.VTEP1_MAC) for f in flows] + \
            [(bcast, t.VTEP1, t.VTEP1_MAC), (bcast, t.VTEP2, t.VTEP2_MAC),
             (fits, t.VTEP1, t.VTEP1_MAC)]
        shown = d.wait_inputs(tx={"up": len(sent), "vm1": 1, "vm2": 2})
        t.check_eq(t.counters(shown, "vm1"), {"rx_packets": len(flows) + 4, "tx_packets": 1,
                                              "learned": 1, "dropped": {"mtu_exceeded": 2}},
                   "default: vm1 counters (1465 and 1514 bytes: mtu_exceeded)")
        t.check_eq(t.counters(shown, "up"), {"rx_packets": 1, "tx_packets": len(sent),
                                             "learned": 1, "dropped": {}},
                   "default: uplink counters")
        t.check_eq(t.fdb_rows(d), [(MAC_A, "n1", "vm1", None, None, "dynamic"),
                                   (MAC_R, "n1", "up", None, t.VTEP1, "dynamic")],
                   "default: fdb: A on vm1, R behind vtep .252")
        d.stop_checked()

        got = d.output("up")
        sports = check_outer(upmac, got, sent, 5000, 4789, False, False, "default")
        check_scapy_view(got, 5000, 4789, False, False, "default")
        t.check_eq(len(got[-1]) if got else 0, 1514,
                   "default: the 1464-byte inner frame leaves as 1514 bytes")
        if len(sports) == len(sent):
            t.check_eq(sports[0], sports[1], "default: same inner flow, same UDP source port")
            distinct = len(set(sports[1:N_FLOWS + 1]))
            t.check(distinct >= N_FLOWS - 5, f"default: {distinct} distinct UDP source ports "
                    f"for {N_FLOWS} flows (>= {N_FLOWS - 5})")
            t.check_eq(sports[N_FLOWS + 1], sports[N_FLOWS + 2],
                       "default: both copies of the broadcast have the same source port")
        check_tshark(d.out_path("up"), len(sent), 5000, 4789, False, False, "default")
        t.check_frames(d.output("vm1"), [r_to_a], "default: vm1 gets R -> A (flooded)")
        t.check_frames(d.output("vm2"), [r_to_a, bcast],
                       "default: vm2 gets R -> A and A's broadcast")
    finally:
        d.cleanup()


def run_options():
    d = t.Daemon("vxlan-options", ["up", "vm1", "vm2"], t.UNDERLAY_CONFIG + [
        "network add n1 vni 7000 encap vxlan udp-port 8472 df on udp-csum",
        "network n1 attach vm1", "network n1 attach vm2", f"network n1 vtep add {t.VTEP1}"])
    try:
        upmac = d.probe_uplink_mac()
        r_to_a = t.udp_frame(MAC_R, MAC_A, "10.0.0.2", "10.0.0.1", 42000, 41000, "R to A")
        d.write_input("up", [decap_input(upmac, 7000, 8472, r_to_a)])
        flows = [flow_frame(i, "csum") for i in range(8)]
        odd = t.udp_frame(MAC_A, MAC_R, "10.0.0.1", "10.0.0.2", 7, 7, "odd length!")
        bcast = bytes(Ether(src=MAC_A, dst=t.BCAST) /
                      ARP(op=1, hwsrc=MAC_A, psrc="10.0.0.1", pdst="10.0.0.2"))
        d.write_input("vm1", flows + [odd, bcast])
        d.start()
        ov = d.ctl("network", "show", "n1")[0]["overlay"]
        t.check_eq((ov["udp_port"], ov["df"], ov["udp_csum"]), (8472, True, True),
                   "options: network show udp_port 8472, df, udp_csum")
        sent = [(f, t.VTEP1, t.VTEP1_MAC) for f in flows + [odd, bcast]]
        shown = d.wait_inputs(tx={"up": len(sent), "vm1": 1, "vm2": 2})
        t.check_eq(t.counters(shown, "up"), {"rx_packets": 1, "tx_packets": len(sent),
                                             "learned": 1, "dropped": {}},
                   "options: uplink counters")
        d.stop_checked()

        got = d.output("up")
        check_outer(upmac, got, sent, 7000, 8472, True, True, "options")
        check_scapy_view(got, 7000, 8472, True, True, "options")
        check_tshark(d.out_path("up"), len(sent), 7000, 8472, True, True, "options",
                     extra=["-d", "udp.port==8472,vxlan"])
        t.check_frames(d.output("vm2"), [r_to_a, bcast], "options: vm2 gets R -> A, broadcast")
    finally:
        d.cleanup()


def main():
    run_default()
    run_options()


if __name__ == "__main__":
    t.main_guard(main)
