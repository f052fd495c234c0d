# SPDX-License-Identifier: BSD-3-Clause
"""The judge of the shell helper check_pcap (wire.sh): tshark's fields of the
matching frames on stdin, one frame a line, '|'-separated, in the order of
the FIELD=PYEXPR arguments.

    python3 -m nfvatest.fieldcheck MIN FIELD=PYEXPR...

Prints the number of frames when there are at least MIN and, in each, every
field (the string v; i(x) parses an integer) makes its PYEXPR true; else
"BAD" and what was wrong."""

import sys


def judge(rows, minimum, specs):
    bad = []
    for k, (field, expr) in enumerate(specs):
        wrong = set()
        for r in rows:
            v = r[k] if k < len(r) else ""
            try:
                ok = eval(expr, {"v": v, "i": lambda x: int(x, 0)})
            except Exception:
                ok = False
            if not ok:
                wrong.add(v)
        if wrong:
            bad.append("%s [%s] got %s" % (field, expr, " ".join(sorted(wrong)[:5]) or "(empty)"))
    if len(rows) < minimum:
        bad.append("only %d frames, expected >= %d" % (len(rows), minimum))
    return ("BAD " + "; ".join(bad)) if bad else "%d" % len(rows)


def main(argv):
    specs = [a.split("=", 1) for a in argv[2:]]
    rows = [line.rstrip("\n").split("|") for line in sys.stdin if line.strip()]
    print(judge(rows, int(argv[1]), specs))


if __name__ == "__main__":
    main(sys.argv)
