#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""nfva --check-config FILE (issue 13, D15): validate a startup file before a
restart, without EAL and without touching anything.

  - a good file (ports, a dual-stack underlay, an IPv6 neighbour, networks,
    overlay, LISP, mirror lines): exit 0,
    stdout "FILE: OK", in under 5 s, and its `port add` never ran (the tx
    pcap it names is not created, no DPDK runtime directory);
  - a file with five problems (vlan 5000 on line 4, an unknown command on
    line 6, an attach to a network never added on line 7, a port used after
    `port del` on line 9, a missing argument on line 10): exit 1, every
    problem on stderr as FILE:LINE: with its reason, "5 problem(s)", and
    still nothing ran;
  - a missing file: exit 1 with the errno text.
"""

import os
import subprocess
import tempfile
import time

import nfvatest as t

t.require_tools(tshark=False, scapy=False)


def run(path):
    t0 = time.monotonic()
    try:
        p = subprocess.run([os.environ["NFVA"], "--check-config", path], capture_output=True,
                           text=True, timeout=20)
    except subprocess.TimeoutExpired:
        t.check(False, f"nfva --check-config {path} returns within 20 s")
        return None, "", "", 20
    return p.returncode, p.stdout, p.stderr, time.monotonic() - t0


def main():
    tmp = tempfile.mkdtemp(prefix="nfva-check-config-")
    tx = os.path.join(tmp, "tx.pcap")
    rx = os.path.join(tmp, "rx.pcap")
    t.write_pcap(rx, [])
    good = os.path.join(tmp, "good.conf")
    with open(good, "w") as f:
        f.write("\n".join([
            "# a good file",
            f"port add up dev net_pcap0,rx_pcap={rx},tx_pcap={tx}",
            f"port add vm1 dev net_pcap1,rx_pcap={rx},tx_pcap={tx}.1",
            "underlay set uplink up ip 192.168.1.249/24",
            "underlay set uplink up ip 2001:db8:1::249/64 gateway 2001:db8:1::1",
            "neigh add 2001:db8:1::252 lladdr 02:00:00:00:02:52",
            "network add n1 vni 5000 encap vxlan",
            "network n1 attach vm1 vlan 10",
            "network n1 vtep add 192.168.1.252",
            "network add lan iid 1000 encap lisp",
            "lisp map-cache add 1000 10.1.2.0/24 rloc 192.168.1.252",
            "mirror add m1 source vm1 direction both to port up",
            "", "   # indented comment"]) + "\n")
    bad = os.path.join(tmp, "bad.conf")
    with open(bad, "w") as f:
        f.write("\n".join([
            f"port add p0 dev net_pcap0,rx_pcap={rx},tx_pcap={tx}",   # 1
            "network add n1",                                       # 2
            "network n1 attach p0",                                 # 3
            "network n1 attach p0 vlan 5000",                       # 4
            "",                                                     # 5
            "frobnicate everything",                                # 6
            "network n2 attach p0",                                 # 7
            "port del p0",                                          # 8
            "network n1 attach p0 vlan 7",                          # 9
            "network n1 attach"]) + "\n")                           # 10
    try:
        rc, out, err, secs = run(good)
        t.check_eq(rc, 0, f"good file: exit status (stderr: {err.strip()[-300:]})")
        t.check_eq(out.strip(), f"{good}: OK", "good file: stdout")
        t.check(secs < 5, f"good file: answered in {secs:.1f} s (< 5 s)")

        rc, out, err, _ = run(bad)
        t.check_eq(rc, 1, "bad file: exit status")
        for line, reason in ((4, "invalid VLAN '5000'"), (6, "unknown command 'frobnicate'"),
                             (7, "no network named n2"), (9, "no port named p0"),
                             (10, "missing PORT")):
            if not t.check(any(x.startswith(f"{bad}:{line}: ") and reason in x
                               for x in err.splitlines()),
                           f"bad file: stderr has {bad}:{line}: ...{reason}..."):
                print(err[-2000:])
        t.check(f"{bad}: 5 problem(s)" in err, "bad file: stderr counts 5 problem(s)")
        t.check_eq(sorted(x.split(":")[1] for x in err.splitlines()
                          if x.startswith(f"{bad}:") and x.split(":")[1].isdigit()),
                   sorted(["4", "6", "7", "9", "10"]), "bad file: exactly lines 4 6 7 9 10")

        rc, out, err, _ = run(os.path.join(tmp, "missing.conf"))
        t.check_eq(rc, 1, "missing file: exit status")
        t.check("No such file or directory" in err, "missing file: the errno text")

        t.check(not os.path.exists(tx), "no `port add` ran: the tx pcap was never created")
    finally:
        for name in os.listdir(tmp):
            os.unlink(os.path.join(tmp, name))
        os.rmdir(tmp)


if __name__ == "__main__":
    t.main_guard(main)
