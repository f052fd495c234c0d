# SPDX-License-Identifier: BSD-3-Clause
"""bench/run.sh --smoke: run the harness for a few seconds (one repetition of
dpdk-testpmd and one nfva scenario) into a temporary directory and check that
it produced a well-formed table and JSON. Never judges the figures.
Exit 0 pass, 1 fail, 77 skip (no dpdk-testpmd, or EAL cannot start here)."""

import io
import json
import os
import shutil
import sys
import tempfile
from contextlib import redirect_stdout

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from nfvabench import main as bench  # noqa: E402
from nfvabench import report  # noqa: E402

failures = []


def check(cond, what):
    print(f"{'ok' if cond else 'FAIL'}: {what}")
    if not cond:
        failures.append(what)


def main():
    argv = sys.argv[1:]
    out = tempfile.mkdtemp(prefix="nfva-bench-smoke-")
    if "--out" not in argv:
        argv += ["--out", out]
    buf = io.StringIO()

    class Tee(io.TextIOBase):
        def write(self, s):
            sys.__stdout__.write(s)
            buf.write(s)
            return len(s)

    with redirect_stdout(Tee()):
        rc = bench.main(argv)
    if rc == 77:
        return 77
    check(rc == 0, f"the harness exited 0 (got {rc})")
    text = buf.getvalue()
    if "Cannot init EAL" in text or "EAL init failed" in text:
        print("SKIP: DPDK EAL cannot start here")
        return 77
    run_dir = os.path.join(out, "latest-smoke") if "--out" not in sys.argv[1:] else None
    path = os.path.join(run_dir, "results.json") if run_dir else None
    if path is None or not os.path.exists(path):
        lines = [ln for ln in text.splitlines() if ln.startswith("json: ")]
        path = lines[-1][6:] if lines else ""
    check(os.path.exists(path), f"results.json written ({path})")
    if not os.path.exists(path):
        return 1
    with open(path) as f:
        doc = json.load(f)
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
    head = "  ".join(report.TABLE_HEAD[:3])
    check(any(ln.startswith("scenario") and "nfva Mpps" in ln for ln in text.splitlines()),
          "the table header is printed")
    check(head.split()[0] in text, "the table is on stdout")
    txt = os.path.join(os.path.dirname(path), "table.txt")
    check(os.path.exists(txt), "table.txt written")
    check(os.path.exists(os.path.join(os.path.dirname(path), "mpps.png")) or
          not shutil.which("gnuplot"), "mpps.png drawn (gnuplot is installed)")
    print(f"\n{len(failures)} failed" if failures else "\nsmoke: well-formed table and JSON")
    if not failures and "--out" not in sys.argv[1:]:
        shutil.rmtree(out, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
