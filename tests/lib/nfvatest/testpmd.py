# SPDX-License-Identifier: BSD-3-Clause
"""dpdk-testpmd as a parser of rules: lines typed at its prompt on two
net_null ports (no hugepages), and its answers read back.

net_null has no rte_flow, so a rule that testpmd *parsed* gets an answer from
past the parser ("Function not implemented" from rte_flow_validate); a line
it could not parse gets "Bad arguments" (or another parser complaint).

Lab replay of `nfvactl offload dump testpmd`: every `flow create` becomes
`flow validate` (nothing is created), the `set ...` lines the rules need and
the `# ...` notes are sent as they are. Port ids: the dump names nfva's
ethdev ids (the transfer proxy after `flow create`, represented ports in
items and actions). testpmd here has ports 0 and 1 only, so an id above 1 is
replaced by 1 (0 and 1 are kept): the grammar is what is checked, not which
port a rule would program.

    python3 -m nfvatest.testpmd DUMP...   exit 0: every line parsed; 1: not; 77: no testpmd
    replay(lines) -> (status, report)     for the Python tests
"""

import os
import re
import shutil
import subprocess
import sys

SKIP = 77
PARSE_ERRORS = ("Bad arguments", "Command not found", "Ambiguous command", "bad ",
                "Invalid port", "invalid port")
VALIDATE_ANSWERS = ("Function not implemented", "Caught PMD error", "Flow rule validated")
LINE_MAX = 512  # testpmd's command line buffer (RDLINE_BUF_SIZE)


def run_session(commands, env=None, timeout=120):
    """stdout of a testpmd session typing commands then quit (it raises
    subprocess.TimeoutExpired), and whether it reached its prompt."""
    prefix = f"nfva_testpmd_{os.getpid()}"
    cmd = ["dpdk-testpmd", "--no-huge", "-m", "256", "--no-pci", "--file-prefix", prefix,
           "--vdev", "net_null0", "--vdev", "net_null1", "--log-level", "lib.eal:error",
           "--", "-i", "--total-num-mbufs=8192"]
    try:
        p = subprocess.run(cmd, input="\n".join(commands + ["quit"]) + "\n", env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                           timeout=timeout)
    finally:  # EAL leaves its runtime directory behind
        for base in ("/var/run/dpdk",
                     os.path.join(os.environ.get("XDG_RUNTIME_DIR", "/tmp"), "dpdk")):
            shutil.rmtree(os.path.join(base, prefix), ignore_errors=True)
    return p.stdout, "testpmd> " in p.stdout


def answers(out):
    """[(echo, answer)]: the echo of each command follows a prompt; its answer
    runs to the next prompt."""
    res = []
    for chunk in out.split("testpmd> ")[1:]:
        echo, _, answer = chunk.partition("\n")
        res.append((echo.strip(), answer))
    return res


def judge(command, answer):
    """None when testpmd's answer is right for the command, else what is wrong."""
    errs = [e for e in PARSE_ERRORS if e in answer]
    if errs:
        return f"parse error {errs}"
    if command.startswith("flow validate"):
        if not any(a in answer for a in VALIDATE_ANSWERS):
            return "no answer from past the parser"
    elif command.startswith("set ") or command.startswith("#"):
        if answer.strip():
            return "unexpected answer"
    return None


def map_ports(line):
    """flow create N -> flow validate N'; ethdev_port_id N -> N' (N' = N if N <= 1 else 1)."""
    def m(n):
        n = int(n)
        return str(n if n <= 1 else 1)
    line = re.sub(r"^flow create (\d+)", lambda g: "flow validate " + m(g.group(1)), line)
    line = re.sub(r"(ethdev_port_id (?:is )?)(\d+)", lambda g: g.group(1) + m(g.group(2)), line)
    line = re.sub(r"(port_id (?:is |id )?)(\d+)", lambda g: g.group(1) + m(g.group(2)), line)
    return line


def commands_of(lines):
    return [map_ports(line.rstrip("\n")) for line in lines if line.strip()]


def replay(lines):
    """Returns (status, report): status 0 ok, 1 a line not parsed, SKIP no testpmd."""
    if shutil.which("dpdk-testpmd") is None:
        return SKIP, "dpdk-testpmd is not installed (Debian package dpdk)"
    commands = commands_of(lines)
    n_rules = sum(c.startswith("flow validate ") for c in commands)
    if n_rules == 0:
        return 1, "no `flow create` line in the dump"
    report = [f"FAIL: {len(c)} characters, testpmd reads {LINE_MAX}: {c}"
              for c in commands if len(c) > LINE_MAX]
    try:
        out, prompt = run_session(commands)
    except subprocess.TimeoutExpired:
        return 1, "dpdk-testpmd did not finish in 120 s"
    if not prompt:
        return SKIP, "dpdk-testpmd did not reach its prompt:\n" + out[-2000:]
    got = answers(out)
    if len(got) != len(commands) + 1:
        report.append(f"FAIL: {len(commands)} commands + quit sent, {len(got)} prompts answered")
    validated = 0
    for c, (echo, answer) in zip(commands, got):
        wrong = f"testpmd echoed {echo!r}" if echo != c else judge(c, answer)
        if wrong:
            report.append(f"FAIL: {wrong} for: {c}\n    {answer.strip()}")
        elif c.startswith("flow validate"):
            validated += 1
            first = answer.strip().splitlines()[0] if answer.strip() else ""
            report.append(f"ok: parsed, PMD answered [{first}]: {c}")
        else:
            report.append(f"ok: accepted: {c}")
    bad = sum(r.startswith("FAIL") for r in report)
    report.append(f"{'ok' if bad == 0 else 'FAIL'}: {validated}/{n_rules} rules parsed by "
                  f"dpdk-testpmd, {len(commands)} lines")
    return (0 if bad == 0 and validated == n_rules else 1), "\n".join(report)


def check_replay(lines):
    """A test's dump replayed through dpdk-testpmd: every line must parse.
    Without testpmd this says so and checks nothing more (the caller's own
    checks of the dump stand)."""
    from nfvatest.check import check_eq
    status, report = replay(lines)
    print(report)
    if status != SKIP:
        check_eq(status, 0, "dpdk-testpmd parsed every dumped line")


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    lines = []
    for path in argv[1:]:
        with open(path) as f:
            lines += f.read().splitlines()
    status, report = replay(lines)
    print(report)
    if status == SKIP:
        print(f"SKIP: {report.splitlines()[0]}")
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
