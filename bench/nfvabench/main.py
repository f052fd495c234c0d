# SPDX-License-Identifier: BSD-3-Clause
"""The benchmark run: every selected unit (testpmd ceiling per input, nfva
scenarios, OVS scenarios) once per repetition, repetitions interleaved
(A B C, A B C, ...) so that drift on the shared machine hits all of them
alike; then the microbenchmarks; then the table, JSON and plot."""

import argparse
import datetime
import hashlib
import os
import platform
import shutil
import subprocess
import sys
import time
import traceback

from . import inputs, micro, micro_fabric, nfva, ovs, proc, report, scenarios, testpmd

BENCH_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROOT = os.path.dirname(BENCH_DIR)
SMOKE_SCENARIOS = ["l2-known", "mirror-l2"]  # a plain row and a row with copies
# --micro: fdb (1 M-entry FDB), unit (test_fdb, test_emu_switch), flood-vteps
# (a broadcast to 1024 VTEPs), map-cache (LISP map-cache at 1 M prefixes)
MICRO_ROWS = ("fdb", "unit", "flood-vteps", "map-cache")


def default_build():
    nf = os.environ.get("NFVA")
    if nf:
        return os.path.dirname(os.path.dirname(os.path.abspath(nf)))
    return os.path.join(ROOT, "build")


def parse_args(argv):
    p = argparse.ArgumentParser(prog="bench/run.sh", description=__doc__)
    p.add_argument("--reps", type=int, default=3, help="repetitions (default 3)")
    p.add_argument("--warmup", type=float, default=2.0, help="seconds before the window")
    p.add_argument("--window", type=float, default=5.0, help="measured seconds")
    p.add_argument("--only", default="", help="comma-separated nfva scenarios (their OVS "
                   "peers and ceilings come along); default: all")
    p.add_argument("--no-ovs", action="store_true", help="leave Open vSwitch out")
    p.add_argument("--no-micro", action="store_true", help="skip the microbenchmarks")
    p.add_argument("--micro-only", action="store_true", help="only the microbenchmarks")
    p.add_argument("--micro", default=",".join(MICRO_ROWS),
                   help=f"comma-separated microbenchmarks (default: all of {','.join(MICRO_ROWS)})")
    p.add_argument("--evpn-scale", default="", metavar="N,M",
                   help="also run bench/evpn_scale.sh N M (netns, FRR, tshark; e.g. 1000,100000) "
                   "and report its EVPN route install rate among the microbenchmarks")
    p.add_argument("--keep-inputs", action="store_true",
                   help="keep the generated pcaps (about 90 MB) in the run directory")
    p.add_argument("--no-rt", action="store_true",
                   help="do not make the forwarding threads SCHED_FIFO")
    p.add_argument("--hugepages", choices=["auto", "on", "off"], default="auto")
    p.add_argument("--workers", type=int, default=1,
                   help="forwarding lcores of nfva and testpmd (default 1); with N > 1 the "
                   "input port has N rx queues replaying the same pcap, nfva places one on "
                   "each worker, testpmd runs --nb-cores N --rxq N; OVS is left out")
    p.add_argument("--build", default=default_build(), help="meson build dir (default: the "
                   "one of $NFVA, else build/)")
    p.add_argument("--out", default=os.path.join(BENCH_DIR, "results"),
                   help="results directory (a time-stamped run directory goes inside)")
    p.add_argument("--smoke", action="store_true", help="CI: one short repetition of testpmd "
                   "and one nfva scenario; asserts only that the outputs are well formed")
    a = p.parse_args(argv)
    a.micro = [m.strip() for m in a.micro.split(",") if m.strip()]
    if set(a.micro) - set(MICRO_ROWS):
        p.error(f"--micro: unknown {sorted(set(a.micro) - set(MICRO_ROWS))}; known: {MICRO_ROWS}")
    if a.evpn_scale:
        try:
            a.evpn_scale = tuple(int(x) for x in a.evpn_scale.split(","))
        except ValueError:
            a.evpn_scale = ()
        if len(a.evpn_scale) != 2 or min(a.evpn_scale) < 1:
            p.error("--evpn-scale: expected N,M (VTEPs,MACs), e.g. 1000,100000")
    if a.workers < 1:
        p.error("--workers must be at least 1")
    if a.workers > 1:
        a.no_ovs = True  # its PMD placement is not the same experiment
    if a.smoke:
        a.reps, a.warmup, a.window = 1, 0.5, 1.0
        a.only = a.only or ",".join(SMOKE_SCENARIOS)
        a.no_ovs = a.no_micro = a.no_rt = True
        a.hugepages = "off" if a.hugepages == "auto" else a.hugepages
    return a


