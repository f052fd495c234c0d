#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Per-kind punt quotas (issue 13 class 3, review D9's shared punt ring): a VM
spraying frames that all punt one kind cannot starve the uplink's ARP.

    vm1 (network ov, VXLAN vni 100, one VTEP 192.168.1.10 without a
    neighbour: every flooded frame is held for it, punt kind "hold") sends
    SPRAY frames to unknown destinations, read as fast as the worker polls.
    The uplink reads, interleaved through the same time (one every GAP
    frames of not-for-us fillers, dropped by the worker), ARPS ARP requests
    for the VTEP address 192.168.1.249 from 192.168.1.100.

Asserted: `stats` underlay.punt.kinds: hold's quota_full > 0 (the spray
filled its quota) and hold's waiting never above its quota; arp's
quota_full == 0 and arp punted == ARPS; `stats` underlay.arp requests_answered
== ARPS; the uplink sent ARPS ARP replies to .100, each byte for byte.

With the quotas removed (hold's quota set to the ring's size, 4096) the
spray fills the shared ring and ARP requests are lost: arp's quota_full
rises and replies are missing (see docs/reliability.md for the run).
"""

import struct

import nfvatest as t

t.require_tools()

SPRAY = 60000
ARPS = 64          # within the ARP reply bucket's burst (100): no rate limiting
GAP = 600          # uplink fillers between two ARP requests
PEER_IP, PEER_MAC = "192.168.1.100", "02:00:00:00:01:00"
VTEP = "192.168.1.10"
CONFIG = t.UNDERLAY_CONFIG + ["network add ov vni 100 encap vxlan", "network ov attach vm1",
                              f"network ov vtep add {VTEP}"]


def arp(op, sha, sip, tha, tip, dst):
    body = struct.pack("!HHBBH", 1, 0x0800, 6, 4, op) + t.mac(sha) + t.ip4(sip) + \
        t.mac(tha) + t.ip4(tip)
    return t.mac(dst) + t.mac(sha) + struct.pack("!H", 0x0806) + body + bytes(18)


def spray():
    """Unknown unicast destinations, all different: flooded to the VTEP, held."""
    out = []
    for i in range(SPRAY):
        dst = f"02:10:{(i >> 16) & 0xff:02x}:{(i >> 8) & 0xff:02x}:{i & 0xff:02x}:01"
        out.append(t.mac(dst) + t.mac(t.VM1_MAC) + struct.pack("!H", 0x0800) + bytes(46))
    return out


def uplink():
    filler = t.mac("02:00:00:00:99:99") + t.mac(PEER_MAC) + struct.pack("!H", 0x0800) + \
        bytes(46)
    out = []
    for _ in range(ARPS):
        out += [filler] * GAP
        out.append(arp(1, PEER_MAC, PEER_IP, "00:00:00:00:00:00", t.UPLINK_IP, t.BCAST))
    return out


def main():
    d = t.Daemon("punt-quota", ["up", "vm1"], CONFIG)
    try:
        d.write_input("vm1", spray())
        d.write_input("up", uplink())
        d.start()
        d.wait_inputs(timeout=40)
        und = d.ctl("stats")["underlay"]
        kinds = und["punt"]["kinds"]
        up_mac = d.uplink_mac()
        d.stop_checked()
        hold, arpk = kinds["hold"], kinds["arp"]
        print(f"info: punt kinds: hold {hold}, arp {arpk}; arp stats {und['arp']}")
        t.check(hold["quota_full"] > 0,
                f"hold: the spray filled its quota ({hold['quota_full']} refused, "
                f"{hold['punted']} punted, quota {hold['quota']})")
        t.check_eq(arpk["quota_full"], 0, "arp: never refused")
        t.check_eq(arpk["punted"], ARPS, "arp: every request punted")
        t.check_eq(und["arp"]["requests_answered"], ARPS, "every ARP request answered")
        replies = [f for f in d.output("up") if f[12:14] == b"\x08\x06" and f[20:22] == b"\0\2"]
        want = arp(2, up_mac, t.UPLINK_IP, PEER_MAC, PEER_IP, PEER_MAC)[:42]
        t.check_frames([f[:42] for f in replies], [want] * ARPS,
                       "uplink: an ARP reply to .100 for each request")
    finally:
        d.cleanup()


t.main_guard(main)
