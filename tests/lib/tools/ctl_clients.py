#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""ctl_clients.py MODE SOCKET SECONDS: control-socket clients of the soak test.

  idle    connect and never send anything
  stalled send `fdb show` and never read the reply
  loop    issue commands in turn (port show, fdb summary, stats, neigh show,
          network show, offload show, lisp show), one every 20 ms, each
          answered before the next; on exit (after SECONDS, or at SIGTERM)
          print "commands N errors E p50_ms P50 p99_ms P99 max_ms MAX", then
          the five slowest ("slow MS COMMAND at SECONDS")
Each runs for SECONDS then exits (the first two just close their socket).
The protocol is nfvactl's: one command line in, one JSON line out."""

import json
import signal
import socket
import sys
import time

COMMANDS = ["port show", "fdb summary", "stats", "neigh show", "network show", "offload show",
            "lisp show"]


def connect(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    return s


def ask(path, line):
    """One command on a fresh connection, as nfvactl does; (ok, seconds)."""
    t0 = time.monotonic()
    s = connect(path)
    s.settimeout(10)
    s.sendall(line.encode() + b"\n")
    buf = b""
    while not buf.endswith(b"\n"):
        chunk = s.recv(65536)
        if not chunk:
            break
        buf += chunk
    s.close()
    secs = time.monotonic() - t0
    try:
        return json.loads(buf).get("status") == "ok", secs
    except ValueError:
        return False, secs


def loop(path, seconds):
    lat, errors, k, t_start = [], 0, 0, time.monotonic()
    end = t_start + seconds
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    while time.monotonic() < end and not stop:
        try:
            ok, secs = ask(path, COMMANDS[k % len(COMMANDS)])
        except OSError:
            ok, secs = False, 10.0
        errors += 0 if ok else 1
        lat.append((secs * 1000, COMMANDS[k % len(COMMANDS)], time.monotonic() - t_start))
        k += 1
        time.sleep(0.02)
    lat.sort()
    ms = [x[0] for x in lat]
    pick = (lambda q: ms[min(len(ms) - 1, int(q * len(ms)))]) if ms else (lambda q: 0)
    print(f"commands {len(ms)} errors {errors} p50_ms {pick(0.5):.1f} p99_ms {pick(0.99):.1f} "
          f"max_ms {ms[-1] if ms else 0:.1f}")
    for secs, cmd, at in reversed(lat[-5:]):
        print(f"slow {secs:.1f} {cmd!r} at {at:.1f} s")


def main():
    mode, path, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
    if mode == "loop":
        loop(path, seconds)
        return
    s = connect(path)
    if mode == "stalled":
        s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        s.sendall(b"fdb show\n")
    elif mode != "idle":
        sys.exit(__doc__)
    print("ready", flush=True)
    time.sleep(seconds)
    s.close()


if __name__ == "__main__":
    main()
