# SPDX-License-Identifier: BSD-3-Clause
"""The vdev offload scenario: every rule shape, in deterministic rounds (fifo.py).

    port 0 up   (eswitch emulated) 192.168.1.249/24, static neighbours
                .252 (02:..:02:52) VXLAN, .253 (02:..:02:53) GRE
    port 1 vf1  lan, untagged        A 02:00:00:00:00:0a
    port 2 vf2  lan, untagged        B 02:00:00:00:00:0b
    port 3 vf3  ov (vxlan 5000)      C 02:00:00:00:00:0c   R 02:..:01:01 behind .252 (fdb add)
    port 4 vf4  lan, vlan 100        D 02:00:00:00:00:0d   (tagged on the port)
    port 5 vf5  og (gre key 6000)    E 02:00:00:00:00:0e   S 02:..:01:02 behind .253 (fdb add)

Phase 1, learning prelude (each flow once, so nothing of it can hit a rule):
  R1  A, C, E, D (tagged) broadcast: learned, flooded (C and E head-end
      replicated to their VTEP);
  R2  up: VXLAN .252 R->C and GRE .253 S->E; vf2 B->A; vf4 D->A; vf3 C->R;
      vf5 E->S: decisions decap x2, l2 vf2->vf1, l2-vlan vf4->vf1 (pop),
      vxlan encap, gre encap;
  R3  vf1 A->B and A->D: l2 vf1->vf2, l2-vlan vf1->vf4 (push).
  With offload on, 8 rules exist after R3 (the test waits for them).
Phase 2, two rounds: per round vf1 10 A->B + 5 A->D, vf2 10 B->A, vf4 5 D->A,
  vf3 10 C->R, vf5 10 E->S, up 10 VXLAN R->C + 10 GRE S->E; sizes vary.
"""

from .daemon import Daemon
from .frames import outer_gre, outer_vxlan, udp_frame

A, B, C, D, E = (f"02:00:00:00:00:0{x}" for x in "abcde")
R, S = "02:00:00:00:01:01", "02:00:00:00:01:02"
BCAST = "ff:ff:ff:ff:ff:ff"
UPLINK_IP = "192.168.1.249"
VTEP_VX, VTEP_VX_MAC = "192.168.1.252", "02:00:00:00:02:52"
VTEP_GRE, VTEP_GRE_MAC = "192.168.1.253", "02:00:00:00:02:53"
VNI, GRE_KEY, VLAN = 5000, 6000, 100

PORTS = ["up", "vf1", "vf2", "vf3", "vf4", "vf5"]
CONFIG = [
    f"underlay set uplink up ip {UPLINK_IP}/24",
    f"neigh add {VTEP_VX} lladdr {VTEP_VX_MAC}",
    f"neigh add {VTEP_GRE} lladdr {VTEP_GRE_MAC}",
    "network add lan",
    "network lan attach vf1",
    "network lan attach vf2",
    f"network lan attach vf4 vlan {VLAN}",
    f"network add ov vni {VNI} encap vxlan",
    "network ov attach vf3",
    f"network ov vtep add {VTEP_VX}",
    f"fdb add {R} network ov vtep {VTEP_VX}",
    f"network add og vni {GRE_KEY} encap gre",
    "network og attach vf5",
    f"network og vtep add {VTEP_GRE}",
    f"fdb add {S} network og vtep {VTEP_GRE}",
    "offload set idle-timeout 300",
]
ESWITCH = {"up": "emulated"}
VF_OF = {p: "up" for p in PORTS[1:]}
SIZES = [60, 98, 128, 333, 512, 1000, 1400]

