# SPDX-License-Identifier: BSD-3-Clause
"""Mirror golden tests: nfva on net_pcap ports, mirror copies read back from
the output pcaps and checked byte for byte and by tshark's dissectors.

                  out_up.pcap: VXLAN / ERSPAN copies to the collectors
    collectors --------------- up ===[ nfva ]=== vm1, vm2 ... (network members)
    192.168.1.252/.253/.254    uplink, VTEP 192.168.1.249/24   tap1, tap2 ...
                                                               (analyser ports)

The net_pcap ports read their whole rx file when they start, so every session
is in the startup configuration. Nothing here needs root beyond what DPDK
itself needs; no network namespace, no live interface.
"""

from .check import check_eq
from .daemon import Daemon
from .frames import erspan_copy as _erspan_copy
from .frames import outer_vxlan
from .topo import UPLINK_IP, underlay_config

UNDERLAY_CONFIG = underlay_config(3)


def vxlan_copy(uplink_mac, coll_mac, coll_ip, vni, inner, sport):
    """What nfva sends a VXLAN collector: outer Ethernet/IPv4 (id 0, DF clear,
    TTL 64)/UDP (source port sport, checksum 0)/VXLAN (I flag, vni)/inner."""
    return outer_vxlan(uplink_mac, coll_mac, UPLINK_IP, coll_ip, vni, inner, sport)


def erspan_copy(uplink_mac, coll_mac, coll_ip, header, inner):
    """What nfva sends an ERSPAN collector: outer Ethernet/IPv4/header/inner."""
    return _erspan_copy(uplink_mac, coll_mac, UPLINK_IP, coll_ip, header, inner)


def run(name, ports, config, inputs):
    """Start, feed, settle, read `mirror show` and `port show`, stop.
    Returns (daemon, mirrors, ports shown, uplink MAC or None); the caller
    cleans up (d.cleanup()) after reading the outputs."""
    d = Daemon(name, ports, config)
    for p, frames in inputs.items():
        d.write_input(p, frames)
    d.start()
    shown = d.wait_inputs(mirrors=True)
    mirrors = d.mirrors()
    up = d.uplink_mac() if "up" in ports else None
    d.stop_checked()
    return d, mirrors, shown, up


def check_counters(mirrors, session, want):
    """Exact mirrored / filtered_out / sampled_out / dropped of a session."""
    got = dict(mirrors[session]["counters"])
    # No e-switch in these runs: every copy is the slow path's.
    if "mirrored_eswitch" not in want:
        check_eq(got.pop("mirrored_eswitch", None), 0, f"session {session}: mirrored_eswitch")
    return check_eq(got, want, f"session {session}: counters")
