# SPDX-License-Identifier: BSD-3-Clause
"""bench/run.sh --smoke: check that every scenario file parses and renders
and that the inputs are built as documented (lisp64, vxlan6-64), then run
the harness for a few seconds (one repetition of dpdk-testpmd and of the SMOKE_SCENARIOS, among
them a mirror row) into a temporary directory and check that it produced a
well-formed table and JSON. Never judges the figures.
Exit 0 pass, 1 fail, 77 skip (no dpdk-testpmd, or EAL cannot start here)."""

import io
import json
import os
import shutil
import socket
import struct
import sys
import tempfile
from contextlib import redirect_stdout

from nfvabench import inputs, nfva, ovs, report, scenarios
from nfvabench import main as bench

failures = []


def check(cond, what):
    print(f"{'ok' if cond else 'FAIL'}: {what}")
    if not cond:
        failures.append(what)


def check_scenarios():
    """Every scenario renders with the harness's values, names a known input,
    warm-up input and OVS peer; mirror rows name their copy port."""
    found = scenarios.load(os.path.join(bench.BENCH_DIR, "scenarios"))
    known = inputs.generators()
    values = dict(scenarios.base_values(), UPLINK_MAC="02:00:00:00:00:01")
    for name, sc in found.items():
        try:
            devs = nfva.devargs("in.pcap", "warm.pcap") if sc.system == "nfva" else \
                ovs.devargs("in.pcap")
            text = sc.render(dict(values, **devs))
            ok = bool(text.strip()) and sc.input in known and \
                (sc.warm is None or sc.warm in known) and \
                (sc.peer is None or (sc.peer in found and found[sc.peer].system == "ovs")) and \
                sc.in_port is not None and sc.out_port is not None
        except (ValueError, KeyError) as e:
            ok, text = False, str(e)
        check(ok, f"scenario {name} parses and renders")
        if sc.copy_port:
            if sc.system == "nfva":
                made = f"port add {sc.copy_port} " in text
            else:
                bridge, _, ofport = sc.copy_port.partition(":")
                made = f"add-br {bridge}" in text and f"ofport_request={ofport} " in text
            check(made, f"scenario {name}: its copy port {sc.copy_port} is created")
    check(any(sc.copy_port for sc in found.values()), "a scenario has a copy port")


def check_lisp_input():
    """lisp64 as documented: outer to the uplink, UDP 4341, N and I, the
    instance ID, a sound inner IPv4 packet to the first destination."""
    mac = "02:00:00:00:00:01"
    frames = inputs.generators(mac)["lisp64"][1]()
    f0, f1 = next(frames), next(frames)
    dport = struct.unpack("!H", f0[36:38])[0]
    flags_nonce, iid_lsb = struct.unpack("!II", f0[42:50])
    inner = f0[50:]
    check(len(f0) == 96 and f0[:6] == bytes.fromhex("020000000001") and f0[30:34] ==
          bytes(int(x) for x in inputs.UPLINK_IP.split(".")) and dport == 4341 and
          flags_nonce >> 24 == 0x88 and iid_lsb >> 8 == inputs.VNI and inner[0] == 0x45 and
          inner[16:20] == bytes((10, 1, 0, 1)) and len(inner) == struct.unpack("!H", inner[2:4])[0],
          "input lisp64: outer, LISP header and inner packet as documented")
    check(f1[34:36] != f0[34:36] and f1[43:46] != f0[43:46], "input lisp64: source port and "
          "nonce vary")


def ones_sum(data):
    """The 16-bit one's complement sum of data (a correct checksum makes the
    sum over the pseudo-header and the datagram 0xffff)."""
    data += b"\0" * (len(data) % 2)
    t = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while t >> 16:
        t = (t & 0xFFFF) + (t >> 16)
    return t


def check_vxlan6_input():
    """vxlan6-64 as documented: Ethernet/IPv6 from the IPv6 VTEP to the uplink
    (hop limit 64, a flow label, no extension header), UDP to 4789 with a
    checksum that verifies, the VNI, the udp64 frame inside; and the IPv6
    placeholders render."""
    mac = "02:00:00:00:00:01"
    frames = inputs.generators(mac)["vxlan6-64"][1]()
    f0, f1 = next(frames), next(frames)
    vtc, plen, nh, hlim = struct.unpack("!IHBB", f0[14:22])
    src, dst, udp = socket.inet_ntop(socket.AF_INET6, f0[22:38]), \
        socket.inet_ntop(socket.AF_INET6, f0[38:54]), f0[54:]
    ulen, ucsum = struct.unpack("!HH", udp[4:8])
    pseudo = f0[22:54] + struct.pack("!IxxxB", len(udp), 17)
    check(len(f0) == 130 and f0[:6] == bytes.fromhex("020000000001") and
          f0[12:14] == b"\x86\xdd" and vtc >> 28 == 6 and vtc & 0xFFFFF != 0 and
          plen == len(udp) == ulen and nh == 17 and hlim == 64 and src == inputs.VTEP6 and
          dst == inputs.UPLINK_IP6 and struct.unpack("!H", udp[2:4])[0] == 4789 and
          udp[8] == 0x08 and struct.unpack("!I", udp[12:16])[0] >> 8 == inputs.VNI and
          udp[16:] == next(inputs.flow_frames(64)), "input vxlan6-64: outer IPv6, UDP, VXLAN "
          "and inner frame as documented")
    check(ucsum != 0 and ones_sum(pseudo + udp) == 0xFFFF, "input vxlan6-64: the UDP checksum "
          "over IPv6 verifies")
    check(f1[54:56] != f0[54:56] and f1[15:18] != f0[15:18], "input vxlan6-64: source port and "
          "flow label vary")


