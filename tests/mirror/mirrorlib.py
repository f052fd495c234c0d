# SPDX-License-Identifier: BSD-3-Clause
"""Helpers of the mirror golden tests: nfva on net_pcap ports, frames crafted
here, mirror copies read back from the output pcaps and checked byte for byte
and by tshark's dissectors.

                  out_up.pcap: VXLAN / ERSPAN copies to the collectors
    collectors --------------- up ===[ nfva ]=== vm1, vm2 ... (network members)
    192.168.1.252/.253/.254    uplink, VTEP 192.168.1.249/24   tap1, tap2 ...
                                                               (analyser ports)

A run: Daemon(name, ["up", "vm1", ...], config) writes one input pcap per
port (the net_pcap ports read their whole rx file when they start, so every
session is in the startup configuration), starts nfva, waits until every
port received its input and the counters settle, reads `mirror show`, stops
nfva with SIGTERM (tx pcaps are complete only once the ports close) and
returns the output frames of each port.

Exit status 77 (meson SKIP) when scapy, tshark or the binaries are missing,
or when EAL cannot start without hugepages. Nothing here needs root beyond
what DPDK itself needs; no network namespace, no live interface.
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

UPLINK_IP = "192.168.1.249"
UPLINK_PREFIX = "192.168.1.249/24"
COLL1, COLL1_MAC = "192.168.1.252", "02:00:00:00:02:52"
COLL2, COLL2_MAC = "192.168.1.253", "02:00:00:00:02:53"
COLL3, COLL3_MAC = "192.168.1.254", "02:00:00:00:02:54"

# The uplink and static neighbours: templates resolve at configuration time,
# no ARP is sent.
UNDERLAY_CONFIG = [
    f"underlay set uplink up ip {UPLINK_PREFIX}",
    f"neigh add {COLL1} lladdr {COLL1_MAC}",
    f"neigh add {COLL2} lladdr {COLL2_MAC}",
    f"neigh add {COLL3} lladdr {COLL3_MAC}",
]

VM1_MAC, VM1_IP = "02:00:00:00:00:01", "10.0.0.1"
VM2_MAC, VM2_IP = "02:00:00:00:00:02", "10.0.0.2"
VM3_MAC, VM3_IP = "02:00:00:00:00:03", "10.0.0.3"

TSHARK_CSUM_OPTS = ["-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
                    "-o", "tcp.check_checksum:TRUE"]
MALFORMED_FILTER = ('_ws.malformed || _ws.expert.severity >= error || '
                    'ip.checksum.status=="Bad" || udp.checksum.status=="Bad" || '
                    'tcp.checksum.status=="Bad" || icmp.checksum.status=="Bad"')
SANITIZER_MARKERS = ("runtime error:", "AddressSanitizer", "LeakSanitizer")

_failures = []


def skip(reason):
    print(f"SKIP: {reason}")
    sys.exit(SKIP)


def require_tools():
    """Exit 77 unless the binaries, scapy and tshark are present."""
    for var in ("NFVA", "NFVACTL"):
        path = os.environ.get(var)
        if not path or not os.access(path, os.X_OK):
            skip(f"${var} is not set to an executable (run through meson test)")
    try:
        import scapy.all  # noqa: F401
    except ImportError as e:
        skip(f"scapy is not importable by {sys.executable}: {e}")
    if shutil.which("tshark") is None:
        skip("tshark is not installed (apt-get install tshark)")


# ---------------------------------------------------------------- checks

def check(cond, what):
    """Record a failure and go on, so that one run reports every failure."""
    print(f"{'ok' if cond else 'FAIL'}: {what}")
    if not cond:
        _failures.append(what)
    return cond


def check_eq(got, want, what):
    if got == want:
        print(f"ok: {what}")
        return True
    print(f"FAIL: {what}\n  expected: {want!r}\n  got:      {got!r}")
    _failures.append(what)
    return False


def check_frames(got, want, what):
    """Exact list of frames in order; shows every frame in hex on a mismatch."""
    if got == want:
        print(f"ok: {what} ({len(want)} frames)")
        return True
    print(f"FAIL: {what}: {len(got)} frames, expected {len(want)}")
    for i in range(max(len(got), len(want))):
        g = got[i].hex() if i < len(got) else "(none)"
        w = want[i].hex() if i < len(want) else "(none)"
        print(f"  {'  ' if g == w else '!='} #{i}\n     got  {g}\n     want {w}")
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


def main_guard(main):
    """Run main; a DaemonError is a failure with its message, not a traceback."""
    t0 = time.monotonic()
    try:
        main()
    except DaemonError as e:
        print(f"FAIL: {e}")
        sys.exit(1)
    print(f"# {os.path.basename(sys.argv[0])}: {time.monotonic() - t0:.1f} s")
    finish()


# ---------------------------------------------------------------- bytes
# Expected outer headers are built with struct, not scapy, so that the golden
# bytes do not depend on the dissector that reads them back.

def mac(s):
    return bytes.fromhex(s.replace(":", ""))


def ip4(s):
    return bytes(int(x) for x in s.split("."))


def csum(data):
    """RFC 1071 one's complement checksum."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4_header(src, dst, proto, payload_len, ident=0, df=False, ttl=64, tos=0):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, tos, 20 + payload_len, ident,
                      0x4000 if df else 0, ttl, proto, 0, ip4(src), ip4(dst))
    return hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]


