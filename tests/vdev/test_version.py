#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Versions and help, the same everywhere:
  - `nfva --version` (no EAL), `nfvactl --version` and the daemon's `version`
    command give the project version of meson.build and one git commit
    (the tree's `git describe` when the source is a git checkout);
  - debian/changelog packages that same version;
  - `nfva --help` prints EAL's options and then nfva's own (the EAL usage
    hook); `nfva -- --help` prints nfva's own without starting EAL;
  - `nfva --list-commands` (no EAL: what the man page and the completion are
    made from) is exactly what a running daemon's `help` answers.
"""

import json
import os
import re
import subprocess

import nfvatest as t

t.require_tools(tshark=False, scapy=False)
SRC = os.environ["NFVA_SOURCE_ROOT"]


def run(*args):
    p = subprocess.run(list(args), capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


def project_version():
    text = open(os.path.join(SRC, "meson.build")).read()
    return re.search(r"version:\s*'([^']+)'", text).group(1)


def main():
    version = project_version()
    rc, out, err = run(os.environ["NFVA"], "--version")
    m = re.fullmatch(r"nfva (\S+) \(git (\S+), DPDK (\S+)\)\n", out)
    t.check(rc == 0 and m is not None, f"nfva --version: {out.strip()} {err.strip()}")
    t.check_eq(m and m.group(1), version, "nfva --version: the project version")
    commit = m.group(2) if m else None
    t.check(commit not in (None, "", "unknown"), f"nfva --version: a commit ({commit})")
    if os.path.exists(os.path.join(SRC, ".git")) and commit:
        described = subprocess.run(["git", "-C", SRC, "describe", "--always", "--abbrev=12"],
                                   capture_output=True, text=True).stdout.strip()
        t.check_eq(commit.removesuffix("-dirty"), described,
                   "the commit is the tree's git describe")
    rc, out, _ = run(os.environ["NFVACTL"], "--version")
    t.check_eq((rc, out), (0, f"nfvactl {version} (git {commit})\n"), "nfvactl --version")

    changelog = open(os.path.join(SRC, "debian", "changelog")).readline()
    t.check_eq(re.match(r"nfva \(([^)]+)\)", changelog).group(1), version,
               "debian/changelog: the same version")

    rc, out, err = run(os.environ["NFVA"], "--help")
    t.check(rc == 0, f"nfva --help exits 0 ({rc})")
    t.check("--no-huge" in out + err, "nfva --help: EAL's options")
    for opt in ("--config FILE", "--autosave", "--check-config FILE", "--list-commands"):
        t.check(opt in out, f"nfva --help: nfva's option {opt}")
    rc, out, err = run(os.environ["NFVA"], "--", "--help")
    t.check(rc == 0 and "--autosave" in out and "EAL: " not in out + err,
            f"nfva -- --help: nfva's options, EAL not started ({err.strip()[:200]})")

    rc, out, _ = run(os.environ["NFVA"], "--list-commands")
    listed = json.loads(out) if rc == 0 else None
    d = t.Daemon("version", 1, [])
    try:
        d.start()
        t.check_eq(d.ctl("version"), {"version": version, "commit": commit,
                                      "dpdk": f"DPDK {m.group(3) if m else '?'}"},
                   "the version command")
        t.check_eq(listed, d.ctl("help"), "nfva --list-commands = the daemon's help")
        t.check(any(c["command"] == "config save [PATH]" for c in listed or []),
                "the grammar lists config save")
        d.stop_checked()
    finally:
        d.cleanup()


t.main_guard(main)