def run_harness(argv):
    """bench.main(argv), its stdout shown and returned: (exit status, stdout)."""
    buf = io.StringIO()

    class Tee(io.TextIOBase):
        def write(self, s):
            sys.__stdout__.write(s)
            buf.write(s)
            return len(s)

    with redirect_stdout(Tee()):
        rc = bench.main(argv)
    return rc, buf.getvalue()


def results_path(out, text):
    """results.json of the run: under the smoke output directory, else the
    path the harness printed."""
    run_dir = os.path.join(out, "latest-smoke") if "--out" not in sys.argv[1:] else None
    path = os.path.join(run_dir, "results.json") if run_dir else None
    if path is None or not os.path.exists(path):
        lines = [ln for ln in text.splitlines() if ln.startswith("json: ")]
        path = lines[-1][6:] if lines else ""
    return path


def check_doc(doc):
    """The JSON: schema, keys, runs (each ok with mpps, or saying why not), summary."""
    check(doc.get("schema") == "nfva-bench/1", "JSON schema nfva-bench/1")
    for key in ("date", "machine", "params", "units", "runs", "summary"):
        check(key in doc, f"JSON has '{key}'")
    units = {r["unit"] for r in doc.get("runs", [])}
    check("testpmd:udp64" in units, "a testpmd ceiling run is recorded")
    check(any(u.startswith("nfva:") for u in units), "an nfva run is recorded")
    for r in doc.get("runs", []):
        need = ("rep", "unit", "system", "input", "ok")
        check(all(k in r for k in need), f"run {r.get('unit')} has {need}")
        if r.get("ok"):
            check(isinstance(r.get("mpps"), float) and r["mpps"] > 0 and "window_s" in r,
                  f"run {r['unit']}: mpps and window_s")
        else:
            check(bool(r.get("error")), f"failed run {r.get('unit')} says why")
    check(len(doc.get("summary", [])) >= 1, "a summary row")
    return units


def check_tables(doc, units, text, path):
    """The mirror row's copy column, the table on stdout, table.txt, the plot."""
    mirror = [r for r in doc.get("summary", []) if r["scenario"] in bench.SMOKE_SCENARIOS and
              "copy_mpps" in r]
    plain = [r for r in doc.get("summary", []) if r["scenario"] == "l2-known"]
    if any(u.startswith("nfva:mirror") for u in units):
        check(bool(mirror) and mirror[0]["copy_mpps"] is not None,
              "the mirror row has copy_mpps in the summary")
        check(any(ln.startswith("scenario") and "copy Mpps" in ln for ln in text.splitlines()),
              "the table has the copy Mpps column")
    check(all("copy_mpps" not in r for r in plain), "rows without a copy port have no copy_mpps")
    head = "  ".join(report.TABLE_HEAD[:3])
    check(any(ln.startswith("scenario") and "nfva Mpps" in ln for ln in text.splitlines()),
          "the table header is printed")
    check(head.split()[0] in text, "the table is on stdout")
    txt = os.path.join(os.path.dirname(path), "table.txt")
    check(os.path.exists(txt), "table.txt written")
    check(os.path.exists(os.path.join(os.path.dirname(path), "mpps.png")) or
          not shutil.which("gnuplot"), "mpps.png drawn (gnuplot is installed)")


def main():
    check_scenarios()
    check_lisp_input()
    check_vxlan6_input()
    argv = sys.argv[1:]
    out = tempfile.mkdtemp(prefix="nfva-bench-smoke-")
    if "--out" not in argv:
        argv += ["--out", out]
    rc, text = run_harness(argv)
    if rc == 77:
        return 77
    check(rc == 0, f"the harness exited 0 (got {rc})")
    if "Cannot init EAL" in text or "EAL init failed" in text:
        print("SKIP: DPDK EAL cannot start here")
        return 77
    path = results_path(out, text)
    check(os.path.exists(path), f"results.json written ({path})")
    if not os.path.exists(path):
        return 1
    with open(path) as f:
        doc = json.load(f)
    check_tables(doc, check_doc(doc), text, path)
    print(f"\n{len(failures)} failed" if failures else "\nsmoke: well-formed table and JSON")
    if not failures and "--out" not in sys.argv[1:]:
        shutil.rmtree(out, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
