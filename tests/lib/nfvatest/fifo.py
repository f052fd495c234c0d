# SPDX-License-Identifier: BSD-3-Clause
"""Feeding nfva's net_pcap ports through FIFOs, in rounds: deterministic phases.

The offload tests must know which frames reach nfva before a rule exists and
which after. A pcap file is read as fast as the worker polls, while rules are
installed asynchronously by the control thread, so with plain files the split
is a race. Here each port's rx_pcap is a named pipe (FIFO) that the test
writes to:

  * net_pcap reads a FIFO with libpcap's offline reader, which blocks until
    a whole frame is there; rte_eth_rx_burst(NFVA_BURST) therefore returns
    only once NFVA_BURST frames were written (or at end of file);
  * the worker polls its ports in index order, one burst each per iteration.

So a *round* writes exactly NFVA_BURST frames to every port (the frames of
the step, then fillers), which makes the worker run exactly one iteration:
port 0's burst, port 1's, ... and then block again on port 0. Between rounds
nothing moves: the test waits for the counters to show the round, then for
the rules the round asked for, and only then writes the next round. Which
frames were carried by rules is then known exactly, on any machine load.

Fillers produce nothing: on a VF, source = destination = a MAC of that port
(learned, then dropped as local_dest, no offload request); on the uplink, a
frame to a foreign unicast MAC (not_for_us). NFVA_BURST is read from
appliance/bounds.h ($NFVA_SOURCE_ROOT) and checked on the first round.

While the worker waits on a FIFO it is not quiescent: nothing that waits for
an RCU grace period (configuration commits: port add/del, network changes,
offload on/off) may be run between rounds. Offload on/off is set in the
configuration file. Closing the FIFOs (end of file) frees the worker.

FifoFeed is the part of Daemon (daemon.py) that does this; it uses the
daemon's ports, in_path() and ctl().
"""

import json
import os
import re
import struct
import threading
import time

from .check import DaemonError
from .frames import mac
from .pcap import pcap_header, pcap_record


def nfva_burst():
    root = os.environ.get("NFVA_SOURCE_ROOT", "")
    try:
        with open(os.path.join(root, "appliance", "bounds.h")) as f:
            m = re.search(r"#define\s+NFVA_BURST\s+(\d+)", f.read())
            if m:
                return int(m.group(1))
    except OSError:
        pass
    return 32


BURST = nfva_burst()


class FifoFeed:
    """Rounds of exactly BURST frames per port through FIFOs (module doc)."""

    def __init__(self, uplinks):
        self.uplinks = set(uplinks)
        self.fifos = {}
        self.fifo_errors = []
        self.written = {p: 0 for p in self.ports}
        self.filler_seq = 0

    def open_fifos(self):
        """nfva opens the rx pcaps one by one while it reads its configuration;
        each open waits for a writer, and libpcap then reads the header."""
        self.fifo_errors = []
        for p in self.ports:
            if not os.path.exists(self.in_path(p)):
                os.mkfifo(self.in_path(p))

        def opener(p):
            try:
                f = open(self.in_path(p), "wb", buffering=0)
                f.write(pcap_header())
                self.fifos[p] = f
            except OSError as e:
                self.fifo_errors.append(f"{p}: {e}")

        for p in self.ports:
            threading.Thread(target=opener, args=(p,), daemon=True).start()

    def fifos_ready(self):
        return self.feed != "fifo" or len(self.fifos) == len(self.ports)

    def check_fifo_writers(self):
        if self.fifo_errors:
            raise DaemonError(f"{self.name}: FIFO writers: {self.fifo_errors}")

    def _unblock_openers(self):
        # A writer thread still blocked in open(): a reader unblocks it.
        if self.feed != "fifo":
            return
        for p in self.ports:
            if p not in self.fifos:
                try:
                    os.close(os.open(self.in_path(p), os.O_RDONLY | os.O_NONBLOCK))
                except OSError:
                    pass

    def close_inputs(self):
        for f in self.fifos.values():
            try:
                f.close()
            except OSError:
                pass
        self.fifos = {}

    def filler(self, port):
        """A frame that nfva drops without output or offload request."""
        self.filler_seq += 1
        i = self.ports.index(port)
        if port in self.uplinks:
            # not for us: unicast to a foreign MAC
            return (mac("02:ee:ee:ee:ee:ee") + mac(f"02:ef:00:00:00:{i:02x}") + b"\x88\xb5" +
                    struct.pack("!I", self.filler_seq) + bytes(42))
        f = mac(f"02:f1:11:00:00:{i:02x}")
        return f + f + b"\x88\xb5" + struct.pack("!I", self.filler_seq) + bytes(42)

    def round(self, frames_by_port, timeout=30):
        """One worker iteration: exactly BURST frames to every port (the given
        frames first, then fillers); waits until nfva counted all of them."""
        for p, frames in frames_by_port.items():
            if p not in self.ports:
                raise DaemonError(f"round: no port {p}")
            if len(frames) > BURST:
                raise DaemonError(f"round: {len(frames)} frames for {p}, at most {BURST}")
        for p in self.ports:
            frames = list(frames_by_port.get(p, []))
            frames += [self.filler(p) for _ in range(BURST - len(frames))]
            self.fifos[p].write(b"".join(pcap_record(fr, self.written[p] + k)
                                         for k, fr in enumerate(frames)))
            self.written[p] += len(frames)
        return self.wait_read(timeout)

    def wait_read(self, timeout=30):
        """Until every port counted (rx_packets + eswitch_packets) what was written."""
        deadline = time.monotonic() + timeout
        while True:
            c = self.port_counters()
            got = {p: c[p]["rx_packets"] + c[p]["eswitch_packets"] for p in self.ports}
            if got == self.written:
                return c
            if time.monotonic() > deadline:
                raise DaemonError(f"{self.name}: frames counted {got}, written {self.written} "
                                  f"after {timeout} s (NFVA_BURST {BURST} assumed; the worker "
                                  "must read one burst per port per iteration)")
            time.sleep(0.05)

    def wait_rules(self, n, timeout=10, what=None):
        """Until exactly n rules are offloaded; returns them."""
        deadline = time.monotonic() + timeout
        while True:
            r = self.rules()
            if len(r) == n:
                return r
            if time.monotonic() > deadline:
                raise DaemonError(f"{self.name}: {len(r)} rules, expected {n} "
                                  f"{'(' + what + ') ' if what else ''}after {timeout} s: "
                                  f"{json.dumps(r, indent=1)}")
            time.sleep(0.05)

    def hits_now(self, keys):
        """{(in, out, shape): hits} of the rules named by keys, as `offload show`
        answers at once (it reads the e-switch counters when asked)."""
        got = {(r["in"], r["out"], r["shape"]): r["hits"] for r in self.rules()}
        return {k: got.get(k) for k in keys}

    def wait_hits(self, want, timeout=5):
        """want: {(in, out, shape): hits}; waits for frames still in a worker."""
        deadline = time.monotonic() + timeout
        while True:
            sub = self.hits_now(want)
            if sub == want or time.monotonic() > deadline:
                return sub
            time.sleep(0.1)