def push_tag(frame, vid, pcp=0, tpid=0x8100):
    """The frame with an 802.1Q tag inserted after the MACs."""
    return frame[:12] + struct.pack("!HH", tpid, (pcp << 13) | vid) + frame[12:]


def pop_tag(frame):
    """The frame without its outer 802.1Q tag."""
    return frame[:12] + frame[16:]


def vxlan_copy(uplink_mac, coll_mac, coll_ip, vni, inner, sport):
    """What nfva sends a VXLAN collector: outer Ethernet/IPv4 (id 0, DF clear,
    TTL 64)/UDP (source port sport, checksum 0)/VXLAN (I flag, vni)/inner."""
    body = struct.pack("!B3xI", 0x08, vni << 8) + inner
    udp = struct.pack("!HHHH", sport, 4789, 8 + len(body), 0) + body
    return (mac(coll_mac) + mac(uplink_mac) + b"\x08\x00" +
            ipv4_header(UPLINK_IP, coll_ip, 17, len(udp)) + udp)


def erspan2_header(session, index, seq, truncated=False, vlan=0):
    """GRE (S bit, 0x88BE, sequence) and the 8-byte ERSPAN type II header."""
    gre = struct.pack("!HHI", 0x1000, 0x88BE, seq)
    w0 = (1 << 12) | vlan                                    # version 1 (type II)
    w1 = (int(truncated) << 10) | session                   # cos 0, en 0, T, id
    return gre + struct.pack("!HHI", w0, w1, index & 0xFFFFF)


def erspan3_header(session, seq, timestamp, hw_id, egress, truncated=False):
    """GRE (S bit, 0x22EB, sequence) and the 12-byte ERSPAN type III header
    (granularity 100 ns, no optional subheader)."""
    gre = struct.pack("!HHI", 0x1000, 0x22EB, seq)
    w0 = 2 << 12                                             # version 2 (type III)
    w1 = (int(truncated) << 10) | session                   # cos 0, bso 0, T, id
    w3 = (hw_id << 4) | (int(egress) << 3) | (1 << 1)       # p 0, ft 0, hw, D, gra
    return gre + struct.pack("!HHIHH", w0, w1, timestamp, 0, w3)


def erspan_copy(uplink_mac, coll_mac, coll_ip, header, inner):
    """Outer Ethernet/IPv4 (id 0, DF clear, TTL 64, proto GRE)/header/inner."""
    return (mac(coll_mac) + mac(uplink_mac) + b"\x08\x00" +
            ipv4_header(UPLINK_IP, coll_ip, 47, len(header) + len(inner)) + header + inner)


def frame(l3, src_mac=VM1_MAC, dst_mac=VM2_MAC, vlan=None):
    """bytes of Ether(src, dst)[/Dot1Q(vlan)]/l3 (a scapy layer)."""
    from scapy.all import Dot1Q, Ether
    eth = Ether(src=src_mac, dst=dst_mac)
    if vlan is not None:
        eth = eth / Dot1Q(vlan=vlan)
    return bytes(eth / l3)


def icmp_echo(src_ip, dst_ip, seq, reply=False, size=0, ident=0x4242):
    from scapy.all import ICMP, IP, Raw
    return IP(src=src_ip, dst=dst_ip, id=seq) / \
        ICMP(type=0 if reply else 8, id=ident, seq=seq) / Raw(bytes(range(256))[:size] or b"x")


def udp(src_ip, dst_ip, sport, dport, payload=b"mirror"):
    from scapy.all import IP, UDP, Raw
    return IP(src=src_ip, dst=dst_ip, id=dport) / UDP(sport=sport, dport=dport) / Raw(payload)


def tcp(src_ip, dst_ip, sport, dport):
    from scapy.all import IP, TCP
    return IP(src=src_ip, dst=dst_ip, id=dport) / TCP(sport=sport, dport=dport, flags="S")


