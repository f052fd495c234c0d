#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""VXLAN and GRE over an IPv6 underlay carried by e-switch rules, byte-identical
to the slow path.

    net_pcap ports (rx from FIFOs, tx to pcap files), emulated e-switch:
    up  (uplink, 2001:db8:1::249/64 only, VTEP 2001:db8:1::252 static neighbour)
    vf1 z (vxlan 7000, udp6-zero-csum)  A behind vf1, R behind the VTEP
    vf2 c (vxlan 7001, UDP checksums)   B behind vf2, S behind the VTEP
    vf3 g (gre key 8000)                E behind vf3, T behind the VTEP

Phase 1 (learning, fifo.py rounds as in test_offload_identical): A, B, E
broadcast; then the VTEP sends R->A, S->B, T->E and the VMs answer A->R,
B->S, E->T. Six decisions: decap and encap of each network. With offload on
the test waits for the 5 rules that can be offloaded:
vxlan6-decap x2, vxlan6-encap (z), gre6-decap, gre6-encap; the encap of c
stays in software with the reason "...udp6-zero-csum..." (an e-switch writes
the UDP checksum it is given: 0, which IPv6 forbids unless the peers agreed).
Phase 2: two rounds of 10 frames each way per network, sizes varying.

Asserts:
  * offload on: exactly those 5 rules offloaded, each `offload show` row
    naming vtep 2001:db8:1::252, hits exactly 20 each after phase 2; the
    software rule's reason; uplink eswitch_packets rose by 60 (decaps),
    vf1 and vf3 by 20 (encaps), vf2 by 0 (its encap is software);
  * the `up` output of phase 2 (on): for z, UDP checksum 0, flow label not
    0, payload length and UDP length right, hop limit 64, ours -> the VTEP;
    for c (slow path), the UDP checksum valid; GRE: next header 47, key 8000;
  * offload off and on: every port's output byte-identical, frame by frame:
    what the rules emit (flow label and UDP source port from the inner hash,
    lengths) is exactly what the slow path emits; nfva exits 0.
  * `offload dump testpmd`: set vxlan ip-version ipv6, ipv6 items, set
    raw_decap eth / ipv6 / gre / gre_key; one flow line per rule that
    compiled (the refused encap of c has none); dpdk-testpmd (when
    installed) parses every line.
