#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Runt frames on a mirrored port (review finding D21): copies toward a VXLAN
and an ERSPAN II collector.

    vm1 (mirrored "in" by vx: vxlan .252 vni 7000 and e2: erspan .253 session 5)
    sends rounds of 32-frame bursts:
      [32 x 100 B filler, pattern P] [R10 R13 R20 R33 + 28 x filler P]
    with P = 0xaa, 0xbb, 0xaa, 0xbb (source MAC 02:00:00:00:P:P, payload P).
    R10/R13: 10 and 13 bytes (shorter than an Ethernet header);
    R20/R33: 20 and 33 bytes, ethertype IPv4 (shorter than Ethernet + IPv4).

The runts come first in their burst, so their copies are taken from mbufs
that just carried a filler copy: the bytes after a runt in its copy are the
last filler's bytes (different per round). Before the fix inner_flow_hash()
read 12 bytes of a 10-byte copy: the VXLAN UDP source port then depended on
those bytes, which ASan cannot see (the memory is allocated and was written:
it is stale, not uninitialised as far as ASan knows). So the test makes it
observable: every copy of the same runt must carry the same source port,
and that port is RFC 7348 entropy of the bytes the runt has
(49152 + (CRC32-C(bytes) & 0x3fff), as rte_hash_crc computes it, over the
runt for R10/R13 and over its two MAC addresses for R20/R33).

Asserted: each runt's VXLAN copies byte for byte (outer headers, the port
above, inner = the runt exactly); its ERSPAN II copies byte for byte (inner
= the runt, index = vm1, sequence consecutive across the session); mirror
counters exact; R10/R13 counted as `runt` drops on vm1, the fillers reach
vm2. Runs in the vdev suite of the gcc and ASan builds.
"""

import struct

import nfvatest as t
from nfvatest import mirror

t.require_tools()

CONFIG = mirror.UNDERLAY_CONFIG + [
    "network add lan",
    "network lan attach vm1",
    "network lan attach vm2",
    f"fdb add {t.VM2_MAC} network lan port vm2",
    f"mirror add vx source vm1 direction in to vxlan {t.COLL1} vni 7000",
    f"mirror add e2 source vm1 direction in to erspan {t.COLL2} session 5 version 2",
]
ROUNDS = (0xAA, 0xBB, 0xAA, 0xBB)
RUNTS = [
    bytes.fromhex("02000000000202000000"),                    # 10 B
    bytes.fromhex("02000000000202000000015a5a"),              # 13 B
    bytes.fromhex("020000000002020000000101") + b"\x08\x00" + b"\x45" * 6,      # 20 B
    bytes.fromhex("020000000002020000000102") + b"\x08\x00" + b"\x45" * 19,     # 33 B
]


def filler(p):
    src = f"02:00:00:00:{p:02x}:{p:02x}"
    body = bytes([p]) * 86
    return t.mac(t.VM2_MAC) + t.mac(src) + struct.pack("!H", 0x0800) + body


def inputs():
    frames = []
    for p in ROUNDS:
        frames += [filler(p)] * 32
        frames += RUNTS + [filler(p)] * (32 - len(RUNTS))
    return frames


def crc32c_raw(data):
    """rte_hash_crc(data, len, 0): CRC32-C register, initial 0, no final xor."""
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ (0x82F63B78 if crc & 1 else 0)
    return crc


def entropy_port(runt):
    hashed = runt if len(runt) < 14 else runt[:12]
    return 49152 + (crc32c_raw(hashed) & 0x3FFF)


def main():
    sent = inputs()
    d, mirrors, shown, up_mac = mirror.run("runt", ["up", "vm1", "vm2"], CONFIG, {"vm1": sent})
    try:
        out = d.output("up")
        vx = [f for f in out if len(f) > 50 and f[23] == 17 and f[36:38] == b"\x12\xb5"]
        e2 = [f for f in out if len(f) > 50 and f[23] == 47]
        t.check_eq(len(vx), len(sent), "vx: one VXLAN copy per frame, runts included")
        t.check_eq(len(e2), len(sent), "e2: one ERSPAN copy per frame, runts included")
        for r in RUNTS:
            got = [f for f in vx if f[50:] == r]
            ports = sorted({struct.unpack_from("!H", f, 34)[0] for f in got})
            t.check_eq(ports, [entropy_port(r)],
                       f"{len(r)} B runt: the VXLAN source port of its {len(got)} copies is the "
                       "entropy of the bytes it has, whatever follows it in the buffer")
            want = [mirror.vxlan_copy(up_mac, t.COLL1_MAC, t.COLL1, 7000, r, entropy_port(r))
                    for _ in ROUNDS]
            t.check_frames(got, want, f"{len(r)} B runt: VXLAN copies byte for byte")
        seqs = [struct.unpack_from("!I", f, 38)[0] for f in e2]
        t.check(seqs == list(range(seqs[0], seqs[0] + len(seqs))) if seqs else False,
                "e2: GRE sequence numbers consecutive")
        index = shown["vm1"]["index"]
        want = [mirror.erspan_copy(up_mac, t.COLL2_MAC, t.COLL2,
                                   t.erspan2_header(5, index, seq, False), f)
                for seq, f in zip(seqs, sent)]
        t.check_frames(e2, want, "e2: ERSPAN II copies byte for byte (runts as they came)")
        for s in ("vx", "e2"):
            mirror.check_counters(mirrors, s, {"mirrored": len(sent), "filtered_out": 0,
                                               "sampled_out": 0, "dropped": 0})
        drops = shown["vm1"]["counters"].get("dropped", {})
        t.check_eq(drops.get("runt", 0), 2 * len(ROUNDS), "vm1: R10 and R13 dropped as runt")
        fill = [f for f in d.output("vm2") if len(f) == 100]
        t.check_eq(len(fill), len(ROUNDS) * (64 - len(RUNTS)), "vm2: every filler forwarded")
    finally:
        d.cleanup()


t.main_guard(main)
