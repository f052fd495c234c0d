#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Packet trace: `trace add PORT N` records the next N frames of PORT through
every stage, `trace show` prints them (stage by stage, decision, drop reason
or outputs with their tag and encapsulation, e-switch hit or miss).

Run "paths" (pcap feed; `trace add` in the startup file, so before any frame):

    .252 (R behind it) --- up 192.168.1.249 ---[ nfva ]--- vm1 (A)   untagged
                            n1 vni 5000 vxlan            +- vm2      vlan 10

  A (on vm1) and R (behind .252) are static FDB entries, so no decision
  depends on when learning happens. trace add up 2, trace add vm1 5 (vm1
  gets 6 frames: the 6th is not traced).
  up:  #1 VXLAN from .252, R -> broadcast (flooded to vm1 and vm2, tagged 10)
       #2 ARP who-has 192.168.1.249 (consumed: the control thread answers)
  vm1: #3 ARP broadcast from A (flooded: vm2 tagged 10, .252 in VXLAN)
       #4 A -> R (unicast, encapsulated toward .252)
       #5 A -> A (dropped: local_dest)   #6 tagged 99 (dropped: vlan_unknown)
       #7 C -> B, both unknown (C learned, or its learning deferred when
          control holds the FDB; flooded)     and one more frame, not traced.
Run "eswitch" (FIFO rounds, emulated e-switch): A -> B is traced once as a
  miss (slow path, then a rule is made) and once as a hit (carried by it).
