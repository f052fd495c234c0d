#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""make_seeds.py: (re)write the seed corpora of tests/fuzz/corpus/<harness>/
from the frames and messages the golden tests use (tests/lib/nfvatest): the
overlay, LISP, ERSPAN, ARP/ICMP and bad-input frames, LISP control messages,
command lines and mirror filters. Run it as
    PYTHONPATH=tests/lib /usr/bin/python3 tests/fuzz/make_seeds.py
The files it writes are committed. Each file name says what it holds."""

import os

import nfvatest as t
from nfvatest import lisp as L
from nfvatest.layers import (ARP, UDP, Ether, ICMPv6EchoRequest, ICMPv6ND_NA, ICMPv6ND_NS,
                             ICMPv6NDOptDstLLAddr, ICMPv6NDOptSrcLLAddr, IPv6, Raw)

HERE = os.path.dirname(os.path.abspath(__file__))

PLACEHOLDER = "02:00:00:00:aa:aa"  # replaced by the port's own MAC (flag bit 3)
UP, VM1, VM2, AN = 0, 1, 2, 3
SPLIT, MAC = 4, 8


def write(harness, name, data):
    d = os.path.join(HERE, "corpus", harness)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def inner(src="02:00:00:00:00:a1", dst="02:00:00:00:00:0b", vlan=None, data="inner"):
    return t.udp_frame(src, dst, "10.0.0.1", "10.0.0.2", 1000, 2000, data, vlan=vlan)


def to_us(l4, proto, src=t.VTEP1, src_mac=t.VTEP1_MAC):
    return (t.mac(PLACEHOLDER) + t.mac(src_mac) + b"\x08\x00" +
            t.ipv4_header(src, t.UPLINK_IP, proto, len(l4)) + l4)


def udp_to_us(dport, payload, sport=50000, src=t.VTEP1):
    return to_us(t.udp_datagram(sport, dport, payload), 17, src)


def lisp_messages():
    key = "fuzz-key"
    rec = L.record("10.9.2.0", 24, [(t.VTEP1, 1, 100), ("192.168.1.253", 2, 50)], iid=1000)
    rec6 = L.record("2001:db8::", 32, [(t.VTEP1, 1, 100), ("2001:db8:1::252", 1, 100)],
                    iid=1000)
    req = L.map_request(0x1122, t.VTEP1, "10.1.1.21", 32, iid=1000, src_eid="10.1.2.5")
    return {
        "map_request": req,
        "map_request_plain_iid0": L.map_request(7, t.VTEP1, "10.1.1.21", 32),
        "ecm_map_request": L.ecm("10.1.2.5", "10.1.1.21", req),
        "map_reply": L.map_reply(0x1122, [rec, rec6]),
        "map_reply_negative": L.map_reply(9, [L.record("10.1.3.0", 24, [], iid=1000,
                                                       action=3)]),
        "map_register_sha1": L.map_register(0x33, key, [rec]),
        "map_register_sha256": L.map_register(0x34, key, [rec, rec6], key_id=2),
        "map_notify": L.map_register(0x35, key, [rec], msg_type=4),
    }


def nd_seeds():
    """ND and ICMPv6 echo to the uplink's IPv6 address (fuzz_slowpath's
    2001:db8:1::249; the peer 2001:db8:1::252 is a static neighbour)."""
    us, peer, sn = "2001:db8:1::249", "2001:db8:1::252", "ff02::1:ff00:249"
    mac = t.VTEP1_MAC
    return {
        "up_nd_ns_multicast": bytes(Ether(src=mac, dst="33:33:ff:00:02:49") /
                                    IPv6(src=peer, dst=sn, hlim=255) / ICMPv6ND_NS(tgt=us) /
                                    ICMPv6NDOptSrcLLAddr(lladdr=mac)),
        "up_nd_ns_unicast": bytes(Ether(src=mac, dst=PLACEHOLDER) /
                                  IPv6(src=peer, dst=us, hlim=255) / ICMPv6ND_NS(tgt=us) /
                                  ICMPv6NDOptSrcLLAddr(lladdr=mac)),
        "up_nd_na_solicited": bytes(Ether(src=mac, dst=PLACEHOLDER) /
                                    IPv6(src=peer, dst=us, hlim=255) /
                                    ICMPv6ND_NA(tgt=peer, S=1, O=1) /
                                    ICMPv6NDOptDstLLAddr(lladdr=mac)),
        "up_icmp6_echo": bytes(Ether(src=mac, dst=PLACEHOLDER) / IPv6(src=peer, dst=us) /
                               ICMPv6EchoRequest(id=1, seq=1, data=b"ping6")),
    }


def v6_tunnel_seeds():
    """Tunnels over IPv6 to fuzz_slowpath's 2001:db8:1::249: VXLAN (valid and
    zero UDP checksum, to the group ff05::100 of network n6), GRE, ERSPAN III,
    and VXLAN from a source that is not a VTEP yet."""
    us, peer, mac = "2001:db8:1::249", "2001:db8:1::252", t.VTEP1_MAC

    def v6(l4, nh, dst=us, src=peer, dst_mac=PLACEHOLDER):
        return bytes(Ether(src=mac, dst=dst_mac) / IPv6(src=src, dst=dst, nh=nh) / Raw(l4))

    def vxlan(vni, **kw):
        return bytes(Ether(src=mac, dst=kw.get("dst_mac", PLACEHOLDER)) /
                     IPv6(src=kw.get("src", peer), dst=kw.get("dst", us)) /
                     UDP(sport=50000, dport=4789, chksum=kw.get("chksum")) /
                     Raw(t.vxlan_header(vni) + inner()))
    return {
        "up6_vxlan": vxlan(5000),
        "up6_vxlan_zero_csum": vxlan(5000, chksum=0),
        "up6_vxlan_new_source": vxlan(5000, src="2001:db8:7::7"),
        "up6_vxlan_group": vxlan(5006, dst="ff05::100", dst_mac="33:33:00:00:01:00"),
        "up6_gre": v6(t.gre_header(5001) + inner(), 47),
        "up6_erspan3": v6(t.erspan3_header(8, 1, 1, 1, False) + inner(), 47),
        "up6_lisp_data": bytes(Ether(src=mac, dst=PLACEHOLDER) / IPv6(src=peer, dst=us) /
                               UDP(sport=50000, dport=4341, chksum=0) /
                               Raw(L.lisp_data_header(iid=1000, nonce=5) +
                                   L.udp_in_ipv4("10.1.2.5", "10.1.1.21", 1, 2, b"lisp6"))),
        "up6_lisp_register": bytes(Ether(src=mac, dst=PLACEHOLDER) / IPv6(src=peer, dst=us) /
                                   UDP(sport=4342, dport=4342) /
                                   Raw(L.map_register(0x36, "fuzz-key", [L.record(
                                       "10.9.3.0", 24, [(peer, 1, 100)], iid=1000)]))),
        "up6_lisp_request": bytes(Ether(src=mac, dst=PLACEHOLDER) / IPv6(src=peer, dst=us) /
                                  UDP(sport=4342, dport=4342) /
                                  Raw(L.map_request(0x37, [t.VTEP1, peer], "10.1.1.21", 32,
                                                    iid=1000))),
    }


def slowpath_seeds():
    h = "fuzz_slowpath"
    vx = t.vxlan_header(5000) + inner()
    frames = {
        "up_vxlan": udp_to_us(4789, vx),
        "up_vxlan_tagged_inner": udp_to_us(4789, t.vxlan_header(5000) + t.push_tag(inner(), 10)),
        "up_gre": to_us(t.gre_header(5001) + inner(), 47),
        "up_nvgre": to_us(t.gre_header(7 << 8) + inner(), 47),
        "up_erspan2": to_us(t.erspan2_header(8, 1, 1) + inner(), 47),
        "up_erspan3": to_us(t.erspan3_header(8, 1, 1, 1, False) + inner(), 47),
        "up_lisp_data": udp_to_us(4341, L.lisp_data_header(iid=1000, nonce=5) +
                                  L.udp_in_ipv4("10.1.2.5", "10.1.1.21", 1, 2, b"lisp")),
        "up_lisp_glean": udp_to_us(4341, L.lisp_data_header(iid=1000, nonce=5) +
                                   L.udp_in_ipv4("10.1.2.5", "10.1.1.77", 1, 2, b"who")),
        "up_icmp_echo": to_us(b"\x08\x00\xf7\xfe\x00\x01\x00\x00", 1),
    }
    for name, msg in lisp_messages().items():
        frames["up_lisp_" + name] = udp_to_us(4342, msg, sport=4342)
    frames["up_arp_request"] = bytes(Ether(src=t.VTEP1_MAC, dst=t.BCAST) / ARP(
        op=1, hwsrc=t.VTEP1_MAC, psrc=t.VTEP1, pdst=t.UPLINK_IP))
    frames["up_arp_reply"] = bytes(Ether(src=t.VTEP1_MAC, dst=PLACEHOLDER) / ARP(
        op=2, hwsrc=t.VTEP1_MAC, psrc=t.VTEP1, hwdst=PLACEHOLDER, pdst=t.UPLINK_IP))
    frames.update(nd_seeds())
    frames.update(v6_tunnel_seeds())
    for name, f in frames.items():
        write(h, name, bytes([UP | MAC, 0]) + f)
        write(h, name + "_split", bytes([UP | MAC | SPLIT, 30]) + f)
    vm = {
        "vm1_unicast": (VM1, inner(dst=t.VTEP1_MAC)),
        "vm1_broadcast": (VM1, inner(dst=t.BCAST)),
        "vm1_vlan10": (VM1, inner(vlan=10)),
        "vm1_runt": (VM1, inner()[:10]),
        "vm2_lisp_udp": (VM2, t.mac(L.GW_MAC) + t.mac("02:00:00:00:00:0a") + b"\x08\x00" +
                         L.udp_in_ipv4("10.1.1.20", "10.1.2.5", 1, 2, b"to rloc")),
        "vm2_lisp_arp": (VM2, bytes(Ether(src="02:00:00:00:00:0a", dst=t.BCAST) / ARP(
            op=1, hwsrc="02:00:00:00:00:0a", psrc="10.1.1.20", pdst="10.1.2.5"))),
        "vm2_vlan20": (VM2, inner(vlan=20)),
        "an_frame": (AN, inner()),
    }
    for name, (port, f) in vm.items():
        write(h, name, bytes([port, 0]) + f)
        write(h, name + "_split", bytes([port | SPLIT, 13]) + f)


def differential_seeds():
    h = "fuzz_differential"
    A, B, C, D, E = (f"02:00:00:00:00:0{x}" for x in "abcde")
    R, S = "02:00:00:00:01:01", "02:00:00:00:01:02"
    seeds = {
        "vf1_to_vf2": (1, inner(A, B)),
        "vf1_to_vf4_push": (1, inner(A, D)),
        "vf4_to_vf1_pop": (4, inner(D, A, vlan=100)),
        "vf3_vxlan_encap": (3, inner(C, R)),
        "vf2_gre_encap": (2, inner(E, S, vlan=200)),
        "up_vxlan_decap": (0 | MAC, udp_to_us(4789, t.vxlan_header(5000) + inner(R, C))),
        "up_gre_decap": (0 | MAC, to_us(t.gre_header(6000) + inner(S, E), 47,
                                        src="192.168.1.253", src_mac="02:00:00:00:02:53")),
    }
    for name, (b0, f) in seeds.items():
        write(h, name, bytes([b0]) + f)


def lisp_msg_seeds():
    for name, msg in lisp_messages().items():
        write("fuzz_lisp_msg", name, msg)


def cmd_seeds():
    h = "fuzz_cmd"
    lines = [
        "port add up dev net_pcap0,rx_pcap=/tmp/x.pcap,tx_pcap=/tmp/y.pcap eswitch emulated",
        "network add n1 vni 5000 encap vxlan udp-port 4790 strict",
        "network n1 attach vm1 vlan 10  # comment",
        "fdb add 02:00:00:00:00:01 network n1 vtep 192.168.1.252",
        "lisp map-cache add 1000 10.1.2.0/24 rloc 192.168.1.252 priority 1 weight 50 ttl 60",
        "lisp site add s1 key \"a b\\\" c\" eid-prefix 1000 2001:db8::/32 auth sha256",
        "mirror add m1 source vm1,vm2 direction both filter \"dst 10.0.0.0/8 and proto udp "
        "dport 53\" sample 1/4 to erspan 192.168.1.252 session 7 version 3 hw-id 5",
        "underlay set uplink up ip 192.168.1.249/24 gateway 192.168.1.1",
        "lisp limits eids-per-network 100 replies-per-s 10",
        "\"unterminated",
    ]
    write(h, "commands", b"\0" + "\n".join(lines).encode())
    frame = inner()
    for i, f in enumerate(["dst 10.0.0.0/8 and proto udp", "vlan 10 dport 80-89",
                           "src-mac 02:00:00:00:00:a1 ethertype ipv4 host 2001:db8::/32",
                           "port 1000-2000 sport 1"]):
        write(h, f"filter_{i}", b"\x01" + f.encode() + b"\0" + frame)
    write(h, "addresses", b"\x02" + b"2001:db8::/32")
    write(h, "representor", b"\x03" + b"0000:3b:00.0,representor=vf[0-3]")


def main():
    slowpath_seeds()
    differential_seeds()
    lisp_msg_seeds()
    cmd_seeds()


if __name__ == "__main__":
    main()
