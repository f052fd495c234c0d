# SPDX-License-Identifier: BSD-3-Clause
"""nfva under test: a scenario's configuration on net_pcap/net_null, the
worker on lcore 1 busy-polling, counters read over the control socket (the
line protocol nfvactl speaks: one command per line, one JSON reply per line)."""

import json
import os
import socket
import subprocess
import time

from . import inputs, proc


class Ctl:
    """A persistent connection to the daemon's control socket."""

    def __init__(self, path, timeout=30):
        self.s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.s.settimeout(timeout)
        self.s.connect(path)
        self.f = self.s.makefile("rb")

    def raw(self, line):
        self.s.sendall(line.encode() + b"\n")
        reply = self.f.readline()
        if not reply:
            raise proc.BenchError(f"nfva closed the control socket on '{line}'")
        return json.loads(reply)

    def __call__(self, line):
        r = self.raw(line)
        if r.get("status") != "ok":
            raise proc.BenchError(f"nfva: '{line}': {r.get('error')}")
        return r.get("result")

    def close(self):
        self.s.close()


class Daemon:
    def __init__(self, opts, run_dir, scenario, tag, values, extra_args=()):
        self.opts, self.dir, self.sc = opts, run_dir, scenario
        self.tag = tag
        self.values = values
        self.extra_args = list(extra_args)
        self.p = None
        self.ctl = None
        self.sock = os.path.join(run_dir, f"nfva-{tag}.sock")
        self.log_path = os.path.join(run_dir, f"nfva-{tag}.log")

    def command(self, conf):
        return [self.opts.nfva] + proc.eal_args(self.opts, "nfva", mem_mb=self.opts.nfva_mem) + [
            "--", "--config", conf, "--socket", self.sock, "--busy-poll",
            "--mbufs", "65535"] + self.sc.args + self.extra_args

    def start(self, timeout=60):
        conf = os.path.join(self.dir, f"nfva-{self.tag}.conf")
        with open(conf, "w") as f:
            f.write(self.sc.render(self.values))
        if os.path.exists(self.sock):
            os.unlink(self.sock)
        self.log = open(self.log_path, "w")
        self.p = subprocess.Popen(self.command(conf), stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.p.poll() is not None:
                raise proc.BenchError(f"nfva exited with {self.p.returncode} at start: "
                                      f"{proc.tail(self.log_path, 600)}")
            if os.path.exists(self.sock):
                try:
                    self.ctl = Ctl(self.sock)
                    self.ctl("help")
                    break
                except (OSError, proc.BenchError):
                    self.ctl = None
            time.sleep(0.05)
        if self.ctl is None:
            raise proc.BenchError(f"nfva did not answer on {self.sock} in {timeout} s")
        self.tid, self.comm = proc.fwd_thread(self.opts, self.p.pid)

    def port_counters(self, name):
        return self.ctl(f"port show stats {name}")[name]

    def counters(self):
        res = {}
        if self.sc.out_port:
            res["tx_packets"] = self.port_counters(self.sc.out_port)["tx_packets"]
        if self.sc.in_port:
            c = self.port_counters(self.sc.in_port)
            res["rx_packets"] = c["rx_packets"] + c.get("eswitch_packets", 0)
            res["eswitch_packets"] = c.get("eswitch_packets", 0)
        if self.sc.copy_port:
            res["copy_packets"] = self.port_counters(self.sc.copy_port)["tx_packets"]
        return res

    def ready_count(self, kind):
        if kind == "fdb":
            return self.ctl("fdb summary")["entries"]
        return self.ctl("lisp show")["counters"]["eids"]

    def wait_ready(self, timeout=20):
        """Waits for the scenario's `ready:` condition (nothing without one)."""
        if self.sc.ready is None:
            return None
        kind, want = self.sc.ready
        deadline = time.monotonic() + timeout
        while True:
            got = self.ready_count(kind)
            if got >= want:
                return got
            if time.monotonic() > deadline:
                raise proc.BenchError(f"{kind}: {got} entries, expected {want} after {timeout} s")
            time.sleep(0.05)

    def stop(self):
        if self.ctl is not None:
            try:
                with open(os.path.join(self.dir, f"nfva-{self.tag}.stats.json"), "w") as f:
                    json.dump(self.ctl("stats"), f, indent=1)
            except (OSError, proc.BenchError, ValueError):
                pass
            self.ctl.close()
            self.ctl = None
        rc = proc.stop(self.p)
        if getattr(self, "log", None):
            self.log.close()
        return rc


def in_devargs(name, in_path, queues=1):
    """net_pcap replaying in_path forever on each of `queues` rx queues (one
    rx_pcap per queue: every worker polls a queue of its own)."""
    return f"{name}," + ",".join([f"rx_pcap={in_path}"] * max(1, queues)) + ",infinite_rx=1"


def devargs(in_path=None, warm_path=None, queues=1):
    return {"IN_DEV": in_devargs("net_pcap0", in_path, queues),
            "OUT_DEV": "net_null0,no-rx=1",
            "WARM_DEV": f"net_pcap1,rx_pcap={warm_path}",
            "COPY_DEV": "net_null1,no-rx=1"}


def probe_uplink_mac(opts, run_dir, scenario):
    """The uplink MAC of scenario's configuration, from a run on empty inputs
    (net_pcap reads its rx file when the port is added, so the input frames
    to the uplink must be written before the real run starts)."""
    empty = inputs.empty(run_dir)
    values = dict(opts.values, UPLINK_MAC="02:00:00:00:00:00", **devargs(empty, empty))
    d = Daemon(opts, run_dir, scenario, f"probe-{scenario.name}", values)
    try:
        d.start()
        u = d.ctl("underlay show")
    finally:
        d.stop()
    if not u.get("active") or not u.get("mac"):
        raise proc.BenchError(f"{scenario.name}: no active underlay in the probe run")
    return u["mac"].lower()


def measure(opts, run_dir, scenario, tag, in_path, warm_path):
    values = dict(opts.values, **devargs(in_path, warm_path, getattr(opts, "workers", 1)))
    d = Daemon(opts, run_dir, scenario, tag, values)
    try:
        d.start()
        if "UPLINK_MAC" in opts.values and scenario.needs_uplink_mac():
            mac = d.ctl("underlay show").get("mac", "").lower()
            if mac != opts.values["UPLINK_MAC"]:
                raise proc.BenchError(f"uplink MAC {mac}, the inputs were built for "
                                      f"{opts.values['UPLINK_MAC']}")
        d.wait_ready()
        time.sleep(opts.warmup)
        w = proc.Window(d.p.pid, d.tid, d.counters).measure(opts.window)
        w["fwd_thread"] = d.comm
        if "offload" in scenario.requires:
            w["offload"] = d.ctl("stats").get("offload")
            w["offload_rules"] = d.ctl("offload show")
        return w
    finally:
        rc = d.stop()
        if rc not in (0, None):
            print(f"  note: nfva exited with {rc} (log {d.log_path})")
