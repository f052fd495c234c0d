# SPDX-License-Identifier: BSD-3-Clause
"""Helpers of the overlay golden tests: nfva on net_pcap ports, one of them the
uplink, VXLAN/GRE frames crafted and checked byte for byte.

                 in_up/out_up                   in_vm1/out_vm1 ...
    remote VTEPs ------------ up ===[ nfva ]=== vm1, vm2 ...  (local members)
    192.168.1.252/.253        uplink, VTEP 192.168.1.249/24

A run: Daemon(name, ["up", "vm1"], config) probes the uplink MAC once (a run
without input: the pcap ports read their whole rx file at start, so frames to
the uplink must be written before the port exists), writes the input pcaps,
starts nfva, waits until every port received its input and the counters
settle, reads `port show` / `fdb show`, stops nfva with SIGTERM (tx pcaps are
complete only once the ports close) and returns the output frames.

Exit status 77 (meson SKIP) when scapy, tshark or the binaries are missing, or
when EAL cannot start without hugepages.
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
VTEP1, VTEP1_MAC = "192.168.1.252", "02:00:00:00:02:52"
VTEP2, VTEP2_MAC = "192.168.1.253", "02:00:00:00:02:53"
BCAST = "ff:ff:ff:ff:ff:ff"

# Lines every overlay run starts with: the uplink and static neighbours, so
# templates resolve at configuration time and no ARP is sent.
UNDERLAY_CONFIG = [
    f"underlay set uplink up ip {UPLINK_PREFIX}",
    f"neigh add {VTEP1} lladdr {VTEP1_MAC}",
    f"neigh add {VTEP2} lladdr {VTEP2_MAC}",
]

# tshark's no-malformed check, checksums verified.
TSHARK_CSUM_OPTS = ["-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE"]
MALFORMED_FILTER = ('_ws.malformed || _ws.expert.severity >= error || '
                    'ip.checksum.status=="Bad" || udp.checksum.status=="Bad"')

# What UBSan and ASan print: any of these in nfva's output fails the run.
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
        skip("tshark is not installed")


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
    try:
        main()
    except DaemonError as e:
        print(f"FAIL: {e}")
        sys.exit(1)
    finish()


# ---------------------------------------------------------------- bytes
# Expected outer headers are built here with struct, not by scapy, so that the
# golden bytes do not depend on the dissector used to read the output.

def mac(s):
    return bytes.fromhex(s.replace(":", ""))


def ip4(s):
    return bytes(int(x) for x in s.split("."))


def csum(data):
    """RFC 1071 one's complement checksum of data."""
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


def udp_checksum(src, dst, udp):
    """UDP checksum of the datagram udp (its checksum field zero); 0 -> 0xffff."""
    pseudo = ip4(src) + ip4(dst) + struct.pack("!BBH", 0, 17, len(udp))
    c = csum(pseudo + udp)
    return 0xFFFF if c == 0 else c


def vxlan_header(vni, flags=0x08):
    return struct.pack("!B3xI", flags, vni << 8)


def gre_header(key, flags=0x2000, proto=0x6558):
    return struct.pack("!HHI", flags, proto, key)


def outer_vxlan(src_mac, dst_mac, src_ip, dst_ip, vni, inner, sport, dport=4789,
                ident=0, df=False, ttl=64, with_udp_csum=False):
    """Ethernet/IPv4/UDP/VXLAN around inner, every field explicit."""
    body = vxlan_header(vni) + inner
    udp = struct.pack("!HHHH", sport, dport, 8 + len(body), 0) + body
    if with_udp_csum:
        udp = udp[:6] + struct.pack("!H", udp_checksum(src_ip, dst_ip, udp)) + udp[8:]
    return (mac(dst_mac) + mac(src_mac) + b"\x08\x00" +
            ipv4_header(src_ip, dst_ip, 17, len(udp), ident, df, ttl) + udp)


def outer_gre(src_mac, dst_mac, src_ip, dst_ip, key, inner, ident=0, df=False, ttl=64,
              gre=None):
    """Ethernet/IPv4/GRE(K, 0x6558, key)/inner; gre replaces the GRE header bytes."""
    g = gre if gre is not None else gre_header(key)
    return (mac(dst_mac) + mac(src_mac) + b"\x08\x00" +
            ipv4_header(src_ip, dst_ip, 47, len(g) + len(inner), ident, df, ttl) + g + inner)


def inner_udp(src_mac, dst_mac, src_ip, dst_ip, sport, dport, payload, size=None):
    """An inner Ethernet/IPv4/UDP frame (scapy), padded with payload to size bytes."""
    from scapy.all import IP, UDP, Ether, Raw
    pkt = Ether(src=src_mac, dst=dst_mac) / IP(src=src_ip, dst=dst_ip, id=1) / \
        UDP(sport=sport, dport=dport)
    data = payload if isinstance(payload, bytes) else payload.encode()
    if size is not None:
        data = data + b"." * (size - len(pkt) - len(data))
    frame = bytes(pkt / Raw(data))
    assert size is None or len(frame) == size, (len(frame), size)
    return frame


# ---------------------------------------------------------------- pcap files

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
    """One row (list of strings) per frame that passes display_filter."""
    args = list(extra) + ["-T", "fields"]
    for f in fields:
        args += ["-e", f]
    if display_filter:
        args += ["-Y", display_filter]
    return [line.split("\t") for line in tshark(path, args).splitlines()]


def tshark_malformed(path, extra=()):
    """What the no-malformed filter prints (checksums checked): must be ''."""
    return tshark(path, TSHARK_CSUM_OPTS + list(extra) + ["-Y", MALFORMED_FILTER])


