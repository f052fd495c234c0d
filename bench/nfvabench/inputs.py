# SPDX-License-Identifier: BSD-3-Clause
"""The named inputs of the benchmark, generated once per run directory.

Addressing (every scenario file under bench/scenarios/ relies on it):

    flows      1024 Ethernet/IPv4/UDP flows; flow i has its own source MAC
               SRC[i] = 02:00:0a:00:HH:LL, IPs 10.0.H.L -> 10.1.0.(i%64+1),
               UDP ports 1024+i -> 5001
    dsts       64 destination MACs DST[j] = 02:00:0b:00:00:jj, flow i -> DST[i % 64]
    underlay   nfva/OVS uplink 192.168.1.249/24 (MAC: probed from nfva, the same
               MAC given to OVS's br-phy); remote VTEP 192.168.1.252, MAC
               02:00:00:00:02:52; VNI / GRE key 5000
    underlay6  the same over IPv6 (the vxlan6 scenarios): uplink 2001:db8::1/64,
               remote VTEP 2001:db8::2 with the same MAC

Inputs:
    udp64, udp512    the flows, 64 or 512 B on the wire (60/508 B in the file)
    udp64-gw         the udp64 frames addressed to the LISP gateway MAC
                     (LISP_GW_MAC), as VMs of a LISP network send them once
                     nfva's proxy ARP answered (LISP encap scenarios)
    vxlan64, gre64   the udp64 frames, VXLAN- or GRE-encapsulated from the remote
                     VTEP to the uplink (decap scenarios); need the uplink MAC
    lisp64           the udp64 frames' IPv4 packets (Ethernet header removed),
                     LISP-encapsulated (RFC 9300) by the remote RLOC (VTEP) to
                     the uplink: UDP 49152+i -> 4341, N and I set, a nonce per
                     frame, instance ID VNI; 96 B in the file (100 on the wire);
                     needs the uplink MAC
    vxlan6-64        the udp64 frames, VXLAN-encapsulated over IPv6 from the remote
                     VTEP 2001:db8::2 to the uplink's 2001:db8::1: hop limit 64, a
                     flow label per flow (never 0), UDP 49152+i -> 4789 with a valid
                     checksum (nfva and OVS verify it); 130 B in the file (134 on the
                     wire); needs the uplink MAC
    warm-vxlan,      64 encapsulated frames from the remote VTEP whose inner
    warm-gre,        sources are DST[j]: decapsulating them teaches the FDB that
    warm-vxlan6      DST[j] is behind the VTEP, so encap scenarios are known unicast
                     (warm-vxlan6: from the IPv6 VTEP, built like vxlan6-64)
    learn1m          1 M frames, each with its own source MAC LEARN[k], to
                     the static MAC STATIC_SELF on the ingress port (dropped as a hairpin:
                     nothing but learning costs)
    lookup256k       262144 frames from STATIC_SRC to LEARN[k] for pseudo-random k
"""

import os

from . import pcap

N_FLOWS = 1024
N_DSTS = 64
VNI = 5000
UPLINK_IP = "192.168.1.249"
UPLINK_PREFIX = 24
VTEP = "192.168.1.252"
VTEP_MAC = "02:00:00:00:02:52"
UPLINK_IP6 = "2001:db8::1"
UPLINK_PREFIX6 = 64
VTEP6 = "2001:db8::2"
LISP_GW_MAC = "02:00:00:00:00:01"  # nfva's default; scenarios set it explicitly
N_LEARN = 1 << 20
N_LOOKUP = 1 << 18
STATIC_SELF = "02:00:0c:00:00:01"
STATIC_SRC = "02:00:0c:00:00:02"

MACSETS = {
    "src": [f"02:00:0a:00:{i >> 8:02x}:{i & 255:02x}" for i in range(N_FLOWS)],
    "dst": [f"02:00:0b:00:00:{j:02x}" for j in range(N_DSTS)],
}
# The IPv4 address that goes with each MAC of MACSETS (flow i: 10.0.H.L,
# destination j: 10.1.0.j+1), for scenarios that name hosts by address (LISP EIDs).
IPSETS = {
    "src": [f"10.0.{i >> 8}.{i & 255}" for i in range(N_FLOWS)],
    "dst": [f"10.1.0.{j + 1}" for j in range(N_DSTS)],
}


def learn_mac(k):
    return bytes((0x02, 0x01, (k >> 24) & 255, (k >> 16) & 255, (k >> 8) & 255, k & 255))


def flow_frames(wire_size, dst_mac=None):
    src, dst = [pcap.mac(m) for m in MACSETS["src"]], [pcap.mac(m) for m in MACSETS["dst"]]
    for i in range(N_FLOWS):
        yield pcap.udp_frame(src[i], dst_mac or dst[i % N_DSTS], bytes((10, 0, i >> 8, i & 255)),
                             bytes((10, 1, 0, i % N_DSTS + 1)), 1024 + i, 5001, wire_size)


