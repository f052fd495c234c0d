#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""A restart leaves no stale rules; SIGTERM with rules present exits 0.

    the vdev scenario (scenario.py): net_pcap ports fed through FIFOs, an
    emulated e-switch with 6 VFs/uplink ports, 3 networks (L2, VXLAN, GRE)

Run 1: the learning prelude makes the 8 rules (one of each shape, see
  scenario.py), one phase-2 round is carried by them (hits 10/5 each);
  then nfva is killed with SIGKILL (no shutdown at all).
Run 2, the same configuration file and FIFOs: right after start, and again
  1 s later (four lifecycle periods), `offload show` is empty and the
  offload stats are all zero (rules, requests, installs, removals,
  failures) — nothing left from run 1 is used or counted; the FDB has only
  the configured static entries (2); the capability table says every shape
  is offloaded. Then the same traffic: exactly the 8 rules again,
  installs 8 (not 16), and one phase-2 round carried by them (eswitch_packets
  exactly as in run 1).
Shutdown: SIGTERM while the 8 rules exist: exit status 0, nothing on the
  log about a failed destroy, and the tx pcaps are complete (readable, with
  the expected frame counts of phase 1 + one phase-2 round).
"""

import time

import nfvatest as t
from nfvatest import offload_scenario as sc


HALF = {"up": 20, "vf1": 15, "vf2": 10, "vf3": 10, "vf4": 5, "vf5": 10}   # one phase-2 round
HALF_HITS = {k: h // 2 for k, h in sc.RULES.items()}
# output frames of phase 1 + one phase-2 round, by port (phase 1: up 4, vf1 3,
# vf2 3, vf3 1, vf4 2, vf5 1; the round: up 20, vf1 15, vf2 10, vf3 10, vf4 5, vf5 10)
OUT = {"up": 24, "vf1": 18, "vf2": 13, "vf3": 11, "vf4": 7, "vf5": 11}


def traffic(d, run):
    uplink_mac = d.ctl("underlay", "show")["mac"].lower()
    sc.phase1(d, uplink_mac)
    rules = d.wait_rules(len(sc.RULES), what=f"{run}: after phase 1")
    t.check_eq(sorted(sc.rule_key(r) for r in rules), sorted(sc.RULES), f"{run}: rules after phase 1")
    before = d.port_counters()
    sc.phase2(d, uplink_mac, rounds=1)
    after = d.port_counters()
    t.check_eq({p: after[p]["eswitch_packets"] - before[p]["eswitch_packets"] for p in sc.PORTS},
               HALF, f"{run}: eswitch_packets of one phase-2 round")
    t.check_eq(d.wait_hits(HALF_HITS), HALF_HITS, f"{run}: rule hits")


def zero_state(d, what):
    t.check_eq(d.rules(), [], f"{what}: offload show")
    st = d.offload_stats()
    t.check_eq({k: st[k] for k in ("rules", "requests", "installs", "removals", "failures",
                                   "stale", "limit", "invalidations", "idle_removed")},
               dict.fromkeys(("rules", "requests", "installs", "removals", "failures", "stale",
                              "limit", "invalidations", "idle_removed"), 0),
               f"{what}: offload stats")
    fdb = d.ctl("fdb", "show")
    t.check_eq(sorted((e["mac"].lower(), e["type"]) for e in fdb),
               sorted([(sc.R, "static"), (sc.S, "static")]), f"{what}: FDB = the static entries")


def main():
    t.require_tools()
    d = sc.daemon("restart", True)
    try:
        sc.reset_frames()
        d.start()
        traffic(d, "run 1")
        d.kill()  # SIGKILL
        print("ok: run 1 killed with SIGKILL")
        d.written = {p: 0 for p in sc.PORTS}
        d.start()
        zero_state(d, "run 2 at start")
        caps = d.ctl("offload", "show", "caps")
        t.check_eq(sorted((c["shape"], c["support"]) for c in caps),
                   sorted((s, "offloaded") for s in ("l2", "l2-vlan", "vxlan-encap", "vxlan-decap",
                                                     "gre-encap", "gre-decap", "lisp-encap",
                                                     "lisp-decap", "mirror-port",
                                                     "mirror-software", "vxlan6-encap",
                                                     "vxlan6-decap", "gre6-encap",
                                                     "gre6-decap", "lisp6-decap")),
                   "run 2: capability table")
        time.sleep(1.0)
        zero_state(d, "run 2, 1 s later, no traffic")
        sc.reset_frames()
        traffic(d, "run 2")
        st = d.offload_stats()
        t.check_eq((st["rules"], st["installs"], st["removals"], st["failures"]), (8, 8, 0, 0),
                   "run 2: stats rules/installs/removals/failures")
        rc = d.stop()
        t.check_eq(rc, 0, "SIGTERM with 8 rules: exit status")
        t.check("destroy:" not in d.log, "no failed rule destroy in the log")
        t.check_eq({p: len(d.output(p)) for p in sc.PORTS}, OUT,
                   "run 2: tx pcaps complete (frames per port)")
    finally:
        d.cleanup()


if __name__ == "__main__":
    t.main_guard(main)
