# SPDX-License-Identifier: BSD-3-Clause
"""nfva on net_pcap ports fed through FIFOs, in rounds: deterministic phases.

The offload tests must know which frames reach nfva before a rule exists and
which after. A pcap file is read as fast as the worker polls, while rules are
installed asynchronously by the control thread, so with plain files the split
is a race. Here each port's rx_pcap is a named pipe (FIFO) that the test
writes to:

  * net_pcap reads a FIFO with libpcap's offline reader, which blocks until
    a whole frame is there; rte_eth_rx_burst(NFVA_BURST) therefore returns
    only once NFVA_BURST frames were written (or at end of file);
  * the worker polls its ports in index order, one burst each per iteration.

So a *round* writes exactly NFVA_BURST frames to every port (the frames of
the step, then fillers), which makes the worker run exactly one iteration:
port 0's burst, port 1's, ... and then block again on port 0. Between rounds
nothing moves: the test waits for the counters to show the round, then for
the rules the round asked for, and only then writes the next round. Which
frames were carried by rules is then known exactly, on any machine load.

Fillers produce nothing: on a VF, source = destination = a MAC of that port
(learned, then dropped as local_dest, no offload request); on the uplink, a
frame to a foreign unicast MAC (not_for_us). NFVA_BURST is read from
appliance/bounds.h ($NFVA_SOURCE_ROOT) and checked on the first round.

While the worker waits on a FIFO it is not quiescent: nothing that waits for
an RCU grace period (configuration commits: port add/del, network changes,
offload on/off) may be run between rounds. Offload on/off is set in the
configuration file. Closing the FIFOs (end of file) frees the worker.

    d = FifoDaemon("name", ["up", "vf1", ...], config_lines)   # port i = net_pcap<i>
    d.start()                       # opens every FIFO, writes the pcap headers
    d.round({"vf1": [frame, ...]})  # one worker iteration, waits for it
    d.wait_rules(n)                 # the control thread installed n rules
    d.finish()                      # EOF on every FIFO, SIGTERM, exit status
    d.output("vf2") -> [bytes]      # tx pcap, complete after finish()
"""

import json
import os
import re
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time

SKIP = 77
_failures = []


def skip(reason):
    print(f"SKIP: {reason}")
    sys.exit(SKIP)


def require_tools():
    for var in ("NFVA", "NFVACTL"):
        path = os.environ.get(var)
        if not path or not os.access(path, os.X_OK):
            skip(f"${var} is not set to an executable (run through meson test)")
    try:
        import scapy.all  # noqa: F401
    except ImportError as e:
        skip(f"scapy is not importable by {sys.executable}: {e}")


def check(cond, what):
    print(f"{'ok' if cond else 'FAIL'}: {what}")
    if not cond:
        _failures.append(what)
    return cond


def check_eq(got, want, what):
    if got == want:
        print(f"ok: {what} = {got!r}")
        return True
    print(f"FAIL: {what}\n  expected: {want!r}\n  got:      {got!r}")
    _failures.append(what)
    return False


def failed():
    return bool(_failures)


def finish_test():
    if _failures:
        print(f"\n{len(_failures)} check(s) failed:")
        for f in _failures:
            print(f"  - {f}")
        sys.exit(1)
    print("\nall checks passed")
    sys.exit(0)


class DaemonError(Exception):
    pass


def main_guard(main):
    try:
        main()
    except DaemonError as e:
        print(f"FAIL: {e}")
        sys.exit(1)
    finish_test()


def nfva_burst():
    root = os.environ.get("NFVA_SOURCE_ROOT", "")
    try:
        with open(os.path.join(root, "appliance", "bounds.h")) as f:
            m = re.search(r"#define\s+NFVA_BURST\s+(\d+)", f.read())
            if m:
                return int(m.group(1))
    except OSError:
        pass
    return 32


BURST = nfva_burst()

# ---------------------------------------------------------------- bytes


