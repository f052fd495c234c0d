# SPDX-License-Identifier: BSD-3-Clause
"""Fabric-scale microbenchmarks (issue 15): a broadcast flooded to 1024 VTEPs,
the LISP map-cache at 1 M prefixes, and the EVPN route install rate (one run
of bench/evpn_scale.sh, parsed)."""

import ipaddress
import json
import os
import subprocess
import time

from . import inputs, nfva, proc
from .scenarios import Scenario

N_VTEPS = 1024
VTEP_BASE = ipaddress.IPv4Address("10.200.0.1")
N_PREFIXES = 1 << 20
PREFIX_BASE = int(ipaddress.IPv4Address("32.0.0.0"))
BATCH = 256  # control commands in flight on the socket


def _pipelined(d, lines):
    """Sends lines over the control socket BATCH at a time; (ok, first error)."""
    ok, err = 0, None
    for i in range(0, len(lines), BATCH):
        chunk = lines[i:i + BATCH]
        d.ctl.s.sendall("".join(line + "\n" for line in chunk).encode())
        for line in chunk:
            reply = d.ctl.f.readline()
            if not reply:
                raise proc.BenchError(f"nfva closed the control socket on '{line}'")
            r = json.loads(reply)
            if r.get("status") == "ok":
                ok += 1
            elif err is None:
                err = f"'{line}': {r.get('error')}"
    return ok, err


def _window(opts, d, counters):
    time.sleep(opts.warmup)
    return proc.Window(d.p.pid, d.tid, counters).measure(opts.window)


def _flood_counters(d):
    """Frames flooded by network bench, and its drops for want of an mbuf."""
    c = d.ctl("network show stats bench")["bench"]
    return {"flooded": c["flooded"], "no_mbuf": c["dropped"].get("no_mbuf", 0),
            "dropped": sum(c["dropped"].values())}


def flood_vteps(opts, run_dir, scenario_path):
    """Broadcasts from a VM port, each replicated by head-end replication to
    1024 VTEPs: input frames/s and VXLAN copies/s on the uplink, and whether
    anything grew or ran short per packet (RSS across the window, no-mbuf
    drops)."""
    sc = Scenario(scenario_path)
    in_path = inputs.ensure(sc.input, opts.pcap_dir)
    values = dict(opts.values, **nfva.devargs(in_path, inputs.empty(run_dir)))
    d = nfva.Daemon(opts, run_dir, sc, "flood-1024", values,
                    extra_args=["--max-vteps", str(N_VTEPS)])
    res = {"vteps": N_VTEPS}
    try:
        d.start()
        ok, err = _pipelined(d, [f"network bench vtep add {VTEP_BASE + i}"
                                 for i in range(N_VTEPS)])
        if ok != N_VTEPS:
            raise proc.BenchError(f"{ok} of {N_VTEPS} VTEPs added; {err}")
        res["flood_list"] = len(d.ctl("network show bench")[0]["overlay"]["flood"])
        d.ctl(f"port add vm1 dev {values['IN_DEV']}")
        d.ctl("network bench attach vm1")
        time.sleep(opts.warmup)
        rss0 = proc.memory_kib(d.p.pid)
        w = _window(opts, d, lambda: dict(d.counters(), **_flood_counters(d)))
        res["memory_delta_kib"] = proc.memory_kib(d.p.pid) - rss0
        res["window"] = w
        res["in_mpps"] = round(w["rx_packets"] / w["window_s"] / 1e6, 4)
        res["copies_mps"] = round(w["tx_packets"] / w["window_s"] / 1e6, 3)
        res["copies_per_frame"] = round(w["tx_packets"] / max(1, w["flooded"]), 1)
    finally:
        d.stop()
    return res


def map_cache_million(opts, run_dir, scenario_path):
    """A map-cache of 2^20 IPv4 prefixes: install rate over the control
    socket, memory (a baseline daemon at the default --map-cache with one
    prefix; the same daemon sized at 1 M before and after the fill), then the
    LISP-encap rate through it (the lisp-encap scenario's input)."""
    sc = Scenario(scenario_path)
    in_path = inputs.ensure(sc.input, opts.pcap_dir)
    values = dict(opts.values, **nfva.devargs(in_path, inputs.empty(run_dir)))
    res = {"prefixes": N_PREFIXES}
    base = nfva.Daemon(opts, run_dir, sc, "mc-base", values)
    try:
        base.start()
        base.wait_ready()
        base_kib = proc.memory_kib(base.p.pid)
    finally:
        base.stop()
    d = nfva.Daemon(opts, run_dir, sc, "mc-1m", values,
                    extra_args=["--map-cache", str(N_PREFIXES)])
    try:
        d.start()
        d.wait_ready()
        empty_kib = proc.memory_kib(d.p.pid)
        lines = [f"lisp map-cache add {inputs.VNI} "
                 f"{ipaddress.IPv4Address(PREFIX_BASE + (k << 8))}/24 rloc {inputs.VTEP}"
                 for k in range(N_PREFIXES - 1)]
        t0 = time.monotonic()
        ok, err = _pipelined(d, lines)
        res["install_s"] = round(time.monotonic() - t0, 2)
        res["installed"] = ok + 1
        res["install_error"] = err
        res["install_per_s"] = round(ok / res["install_s"])
        res["entries"] = d.ctl("lisp show")["counters"].get("map_cache_entries")
        full_kib = proc.memory_kib(d.p.pid)
        res["prealloc_mib"] = round((empty_kib - base_kib) / 1024, 1)
        res["fill_mib"] = round((full_kib - empty_kib) / 1024, 1)
        res["bytes_per_prefix"] = round((full_kib - empty_kib) * 1024 / ok, 1)
        res["memory_mib"] = round((full_kib - base_kib) / 1024, 1)
        w = _window(opts, d, d.counters)
        res["window"] = w
        res["encap_mpps"] = round(w["tx_packets"] / w["window_s"] / 1e6, 3)
    finally:
        d.stop()
    return res


def evpn_scale(opts, run_dir, vteps, macs):
    """bench/evpn_scale.sh VTEPS MACS with the measured binaries; its figures
    come back as the JSON file it writes (EVPN_SCALE_JSON)."""
    bench_dir = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = os.path.join(run_dir, "evpn-scale.json")
    log = os.path.join(run_dir, "evpn-scale.log")
    env = dict(os.environ, NFVA=opts.nfva, NFVACTL=opts.nfvactl, EVPN_SCALE_JSON=out)
    with open(log, "w") as f:
        p = subprocess.run(["bash", os.path.join(bench_dir, "evpn_scale.sh"), str(vteps),
                            str(macs)], stdout=f, stderr=subprocess.STDOUT, env=env,
                           timeout=1200)
    if p.returncode == 77:
        return {"error": f"skipped: {proc.tail(log, 300)}"}
    if p.returncode != 0 or not os.path.exists(out):
        return {"error": f"exit {p.returncode}: {proc.tail(log, 400)}"}
    with open(out) as f:
        return json.load(f)
