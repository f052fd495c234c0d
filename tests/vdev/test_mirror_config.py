#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Mirror configuration errors: tenant isolation refusals and bad commands,
each with its error message and no state change.

Running daemon (no traffic): uplink "up" 192.168.1.249/24; network lan
(vxlan vni 100) with vm1, vm2; network blue (vxlan vni 200) with vm3;
analyser port tap1 in no network; session ok1 (vm1 in -> tap1).

Refused, with the exact error, `mirror show` unchanged after each:
  isolation: a destination port in another network without `external`; a
  VXLAN destination with the VNI of another local network; the uplink as a
  source without `external`; sources in two networks; a session into one
  of its own sources; an analyser port (no network) mirrored into a VM of a
  network; more than one destination; no destination;
  syntax and limits: duplicate name, unknown port, a port listed twice,
  ERSPAN session id > 1023, hardware id > 63, version 4, snaplen < 14,
  filter errors (missing value, unknown term, reversed range, vlan 4096,
  /33, bad MAC), sample 1/0 and 2/3, multicast and 0.0.0.0 collectors,
  a bad direction; `mirror del`/`mirror show` of an unknown session; the
  33rd session (32 at most).
Accepted: the same refused cases with `external` (another network's port,
sources in two networks, the uplink as a source), a VXLAN collector in the
session's own network's VNI; `mirror del` removes exactly one session;
`port del` of a source takes its sessions along.
Without an underlay: a VXLAN or ERSPAN collector is refused ("a remote
collector needs an underlay").
Startup file: a bad `mirror add` on line N stops nfva with FILE:N: and the
reason, and no control socket is left behind.
"""

import os
import shlex

import nfvatest as t
from nfvatest import mirror

t.require_tools()

OTHER_NET = "the destination port belongs to another network: its VMs would see this " \
    "network's traffic"
ONE_DEST = "give exactly one destination: to port PORT | to vxlan ADDR vni VNI | to erspan ADDR " \
    "session N version 2|3"
IDS = "ERSPAN session ids have 10 bits, hardware ids 6"
ADD = "mirror add x source vm1 direction in"

REFUSED = [
    # isolation
    ("dest in another network", f"{ADD} to port vm3", OTHER_NET),
    ("vni of another network", f"{ADD} to vxlan {t.COLL1} vni 200",
     "vni 200 belongs to network blue"),
    ("uplink as a source", "mirror add x source up direction both to port tap1",
     "the uplink carries every network: mark the session external to mirror it"),
    ("sources in two networks", "mirror add x source vm1,vm3 direction in to port tap1",
     "the sources span several networks (mark the session external to allow it)"),
    ("into its own source", f"{ADD} to port vm1",
     "a session cannot mirror into one of its sources"),
    ("analyser into a VM", "mirror add x source tap1 direction in to port vm3", OTHER_NET),
    ("two destinations", f"{ADD} to port tap1 to vxlan {t.COLL1} vni 7", ONE_DEST),
    ("three destinations",
     f"{ADD} to port tap1 to vxlan {t.COLL1} vni 7 to erspan {t.COLL2} session 1 version 2",
     ONE_DEST),
    ("no destination", ADD, ONE_DEST),
    # names, ports, limits
    ("duplicate name", "mirror add ok1 source vm2 direction in to port tap1", "mirror ok1 exists"),
    ("unknown source", "mirror add x source nope direction in to port tap1", "no port named nope"),
    ("unknown destination", f"{ADD} to port nope", "no port named nope"),
    ("source twice", "mirror add x source vm1,vm2,vm1 direction in to port tap1",
     "port vm1 listed twice"),
    ("session 1024", f"{ADD} to erspan {t.COLL2} session 1024 version 2", IDS),
    ("hw-id 64", f"{ADD} to erspan {t.COLL2} session 1 version 3 hw-id 64", IDS),
    ("version 4", f"{ADD} to erspan {t.COLL2} session 1 version 4", "expected '2|3', got '4'"),
    ("snaplen 13", "mirror add x source vm1 direction in snaplen 13 to port tap1",
     "snaplen must keep at least the Ethernet header (14)"),
    ("filter missing value", 'mirror add x source vm1 direction in filter "proto icmp and dst" '
     "to port tap1", "filter: 'dst' needs a value"),
    ("filter unknown term", 'mirror add x source vm1 direction in filter "frob 1" to port tap1',
     "filter: unknown term 'frob'"),
    ("filter reversed range", 'mirror add x source vm1 direction in filter "dport 20-10" '
     "to port tap1", "filter: bad value '20-10' for dport"),
    ("filter vlan 4096", 'mirror add x source vm1 direction in filter "vlan 4096" to port tap1',
     "filter: bad value '4096' for vlan"),
    ("filter /33", 'mirror add x source vm1 direction in filter "src 10.0.0.0/33" to port tap1',
     "filter: bad value '10.0.0.0/33' for src"),
    ("filter bad MAC", 'mirror add x source vm1 direction in filter "src-mac zz" to port tap1',
     "filter: bad value 'zz' for src-mac"),
    ("filter bad proto", 'mirror add x source vm1 direction in filter "proto 256" to port tap1',
     "filter: bad value '256' for proto"),
    ("sample 1/0", "mirror add x source vm1 direction in sample 1/0 to port tap1",
     "invalid SAMPLE '1/0'"),
    ("sample 2/3", "mirror add x source vm1 direction in sample 2/3 to port tap1",
     "invalid SAMPLE '2/3'"),
    ("multicast collector", f"{ADD} to vxlan 239.1.1.1 vni 7", "a collector is a unicast address"),
    ("0.0.0.0 collector", f"{ADD} to erspan 0.0.0.0 session 1 version 3",
     "a collector is a unicast address"),
    ("bad direction", "mirror add x source vm1 direction sideways to port tap1",
     "expected 'in|out|both', got 'sideways'"),
    ("del unknown", "mirror del nope", "no mirror named nope"),
    ("show unknown", "mirror show nope", "no mirror named nope"),
]

ACCEPTED = [
    ("external: another network's port", "mirror add a1 source vm1 direction in external "
     "to port vm3"),
    ("external: sources in two networks", "mirror add a2 source vm1,vm3 direction both external "
     "to port tap1"),
    ("external: the uplink", "mirror add a3 source up direction in external to port tap1"),
    ("own network's vni", f"mirror add a4 source vm1 direction in to vxlan {t.COLL1} vni 100"),
    ("erspan III defaults", f"mirror add a5 source vm2 direction out to erspan {t.COLL2} "
     "session 1023 version 3 hw-id 63"),
]


def err_of(d, cmd):
    rc, out, err = d.ctl_raw(*shlex.split(cmd))
    return rc, (err.strip() + out.strip())


def running_checks():
    cfg = mirror.UNDERLAY_CONFIG + [
        "network add lan vni 100 encap vxlan", "network add blue vni 200 encap vxlan",
        "network lan attach vm1", "network lan attach vm2", "network blue attach vm3",
        "mirror add ok1 source vm1 direction in to port tap1"]
    d = t.Daemon("config", ["up", "vm1", "vm2", "vm3", "tap1"], cfg)
    try:
        d.start()
        before = d.ctl("mirror", "show")
        t.check_eq([s["name"] for s in before], ["ok1"], "start: one session, ok1")
        for what, cmd, reason in REFUSED:
            rc, msg = err_of(d, cmd)
            t.check(rc != 0 and msg.startswith(f"Error: {reason}"),
                    f"refused, {what}: rc {rc}, '{msg[:110]}'")
            t.check_eq(d.ctl("mirror", "show"), before, f"refused, {what}: mirror show unchanged")
        for what, cmd in ACCEPTED:
            rc, msg = err_of(d, cmd)
            t.check_eq((rc, msg), (0, ""), f"accepted, {what}")
        shown = d.mirrors()
        t.check_eq(sorted(shown), ["a1", "a2", "a3", "a4", "a5", "ok1"], "six sessions")
        t.check_eq((shown["a1"]["external"], shown["a4"]["external"]), (True, False),
                   "a1 external, a4 not")
        t.check_eq(shown["a5"]["to"], {"kind": "erspan", "ip": t.COLL2, "session": 1023,
                                       "version": 3, "hw_id": 63}, "a5: erspan III destination")
        t.check_eq(shown["a2"]["sources"], ["vm1", "vm3"], "a2: sources in order")
        # delete one
        t.check_eq(err_of(d, "mirror del a4"), (0, ""), "mirror del a4")
        t.check_eq(sorted(d.mirrors()), ["a1", "a2", "a3", "a5", "ok1"], "a4 gone, nothing else")
        t.check_eq(err_of(d, "mirror del a4")[1], "Error: no mirror named a4", "a4 deleted once")
        # a removed source port takes its sessions along (a2 has vm1 and vm3)
        t.check_eq(err_of(d, "port del vm3"), (0, ""), "port del vm3")
        t.check_eq(sorted(d.mirrors()), ["a3", "a5", "ok1"],
                   "port del vm3: a1 (to vm3) and a2 (from vm3) are gone")
        # the session table is bounded: 32 sessions
        n = len(d.mirrors())
        for i in range(32 - n):
            rc, msg = err_of(d, f"mirror add fill{i} source vm2 direction in to port tap1")
            if rc != 0:
                t.check(False, f"fill{i}: {msg}")
                break
        t.check_eq(len(d.mirrors()), 32, "32 sessions")
        full = d.ctl("mirror", "show")
        rc, msg = err_of(d, "mirror add one-more source vm2 direction in to port tap1")
        t.check(rc != 0 and msg == "Error: no room for another session (max 32)",
                f"the 33rd session is refused: '{msg}'")
        t.check_eq(d.ctl("mirror", "show"), full, "33rd: mirror show unchanged")
        d.stop_checked()
    finally:
        d.cleanup()


def no_underlay_checks():
    d = t.Daemon("config-nounderlay", ["vm1", "tap1"],
                 ["network add lan", "network lan attach vm1"])
    try:
        d.start()
        for cmd in (f"{ADD} to vxlan {t.COLL1} vni 7000",
                    f"{ADD} to erspan {t.COLL1} session 1 version 2"):
            rc, msg = err_of(d, cmd)
            t.check(rc != 0 and msg == "Error: a remote collector needs an underlay "
                    "(underlay set ...)", f"no underlay: '{cmd[len(ADD):]}' refused: '{msg}'")
        t.check_eq(d.ctl("mirror", "show"), [], "no underlay: no session")
        t.check_eq(err_of(d, f"{ADD} to port tap1"), (0, ""),
                   "no underlay: a local destination is fine")
        d.stop_checked()
    finally:
        d.cleanup()


def startup_checks():
    cases = [
        ("mirror add bad source vm1 direction in to port vm1",
         "a session cannot mirror into one of its sources"),
        ('mirror add bad source vm1 direction in filter "port 99999" to port tap1',
         "filter: bad value '99999' for port"),
        ("mirror add bad source vm1 direction in", ONE_DEST),
    ]
    for line, reason in cases:
        d = t.Daemon("config-startup", ["vm1", "tap1"], [])
        try:
            lines = d.port_lines() + ["network add lan", "network lan attach vm1", line]
            rc, stdout, stderr = d.run_to_exit("\n".join(lines) + "\n")
            out = stdout + stderr
            conf = d.path("nfva.conf")
            t.check(rc != 0, f"startup '{line[:40]}...': nfva exits non-zero (rc {rc})")
            if not t.check(f"{conf}:5: {reason}" in out,
                           f"startup: the error names {os.path.basename(conf)}:5: {reason}"):
                print(out[-600:])
            t.check(not os.path.exists(d.sock), "startup: no control socket left behind")
        finally:
            d.cleanup()


def main():
    running_checks()
    no_underlay_checks()
    startup_checks()


t.main_guard(main)
