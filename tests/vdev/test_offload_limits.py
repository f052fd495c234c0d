#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""`offload set max-rules-per-port N`: beyond N rules on a port, flows stay in
software, counted as `limit`, and are still forwarded.

    net_pcap ports fed through FIFOs in rounds (oevdev.py), one network "lan":
    up (emulated e-switch, net_pcap, no traffic), vf1 A, vf2 B, vf3 D (vf-of up)
    configuration: offload set max-rules-per-port 1

  R1  vf2 B and vf3 D broadcast (learned).
  R2  vf1 A->B then A->D, two flows from one port: the first gets the port's
      one rule, the second is refused: exactly requests 2, installs 1,
      limit 1, one rule (vf1 -> vf2), none vf1 -> vf3.
  R3  vf1 10 x A->B + 10 x A->D, vf2 B->A: A->B is carried by the rule
      (eswitch_packets vf1 +10, hits 10), A->D by the slow path (rx_packets of
      vf1 +10 beyond the fillers) and still forwarded; the rule of another
      port (vf2 -> vf1) is not limited. Every request not installed was
      refused by the limit (requests - installs - stale == limit), the rule
      count of vf1 stays 1.
  Then `offload set max-rules-per-port 2`: A->D frames (one per round, at
      most 20 rounds: the request filter holds a repeated decision back for
      up to 2 s) until its rule exists; 10 more A->D are carried by it.
  `offload flush`: {"removed": 3}, no rule left, removals +3; the flows ask
      again and get their 3 rules back.
  End: every frame reached its port: vf3 got the B broadcast and every A->D
  ever sent, vf2 the D broadcast and every A->B; nfva exits 0.
"""

import time

import nfvatest as t


A, B, D = "02:00:00:00:00:0a", "02:00:00:00:00:0b", "02:00:00:00:00:0d"
BCAST = "ff:ff:ff:ff:ff:ff"
PORTS = ["up", "vf1", "vf2", "vf3"]
CONFIG = ["network add lan", "network lan attach vf1", "network lan attach vf2",
          "network lan attach vf3", "offload set idle-timeout 300",
          "offload set max-rules-per-port 1"]
n = 0


def f(src, dst, tag):
    global n
    n += 1
    return t.udp_frame(src, dst, "10.0.0.1", "10.0.0.2", 5000, 5001, f"{tag} {n}", size=100)


def rule_keys(d):
    return sorted((r["in"], r["out"]) for r in d.rules())


def at_limit(d, sent):
    """Two flows from vf1 with max-rules-per-port 1: one rule, the other in
    software with the limit as the reason."""
    d.round({"vf2": [f(B, BCAST, "B bcast")], "vf3": [f(D, BCAST, "D bcast")]})
    d.round({"vf1": [f(A, B, "A>B"), f(A, D, "A>D")]})
    sent["ab"], sent["ad"] = 1, 1
    d.wait_rules(1, what="one per port")
    time.sleep(0.5)  # a second rule would have come by now
    st = d.offload_stats()
    t.check_eq((st["requests"], st["installs"], st["limit"], st["rules"]), (2, 1, 1, 1),
               "stats offload requests/installs/limit/rules after two flows from vf1")
    t.check_eq(rule_keys(d), [("vf1", "vf2")], "the one rule of vf1 is A->B")
    sw = d.rules("software")
    t.check_eq([(r["in"], r["out"], r["reason"]) for r in sw],
               [("vf1", "vf3", "rule limit of the port reached (1)")],
               "offload show lists A->D in software with the limit as the reason")


def beyond_limit(d, sent):
    """The flow over the limit stays in software; another port's is not limited."""
    c0 = d.port_counters()
    d.round({"vf1": [f(A, B, "A>B") for _ in range(10)] + [f(A, D, "A>D") for _ in range(10)],
             "vf2": [f(B, A, "B>A")]})
    sent["ab"] += 10
    sent["ad"] += 10
    c1 = d.port_counters()
    t.check_eq(c1["vf1"]["eswitch_packets"] - c0["vf1"]["eswitch_packets"], 10,
               "vf1 eswitch_packets: the 10 A->B")
    t.check_eq(c1["vf1"]["rx_packets"] - c0["vf1"]["rx_packets"], t.BURST - 10,
               "vf1 rx_packets (slow path): the 10 A->D + fillers")
    d.wait_rules(2, what="vf2's rule is not limited")
    t.check_eq(rule_keys(d), [("vf1", "vf2"), ("vf2", "vf1")], "rules: vf1->vf2, vf2->vf1")
    t.check_eq(d.wait_hits({("vf1", "vf2", "l2"): 10}), {("vf1", "vf2", "l2"): 10},
               "hits of A->B after R3")
    st = d.offload_stats()
    t.check(st["limit"] >= 1 and st["requests"] - st["installs"] - st["stale"] == st["limit"],
            f"every refused request counted as limit (requests {st['requests']}, installs "
            f"{st['installs']}, stale {st['stale']}, limit {st['limit']})")
    t.check_eq(st["failures"], 0, "stats offload failures")


