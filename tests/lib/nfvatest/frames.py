# SPDX-License-Identifier: BSD-3-Clause
"""Frames and headers. Expected outer headers are built with struct, every
field explicit, so golden bytes do not depend on the dissector that reads them
back; inner frames that need a real L3/L4 stack come from scapy (imported
when used: the struct builders serve bench/nfvabench without it).

Addresses are strings ("02:00:..", "10.0.0.1") or already packed bytes."""

import struct

from .topo import VM1_MAC, VM2_MAC

ETH_P_IPV4 = 0x0800
ETH_P_8021Q = 0x8100
ETH_P_8021AD = 0x88A8
ETH_P_TEB = 0x6558          # transparent Ethernet bridging (L2 GRE)
VXLAN_PORT = 4789


def mac(s):
    return s if isinstance(s, bytes) else bytes.fromhex(s.replace(":", ""))


def mac_str(b):
    return ":".join(f"{x:02x}" for x in b)


def ip4(s):
    return s if isinstance(s, bytes) else bytes(int(x) for x in s.split("."))


def csum(data):
    """RFC 1071 one's complement checksum of data."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ethernet(dst_mac, src_mac, ethertype=ETH_P_IPV4):
    return mac(dst_mac) + mac(src_mac) + struct.pack("!H", ethertype)


def ipv4_header(src, dst, proto, payload_len, ident=0, df=False, ttl=64, tos=0):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, tos, 20 + payload_len, ident,
                      0x4000 if df else 0, ttl, proto, 0, ip4(src), ip4(dst))
    return hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]


def udp_checksum(src, dst, udp):
    """UDP checksum of the datagram udp (its checksum field zero); 0 -> 0xffff."""
    pseudo = ip4(src) + ip4(dst) + struct.pack("!BBH", 0, 17, len(udp))
    c = csum(pseudo + udp)
    return 0xFFFF if c == 0 else c


def udp_datagram(sport, dport, body, src=None, dst=None):
    """UDP header + body; checksum 0, or computed when src and dst are given."""
    udp = struct.pack("!HHHH", sport, dport, 8 + len(body), 0) + body
    if src is not None:
        udp = udp[:6] + struct.pack("!H", udp_checksum(src, dst, udp)) + udp[8:]
    return udp


def push_tag(frame, vid, pcp=0, tpid=ETH_P_8021Q):
    """The frame with an 802.1Q (or other TPID) tag inserted after the MACs."""
    return frame[:12] + struct.pack("!HH", tpid, (pcp << 13) | vid) + frame[12:]


def pop_tag(frame):
    """The frame without its outer 802.1Q tag."""
    assert struct.unpack_from("!H", frame, 12)[0] == ETH_P_8021Q
    return frame[:12] + frame[16:]


# ---------------------------------------------------------------- tunnels

def vxlan_header(vni, flags=0x08):
    return struct.pack("!B3xI", flags, vni << 8)


def gre_header(key, flags=0x2000, proto=ETH_P_TEB):
    return struct.pack("!HHI", flags, proto, key)


def outer_udp(src_mac, dst_mac, src_ip, dst_ip, sport, dport, payload, ttl=64, df=False,
              ident=0, with_udp_csum=False):
    """Ethernet/IPv4/UDP around payload (UDP checksum 0 unless asked)."""
    udp = udp_datagram(sport, dport, payload, *((src_ip, dst_ip) if with_udp_csum else ()))
    return (ethernet(dst_mac, src_mac) +
            ipv4_header(src_ip, dst_ip, 17, len(udp), ident, df, ttl) + udp)


def outer_vxlan(src_mac, dst_mac, src_ip, dst_ip, vni, inner, sport, dport=VXLAN_PORT,
                ident=0, df=False, ttl=64, with_udp_csum=False):
    """Ethernet/IPv4/UDP/VXLAN around inner, every field explicit."""
    return outer_udp(src_mac, dst_mac, src_ip, dst_ip, sport, dport, vxlan_header(vni) + inner,
                     ttl, df, ident, with_udp_csum)


def outer_gre(src_mac, dst_mac, src_ip, dst_ip, key, inner, ident=0, df=False, ttl=64,
              gre=None):
    """Ethernet/IPv4/GRE(K, 0x6558, key)/inner; gre replaces the GRE header bytes."""
    g = gre if gre is not None else gre_header(key)
    return (ethernet(dst_mac, src_mac) +
            ipv4_header(src_ip, dst_ip, 47, len(g) + len(inner), ident, df, ttl) + g + inner)


def erspan2_header(session, index, seq, truncated=False, vlan=0):
    """GRE (S bit, 0x88BE, sequence) and the 8-byte ERSPAN type II header."""
    gre = struct.pack("!HHI", 0x1000, 0x88BE, seq)
    w0 = (1 << 12) | vlan                                    # version 1 (type II)
    w1 = (int(truncated) << 10) | session                   # cos 0, en 0, T, id
    return gre + struct.pack("!HHI", w0, w1, index & 0xFFFFF)


def erspan3_header(session, seq, timestamp, hw_id, egress, truncated=False):
    """GRE (S bit, 0x22EB, sequence) and the 12-byte ERSPAN type III header
    (granularity 100 ns, no optional subheader)."""
    gre = struct.pack("!HHI", 0x1000, 0x22EB, seq)
    w0 = 2 << 12                                             # version 2 (type III)
    w1 = (int(truncated) << 10) | session                   # cos 0, bso 0, T, id
    w3 = (hw_id << 4) | (int(egress) << 3) | (1 << 1)       # p 0, ft 0, hw, D, gra
    return gre + struct.pack("!HHIHH", w0, w1, timestamp, 0, w3)


def erspan_copy(src_mac, coll_mac, src_ip, coll_ip, header, inner):
    """Outer Ethernet/IPv4 (id 0, DF clear, TTL 64, proto GRE)/header/inner."""
    return (ethernet(coll_mac, src_mac) +
            ipv4_header(src_ip, coll_ip, 47, len(header) + len(inner)) + header + inner)


# ---------------------------------------------------------------- scapy

def frame(l3, src_mac=VM1_MAC, dst_mac=VM2_MAC, vlan=None, prio=0):
    """bytes of Ether(src, dst)[/Dot1Q(vlan, prio)]/l3 (a scapy layer)."""
    from scapy.all import Dot1Q, Ether
    eth = Ether(src=src_mac, dst=dst_mac)
    if vlan is not None:
        eth = eth / Dot1Q(vlan=vlan, prio=prio)
    return bytes(eth / l3)


def l2_udp(src_mac, dst_mac, payload, vlan=None, prio=0):
    """The L2 tests' frame: [802.1Q /] IPv4 10.0.0.1 -> 10.0.0.2 / UDP 1000 ->
    2000 / payload (a str)."""
    from scapy.all import IP, UDP, Raw
    return frame(IP(src="10.0.0.1", dst="10.0.0.2") / UDP(sport=1000, dport=2000) /
                 Raw(payload.encode()), src_mac, dst_mac, vlan, prio)


def icmp_echo(src_ip, dst_ip, seq, reply=False, size=0, ident=0x4242):
    from scapy.all import ICMP, IP, Raw
    return IP(src=src_ip, dst=dst_ip, id=seq) / \
        ICMP(type=0 if reply else 8, id=ident, seq=seq) / Raw(bytes(range(256))[:size] or b"x")


def udp(src_ip, dst_ip, sport, dport, payload=b"mirror"):
    from scapy.all import IP, UDP, Raw
    return IP(src=src_ip, dst=dst_ip, id=dport) / UDP(sport=sport, dport=dport) / Raw(payload)


def tcp(src_ip, dst_ip, sport, dport):
    from scapy.all import IP, TCP
    return IP(src=src_ip, dst=dst_ip, id=dport) / TCP(sport=sport, dport=dport, flags="S")


def udp_frame(src_mac, dst_mac, src_ip, dst_ip, sport, dport, payload, size=None, vlan=None):
    """An Ethernet [802.1Q] / IPv4 (id 1) / UDP frame, padded with '.' to size
    bytes (the untagged size)."""
    from scapy.all import IP, UDP, Raw
    data = payload.encode() if isinstance(payload, str) else payload
    if size is not None:
        data = data + b"." * (size - 42 - len(data))
    l3 = IP(src=src_ip, dst=dst_ip, id=1) / UDP(sport=sport, dport=dport) / Raw(data)
    out = frame(l3, src_mac, dst_mac, vlan)
    assert size is None or len(out) == size + (4 if vlan is not None else 0), (len(out), size)
    return out
