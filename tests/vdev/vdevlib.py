# SPDX-License-Identifier: BSD-3-Clause
"""Shared helpers of the vdev suite: nfva on net_pcap ports with golden frames.

A test writes one input pcap per port, starts nfva with a configuration file,
waits until the ports have received what was written, reads the counters,
stops the daemon (tx pcaps are complete only once the ports are closed) and
compares the output pcaps byte for byte.

    d = Daemon("golden", 2, ["network add n1", "network n1 attach p0", ...])
    d.write_input("p0", [frame, ...])   # bytes, exactly as they go on the wire
    d.start(); stats = d.wait_all_inputs()   # {port: counters} once settled
    d.check_clean_exit(d.stop()); d.output("p1") -> [bytes, ...]

Exit status 77 (meson SKIP) when a tool is missing or EAL cannot start
without hugepages; a test never passes without having run.
"""

import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time

SKIP = 77
ETH_P_8021Q = 0x8100
ETH_P_8021AD = 0x88A8

_failures = []


def skip(reason):
    print(f"SKIP: {reason}")
    sys.exit(SKIP)


def require_tools(tshark=False):
    """Exit 77 unless the binaries, scapy (and tshark if asked) are present."""
    for var in ("NFVA", "NFVACTL"):
        path = os.environ.get(var)
        if not path or not os.access(path, os.X_OK):
            skip(f"${var} is not set to an executable (run through meson test)")
    try:
        import scapy.all  # noqa: F401
    except ImportError as e:
        skip(f"scapy is not importable by {sys.executable}: {e}")
    if tshark and shutil.which("tshark") is None:
        skip("tshark is not installed")


# ---------------------------------------------------------------- checks

def check(cond, what):
    """Record a failure (the test goes on, so one run reports them all)."""
    if cond:
        print(f"ok: {what}")
    else:
        print(f"FAIL: {what}")
        _failures.append(what)
    return cond


def check_eq(got, want, what):
    ok = got == want
    if ok:
        print(f"ok: {what}")
    else:
        print(f"FAIL: {what}\n  expected: {want!r}\n  got:      {got!r}")
        _failures.append(what)
    return ok


def check_frames(got, want, what):
    """Exact list of frames, in order; shows the first difference in hex."""
    if got == want:
        print(f"ok: {what} ({len(want)} frames)")
        return True
    print(f"FAIL: {what}: {len(got)} frames, expected {len(want)}")
    for i in range(max(len(got), len(want))):
        g = got[i].hex() if i < len(got) else "(none)"
        w = want[i].hex() if i < len(want) else "(none)"
        mark = "  " if g == w else "!="
        print(f"  {mark} #{i}\n     got  {g}\n     want {w}")
    _failures.append(what)
    return False


def finish():
    if _failures:
        print(f"\n{len(_failures)} check(s) failed:")
        for f in _failures:
            print(f"  - {f}")
        sys.exit(1)
    print("\nall checks passed")
    sys.exit(0)


# ---------------------------------------------------------------- pcap files
# Written and read here rather than by scapy so that the bytes on disk are
# exactly the test's (scapy would re-dissect runts and odd tags).

def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, fr in enumerate(frames):
            f.write(struct.pack("<IIII", 1, i, len(fr), len(fr)))
            f.write(fr)


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    magic = struct.unpack_from("<I", data, 0)[0]
    if magic in (0xA1B2C3D4, 0xA1B23C4D):
        endian = "<"
    elif magic in (0xD4C3B2A1, 0x4D3CB2A1):
        endian = ">"
    else:
        raise ValueError(f"{path}: not a pcap file (magic {magic:#x})")
    linktype = struct.unpack_from(endian + "I", data, 20)[0]
    if linktype != 1:
        raise ValueError(f"{path}: linktype {linktype}, expected Ethernet")
    frames, off = [], 24
    while off < len(data):
        _, _, caplen, origlen = struct.unpack_from(endian + "IIII", data, off)
        off += 16
        frames.append(data[off:off + caplen])
        if caplen != origlen:
            raise ValueError(f"{path}: frame truncated in capture ({caplen}/{origlen})")
        off += caplen
    return frames


# ---------------------------------------------------------------- frames

