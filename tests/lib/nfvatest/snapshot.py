# SPDX-License-Identifier: BSD-3-Clause
"""Counter deltas between two snapshots written by the shell helper `snap`
(nfva.sh: {"ports": `port show stats`, "stats": `stats`, "mirrors": `mirror show`}).

    python3 -m nfvatest.snapshot port A.json B.json PORT KEY   # B - A of a port counter
    python3 -m nfvatest.snapshot offload A.json B.json KEY     # B - A of an offload counter
"""

import json
import sys


def port_counter(snap, port, key):
    return snap["ports"][port][key]


def offload_counter(snap, key):
    return snap["stats"]["offload"][key]


def main(argv):
    what, a, b = argv[1], *(json.load(open(p)) for p in argv[2:4])
    if what == "port":
        print(port_counter(b, *argv[4:6]) - port_counter(a, *argv[4:6]))
    elif what == "offload":
        print(offload_counter(b, argv[4]) - offload_counter(a, argv[4]))
    else:
        sys.exit(f"usage: {__doc__}")


if __name__ == "__main__":
    main(sys.argv)