"""


import nfvatest as t
from nfvatest import testpmd as rp
from nfvatest.daemon import Daemon
from nfvatest.frames import udp_frame

A, B, E = "02:00:00:00:00:0a", "02:00:00:00:00:0b", "02:00:00:00:00:0e"
R, S, T = "02:00:00:00:01:01", "02:00:00:00:01:02", "02:00:00:00:01:03"
BCAST = "ff:ff:ff:ff:ff:ff"
LOCAL6, VTEP6, VTEP_MAC = "2001:db8:1::249", "2001:db8:1::252", "02:00:00:00:02:52"
VNI_Z, VNI_C, GRE_KEY = 7000, 7001, 8000
PORTS = ["up", "vf1", "vf2", "vf3"]
CONFIG = [
    f"underlay set uplink up ip {LOCAL6}/64",
    f"neigh add {VTEP6} lladdr {VTEP_MAC}",
    f"network add z vni {VNI_Z} encap vxlan udp6-zero-csum",
    "network z attach vf1",
    f"network z vtep add {VTEP6}",
    f"network add c vni {VNI_C} encap vxlan",
    "network c attach vf2",
    f"network c vtep add {VTEP6}",
    f"network add g vni {GRE_KEY} encap gre",
    "network g attach vf3",
    f"network g vtep add {VTEP6}",
    "offload set idle-timeout 300",
]
RULES = {
    ("up", "vf1", "vxlan6-decap"): 20,
    ("up", "vf2", "vxlan6-decap"): 20,
    ("up", "vf3", "gre6-decap"): 20,
    ("vf1", "up", "vxlan6-encap"): 20,
    ("vf3", "up", "gre6-encap"): 20,
}
SOFTWARE = ("vf2", "up", "vxlan6-encap")
PHASE2_ESWITCH = {"up": 60, "vf1": 20, "vf2": 0, "vf3": 20}
SIZES = [60, 98, 128, 333, 512, 1000, 1400]
_n = 0


def frame(src, dst, tag):
    global _n
    _n += 1
    return udp_frame(src, dst, "10.0.0.1", "10.0.0.2", 40000 + _n % 1000, 4000, f"{tag} #{_n}",
                     size=SIZES[_n % len(SIZES)])


def from_vtep(uplink_mac, net, inner):
    """What the remote VTEP sends: VXLAN (checksum 0 for z, computed for c) or GRE."""
    from scapy.all import GRE, IPv6, UDP, VXLAN, Ether, Raw
    outer = Ether(src=VTEP_MAC, dst=uplink_mac) / IPv6(src=VTEP6, dst=LOCAL6, fl=0x1234, hlim=64)
    if net == "g":
        return bytes(outer / GRE(key_present=1, key=GRE_KEY, proto=0x6558) / Raw(inner))
    udp = UDP(sport=51000, dport=4789)
    if net == "z":
        udp.chksum = 0
    vni = VNI_Z if net == "z" else VNI_C
    return bytes(outer / udp / VXLAN(flags=0x08, vni=vni) / Raw(inner))


def phase1(d, up):
    d.round({"vf1": [frame(A, BCAST, "A bcast")], "vf2": [frame(B, BCAST, "B bcast")],
             "vf3": [frame(E, BCAST, "E bcast")]})
    d.round({"up": [from_vtep(up, "z", frame(R, A, "R>A")), from_vtep(up, "c", frame(S, B, "S>B")),
                    from_vtep(up, "g", frame(T, E, "T>E"))],
             "vf1": [frame(A, R, "A>R")], "vf2": [frame(B, S, "B>S")], "vf3": [frame(E, T, "E>T")]})


def phase2(d, up):
    for _ in range(2):
        d.round({
            "up": [from_vtep(up, "z", frame(R, A, "R>A")) for _ in range(10)] +
                  [from_vtep(up, "c", frame(S, B, "S>B")) for _ in range(10)] +
                  [from_vtep(up, "g", frame(T, E, "T>E")) for _ in range(10)],
            "vf1": [frame(A, R, "A>R") for _ in range(10)],
            "vf2": [frame(B, S, "B>S") for _ in range(10)],
            "vf3": [frame(E, T, "E>T") for _ in range(10)],
        })


def key(r):
    return (r["in"], r["out"], r["shape"])


def check_rules(d):
    try:
        rules = d.wait_rules(len(RULES), what="after phase 1")
    except Exception:
        for r in d.ctl("offload", "show"):
            print(f"rule {key(r)} {r['state']}: {r['reason']}")
        raise
    t.check_eq(sorted(key(r) for r in rules), sorted(RULES), "on: offloaded rules (in, out, shape)")
    t.check_eq(sorted({r["vtep"] for r in rules}), [VTEP6], "on: every rule's vtep in offload show")
    sw = [r for r in d.rules("software") if key(r) == SOFTWARE]
    t.check_eq(len(sw), 1, "on: the encap of c (UDP checksums) is a software rule")
    if sw:
        print(f"software rule: {sw[0]['reason']}")
        t.check("udp6-zero-csum" in sw[0]["reason"], "on: its reason names udp6-zero-csum")


def check_uplink(frames, uplink_mac):
    """The encapsulated frames the uplink sent in phase 2 (on: from rules for z and g)."""
    from scapy.all import GRE, IPv6, UDP, VXLAN, Ether, in6_chksum
    seen = {"z": 0, "c": 0, "g": 0}
    bad = []
    for raw in frames:
        p = Ether(raw)
        if IPv6 not in p or p[Ether].src.lower() != uplink_mac or p[IPv6].dst != VTEP6:
            continue
        ip = p[IPv6]
        ok = (ip.src == LOCAL6 and ip.hlim == 64 and ip.fl != 0 and
              ip.plen == len(raw) - 14 - 40 and p[Ether].dst.lower() == VTEP_MAC)
        if GRE in p:
            net = "g"
            ok = ok and ip.nh == 47 and p[GRE].key == GRE_KEY
        elif VXLAN in p:
            net = "z" if p[VXLAN].vni == VNI_Z else "c"
            u = p[UDP]
            ok = ok and u.dport == 4789 and u.len == ip.plen and 49152 <= u.sport
            if net == "z":
                ok = ok and u.chksum == 0
            else:
                body = bytes(ip.payload)
                zeroed = body[:6] + b"\0\0" + body[8:]
                ok = ok and u.chksum != 0 and u.chksum == in6_chksum(17, ip, zeroed)
        else:
            continue
        seen[net] += 1
        if not ok:
            bad.append(raw.hex())
    t.check_eq(seen, {"z": 20, "c": 20, "g": 20}, "on: phase-2 encapsulated frames per network")
    t.check_eq(bad, [], "on: outer IPv6/UDP/VXLAN|GRE fields of every one")


def run(offload_on):
    global _n
    _n = 0
    mode = "on" if offload_on else "off"
    cfg = CONFIG + ([] if offload_on else ["offload off"])
    d = Daemon(f"offload6-{mode}", PORTS, cfg, feed="fifo", eswitch={"up": "emulated"},
               vf_of={p: "up" for p in PORTS[1:]})
    try:
        d.start()
        up = d.ctl("underlay", "show")["mac"].lower()
        phase1(d, up)
        if offload_on:
            check_rules(d)
        before = d.port_counters()
        n_up = len(d.output("up")) if offload_on else 0
        phase2(d, up)
        after = d.port_counters()
        esw = {p: after[p]["eswitch_packets"] - before[p]["eswitch_packets"] for p in PORTS}
        dump = None
        if offload_on:
            t.check_eq(esw, PHASE2_ESWITCH, "on: phase 2 eswitch_packets per port")
            t.check_eq(d.wait_hits(RULES), RULES, "on: rule hits after phase 2")
            dump = d.ctl("offload", "dump", "testpmd")
        else:
            t.check_eq(esw, {p: 0 for p in PORTS}, "off: phase 2 eswitch_packets")
        t.check_eq(d.stop(), 0, f"{mode}: nfva exit status after SIGTERM")
        out = {p: d.output(p) for p in PORTS}
        if offload_on:
            check_uplink(out["up"][n_up:], up)
        return out, dump
    finally:
        d.cleanup()


def main():
    t.require_tools()
    off, _ = run(False)
    on, dump = run(True)
    for p in PORTS:
        t.check(len(on[p]) > 0, f"{p}: output frames")
        if off[p] == on[p]:
            print(f"ok: {p}: {len(on[p])} output frames byte-identical with offload off and on")
            continue
        t.check(False, f"{p}: output differs between offload off and on")
        for i in range(max(len(off[p]), len(on[p]))):
            a = off[p][i].hex() if i < len(off[p]) else "(none)"
            b = on[p][i].hex() if i < len(on[p]) else "(none)"
            if a != b:
                print(f"  #{i}\n    off {a}\n    on  {b}")
    lines = [l for l in dump.splitlines() if l.strip()]
    print("dump:\n  " + "\n  ".join(lines))
    t.check(any(l.startswith("set vxlan") and "ip-version ipv6 vni 7000" in l and
                f"ip-src {LOCAL6} ip-dst {VTEP6}" in l for l in lines),
            "dump: set vxlan ip-version ipv6 vni 7000, ours -> the VTEP")
    t.check(any(f"ipv6 proto is 17 src is {VTEP6} dst is {LOCAL6} / udp dst is 4789 / vxlan vni "
                f"is {VNI_Z}" in l and "vxlan_decap" in l for l in lines),
            "dump: VXLAN decap flow: ipv6 proto 17 from the VTEP to ours, vni 7000")
    flows = [l for l in lines if l.startswith("flow create ")]
    t.check_eq(len(flows), len(RULES), "dump: one flow line per offloaded rule (none for a "
               "rule the compiler refused)")
    t.check(any("eth / ipv6 / gre / gre_key" in l for l in lines if l.startswith("set raw_decap")),
            "dump: set raw_decap eth / ipv6 / gre / gre_key (GRE decap)")
    rp.check_replay(lines)


if __name__ == "__main__":
    t.main_guard(main)