def limit_raised(d, sent):
    """max-rules-per-port 2: the flow kept in software gets its rule."""
    d.ctl("offload", "set", "max-rules-per-port", "2")
    for k in range(20):
        d.round({"vf1": [f(A, D, "A>D retry")]})
        sent["ad"] += 1
        if ("vf1", "vf3") in rule_keys(d):
            break
        time.sleep(0.2)
    t.check_eq(rule_keys(d), [("vf1", "vf2"), ("vf1", "vf3"), ("vf2", "vf1")],
               f"with max-rules-per-port 2, A->D got its rule ({k + 1} rounds)")
    c2 = d.port_counters()
    d.round({"vf1": [f(A, D, "A>D") for _ in range(10)]})
    sent["ad"] += 10
    c3 = d.port_counters()
    t.check_eq(c3["vf1"]["eswitch_packets"] - c2["vf1"]["eswitch_packets"], 10,
               "vf1 eswitch_packets: the 10 A->D now carried by the rule")


def flush(d, sent):
    """offload flush removes every rule; the flows bring them back."""
    st0 = d.offload_stats()
    t.check_eq(d.ctl("offload", "flush"), {"removed": 3}, "offload flush")
    t.check_eq(d.rules(), [], "rules after offload flush")
    st1 = d.offload_stats()
    t.check_eq(st1["removals"] - st0["removals"], 3, "removals (flush)")
    for k in range(20):  # the flows ask again (the request filter may hold them 2 s)
        d.round({"vf1": [f(A, B, "A>B again"), f(A, D, "A>D again")],
                 "vf2": [f(B, A, "B>A again")]})
        sent["ab"] += 1
        sent["ad"] += 1
        if len(d.rules()) == 3:
            break
        time.sleep(0.2)
    t.check_eq(rule_keys(d), [("vf1", "vf2"), ("vf1", "vf3"), ("vf2", "vf1")],
               f"rules back after the flush ({k + 1} rounds)")


def main():
    t.require_tools()
    d = t.Daemon("limits", PORTS, CONFIG, feed="fifo", eswitch={"up": "emulated"},
                 vf_of={p: "up" for p in PORTS[1:]})
    sent = {"ab": 0, "ad": 0}
    try:
        d.start()
        at_limit(d, sent)
        beyond_limit(d, sent)
        limit_raised(d, sent)
        flush(d, sent)
        rc = d.stop()
        t.check_eq(rc, 0, "nfva exit status after SIGTERM")
        t.check_eq(len(d.output("vf3")), 1 + sent["ad"],
                   "vf3 output: B broadcast + every A->D sent")
        t.check_eq(len(d.output("vf2")), 1 + sent["ab"],
                   "vf2 output: D broadcast + every A->B sent")
    finally:
        d.cleanup()


if __name__ == "__main__":
    t.main_guard(main)
