# SPDX-License-Identifier: BSD-3-Clause
"""Checks of a Python test: each records a failure and lets the test go on, so
one run reports every failure; finish() (or main_guard) turns them into the
exit status. Exit 77 (meson SKIP) says why a test could not run; a test never
passes without having run."""

import os
import shutil
import sys
import time

SKIP = 77
_failures = []


class DaemonError(Exception):
    """A step the test cannot go on from (nfva did not start, a command
    failed...): main_guard reports it as a failure with its message."""


def skip(reason):
    print(f"SKIP: {reason}")
    sys.exit(SKIP)


def require_tools(tshark=True, scapy=True):
    """Exit 77 unless $NFVA and $NFVACTL are executables and scapy (and
    tshark, unless told otherwise) are there."""
    for var in ("NFVA", "NFVACTL"):
        path = os.environ.get(var)
        if not path or not os.access(path, os.X_OK):
            skip(f"${var} is not set to an executable (run through meson test)")
    if scapy:
        try:
            import scapy.all  # noqa: F401
        except ImportError as e:
            skip(f"scapy is not importable by {sys.executable}: {e}")
    if tshark and shutil.which("tshark") is None:
        skip("tshark is not installed (apt-get install tshark)")


def _record(ok, what, detail=""):
    """Print the outcome of a check; a failure is recorded with its details."""
    if ok:
        print(f"ok: {what}")
    else:
        print(f"FAIL: {what}{detail}")
        _failures.append(what)
    return ok


def check(cond, what):
    """Record a failure (the test goes on); returns cond."""
    return _record(bool(cond), what) and cond


def check_eq(got, want, what):
    text = repr(got)
    if got == want:
        return _record(True, f"{what} = {text}" if len(text) <= 60 else what)
    return _record(False, what, f"\n  expected: {want!r}\n  got:      {text}")


def check_frames(got, want, what):
    """Exact list of frames, in order; shows every frame in hex on a mismatch."""
    if got == want:
        return _record(True, f"{what} ({len(want)} frames)")
    rows = []
    for i in range(max(len(got), len(want))):
        g = got[i].hex() if i < len(got) else "(none)"
        w = want[i].hex() if i < len(want) else "(none)"
        rows.append(f"\n  {'  ' if g == w else '!='} #{i}\n     got  {g}\n     want {w}")
    return _record(False, what, f": {len(got)} frames, expected {len(want)}" + "".join(rows))


def scenario(what, fn, *args, **kw):
    """Run one independent part of a test: a DaemonError in it is recorded as a
    failure of that part and the test goes on with the next one."""
    try:
        return fn(*args, **kw)
    except DaemonError as e:
        _record(False, f"{what}: {e}")
        return None


def failed():
    return bool(_failures)


def finish():
    """Exit 1 listing the failed checks, or 0."""
    if _failures:
        print(f"\n{len(_failures)} check(s) failed:")
        for f in _failures:
            print(f"  - {f}")
        sys.exit(1)
    print("\nall checks passed")
    sys.exit(0)


def main_guard(main):
    """Run main; a DaemonError is a failure with its message, not a
    traceback. Then finish()."""
    t0 = time.monotonic()
    try:
        main()
    except DaemonError as e:
        print(f"FAIL: {e}")
        sys.exit(1)
    print(f"# {os.path.basename(sys.argv[0])}: {time.monotonic() - t0:.1f} s")
    finish()
