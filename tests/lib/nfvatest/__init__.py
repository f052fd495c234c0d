# SPDX-License-Identifier: BSD-3-Clause
"""nfvatest: the helpers every Python test (and bench/nfvabench) shares.

    check.py     check, check_eq, check_frames, skip, require_tools, finish, main_guard,
                 scenario (an independent part: its DaemonError fails it, the rest runs)
    daemon.py    Daemon: nfva on net_pcap ports (pcap files or FIFO rounds) + nfvactl
    fifo.py      the FIFO rounds that make offload phases deterministic
    pcap.py      read_pcap, write_pcap
    frames.py    mac, ip4, csum, ipv4_header, push_tag/pop_tag, VXLAN/GRE/ERSPAN builders
    tshark.py    tshark_fields, tshark_count, check_tshark_clean
    counters.py  counters_subset, counters, delta, fdb_rows
    topo.py      the vdev uplink and its far hosts (VTEPs, collectors), VM addresses
    mirror.py    mirror runs and counters;  lisp.py  LISP headers and messages
    offload_scenario.py  the vdev offload scenario;  testpmd.py  dpdk-testpmd replay

The common names are here at the top: `import nfvatest as t; t.check_eq(...)`
(t.check, t.counters and t.tshark are those functions; their modules are
imported by name: `from nfvatest.check import ...`).
tests/meson.build puts tests/lib on PYTHONPATH (tests/lib/netns.sh does the
same for the scripts it runs), so no test edits sys.path.
"""

from .check import (SKIP, DaemonError, check, check_eq, check_frames, failed, finish,
                    main_guard, require_tools, scenario, skip)
from .counters import L2_COUNTERS, counters, counters_subset, delta, fdb_rows, l2_counters
from .daemon import SANITIZER_MARKERS, Daemon
from .fifo import BURST
from .frames import (ETH_P_8021AD, ETH_P_8021Q, csum, erspan2_header, erspan3_header, frame,
                     gre_header, icmp_echo, ip4, l2_udp, ipv4_header, mac, mac_str, outer_gre,
                     outer_udp, outer_vxlan, pop_tag, push_tag, tcp, udp, udp_checksum,
                     udp_datagram, udp_frame, vxlan_header)
from .pcap import read_pcap, write_pcap
from .topo import (BCAST, COLL1, COLL1_MAC, COLL2, COLL2_MAC, COLL3, COLL3_MAC,
                   UNDERLAY_CONFIG, UPLINK_IP, UPLINK_PREFIX, VM1_IP, VM1_MAC, VM2_IP,
                   VM2_MAC, VM3_IP, VM3_MAC, VTEP1, VTEP1_MAC, VTEP2, VTEP2_MAC)
from .tshark import (MALFORMED_FILTER, TSHARK_CSUM_OPTS, check_tshark_clean, tshark,
                     tshark_count, tshark_fields, tshark_malformed)

__all__ = [
    "SKIP", "DaemonError", "check", "check_eq", "check_frames", "failed", "finish",
    "main_guard", "require_tools", "scenario", "skip", "L2_COUNTERS", "counters", "counters_subset",
    "delta", "fdb_rows", "l2_counters", "SANITIZER_MARKERS", "Daemon", "BURST", "ETH_P_8021AD",
    "ETH_P_8021Q", "csum", "erspan2_header", "erspan3_header", "frame", "gre_header",
    "icmp_echo", "ip4", "l2_udp", "ipv4_header", "mac", "mac_str", "outer_gre", "outer_udp",
    "outer_vxlan", "pop_tag", "push_tag", "tcp", "udp", "udp_checksum", "udp_datagram",
    "udp_frame", "vxlan_header", "read_pcap", "write_pcap", "BCAST", "COLL1", "COLL1_MAC",
    "COLL2", "COLL2_MAC", "COLL3", "COLL3_MAC", "UNDERLAY_CONFIG", "UPLINK_IP", "UPLINK_PREFIX",
    "VM1_IP", "VM1_MAC", "VM2_IP", "VM2_MAC", "VM3_IP", "VM3_MAC", "VTEP1", "VTEP1_MAC",
    "VTEP2", "VTEP2_MAC", "MALFORMED_FILTER", "TSHARK_CSUM_OPTS", "check_tshark_clean",
    "tshark", "tshark_count", "tshark_fields", "tshark_malformed",
]