def _tunnel(kind, inner_frames, uplink_mac):
    up, vt = pcap.mac(uplink_mac), pcap.mac(VTEP_MAC)
    sip, dip = pcap.ip4(VTEP), pcap.ip4(UPLINK_IP)
    for i, inner in enumerate(inner_frames):
        if kind == "vxlan":
            yield pcap.vxlan_frame(vt, up, sip, dip, 49152 + i % 16384, VNI, inner)
        else:
            yield pcap.gre_frame(vt, up, sip, dip, VNI, inner)


def _vxlan6(inner_frames, uplink_mac):
    up, vt = pcap.mac(uplink_mac), pcap.mac(VTEP_MAC)
    sip, dip = pcap.ip6(VTEP6), pcap.ip6(UPLINK_IP6)
    for i, inner in enumerate(inner_frames):
        label = ((i * 2654435761) & 0xFFFFF) or 1  # per flow, never 0 (RFC 6437)
        yield pcap.vxlan6_frame(vt, up, sip, dip, 49152 + i % 16384, VNI, inner, label)


def _lisp(inner_frames, uplink_mac):
    up, vt = pcap.mac(uplink_mac), pcap.mac(VTEP_MAC)
    sip, dip = pcap.ip4(VTEP), pcap.ip4(UPLINK_IP)
    for i, inner in enumerate(inner_frames):
        nonce = (i * 2654435761) & 0xFFFFFF
        yield pcap.lisp_frame(vt, up, sip, dip, 49152 + i % 16384, VNI, nonce, inner[14:])


def _warm_inner():
    bcast = b"\xff" * 6
    for j, m in enumerate(MACSETS["dst"]):
        yield pcap.udp_frame(pcap.mac(m), bcast, bytes((10, 1, 0, j + 1)),
                             bytes((10, 0, 0, 1)), 5001, 1024, 64)


def _learn_frames():
    dst = pcap.mac(STATIC_SELF)
    tail = pcap.udp_frame(b"\0" * 6, b"\0" * 6, pcap.ip4("10.2.0.1"), pcap.ip4("10.3.0.1"),
                          1024, 5001, 64)[12:]
    for k in range(N_LEARN):
        yield dst + learn_mac(k) + tail


def _lookup_frames():
    src = pcap.mac(STATIC_SRC)
    tail = pcap.udp_frame(b"\0" * 6, b"\0" * 6, pcap.ip4("10.3.0.1"), pcap.ip4("10.2.0.1"),
                          5001, 1024, 64)[12:]
    k = 12345
    for _ in range(N_LOOKUP):
        k = (k * 1103515245 + 12345) & 0x7FFFFFFF
        yield learn_mac(k % N_LEARN) + src + tail


def generators(uplink_mac=None):
    """{input name: (needs uplink MAC, frame generator factory)}."""
    return {
        "udp64": (False, lambda: flow_frames(64)),
        "udp512": (False, lambda: flow_frames(512)),
        "udp64-gw": (False, lambda: flow_frames(64, pcap.mac(LISP_GW_MAC))),
        "bcast64": (False, lambda: flow_frames(64, b"\xff" * 6)),
        "vxlan64": (True, lambda: _tunnel("vxlan", flow_frames(64), uplink_mac)),
        "gre64": (True, lambda: _tunnel("gre", flow_frames(64), uplink_mac)),
        "vxlan6-64": (True, lambda: _vxlan6(flow_frames(64), uplink_mac)),
        "lisp64": (True, lambda: _lisp(flow_frames(64), uplink_mac)),
        "warm-vxlan": (True, lambda: _tunnel("vxlan", _warm_inner(), uplink_mac)),
        "warm-gre": (True, lambda: _tunnel("gre", _warm_inner(), uplink_mac)),
        "warm-vxlan6": (True, lambda: _vxlan6(_warm_inner(), uplink_mac)),
        "learn1m": (False, _learn_frames),
        "lookup256k": (False, _lookup_frames),
    }


def needs_uplink_mac(name):
    return generators()[name][0]


def ensure(name, directory, uplink_mac=None):
    """Path of input `name` in directory, written if missing (the file name
    carries the uplink MAC for inputs that depend on it)."""
    need_mac, factory = generators(uplink_mac)[name]
    if need_mac and uplink_mac is None:
        raise ValueError(f"input {name} needs the uplink MAC")
    suffix = "-" + uplink_mac.replace(":", "") if need_mac else ""
    path = os.path.join(directory, f"{name}{suffix}.pcap")
    if not os.path.exists(path):
        tmp = path + ".tmp"
        pcap.write_pcap(tmp, factory())
        os.rename(tmp, path)
    return path


def empty(directory):
    path = os.path.join(directory, "empty.pcap")
    if not os.path.exists(path):
        pcap.write_pcap(path, [])
    return path
