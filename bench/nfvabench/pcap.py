# SPDX-License-Identifier: BSD-3-Clause
"""Frames and pcap files built with struct (no scapy: 1 M frames in seconds),
on the tests' helpers (tests/lib/nfvatest: pcap files, headers, checksums).

Sizes follow RFC 2544: a "64 B frame" is 64 bytes on the wire with the FCS,
so 60 bytes in the pcap file (net_pcap neither adds nor expects an FCS).
"""

import socket
import struct

from nfvatest.frames import (csum, ethernet, ip4, ipv4_header, mac, mac_str, outer_gre, outer_udp,
                             outer_vxlan, vxlan_header)
from nfvatest.pcap import write_pcap

__all__ = ["FCS", "gre_frame", "ip4", "ip6", "lisp_frame", "mac", "mac_str", "udp_frame",
           "vxlan6_frame", "vxlan_frame", "write_pcap"]

FCS = 4
ETH_P_IPV6 = 0x86DD


def udp_frame(src_mac, dst_mac, src_ip, dst_ip, sport, dport, wire_size):
    """Ethernet/IPv4/UDP of wire_size bytes on the wire (wire_size - 4 in the file).
    The UDP checksum is 0 (allowed for IPv4): nothing on the path verifies it."""
    size = wire_size - FCS
    payload = size - 14 - 20 - 8
    if payload < 0:
        raise ValueError(f"frame of {wire_size} B is too short for UDP")
    udp = struct.pack("!HHHH", sport, dport, 8 + payload, 0) + bytes(payload)
    return dst_mac + src_mac + b"\x08\x00" + ipv4_header(src_ip, dst_ip, 17, len(udp)) + udp


def vxlan_frame(src_mac, dst_mac, src_ip, dst_ip, sport, vni, inner, dport=4789):
    return outer_vxlan(src_mac, dst_mac, src_ip, dst_ip, vni, inner, sport, dport)


def gre_frame(src_mac, dst_mac, src_ip, dst_ip, key, inner):
    """L2 GRE with a key (K=1, protocol 0x6558), as nfva and OVS emit it."""
    return outer_gre(src_mac, dst_mac, src_ip, dst_ip, key, inner, df=True)


def lisp_frame(src_mac, dst_mac, src_ip, dst_ip, sport, iid, nonce, inner, dport=4341):
    """RFC 9300 data packet: UDP to 4341 (checksum 0), LISP header with N and
    I set (0x88), the 24-bit nonce, the 24-bit instance ID and locator-status
    bits 0, then the inner IP packet (no Ethernet header)."""
    body = struct.pack("!II", (0x88 << 24) | (nonce & 0xFFFFFF), iid << 8) + inner
    return outer_udp(src_mac, dst_mac, src_ip, dst_ip, sport, dport, body)


def ip6(s):
    return s if isinstance(s, bytes) else socket.inet_pton(socket.AF_INET6, s)


def udp6_checksum(src, dst, udp):
    """UDP checksum over IPv6 (RFC 8200 8.1 pseudo-header: addresses, 32-bit
    upper-layer length, next header 17) of udp, its checksum field zero;
    0 -> 0xffff (zero is not sent over IPv6)."""
    c = csum(ip6(src) + ip6(dst) + struct.pack("!IxxxB", len(udp), 17) + udp)
    return 0xFFFF if c == 0 else c


def vxlan6_frame(src_mac, dst_mac, src_ip, dst_ip, sport, vni, inner, flow_label, dport=4789):
    """Ethernet/IPv6/UDP/VXLAN around inner, as a VTEP sends it over IPv6
    (Linux vxlan's defaults): traffic class 0, the flow label given, hop limit
    64, no extension header, the UDP checksum computed."""
    body = vxlan_header(vni) + inner
    udp = struct.pack("!HHHH", sport, dport, 8 + len(body), 0) + body
    udp = udp[:6] + struct.pack("!H", udp6_checksum(src_ip, dst_ip, udp)) + udp[8:]
    hdr = struct.pack("!IHBB16s16s", (6 << 28) | (flow_label & 0xFFFFF), len(udp), 17, 64,
                      ip6(src_ip), ip6(dst_ip))
    return ethernet(dst_mac, src_mac, ETH_P_IPV6) + hdr + udp
