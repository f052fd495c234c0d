# SPDX-License-Identifier: BSD-3-Clause
"""The vdev topology the golden tests share: nfva's uplink 192.168.1.249/24
and three far hosts behind it, with static neighbour entries so templates
resolve at configuration time and no ARP is sent. A test names the far hosts
by the role it gives them: VTEPs (overlay), collectors (mirror).

                 in_up/out_up                   in_vm1/out_vm1 ...
    far hosts  ------------ up ===[ nfva ]=== vm1, vm2 ...  (local members)
    .252 .253 .254           uplink, VTEP 192.168.1.249/24
"""

UPLINK_IP = "192.168.1.249"
UPLINK_PREFIX = f"{UPLINK_IP}/24"
FAR = [("192.168.1.252", "02:00:00:00:02:52"),
       ("192.168.1.253", "02:00:00:00:02:53"),
       ("192.168.1.254", "02:00:00:00:02:54")]
(VTEP1, VTEP1_MAC), (VTEP2, VTEP2_MAC) = FAR[:2]
(COLL1, COLL1_MAC), (COLL2, COLL2_MAC), (COLL3, COLL3_MAC) = FAR
BCAST = "ff:ff:ff:ff:ff:ff"

# Hosts of the L2 tests: A..E, and S (a static entry).
MAC_A, MAC_B, MAC_C, MAC_D, MAC_E = (f"02:00:00:00:00:0{x}" for x in "abcde")
MAC_S = "02:00:00:00:00:5e"

VM1_MAC, VM1_IP = "02:00:00:00:00:01", "10.0.0.1"
VM2_MAC, VM2_IP = "02:00:00:00:00:02", "10.0.0.2"
VM3_MAC, VM3_IP = "02:00:00:00:00:03", "10.0.0.3"


def underlay_config(far=2, uplink="up"):
    """The uplink and static neighbours for the first `far` far hosts."""
    return [f"underlay set uplink {uplink} ip {UPLINK_PREFIX}"] + \
        [f"neigh add {ip} lladdr {m}" for ip, m in FAR[:far]]


# The lines every overlay run starts with (two VTEPs); mirror.py's have three.
UNDERLAY_CONFIG = underlay_config(2)
