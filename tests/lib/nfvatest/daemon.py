# SPDX-License-Identifier: BSD-3-Clause
"""One nfva process on net_pcap ports, and its control client (nfvactl -j).

    d = Daemon("name", ["up", "vm1"], config_lines)   # port i: vdev net_pcap<i>
    d.write_input("vm1", [frame, ...])   # bytes, exactly as they go on the wire
    d.start(); shown = d.wait_inputs()   # every input received, counters settled
    d.ctl("fdb", "show") -> parsed JSON; d.stop_checked(); d.output("up") -> [bytes]
    d.cleanup()

ports is a list of names, or a number n for ports p0..p<n-1>. Each port reads
in_<name>.pcap (rx) and writes out_<name>.pcap (tx, complete only once nfva
closed its ports: after stop). config: the lines after the `port add` lines;
eswitch {port: "emulated"} and vf_of {port: uplink} decorate those lines; args:
more nfva options (after `--`, so a later --fdb-entries wins over the default
65536), e.g. ["--metrics", "127.0.0.1:9100"]; memory:
EAL's memory options instead of ["--no-huge", "-m", "512"]; port_opts: {port:
"mtu 9000"}, more words for that port's `port add` line.

d.extra_args (set after construction) are appended after args (e.g.
["--autosave"]); d.env, if set, is the environment nfva runs in.

feed="fifo" makes every rx_pcap a named pipe the test writes in rounds, so
that which frames reach nfva before a rule exists is known exactly (see
fifo.py): d.round({"vf1": [frames]}), d.wait_rules(n), d.stop().

Exit status 77 (meson SKIP) when EAL cannot start without hugepages; every
other trouble raises DaemonError, which main_guard reports as a failure.
"""

import json
import os
import shutil
import signal
import subprocess
import tempfile
import time

from .check import DaemonError, _failures, check, check_eq, skip
from .fifo import FifoFeed
from .pcap import read_pcap, write_pcap

# What UBSan and ASan print: any of these in nfva's output fails the run.
SANITIZER_MARKERS = ("runtime error:", "AddressSanitizer", "LeakSanitizer")