def check_tshark_clean(path, what, extra=()):
    out = tshark_malformed(path, extra)
    return check_eq(out, "", f"{what}: tshark finds nothing malformed, no bad checksum")


# ---------------------------------------------------------------- daemon

class DaemonError(Exception):
    pass


class Daemon:
    """One nfva process; ports[i] is named ports[i], vdev net_pcap<i>, with
    in_<name>.pcap (rx) and out_<name>.pcap (tx). config: lines after the
    port adds (UNDERLAY_CONFIG is not implied)."""

    _seq = 0

    def __init__(self, name, ports, config):
        self.name = name
        self.ports = list(ports)
        self.dir = tempfile.mkdtemp(prefix=f"nfva-ovl-{name}-")
        self.config = list(config)
        self.inputs = {}
        self.proc = None
        self.stderr = ""
        self._uplink_mac = None
        self.prefixes = []

    def path(self, name):
        return os.path.join(self.dir, name)

    def _conf_text(self):
        lines = [f"port add {p} dev net_pcap{i},rx_pcap={self.path(f'in_{p}.pcap')},"
                 f"tx_pcap={self.path(f'out_{p}.pcap')}" for i, p in enumerate(self.ports)]
        return "\n".join(lines + self.config) + "\n"

    def _command(self, sock):
        Daemon._seq += 1
        self.prefixes.append(f"nfva-ovl-{os.getpid()}-{Daemon._seq}")
        return [os.environ["NFVA"], "--no-huge", "-m", "512", "--no-pci",
                "--file-prefix", self.prefixes[-1], "-l", "0,1",
                "--", "--config", self.path("nfva.conf"), "--socket", sock,
                "--fdb-entries", "65536", "--mbufs", "8191"]

    def write_input(self, port, frames):
        self.inputs[port] = list(frames)

    def _write_files(self, with_inputs):
        for p in self.ports:
            write_pcap(self.path(f"in_{p}.pcap"), self.inputs.get(p, []) if with_inputs else [])
        with open(self.path("nfva.conf"), "w") as f:
            f.write(self._conf_text())

    def _spawn(self, sock, log, timeout=30):
        self.err_f = open(self.path(log), "w+")
        self.proc = subprocess.Popen(self._command(sock), stdout=self.err_f,
                                     stderr=subprocess.STDOUT)
        self.sock = sock
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            rc = self.proc.poll()
            if rc is not None:
                self._collect()
                self.proc = None
                if "EAL init failed" in self.stderr or "Cannot init EAL" in self.stderr:
                    skip(f"DPDK EAL cannot start here: {self.stderr.strip()[-300:]}")
                raise DaemonError(f"{self.name}: nfva exited with {rc} at start:\n"
                                  f"{self.stderr}")
            if os.path.exists(sock) and self.ctl_raw("help")[0] == 0:
                return
            time.sleep(0.05)
        self.kill()
        raise DaemonError(f"{self.name}: nfva did not open its socket in {timeout} s:\n"
                          f"{self.stderr}")

    def uplink_mac(self):
        """The uplink's MAC as `underlay show` reports it, from a run without input."""
        if self._uplink_mac is None:
            self._write_files(with_inputs=False)
            self._spawn(self.path("probe.sock"), "probe.log")
            try:
                u = self.ctl("underlay", "show")
            finally:
                rc = self.stop()
            if rc != 0:
                raise DaemonError(f"{self.name}: probe run exited {rc}:\n{self.stderr}")
            for marker in SANITIZER_MARKERS:
                check(marker not in self.stderr, f"{self.name}: probe run: no '{marker}'")
            if not u.get("active") or not u.get("mac"):
                raise DaemonError(f"{self.name}: no active underlay in the probe run: {u}")
            self._uplink_mac = u["mac"].lower()
        return self._uplink_mac

    def start(self):
        self._write_files(with_inputs=True)
        self._spawn(self.path("nfva.sock"), "nfva.log")
        u = self.ctl("underlay", "show")
        if self._uplink_mac is not None:
            check_eq(u.get("mac", "").lower(), self._uplink_mac,
                     f"{self.name}: underlay show mac is the probed uplink MAC")

    def ctl_raw(self, *words):
        cmd = [os.environ["NFVACTL"], "-s", self.sock, "-j"] + list(words)
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        return p.returncode, p.stdout, p.stderr

    def ctl(self, *words):
        """Parsed JSON result of an nfvactl command; raises on an error."""
        rc, out, err = self.ctl_raw(*words)
        if rc != 0:
            raise DaemonError(f"nfvactl {' '.join(words)}: rc {rc}: {err.strip()} {out.strip()}")
        return json.loads(out)

    def port_show(self):
        """{port name: port show object}."""
        return {p["name"]: p for p in self.ctl("port", "show")}

    def wait_inputs(self, tx=None, timeout=30):
        """Wait (bounded) until every port's rx_packets equals its input and,
        with tx ({port: n}), until those ports sent n frames; then until the
        counters stay unchanged for a second (the worker counts rx before it
        processes a burst, and may lose its core on a loaded machine).
        Returns the settled `port show`. An unmet tx is left to the caller's
        checks, which then print the difference."""
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
            cur = self.port_show()
            stable = stable + 1 if cur == prev else 0
            if stable == 5:
                return cur
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
        return read_pcap(self.path(f"out_{port}.pcap"))

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


def counters(shown, port, keys=("rx_packets", "tx_packets", "learned", "dropped")):
    c = shown[port]["counters"]
    return {k: c[k] for k in keys}


def fdb_rows(d):
    """(mac, network, port, vlan, vtep, type) of every entry, MACs in lower case."""
    return sorted((e["mac"].lower(), e["network"], e["port"], e["vlan"], e["vtep"], e["type"])
                  for e in d.ctl("fdb", "show"))
