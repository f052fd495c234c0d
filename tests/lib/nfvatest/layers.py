# SPDX-License-Identifier: BSD-3-Clause
"""scapy's layers, for the tests that build frames with it. Importing this
module exits 77 (meson SKIP) with the reason when scapy is missing, so a test
imports its layers at the top like any module:

    from nfvatest.layers import IP, UDP, Ether
"""

from .check import skip

try:
    from scapy.all import (ARP, GRE, ICMP, TCP, UDP, VXLAN, Dot1AD, Dot1Q, Ether,
                           ICMPv6EchoRequest, ICMPv6ND_NA, ICMPv6ND_NS, ICMPv6NDOptDstLLAddr,
                           ICMPv6NDOptSrcLLAddr, IPOption_NOP, IPv6, Raw, conf)
    from scapy.all import IP
except ImportError as e:  # pragma: no cover - depends on the machine
    import sys
    skip(f"scapy is not importable by {sys.executable}: {e}")

conf.verb = 0

__all__ = ["ARP", "GRE", "ICMP", "IP", "TCP", "UDP", "VXLAN", "Dot1AD", "Dot1Q", "Ether",
           "ICMPv6EchoRequest", "ICMPv6ND_NA", "ICMPv6ND_NS", "ICMPv6NDOptDstLLAddr",
           "ICMPv6NDOptSrcLLAddr", "IPOption_NOP", "IPv6", "Raw"]
