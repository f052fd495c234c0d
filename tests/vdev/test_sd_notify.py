#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""systemd's notification protocol (nfva.service is Type=notify), spoken to a
datagram socket of the test's own as $NOTIFY_SOCKET:
  1. READY=1 (with a STATUS) is the first message, and when nfva answers its
     socket the startup configuration is in force; with WATCHDOG_USEC=1 s,
     WATCHDOG=1 comes every half second from the control loop (4 to 8 in
     3 s); SIGTERM: STOPPING=1, exit 0;
  2. a startup file with a bad line: no READY=1 ever, exit status 1;
  3. WATCHDOG_PID of another process: READY=1 but no WATCHDOG=1 (the
     watchdog is not ours to ping); an abstract socket (@name) works.
"""

import os
import signal
import socket
import time

import nfvatest as t

t.require_tools(tshark=False, scapy=False)


def listen(path):
    s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    s.bind("\0" + path[1:] if path.startswith("@") else path)
    s.settimeout(0.2)
    return s


def drain(s, seconds):
    """The messages received within seconds."""
    msgs, end = [], time.monotonic() + seconds
    while time.monotonic() < end:
        try:
            msgs.append(s.recv(4096).decode())
        except socket.timeout:
            pass
    return msgs


def daemon(name, path, env_extra, config):
    d = t.Daemon(name, ["p0", "p1"], config)
    d.env = dict(os.environ, NOTIFY_SOCKET=path, **env_extra)
    return d


def ready_and_watchdog():
    d = daemon("notify", None, {}, ["network add n1", "network n1 attach p0"])
    path = d.path("notify.sock")
    d.env["NOTIFY_SOCKET"] = path
    d.env["WATCHDOG_USEC"] = "1000000"
    s = listen(path)
    try:
        d.start()
        first = drain(s, 0.3)[:1]
        t.check(first and first[0].startswith("READY=1\nSTATUS=running"),
                f"1: READY=1 with a STATUS first ({first})")
        nets = d.ctl("network", "show")
        t.check_eq([(n["name"], [m["port"] for m in n["members"]]) for n in nets],
                   [("n1", ["p0"])], "1: at READY the startup configuration is in force")
        msgs = drain(s, 3.0)
        pings = msgs.count("WATCHDOG=1")
        t.check(4 <= pings <= 8, f"1: WATCHDOG=1 every 0.5 s: {pings} in 3 s")
        t.check_eq(set(msgs), {"WATCHDOG=1"}, "1: nothing else meanwhile")
        d.proc.send_signal(signal.SIGTERM)
        rc = d.proc.wait(30)
        d.proc = None
        t.check_eq(rc, 0, "1: SIGTERM: exit 0")
        t.check("STOPPING=1" in drain(s, 0.5), "1: STOPPING=1 at shutdown")
    finally:
        s.close()
        d.cleanup()


def bad_config():
    d = daemon("notify-bad", None, {}, [])
    path = d.path("notify.sock")
    d.env["NOTIFY_SOCKET"] = path
    s = listen(path)
    try:
        d.write_files("network add n1\nnetwork n1 attach nosuch\n")
        rc = os.spawnve(os.P_WAIT, os.environ["NFVA"], d.command(), d.env)
        t.check_eq(rc, 1, "2: a bad startup file: exit 1")
        t.check("READY=1" not in "".join(drain(s, 0.5)), "2: and no READY=1")
    finally:
        s.close()
        d.cleanup()


def foreign_watchdog_abstract():
    path = f"@nfva-test-notify-{os.getpid()}"
    d = daemon("notify-pid", path, {"WATCHDOG_USEC": "1000000", "WATCHDOG_PID": "1"}, [])
    s = listen(path)
    try:
        d.start()
        msgs = drain(s, 2.0)
        t.check(any(m.startswith("READY=1") for m in msgs), "3: READY=1 on an abstract socket")
        t.check_eq(msgs.count("WATCHDOG=1"), 0, "3: WATCHDOG_PID not ours: no WATCHDOG=1")
        d.stop_checked()
    finally:
        s.close()
        d.cleanup()


def main():
    ready_and_watchdog()
    bad_config()
    foreign_watchdog_abstract()


t.main_guard(main)
