#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Mirror filters (including and excluding) and 1-in-N sampling, golden bytes.

    in_vm1: 16 frames of every kind (ICMP to .2 and .3, UDP to dports
            999/1000/1005/1010/1011, TCP 5000->1005 and 5002->80, UDP
            1005->53, ARP broadcast, IPv6 UDP from 2001:db8::1 and fd00::1,
            a frame from another MAC, a frame from 10.0.0.3, a non-first IPv4
            fragment of UDP to 1005)
    in_vmt: 2 ICMP frames tagged vlan 10 (vmt is attached with vlan 10)
    in_vm2: 40 UDP frames to vm1
    vm1, vm2, vm3 (untagged) and vmt (vlan 10) in network lan, static FDB;
    every session copies "in" to its own analyser port t_<session> (ports
    in no network: a dedicated analyser is allowed by tenant isolation).

Each filter session's analyser receives exactly the frames the filter
selects, byte-identical and in order, and its counters are exact
(mirrored = selected, filtered_out = the others, sampled_out 0, dropped 0):

    icmp2    proto icmp and dst 10.0.0.2               only ICMP to one address
    prange   dport 1000-1010                           a port range (TCP, UDP, IPv6)
    udprange proto udp and dport 1000-1010 and dst 10.0.0.0/24
    port     port 1005                                 either port
    sport    sport 5000-5001 and proto tcp
    srcmac   src-mac 02:00:00:00:00:11                 a MAC
    bcast    dst-mac ff:ff:ff:ff:ff:ff
    vlan     vlan 10 (sources vm1,vmt)                 a VLAN: vmt's tagged frames only
    arp      ethertype arp
    v6src    src 2001:db8::/32
    v6dst    dst fd00::/8 and proto udp and dport 80
    host     host 10.0.0.3                             either address
    none     proto sctp                                nothing matches
The fragment is never taken by a port filter (no L4 header to look at).

