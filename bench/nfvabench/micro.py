# SPDX-License-Identifier: BSD-3-Clause
"""Microbenchmarks: MAC learning rate and the FDB at 1 M entries (through the
daemon), the unit microbenchmarks' own figures (test_fdb, test_emu_switch),
and rule installation into the emulated e-switch (from an offload run)."""

import os
import re
import statistics
import subprocess
import time

from . import inputs, nfva, proc
from .scenarios import Scenario

LEARN_MBUFS = inputs.N_LEARN + 65536


def _learn_scenario(path):
    """The micro-fdb scenario file; its config has no port: the harness adds
    the looped input at run time, so that learning starts under the clock."""
    return Scenario(path)


def _daemon(opts, run_dir, sc, tag, fdb_entries):
    d = nfva.Daemon(opts, run_dir, sc, tag, dict(opts.values),
                    extra_args=["--fdb-entries", str(fdb_entries), "--mbufs", str(LEARN_MBUFS)])
    d.start()
    return d


def _add_learn_port(d, pcap_path, attach):
    d.ctl(f"port add learn dev net_pcap9,rx_pcap={pcap_path},infinite_rx=1")
    if attach:
        d.ctl("network bench attach learn")
        d.ctl(f"fdb add {inputs.STATIC_SELF} network bench port learn")


def fdb_million(opts, run_dir, scenario_path):
    """Learning rate, memory and lookup rate with 1 M MACs, in two daemons:
    a baseline (FDB of 1024 entries, the same looped input not attached) and
    the measured one (FDB of 2^20 entries). The input loops 2^20 frames, each
    from its own source MAC to a static MAC on the same port (a hairpin: the
    frame is learned, then dropped; nothing else costs)."""
    sc = _learn_scenario(scenario_path)
    learn = inputs.ensure("learn1m", opts.pcap_dir)
    res = {"macs": inputs.N_LEARN}

    base = _daemon(opts, run_dir, sc, "fdb-base", 1024)
    try:
        _add_learn_port(base, learn, attach=False)
        time.sleep(0.5)
        base_kib = proc.memory_kib(base.p.pid)
    finally:
        base.stop()

    d = _daemon(opts, run_dir, sc, "fdb-1m", inputs.N_LEARN + 4096)
    try:
        _add_learn_port(d, learn, attach=False)
        samples = []
        d.ctl("network bench attach learn")
        t_attach = time.monotonic()
        d.ctl(f"fdb add {inputs.STATIC_SELF} network bench port learn")
        deadline = t_attach + 60
        while time.monotonic() < deadline:
            c = d.port_counters("learn")
            samples.append((time.monotonic(), c["learned"], c["rx_packets"]))
            if c["learned"] >= inputs.N_LEARN:
                break
            time.sleep(0.002)
        res["learned"] = samples[-1][1]
        res["learn_s"] = round(samples[-1][0] - t_attach, 3)
        res["learn_full"] = d.port_counters("learn")["learn_limit"]
        res.update(_learn_rate(samples, inputs.N_LEARN))
        res["fdb_entries"] = d.ctl("fdb summary")["entries"]
        time.sleep(opts.warmup)
        w = proc.Window(d.p.pid, d.tid, lambda: {"rx_packets": d.port_counters("learn")[
            "rx_packets"]}).measure(opts.window)
        res["lookup_mpps"] = round(w["rx_packets"] / w["window_s"] / 1e6, 3)
        res["lookup_window"] = w
        mem_kib = proc.memory_kib(d.p.pid)
        res["memory_mib"] = round((mem_kib - base_kib) / 1024, 1)
        res["bytes_per_entry"] = round((mem_kib - base_kib) * 1024 / inputs.N_LEARN, 1)
    finally:
        d.stop()
    return res


