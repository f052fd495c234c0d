#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Lab replay: the rules nfva really made, dumped as testpmd commands, parse in
dpdk-testpmd.

nfva runs the vdev scenario (scenario.py: net_pcap ports fed through FIFOs,
emulated e-switch) up to the end of its learning prelude, which leaves one
rule of every shape: l2, l2-vlan (push and pop), vxlan-encap, vxlan-decap,
gre-encap, gre-decap. `nfvactl offload dump testpmd` is then checked:

  * one `flow create` line per rule (8), each `... transfer pattern ... / end
    actions ... / end`; the `set vxlan...` line of the VXLAN encap rule
    (vni 5000, .249 -> .252, outer MAC 02:00:00:00:02:52), a `set raw_encap`
    and a `set raw_decap` line for GRE; the VLAN push rule says
    `of_push_vlan ... of_set_vlan_vid vlan_vid 100` and the pop rule matches
    `vlan tci spec 100 tci mask 0x0fff` then `of_pop_vlan`;
  * replay_testpmd.py types every line into dpdk-testpmd (net_null0/1, no
    hugepages) with `flow create` turned into `flow validate` and nfva's
    ethdev ids above 1 mapped onto testpmd's port 1 (it has ports 0 and 1
    only): each rule must come back with an answer from past the parser
    (net_null: "Function not implemented"), never "Bad arguments", and the
    `set` lines must be accepted silently.

The netns tests (test_offload_l2, test_offload_overlay) replay their own dumps
(L2, and VXLAN/GRE toward real peers) the same way when dpdk-testpmd is there.
Exit 77 (SKIP) without dpdk-testpmd (Debian package dpdk).
"""

import re
import shutil

import nfvatest as t
from nfvatest import offload_scenario as sc
from nfvatest import testpmd as rp


def main():
    t.require_tools()
    if shutil.which("dpdk-testpmd") is None:
        t.skip("dpdk-testpmd is not installed (Debian package dpdk)")
    d = sc.daemon("dump-replay", True)
    try:
        d.start()
        sc.phase1(d, d.ctl("underlay", "show")["mac"].lower())
        rules = d.wait_rules(len(sc.RULES), what="after phase 1")
        t.check_eq(sorted(sc.rule_key(r) for r in rules), sorted(sc.RULES), "rules (in, out, shape)")
        dump = d.ctl("offload", "dump", "testpmd")
        lines = [l for l in dump.splitlines() if l.strip()]
        print("dump:\n  " + "\n  ".join(lines))
        flows = [l for l in lines if l.startswith("flow create ")]
        t.check_eq(len(flows), len(sc.RULES), "flow create lines")
        t.check(all(re.match(r"^flow create \d+ priority 1 transfer pattern .* / end actions .* / end$",
                             f) for f in flows), "every flow line: transfer pattern ... / end actions ... / end")
        t.check(any(re.match(r"^set vxlan(-tos-ttl)? ip-version ipv4 vni 5000 .*ip-src 192\.168\.1\.249 "
                             r"ip-dst 192\.168\.1\.252 eth-src \S+ eth-dst 02:00:00:00:02:52$", l, re.I)
                    for l in lines), "set vxlan line: vni 5000, .249 -> .252, to 02:00:00:00:02:52")
        t.check(any(l.startswith("set raw_encap ") for l in lines), "set raw_encap line (GRE encap)")
        t.check(any(l.startswith("set raw_decap ") for l in lines), "set raw_decap line (GRE decap)")
        t.check(any("gre_key value is 6000" in l and "raw_decap index" in l for l in flows),
                "GRE decap flow: gre_key 6000, raw_decap")
        t.check(any("vxlan vni is 5000" in l and "vxlan_decap" in l for l in flows),
                "VXLAN decap flow: vni 5000, vxlan_decap")
        t.check(any("of_push_vlan" in l and "of_set_vlan_vid vlan_vid 100" in l for l in flows),
                "VLAN push flow: of_push_vlan / of_set_vlan_vid vlan_vid 100")
        t.check(any("/ vlan tci spec 100 tci mask 0x0fff / end actions of_pop_vlan /" in l
                    for l in flows), "VLAN pop flow: vlan tci spec 100 tci mask 0x0fff ... of_pop_vlan")
        rc = d.stop()
        t.check_eq(rc, 0, "nfva exit status after SIGTERM")
    finally:
        d.cleanup()
    status, report = rp.replay(lines)
    print(report)
    if status == rp.SKIP:
        t.skip(report.splitlines()[0])
    t.check_eq(status, 0, "dpdk-testpmd parsed every dumped line")


if __name__ == "__main__":
    t.main_guard(main)
