# SPDX-License-Identifier: BSD-3-Clause
"""Classic pcap files (LINKTYPE_ETHERNET), written and read here rather than
by scapy, so the bytes on disk are exactly the test's (scapy would re-dissect
runts and odd tags). Timestamps are 1 s + i us, so tshark keeps the order."""

import struct

MAGIC_US, MAGIC_NS = 0xA1B2C3D4, 0xA1B23C4D


def pcap_header(snaplen=65535):
    return struct.pack("<IHHiIII", MAGIC_US, 2, 4, 0, 0, snaplen, 1)


def pcap_record(frame, i=0):
    return struct.pack("<IIII", 1, i % 1000000, len(frame), len(frame)) + frame


def write_pcap(path, frames):
    """Write frames (bytes, as on the wire without FCS); returns their count.
    frames may be any iterable, a generator of millions included."""
    n = 0
    with open(path, "wb") as f:
        f.write(pcap_header())
        for fr in frames:
            f.write(pcap_record(fr, n))
            n += 1
    return n


def read_pcap(path):
    """The frames of a pcap file, as bytes; a truncated record is an error."""
    with open(path, "rb") as f:
        data = f.read()
    if len(data) < 24:
        raise ValueError(f"{path}: {len(data)} bytes, not a pcap file")
    magic = struct.unpack_from("<I", data, 0)[0]
    if magic in (MAGIC_US, MAGIC_NS):
        endian = "<"
    elif magic in (0xD4C3B2A1, 0x4D3CB2A1):
        endian = ">"
    else:
        raise ValueError(f"{path}: not a pcap file (magic {magic:#x})")
    if struct.unpack_from(endian + "I", data, 20)[0] != 1:
        raise ValueError(f"{path}: not an Ethernet capture")
    frames, off = [], 24
    while off < len(data):
        _, _, caplen, origlen = struct.unpack_from(endian + "IIII", data, off)
        off += 16
        if caplen != origlen:
            raise ValueError(f"{path}: frame truncated in capture ({caplen}/{origlen})")
        frames.append(data[off:off + caplen])
        off += caplen
    return frames
