# SPDX-License-Identifier: BSD-3-Clause
"""Frames and pcap files built with struct (no scapy: 1 M frames in seconds).

Sizes follow RFC 2544: a "64 B frame" is 64 bytes on the wire with the FCS,
so 60 bytes in the pcap file (net_pcap neither adds nor expects an FCS).
"""

import struct

FCS = 4


def mac(s):
    return bytes.fromhex(s.replace(":", ""))


def mac_str(b):
    return ":".join(f"{x:02x}" for x in b)


def ip4(s):
    return bytes(int(x) for x in s.split("."))


def csum(data):
    """RFC 1071 one's complement sum of data."""
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ipv4(src, dst, proto, payload_len, ident=0, df=False, ttl=64):
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + payload_len, ident,
                      0x4000 if df else 0, ttl, proto, 0, src, dst)
    return hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]


def udp_frame(src_mac, dst_mac, src_ip, dst_ip, sport, dport, wire_size):
    """Ethernet/IPv4/UDP of wire_size bytes on the wire (wire_size - 4 in the file).
    The UDP checksum is 0 (allowed for IPv4): nothing on the path verifies it."""
    size = wire_size - FCS
    payload = size - 14 - 20 - 8
    if payload < 0:
        raise ValueError(f"frame of {wire_size} B is too short for UDP")
    udp = struct.pack("!HHHH", sport, dport, 8 + payload, 0) + bytes(payload)
    return dst_mac + src_mac + b"\x08\x00" + ipv4(src_ip, dst_ip, 17, len(udp)) + udp


def vxlan_frame(src_mac, dst_mac, src_ip, dst_ip, sport, vni, inner, dport=4789):
    body = struct.pack("!B3xI", 0x08, vni << 8) + inner
    udp = struct.pack("!HHHH", sport, dport, 8 + len(body), 0) + body
    return dst_mac + src_mac + b"\x08\x00" + ipv4(src_ip, dst_ip, 17, len(udp)) + udp


def gre_frame(src_mac, dst_mac, src_ip, dst_ip, key, inner):
    """L2 GRE with a key (K=1, protocol 0x6558), as nfva and OVS emit it."""
    body = struct.pack("!HHI", 0x2000, 0x6558, key) + inner
    return (dst_mac + src_mac + b"\x08\x00" +
            ipv4(src_ip, dst_ip, 47, len(body), df=True) + body)


def lisp_frame(src_mac, dst_mac, src_ip, dst_ip, sport, iid, nonce, inner, dport=4341):
    """RFC 9300 data packet: UDP to 4341 (checksum 0), LISP header with N and
    I set (0x88), the 24-bit nonce, the 24-bit instance ID and locator-status
    bits 0, then the inner IP packet (no Ethernet header)."""
    body = struct.pack("!II", (0x88 << 24) | (nonce & 0xFFFFFF), iid << 8) + inner
    udp = struct.pack("!HHHH", sport, dport, 8 + len(body), 0) + body
    return dst_mac + src_mac + b"\x08\x00" + ipv4(src_ip, dst_ip, 17, len(udp)) + udp


def write_pcap(path, frames):
    """Classic little-endian pcap, LINKTYPE_ETHERNET; returns the frame count."""
    n = 0
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        rec = struct.Struct("<IIII")
        for fr in frames:
            f.write(rec.pack(1, n % 1000000, len(fr), len(fr)))
            f.write(fr)
            n += 1
    return n
