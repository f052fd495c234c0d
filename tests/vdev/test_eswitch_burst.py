#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""One received burst that the emulated e-switch turns into more than
NFVA_BURST frames for software (review finding D24).

    up (emulated e-switch, uplink 192.168.1.249/24), vf1 A, vf2 B (vf-of up),
    network lan; offload on. Mirror sessions, both ERSPAN II (per-copy
    sequence numbers: the e-switch cannot make them, its rules SAMPLE one
    marked copy per side to software):
      ei  source vf1 direction in  -> 192.168.1.253 session 5
      eo  source vf2 direction out -> 192.168.1.253 session 6
    Rounds through FIFOs (fifo.py: one round = one rx burst per port).

  R1  vf2 B and vf1 A broadcast (learned); R2 vf1 A->B (its rule is asked for);
      wait until the rule vf1 -> vf2 is offloaded.
  R3  one burst of 32 frames on vf1: 16 x A->B (rule hits: 2 marked copies
      each) interleaved with 16 frames A_i->B from 16 new source MACs
      (misses). The e-switch hands 48 frames back to the worker in that one
      call (32 copies + 16 misses; its room is 2 x NFVA_BURST).

Asserted after R3: vf1 eswitch_packets +16 and rx_packets +16 (in = 32);
vf2 sent 32 (all of them, in = out), each byte for byte; sessions ei and
eo mirrored 32 each, nothing dropped; after stop, the uplink carries for
each session as many ERSPAN copies as it counted, with consecutive sequence
numbers; no sanitizer report (the ASan build's vdev suite runs it too).

Through the worker the slow path itself gets at most NFVA_BURST of them:
the marked copies are taken off by mirror_marked() first; slowpath_input()
chunks what it is given by NFVA_BURST anyway (its meta[] holds one burst).
"""

import struct
import time

import nfvatest as t
from nfvatest import mirror

A, B = "02:00:00:00:00:0a", "02:00:00:00:00:0b"
PORTS = ["up", "vf1", "vf2"]
CONFIG = mirror.UNDERLAY_CONFIG + [
    "network add lan", "network lan attach vf1", "network lan attach vf2",
    "offload set idle-timeout 300",
    f"mirror add ei source vf1 direction in to erspan {t.COLL2} session 5 version 2",
    f"mirror add eo source vf2 direction out to erspan {t.COLL2} session 6 version 2",
]
n = 0


def f(src, dst, tag):
    global n
    n += 1
    return t.udp_frame(src, dst, "10.0.0.1", "10.0.0.2", 5000, 5001, f"{tag} {n}", size=100)


def settle(d, vf2_tx, timeout=10):
    """Counters and sessions once vf2 sent vf2_tx and nothing moves for 0.5 s."""
    deadline, prev, stable = time.monotonic() + timeout, None, 0
    while time.monotonic() < deadline and stable < 5:
        cur = (d.port_counters(), d.mirrors())
        stable = stable + 1 if cur == prev and cur[0]["vf2"]["tx_packets"] >= vf2_tx else 0
        prev = cur
        time.sleep(0.1)
    return prev


def wait_rule(d, timeout=10):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ("vf1", "vf2") in [(r["in"], r["out"]) for r in d.rules()]:
            return True
        time.sleep(0.05)
    return False


def main():
    d = t.Daemon("eswitch-burst", PORTS, CONFIG, feed="fifo", eswitch={"up": "emulated"},
                 vf_of={p: "up" for p in PORTS[1:]})
    try:
        d.start()
        d.round({"vf2": [f(B, t.BCAST, "B bcast")], "vf1": [f(A, t.BCAST, "A bcast")]})
        d.round({"vf1": [f(A, B, "A>B first")]})
        t.check(wait_rule(d), "the rule vf1 -> vf2 is offloaded")
        m0, c0 = d.mirrors(), d.port_counters()
        burst = []
        for i in range(16):
            burst += [f(A, B, "hit"), f(f"02:00:00:00:10:{i:02x}", B, "miss")]
        c1 = d.round({"vf1": burst})
        m1 = d.mirrors()
        dv = {k: c1["vf1"][k] - c0["vf1"][k] for k in ("eswitch_packets", "rx_packets")}
        t.check_eq(dv, {"eswitch_packets": 16, "rx_packets": 16},
                   "vf1: 16 frames carried by the rule, 16 misses to the slow path (in = 32)")
        c2, m2 = settle(d, c0["vf2"]["tx_packets"] + 32)
        t.check_eq(c2["vf2"]["tx_packets"] - c0["vf2"]["tx_packets"], 32,
                   "vf2 sent all 32 frames of the burst (out = in)")
        for s in ("ei", "eo"):
            got = {k: m2[s]["counters"][k] - m0[s]["counters"][k] for k in ("mirrored", "dropped")}
            t.check_eq(got, {"mirrored": 32, "dropped": 0},
                       f"session {s}: a copy of each of the 32 frames, none lost")
        t.check_eq(m1["ei"]["counters"]["mirrored"], m2["ei"]["counters"]["mirrored"],
                   "ei: every copy made within the round")
        d.stop_checked()
        out = d.output("vf2")
        # The rule's hits are sent as the e-switch meets them, the misses after
        # the slow path took them: hits first, each kind in its order.
        t.check_frames(out[-32:], burst[0::2] + burst[1::2],
                       "vf2: the burst's 32 frames byte for byte (hits, then misses)")
        up = d.output("up")
        for s, sid in (("ei", 5), ("eo", 6)):
            seqs = [struct.unpack_from("!I", fr, 38)[0] for fr in up
                    if len(fr) > 50 and fr[23] == 47 and
                    (struct.unpack_from("!H", fr, 44)[0] & 0x3FF) == sid]
            t.check_eq(len(seqs), m2[s]["counters"]["mirrored"],
                       f"uplink: session {s}: as many ERSPAN copies as counted")
            t.check(seqs == list(range(seqs[0], seqs[0] + len(seqs))) if seqs else False,
                    f"session {s}: sequence numbers consecutive")
    finally:
        d.cleanup()


t.main_guard(main)