"""

import nfvatest as t
from nfvatest.layers import ARP, IP, UDP, VXLAN, Dot1Q, Ether

t.require_tools(tshark=False)

MAC_A, MAC_B, MAC_R = "02:00:00:00:00:0a", "02:00:00:00:00:0b", "02:00:00:00:01:01"
MAC_C = "02:00:00:00:00:0c"


def packets(shown):
    """The traced frames of `trace show`, in order."""
    return [shown[f"packet {i}"] for i in range(1, shown["recorded"] + 1)]


def outs(p):
    return [o["port"] for o in p["outputs"]]


def check_paths_shown(shown, upmac):
    t.check_eq((shown["recorded"], shown["lost"], shown["pending"]), (7, 0, {}),
               "trace show: 7 recorded, none lost or pending")
    p = packets(shown)
    if len(p) != 7:
        return
    t.check_eq([x["port"] for x in p], ["up", "up"] + ["vm1"] * 5, "traced ports, in order")
    t.check_eq(p[0]["path"], f"rx > underlay_input decap from {t.VTEP1} into n1 > "
               "l2_learn known > l2_forward flood", "#1 path: decapsulated, flooded")
    t.check_eq((p[0]["verdict"], outs(p[0])), ("sent", ["vm1", "vm2"]), "#1 sent to vm1 and vm2")
    t.check(p[0]["frame"].startswith(f"{t.VTEP1_MAC} > {upmac} ipv4 {t.VTEP1} > "
                                     f"{t.UPLINK_IP} ttl 64 udp 51000 > 4789 vxlan vni 5000 "
                                     f"[{MAC_R} > {t.BCAST} ipv4"),
            f"#1 frame decoded: {p[0]['frame']}")
    t.check(" vlan 10 " in p[0]["outputs"][1]["frame"], "#1 vm2's copy leaves tagged 10")
    t.check_eq((p[1]["path"], p[1]["verdict"], outs(p[1])), ("rx > underlay_input", "consumed",
               []), "#2 ARP for the VTEP address: consumed by control")
    t.check("arp who-has 192.168.1.249" in p[1]["frame"], f"#2 frame: {p[1]['frame']}")
    t.check_eq(p[2]["path"], "rx > eth_input network n1 > l2_learn known > l2_forward flood",
               "#3 path")
    t.check_eq(outs(p[2]), ["vm2", "up"], "#3 flooded to vm2 and .252")
    t.check(f"{t.UPLINK_IP} > {t.VTEP1} ttl 64 udp" in p[2]["outputs"][1]["frame"] and
            "vxlan vni 5000 [" in p[2]["outputs"][1]["frame"],
            f"#3 uplink copy in VXLAN to .252: {p[2]['outputs'][1]['frame']}")
    t.check_eq((p[3]["path"], p[3]["verdict"], outs(p[3])),
               ("rx > eth_input network n1 > l2_learn known > l2_forward unicast", "sent",
                ["up"]), "#4 A -> R: unicast toward .252")
    t.check_eq({k: p[4].get(k) for k in ("verdict", "drop_reason", "drop_port")},
               {"verdict": "dropped", "drop_reason": "local_dest", "drop_port": "vm1"},
               "#5 A -> A dropped: local_dest on vm1")
    t.check_eq((p[5]["path"], p[5]["verdict"], p[5].get("drop_reason")),
               ("rx > eth_input", "dropped", "vlan_unknown"), "#6 tag 99: vlan_unknown")
    t.check(" vlan 99 " in p[5]["frame"], "#6 frame shows its tag")
    t.check(p[6]["path"] in ("rx > eth_input network n1 > l2_learn learned > l2_forward flood",
                             "rx > eth_input network n1 > l2_learn deferred (fdb busy) > "
                             "l2_forward flood"), f"#7 path: {p[6]['path']}")
    t.check_eq(outs(p[6]), ["vm2", "up"], "#7 C -> B unknown: flooded")
    t.check(all(x["cycles"] > 0 and x["worker"] == 0 for x in p), "cycles and worker")


def check_commands(d):
    for words, err in [(("trace", "add", "nope", "1"), "no port named nope"),
                       (("trace", "add", "vm1", "0"), "trace 1 to 1024 frames"),
                       (("trace", "add", "vm1", "1025"), "trace 1 to 1024 frames")]:
        rc, _, e = d.ctl_raw(*words)
        t.check(rc == 1 and err in e, f"{' '.join(words)}: error '{err}' ({e.strip()})")
    d.ctl("trace", "add", "vm1", "1000")
    rc, _, e = d.ctl_raw("trace", "add", "vm2", "100")
    t.check(rc == 1 and "trace clear first" in e, "beyond the buffer: refused")
    t.check_eq(d.ctl("trace", "show")["pending"], {"vm1": 1000}, "only vm1's 1000 pending")
    d.ctl("trace", "clear")
    t.check_eq({k: v for k, v in d.ctl("trace", "show").items()},
               {"recorded": 0, "lost": 0, "pending": {}}, "trace clear: nothing left")
    rc, text, _ = d.ctl_raw("trace", "show", json_out=False)
    t.check(rc == 0 and text.startswith("recorded:"), "trace show renders as text")


def run_paths():
    d = t.Daemon("observe-trace", ["up", "vm1", "vm2"], t.UNDERLAY_CONFIG + [
        "network add n1 vni 5000 encap vxlan", "network n1 attach vm1",
        "network n1 attach vm2 vlan 10", f"network n1 vtep add {t.VTEP1}",
        f"fdb add {MAC_R} network n1 vtep {t.VTEP1}", f"fdb add {MAC_A} network n1 port vm1",
        "trace add up 2", "trace add vm1 5"])
    try:
        upmac = d.probe_uplink_mac()
        r_bc = t.udp_frame(MAC_R, t.BCAST, "10.0.0.2", "10.0.0.255", 1, 2, "R broadcast")
        d.write_input("up", [
            bytes(Ether(src=t.VTEP1_MAC, dst=upmac) / IP(src=t.VTEP1, dst=t.UPLINK_IP) /
                  UDP(sport=51000, dport=4789, chksum=0) / VXLAN(flags=0x08, vni=5000) /
                  r_bc),
            bytes(Ether(src=t.VTEP1_MAC, dst=t.BCAST) /
                  ARP(op=1, hwsrc=t.VTEP1_MAC, psrc=t.VTEP1, pdst=t.UPLINK_IP))])
        arp = bytes(Ether(src=MAC_A, dst=t.BCAST) /
                    ARP(op=1, hwsrc=MAC_A, psrc="10.0.0.1", pdst="10.0.0.2"))
        d.write_input("vm1", [arp, t.udp_frame(MAC_A, MAC_R, "10.0.0.1", "10.0.0.2", 1, 2, "AR"),
                              t.udp_frame(MAC_A, MAC_A, "10.0.0.1", "10.0.0.1", 1, 2, "AA"),
                              bytes(Ether(src=MAC_A, dst=MAC_B) / Dot1Q(vlan=99) /
                                    IP(src="10.0.0.1", dst="10.0.0.3") / UDP()),
                              t.udp_frame(MAC_C, MAC_B, "10.0.0.4", "10.0.0.3", 1, 2, "CB"),
                              t.udp_frame(MAC_C, MAC_B, "10.0.0.4", "10.0.0.3", 1, 2, "CB 2")])
        d.start()
        d.wait_inputs()
        shown = d.ctl("trace", "show")
        check_paths_shown(shown, upmac)
        check_commands(d)
        d.stop_checked()
    finally:
        d.cleanup()


def run_eswitch():
    ports = ["up", "vf1", "vf2"]
    d = t.Daemon("observe-trace-es", ports, ["network add lan", "network lan attach vf1",
                                             "network lan attach vf2"],
                 feed="fifo", eswitch={"up": "emulated"}, vf_of={"vf1": "up", "vf2": "up"})
    a_to_b = t.udp_frame(MAC_A, MAC_B, "10.0.0.1", "10.0.0.2", 1, 2, "A to B", size=100)
    try:
        d.start()
        d.round({"vf1": [t.udp_frame(MAC_A, t.BCAST, "10.0.0.1", "10.0.0.2", 1, 2, "A")],
                 "vf2": [t.udp_frame(MAC_B, t.BCAST, "10.0.0.2", "10.0.0.1", 1, 2, "B")]})
        d.ctl("trace", "add", "vf1", "1")
        d.round({"vf1": [a_to_b]})
        d.wait_rules(1, what="A -> B")
        d.ctl("trace", "add", "vf1", "1")
        d.round({"vf1": [a_to_b]})
        p = packets(d.ctl("trace", "show"))
        t.check_eq([(x["path"], x["verdict"], outs(x)) for x in p], [
            ("rx > eswitch miss > eth_input network lan > l2_learn known > l2_forward unicast",
             "sent", ["vf2"]),
            ("rx > eswitch hit", "sent", ["vf2"])],
            "A -> B traced as an e-switch miss, then as a hit")
        d.stop()
    finally:
        d.cleanup()


def main():
    run_paths()
    run_eswitch()


t.main_guard(main)