# ---------------------------------------------------------------- pcap files
# Written and read here rather than by scapy, so the bytes on disk are exactly
# the test's; pcap timestamps are 1 s + i us so that tshark keeps the order.

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
    if struct.unpack_from(endian + "I", data, 20)[0] != 1:
        raise ValueError(f"{path}: not an Ethernet capture")
    frames, off = [], 24
    while off < len(data):
        _, _, caplen, origlen = struct.unpack_from(endian + "IIII", data, off)
        off += 16
        if caplen != origlen:
            raise ValueError(f"{path}: frame truncated in capture ({caplen}/{origlen})")
        frames.append(data[off:off + caplen])
        off += caplen
    return frames


# ---------------------------------------------------------------- tshark

def tshark(path, args):
    proc = subprocess.run(["tshark", "-n", "-r", path] + args, capture_output=True,
                          text=True, timeout=60)
    if proc.returncode != 0:
        raise DaemonError(f"tshark {' '.join(args)} failed ({proc.returncode}): {proc.stderr}")
    return proc.stdout


def tshark_fields(path, fields, display_filter=None, extra=()):
    """One row (list of strings) per frame that passes display_filter; a field
    present twice (outer and inner IP) gives its occurrences comma-separated."""
    args = list(extra) + ["-T", "fields"]
    for f in fields:
        args += ["-e", f]
    if display_filter:
        args += ["-Y", display_filter]
    return [line.split("\t") for line in tshark(path, args).splitlines()]


def tshark_count(path, display_filter, extra=()):
    return len(tshark(path, list(extra) + ["-Y", display_filter]).splitlines())


def check_tshark_clean(path, what, extra=(), allow=None):
    """Nothing malformed, no expert error, no bad IP/UDP/TCP/ICMP checksum.
    allow: a display filter of frames exempted (e.g. truncated copies)."""
    flt = MALFORMED_FILTER if allow is None else f"({MALFORMED_FILTER}) && !({allow})"
    out = tshark(path, TSHARK_CSUM_OPTS + list(extra) + ["-Y", flt])
    return check_eq(out, "", f"{what}: tshark finds nothing malformed, no bad checksum")


# ---------------------------------------------------------------- daemon

class DaemonError(Exception):
    pass