def _learn_rate(samples, total):
    """New MACs/s between 10% and 90% of total (the ramp, not start-up)."""
    def first(frac):
        for t, learned, _ in samples:
            if learned >= frac * total:
                return t, learned
        return None

    a, b = first(0.10), first(0.90)
    if a is None or b is None or b[0] <= a[0]:
        return {"learn_rate_mps": None,
                "learn_note": "the ramp was shorter than the polling interval or incomplete"}
    rx = [s for s in samples if a[0] <= s[0] <= b[0]]
    rx_rate = (rx[-1][2] - rx[0][2]) / (rx[-1][0] - rx[0][0]) if len(rx) > 1 and \
        rx[-1][0] > rx[0][0] else None
    return {"learn_rate_mps": round((b[1] - a[1]) / (b[0] - a[0]) / 1e6, 3),
            "learn_rx_mpps": round(rx_rate / 1e6, 3) if rx_rate else None,
            "learn_samples": len(samples),
            "learn_ramp_s": round(b[0] - a[0], 4)}


UNIT_PATTERNS = {
    "test_fdb": {
        "learn_mps": re.compile(r"learned \d+ MACs in [\d.]+ s \(([\d.]+) M MACs/s\)"),
        "lookup_mps": re.compile(r"bulk lookups \(batches of \d+\) in [\d.]+ s \(([\d.]+) M"),
    },
    "test_emu_switch": {
        "rules": re.compile(r"(\d+) rules installed in"),
        "rules_per_s": re.compile(r"rules installed in [\d.]+ s: ([\d.]+) rules/s"),
        "us_per_rule": re.compile(r"rules/s, ([\d.]+) us per rule"),
        "memory_mib": re.compile(r"us per rule, ([\d.]+) MiB"),
        "lookup_mpps": re.compile(r"frames through \d+ rules: ([\d.]+) Mpps"),
    },
}


def unit_figures(build_dir, rt=False):
    """Run the unit microbenchmarks that print rates; {test: {figure: value}}."""
    out = {}
    # test_emu_switch's many-rules case at 1 M rules (100 000 in the unit suite)
    scale = {"test_emu_switch": {"NFVA_EMU_RULES": "1000000", "NFVA_UNIT_MEM_MB": "3072"}}
    for name, sub in (("test_fdb", "tests/unit"), ("test_emu_switch", "tests/unit")):
        exe = os.path.join(build_dir, sub, name)
        if not os.access(exe, os.X_OK):
            out[name] = {"error": f"{exe} not built"}
            continue
        try:
            prio = []  # not SCHED_FIFO: a test whose threads share CPU 1 would starve
            p = subprocess.run(prio + ["taskset", "-c", "1", exe], capture_output=True, text=True,
                               timeout=300, env=dict(os.environ, **scale.get(name, {})))
        except subprocess.TimeoutExpired:
            out[name] = {"error": "timeout"}
            continue
        text = p.stdout + p.stderr
        figs = {}
        for k, rx in UNIT_PATTERNS[name].items():
            m = rx.search(text)
            if m:
                figs[k] = float(m.group(1))
        if not figs:
            figs["error"] = f"no figure in its output (exit {p.returncode})"
        out[name] = figs
    return out


def offload_install(run):
    """p50/p99/max install_us of the rules of an offload run (the daemon times
    the backend's create call, in whole microseconds)."""
    rules = run.get("offload_rules") or []
    us = sorted(r["install_us"] for r in rules if r.get("state") == "offloaded")
    if not us:
        return None
    q = statistics.quantiles(us, n=100, method="inclusive") if len(us) > 1 else us * 99
    res = {"rules": len(us), "p50_us": q[49], "p99_us": q[98], "max_us": us[-1]}
    # decision -> rule live: from the worker's request to the rule's first frame
    live = sorted(r["live_us"] for r in rules if r.get("live_us") is not None)
    if live:
        lq = statistics.quantiles(live, n=100, method="inclusive") if len(live) > 1 else live * 99
        res.update(live_rules=len(live), live_p50_us=lq[49], live_p99_us=lq[98],
                   live_max_us=live[-1])
    return res