def push_tag(frame, vid, pcp=0, tpid=ETH_P_8021Q):
    """The frame with an 802.1Q (or other TPID) tag inserted after the MACs."""
    return frame[:12] + struct.pack("!HH", tpid, (pcp << 13) | vid) + frame[12:]


def pop_tag(frame):
    assert struct.unpack_from("!H", frame, 12)[0] == ETH_P_8021Q
    return frame[:12] + frame[16:]


def tshark_fields(path, fields, display_filter=None):
    """Rows of the given fields for each frame of a pcap, as decoded by tshark."""
    cmd = ["tshark", "-n", "-r", path, "-T", "fields"]
    for f in fields:
        cmd += ["-e", f]
    if display_filter:
        cmd += ["-Y", display_filter]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        raise RuntimeError(f"tshark failed ({proc.returncode}): {proc.stderr}")
    return [line.split("\t") for line in proc.stdout.splitlines()]


# ---------------------------------------------------------------- daemon

class DaemonError(Exception):
    pass


class Daemon:
    """One nfva process on net_pcap ports p0..pN-1 (port i = net_pcap<i>).

    ports: how many pcap ports; each gets in<i>.pcap (rx, empty unless
    written) and out<i>.pcap (tx). config: further lines after the port adds.
    """

    _seq = 0

    def __init__(self, name, ports, config):
        Daemon._seq += 1
        self.name = name
        self.dir = tempfile.mkdtemp(prefix=f"nfva-vdev-{name}-")
        self.prefix = f"nfva-vdev-{os.getpid()}-{Daemon._seq}"
        self.sock = os.path.join(self.dir, "nfva.sock")
        self.conf = os.path.join(self.dir, "nfva.conf")
        self.n_ports = ports
        self.inputs = {}
        lines = [f"port add p{i} dev {self.devargs(i)}" for i in range(ports)]
        self.config_lines = lines + list(config)
        self.proc = None
        self.stdout = self.stderr = ""

    def path(self, name):
        return os.path.join(self.dir, name)

    def devargs(self, i):
        return (f"net_pcap{i},rx_pcap={self.path(f'in{i}.pcap')},"
                f"tx_pcap={self.path(f'out{i}.pcap')}")

    def write_input(self, port, frames):
        i = int(port.lstrip("p"))
        self.inputs[port] = list(frames)
        write_pcap(self.path(f"in{i}.pcap"), frames)

    def command(self, config_path=None):
        return [os.environ["NFVA"], "--no-huge", "-m", "512", "--no-pci",
                "--file-prefix", self.prefix, "-l", "0,1", "--log-level", "nfva.*:info",
                "--", "--config", config_path or self.conf, "--socket", self.sock,
                "--fdb-entries", "65536", "--mbufs", "8191"]

    def _write_files(self, config_text=None):
        for i in range(self.n_ports):
            if f"p{i}" not in self.inputs:
                write_pcap(self.path(f"in{i}.pcap"), [])
        with open(self.conf, "w") as f:
            f.write(config_text if config_text is not None
                    else "\n".join(self.config_lines) + "\n")

    def run_to_exit(self, config_text, timeout=20):
        """Run with a configuration expected to fail; returns (rc, stdout, stderr)."""
        self._write_files(config_text)
        try:
            proc = subprocess.run(self.command(), capture_output=True, text=True,
                                  timeout=timeout)
        except subprocess.TimeoutExpired:
            raise DaemonError(f"{self.name}: nfva still running after {timeout} s "
                              "(the configuration was expected to fail)")
        finally:
            self._remove_runtime_dir()
        self.stdout, self.stderr = proc.stdout, proc.stderr
        self._skip_if_eal_failed(proc.returncode, proc.stderr)
        return proc.returncode, proc.stdout, proc.stderr

    @staticmethod
    def _skip_if_eal_failed(rc, stderr):
        if rc != 0 and "EAL init failed" in stderr:
            skip(f"DPDK EAL cannot start here: {stderr.strip().splitlines()[-1]}")

    def start(self, timeout=20):
        self._write_files()
        self.out_f = open(self.path("stdout.log"), "w+")
        self.err_f = open(self.path("stderr.log"), "w+")
        self.proc = subprocess.Popen(self.command(), stdout=self.out_f, stderr=self.err_f)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            rc = self.proc.poll()
            if rc is not None:
                self._collect()
                self._skip_if_eal_failed(rc, self.stderr)
                raise DaemonError(f"nfva exited with {rc} at start:\n{self.stderr}")
            if os.path.exists(self.sock):
                r = self.ctl("help", json_out=True, check=False)
                if r[0] == 0:
                    return
            time.sleep(0.05)
        self.kill()
        raise DaemonError(f"nfva did not open its socket in {timeout} s:\n{self.stderr}")

    def ctl(self, *words, json_out=True, check=True):
        """nfvactl; with check, returns the parsed -j result (raises on error),
        else (rc, stdout, stderr)."""
        cmd = [os.environ["NFVACTL"], "-s", self.sock, "-t", "10"]
        if json_out:
            cmd.append("-j")
        proc = subprocess.run(cmd + list(words), capture_output=True, text=True, timeout=30)
        if not check:
            return proc.returncode, proc.stdout, proc.stderr
        if proc.returncode != 0:
            raise DaemonError(f"nfvactl {' '.join(words)}: rc {proc.returncode}: "
                              f"{proc.stderr.strip()}")
        if not json_out:
            return proc.stdout
        return json.loads(proc.stdout) if proc.stdout.strip() else None

    def port_counters(self):
        """{port name: counters} from `stats`."""
        return {row["port"]: row for row in self.ctl("stats")["ports"]}

    def wait_rx(self, expected, timeout=10):
        """Wait until each port's rx_packets is what was written, then until
        the counters stop moving (the worker may still be in the iteration
        that received the last frame). Returns the settled `stats` ports."""
        deadline = time.monotonic() + timeout
        while True:
            ports = self.port_counters()
            got = {p: ports.get(p, {}).get("rx_packets") for p in expected}
            if got == expected:
                break
            if time.monotonic() > deadline:
                raise DaemonError(f"rx_packets {got}, expected {expected} after {timeout} s")
            time.sleep(0.05)
        prev = None
        while time.monotonic() < deadline + 5:
            time.sleep(0.2)
            cur = self.port_counters()
            if cur == prev:
                return cur
            prev = cur
        raise DaemonError("counters never settled")

    def wait_all_inputs(self, timeout=10):
        return self.wait_rx({f"p{i}": len(self.inputs.get(f"p{i}", []))
                             for i in range(self.n_ports)}, timeout)

    def stop(self, timeout=30):
        """SIGTERM; returns the exit status (tx pcaps are complete after this)."""
        if self.proc is None:
            return None
        self.proc.send_signal(signal.SIGTERM)
        try:
            rc = self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.kill()
            raise DaemonError(f"nfva did not exit within {timeout} s of SIGTERM")
        self._collect()
        self.proc = None
        return rc

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._collect()
        self.proc = None

    def _collect(self):
        for attr, f in (("stdout", "out_f"), ("stderr", "err_f")):
            fh = getattr(self, f, None)
            if fh is not None:
                fh.flush()
                fh.seek(0)
                setattr(self, attr, fh.read())

    def check_clean_exit(self, rc):
        """Exit 0 and no sanitizer report."""
        check_eq(rc, 0, f"{self.name}: nfva exits 0 on SIGTERM")
        for marker in ("runtime error:", "ERROR: AddressSanitizer", "ERROR: LeakSanitizer"):
            if not check(marker not in self.stderr, f"{self.name}: no '{marker}' in stderr"):
                print(self.stderr)

    def output(self, port):
        i = int(port.lstrip("p"))
        return read_pcap(self.path(f"out{i}.pcap"))

    def _remove_runtime_dir(self):
        """EAL leaves its runtime directory (config, fbarrays) behind: remove ours."""
        base = "/var/run/dpdk" if os.geteuid() == 0 else \
            os.path.join(os.environ.get("XDG_RUNTIME_DIR", "/tmp"), "dpdk")
        shutil.rmtree(os.path.join(base, self.prefix), ignore_errors=True)

    def cleanup(self):
        self.kill()
        self._remove_runtime_dir()
        if not _failures and os.environ.get("NFVA_KEEP_TMP") is None:
            shutil.rmtree(self.dir, ignore_errors=True)
        else:
            print(f"(files kept in {self.dir})")


def counters_subset(row, keys):
    return {k: row[k] for k in keys}