# (in, out, shape): the 8 rules after phase 1, and their hits after phase 2
RULES = {
    ("vf1", "vf2", "l2"): 20,
    ("vf2", "vf1", "l2"): 20,
    ("vf1", "vf4", "l2-vlan"): 10,
    ("vf4", "vf1", "l2-vlan"): 10,
    ("vf3", "up", "vxlan-encap"): 20,
    ("up", "vf3", "vxlan-decap"): 20,
    ("vf5", "up", "gre-encap"): 20,
    ("up", "vf5", "gre-decap"): 20,
}
# frames carried by rules in phase 2, by ingress port (eswitch_packets)
PHASE2_ESWITCH = {"up": 40, "vf1": 30, "vf2": 20, "vf3": 20, "vf4": 10, "vf5": 20}
# output frames per port over the whole run (phase 1 + phase 2)
OUTPUTS = {"up": 44, "vf1": 33, "vf2": 23, "vf3": 21, "vf4": 12, "vf5": 21}

_n = 0


def frame(src, dst, tag, vlan=None, sip="10.0.0.1", dip="10.0.0.2"):
    """A UDP frame with a unique payload; sizes cycle through SIZES."""
    global _n
    _n += 1
    return udp_frame(src, dst, sip, dip, 40000 + _n % 1000, 4000, f"{tag} #{_n}",
                     size=SIZES[_n % len(SIZES)], vlan=vlan)


def decap_vx(uplink_mac, inner):
    """VXLAN from the far VTEP: IPv4 id 7, DF, UDP 51000 -> 4789, checksum 0."""
    return outer_vxlan(VTEP_VX_MAC, uplink_mac, VTEP_VX, UPLINK_IP, VNI, inner, 51000,
                       ident=7, df=True)


def decap_gre(uplink_mac, inner):
    """GRE (K, 0x6558, key) from the far VTEP: IPv4 id 7, DF."""
    return outer_gre(VTEP_GRE_MAC, uplink_mac, VTEP_GRE, UPLINK_IP, GRE_KEY, inner,
                     ident=7, df=True)


def phase1(d, uplink_mac):
    """Rounds R1..R3 (see the module doc)."""
    d.round({
        "vf1": [frame(A, BCAST, "A bcast")],
        "vf3": [frame(C, BCAST, "C bcast")],
        "vf4": [frame(D, BCAST, "D bcast", vlan=VLAN)],
        "vf5": [frame(E, BCAST, "E bcast")],
    })
    d.round({
        "up": [decap_vx(uplink_mac, frame(R, C, "R>C")), decap_gre(uplink_mac, frame(S, E, "S>E"))],
        "vf2": [frame(B, A, "B>A")],
        "vf3": [frame(C, R, "C>R")],
        "vf4": [frame(D, A, "D>A", vlan=VLAN)],
        "vf5": [frame(E, S, "E>S")],
    })
    d.round({"vf1": [frame(A, B, "A>B"), frame(A, D, "A>D")]})


def phase2(d, uplink_mac, rounds=2):
    for _ in range(rounds):
        d.round({
            "up": [decap_vx(uplink_mac, frame(R, C, "R>C")) for _ in range(10)] +
                  [decap_gre(uplink_mac, frame(S, E, "S>E")) for _ in range(10)],
            "vf1": [frame(A, B, "A>B") for _ in range(10)] + [frame(A, D, "A>D") for _ in range(5)],
            "vf2": [frame(B, A, "B>A") for _ in range(10)],
            "vf3": [frame(C, R, "C>R") for _ in range(10)],
            "vf4": [frame(D, A, "D>A", vlan=VLAN) for _ in range(5)],
            "vf5": [frame(E, S, "E>S") for _ in range(10)],
        })


def reset_frames():
    """Both runs of a comparison must send the very same bytes."""
    global _n
    _n = 0


def daemon(name, offload_on=True, extra=()):
    cfg = CONFIG + list(extra) + ([] if offload_on else ["offload off"])
    return Daemon(name, PORTS, cfg, feed="fifo", eswitch=ESWITCH, vf_of=VF_OF)


def rule_key(r):
    return (r["in"], r["out"], r["shape"])