Sampling, deterministic: `sample 1/4` and `sample 4` over vm2's 40 frames
copy exactly 10 (the 1st, 5th, 9th ...), sampled_out 30; `sample 1/1` all 40;
`filter "proto udp" sample 1/3` on vm1 samples among the 11 UDP frames only:
4 copies (UDP frames 1, 4, 7, 10), sampled_out 7, filtered_out 5.
Originals reach vm2 and vm1 unchanged; no output is malformed (tshark, with
checksum checks).
"""

import nfvatest as t
from nfvatest import mirror

t.require_tools()

OTHER_MAC = "02:00:00:00:00:11"
VMT_MAC, VMT_IP = "02:00:00:00:00:04", "10.0.0.4"


def vm1_frames():
    from nfvatest.layers import ARP, ICMP, IP, IPv6, TCP, UDP, Ether, Raw
    v1, v2 = t.VM1_MAC, t.VM2_MAC
    fr = [
        t.frame(t.icmp_echo(t.VM1_IP, t.VM2_IP, 1)),                           # 0
        t.frame(t.icmp_echo(t.VM1_IP, t.VM3_IP, 2), v1, t.VM3_MAC),            # 1
    ]
    fr += [t.frame(t.udp(t.VM1_IP, t.VM2_IP, 4000, p)) for p in (999, 1000, 1005, 1010, 1011)]
    fr += [
        t.frame(t.tcp(t.VM1_IP, t.VM2_IP, 5000, 1005)),                        # 7
        t.frame(t.udp(t.VM1_IP, t.VM2_IP, 1005, 33333)),                       # 8
        bytes(Ether(src=v1, dst="ff:ff:ff:ff:ff:ff") /                          # 9
              ARP(op=1, hwsrc=v1, psrc=t.VM1_IP, pdst=t.VM2_IP)),
        bytes(Ether(src=v1, dst=v2) / IPv6(src="2001:db8::1", dst="2001:db8::2") /  # 10
              UDP(sport=4000, dport=1005) / Raw(b"v6")),
        bytes(Ether(src=v1, dst=v2) / IPv6(src="fd00::1", dst="fd00::2") /     # 11
              UDP(sport=4000, dport=80) / Raw(b"v6")),
        t.frame(t.udp("10.0.0.11", t.VM2_IP, 4000, 80), OTHER_MAC, v2),        # 12
        t.frame(t.udp(t.VM3_IP, t.VM2_IP, 4000, 80)),                          # 13
        t.frame(t.tcp(t.VM1_IP, t.VM2_IP, 5002, 80)),                          # 14
        bytes(Ether(src=v1, dst=v2) /                                          # 15
              IP(src=t.VM1_IP, dst=t.VM2_IP, proto=17, frag=100, id=77) /
              Raw(bytes([0x0f, 0xa0, 0x03, 0xed]) + b"fragment")),
    ]
    assert ICMP and TCP  # imported for the reader: the layers used above
    return fr


VM1_IN = vm1_frames()
VMT_IN = [t.frame(t.icmp_echo(VMT_IP, t.VM2_IP, i), VMT_MAC, t.VM2_MAC, vlan=10)
          for i in range(2)]
VM2_IN = [t.frame(t.udp(t.VM2_IP, t.VM1_IP, 4000, 2000 + i), t.VM2_MAC, t.VM1_MAC)
          for i in range(40)]
UDP_IDX = [2, 3, 4, 5, 6, 8, 10, 11, 12, 13, 15]

# name: (sources, filter, expected indexes into VM1_IN)
FILTERS = {
    "icmp2": ("vm1", "proto icmp and dst 10.0.0.2", [0]),
    "prange": ("vm1", "dport 1000-1010", [3, 4, 5, 7, 10]),
    "udprange": ("vm1", "proto udp and dport 1000-1010 and dst 10.0.0.0/24", [3, 4, 5]),
    "port": ("vm1", "port 1005", [4, 7, 8, 10]),
    "sport": ("vm1", "sport 5000-5001 and proto tcp", [7]),
    "srcmac": ("vm1", f"src-mac {OTHER_MAC}", [12]),
    "bcast": ("vm1", "dst-mac ff:ff:ff:ff:ff:ff", [9]),
    "vlan": ("vm1,vmt", "vlan 10", []),          # + vmt's two tagged frames
    "arp": ("vm1", "ethertype arp", [9]),
    "v6src": ("vm1", "src 2001:db8::/32", [10]),
    "v6dst": ("vm1", "dst fd00::/8 and proto udp and dport 80", [11]),
    "host": ("vm1", "host 10.0.0.3", [1, 13]),
    "none": ("vm1", "proto sctp", []),
}
SAMPLES = {  # name: (source, options, expected copies, sampled_out, filtered_out)
    "s4": ("vm2", "sample 1/4", VM2_IN[0::4], 30, 0),
    "s4n": ("vm2", "sample 4", VM2_IN[0::4], 30, 0),
    "s1": ("vm2", "sample 1/1", VM2_IN, 0, 0),
    "fs": ("vm1", 'filter "proto udp" sample 1/3', [VM1_IN[i] for i in UDP_IDX[0::3]], 7, 5),
}


def main():
    sessions = list(FILTERS) + list(SAMPLES)
    ports = ["vm1", "vm2", "vm3", "vmt"] + [f"t_{s}" for s in sessions]
    config = ["network add lan"] + [f"network lan attach {p}" for p in ("vm1", "vm2", "vm3")] + [
        "network lan attach vmt vlan 10",
        f"fdb add {t.VM1_MAC} network lan port vm1",
        f"fdb add {t.VM2_MAC} network lan port vm2",
        f"fdb add {t.VM3_MAC} network lan port vm3",
    ]
    for name, (src, flt, _) in FILTERS.items():
        config.append(f'mirror add {name} source {src} direction in filter "{flt}" '
                      f"to port t_{name}")
    for name, (src, opts, _, _, _) in SAMPLES.items():
        config.append(f"mirror add {name} source {src} direction in {opts} to port t_{name}")

    d, mirrors, _, _ = mirror.run("filters", ports, config,
                                  {"vm1": VM1_IN, "vmt": VMT_IN, "vm2": VM2_IN})
    try:
        for name, (src, flt, idx) in FILTERS.items():
            want = [VM1_IN[i] for i in idx] + (VMT_IN if name == "vlan" else [])
            total = len(VM1_IN) + (len(VMT_IN) if name == "vlan" else 0)
            t.check_frames(d.output(f"t_{name}"), want, f'{name} [{flt}]: the selected frames')
            mirror.check_counters(mirrors, name, {"mirrored": len(want),
                                                  "filtered_out": total - len(want),
                                                  "sampled_out": 0, "dropped": 0})
            t.check_eq(mirrors[name]["filter"], flt, f"{name}: mirror show gives the filter")
        for name, (src, opts, want, sampled, filtered) in SAMPLES.items():
            t.check_frames(d.output(f"t_{name}"), want, f"{name} [{opts}]: the sampled frames")
            mirror.check_counters(mirrors, name, {"mirrored": len(want), "filtered_out": filtered,
                                                  "sampled_out": sampled, "dropped": 0})
        t.check_eq(mirrors["s4"]["sample"], 4, "s4: mirror show gives sample 4")
        t.check_eq(mirrors["s4n"]["sample"], 4, "s4n: `sample 4` is `sample 1/4`")
        t.check_eq(mirrors["s1"]["sample"], 1, "s1: mirror show gives sample 1")
        # originals: unchanged (vmt's frames lose their tag, the broadcast is flooded)
        v2 = d.output("vm2")
        t.check_frames([f for f in v2 if f in VM1_IN], [f for i, f in enumerate(VM1_IN) if i != 1],
                       "vm2 receives vm1's frames (all but the one to vm3) unchanged")
        t.check_frames([f for f in v2 if f not in VM1_IN], [t.pop_tag(f) for f in VMT_IN],
                       "vm2 receives vmt's frames, tag popped, and nothing else")
        t.check_frames(d.output("vm3"), [VM1_IN[1], VM1_IN[9]],
                       "vm3 receives the ICMP to 10.0.0.3 and the flooded ARP")
        t.check_frames(d.output("vmt"), [t.push_tag(VM1_IN[9], 10)],
                       "vmt receives the flooded ARP, tagged 10")
        t.check_frames(d.output("vm1"), VM2_IN, "vm1 receives vm2's 40 frames unchanged")
        for p in ["vm1", "vm2", "vm3", "vmt"] + [f"t_{s}" for s in sessions]:
            t.check_tshark_clean(d.out_path(p), p)
    finally:
        d.cleanup()


t.main_guard(main)
