#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Remote mirror destinations, golden bytes: VXLAN (TaaS style), ERSPAN II and
ERSPAN III, snap length and the truncated bit, and an unresolved collector.

    in_vm1: 6 ICMP echo requests (142 B) + UDP of 64 B and 65 B -> vm2
    in_vm2: 6 ICMP echo replies (142 B) -> vm1
    in_vm3: 3 UDP (100 B) -> vm2
    vm1, vm2, vm3 in network lan (static FDB: no flooding); uplink "up"
    192.168.1.249/24, collectors .252 .253 .254 with static neighbours.

    session  sources  dir   destination                          options
    vx       vm1      both  vxlan .252 vni 7000
    e2       vm1,vm3  in    erspan .253 session 5 version 2
    e3       vm1      both  erspan .254 session 6 version 3 hw-id 9
    tr2      vm1      in    erspan .253 session 7 version 2      snaplen 64
    tr3      vm1      out   erspan .254 session 8 version 3 hw-id 63  snaplen 64
    vxs      vm3      in    vxlan .252 vni 7001                  snaplen 50
    nores    vm1      in    erspan .200 session 9 version 3      (no neighbour)

Asserted on out_up.pcap, per session and direction, in order:
  - every copy byte for byte: outer Ethernet (uplink MAC -> collector MAC),
    IPv4 (id 0, DF clear, TTL 64, checksum), then
    VXLAN: UDP to 4789 with checksum 0 and a source port in 49152-65535 that
      is the same for every copy of one flow, flags 0x08 (I), the session's
      VNI, and the mirrored frame byte-identical (the first 50 bytes for vxs);
    ERSPAN II: GRE S bit, 0x88BE, sequence numbers consecutive (strictly
      increasing) per session; version 1, the session id, T set exactly
      when the frame was longer than the snap length, index = the nfva
      port index of the source (vm1 and vm3 differ);
    ERSPAN III: GRE S bit, 0x22EB, sequence consecutive; version 2, session
      id, timestamp non-decreasing and increasing over the run (100 ns
      granularity, gra 1), hardware id, D = 0 for "in" and 1 for "out",
      T as above;
  - tshark reads the same: vxlan.vni, vxlan.flag_i == 1, erspan.version
    (1 = II, 2 = III), erspan.spanid, erspan.index, erspan.direction,
    erspan.truncated, erspan.hw, gre.sequence_number, erspan.timestamp;
  - no-malformed filter with IP/UDP/TCP/ICMP checksum checks on every
    output; the truncated copies (their inner IP length exceeds what is
    left, their L4 checksums cannot verify) are exempted, but their IPv4
    checksums must verify and their only expert complaints must be those
    truncation causes;
  - `mirror show` counters exact (mirrored; filtered_out, sampled_out 0;
    nores: dropped 8, mirrored 0) and the uplink asks for 192.168.1.200 by
    ARP; the originals reach vm1 and vm2 byte-identical (a mirror never
    changes or drops the original).
