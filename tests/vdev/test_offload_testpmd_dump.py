#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Rules printed as testpmd commands, fed to a real dpdk-testpmd.

    test_offload_testpmd_dump (C)  --commands.txt-->  dpdk-testpmd -i on net_null0/net_null1
          |                                        | LD_PRELOAD offload_testpmd_shim.so
          +--expected.txt (rule as built)          +--actual.txt (rule as testpmd parsed it)

Asserts, for every command: testpmd echoed it and did not answer with a parse
error ("Bad arguments", "Command not found", ...); every "flow validate" got
an answer from past the parser (net_null has no rte_flow, so "Function not
implemented" is the expected one); and the rule testpmd handed to
rte_flow_validate() equals the rule the test built (flow_canon text).

usage: test_offload_testpmd_dump.py TEST_EXE SHIM_SO
Exit 77 (meson SKIP) when dpdk-testpmd is missing or cannot start.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

import nfvatest as t
from nfvatest import testpmd as tp


def blocks(text):
    """flow_canon text -> list of blocks (lists of lines), '= NAME' headers kept apart."""
    out, names, cur = [], [], None
    for line in text.splitlines():
        if line.startswith("= "):
            names.append(line[2:])
            continue
        if line.startswith("rule "):
            cur = [line]
        elif cur is not None:
            cur.append(line)
        if line == "end" and cur is not None:
            out.append(cur)
            cur = None
    return names, out


def as_testpmd_sees(line):
    """What testpmd 22.11 can express: a sample's represented_port goes as
    port_id (the printer says so in a note); decap without data takes
    testpmd's bytes."""
    line = re.sub(r"^  sub action REPRESENTED_PORT port=(\d+)$",
                  r"  sub action PORT_ID id=\1 original=0", line)
    return line


def same(expected, actual):
    if len(expected) != len(actual):
        return False
    for e, a in zip(expected, actual):
        e = as_testpmd_sees(e)
        if e.endswith(" data=-"):  # RAW_DECAP built from a size only
            a = re.sub(r" data=[0-9a-f]+$", " data=-", a)
        if e != a:
            return False
    return True


def run_printer(exe, tmp):
    """The C printer writes commands.txt, expected.txt into tmp; it checks
    its own output too (exit status)."""
    p = subprocess.run([exe, tmp], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    print(p.stdout, end="")
    t.check(p.returncode == 0, f"{exe} exited {p.returncode}")
    if not os.path.exists(os.path.join(tmp, "expected.txt")):
        t.finish()  # no files: nothing for testpmd (the failure above says why)
    if shutil.which("dpdk-testpmd") is None:
        if t.failed():
            t.finish()
        t.skip("dpdk-testpmd is not installed (Debian package dpdk); "
               "the printer's own checks passed")
    with open(os.path.join(tmp, "commands.txt")) as f:
        return [line.rstrip("\n") for line in f if line.strip()]


def sanitizer_runtimes(shim):
    """The ASan/UBSan runtimes a sanitizer build's shim links: preloaded first,
    as ASan demands of a program that was not built with it."""
    try:
        out = subprocess.run(["ldd", shim], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                             text=True, check=False).stdout
    except OSError:
        return []
    libs = []
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3 and parts[1] == "=>" and re.match(r"lib(asan|ubsan)\.so", parts[0]):
            libs.append(parts[2])
    return sorted(libs, key=lambda p: "asan" not in p)


def run_testpmd(commands, shim, canon_out):
    """testpmd's answers; the shim writes the rules it saw to canon_out."""
    env = dict(os.environ)
    preload = sanitizer_runtimes(shim) + [shim]
    env["LD_PRELOAD"] = ":".join(preload + ([env["LD_PRELOAD"]] if env.get("LD_PRELOAD") else []))
    if preload[0] != shim:
        # testpmd is not built with ASan: only the shim's own errors count
        env["ASAN_OPTIONS"] = "detect_leaks=0:" + env.get("ASAN_OPTIONS", "")
    env["NFVA_FLOW_CANON"] = canon_out
    try:
        out, prompt = tp.run_session(commands, env=env)
    except subprocess.TimeoutExpired:
        t.check(False, "dpdk-testpmd did not finish in 120 s")
        t.finish()
    if not prompt:
        t.skip("dpdk-testpmd did not reach its prompt (EAL without hugepages?):\n" + out[-2000:])
    return tp.answers(out)


def check_answers(commands, answers):
    """Every command echoed and answered as it should be; returns the number
    of `flow validate` lines."""
    for c in commands:
        t.check(len(c) <= tp.LINE_MAX, f"{len(c)} characters, testpmd reads {tp.LINE_MAX}: {c}")
    t.check(len(answers) == len(commands) + 1,
            f"{len(commands)} commands + quit sent, {len(answers)} prompts answered")
    validated = 0
    for c, (echo, answer) in zip(commands, answers):
        if not t.check(echo == c, f"testpmd echoed {echo!r} for {c!r}"):
            continue
        wrong = tp.judge(c, answer)
        if not t.check(wrong is None, f"testpmd's answer to: {c}: {wrong or 'right'}"):
            print(answer)
        validated += c.startswith("flow validate")
    return validated


def check_rules(tmp, canon, validated):
    """The rule testpmd handed to rte_flow_validate() is the rule built."""
    with open(os.path.join(tmp, "expected.txt")) as f:
        names, expected = blocks(f.read())
    actual = []
    if os.path.exists(canon):
        with open(canon) as f:
            actual = blocks(f.read())[1]
    t.check(validated == len(names), f"{len(names)} rules, {validated} flow validate lines")
    t.check(len(actual) == len(names),
            f"{len(names)} rules, testpmd handed {len(actual)} to rte_flow_validate")
    for name, e, a in zip(names, expected, actual):
        if name.endswith(" inexact"):
            continue
        if not t.check(same(e, a), f"rule {name} parsed by testpmd as built"):
            print("built:\n  " + "\n  ".join(e) + "\nparsed:\n  " + "\n  ".join(a))


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        sys.exit(2)
    exe, shim = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    tmp = tempfile.mkdtemp(prefix="nfva_testpmd_dump.")
    commands = run_printer(exe, tmp)
    canon = os.path.join(tmp, "actual.txt")
    validated = check_answers(commands, run_testpmd(commands, shim, canon))
    check_rules(tmp, canon, validated)
    if t.failed():
        print(f"files in {tmp}")
    else:
        print(f"ok: {len(commands)} commands parsed by dpdk-testpmd, {validated} rules")
        shutil.rmtree(tmp)


if __name__ == "__main__":
    t.main_guard(main)