class Daemon(FifoFeed):
    """One nfva process (see the module doc)."""

    _seq = 0

    def __init__(self, name, ports, config, feed="pcap", eswitch=None, vf_of=None,
                 uplink_filler=None, args=None, memory=None, port_opts=None):
        self.name = name
        self.port_opts = dict(port_opts or {})  # {port: "mtu 9000"}: more `port add` words
        self.ports = [f"p{i}" for i in range(ports)] if isinstance(ports, int) else list(ports)
        self.config = list(config)
        self.feed = feed
        self.eswitch = dict(eswitch or {})
        self.vf_of = dict(vf_of or {})
        self.args = list(args or [])  # more nfva options (after --)
        # EAL memory options: no hugepages unless told (a capture needs them)
        self.memory = list(memory or ["--no-huge", "-m", "512"])
        self.dir = tempfile.mkdtemp(prefix=f"nfva-test-{name}-")
        self.conf = self.path("nfva.conf")
        self.sock = self.path("nfva.sock")
        self.inputs = {}
        self.proc = None
        self.log = ""
        Daemon._seq += 1
        self.prefix = f"nfva-test-{os.getpid()}-{Daemon._seq}"
        self._uplink_mac = None
        self.extra_args = []
        self.env = None
        FifoFeed.__init__(self, set(self.eswitch) | set(uplink_filler or ()))

    # ------------------------------------------------------------ files

    def path(self, name):
        return os.path.join(self.dir, name)

    def in_path(self, port):
        return self.path(f"in_{port}.{'fifo' if self.feed == 'fifo' else 'pcap'}")

    def out_path(self, port):
        return self.path(f"out_{port}.pcap")

    def devargs(self, port):
        """net_pcap devargs of a port (its name, or its index)."""
        i = port if isinstance(port, int) else self.ports.index(port)
        p = self.ports[i]
        return f"net_pcap{i},rx_pcap={self.in_path(p)},tx_pcap={self.out_path(p)}"

    def port_lines(self):
        lines = []
        for p in self.ports:
            line = f"port add {p} dev {self.devargs(p)}"
            if p in self.eswitch:
                line += f" eswitch {self.eswitch[p]}"
            if p in self.vf_of:
                line += f" vf-of {self.vf_of[p]}"
            if p in self.port_opts:
                line += f" {self.port_opts[p]}"
            lines.append(line)
        return lines

    def write_input(self, port, frames):
        """A port's rx frames (written to its pcap file at start)."""
        if port not in self.ports:
            raise DaemonError(f"{self.name}: no port {port}")
        self.inputs[port] = list(frames)

    def write_files(self, config_text=None, with_inputs=True):
        """The configuration file and, unless fed by FIFOs, the input pcaps."""
        if self.feed == "pcap":
            for p in self.ports:
                write_pcap(self.in_path(p), self.inputs.get(p, []) if with_inputs else [])
        with open(self.conf, "w") as f:
            f.write(config_text if config_text is not None
                    else "\n".join(self.port_lines() + self.config) + "\n")

    def output(self, port):
        return read_pcap(self.out_path(port))

    # ------------------------------------------------------------ process

    def command(self, config_path=None, sock=None):
        return [os.environ["NFVA"]] + self.memory + ["--no-pci",
                "--file-prefix", self.prefix, "-l", "0,1",
                "--", "--config", config_path or self.conf, "--socket", sock or self.sock,
                "--fdb-entries", "65536", "--mbufs", "8191"] + self.args + list(self.extra_args)

    def run_to_exit(self, config_text, timeout=30):
        """Run with a configuration expected to fail: (rc, stdout, stderr)."""
        self.write_files(config_text)
        try:
            proc = subprocess.run(self.command(), capture_output=True, text=True,
                                  timeout=timeout)
        except subprocess.TimeoutExpired:
            raise DaemonError(f"{self.name}: nfva still running after {timeout} s "
                              "(the configuration was expected to fail)")
        finally:
            self._remove_runtime_dirs()
        if proc.returncode != 0:
            self.skip_if_eal_failed(proc.stderr)
        return proc.returncode, proc.stdout, proc.stderr

    @staticmethod
    def skip_if_eal_failed(text):
        """Exit 77 when nfva's output says EAL could not start (no hugepages...)."""
        if "EAL init failed" in text or "Cannot init EAL" in text:
            skip(f"DPDK EAL cannot start here: {text.strip()[-300:]}")

    def _spawn(self, sock, logname, timeout=30, ready=lambda: True):
        self.log_f = open(self.path(logname), "w+")
        self.sock = sock
        self.proc = subprocess.Popen(self.command(sock=sock), stdout=self.log_f,
                                     stderr=subprocess.STDOUT, env=self.env)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            rc = self.proc.poll()
            if rc is not None:
                self._collect()
                self.proc = None
                self._unblock_openers()
                self.skip_if_eal_failed(self.log)
                raise DaemonError(f"{self.name}: nfva exited with {rc} at start:\n{self.log}")
            if ready() and os.path.exists(sock) and self.ctl_raw("help")[0] == 0:
                return
            time.sleep(0.05)
        self.kill()
        raise DaemonError(f"{self.name}: nfva did not start in {timeout} s:\n{self.log}")

    def start(self, timeout=30):
        """Write the files, start nfva, wait until it answers on its socket."""
        self.write_files()
        if self.feed == "fifo":
            self.open_fifos()
        self._spawn(self.path("nfva.sock"), "nfva.log", timeout, ready=self.fifos_ready)
        self.check_fifo_writers()
        if self._uplink_mac is not None:
            check_eq(self.uplink_mac(), self._uplink_mac,
                     f"{self.name}: underlay show mac is the probed uplink MAC")

    def probe_uplink_mac(self):
        """The uplink's MAC from a run without input: net_pcap ports read their
        whole rx file at start, so frames to the uplink must be written before
        the port exists."""
        if self._uplink_mac is None:
            self.write_files(with_inputs=False)
            self._spawn(self.path("probe.sock"), "probe.log")
            try:
                u = self.ctl("underlay", "show")
            finally:
                rc = self.stop()
            if rc != 0:
                raise DaemonError(f"{self.name}: probe run exited {rc}:\n{self.log}")
            for marker in SANITIZER_MARKERS:
                check(marker not in self.log, f"{self.name}: probe run: no '{marker}'")
            if not u.get("active") or not u.get("mac"):
                raise DaemonError(f"{self.name}: no active underlay in the probe run: {u}")
            self._uplink_mac = u["mac"].lower()
        return self._uplink_mac

    def stop(self, timeout=30):
        """EOF on FIFO inputs, SIGTERM, wait; returns the exit status."""
        self.close_inputs()
        if self.proc is None:
            return None
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise DaemonError(f"{self.name}: nfva did not exit within {timeout} s of SIGTERM")
        self._collect()
        self.proc = None
        return rc

    def stop_checked(self):
        """Stop; check exit 0 and no sanitizer report. Returns the exit status."""
        rc = self.stop()
        check_eq(rc, 0, f"{self.name}: nfva exits 0 on SIGTERM")
        for marker in SANITIZER_MARKERS:
            if not check(marker not in self.log, f"{self.name}: no '{marker}' in output"):
                print("\n".join(line for line in self.log.splitlines()
                                if "runtime error" in line or "Sanitizer" in line))
        return rc

    def kill(self, sig=signal.SIGKILL):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(sig)
            self.proc.wait()
        self.close_inputs()
        self._collect()
        self.proc = None

    def _collect(self):
        fh = getattr(self, "log_f", None)
        if fh is not None and not fh.closed:
            fh.flush()
            fh.seek(0)
            self.log = fh.read()
            fh.close()

    def _remove_runtime_dirs(self):
        """EAL leaves its runtime directory (config, fbarrays) behind: remove ours."""
        base = "/var/run/dpdk" if os.geteuid() == 0 else \
            os.path.join(os.environ.get("XDG_RUNTIME_DIR", "/tmp"), "dpdk")
        shutil.rmtree(os.path.join(base, self.prefix), ignore_errors=True)

    def cleanup(self):
        """Kill nfva if it still runs, remove its files; after a failed check,
        print the end of its log and keep its files."""
        self.kill()
        self._remove_runtime_dirs()
        if _failures:
            print(f"----- {self.name}: nfva log (end) -----\n{self.log[-3000:]}")
        if not _failures and os.environ.get("NFVA_KEEP_TMP") is None:
            shutil.rmtree(self.dir, ignore_errors=True)
        else:
            print(f"({self.name}: files kept in {self.dir})")

    # ------------------------------------------------------------ control

    def ctl_raw(self, *words, json_out=True):
        """nfvactl: (rc, stdout, stderr), whatever the outcome."""
        cmd = [os.environ["NFVACTL"], "-s", self.sock, "-t", "10"]
        if json_out:
            cmd.append("-j")
        p = subprocess.run(cmd + list(words), capture_output=True, text=True, timeout=30)
        return p.returncode, p.stdout, p.stderr

    def ctl(self, *words):
        """Parsed JSON result of an nfvactl command; raises on an error."""
        rc, out, err = self.ctl_raw(*words)
        if rc != 0:
            raise DaemonError(f"nfvactl {' '.join(words)}: rc {rc}: {err.strip()} {out.strip()}")
        return json.loads(out) if out.strip() else None

    def port_show(self):
        """{port name: `port show` object, with its "counters" from `port show stats`}."""
        shown = {p["name"]: p for p in self.ctl("port", "show")}
        stats = self.ctl("port", "show", "stats")
        for name, p in shown.items():
            p["counters"] = stats.get(name)
        return shown

    def port_counters(self):
        """{port name: counters} from `port show stats`."""
        return self.ctl("port", "show", "stats")

    def stats_ports(self):
        """{port name: row} from `stats`."""
        return {row["port"]: row for row in self.ctl("stats")["ports"]}

    def mirrors(self):
        """{session name: `mirror show` object}."""
        return {m["name"]: m for m in self.ctl("mirror", "show")}

    def uplink_mac(self):
        return self.ctl("underlay", "show")["mac"].lower()

    def offload_stats(self):
        return self.ctl("stats")["offload"]

    def rules(self, state="offloaded"):
        """The rules of `offload show` in a state: "offloaded" (carried by the
        e-switch) or "software" (kept in software, e.g. over a port's limit)."""
        return [r for r in self.ctl("offload", "show") if r["state"] == state]

    def wait_inputs(self, tx=None, timeout=30, mirrors=False):
        """Wait (bounded) until every port's rx_packets equals its input and,
        with tx ({port: n}), until those ports sent n frames; then until the
        counters (and `mirror show` with mirrors) stay unchanged for a second:
        the worker counts rx before it processes a burst, and may lose its core
        on a loaded machine. Returns the settled `port show`. An unmet tx is
        left to the caller's checks, which then print the difference."""
        want = {p: len(self.inputs.get(p, [])) for p in self.ports}
        deadline = time.monotonic() + timeout
        while True:
            shown = self.port_show()
            got = {p: shown[p]["counters"]["rx_packets"] for p in self.ports}
            sent = {p: shown[p]["counters"]["tx_packets"] for p in (tx or {})}
            if got == want and (tx is None or sent == tx):
                break
            if time.monotonic() > deadline:
                if got != want:
                    raise DaemonError(f"{self.name}: rx_packets {got}, expected {want} "
                                      f"after {timeout} s")
                print(f"info: {self.name}: tx_packets {sent}, expected {tx} after {timeout} s")
                break
            time.sleep(0.05)
        prev, stable = None, 0
        while time.monotonic() < deadline + 10:
            time.sleep(0.2)
            cur = (self.port_show(), self.ctl("mirror", "show") if mirrors else None)
            stable = stable + 1 if cur == prev else 0
            if stable == 5:
                return cur[0]
            prev = cur
        raise DaemonError(f"{self.name}: counters never settled")