"""

import struct

import nfvatest as t
from nfvatest import mirror

t.require_tools()

NORES_IP = "192.168.1.200"
CONFIG = mirror.UNDERLAY_CONFIG + [
    "network add lan",
    "network lan attach vm1",
    "network lan attach vm2",
    "network lan attach vm3",
    f"fdb add {t.VM1_MAC} network lan port vm1",
    f"fdb add {t.VM2_MAC} network lan port vm2",
    f"fdb add {t.VM3_MAC} network lan port vm3",
    f"mirror add vx source vm1 direction both to vxlan {t.COLL1} vni 7000",
    f"mirror add e2 source vm1,vm3 direction in to erspan {t.COLL2} session 5 version 2",
    f"mirror add e3 source vm1 direction both to erspan {t.COLL3} session 6 version 3 hw-id 9",
    f"mirror add tr2 source vm1 direction in snaplen 64 to erspan {t.COLL2} session 7 "
    "version 2",
    f"mirror add tr3 source vm1 direction out snaplen 64 to erspan {t.COLL3} session 8 "
    "version 3 hw-id 63",
    f"mirror add vxs source vm3 direction in snaplen 50 to vxlan {t.COLL1} vni 7001",
    f"mirror add nores source vm1 direction in to erspan {NORES_IP} session 9 version 3",
]


def sized_udp(src_mac, dst_mac, src_ip, dst_ip, dport, size):
    f = t.frame(t.udp(src_ip, dst_ip, 4000, dport, b""), src_mac, dst_mac)
    f = t.frame(t.udp(src_ip, dst_ip, 4000, dport, b"u" * (size - len(f))), src_mac, dst_mac)
    assert len(f) == size
    return f


VM1_IN = [t.frame(t.icmp_echo(t.VM1_IP, t.VM2_IP, i, size=100)) for i in range(6)] + \
    [sized_udp(t.VM1_MAC, t.VM2_MAC, t.VM1_IP, t.VM2_IP, 7, 64),
     sized_udp(t.VM1_MAC, t.VM2_MAC, t.VM1_IP, t.VM2_IP, 7, 65)]
VM2_IN = [t.frame(t.icmp_echo(t.VM2_IP, t.VM1_IP, i, reply=True, size=100),
                  t.VM2_MAC, t.VM1_MAC) for i in range(6)]
VM3_IN = [sized_udp(t.VM3_MAC, t.VM2_MAC, t.VM3_IP, t.VM2_IP, 9000 + i, 100) for i in range(3)]


# ---------------------------------------------------------------- parsing copies

def classify(fr):
    """(kind, key, inner) of an uplink frame: ("vxlan", vni, inner),
    ("erspan2"/"erspan3", session, inner), ("arp", target ip, None)."""
    etype = struct.unpack_from("!H", fr, 12)[0]
    if etype == 0x0806:
        return "arp", ".".join(str(b) for b in fr[38:42]), None
    if etype != 0x0800:
        return "other", None, fr
    proto = fr[23]
    if proto == 17 and struct.unpack_from("!H", fr, 36)[0] == 4789:
        return "vxlan", struct.unpack_from("!I", fr, 46)[0] >> 8, fr[50:]
    if proto == 47:
        gproto = struct.unpack_from("!H", fr, 36)[0]
        session = struct.unpack_from("!H", fr, 44)[0] & 0x3FF
        if gproto == 0x88BE:
            return "erspan2", session, fr[50:]
        if gproto == 0x22EB:
            return "erspan3", session, fr[54:]
    return "other", None, fr


def copies(frames, kind, key):
    return [f for f in frames if classify(f)[:2] == (kind, key)]


def gre_seq(fr):
    return struct.unpack_from("!I", fr, 38)[0]


def e3_timestamp(fr):
    return struct.unpack_from("!I", fr, 46)[0]


def e3_egress(fr):
    return bool(fr[53] & 0x08)


# ---------------------------------------------------------------- checks

def inner_flow(fr):
    """(src ip, dst ip, proto, sport, dport) of an untagged IPv4 frame."""
    if struct.unpack_from("!H", fr, 12)[0] != 0x0800:
        return None
    proto = fr[23]
    ports = struct.unpack_from("!HH", fr, 34) if proto in (6, 17) and len(fr) >= 38 else ()
    return (fr[26:30], fr[30:34], proto) + tuple(ports)


def check_vxlan(up_mac, got, coll, coll_mac, vni, inner_in, inner_out, what):
    """got: copies of one session, in order; inner_in/inner_out: expected
    mirrored frames of each direction (copies keep each direction's order)."""
    t.check_eq(len(got), len(inner_in) + len(inner_out), f"{what}: number of copies")
    in_set = set(inner_in)
    got_in = [f for f in got if f[50:] in in_set]
    got_out = [f for f in got if f[50:] not in in_set]
    sports = {}
    for f in got:
        sports.setdefault(inner_flow(f[50:]), set()).add(struct.unpack_from("!H", f, 34)[0])
    t.check(all(len(s) == 1 and 49152 <= min(s) <= 65535 for s in sports.values()),
            f"{what}: one UDP source port per inner flow, in 49152-65535 "
            f"({sorted(min(s) for s in sports.values())})")
    for part, inners, label in ((got_in, inner_in, "in"), (got_out, inner_out, "out")):
        if not inners:
            continue
        want = [mirror.vxlan_copy(up_mac, coll_mac, coll, vni, i,
                                  min(sports.get(inner_flow(i), {0}))) for i in inners]
        t.check_frames(part, want, f"{what} {label}: VXLAN copies byte for byte")


def check_seq(got, what):
    seqs = [gre_seq(f) for f in got]
    t.check(seqs == list(range(seqs[0], seqs[0] + len(seqs))) if seqs else False,
            f"{what}: GRE sequence numbers consecutive, strictly increasing ({seqs})")
    return seqs


def check_erspan2(up_mac, got, coll, coll_mac, session, expected, snaplen, what):
    """expected: [(port index, mirrored frame)] in order."""
    seqs = check_seq(got, what)
    want = []
    for k, (index, inner) in enumerate(expected):
        trunc = snaplen and len(inner) > snaplen
        body = inner[:snaplen] if trunc else inner
        seq = seqs[k] if k < len(seqs) else 0
        want.append(mirror.erspan_copy(up_mac, coll_mac, coll,
                                       t.erspan2_header(session, index, seq, bool(trunc)), body))
    t.check_frames(got, want, f"{what}: ERSPAN II copies byte for byte")


def check_erspan3(up_mac, got, coll, coll_mac, session, hw_id, expected, snaplen, what):
    """expected: [(egress, mirrored frame)] in order."""
    seqs = check_seq(got, what)
    ts = [e3_timestamp(f) for f in got]
    t.check(all(a <= b for a, b in zip(ts, ts[1:])) and len(ts) > 1 and ts[-1] > ts[0],
            f"{what}: timestamps non-decreasing and increasing over the run ({ts})")
    want = []
    for k, (egress, inner) in enumerate(expected):
        trunc = snaplen and len(inner) > snaplen
        body = inner[:snaplen] if trunc else inner
        seq, stamp = (seqs[k], ts[k]) if k < len(seqs) else (0, 0)
        header = t.erspan3_header(session, seq, stamp, hw_id, egress, bool(trunc))
        want.append(mirror.erspan_copy(up_mac, coll_mac, coll, header, body))
    t.check_frames(got, want, f"{what}: ERSPAN III copies byte for byte")


def split_by_direction(got, outer_len, in_frames):
    """Copies of a both-direction session, the "in" ones first: order within
    a direction is kept, the interleaving of the two depends on the polls."""
    ins = set(in_frames)
    return [f for f in got if f[outer_len:] in ins] + [f for f in got if f[outer_len:] not in ins]


def tshark_checks(path, idx):
    tshark_vxlan(path)
    tshark_erspan2(path, idx)
    tshark_erspan3(path)
    tshark_clean(path)


def tshark_vxlan(path):
    """VXLAN, as tshark decodes it."""
    rows = t.tshark_fields(path, ["vxlan.vni", "vxlan.flag_i"], "vxlan")
    t.check_eq(sorted({tuple(r) for r in rows}), [("7000", "1"), ("7001", "1")],
               "tshark: vxlan.vni 7000 / 7001, vxlan.flag_i == 1 on every VXLAN copy")
    t.check_eq(t.tshark_count(path, "vxlan.vni == 7000"), 14, "tshark: 14 copies in vni 7000")
    t.check_eq(t.tshark_count(path, "vxlan.vni == 7001"), 3, "tshark: 3 copies in vni 7001")


def tshark_erspan2(path, idx):
    """ERSPAN II: span ids, port indexes, the T bit, sequence numbers."""
    rows = t.tshark_fields(path, ["erspan.spanid", "erspan.index", "erspan.truncated",
                                  "gre.sequence_number"], "erspan.version == 1")
    by = {}
    for sid, index, trunc, seq in rows:
        by.setdefault(sid, []).append((int(index), int(trunc), int(seq)))
    t.check_eq(sorted(by), ["5", "7"], "tshark: ERSPAN II (erspan.version == 1) span ids 5 and 7")
    e2 = by.get("5", [])
    t.check_eq(sorted({(i, tb) for i, tb, _ in e2}), [(idx["vm1"], 0), (idx["vm3"], 0)],
               "tshark: span 5 erspan.index = port index of vm1 and of vm3, not truncated")
    t.check_eq(sum(1 for i, _, _ in e2 if i == idx["vm1"]), 8, "tshark: span 5, 8 from vm1")
    t.check_eq(sum(1 for i, _, _ in e2 if i == idx["vm3"]), 3, "tshark: span 5, 3 from vm3")
    tr2 = by.get("7", [])
    t.check_eq([tb for _, tb, _ in tr2], [1] * 6 + [0, 1],
               "tshark: span 7 erspan.truncated: the 142 B and 65 B frames, not the 64 B one")
    for sid, rows_ in by.items():
        seqs = [s for _, _, s in rows_]
        t.check(all(b > a for a, b in zip(seqs, seqs[1:])),
                f"tshark: span {sid} gre.sequence_number strictly increasing")


def tshark_erspan3(path):
    """ERSPAN III: span ids, direction, hw id, T bit, timestamps, sequence numbers."""
    rows = t.tshark_fields(path, ["erspan.spanid", "erspan.direction", "erspan.hw",
                                  "erspan.truncated", "erspan.timestamp", "erspan.gra",
                                  "gre.sequence_number"], "erspan.version == 2")
    by = {}
    for sid, d, hw, trunc, ts, gra, seq in rows:
        by.setdefault(sid, []).append((d, int(hw), int(trunc), int(ts), int(gra), int(seq)))
    t.check_eq(sorted(by), ["6", "8"], "tshark: ERSPAN III (erspan.version == 2) span ids 6, 8")
    e3 = by.get("6", [])
    dirs = sorted(r[0] for r in e3)
    t.check_eq([dirs.count(x) for x in ("0", "1")] if set(dirs) <= {"0", "1"} else dirs,
               [8, 6], "tshark: span 6 erspan.direction 0 (in) x8, 1 (out) x6")
    t.check_eq({(r[1], r[2], r[4]) for r in e3}, {(9, 0, 1)},
               "tshark: span 6 erspan.hw 9, not truncated, gra 1 (100 ns)")
    tr3 = by.get("8", [])
    t.check_eq([(r[0], r[1], r[2]) for r in tr3], [("1", 63, 1)] * 6,
               "tshark: span 8: direction 1 (out), erspan.hw 63, truncated, x6")
    for sid, rows_ in by.items():
        ts = [r[3] for r in rows_]
        seqs = [r[5] for r in rows_]
        t.check(all(b >= a for a, b in zip(ts, ts[1:])) and ts[-1] > ts[0],
                f"tshark: span {sid} erspan.timestamp non-decreasing, increasing overall")
        t.check(all(b > a for a, b in zip(seqs, seqs[1:])),
                f"tshark: span {sid} gre.sequence_number strictly increasing")


def tshark_clean(path):
    """Nothing malformed; truncated copies: only the errors truncation causes."""
    t.check_tshark_clean(path, "uplink", allow="erspan.truncated == 1 || vxlan.vni == 7001")
    truncated = "erspan.truncated == 1 || vxlan.vni == 7001"
    t.check_eq(t.tshark(path, t.TSHARK_CSUM_OPTS +
                        ["-Y", f'({truncated}) && ip.checksum.status == "Bad"']),
               "", "tshark: truncated copies: outer and inner IPv4 checksums good")
    msgs = set()
    for row in t.tshark_fields(path, ["_ws.expert.message"], truncated,
                               extra=t.TSHARK_CSUM_OPTS):
        msgs.update(x for x in row[0].split(",") if x)
    allowed = ("IPv4 total length exceeds packet length", "Bad length value",
               "Bad checksum")
    t.check(msgs and all(x.startswith(allowed) for x in msgs),
            "tshark: truncated copies: only the inner length and L4 checksum complaints "
            f"their truncation causes ({len(msgs)} distinct)")


def main():
    d, mirrors, shown, up_mac = mirror.run("remote", ["up", "vm1", "vm2", "vm3"], CONFIG,
                                           {"vm1": VM1_IN, "vm2": VM2_IN, "vm3": VM3_IN})
    try:
        idx = {p: shown[p]["index"] for p in ("vm1", "vm2", "vm3")}
        t.check(idx["vm1"] != idx["vm3"], f"port indexes of vm1 and vm3 differ ({idx})")
        out = d.output("up")
        # counters
        zero = {"filtered_out": 0, "sampled_out": 0, "dropped": 0}
        for name, n in (("vx", 14), ("e2", 11), ("e3", 14), ("tr2", 8), ("tr3", 6), ("vxs", 3)):
            mirror.check_counters(mirrors, name, dict(zero, mirrored=n))
        mirror.check_counters(mirrors, "nores", dict(zero, mirrored=0, dropped=8))
        kinds = [classify(f)[:2] for f in out]
        t.check_eq(len(out) - kinds.count(("arp", NORES_IP)), 56,
                   "uplink: 56 copies (14 + 11 + 14 + 8 + 6 + 3) besides ARP")
        t.check(kinds.count(("arp", NORES_IP)) >= 1,
                f"uplink: nfva asks for the unresolved collector {NORES_IP} by ARP")
        t.check_eq([k for k in kinds if k[0] in ("other", "arp") and k != ("arp", NORES_IP)],
                   [], "uplink: nothing else")
        # originals are untouched
        got = d.output("vm2")
        t.check_eq(len(got), len(VM1_IN) + len(VM3_IN), "vm2 receives 11 frames")
        t.check_frames([f for f in got if f in VM1_IN], VM1_IN,
                       "vm2 receives vm1's frames unchanged, in order")
        t.check_frames([f for f in got if f in VM3_IN], VM3_IN,
                       "vm2 receives vm3's frames unchanged, in order")
        t.check_frames(d.output("vm1"), VM2_IN, "vm1 receives vm2's replies unchanged")
        t.check_frames(d.output("vm3"), [], "vm3 receives nothing")

        # VXLAN
        check_vxlan(up_mac, copies(out, "vxlan", 7000), t.COLL1, t.COLL1_MAC, 7000,
                    VM1_IN, VM2_IN, "vx (vni 7000, both)")
        check_vxlan(up_mac, copies(out, "vxlan", 7001), t.COLL1, t.COLL1_MAC, 7001,
                    [f[:50] for f in VM3_IN], [], "vxs (vni 7001, snaplen 50)")
        # ERSPAN II
        got = copies(out, "erspan2", 5)
        want = [(idx["vm1"] if g[50:] in VM1_IN else idx["vm3"], g[50:]) for g in got]
        t.check_eq(sorted(f for _, f in want), sorted(VM1_IN + VM3_IN),
                   "e2: one copy of each frame of vm1 and vm3")
        t.check_eq([f for _, f in want if f in VM1_IN], VM1_IN, "e2: vm1's copies in order")
        check_erspan2(up_mac, got, t.COLL2, t.COLL2_MAC, 5, want, 0, "e2 (session 5)")
        check_erspan2(up_mac, copies(out, "erspan2", 7), t.COLL2, t.COLL2_MAC, 7,
                      [(idx["vm1"], f) for f in VM1_IN], 64, "tr2 (session 7, snaplen 64)")
        # ERSPAN III
        got = copies(out, "erspan3", 6)
        exp = [(e3_egress(g), g[54:]) for g in got]
        t.check_eq(([f for e, f in exp if not e], [f for e, f in exp if e]), (VM1_IN, VM2_IN),
                   "e3: D=0 on the copies of what vm1 sent, D=1 on what it received")
        check_erspan3(up_mac, got, t.COLL3, t.COLL3_MAC, 6, 9, exp, 0, "e3 (session 6)")
        check_erspan3(up_mac, copies(out, "erspan3", 8), t.COLL3, t.COLL3_MAC, 8, 63,
                      [(True, f) for f in VM2_IN], 64, "tr3 (session 8, out, snaplen 64)")
        t.check_eq(copies(out, "erspan3", 9), [], "nores: no copy leaves")

        tshark_checks(d.out_path("up"), idx)
        for p in ("vm1", "vm2"):
            t.check_tshark_clean(d.out_path(p), p)
    finally:
        d.cleanup()


t.main_guard(main)
