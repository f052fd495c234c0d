#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Unit test of nfvactl against a fake daemon.

The fake daemon listens on a temporary UNIX socket, records the command line
it receives and answers one canned reply, so the test checks both what
nfvactl sends (quoting) and what it prints (tables, sections, -j, errors)
without DPDK. Usage: test_cli_nfvactl.py PATH/TO/nfvactl
"""

import json
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time

NFVACTL = None
SOCKDIR = None
FAILURES = []


class FakeDaemon:
    """Accept one connection, read one line, answer `reply` (bytes or None).

    reply None: keep the connection open without answering (timeout test).
    """

    def __init__(self, reply):
        self.path = os.path.join(SOCKDIR, "nfva.sock")
        if os.path.exists(self.path):
            os.unlink(self.path)
        self.reply = reply
        self.received = None
        self.srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.srv.bind(self.path)
        self.srv.listen(1)
        self.srv.settimeout(10)
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        try:
            conn, _ = self.srv.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(10)
            data = b""
            while not data.endswith(b"\n"):
                chunk = conn.recv(4096)
                if not chunk:
                    return
                data += chunk
            self.received = data.decode()
            try:
                if self.reply is None:
                    while conn.recv(4096):  # until the client gives up
                        pass
                else:
                    conn.sendall(self.reply)
            except OSError:
                pass

    def close(self):
        self.srv.close()
        self.thread.join(10)


def run(args, reply, env=None, sock_opt=True):
    """Run nfvactl against a fake daemon; returns (rc, out, err, line)."""
    if isinstance(reply, (dict, list)):
        reply = (json.dumps(reply) + "\n").encode()
    elif isinstance(reply, str):
        reply = reply.encode()
    daemon = FakeDaemon(reply)
    cmd = [NFVACTL] + (["-s", daemon.path] if sock_opt else []) + args
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60,
                          env=env)
    daemon.close()
    return proc.returncode, proc.stdout, proc.stderr, daemon.received


def ok(result):
    return {"status": "ok", "result": result}


def check(name, cond, detail=""):
    if not cond:
        FAILURES.append(name)
        print(f"FAIL {name}\n{detail}", file=sys.stderr)
    else:
        print(f"ok   {name}")


def check_output(name, args, reply, expected):
    rc, out, err, _ = run(args, reply)
    check(name, rc == 0 and out == expected and err == "",
          f"rc={rc}\n--- expected\n{expected}--- got\n{out}--- stderr\n{err}")


def test_table():
    rows = [
        {"name": "vx0", "mac": "02:00:00:00:00:01", "port": 1},
        {"name": "vx1", "mac": "02:00:00:00:00:02", "port": 12,
         "up": True, "vteps": ["10.0.0.1", "10.0.0.2"]},
        {"name": "long-name", "port": None, "up": False,
         "rule": {"state": "software", "why": "no vxlan"},
         "hits": 1.5, "acts": [{"a": 1}]},
    ]
    expected = (
        "NAME       MAC                PORT  UP   VTEPS              "
        "RULE                         HITS  ACTS\n"
        "vx0        02:00:00:00:00:01  1     -    -                  "
        "-                            -     -\n"
        "vx1        02:00:00:00:00:02  12    yes  10.0.0.1,10.0.0.2  "
        "-                            -     -\n"
        "long-name  -                  -     no   -                  "
        "state=software why=no vxlan  1.5   [{\"a\":1}]\n")
    check_output("table", ["fdb", "show"], ok(rows), expected)


def test_sections():
    result = {
        "name": "net1",
        "vni": 100,
        "learning": True,
        "vteps": [],
        "counters": {"rx": 10, "tx": 20, "drops": {"no_fdb": 1}},
        "ports": [{"name": "vf0", "vlan": 10}, {"name": "uplink0"}],
    }
    expected = (
        "name:     net1\n"
        "vni:      100\n"
        "learning: yes\n"
        "vteps:    (none)\n"
        "\n"
        "counters:\n"
        "  rx: 10\n"
        "  tx: 20\n"
        "\n"
        "  drops:\n"
        "    no_fdb: 1\n"
        "\n"
        "ports:\n"
        "  NAME     VLAN\n"
        "  vf0      10\n"
        "  uplink0  -\n")
    check_output("sections", ["network", "show", "net1"], ok(result), expected)


def test_scalars():
    check_output("scalar array", ["x"], ok(["a", 2, 0.25, None]),
                 "a\n2\n0.25\n-\n")
    check_output("scalar", ["x"], ok("hello"), "hello\n")
    check_output("multi-line text", ["x"], ok("l1\nl2\n"), "l1\nl2\n")
    check_output("null", ["x"], ok(None), "")
    check_output("missing result", ["x"], {"status": "ok"}, "")


def test_json():
    result = {"b": [1, 2], "a": {"c": None}}
    check_output("-j", ["-j", "x"], ok(result),
                 '{"b":[1,2],"a":{"c":null}}\n')
    rc, out, err, _ = run(["-j", "-p", "x"], ok(result))
    check("-j -p", rc == 0 and json.loads(out) == result and "\n  " in out,
          f"rc={rc} out={out!r} err={err!r}")
    check_output("-j null", ["-j", "x"], ok(None), "")
    check_output("-j scalar", ["--json", "x"], ok(3), "3\n")


def test_errors():
    for args in (["port", "del", "p9"], ["-j", "port", "del", "p9"]):
        rc, out, err, _ = run(args, {"status": "error",
                                     "error": "no such port 'p9'"})
        check(f"error {args[0]}", rc == 1 and out == "" and
              err == "Error: no such port 'p9'\n",
              f"rc={rc} out={out!r} err={err!r}")
    for name, reply in (("garbage", "not json\n"),
                        ("no status", '{"result":1}\n'),
                        ("truncated", '{"status":"ok"'),
                        ("no reply", "")):
        rc, out, err, _ = run(["x"], reply)
        check(f"malformed {name}", rc == 1 and out == "" and
              err.startswith("Error: "), f"rc={rc} out={out!r} err={err!r}")


def test_connect_and_timeout():
    missing = os.path.join(SOCKDIR, "missing.sock")
    proc = subprocess.run([NFVACTL, "-s", missing, "x"], capture_output=True,
                          text=True, timeout=60)
    check("cannot connect", proc.returncode == 1 and proc.stderr ==
          f"Error: cannot connect to {missing}: No such file or directory\n",
          f"rc={proc.returncode} err={proc.stderr!r}")
    start = time.monotonic()
    rc, _, err, _ = run(["-t", "0.3", "x"], None)
    took = time.monotonic() - start
    check("timeout", rc == 1 and "Error: " in err and took < 5,
          f"rc={rc} err={err!r} took={took:.1f}s")


def test_quoting_and_socket():
    rc, _, _, line = run(["fdb", "add", "a b", "", 'x"y', "c\\d", "-f"],
                         ok(None))
    expected = 'fdb add "a b" "" "x\\"y" "c\\\\d" -f\n'
    check("quoting", rc == 0 and line == expected,
          f"rc={rc}\nexpected {expected!r}\ngot      {line!r}")
    env = dict(os.environ, NFVA_SOCKET=os.path.join(SOCKDIR, "nfva.sock"))
    rc, out, _, line = run(["stats"], ok(1), env=env, sock_opt=False)
    check("NFVA_SOCKET", rc == 0 and line == "stats\n" and out == "1\n",
          f"rc={rc} line={line!r}")
    proc = subprocess.run([NFVACTL], capture_output=True, timeout=60)
    check("no command", proc.returncode == 2 and b"Usage" in proc.stderr)


def test_large_reply():
    rows = [{"mac": f"02:00:00:{i >> 16 & 255:02x}:{i >> 8 & 255:02x}:"
             f"{i & 255:02x}", "port": i % 7} for i in range(200000)]
    rc, out, err, _ = run(["fdb", "show"], ok(rows))
    lines = out.splitlines()
    check("large reply", rc == 0 and len(lines) == 200001 and
          lines[-1] == f"02:00:00:03:0d:3f  {199999 % 7}", f"rc={rc} err={err!r} "
          f"lines={len(lines)} last={lines[-1:]!r}")


def main():
    global NFVACTL, SOCKDIR
    if len(sys.argv) != 2:
        print("usage: test_cli_nfvactl.py NFVACTL", file=sys.stderr)
        return 2
    NFVACTL = os.path.abspath(sys.argv[1])
    with tempfile.TemporaryDirectory(prefix="nfvactl-") as SOCKDIR:
        test_table()
        test_sections()
        test_scalars()
        test_json()
        test_errors()
        test_connect_and_timeout()
        test_quoting_and_socket()
        test_large_reply()
    if FAILURES:
        print(f"{len(FAILURES)} failed: {', '.join(FAILURES)}",
              file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
