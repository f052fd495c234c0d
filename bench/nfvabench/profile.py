# SPDX-License-Identifier: BSD-3-Clause
"""Where the forwarding core's time goes in one nfva scenario:
`perf record` (software cpu-clock event: works without hardware counters)
on the worker thread only, during a window of steady state; then the top
symbols. Run through bench/profile.sh."""

import argparse
import os
import shutil
import subprocess
import sys
import time

from . import inputs, nfva, scenarios
from .main import BENCH_DIR, default_build, hugepages_usable


def main(argv=None):
    p = argparse.ArgumentParser(prog="bench/profile.sh")
    p.add_argument("scenarios", nargs="+", help="nfva scenario names (bench/scenarios/*.nfva)")
    p.add_argument("--seconds", type=float, default=5)
    p.add_argument("--build", default=default_build())
    p.add_argument("--out", default=os.path.join(BENCH_DIR, "results", "profile"))
    p.add_argument("--top", type=int, default=25)
    a = p.parse_args(argv)
    os.makedirs(a.out, exist_ok=True)
    a.pcap_dir = os.path.join(a.out, "pcaps")
    os.makedirs(a.pcap_dir, exist_ok=True)
    a.hugepages, a.rt, a.nfva_mem, a.warmup = hugepages_usable(), True, 1024, 2
    # A copy: the build may be relinked while perf still needs the binary.
    a.nfva = os.path.join(a.out, "nfva")
    shutil.copy2(os.path.join(a.build, "appliance", "nfva"), a.nfva)
    a.values = scenarios.base_values()
    all_sc = scenarios.load(os.path.join(BENCH_DIR, "scenarios"))
    for name in a.scenarios:
        sc = all_sc[name]
        if sc.needs_uplink_mac() and "UPLINK_MAC" not in a.values:
            a.values["UPLINK_MAC"] = nfva.probe_uplink_mac(a, a.out, sc)
        mac = a.values.get("UPLINK_MAC")
        in_path = inputs.ensure(sc.input, a.pcap_dir, mac)
        warm = inputs.ensure(sc.warm, a.pcap_dir, mac) if sc.warm else None
        d = nfva.Daemon(a, a.out, sc, f"prof-{name}",
                        dict(a.values, **nfva.devargs(in_path, warm)))
        data = os.path.join(a.out, f"{name}.perf.data")
        try:
            d.start()
            d.wait_ready()
            time.sleep(a.warmup)
            c0 = d.counters()
            t0 = time.monotonic()
            subprocess.run(["perf", "record", "-q", "-e", "cpu-clock", "-F", "4999", "-g",
                            "-t", str(d.tid), "-o", data, "--", "sleep", str(a.seconds)],
                           check=True, capture_output=True)
            c1 = d.counters()
            mpps = (c1["tx_packets"] - c0["tx_packets"]) / (time.monotonic() - t0) / 1e6
        finally:
            d.stop()
        rep = subprocess.run(["perf", "report", "-i", data, "--stdio", "--no-children",
                              "--sort", "dso,symbol", "-g", "none", "--percent-limit", "0.5"],
                             capture_output=True, text=True).stdout
        lines = [ln for ln in rep.splitlines() if ln.strip() and not ln.startswith("#")]
        dso = subprocess.run(["perf", "report", "-i", data, "--stdio", "--no-children",
                              "--sort", "dso", "-g", "none", "--percent-limit", "1"],
                             capture_output=True, text=True).stdout
        dsos = "  ".join(" ".join(ln.split()) for ln in dso.splitlines()
                         if ln.strip() and not ln.startswith("#"))
        text = f"== {name}: {mpps:.2f} Mpps during the profile ({sc.title})\n" + \
            f"   by DSO: {dsos}\n" + "\n".join(lines[:a.top])
        print(text + "\n", flush=True)
        with open(os.path.join(a.out, f"{name}.top.txt"), "w") as f:
            f.write(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
