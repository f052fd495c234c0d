#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Golden L2 forwarding: flooding, learning, known unicast, static entries.

        in0/out0          in1/out1          in2/out2
           p0                p1                p2
            \                |                 /
             +---------- network n1 ----------+       (all untagged)

Run 1 (learning): in0 = A->broadcast ARP, A->B (B unknown); in1 = B->A.
The worker reads all of in0 before in1, so A is learned before B->A.
  out1, out2 = the two A frames, flooded, byte-identical to the input
  out0 = B->A only (known unicast), out2 never sees it.

Run 2 (static): `fdb add S network n1 port p2` in the config.
  in0 = A->S, A->broadcast; in1 = S->A (must not move S); in2 = C->S
  (destination behind its own ingress: local_dest), then A->broadcast
  (A moves from p0 to p2: `moved`).
"""


import nfvatest as t
from nfvatest.layers import ARP, Ether
from nfvatest.topo import BCAST, MAC_A, MAC_B, MAC_C, MAC_S

t.require_tools(tshark=True)


COUNTERS = t.L2_COUNTERS
udp, counters = t.l2_udp, t.l2_counters


def fdb_rows(d):
    # DPDK formats MACs in upper case; compare in lower case.
    return sorted((e["mac"].lower(), e["network"], e["port"], e["vlan"], e["type"])
                  for e in d.ctl("fdb", "show"))


def run_learning():
    d = t.Daemon("golden-learn", 3, ["network add n1", "network n1 attach p0",
                                      "network n1 attach p1", "network n1 attach p2"])
    try:
        arp = bytes(Ether(src=MAC_A, dst=BCAST) /
                    ARP(op=1, hwsrc=MAC_A, psrc="10.0.0.1", pdst="10.0.0.2"))
        a_to_b = udp(MAC_A, MAC_B, "A to B, B unknown")
        b_to_a = udp(MAC_B, MAC_A, "B to A, A learned")
        d.write_input("p0", [arp, a_to_b])
        d.write_input("p1", [b_to_a])
        d.start()
        d.wait_inputs()
        stats = d.stats_ports()
        got = {p: t.counters_subset(stats[p], COUNTERS) for p in ("p0", "p1", "p2")}
        a_bytes = len(arp) + len(a_to_b)
        t.check_eq(got["p0"], counters(rx=2, rxb=a_bytes, tx=1, txb=len(b_to_a), flooded=2,
                                       learned=1), "learn: stats counters of p0")
        t.check_eq(got["p1"], counters(rx=1, rxb=len(b_to_a), tx=2, txb=a_bytes, learned=1),
                   "learn: stats counters of p1")
        t.check_eq(got["p2"], counters(tx=2, txb=a_bytes), "learn: stats counters of p2")
        # port show carries the same counters and the per-port MAC count.
        shown = d.port_show()
        t.check_eq(sorted(shown), ["p0", "p1", "p2"], "learn: port show lists p0 p1 p2")
        for p in ("p0", "p1", "p2"):
            t.check_eq(t.counters_subset(shown[p]["counters"], COUNTERS), got[p],
                       f"learn: port show {p} counters equal stats")
        t.check_eq({p: shown[p]["macs"] for p in shown}, {"p0": 1, "p1": 1, "p2": 0},
                   "learn: port show macs per port")
        one = d.ctl("port", "show", "p1")
        t.check_eq([x["name"] for x in one], ["p1"], "learn: port show p1 shows only p1")
        t.check_eq(fdb_rows(d), [(MAC_A, "n1", "p0", None, "dynamic"),
                                 (MAC_B, "n1", "p1", None, "dynamic")],
                   "learn: fdb show = A on p0, B on p1, dynamic")
        t.check_eq([e["mac"].lower() for e in d.ctl("fdb", "show", "port", "p1")], [MAC_B],
                   "learn: fdb show port p1 = B")
        t.check_eq(d.ctl("fdb", "summary")["entries"], 2, "learn: fdb summary entries")
        t.check_eq([(n["name"], n["macs"]) for n in d.ctl("network", "show")], [("n1", 2)],
                   "learn: network show n1 has 2 MACs")
        d.stop_checked()

        t.check_frames(d.output("p0"), [b_to_a], "learn: out0 = B->A only")
        t.check_frames(d.output("p1"), [arp, a_to_b], "learn: out1 = flooded A frames")
        t.check_frames(d.output("p2"), [arp, a_to_b],
                       "learn: out2 = flooded A frames, not B->A")
        rows = t.tshark_fields(d.out_path("p1"), ["eth.src", "eth.dst", "eth.type"])
        t.check_eq(rows, [[MAC_A, BCAST, "0x0806"], [MAC_A, MAC_B, "0x0800"]],
                   "learn: tshark decodes out1 as A->bcast ARP, A->B IPv4")
        rows = t.tshark_fields(d.out_path("p0"), ["eth.src", "eth.dst", "udp.dstport"])
        t.check_eq(rows, [[MAC_B, MAC_A, "2000"]], "learn: tshark decodes out0 as B->A UDP")
    finally:
        d.cleanup()


def run_static():
    d = t.Daemon("golden-static", 3, ["network add n1", "network n1 attach p0",
                                       "network n1 attach p1", "network n1 attach p2",
                                       f"fdb add {MAC_S} network n1 port p2"])
    try:
        a_to_s = udp(MAC_A, MAC_S, "A to static S")
        a_bc = udp(MAC_A, BCAST, "A broadcast")
        s_to_a = udp(MAC_S, MAC_A, "S seen on p1")
        c_to_s = udp(MAC_C, MAC_S, "C to S from p2 itself")
        a_moved = udp(MAC_A, BCAST, "A now behind p2")
        d.write_input("p0", [a_to_s, a_bc])
        d.write_input("p1", [s_to_a])
        d.write_input("p2", [c_to_s, a_moved])
        d.start()
        d.wait_inputs()
        stats = d.stats_ports()
        got = {p: t.counters_subset(stats[p], COUNTERS) for p in ("p0", "p1", "p2")}
        t.check_eq(got["p0"], counters(rx=2, rxb=len(a_to_s) + len(a_bc), tx=2,
                                       txb=len(s_to_a) + len(a_moved), flooded=1, learned=1),
                   "static: counters of p0 (A->S not flooded)")
        t.check_eq(got["p1"], counters(rx=1, rxb=len(s_to_a), tx=2,
                                       txb=len(a_bc) + len(a_moved)),
                   "static: counters of p1 (S not learned, not moved)")
        t.check_eq(got["p2"], counters(rx=2, rxb=len(c_to_s) + len(a_moved), tx=2,
                                       txb=len(a_to_s) + len(a_bc), flooded=1, learned=1,
                                       moved=1, dropped={"local_dest": 1}),
                   "static: counters of p2 (C->S local_dest, A moved here)")
        entries = {e["mac"].lower(): e for e in d.ctl("fdb", "show")}
        t.check_eq(sorted(entries), [MAC_A, MAC_C, MAC_S], "static: fdb has A, C, S")
        if MAC_S in entries:
            s = entries[MAC_S]
            t.check_eq((s["port"], s["type"], s["age"], s["vlan"]), ("p2", "static", None, None),
                       "static: S stays static on p2 after a frame from S on p1")
        t.check_eq({m: (e["port"], e["type"]) for m, e in entries.items() if m != MAC_S},
                   {MAC_A: ("p2", "dynamic"), MAC_C: ("p2", "dynamic")},
                   "static: A moved to p2, C learned on p2")
        t.check_eq({p["name"]: p["macs"] for p in d.ctl("port", "show")},
                   {"p0": 0, "p1": 0, "p2": 3}, "static: port show macs after the move")
        d.stop_checked()

        t.check_frames(d.output("p2"), [a_to_s, a_bc], "static: out2 = A->S and the broadcast")
        t.check_frames(d.output("p1"), [a_bc, a_moved], "static: out1 = the broadcasts only")
        t.check_frames(d.output("p0"), [s_to_a, a_moved], "static: out0 = S->A, A's broadcast")
    finally:
        d.cleanup()


def main():
    run_learning()
    run_static()


if __name__ == "__main__":
    t.main_guard(main)