def hugepages_usable():
    try:
        with open("/proc/meminfo") as f:
            free = [int(line.split()[1]) for line in f if line.startswith("HugePages_Free")]
        return free and free[0] >= 512 and os.path.ismount("/dev/hugepages")
    except OSError:
        return False


def machine():
    cpu = "?"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break

    def out(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True, timeout=20).stdout.strip()
        except (OSError, subprocess.TimeoutExpired):
            return ""
    ovs_v = out([ovs.VSWITCHD, "--version"]).splitlines() if os.path.exists(ovs.VSWITCHD) else []
    return {
        "cpu": cpu, "cpus": os.cpu_count(), "kernel": platform.release(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "dpdk": out(["pkg-config", "--modversion", "libdpdk"]),
        "ovs": ovs_v[0] if ovs_v else None,
        "nfva_commit": out(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"]),
        "nfva_tree_dirty": bool(out(["git", "-C", ROOT, "status", "--porcelain",
                                     "--untracked-files=no"])),
        "load_avg_at_start": os.getloadavg(),
    }


def snapshot_binaries(build, run_dir):
    """Copies of nfva/nfvactl: a rebuild during the run does not change them."""
    res = {}
    for rel, key in (("appliance/nfva", "nfva"), ("cli/nfvactl", "nfvactl")):
        src = os.path.join(build, rel)
        if not os.access(src, os.X_OK):
            raise proc.BenchError(f"{src} is missing: build first (make build)")
        dst = os.path.join(run_dir, key)
        shutil.copy2(src, dst)
        with open(dst, "rb") as f:
            res[key + "_sha256"] = hashlib.sha256(f.read()).hexdigest()[:16]
        res[key] = dst
    return res


def daemon_commands(opts, run_dir):
    """The command help of this nfva binary (tells whether offload exists)."""
    sc = scenarios.Scenario(os.path.join(BENCH_DIR, "scenarios", "micro", "fdb.nfva"))
    d = nfva.Daemon(opts, run_dir, sc, "help", dict(opts.values))
    try:
        d.start()
        text = str(d.ctl("help"))
    finally:
        d.stop()
    return text


class Runner:
    def __init__(self, a):
        self.a = a
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        self.run_dir = os.path.join(a.out, "smoke-" + stamp if a.smoke else stamp)
        os.makedirs(self.run_dir, exist_ok=True)
        a.pcap_dir = os.path.join(self.run_dir, "pcaps")
        os.makedirs(a.pcap_dir, exist_ok=True)
        a.hugepages = a.hugepages == "on" or (a.hugepages == "auto" and hugepages_usable())
        a.rt = not a.no_rt
        a.nfva_mem = 1024
        a.values = scenarios.base_values()
        self.all = scenarios.load(os.path.join(BENCH_DIR, "scenarios"))
        self.runs = []
        self.notes = []

    def select(self):
        nf = [n for n, s in self.all.items() if s.system == "nfva"]
        if self.a.only:
            want = [w.strip() for w in self.a.only.split(",") if w.strip()]
            unknown = [w for w in want if w not in nf]
            if unknown:
                raise SystemExit(f"unknown nfva scenario(s) {unknown}; known: {nf}")
            nf = [n for n in nf if n in want]
        if "offload" not in self.help:
            for n in nf:
                if "offload" in self.all[n].requires:
                    self.notes.append(f"{n}: not measured: this nfva has no offload commands")
        self.nfva = nf
        peers = [] if self.a.no_ovs else sorted(
            {self.all[n].peer for n in nf if self.all[n].peer in self.all},
            key=lambda p: self.all[p].group)
        self.ovs = peers
        if peers and ovs.available():
            self.notes.append(f"OVS not measured: missing {ovs.available()}")
            self.ovs = []
        # Units in group order; each input's ceiling just before its first user.
        units, seen = [], set()
        for s in sorted([self.all[n] for n in self.nfva + self.ovs],
                        key=lambda s: (s.group, s.system != "nfva")):
            if s.input not in seen:
                seen.add(s.input)
                units.append(("testpmd", s.input))
            units.append((s.system, s.name))
        self.units = [] if self.a.micro_only else units
        if self.a.micro_only:
            self.nfva, self.ovs = [], []

    def prepare_inputs(self):
        needing = [self.all[n] for n in self.nfva if self.all[n].needs_uplink_mac()]
        if needing or any(self.all[n].needs_uplink_mac() for n in self.ovs):
            if not needing:
                needing = [s for s in self.all.values() if s.system == "nfva" and
                           s.needs_uplink_mac()][:1]
            mac = nfva.probe_uplink_mac(self.a, self.run_dir, needing[0])
            self.a.values["UPLINK_MAC"] = mac
            print(f"uplink MAC (probed from {needing[0].name}): {mac}")
        names = {u[1] for u in self.units if u[0] == "testpmd"}
        names |= {self.all[n].warm for n in self.nfva if self.all[n].warm}
        for n in sorted(names):
            inputs.ensure(n, self.a.pcap_dir, self.a.values.get("UPLINK_MAC"))

    def input_path(self, name):
        return inputs.ensure(name, self.a.pcap_dir, self.a.values.get("UPLINK_MAC"))

    def run_unit(self, rep, system, name):
        a = self.a
        tag = f"r{rep}-{name}"
        if system == "testpmd":
            rec = {"unit": f"testpmd:{name}", "system": "testpmd", "scenario": "testpmd-io",
                   "input": name}
            fn = lambda: testpmd.measure(a, self.run_dir, self.input_path(name), tag)  # noqa
        else:
            sc = self.all[name]
            rec = {"unit": f"{system}:{name}", "system": system, "scenario": name,
                   "input": sc.input}
            if system == "nfva":
                warm = self.input_path(sc.warm) if sc.warm else None
                fn = lambda: nfva.measure(a, self.run_dir, sc, tag,  # noqa
                                          self.input_path(sc.input), warm)
            else:
                fn = lambda: ovs.measure(a, self.run_dir, sc, tag, self.input_path(sc.input))  # noqa
        rec["rep"] = rep
        t0 = time.monotonic()
        try:
            w = fn()
            rec.update(w)
            rec["mpps"] = round(w["tx_packets"] / w["window_s"] / 1e6, 4)
            if "rx_packets" in w:
                rec["rx_mpps"] = round(w["rx_packets"] / w["window_s"] / 1e6, 4)
            rec["ok"] = w["tx_packets"] > 0
            if "offload" in w and w.get("rx_packets"):
                rec["eswitch_share"] = round(w.get("eswitch_packets", 0) / w["rx_packets"], 4)
            if not rec["ok"]:
                rec["error"] = "nothing transmitted in the window"
            if "copy_packets" in w:
                rec["copy_mpps"] = round(w["copy_packets"] / w["window_s"] / 1e6, 4)
                if rec["ok"] and w["copy_packets"] == 0:
                    rec["ok"], rec["error"] = False, "forwarded, but no copy in the window"
        except (proc.BenchError, OSError, ValueError, KeyError, IndexError) as e:
            rec["ok"], rec["error"] = False, str(e)[:600]
            if not isinstance(e, proc.BenchError):
                traceback.print_exc()
        rec["elapsed_s"] = round(time.monotonic() - t0, 1)
        ceil = report.by_rep(self.runs, f"testpmd:{rec['input']}").get(rep)
        if rec["ok"] and ceil and system != "testpmd":
            rec["ratio"] = round(rec["mpps"] / ceil["mpps"], 4)
        elif rec["ok"] and system == "testpmd":
            rec["ratio"] = 1.0
        self.runs.append(rec)
        cpu = rec.get("fwd_oncpu")
        flag = "" if cpu is None or cpu >= 0.9 else f"  [forwarding thread on CPU {cpu:.0%}]"
        if rec["ok"]:
            copies = f"  copies {rec['copy_mpps']:.2f} Mpps" if "copy_mpps" in rec else ""
            print(f"  rep {rep} {rec['unit']:<28} {rec['mpps']:7.2f} Mpps  ratio "
                  f"{rec.get('ratio', 0):.3f}{copies}  ({rec['elapsed_s']} s){flag}",
                  flush=True)
        else:
            print(f"  rep {rep} {rec['unit']:<28} FAILED: {rec['error'][:200]}", flush=True)

    def run(self):
        a = self.a
        self.meta = machine()
        self.meta.update(snapshot_binaries(a.build, self.run_dir))
        a.nfva, a.nfvactl = self.meta["nfva"], self.meta["nfvactl"]
        self.help = daemon_commands(a, self.run_dir)
        self.select()
        print(f"run directory: {self.run_dir}")
        print(f"units per repetition: {' '.join(u[0] + ':' + u[1] for u in self.units)}")
        self.prepare_inputs()
        t0 = time.monotonic()
        for rep in range(1, a.reps + 1):
            print(f"repetition {rep}/{a.reps}", flush=True)
            for system, name in self.units:
                self.run_unit(rep, system, name)
        self.micro = {}
        if not a.no_micro:
            self.run_micro()
        self.meta["duration_s"] = round(time.monotonic() - t0, 1)
        rc = self.finish()
        if not a.keep_inputs:
            shutil.rmtree(a.pcap_dir, ignore_errors=True)
        return rc

    def run_micro(self):
        print("microbenchmarks", flush=True)
        a, scen = self.a, os.path.join(BENCH_DIR, "scenarios", "micro")
        rows = {"fdb": ("fdb_million", micro.fdb_million, "fdb.nfva"),
                "flood-vteps": ("flood_vteps", micro_fabric.flood_vteps, "flood.nfva"),
                "map-cache": ("map_cache_million", micro_fabric.map_cache_million,
                              "map-cache.nfva")}
        for name in a.micro:
            if name == "unit":
                self.micro["unit"] = micro.unit_figures(a.build, a.rt)
                print(f"  unit: {self.micro['unit']}", flush=True)
                continue
            key, fn, path = rows[name]
            try:
                self.micro[key] = fn(a, self.run_dir, os.path.join(scen, path))
            except (proc.BenchError, OSError, ValueError, KeyError) as e:
                self.micro[key] = {"error": str(e)[:400]}
            print(f"  {name}: {self.micro[key]}", flush=True)
        if a.evpn_scale:
            self.micro["evpn_scale"] = micro_fabric.evpn_scale(a, self.run_dir, *a.evpn_scale)
            print(f"  evpn-scale: {self.micro['evpn_scale']}", flush=True)
        best = None
        for r in self.runs:
            inst = micro.offload_install(r) if r.get("ok") else None
            if inst and (best is None or inst["rules"] > best["rules"]):
                best = dict(inst, scenario=r["scenario"], rep=r["rep"])
        self.micro["offload_install"] = best

    def finish(self):
        """results.json, the table on stdout and in table.txt/table.md, the
        plot, the latest link."""
        rows = report.summarize(self.runs, self.all, self.nfva)
        tables = self.tables(rows)
        doc = self.document(rows)
        json_path = os.path.join(self.run_dir, "results.json")
        report.write_json(json_path, doc)
        png = report.plot(rows, self.run_dir)
        text = self.text_report(doc, rows, tables) + [
            "", f"json: {json_path}", f"plot: {png or 'not drawn (no rows, or gnuplot missing)'}"]
        out = "\n".join(text)
        print("\n" + out)
        self.write_tables(rows, tables, out)
        self.link_latest()
        return 0

    def tables(self, rows):
        """(ceiling rows, main rows, microbenchmark rows) of the report."""
        ceilings = sorted({(u[1]) for u in self.units if u[0] == "testpmd"})
        ceil_rows = [[f"testpmd io ceiling ({i})",
                      report._f(report.median(r["mpps"] for r in report.by_rep(
                          self.runs, f"testpmd:{i}").values()))] for i in ceilings]
        mrows = report.micro_rows(self.micro) if self.micro else []
        return ceil_rows, report.table_rows(rows), mrows

    def document(self, rows):
        """The results.json document (schema nfva-bench/1)."""
        params = {k: getattr(self.a, k) for k in ("reps", "warmup", "window", "hugepages", "rt",
                                                  "smoke", "only", "no_ovs", "no_micro",
                                                  "micro_only", "workers", "micro",
                                                  "evpn_scale")}
        return {"schema": "nfva-bench/1",
                "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
                "machine": self.meta, "params": params, "notes": self.notes,
                "units": [f"{s}:{n}" for s, n in self.units], "runs": self.runs,
                "summary": rows, "micro": self.micro}

    def text_report(self, doc, rows, tables):
        ceil_rows, main_rows, mrows = tables
        text = [f"nfva benchmark {doc['date']} on {self.meta['cpu']} ({self.meta['cpus']} CPUs), "
                f"DPDK {self.meta['dpdk']}, {self.a.reps} rep(s) x {self.a.window:g} s, median, "
                f"{self.a.workers} worker(s)",
                "", report.text_table(["ceiling", "Mpps"], ceil_rows), "",
                report.text_table(report.table_head(rows), main_rows)]
        if mrows:
            text += ["", report.text_table(["microbenchmark", "value", "target", "met"], mrows)]
        return text + [f"note: {n}" for n in self.notes] + self.warnings(rows)

    def warnings(self, rows):
        """Notes on runs whose figures must be read with care."""
        out = []
        starved = [f"{r['unit']} rep {r['rep']} ({r['fwd_oncpu']:.0%})" for r in self.runs
                   if r.get("ok") and r.get("fwd_oncpu") is not None and r["fwd_oncpu"] < 0.9]
        if starved:
            out.append("note: forwarding thread had less than 90% of its core in: " +
                       ", ".join(starved))
        soft = [f"{r['unit']} rep {r['rep']} ({r['eswitch_share']:.0%})" for r in self.runs
                if r.get("eswitch_share") is not None and r["eswitch_share"] < 0.95]
        if soft:
            out.append("note: offload rows where the e-switch carried < 95% of the frames: " +
                       ", ".join(soft))
        short = [f"{r['title']} ({r['copy_mpps'] / r['nfva_mpps']:.0%})" for r in rows
                 if r.get("copy_mpps") is not None and r.get("nfva_mpps") and
                 r["copy_mpps"] < 0.99 * r["nfva_mpps"]]
        if short:
            out.append("note: mirror rows with fewer copies than forwarded frames: " +
                       ", ".join(short))
        return out

    def write_tables(self, rows, tables, text):
        ceil_rows, main_rows, mrows = tables
        md = ["Ceilings (dpdk-testpmd io, Mpps):", "", report.md_table(["input", "Mpps"], ceil_rows),
              "", report.md_table(report.table_head(rows), main_rows)]
        if mrows:
            md += ["", report.md_table(["microbenchmark", "value", "target", "met"], mrows)]
        with open(os.path.join(self.run_dir, "table.md"), "w") as f:
            f.write("\n".join(md) + "\n")
        with open(os.path.join(self.run_dir, "table.txt"), "w") as f:
            f.write(text + "\n")

    def link_latest(self):
        a = self.a
        latest = os.path.join(a.out, "latest-smoke" if a.smoke else
                              "latest-micro" if a.micro_only else "latest")
        if os.path.islink(latest) or not os.path.exists(latest):
            if os.path.islink(latest):
                os.unlink(latest)
            os.symlink(os.path.basename(self.run_dir), latest)


def main(argv=None):
    a = parse_args(sys.argv[1:] if argv is None else argv)
    if testpmd.binary() is None:
        print("SKIP: dpdk-testpmd is not installed (Debian package dpdk)")
        return 77
    try:
        return Runner(a).run()
    except proc.BenchError as e:
        print(f"bench: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
