#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Encapsulation templates toward learned VTEPs expire (issue 13, D10).

    spoofed VTEPs 192.168.1.10-.19 --- up 192.168.1.249/24 ===[ nfva ]=== vm1
    n1: vni 5000 vxlan, not strict, configured VTEP .252 (pinned)
    nfva --template-idle-s 2 (the default is 300 s)

in_up: one VXLAN frame from each spoofed outer source, inner source X_i:
every X_i is learned behind its VTEP. in_vm1: after 256 frames the VM sends
to itself (dropped: they only let the uplink's be learned first), one frame
to each X_i: a template is made toward each of the ten VTEPs (nfva ARPs for
each).
Then nobody uses them: `stats` templates count falls back to 1 (the
configured VTEP's) within 15 s and expired counts the ten; capacity is the
bound given by --max-templates (here 200, not the default); nothing was dropped for want of a template (hold_dropped 0).
"""

import time

import nfvatest as t

t.require_tools()

VM = "02:00:00:00:00:01"
SPOOFED = [f"192.168.1.{10 + i}" for i in range(10)]


def x_mac(i):
    return f"02:00:00:00:0e:{i:02x}"


def main():
    d = t.Daemon("encap-expiry", ["up", "vm1"], t.UNDERLAY_CONFIG + [
        "network add n1 vni 5000 encap vxlan", "network n1 attach vm1",
        f"network n1 vtep add {t.VTEP1}"], args=["--template-idle-s", "2", "--max-templates", "200"])
    try:
        upmac = d.probe_uplink_mac()
        d.write_input("up", [t.outer_vxlan(f"02:00:00:00:03:{i:02x}", upmac, ip, t.UPLINK_IP,
                                           5000, t.udp_frame(x_mac(i), VM, "10.0.0.50",
                                                             "10.0.0.1", 1, 2, "x"), 50000)
                             for i, ip in enumerate(SPOOFED)])
        # The VM's frames come after 256 it drops itself (to its own MAC:
        # local_dest), so that the uplink's were learned by then.
        filler = t.udp_frame(VM, VM, "10.0.0.1", "10.0.0.1", 9, 9, "filler")
        d.write_input("vm1", [filler] * 256 +
                      [t.udp_frame(VM, x_mac(i), "10.0.0.1", "10.0.0.50", 2, 1, "to x")
                       for i in range(len(SPOOFED))])
        d.start()
        d.wait_inputs()
        vteps = {r[0]: r for r in t.fdb_rows(d)}
        t.check_eq(sum(1 for i in range(10) if x_mac(i) in vteps), 10,
                   "the ten inner sources are learned behind their VTEPs")
        seen = d.ctl("stats")["templates"]
        t.check_eq(seen["capacity"], 200, "stats templates capacity (--max-templates)")
        most = seen["count"]
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            seen = d.ctl("stats")["templates"]
            most = max(most, seen["count"])
            if seen["count"] == 1:
                break
            time.sleep(0.25)
        print(f"info: templates: at most {most} seen, then {seen}")
        t.check_eq(seen["count"], 1, "templates: only the configured VTEP's is left")
        t.check_eq(seen["expired"], 10, "templates: the ten toward learned VTEPs expired")
        t.check_eq(seen["hold_dropped"], 0, "templates: no frame dropped for want of one")
        d.stop_checked()
        asked = set()
        for f in d.output("up"):
            if f[12:14] == b"\x08\x06" and f[20:22] == b"\x00\x01":
                asked.add(".".join(str(b) for b in f[38:42]))
        t.check(set(SPOOFED) <= asked, f"nfva ARPed for each spoofed VTEP "
                f"(a template was made toward it): {sorted(asked)}")
    finally:
        d.cleanup()


if __name__ == "__main__":
    t.main_guard(main)
