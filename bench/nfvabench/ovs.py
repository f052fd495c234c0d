# SPDX-License-Identifier: BSD-3-Clause
"""The peer: Open vSwitch with DPDK (Debian openvswitch-switch-dpdk), a
private ovsdb-server and ovs-vswitchd-dpdk per run, in a private network
namespace (the br-phy tap of native tunnelling lives there), the PMD thread on
core 1, everything else on core 0. docs/performance.md (Method notes) has the settings.

Scenario body lines start with the tool they run:
    vsctl ARGS    ovs-vsctl on the private database
    ofctl ARGS    ovs-ofctl (bridge sockets under the private OVS_RUNDIR)
    appctl ARGS   ovs-appctl -t the private vswitchd
    netns CMD     a command inside the private namespace (ip addr ...)
"""

import os
import re
import shlex
import shutil
import subprocess
import time

from . import proc

VSWITCHD = "/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk"
SCHEMA = "/usr/share/openvswitch/vswitch.ovsschema"
PORT_RE = re.compile(r"rx pkts=(\d+).*?tx pkts=(\d+)", re.S)


def available():
    missing = [b for b in ("ovsdb-server", "ovsdb-tool", "ovs-vsctl", "ovs-ofctl", "ovs-appctl")
               if shutil.which(b) is None]
    if not os.access(VSWITCHD, os.X_OK):
        missing.append(VSWITCHD)
    return missing


