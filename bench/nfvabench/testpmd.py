# SPDX-License-Identifier: BSD-3-Clause
"""The ceiling: dpdk-testpmd io forwarding from net_pcap (infinite_rx) to
net_null on one forwarding core, driven through its interactive prompt."""

import os
import re
import shutil
import subprocess
import threading
import time

from . import proc

TX_RE = re.compile(r"NIC statistics for port 1.*?TX-packets:\s+(\d+)", re.S)
RX_RE = re.compile(r"NIC statistics for port 0.*?RX-packets:\s+(\d+)", re.S)
# The end of port 1's block: its closing line of hashes, not the hashes that
# end its title line (waiting for those raced with the TX-packets line).
STATS_END_RE = re.compile(r"NIC statistics for port 1.*?TX-packets:\s+\d+.*?\n\s*#{20,}", re.S)


def binary():
    return shutil.which("dpdk-testpmd")


class Testpmd:
    def __init__(self, opts, run_dir, input_path, tag):
        self.opts, self.dir, self.input = opts, run_dir, input_path
        self.log_path = os.path.join(run_dir, f"testpmd-{tag}.log")
        self.p = None
        self.buf = ""
        self.lock = threading.Lock()

    def _reader(self):
        with open(self.log_path, "w") as log:
            for chunk in iter(lambda: self.p.stdout.read1(4096), b""):
                text = chunk.decode(errors="replace")
                log.write(text)
                with self.lock:
                    self.buf += text

    def _send(self, line):
        self.p.stdin.write((line + "\n").encode())
        self.p.stdin.flush()

    def _wait_for(self, regex, start, timeout=15):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                m = regex.search(self.buf, start)
            if m:
                return m
            if self.p.poll() is not None:
                break
            time.sleep(0.01)
        raise proc.BenchError(f"testpmd: no answer matching {regex.pattern!r}: "
                              f"{proc.tail(self.log_path, 800)}")

    def start(self):
        n = getattr(self.opts, "workers", 1)
        pcap = "net_pcap0," + ",".join([f"rx_pcap={self.input}"] * n) + ",infinite_rx=1"
        cmd = ["stdbuf", "-o0", binary()] + proc.eal_args(self.opts, "testpmd") + [
            "--vdev", pcap, "--vdev", "net_null0,no-rx=1", "--",
            "-i", f"--nb-cores={n}", f"--rxq={n}", f"--txq={n}", "--forward-mode=io",
            f"--total-num-mbufs={32768 * n}", "--burst=32"]
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT)
        threading.Thread(target=self._reader, daemon=True).start()
        self._wait_for(re.compile(r"testpmd> "), 0, timeout=60)
        self._send("start")
        self.tid, self.comm = proc.fwd_thread(self.opts, self.p.pid)

    def counters(self):
        with self.lock:
            start = len(self.buf)
        self._send("show port stats all")
        self._wait_for(STATS_END_RE, start)
        with self.lock:
            text = self.buf[start:]
        return {"tx_packets": int(TX_RE.search(text).group(1)),
                "rx_packets": int(RX_RE.search(text).group(1))}

    def stop(self):
        if self.p is None:
            return
        try:
            if self.p.poll() is None:
                self._send("stop")
                self._send("quit")
                self.p.wait(15)
        except (OSError, subprocess.TimeoutExpired):
            pass
        proc.stop(self.p)


def measure(opts, run_dir, input_path, tag):
    t = Testpmd(opts, run_dir, input_path, tag)
    try:
        t.start()
        time.sleep(opts.warmup)
        w = proc.Window(t.p.pid, t.tid, t.counters).measure(opts.window)
        w["fwd_thread"] = t.comm
        return w
    finally:
        t.stop()
