#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Rules printed as testpmd commands, fed to a real dpdk-testpmd.

    test_testpmd_dump (C)  --commands.txt-->  dpdk-testpmd -i on net_null0/net_null1
          |                                        | LD_PRELOAD testpmd_shim.so
          +--expected.txt (rule as built)          +--actual.txt (rule as testpmd parsed it)

Asserts, for every command: testpmd echoed it and did not answer with a parse
error ("Bad arguments", "Command not found", ...); every "flow validate" got
an answer from past the parser (net_null has no rte_flow, so "Function not
implemented" is the expected one); and the rule testpmd handed to
rte_flow_validate() equals the rule the test built (flow_canon text).

usage: test_testpmd_dump.py TEST_EXE SHIM_SO
Exit 77 (meson SKIP) when dpdk-testpmd is missing or cannot start.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

SKIP = 77
PARSE_ERRORS = ("Bad arguments", "Command not found", "Ambiguous command", "bad ")
VALIDATE_ANSWERS = ("Function not implemented", "Caught PMD error", "Flow rule validated")
LINE_MAX = 512  # testpmd's command line buffer

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print(f"FAIL: {what}")
    return cond


def skip(reason):
    print(f"SKIP: {reason}")
    sys.exit(SKIP)


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


def run_testpmd(commands, shim, canon_out):
    prefix = f"nfva_tpd_{os.getpid()}"
    cmd = ["dpdk-testpmd", "--no-huge", "-m", "256", "--no-pci", "--file-prefix", prefix,
           "--vdev", "net_null0", "--vdev", "net_null1", "--log-level", "lib.eal:error",
           "--", "-i", "--total-num-mbufs=8192"]
    env = dict(os.environ)
    env["LD_PRELOAD"] = shim + (":" + env["LD_PRELOAD"] if env.get("LD_PRELOAD") else "")
    env["NFVA_FLOW_CANON"] = canon_out
    try:
        p = subprocess.run(cmd, input="\n".join(commands + ["quit"]) + "\n", env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=120)
    except subprocess.TimeoutExpired:
        check(False, "dpdk-testpmd did not finish in 120 s")
        return None
    finally:  # EAL leaves its runtime directory behind
        for base in ("/var/run/dpdk", os.path.join(os.environ.get("XDG_RUNTIME_DIR", "/tmp"), "dpdk")):
            shutil.rmtree(os.path.join(base, prefix), ignore_errors=True)
    if "testpmd> " not in p.stdout:
        skip("dpdk-testpmd did not reach its prompt (EAL without hugepages?):\n"
             + p.stdout[-2000:])
    return p.stdout


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    exe, shim = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    tmp = tempfile.mkdtemp(prefix="nfva_testpmd_dump.")
    p = subprocess.run([exe, tmp], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    print(p.stdout, end="")
    check(p.returncode == 0, f"{exe} exited {p.returncode}")
    if not os.path.exists(os.path.join(tmp, "expected.txt")):
        return 1  # no files: nothing for testpmd
    if shutil.which("dpdk-testpmd") is None:
        if failures:
            return 1
        skip("dpdk-testpmd is not installed (Debian package dpdk); "
             "the printer's own checks passed")

    with open(os.path.join(tmp, "commands.txt")) as f:
        commands = [l.rstrip("\n") for l in f if l.strip()]
    for c in commands:
        check(len(c) <= LINE_MAX, f"{len(c)} characters, testpmd reads {LINE_MAX}: {c}")

    canon = os.path.join(tmp, "actual.txt")
    out = run_testpmd(commands, shim, canon)
    if out is None:
        return 1

    # The echo of each command follows a prompt; its answer runs to the next prompt.
    chunks = out.split("testpmd> ")[1:]
    answers = []
    for chunk in chunks:
        echo, _, answer = chunk.partition("\n")
        answers.append((echo.strip(), answer))
    check(len(answers) == len(commands) + 1,
          f"{len(commands)} commands + quit sent, {len(answers)} prompts answered")
    validated = 0
    for c, (echo, answer) in zip(commands, answers):
        if not check(echo == c, f"testpmd echoed {echo!r} for {c!r}"):
            continue
        bad = [e for e in PARSE_ERRORS if e in answer]
        check(not bad, f"parse error {bad} for: {c}\n{answer}")
        if c.startswith("flow validate"):
            validated += 1
            check(any(a in answer for a in VALIDATE_ANSWERS),
                  f"no answer from past the parser for: {c}\n{answer}")
        elif c.startswith("#") or c.startswith("set "):
            check(answer.strip() == "", f"unexpected answer to: {c}\n{answer}")

    with open(os.path.join(tmp, "expected.txt")) as f:
        names, expected = blocks(f.read())
    actual = []
    if os.path.exists(canon):
        with open(canon) as f:
            actual = blocks(f.read())[1]
    check(validated == len(names), f"{len(names)} rules, {validated} flow validate lines")
    check(len(actual) == len(names),
          f"{len(names)} rules, testpmd handed {len(actual)} to rte_flow_validate")
    for name, e, a in zip(names, expected, actual):
        if name.endswith(" inexact"):
            continue
        check(same(e, a), f"rule {name}: testpmd parsed another rule\n"
              f"built:\n  " + "\n  ".join(e) + "\nparsed:\n  " + "\n  ".join(a))
        if same(e, a):
            print(f"ok: rule {name} parsed by testpmd as built")

    if failures:
        print(f"{len(failures)} failure(s); files in {tmp}")
        return 1
    print(f"ok: {len(commands)} commands parsed by dpdk-testpmd, {validated} rules")
    shutil.rmtree(tmp)
    return 0


if __name__ == "__main__":
    sys.exit(main())