def mac(s):
    return bytes.fromhex(s.replace(":", ""))


def pcap_header():
    return struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)


def pcap_record(frame, i=0):
    return struct.pack("<IIII", 1, i, len(frame), len(frame)) + frame


def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(pcap_header())
        for i, fr in enumerate(frames):
            f.write(pcap_record(fr, i))


def read_pcap(path):
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise DaemonError(f"{path}: {len(data)} bytes, not a pcap file")
    endian = "<" if struct.unpack_from("<I", data, 0)[0] in (0xA1B2C3D4, 0xA1B23C4D) else ">"
    frames, off = [], 24
    while off < len(data):
        _, _, caplen, origlen = struct.unpack_from(endian + "IIII", data, off)
        off += 16
        if caplen != origlen:
            raise DaemonError(f"{path}: frame truncated in capture ({caplen}/{origlen})")
        frames.append(data[off:off + caplen])
        off += caplen
    return frames


def udp_frame(src, dst, sip, dip, sport, dport, payload, size=None, vlan=None):
    """An Ethernet [802.1Q] / IPv4 / UDP frame, padded to size bytes (untagged size)."""
    from scapy.all import IP, UDP, Dot1Q, Ether, Raw
    eth = Ether(src=src, dst=dst)
    l3 = IP(src=sip, dst=dip, id=1) / UDP(sport=sport, dport=dport)
    data = payload.encode() if isinstance(payload, str) else payload
    if size is not None:
        data = data + b"." * (size - 42 - len(data))
    pkt = (eth / Dot1Q(vlan=vlan) / l3 / Raw(data)) if vlan is not None else (eth / l3 / Raw(data))
    return bytes(pkt)


def vxlan_frame(src_mac, dst_mac, sip, dip, vni, inner, sport=51000, ident=7):
    from scapy.all import IP, UDP, VXLAN, Ether
    return bytes(Ether(src=src_mac, dst=dst_mac) / IP(src=sip, dst=dip, id=ident, flags="DF") /
                 UDP(sport=sport, dport=4789, chksum=0) / VXLAN(flags=0x08, vni=vni) / inner)


def gre_frame(src_mac, dst_mac, sip, dip, key, inner, ident=7):
    """Ethernet / IPv4 / GRE (K, 0x6558, key) / inner, every byte explicit."""
    gre = struct.pack("!HHI", 0x2000, 0x6558, key)
    payload = gre + inner
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(payload), ident, 0x4000, 64, 47, 0,
                      bytes(int(x) for x in sip.split(".")), bytes(int(x) for x in dip.split(".")))
    s = sum(struct.unpack("!10H", hdr))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    hdr = hdr[:10] + struct.pack("!H", ~s & 0xFFFF) + hdr[12:]
    return mac(dst_mac) + mac(src_mac) + b"\x08\x00" + hdr + payload


# ---------------------------------------------------------------- daemon


