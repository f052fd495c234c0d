#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Metrics: the Prometheus endpoint (--metrics 127.0.0.1:PORT) read by a
Prometheus text-format parser (prometheus_client, Debian's
python3-prometheus-client), and the DPDK telemetry commands read with
dpdk-telemetry.py, both against the counters nfvactl shows.

    vm1 (A) --[ nfva: network n1 ]-- vm2      in_vm1: A -> bcast, A -> B x3
                                              (B unknown: flooded), A -> A
                                              (local_dest), a tagged frame
                                              (vlan_unknown)
Checks: every nfva_port_*_total, nfva_port_dropped_total{reason},
nfva_network_*, nfva_worker_* and stage samples equal `port show stats`,
`network show stats` and `stats workers`; TYPE and HELP of each family;
404 / 405 for other paths and methods; /nfva/ports, /nfva/ports,vm1,
/nfva/workers,0, /nfva/networks,n1, /nfva/stats and /nfva/vteps through
dpdk-telemetry.py; a bad --metrics address stops nfva with an error.
"""

import json
import os
import shutil
import socket
import subprocess
import urllib.error
import urllib.request

import nfvatest as t
from nfvatest.layers import IP, UDP, Dot1Q, Ether

t.require_tools(tshark=False)
try:
    from prometheus_client.parser import text_string_to_metric_families
except ImportError:
    t.skip("python3-prometheus-client is not installed (apt-get install python3-prometheus-client)")
if shutil.which("dpdk-telemetry.py") is None:
    t.skip("dpdk-telemetry.py is not installed (Debian package dpdk)")

MAC_A, MAC_B = "02:00:00:00:00:0a", "02:00:00:00:00:0b"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http(url, method="GET"):
    req = urllib.request.Request(url, method=method)
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            return r.status, r.headers.get("Content-Type"), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read().decode()


def samples(text):
    """{(family, type): {(name, labels...): value}} of an exposition."""
    out = {}
    for fam in text_string_to_metric_families(text):
        out[(fam.name, fam.type)] = {
            (s.name,) + tuple(sorted(s.labels.items())): s.value for s in fam.samples}
    return out


def check_prometheus(d, port):
    status, ctype, text = http(f"http://127.0.0.1:{port}/metrics")
    t.check_eq((status, ctype), (200, "text/plain; version=0.0.4; charset=utf-8"),
               "GET /metrics: 200, Prometheus text 0.0.4")
    fams = samples(text)
    types = {name: typ for name, typ in fams}
    t.check(types.get("nfva_port_rx_packets") == "counter" and
            types.get("nfva_network_macs") == "gauge", f"families parsed with types: {types}")
    t.check(all(f"# HELP {n}" in text for n in types),
            "every family has a HELP line")
    flat = {k: v for fam in fams.values() for k, v in fam.items()}
    stats = d.ctl("port", "show", "stats")
    for p in ("vm1", "vm2"):
        for c in ("rx_packets", "rx_bytes", "tx_packets", "tx_bytes", "flooded", "learned"):
            t.check_eq(flat.get((f"nfva_port_{c}_total", ("port", p))), stats[p][c],
                       f"nfva_port_{c}_total{{port={p}}}")
    for reason, n in stats["vm1"]["dropped"].items():
        t.check_eq(flat.get(("nfva_port_dropped_total", ("port", "vm1"), ("reason", reason))),
                   n, f"nfva_port_dropped_total{{port=vm1,reason={reason}}}")
    n1 = d.ctl("network", "show", "stats", "n1")["n1"]
    for c in ("rx_packets", "tx_packets", "flooded"):
        t.check_eq(flat.get((f"nfva_network_{c}_total", ("network", "n1"))), n1[c],
                   f"nfva_network_{c}_total{{network=n1}}")
    t.check_eq(flat.get(("nfva_network_dropped_total", ("network", "n1"),
                         ("reason", "local_dest"))), 1, "nfva_network_dropped_total local_dest")
    w0 = d.ctl("stats", "workers")["worker0"]
    t.check_eq(flat.get(("nfva_worker_packets_total", ("worker", "0"))), w0["packets"],
               "nfva_worker_packets_total{worker=0}")
    fwd = {s["stage"]: s for s in w0["stages"]}["l2_forward"]["packets"]
    t.check_eq(flat.get(("nfva_worker_stage_packets_total", ("stage", "l2_forward"),
                         ("worker", "0"))), fwd, "nfva_worker_stage_packets_total l2_forward")
    t.check(flat.get(("nfva_tsc_hz",), 0) > 0, "nfva_tsc_hz")
    t.check_eq(http(f"http://127.0.0.1:{port}/nope")[0], 404, "GET /nope: 404")
    t.check_eq(http(f"http://127.0.0.1:{port}/metrics", "POST")[0], 405, "POST: 405")
    t.check(d.ctl("stats")["observe"]["metrics_requests"] >= 1, "stats observe counts requests")


def telemetry(d, commands):
    """{command: reply} through dpdk-telemetry.py: one JSON line per command,
    in order, each {"/cmd": value} (the parameter is not in the key)."""
    p = subprocess.run(["dpdk-telemetry.py", "-f", d.prefix], input="\n".join(commands) + "\n",
                       capture_output=True, text=True, timeout=60)
    lines = [json.loads(x) for x in p.stdout.splitlines() if x.startswith("{")]
    replies = {c: r.get(c.split(",")[0]) for c, r in zip(commands, lines)}
    if len(lines) != len(commands):
        print(f"dpdk-telemetry.py: rc {p.returncode}\n{p.stdout}\n{p.stderr}")
    return replies


def check_telemetry(d):
    cmds = ["/nfva/ports", "/nfva/ports,vm1", "/nfva/workers", "/nfva/workers,0",
            "/nfva/networks,n1", "/nfva/stats", "/nfva/stats,fdb", "/nfva/vteps"]
    r = telemetry(d, cmds)
    t.check_eq(r.get("/nfva/ports"), ["vm1", "vm2"], "/nfva/ports lists the ports")
    stats = d.ctl("port", "show", "stats")
    vm1 = r.get("/nfva/ports,vm1") or {}
    t.check_eq((vm1.get("name"), vm1.get("counters/rx_packets"),
                vm1.get("counters/dropped/local_dest")),
               ("vm1", stats["vm1"]["rx_packets"], stats["vm1"]["dropped"]["local_dest"]),
               "/nfva/ports,vm1: identity and counters, nested keys joined by /")
    t.check_eq(r.get("/nfva/workers"), [0], "/nfva/workers lists worker 0")
    w0 = r.get("/nfva/workers,0") or {}
    want = d.ctl("stats", "workers")["worker0"]
    t.check_eq((w0.get("packets"), w0.get("stages/l2_forward/packets")),
               (want["packets"], {s["stage"]: s for s in want["stages"]}["l2_forward"]["packets"]),
               "/nfva/workers,0: packets and per-stage packets")
    n1 = r.get("/nfva/networks,n1") or {}
    t.check_eq((n1.get("rx_packets"), n1.get("dropped/local_dest")),
               (d.ctl("network", "show", "stats", "n1")["n1"]["rx_packets"], 1),
               "/nfva/networks,n1")
    t.check("ports" in (r.get("/nfva/stats") or []) and "workers" in r.get("/nfva/stats", []),
            "/nfva/stats lists the stats sections")
    t.check_eq((r.get("/nfva/stats,fdb") or {}).get("entries"), d.ctl("stats")["fdb"]["entries"],
               "/nfva/stats,fdb: the fdb section")
    t.check_eq((r.get("/nfva/vteps") or {}).get("overflow"), 0, "/nfva/vteps")


def run_endpoint():
    port = free_port()
    d = t.Daemon("observe-metrics", ["vm1", "vm2"], ["network add n1", "network n1 attach vm1",
                                                     "network n1 attach vm2",
                                                     f"fdb add {MAC_A} network n1 port vm1"],
                 args=["--metrics", f"127.0.0.1:{port}"])
    try:
        frames = [t.udp_frame(MAC_A, t.BCAST, "10.0.0.1", "10.0.0.255", 1, 2, "bcast")] + \
            [t.udp_frame(MAC_A, MAC_B, "10.0.0.1", "10.0.0.2", 1, 2, f"AB{i}") for i in range(3)] + \
            [t.udp_frame(MAC_A, MAC_A, "10.0.0.1", "10.0.0.1", 1, 2, "AA"),
             bytes(Ether(src=MAC_A, dst=MAC_B) / Dot1Q(vlan=5) / IP() / UDP())]
        d.write_input("vm1", frames)
        d.start()
        d.wait_inputs()
        check_prometheus(d, port)
        check_telemetry(d)
        d.stop_checked()
    finally:
        d.cleanup()


def run_off_and_bad():
    port = free_port()
    d = t.Daemon("observe-metrics-off", ["vm1"], [])
    try:
        d.start()
        t.check_eq(d.ctl("stats")["observe"]["metrics"], None, "no --metrics: endpoint off")
        with socket.socket() as s:
            t.check(s.connect_ex(("127.0.0.1", port)) != 0, "no --metrics: nothing listens")
        d.stop_checked()
        d.args = ["--metrics", "127.0.0.1"]
        rc, out, err = d.run_to_exit("\n".join(d.port_lines()) + "\n")
        t.check(rc != 0 and "expected ADDR:PORT" in out + err,
                f"--metrics 127.0.0.1 (no port): nfva stops with an error (rc {rc})")
    finally:
        d.cleanup()


def main():
    os.environ.setdefault("no_proxy", "127.0.0.1")
    run_endpoint()
    run_off_and_bad()


t.main_guard(main)
