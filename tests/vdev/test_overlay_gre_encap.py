#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""L2 GRE and NVGRE encapsulation, golden bytes.

    remote VTEPs                 nfva                      local members
    .252 (02:..:02:52) --+                           +-- vm1  (A = 02:00:00:00:00:0a)
    .253 (02:..:02:53) --+-- up 192.168.1.249/24 ----+-- vm2
                             network n1, vteps .252 .253 (flood list)

Run "gre" (n1 = vni 5001 encap gre):
  in_up:  GRE (K, key 5001, 0x6558) from .252 carrying R -> A: R is learned.
  in_vm1: A -> R on flows 0..7, an ARP broadcast from A, frames of 1472 and
          1473 bytes to R.
  out_up: each unicast frame once toward .252, the broadcast twice (.252 then
          .253: one copy per VTEP, different outer destination), the 1472-byte
          frame as 1514 bytes (1473: mtu_exceeded on vm1); every frame
          equal to the one built here: Ethernet to the neighbour's MAC from the
          uplink MAC, IPv4 (IHL 5, TTL 64, DF clear, protocol 47, checksum,
          length), GRE flags 0x2000 (K only), protocol 0x6558, key 5001, inner
          frame unchanged. tshark: gre.flags.key 1, gre.key 5001, gre.proto 0x6558.
  out_vm2: R -> A and the broadcast (the other local member gets it once).
Run "nvgre" (vni 1193046 = 0x123456, encap nvgre): the same frames; the key is
  VSID << 8 | flow id (the flow id is not constrained: RFC 7637 allows 0),
  the key equal within a flow (flow 0 sent twice).