class FifoDaemon:
    """One nfva; ports[i] named ports[i] on net_pcap<i>, rx from a FIFO, tx to
    out_<name>.pcap. eswitch: {port: "emulated"} / vf_of: {port: uplink}
    decorate the `port add` lines; config: the lines after them."""

    _seq = 0

    def __init__(self, name, ports, config, eswitch=None, vf_of=None, uplink_filler=None):
        FifoDaemon._seq += 1
        self.name = name
        self.ports = list(ports)
        self.dir = tempfile.mkdtemp(prefix=f"nfva-oe2e-{name}-")
        self.prefix = f"nfva-oe2e-{os.getpid()}-{FifoDaemon._seq}"
        self.sock = os.path.join(self.dir, "nfva.sock")
        self.config = list(config)
        self.eswitch = dict(eswitch or {})
        self.vf_of = dict(vf_of or {})
        self.uplinks = set(self.eswitch) | set(uplink_filler or ())
        self.proc = None
        self.fifos = {}
        self.written = {p: 0 for p in self.ports}
        self.filler_seq = 0
        self.log = ""

    def path(self, name):
        return os.path.join(self.dir, name)

    def fifo(self, port):
        return self.path(f"in_{port}.fifo")

    def out_path(self, port):
        return self.path(f"out_{port}.pcap")

    def port_lines(self):
        lines = []
        for i, p in enumerate(self.ports):
            line = (f"port add {p} dev net_pcap{i},rx_pcap={self.fifo(p)},"
                    f"tx_pcap={self.out_path(p)}")
            if p in self.eswitch:
                line += f" eswitch {self.eswitch[p]}"
            if p in self.vf_of:
                line += f" vf-of {self.vf_of[p]}"
            lines.append(line)
        return lines

    def command(self):
        return [os.environ["NFVA"], "--no-huge", "-m", "512", "--no-pci",
                "--file-prefix", self.prefix, "-l", "0,1", "--",
                "--config", self.path("nfva.conf"), "--socket", self.sock,
                "--fdb-entries", "65536", "--mbufs", "8191"]

    def start(self, timeout=30):
        with open(self.path("nfva.conf"), "w") as f:
            f.write("\n".join(self.port_lines() + self.config) + "\n")
        for p in self.ports:
            if not os.path.exists(self.fifo(p)):
                os.mkfifo(self.fifo(p))
        # nfva opens the rx pcaps one by one while it reads its configuration;
        # each open waits for a writer, and libpcap then reads the header.
        errors = []

        def opener(p):
            try:
                f = open(self.fifo(p), "wb", buffering=0)
                f.write(pcap_header())
                self.fifos[p] = f
            except OSError as e:
                errors.append(f"{p}: {e}")

        threads = [threading.Thread(target=opener, args=(p,), daemon=True) for p in self.ports]
        for t in threads:
            t.start()
        self.log_f = open(self.path("nfva.log"), "w+")
        self.proc = subprocess.Popen(self.command(), stdout=self.log_f, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            rc = self.proc.poll()
            if rc is not None:
                self._collect()
                self._unblock_openers()
                if "EAL init failed" in self.log or "Cannot init EAL" in self.log:
                    skip(f"DPDK EAL cannot start here: {self.log.strip()[-300:]}")
                raise DaemonError(f"{self.name}: nfva exited with {rc} at start:\n{self.log}")
            if len(self.fifos) == len(self.ports) and os.path.exists(self.sock) and \
                    self.ctl_raw("help")[0] == 0:
                break
            time.sleep(0.05)
        else:
            self.kill()
            raise DaemonError(f"{self.name}: nfva did not start in {timeout} s "
                              f"(FIFOs open: {sorted(self.fifos)}):\n{self.log}")
        if errors:
            raise DaemonError(f"{self.name}: FIFO writers: {errors}")

    def _unblock_openers(self):
        # A writer thread still blocked in open(): a reader unblocks it.
        for p in self.ports:
            if p not in self.fifos:
                try:
                    fd = os.open(self.fifo(p), os.O_RDONLY | os.O_NONBLOCK)
                    os.close(fd)
                except OSError:
                    pass

    # ------------------------------------------------------------ control

    def ctl_raw(self, *words):
        cmd = [os.environ["NFVACTL"], "-s", self.sock, "-t", "10", "-j"] + list(words)
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        return p.returncode, p.stdout, p.stderr

    def ctl(self, *words):
        rc, out, err = self.ctl_raw(*words)
        if rc != 0:
            raise DaemonError(f"nfvactl {' '.join(words)}: rc {rc}: {err.strip()} {out.strip()}")
        return json.loads(out) if out.strip() else None

    def counters(self):
        """{port: counters} from `port show`."""
        return {p["name"]: p["counters"] for p in self.ctl("port", "show")}

    def offload_stats(self):
        return self.ctl("stats")["offload"]

    def rules(self):
        """The rules the e-switch carries (flows kept in software, e.g. over a
        port's rule limit, are listed by `offload show` too: see software_rules)."""
        return [r for r in self.ctl("offload", "show") if r["state"] == "offloaded"]

    def software_rules(self):
        return [r for r in self.ctl("offload", "show") if r["state"] == "software"]

    # ------------------------------------------------------------ rounds

    def filler(self, port):
        """A frame that nfva drops without output or offload request."""
        self.filler_seq += 1
        i = self.ports.index(port)
        if port in self.uplinks:
            # not for us: unicast to a foreign MAC
            return (mac("02:ee:ee:ee:ee:ee") + mac(f"02:ef:00:00:00:{i:02x}") + b"\x88\xb5" +
                    struct.pack("!I", self.filler_seq) + bytes(42))
        f = mac(f"02:f1:11:00:00:{i:02x}")
        return f + f + b"\x88\xb5" + struct.pack("!I", self.filler_seq) + bytes(42)

    def round(self, frames_by_port, timeout=30):
        """One worker iteration: exactly BURST frames to every port (the given
        frames first, then fillers); waits until nfva counted all of them."""
        for p in frames_by_port:
            if p not in self.ports:
                raise DaemonError(f"round: no port {p}")
            if len(frames_by_port[p]) > BURST:
                raise DaemonError(f"round: {len(frames_by_port[p])} frames for {p}, "
                                  f"at most {BURST}")
        for p in self.ports:
            frames = list(frames_by_port.get(p, []))
            frames += [self.filler(p) for _ in range(BURST - len(frames))]
            self.fifos[p].write(b"".join(pcap_record(fr, self.written[p] + k)
                                         for k, fr in enumerate(frames)))
            self.written[p] += len(frames)
        self.wait_read(timeout)

    def wait_read(self, timeout=30):
        """Until every port counted (rx_packets + eswitch_packets) what was written."""
        deadline = time.monotonic() + timeout
        while True:
            c = self.counters()
            got = {p: c[p]["rx_packets"] + c[p]["eswitch_packets"] for p in self.ports}
            if got == self.written:
                return c
            if time.monotonic() > deadline:
                raise DaemonError(f"{self.name}: frames counted {got}, written {self.written} "
                                  f"after {timeout} s (NFVA_BURST {BURST} assumed; the worker "
                                  "must read one burst per port per iteration)")
            time.sleep(0.05)

    def wait_rules(self, n, timeout=10, what=None):
        """Until exactly n rules exist and none is pending; returns them."""
        deadline = time.monotonic() + timeout
        while True:
            r = self.rules()
            if len(r) == n:
                return r
            if time.monotonic() > deadline:
                raise DaemonError(f"{self.name}: {len(r)} rules, expected {n} "
                                  f"{'(' + what + ') ' if what else ''}after {timeout} s: "
                                  f"{json.dumps(r, indent=1)}")
            time.sleep(0.05)

    def wait_hits(self, want, timeout=5):
        """want: {(in, out, shape): hits}; the lifecycle reads counters every 250 ms."""
        deadline = time.monotonic() + timeout
        while True:
            got = {(r["in"], r["out"], r["shape"]): r["hits"] for r in self.rules()}
            sub = {k: got.get(k) for k in want}
            if sub == want or time.monotonic() > deadline:
                return sub
            time.sleep(0.1)

    # ------------------------------------------------------------ end

    def close_inputs(self):
        for f in self.fifos.values():
            try:
                f.close()
            except OSError:
                pass
        self.fifos = {}

    def finish(self, timeout=30):
        """EOF on every input, SIGTERM; returns the exit status."""
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

    def output(self, port):
        return read_pcap(self.out_path(port))

    def cleanup(self):
        self.kill()
        shutil.rmtree(f"/var/run/dpdk/{self.prefix}", ignore_errors=True)
        if not _failures and os.environ.get("NFVA_KEEP_TMP") is None:
            shutil.rmtree(self.dir, ignore_errors=True)
        else:
            print(f"({self.name}: files kept in {self.dir})")
