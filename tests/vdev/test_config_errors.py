#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Configuration and command errors: named by FILE:LINE, and they change nothing.

Startup configuration (no traffic):
  - a syntax error on line 7 (vlan 5000, an unknown command, a missing
    argument): nfva exits non-zero, stderr names CONF:7: and the reason,
    and no earlier `port add` ran (all lines are parsed first): its tx pcap
    does not exist and no control socket was opened;
  - a semantic error (attach of a port that does not exist, an attachment
    twice, a static entry on a port outside the network): CONF:LINE: too;
  - a missing configuration file: its path and the errno text.
Running daemon (p0 p1 in n1):
  - nfvactl with an unknown command: `Error: unknown command` on stderr, exit 1;
  - failing commands (duplicate attach, vlan 5000, duplicate port/network,
    non-unicast static MAC, attach to a missing network, detach of a
    non-member, port add of a device that cannot be probed) exit 1 and leave
    `port show`, `network show` and `fdb show` as they were.
"""

import os
import subprocess

import nfvatest as t

t.require_tools()


def config_with(d, line7, extra=()):
    """Seven-line configuration: comment, ports, blank line, network; line 7 given."""
    lines = ["# vdev config error test",              # 1
             f"port add p0 dev {d.devargs(0)}",       # 2
             f"port add p1 dev {d.devargs(1)}",       # 3
             "",                                      # 4
             "network add n1",                        # 5
             "network n1 attach p1   # trailing comment",  # 6
             line7] + list(extra)                     # 7
    return "\n".join(lines) + "\n"


def check_syntax_error(line7, reason, name):
    d = t.Daemon(f"conf-{name}", 2, [])
    try:
        rc, _, err = d.run_to_exit(config_with(d, line7, ["network n1 attach p0 vlan 10"]))
        t.check(rc != 0, f"{name}: nfva exits non-zero on a bad line 7 (rc {rc})")
        t.check(f"{d.conf}:7: " in err, f"{name}: stderr names {d.conf}:7:")
        if not t.check(reason in err, f"{name}: stderr gives the reason '{reason}'"):
            print(err)
        t.check(not os.path.exists(d.out_path("p0")),
                f"{name}: line 2 `port add p0` never ran (no out0.pcap)")
        t.check(not os.path.exists(d.sock), f"{name}: no control socket was opened")
    finally:
        d.cleanup()


def check_semantic_error(lines, lineno, reason, name):
    d = t.Daemon(f"conf-{name}", 2, [])
    try:
        text = "\n".join(lines(d)) + "\n"
        rc, _, err = d.run_to_exit(text)
        t.check(rc != 0, f"{name}: nfva exits non-zero (rc {rc})")
        if not t.check(f"nfva: {d.conf}:{lineno}: {reason}" in err,
                       f"{name}: stderr says 'nfva: {d.conf}:{lineno}: {reason}'"):
            print(err)
        for marker in ("runtime error:", "ERROR: AddressSanitizer", "ERROR: LeakSanitizer"):
            t.check(marker not in err, f"{name}: no '{marker}' in stderr")
        t.check(not os.path.exists(d.sock), f"{name}: no control socket left behind")
    finally:
        d.cleanup()


def startup_errors():
    check_syntax_error("network n1 attach p0 vlan 5000",
                       "invalid VLAN '5000': expected a VLAN id (1-4094)", "vlan5000")
    check_syntax_error("frobnicate the network", "unknown command 'frobnicate'", "unknown")
    check_syntax_error("network n1 attach", "missing PORT", "missing-arg")
    check_syntax_error("port add p2 dev \"unterminated", "unterminated quote", "quote")

    check_semantic_error(lambda d: [f"port add p0 dev {d.devargs(0)}",
                                    f"port add p1 dev {d.devargs(1)}",
                                    "network add n1",
                                    "network n1 attach p0",
                                    "network n1 attach p9"],
                         5, "no port named p9", "no-such-port")
    check_semantic_error(lambda d: [f"port add p0 dev {d.devargs(0)}",
                                    "network add n1",
                                    "",
                                    "network n1 attach p0 vlan 7",
                                    "network n1 attach p0 vlan 7"],
                         5, "this attachment already belongs to network n1", "attach-twice")
    check_semantic_error(lambda d: [f"port add p0 dev {d.devargs(0)}",
                                    f"port add p1 dev {d.devargs(1)}",
                                    "network add n1",
                                    "network n1 attach p0",
                                    "fdb add 02:00:00:00:00:01 network n1 port p1"],
                         5, "port p1 is not attached to network n1", "fdb-not-member")
    check_semantic_error(lambda d: ["network add n1", "network add n1"],
                         2, "network n1 exists", "network-twice")

    d = t.Daemon("conf-missing", 1, [])
    try:
        proc = subprocess.run(d.command(config_path=d.path("does-not-exist.conf")),
                              capture_output=True, text=True, timeout=60)
        if proc.returncode != 0:
            d.skip_if_eal_failed(proc.stderr)
        t.check(proc.returncode != 0, f"missing config: exits non-zero ({proc.returncode})")
        t.check(f"{d.path('does-not-exist.conf')}: No such file or directory" in proc.stderr,
                "missing config: stderr names the file and the errno")
    finally:
        d.cleanup()


def state(d):
    return (d.ctl("port", "show"), d.ctl("network", "show"), d.ctl("fdb", "show"))


def strip_volatile(st):
    """Counters and ages may move on their own; the configuration must not."""
    ports, nets, fdb = st
    ports = [{k: p[k] for k in p if k != "counters"} for p in ports]
    fdb = [{k: e[k] for k in e if k != "age"} for e in fdb]
    return ports, nets, fdb


def runtime_errors():
    d = t.Daemon("conf-runtime", 2, ["network add n1", "network n1 attach p0",
                                     "network n1 attach p1 vlan 10",
                                     "fdb add 02:00:00:00:00:01 network n1 port p1 vlan 10"])
    try:
        d.start()
        before = strip_volatile(state(d))
        t.check_eq([m["port"] for m in before[1][0]["members"]], ["p0", "p1"],
                   "runtime: n1 has members p0 and p1")

        rc, out, err = d.ctl_raw("frobnicate", json_out=False)
        t.check_eq(rc, 1, "runtime: unknown command exits 1")
        t.check(err.startswith("Error: unknown command"),
                f"runtime: stderr starts with 'Error: unknown command' ({err.strip()!r})")
        t.check_eq(out, "", "runtime: nothing on stdout for an error")

        failing = [
            (["network", "n1", "attach", "p0"], "this attachment already belongs to network n1"),
            (["network", "n1", "attach", "p1", "vlan", "10"],
             "this attachment already belongs to network n1"),
            (["network", "n1", "attach", "p0", "vlan", "5000"], "invalid VLAN '5000'"),
            (["network", "n2", "attach", "p0"], "no network named n2"),
            (["network", "n1", "detach", "p1"], "not attached to network n1"),
            (["network", "add", "n1"], "network n1 exists"),
            (["port", "add", "p0", "dev", f"net_pcap7,rx_pcap={d.in_path('p0')},"
              f"tx_pcap={d.path('out7.pcap')}"], "port p0 exists"),
            (["port", "add", "p2", "dev", f"net_pcap2,rx_pcap={d.path('missing.pcap')},"
              f"tx_pcap={d.path('out2.pcap')}"], "cannot probe"),
            (["fdb", "add", "ff:ff:ff:ff:ff:ff", "network", "n1", "port", "p0"],
             "not a unicast MAC"),
            (["fdb", "add", "02:00:00:00:00:02", "network", "n1", "port", "p1"],
             "port p1 is not attached to network n1"),
            (["fdb", "del", "02:00:00:00:00:03", "network", "n1"], "no entry for"),
            (["port", "del", "p9"], "no port named p9"),
        ]
        for words, reason in failing:
            rc, out, err = d.ctl_raw(*words)
            what = " ".join(words[:4])
            t.check_eq(rc, 1, f"runtime: `{what}` fails with exit 1")
            t.check(err.startswith("Error: ") and reason in err,
                    f"runtime: `{what}` says '{reason}' ({err.strip()!r})")
        after = strip_volatile(state(d))
        t.check_eq(after, before, "runtime: port/network/fdb state unchanged by the failures")
        t.check_eq([(n["name"], n["members"]) for n in after[1]],
                   [("n1", [{"port": "p0", "vlan": None}, {"port": "p1", "vlan": 10}])],
                   "runtime: network show n1 still has exactly one p0 and one p1 member")

        # A failing command does not spoil the next good one.
        d.ctl("network", "add", "n2")
        t.check_eq([m for n in d.ctl("network", "show") if n["name"] == "n2"
                    for m in n["members"]], [], "runtime: network add n2 works afterwards")
        d.stop_checked()
    finally:
        d.cleanup()


def main():
    startup_errors()
    runtime_errors()


if __name__ == "__main__":
    t.main_guard(main)
