#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""samebytes.py COPIES.pcap SEEN.pcap... : the frames in COPIES are exactly
the frames of the SEEN captures, byte for byte, as a multiset (each frame as
often as it was seen, nothing more). Prints "same N" and exits 0, or prints
what differs and exits 1. Used by the netns mirror tests to prove that the
copy a collector receives is the frame as the VM saw it.
"""

import collections
import sys

from nfvatest.pcap import read_pcap


def main():
    copies = collections.Counter(read_pcap(sys.argv[1]))
    seen = collections.Counter()
    for path in sys.argv[2:]:
        seen.update(read_pcap(path))
    if copies == seen:
        print(f"same {sum(copies.values())}")
        return 0
    extra, missing = copies - seen, seen - copies
    print(f"differ: {sum(copies.values())} copies, {sum(seen.values())} seen; "
          f"{sum(extra.values())} extra, {sum(missing.values())} missing")
    for label, c in (("extra", extra), ("missing", missing)):
        for f, n in list(c.items())[:4]:
            print(f"  {label} x{n}: {f[:64].hex()}")
    return 1


sys.exit(main())