class Ovs:
    def __init__(self, opts, run_dir, scenario, tag, values):
        self.opts, self.sc, self.values = opts, scenario, values
        self.dir = os.path.join(run_dir, f"ovs-{tag}")
        self.ns = f"nfvab-{os.getpid()}-{tag}"[:40]
        self.db = os.path.join(self.dir, "db.sock")
        self.ctl_path = os.path.join(self.dir, "vswitchd.ctl")
        self.env = dict(os.environ, OVS_RUNDIR=self.dir, OVS_LOGDIR=self.dir, OVS_DBDIR=self.dir)
        self.ovsdb = self.vswitchd = None
        self.ns_made = False

    def run(self, argv, timeout=60, check=True):
        p = subprocess.run(argv, env=self.env, capture_output=True, text=True, timeout=timeout)
        if check and p.returncode != 0:
            raise proc.BenchError(f"{' '.join(argv)}: {p.returncode}: {p.stderr.strip()}")
        return p.stdout

    def vsctl(self, *args):
        return self.run(["ovs-vsctl", f"--db=unix:{self.db}", "--timeout=60"] + list(args))

    def appctl(self, *args):
        return self.run(["ovs-appctl", "-t", self.ctl_path] + list(args))

    def start(self):
        os.makedirs(self.dir, exist_ok=True)
        self.run(["ip", "netns", "add", self.ns])
        self.ns_made = True
        self.run(["ip", "netns", "exec", self.ns, "ip", "link", "set", "lo", "up"])
        self.run(["ovsdb-tool", "create", os.path.join(self.dir, "conf.db"), SCHEMA])
        self.ovsdb = subprocess.Popen(
            ["taskset", "-c", "0", "ovsdb-server", os.path.join(self.dir, "conf.db"),
             f"--remote=punix:{self.db}", f"--unixctl={self.dir}/ovsdb.ctl",
             f"--log-file={self.dir}/ovsdb.log"],
            env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._wait(lambda: os.path.exists(self.db), "ovsdb-server socket")
        extra = f"--no-pci --file-prefix={proc.file_prefix('ovs')} --huge-unlink"
        self.vsctl("--no-wait", "init")
        self.vsctl("--no-wait", "set", "Open_vSwitch", ".", "other_config:dpdk-init=true",
                   "other_config:dpdk-lcore-mask=0x1", "other_config:pmd-cpu-mask=0x2",
                   "other_config:dpdk-socket-mem=1024", f'other_config:dpdk-extra="{extra}"')
        self.log = open(os.path.join(self.dir, "vswitchd.out"), "w")
        self.vswitchd = subprocess.Popen(
            ["ip", "netns", "exec", self.ns, "taskset", "-c", "0", VSWITCHD,
             f"unix:{self.db}", f"--unixctl={self.ctl_path}",
             f"--log-file={self.dir}/vswitchd.log", "-vconsole:off"],
            env=self.env, stdout=self.log, stderr=subprocess.STDOUT)
        self._wait(lambda: os.path.exists(self.ctl_path), "ovs-vswitchd control socket", 90)
        self._wait(lambda: self.vsctl("get", "Open_vSwitch", ".",
                                      "dpdk_initialized").strip() == "true",
                   "DPDK initialisation in ovs-vswitchd", 90)
        for line in self.sc.render(self.values).splitlines():
            self.do(line)
        self.pid = self.vswitchd.pid
        self.tid, self.comm = proc.fwd_thread(self.opts, self.pid)

    def _wait(self, cond, what, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for p in (self.ovsdb, self.vswitchd):
                if p is not None and p.poll() is not None:
                    raise proc.BenchError(f"OVS exited ({p.returncode}) waiting for {what}: "
                                          f"{proc.tail(os.path.join(self.dir, 'vswitchd.log'))}")
            try:
                if cond():
                    return
            except proc.BenchError:
                pass
            time.sleep(0.1)
        raise proc.BenchError(f"timeout waiting for {what}")

    def do(self, line):
        tool, _, rest = line.partition(" ")
        args = shlex.split(rest)
        if tool == "vsctl":
            self.vsctl(*args)
        elif tool == "ofctl":
            self.run(["ovs-ofctl"] + args)
        elif tool == "appctl":
            self.appctl(*args)
        elif tool == "netns":
            self.run(["ip", "netns", "exec", self.ns] + args)
        else:
            raise proc.BenchError(f"{self.sc.path}: unknown tool in '{line}'")

    def port_counters(self, spec):
        bridge, port = spec.split(":")
        out = self.run(["ovs-ofctl", "dump-ports", bridge, port])
        m = PORT_RE.search(out)
        if m is None:
            raise proc.BenchError(f"ovs-ofctl dump-ports {spec}: {out!r}")
        return int(m.group(1)), int(m.group(2))

    def counters(self):
        res = {"tx_packets": self.port_counters(self.sc.out_port)[1],
               "rx_packets": self.port_counters(self.sc.in_port)[0]}
        if self.sc.copy_port:
            res["copy_packets"] = self.port_counters(self.sc.copy_port)[1]
        return res

    def stop(self):
        try:
            if self.vswitchd is not None and self.vswitchd.poll() is None:
                for cmd in (["dpif-netdev/pmd-stats-show"], ["dpctl/dump-flows", "-m"]):
                    with open(os.path.join(self.dir, cmd[0].replace("/", "_") + ".txt"), "w") as f:
                        f.write(self.run(["ovs-appctl", "-t", self.ctl_path] + cmd, check=False))
        except (OSError, subprocess.TimeoutExpired):
            pass
        proc.stop(self.vswitchd, timeout=20)
        proc.stop(self.ovsdb)
        if getattr(self, "log", None):
            self.log.close()
        if self.ns_made:
            subprocess.run(["ip", "netns", "del", self.ns], capture_output=True)


def devargs(in_path):
    return {"IN_DEV": f"net_pcap_in,rx_pcap={in_path},infinite_rx=1",
            "OUT_DEV": "net_null_out,no-rx=1", "COPY_DEV": "net_null_copy,no-rx=1"}


def measure(opts, run_dir, scenario, tag, in_path):
    o = Ovs(opts, run_dir, scenario, tag, dict(opts.values, **devargs(in_path)))
    try:
        o.start()
        time.sleep(opts.warmup)
        w = proc.Window(o.pid, o.tid, o.counters).measure(opts.window)
        w["fwd_thread"] = o.comm
        return w
    finally:
        o.stop()
