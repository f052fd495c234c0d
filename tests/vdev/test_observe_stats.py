#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Per-worker, per-stage, per-network and per-VTEP counters, as the operator
reads them (`stats workers`, `network show stats`, `stats vteps`, `port show`
and `port show stats`), after real traffic; then `stats clear`.

    remote VTEPs                 nfva (one worker)          local members
    .252 --+                                            +-- vm1 (A)
    .253 --+-- up 192.168.1.249/24 ---------------------+-- vm2
               network n1 vni 5000 encap vxlan, vteps .252 .253
    q2: net_null (no rx) with two rx queues, queue 1 pinned to worker 0:
        what `stats workers` and `port show` say of the rx queue plan.

A (on vm1) and R (behind .252) are static FDB entries: no decision depends
on when learning happens.
in_up (port 0, read first): VXLAN from .252 carrying R -> A (unicast to
    vm1), VXLAN from .253 to vni 9999 (unknown_vni).
in_vm1: A -> R three times (encapsulated toward .252), an ARP broadcast
    from A (flooded to vm2, .252 and .253), A -> A (local_dest).
in_vm2: a frame tagged 77 (vlan_unknown: no network).

Run "bound": 600 VXLAN frames to an unknown VNI, each from its own source
address: the per-worker VTEP table (512 slots) overflows into the "other"
row, and no frame is lost from the totals. That run starts with `stats
workers timing off`: stages count bursts and packets but no cycles, the
loop still its busy cycles.
"""

import nfvatest as t
from nfvatest.layers import ARP, IP, UDP, VXLAN, Dot1Q, Ether

t.require_tools(tshark=False)

MAC_A, MAC_R = "02:00:00:00:00:0a", "02:00:00:00:01:01"
STAGES = ["rx", "eswitch", "mirror_in", "underlay_input", "eth_input", "lisp", "l2_learn",
          "l2_forward", "ctrl_input", "output"]


def vxlan_from(src_ip, src_mac, uplink_mac, vni, inner):
    return bytes(Ether(src=src_mac, dst=uplink_mac) / IP(src=src_ip, dst=t.UPLINK_IP) /
                 UDP(sport=51000, dport=4789, chksum=0) / VXLAN(flags=0x08, vni=vni) / inner)


def traffic(upmac):
    r_to_a = t.udp_frame(MAC_R, MAC_A, "10.0.0.2", "10.0.0.1", 42000, 41000, "R to A")
    up = [vxlan_from(t.VTEP1, t.VTEP1_MAC, upmac, 5000, r_to_a),
          vxlan_from(t.VTEP2, t.VTEP2_MAC, upmac, 9999, r_to_a)]
    a_to_r = [t.udp_frame(MAC_A, MAC_R, "10.0.0.1", "10.0.0.2", 41000 + i, 42000, f"A{i}")
              for i in range(3)]
    arp = bytes(Ether(src=MAC_A, dst=t.BCAST) /
                ARP(op=1, hwsrc=MAC_A, psrc="10.0.0.1", pdst="10.0.0.2"))
    a_to_a = t.udp_frame(MAC_A, MAC_A, "10.0.0.1", "10.0.0.1", 1, 2, "to itself")
    vm1 = a_to_r + [arp, a_to_a]
    vm2 = [bytes(Ether(src="02:00:00:00:00:0b", dst=MAC_A) / Dot1Q(vlan=77) /
                 IP(src="10.0.0.9", dst="10.0.0.1") / UDP(sport=1, dport=2))]
    return up, vm1, vm2, r_to_a, a_to_r, arp, a_to_a


def check_workers(d, n_rx, n_up, n_local, n_l2, n_tx):
    w = d.ctl("stats", "workers")
    t.check(w["tsc_hz"] > 0, "stats workers: tsc_hz")
    t.check_eq(w["stage_timing"], True, "stats workers: stage timing on by default")
    t.check_eq(sorted(k for k in w if k.startswith("worker")), ["worker0"],
               "stats workers: one worker")
    w0 = w["worker0"]
    t.check_eq(w0["rx_queues"], ["up:0", "vm1:0", "vm2:0", "q2:0", "q2:1"],
               "worker0 polls every queue of the plan")
    t.check_eq(w0["packets"], n_rx, "worker0 packets = every frame received")
    t.check(w0["busy_cycles"] > 0 and w0["idle_cycles"] > 0, "worker0 busy and idle cycles")
    t.check(0 < w0["busy_iterations"] < w0["iterations"], "worker0 busy iterations")
    t.check(w0["cycles_per_packet"] and w0["cycles_per_packet"] > 0, "worker0 cycles/packet")
    t.check(0 <= w0["busy_pct"] <= 100, f"worker0 busy_pct {w0['busy_pct']}")
    stages = {s["stage"]: s for s in w0["stages"]}
    t.check_eq(list(stages), STAGES, "stats workers: the stages, in order")
    got = {s: stages[s]["packets"] for s in STAGES}
    want = {"rx": n_rx, "eswitch": 0, "mirror_in": 0, "underlay_input": n_up,
            "eth_input": n_local, "lisp": 0, "l2_learn": n_l2, "l2_forward": n_l2,
            "ctrl_input": 0, "output": n_tx}
    t.check_eq(got, want, "per stage packets")
    for s in STAGES:
        busy = stages[s]["packets"] > 0
        if busy != (stages[s]["cycles"] > 0):
            t.check(False, f"stage {s}: cycles > 0 exactly when it took packets")
    t.check(sum(s["cycles"] for s in w0["stages"]) <= w0["busy_cycles"],
            "the stages' cycles fit in the busy cycles")


def check_network(d, up_inner, vm1, arp):
    n1 = d.ctl("network", "show", "stats", "n1")["n1"]
    # rx: the decapsulated frame and every vm1 frame; tx: R->A to vm1,
    # 3 x A->R toward .252, the ARP to vm2, .252 and .253.
    want = {"rx_packets": 1 + len(vm1), "rx_bytes": len(up_inner) + sum(map(len, vm1)),
            "tx_packets": 1 + 3 + 3,
            "tx_bytes": len(up_inner) + sum(map(len, vm1[:3])) + 3 * len(arp),
            "flooded": 1, "dropped": {"local_dest": 1}}
    t.check_eq(n1, want, "network show stats n1")
    t.check_eq(d.ctl("network", "show", "stats"), {"n1": n1}, "network show stats: all")
    row = d.ctl("stats")["networks"][0]
    t.check_eq({k: row[k] for k in want}, want, "stats networks row carries the counters")


def check_vteps(d, up, a_to_r, arp):
    v = d.ctl("stats", "vteps")
    rows = {r["vtep"]: r for r in v["vteps"]}
    enc = [len(f) + 50 for f in a_to_r]  # outer Ethernet + IPv4 + UDP + VXLAN
    t.check_eq(rows.get(t.VTEP1), {"vtep": t.VTEP1, "rx_packets": 1, "rx_bytes": len(up[0]),
                                   "tx_packets": 4, "tx_bytes": sum(enc) + len(arp) + 50,
                                   "dropped": {}}, "stats vteps: .252")
    t.check_eq(rows.get(t.VTEP2), {"vtep": t.VTEP2, "rx_packets": 0, "rx_bytes": 0,
                                   "tx_packets": 1, "tx_bytes": len(arp) + 50,
                                   "dropped": {"unknown_vni": 1}}, "stats vteps: .253")
    t.check_eq((sorted(rows), v["overflow"]), (sorted([t.VTEP1, t.VTEP2]), 0),
               "stats vteps: two VTEPs, no overflow")


def check_port_views(d):
    shown = d.ctl("port", "show")
    t.check(all("counters" not in p for p in shown), "port show: no counters in the rows")
    rc, text, _ = d.ctl_raw("port", "show", json_out=False)
    lines = text.splitlines()
    t.check(rc == 0 and lines and lines[0].split()[:3] == ["NAME", "INDEX", "LINK"],
            f"port show: a table (header {lines[:1]})")
    t.check(len(lines) == 5 and "rx_packets" not in text and "{" not in text,
            "port show: one line per port, no counters in it")
    rc, text, _ = d.ctl_raw("port", "show", "stats", "vm1", json_out=False)
    t.check(rc == 0 and text.startswith("vm1:\n") and "  rx_packets:" in text and
            "local_dest: 1" in text, "port show stats vm1: a readable section")
    stats = d.ctl("port", "show", "stats")
    t.check_eq(sorted(stats), ["q2", "up", "vm1", "vm2"], "port show stats: every port")
    q2 = d.ctl("port", "show", "q2")[0]
    t.check_eq((q2["rxq"], q2["rx_queues"]), (2, "0:w0,1:w0*"), "port show q2: rx queues, pin")
    t.check_eq(stats["vm2"]["dropped"], {"vlan_unknown": 1}, "port show stats: vm2 drops")
    rc, _, err = d.ctl_raw("port", "show", "stats", "nope")
    t.check(rc == 1 and "no port named nope" in err, "port show stats nope: error")


def check_clear(d):
    d.ctl("stats", "clear")
    w0 = d.ctl("stats", "workers")["worker0"]
    t.check_eq((w0["packets"], w0["busy_cycles"]), (0, 0), "after stats clear: worker0 zero")
    t.check_eq([s["packets"] for s in w0["stages"]], [0] * len(STAGES),
               "after stats clear: stages zero")
    n1 = d.ctl("network", "show", "stats", "n1")["n1"]
    t.check_eq((n1["rx_packets"], n1["tx_packets"], n1["dropped"]), (0, 0, {}),
               "after stats clear: n1 zero")
    t.check_eq(d.ctl("stats", "vteps")["vteps"], [], "after stats clear: no VTEP rows")


def run_counters():
    d = t.Daemon("observe-stats", ["up", "vm1", "vm2"], t.UNDERLAY_CONFIG + [
        "network add n1 vni 5000 encap vxlan", "network n1 attach vm1",
        "network n1 attach vm2", f"network n1 vtep add {t.VTEP1}",
        f"network n1 vtep add {t.VTEP2}", f"fdb add {MAC_A} network n1 port vm1",
        f"fdb add {MAC_R} network n1 vtep {t.VTEP1}",
        "port add q2 dev net_null7,no-rx=1 rxq 2", "port set q2 rxq 1 worker 0"])
    try:
        upmac = d.probe_uplink_mac()
        up, vm1, vm2, r_to_a, a_to_r, arp, _ = traffic(upmac)
        d.write_input("up", up)
        d.write_input("vm1", vm1)
        d.write_input("vm2", vm2)
        d.start()
        d.wait_inputs(tx={"up": 5, "vm1": 1, "vm2": 1})
        n_rx = len(up) + len(vm1) + len(vm2)
        check_workers(d, n_rx, len(up), len(vm1) + len(vm2), 1 + len(vm1), 7)
        check_network(d, r_to_a, vm1, arp)
        check_vteps(d, up, a_to_r, arp)
        check_port_views(d)
        check_clear(d)
        d.stop_checked()
    finally:
        d.cleanup()


def check_timing_off(d, n):
    w = d.ctl("stats", "workers")
    w0 = w["worker0"]
    stages = {s["stage"]: s for s in w0["stages"]}
    t.check_eq((w["stage_timing"], stages["underlay_input"]["packets"], w0["packets"]),
               (False, n, n), "timing off: stages still count packets")
    t.check_eq(sum(s["cycles"] for s in w0["stages"]), 0, "timing off: no stage cycles")
    t.check(w0["busy_cycles"] > 0, "timing off: the loop's busy cycles still counted")
    t.check_eq(d.ctl("stats", "workers", "timing", "on"), {"stage_timing": True},
               "stats workers timing on")
    t.check_eq(d.ctl("stats", "workers")["stage_timing"], True, "timing back on")


def run_bound():
    n = 600
    d = t.Daemon("observe-bound", ["up", "vm1"], t.UNDERLAY_CONFIG + [
        "network add n1 vni 5000 encap vxlan", "network n1 attach vm1",
        "stats workers timing off"])
    try:
        upmac = d.probe_uplink_mac()
        inner = t.udp_frame(MAC_R, MAC_A, "10.0.0.2", "10.0.0.1", 1, 2, "x")
        d.write_input("up", [vxlan_from(f"10.9.{i // 250}.{i % 250 + 1}", t.VTEP1_MAC, upmac,
                                        9999, inner) for i in range(n)])
        d.start()
        d.wait_inputs()
        v = d.ctl("stats", "vteps")
        rows = [r for r in v["vteps"] if r["vtep"] != "other"]
        other = [r for r in v["vteps"] if r["vtep"] == "other"]
        t.check(len(rows) <= v["slots_per_worker"] == 512, f"bound: {len(rows)} rows <= 512")
        t.check(v["overflow"] > 0 and len(other) == 1, "bound: overflow counted, 'other' row")
        total = sum(r["dropped"].get("unknown_vni", 0) for r in v["vteps"])
        t.check_eq(total, n, "bound: every frame counted once (rows + other)")
        t.check_eq(other[0]["dropped"].get("unknown_vni") if other else None, v["overflow"],
                   "bound: the other row holds exactly the overflow")
        check_timing_off(d, n)
        d.stop_checked()
    finally:
        d.cleanup()


def main():
    run_counters()
    run_bound()


t.main_guard(main)