"""

import struct

import nfvatest as t
from nfvatest.layers import ARP, GRE, IP, Ether

t.require_tools()

MAC_A = "02:00:00:00:00:0a"
MAC_R = "02:00:00:00:01:01"
VSID = 0x123456


def decap_input(uplink_mac, key, inner):
    """What the remote VTEP .252 sends (scapy): GRE K=1, 0x6558."""
    return bytes(Ether(src=t.VTEP1_MAC, dst=uplink_mac) /
                 IP(src=t.VTEP1, dst=t.UPLINK_IP, id=9, flags="DF") /
                 GRE(key_present=1, key=key, proto=0x6558) / inner)


def frames():
    r_to_a = t.udp_frame(MAC_R, MAC_A, "10.0.0.2", "10.0.0.1", 42000, 41000, "R to A")
    flows = [t.udp_frame(MAC_A, MAC_R, "10.0.0.1", "10.0.0.2", 41000, 42000, "flow 0 again")]
    flows += [t.udp_frame(MAC_A, MAC_R, "10.0.0.1", "10.0.0.2", 41000 + i, 42000, f"flow {i}")
              for i in range(8)]
    bcast = bytes(Ether(src=MAC_A, dst=t.BCAST) /
                  ARP(op=1, hwsrc=MAC_A, psrc="10.0.0.1", pdst="10.0.0.2"))
    return r_to_a, flows, bcast


def check_encap(d, name, upmac, sent, nvgre):
    """The outer frames on the uplink, byte for byte (IPv4 id and key taken
    from the output, the key checked); returns the keys."""
    got = d.output("up")
    want, keys = [], []
    for i, (inner, vtep, vtep_mac) in enumerate(sent):
        ident = struct.unpack_from("!H", got[i], 18)[0] if i < len(got) else 0
        key = struct.unpack_from("!I", got[i], 38)[0] if i < len(got) else 0
        keys.append(key)
        if nvgre:
            t.check_eq(key >> 8, VSID, f"{name}: frame {i}: key >> 8 is the VSID")
        else:
            t.check_eq(key, 5001, f"{name}: frame {i}: key 5001")
        want.append(t.outer_gre(upmac, vtep_mac, t.UPLINK_IP, vtep, key, inner, ident=ident))
    t.check_frames(got, want, f"{name}: outer frames on the uplink, byte for byte")
    if len(keys) == len(sent):
        t.check_eq(keys[0], keys[1], f"{name}: same inner flow, same key")
        t.check_eq(keys[-3], keys[-2], f"{name}: both broadcast copies, same key")
        if nvgre:
            ids = sorted({k & 0xff for k in keys})
            print(f"info: {name}: NVGRE flow ids seen: {ids}")
    t.check_eq(len(got[-1]) if got else 0, 1514,
               f"{name}: the 1472-byte inner frame leaves as 1514 bytes")
    dst_ips = [Ether(f)[IP].dst for f in got[-3:-1]]
    t.check_eq(dst_ips, [t.VTEP1, t.VTEP2], f"{name}: broadcast: one copy per VTEP")
    return keys


def check_tshark(d, name, keys, nvgre):
    rows = t.tshark_fields(d.out_path("up"), ["ip.proto", "gre.flags.key", "gre.key",
                                              "gre.proto", "ip.flags.df", "ip.ttl"],
                           extra=["-E", "occurrence=f"])
    rows = [r[:2] + [int(r[2], 0)] + r[3:] for r in rows]
    t.check_eq(rows, [["47", "1", k, "0x6558", "0", "64"] for k in keys],
               f"{name}: tshark: proto 47, K flag, key, 0x6558, DF clear, TTL 64")
    t.check_eq(t.tshark_fields(d.out_path("up"), ["frame.number"],
                               f"gre.flags.key == 1 && gre.proto == 0x6558 && "
                               f"gre.key == {keys[0] if nvgre else 5001}")[:1],
               [["1"]], f"{name}: tshark display filter on gre.key matches")
    t.check_tshark_clean(d.out_path("up"), name)


def run(name, net_args, key_in, nvgre):
    d = t.Daemon(name, ["up", "vm1", "vm2"], t.UNDERLAY_CONFIG + [
        f"network add n1 {net_args}", "network n1 attach vm1", "network n1 attach vm2",
        f"network n1 vtep add {t.VTEP1}", f"network n1 vtep add {t.VTEP2}"])
    try:
        upmac = d.probe_uplink_mac()
        r_to_a, flows, bcast = frames()
        d.write_input("up", [decap_input(upmac, key_in, r_to_a)])
        fits = t.udp_frame(MAC_A, MAC_R, "10.0.0.1", "10.0.0.2", 5000, 5000, "fits", 1472)
        by_one = t.udp_frame(MAC_A, MAC_R, "10.0.0.1", "10.0.0.2", 5001, 5001, "big", 1473)
        d.write_input("vm1", flows + [bcast, fits, by_one])
        d.start()
        ov = d.ctl("network", "show", "n1")[0]["overlay"]
        t.check_eq((ov["encap"], ov["vni"], ov["udp_port"], ov["inner_mtu"], ov["vteps"]),
                   ("nvgre" if nvgre else "gre", VSID if nvgre else 5001, None, 1458,
                    [t.VTEP1, t.VTEP2]), f"{name}: network show overlay")
        sent = [(f, t.VTEP1, t.VTEP1_MAC) for f in flows] + \
            [(bcast, t.VTEP1, t.VTEP1_MAC), (bcast, t.VTEP2, t.VTEP2_MAC),
             (fits, t.VTEP1, t.VTEP1_MAC)]
        shown = d.wait_inputs(tx={"up": len(sent), "vm1": 1, "vm2": 2})
        t.check_eq(t.counters(shown, "up"), {"rx_packets": 1, "tx_packets": len(sent),
                                             "learned": 1, "dropped": {}},
                   f"{name}: uplink counters")
        t.check_eq(t.counters(shown, "vm1"), {"rx_packets": len(flows) + 3, "tx_packets": 1,
                                              "learned": 1, "dropped": {"mtu_exceeded": 1}},
                   f"{name}: vm1 counters (1473 bytes: mtu_exceeded)")
        t.check_eq(t.fdb_rows(d), [(MAC_A, "n1", "vm1", None, None, "dynamic"),
                                   (MAC_R, "n1", "up", None, t.VTEP1, "dynamic")],
                   f"{name}: fdb: A on vm1, R behind vtep .252")
        d.stop_checked()
        check_tshark(d, name, check_encap(d, name, upmac, sent, nvgre), nvgre)
        t.check_frames(d.output("vm2"), [r_to_a, bcast], f"{name}: vm2 gets R -> A, broadcast")
        t.check_frames(d.output("vm1"), [r_to_a], f"{name}: vm1 gets R -> A")
    finally:
        d.cleanup()


def main():
    run("gre", "vni 5001 encap gre", 5001, False)
    run("nvgre", f"vni {VSID} encap nvgre", VSID << 8 | 0x5a, True)


if __name__ == "__main__":
    t.main_guard(main)
