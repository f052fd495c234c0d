# SPDX-License-Identifier: BSD-3-Clause
"""What the flood tools (tests/lib/tools/*_flood.py) share: random sender
MACs and a paced send, so a count is of what nfva decides, not of frames the
af_packet ring dropped."""

import json
import time


def random_mac(rng):
    """A locally administered unicast MAC (02:...)."""
    return "02:%02x:%02x:%02x:%02x:%02x" % tuple(rng.getrandbits(8) for _ in range(5))


def send_paced(ifc, frames, gap_s=0.0005):
    """Send scapy frames out of ifc, one every gap_s."""
    from scapy.all import conf
    sock = conf.L2socket(iface=ifc)
    try:
        for f in frames:
            sock.send(f)
            time.sleep(gap_s)
    finally:
        sock.close()


def report(counts):
    """The flood's {kind: count}, as the tools print it."""
    print(json.dumps(counts, sort_keys=True))