class Daemon:
    """One nfva process; ports[i] is named ports[i], vdev net_pcap<i>, with
    in_<name>.pcap (rx) and out_<name>.pcap (tx). config: the lines after the
    port adds."""

    _seq = 0

    def __init__(self, name, ports, config):
        self.name = name
        self.ports = list(ports)
        self.dir = tempfile.mkdtemp(prefix=f"nfva-mirror-{name}-")
        self.config = list(config)
        self.inputs = {}
        self.proc = None
        self.sock = self.path("nfva.sock")
        self.stderr = ""
        self.prefixes = []

    def path(self, name):
        return os.path.join(self.dir, name)

    def port_lines(self):
        return [f"port add {p} dev net_pcap{i},rx_pcap={self.path(f'in_{p}.pcap')},"
                f"tx_pcap={self.path(f'out_{p}.pcap')}" for i, p in enumerate(self.ports)]

    def write_input(self, port, frames):
        self.inputs[port] = list(frames)

    def _write_files(self, config_text=None):
        for p in self.ports:
            write_pcap(self.path(f"in_{p}.pcap"), self.inputs.get(p, []))
        with open(self.path("nfva.conf"), "w") as f:
            f.write(config_text if config_text is not None
                    else "\n".join(self.port_lines() + self.config) + "\n")

    def _command(self):
        Daemon._seq += 1
        self.prefixes.append(f"nfva-mir-{os.getpid()}-{Daemon._seq}")
        return [os.environ["NFVA"], "--no-huge", "-m", "512", "--no-pci",
                "--file-prefix", self.prefixes[-1], "-l", "0,1",
                "--", "--config", self.path("nfva.conf"), "--socket", self.sock,
                "--fdb-entries", "65536", "--mbufs", "8191"]

    @staticmethod
    def _skip_if_eal_failed(text):
        if "EAL init failed" in text or "Cannot init EAL" in text:
            skip(f"DPDK EAL cannot start here: {text.strip()[-300:]}")

    def run_to_exit(self, config_text, timeout=30):
        """Run with a configuration expected to fail; returns (rc, output)."""
        self._write_files(config_text)
        try:
            proc = subprocess.run(self._command(), capture_output=True, text=True,
                                  timeout=timeout)
        except subprocess.TimeoutExpired:
            raise DaemonError(f"{self.name}: nfva still running after {timeout} s "
                              "(the configuration was expected to fail)")
        out = proc.stdout + proc.stderr
        if proc.returncode != 0:
            self._skip_if_eal_failed(out)
        return proc.returncode, out

    def start(self, timeout=30):
        self._write_files()
        self.err_f = open(self.path("nfva.log"), "w+")
        self.proc = subprocess.Popen(self._command(), stdout=self.err_f,
                                     stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            rc = self.proc.poll()
            if rc is not None:
                self._collect()
                self.proc = None
                self._skip_if_eal_failed(self.stderr)
                raise DaemonError(f"{self.name}: nfva exited with {rc} at start:\n"
                                  f"{self.stderr}")
            if os.path.exists(self.sock) and self.ctl_raw("help")[0] == 0:
                return
            time.sleep(0.05)
        self.kill()
        raise DaemonError(f"{self.name}: nfva did not open its socket in {timeout} s:\n"
                          f"{self.stderr}")

    def ctl_raw(self, *words):
        cmd = [os.environ["NFVACTL"], "-s", self.sock, "-t", "10", "-j"] + list(words)
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        return p.returncode, p.stdout, p.stderr

    def ctl(self, *words):
        """Parsed JSON result of an nfvactl command; raises on an error."""
        rc, out, err = self.ctl_raw(*words)
        if rc != 0:
            raise DaemonError(f"nfvactl {' '.join(words)}: rc {rc}: {err.strip()} {out.strip()}")
        return json.loads(out) if out.strip() else None

    def port_show(self):
        return {p["name"]: p for p in self.ctl("port", "show")}

    def mirrors(self):
        """{session name: `mirror show` object}."""
        return {m["name"]: m for m in self.ctl("mirror", "show")}

    def counters(self, session):
        return self.mirrors()[session]["counters"]

    def uplink_mac(self):
        return self.ctl("underlay", "show")["mac"].lower()

    def wait_inputs(self, timeout=30):
        """Wait (bounded) until every port's rx_packets equals its input, then
        until port and mirror counters stay unchanged for a second. Returns
        the settled `port show`."""
        want = {p: len(self.inputs.get(p, [])) for p in self.ports}
        deadline = time.monotonic() + timeout
        while True:
            shown = self.port_show()
            got = {p: shown[p]["counters"]["rx_packets"] for p in self.ports}
            if got == want:
                break
            if time.monotonic() > deadline:
                raise DaemonError(f"{self.name}: rx_packets {got}, expected {want} "
                                  f"after {timeout} s")
            time.sleep(0.05)
        prev, stable = None, 0
        while time.monotonic() < deadline + 10:
            time.sleep(0.2)
            cur = (self.port_show(), self.ctl("mirror", "show"))
            stable = stable + 1 if cur == prev else 0
            if stable == 5:
                return cur[0]
            prev = cur
        raise DaemonError(f"{self.name}: counters never settled")

    def stop(self, timeout=30):
        """SIGTERM and wait; returns the exit status."""
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
        """Stop; check exit 0 and no sanitizer report."""
        rc = self.stop()
        check_eq(rc, 0, f"{self.name}: nfva exits 0 on SIGTERM")
        for marker in SANITIZER_MARKERS:
            if not check(marker not in self.stderr, f"{self.name}: no '{marker}' in output"):
                print("\n".join(line for line in self.stderr.splitlines()
                                if "runtime error" in line or "Sanitizer" in line))

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self._collect()
        self.proc = None

    def _collect(self):
        fh = getattr(self, "err_f", None)
        if fh is not None and not fh.closed:
            fh.flush()
            fh.seek(0)
            self.stderr = fh.read()
            fh.close()

    def output(self, port):
        return read_pcap(self.out_path(port))

    def out_path(self, port):
        return self.path(f"out_{port}.pcap")

    def cleanup(self):
        self.kill()
        for prefix in self.prefixes:  # EAL's runtime directory of each run
            shutil.rmtree(os.path.join("/var/run/dpdk", prefix), ignore_errors=True)
        if not _failures and os.environ.get("NFVA_KEEP_TMP") is None:
            shutil.rmtree(self.dir, ignore_errors=True)
        else:
            print(f"(files kept in {self.dir})")


def run(name, ports, config, inputs):
    """Start, feed, settle, read `mirror show` and `port show`, stop.
    Returns (daemon, mirrors, ports shown, uplink MAC or None); the caller
    cleans up (d.cleanup()) after reading the outputs."""
    d = Daemon(name, ports, config)
    for p, frames in inputs.items():
        d.write_input(p, frames)
    d.start()
    shown = d.wait_inputs()
    mirrors = d.mirrors()
    up = d.uplink_mac() if "up" in ports else None
    d.stop_checked()
    return d, mirrors, shown, up


def check_counters(mirrors, session, want):
    """Exact mirrored / filtered_out / sampled_out / dropped of a session."""
    got = dict(mirrors[session]["counters"])
    # No e-switch in these runs: every copy is the slow path's.
    if "mirrored_eswitch" not in want:
        check_eq(got.pop("mirrored_eswitch", None), 0, f"session {session}: mirrored_eswitch")
    return check_eq(got, want, f"session {session}: counters")
