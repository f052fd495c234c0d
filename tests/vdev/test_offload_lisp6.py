#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""LISP decapsulation over an IPv6 underlay carried by a lisp6-decap e-switch
rule, byte-identical to the slow path; encap toward an IPv6 RLOC stays in
software.

    net_pcap ports (rx from FIFOs, tx to pcap files), emulated e-switch:
    RLOC 2001:db8:1::252 (map-cache: 10.1.2.0/24, so it has an id) --+
    RLOC 2001:db8:1::253 (named nowhere: no id)                      +-- up 2001:db8:1::249/64
                                          [ nfva, network lan iid 1000 encap lisp ]
    vf1: static EIDs 10.1.1.21 (B) and 10.1.1.20 (A)

Phase 1 (fifo.py rounds, as in test_offload_ipv6): one LISP frame from .252
to B, one from .253 to B, one from A to 10.1.2.5 (LISP toward .252).
Phase 2: two rounds of 10 LISP frames from .252 to B (sizes varying).
Phase 3: one round of 10 LISP frames from .253 to B and 10 from A to 10.1.2.5.

Asserts:
  * offload on: `offload show caps` says lisp6-decap offloaded; after phase 1
    exactly one offloaded rule, (up, vf1, lisp6-decap), vtep 2001:db8:1::252,
    eid 10.1.1.21, and no lisp-encap rule; after phase 2 its hits are exactly
    20, up eswitch_packets rose by 20 and up rx_packets by the fillers only,
    and network lan's rx_packets by vf1's fillers only, i.e. no LISP frame
    decapsulated in software (offload off: 20 of them);
  * phase 3 on: nothing carried by the e-switch (.253 has no id, the encap
    is refused: UDP checksum), the rule still at 20 hits, no other rule;
  * both modes: the 11 encapsulated frames toward .252 carry a valid IPv6
    UDP checksum; vf1 got 32 decapsulated frames (2 + 20 + 10);
  * offload off and on: vf1's output byte-identical frame by frame; up's
    output identical once the LISP nonce (random per packet) and with it
    the UDP checksum are zeroed;
  * `offload dump testpmd`: the flow line matches eth / ipv6 proto 17 from
    .252 to .249 / udp dst 4341 / raw (I bit, IID, inner destination) with
    raw_decap / raw_encap, and `set raw_decap` is eth / ipv6 / udp / vxlan
    (70 bytes); dpdk-testpmd (when installed) parses every line.
"""


import nfvatest as t
from nfvatest import lisp as L
from nfvatest import testpmd as rp
from nfvatest.daemon import Daemon

MAC_A, MAC_B = "02:00:00:00:00:0a", "02:00:00:00:00:0b"
LOCAL6, RLOC6, OTHER6 = "2001:db8:1::249", "2001:db8:1::252", "2001:db8:1::253"
RLOC_MAC = "02:00:00:00:02:52"
IID = 1000
PORTS = ["up", "vf1"]
CONFIG = [
    f"underlay set uplink up ip {LOCAL6}/64",
    f"neigh add {RLOC6} lladdr {RLOC_MAC}",
    f"network add lan iid {IID} encap lisp",
    "network lan attach vf1",
    f"lisp map-cache add {IID} 10.1.2.0/24 rloc {RLOC6}",
    f"lisp eid add {IID} 10.1.1.21 mac {MAC_B} port vf1",
    f"lisp eid add {IID} 10.1.1.20 mac {MAC_A} port vf1",
    "offload set idle-timeout 300",
]
RULES = {("up", "vf1", "lisp6-decap"): 20}
SIZES = [20, 64, 100, 333, 700, 1000, 1380]
UDP_CSUM_OFF = 14 + 40 + 6  # in an encapsulated frame: the UDP checksum,
NONCE_OFF = 14 + 40 + 8 + 1  # the 24-bit nonce
_n = 0


def from_rloc(uplink_mac, src):
    """LISP (N|I, iid 1000) from src to us, inner 10.1.2.5 -> B, TTL and hop limit 64."""
    global _n
    from scapy.all import UDP, Ether, IPv6, Raw
    _n += 1
    data = f"to B #{_n} ".encode()
    data += b"." * (SIZES[_n % len(SIZES)] - len(data))
    inner = L.udp_in_ipv4("10.1.2.5", "10.1.1.21", 7000 + _n % 50, 8000, data)
    outer = Ether(src=RLOC_MAC, dst=uplink_mac) / IPv6(src=src, dst=LOCAL6, hlim=64)
    return bytes(outer / UDP(sport=61000, dport=L.LISP_DATA) /
                 Raw(L.lisp_data_header(iid=IID, nonce=_n) + inner))


def from_a():
    global _n
    _n += 1
    inner = L.udp_in_ipv4("10.1.1.20", "10.1.2.5", 40000 + _n % 50, 7000, f"A #{_n}".encode())
    return t.mac(L.GW_MAC) + t.mac(MAC_A) + b"\x08\x00" + inner


def key(r):
    return (r["in"], r["out"], r["shape"])


def lan_rx(d):
    """Frames network lan received: from vf1 (fillers included) and decapsulated
    in software from the uplink."""
    return d.ctl("network", "show", "stats", "lan")["lan"]["rx_packets"]


def check_rules(d):
    caps = {c["shape"]: c["support"] for c in d.ctl("offload", "show", "caps")}
    t.check_eq(caps.get("lisp6-decap"), "offloaded", "on: caps: lisp6-decap")
    try:
        rules = d.wait_rules(len(RULES), what="after phase 1")
    except Exception:
        for r in d.ctl("offload", "show"):
            print(f"rule {key(r)} {r['state']}: {r['reason']}")
        raise
    t.check_eq(sorted(key(r) for r in rules), sorted(RULES), "on: offloaded rules (in, out, shape)")
    t.check_eq([(r["vtep"], r["eid"]) for r in rules], [(RLOC6, "10.1.1.21")],
               "on: the rule's vtep and eid in offload show")
    t.check_eq([key(r) for r in d.ctl("offload", "show") if r["kind"] == "lisp-encap"], [],
               "on: no lisp-encap rule (encap over IPv6 stays in software)")


def check_encap_csum(frames, mode):
    """The LISP frames sent toward .252 (software): IPv6 UDP checksum valid."""
    from scapy.all import UDP, Ether, IPv6, in6_chksum
    n, bad = 0, []
    for raw in frames:
        p = Ether(raw)
        if IPv6 not in p or UDP not in p or p[IPv6].dst != RLOC6:
            continue
        n += 1
        body = bytes(p[IPv6].payload)
        zeroed = body[:6] + b"\0\0" + body[8:]
        if p[UDP].chksum in (0, None) or p[UDP].chksum != in6_chksum(17, p[IPv6], zeroed):
            bad.append(raw.hex())
    t.check_eq(n, 11, f"{mode}: LISP frames toward .252 (phase 1 and 3)")
    t.check_eq(bad, [], f"{mode}: their IPv6 UDP checksum is valid")


def run(offload_on):
    global _n
    _n = 0
    mode = "on" if offload_on else "off"
    cfg = CONFIG + ([] if offload_on else ["offload off"])
    d = Daemon(f"offload-lisp6-{mode}", PORTS, cfg, feed="fifo", eswitch={"up": "emulated"},
               vf_of={"vf1": "up"})
    try:
        d.start()
        up = d.uplink_mac()
        d.round({"up": [from_rloc(up, RLOC6), from_rloc(up, OTHER6)], "vf1": [from_a()]})
        if offload_on:
            check_rules(d)
        before, rx0 = d.port_counters(), lan_rx(d)
        for _ in range(2):
            d.round({"up": [from_rloc(up, RLOC6) for _ in range(10)]})
        after, rx1 = d.port_counters(), lan_rx(d)
        esw = {p: after[p]["eswitch_packets"] - before[p]["eswitch_packets"] for p in PORTS}
        up_rx = after["up"]["rx_packets"] - before["up"]["rx_packets"]
        lisp_sw = rx1 - rx0 - (after["vf1"]["rx_packets"] - before["vf1"]["rx_packets"])
        dump = None
        if offload_on:
            t.check_eq(esw, {"up": 20, "vf1": 0}, "on: phase 2 eswitch_packets per port")
            t.check_eq(up_rx, 2 * t.BURST - 20, "on: phase 2 up rx_packets = the fillers only")
            t.check_eq(lisp_sw, 0, "on: phase 2 LISP frames decapsulated in software")
            t.check_eq(d.wait_hits(RULES), RULES, "on: rule hits after phase 2")
            dump = d.ctl("offload", "dump", "testpmd")
        else:
            t.check_eq(esw, {"up": 0, "vf1": 0}, "off: phase 2 eswitch_packets")
            t.check_eq(lisp_sw, 20, "off: phase 2 LISP frames decapsulated in software")
        before = after
        d.round({"up": [from_rloc(up, OTHER6) for _ in range(10)],
                 "vf1": [from_a() for _ in range(10)]})
        after = d.port_counters()
        esw = {p: after[p]["eswitch_packets"] - before[p]["eswitch_packets"] for p in PORTS}
        t.check_eq(esw, {"up": 0, "vf1": 0}, f"{mode}: phase 3 eswitch_packets (software)")
        if offload_on:
            t.check_eq(sorted(key(r) for r in d.rules()), sorted(RULES),
                       "on: after phase 3, still only the lisp6-decap rule")
            t.check_eq(d.wait_hits(RULES), RULES, "on: rule hits unchanged by phase 3")
        t.check_eq(d.stop(), 0, f"{mode}: nfva exit status after SIGTERM")
        out = {p: d.output(p) for p in PORTS}
        check_encap_csum(out["up"], mode)
        t.check_eq(len(out["vf1"]), 32, f"{mode}: vf1: decapsulated frames (2 + 20 + 10)")
        return out, dump
    finally:
        d.cleanup()


def without_nonce(frames):
    """up's frames with the LISP nonce of encapsulated frames (random) and the
    UDP checksum that covers it zeroed (check_encap_csum checked it)."""
    res = []
    for f in frames:
        if len(f) > NONCE_OFF + 3 and f[12:14] == b"\x86\xdd" and f[14 + 6] == 17 and \
                f[14 + 40 + 2:14 + 40 + 4] == b"\x10\xf5":
            f = (f[:UDP_CSUM_OFF] + b"\0\0" + f[UDP_CSUM_OFF + 2:NONCE_OFF] + b"\0\0\0" +
                 f[NONCE_OFF + 3:])
        res.append(f)
    return res


def compare(off, on):
    for p in PORTS:
        a, b = off[p], on[p]
        if p == "up":
            a, b = without_nonce(a), without_nonce(b)
        t.check(len(b) > 0, f"{p}: output frames")
        if a == b:
            print(f"ok: {p}: {len(b)} output frames identical with offload off and on"
                  f"{' (LISP nonce and UDP checksum zeroed)' if p == 'up' else ''}")
            continue
        t.check(False, f"{p}: output differs between offload off and on")
        for i in range(max(len(a), len(b))):
            x = a[i].hex() if i < len(a) else "(none)"
            y = b[i].hex() if i < len(b) else "(none)"
            if x != y:
                print(f"  #{i}\n    off {x}\n    on  {y}")


def check_dump(dump):
    lines = [l for l in dump.splitlines() if l.strip()]
    print("dump:\n  " + "\n  ".join(lines))
    flows = [l for l in lines if l.startswith("flow create ")]
    t.check_eq(len(flows), 1, "dump: one flow line")
    t.check(any(f"ipv6 proto is 17 src is {RLOC6} dst is {LOCAL6} / udp dst is 4341 / raw "
                "relative is 1" in l and "raw_decap index" in l and "raw_encap index" in l
                for l in flows), "dump: ipv6 from .252 to ours / udp 4341 / raw -> raw_decap, "
            "raw_encap")
    t.check(any(l.startswith("set raw_decap") and "eth / ipv6 / udp / vxlan" in l for l in lines),
            "dump: set raw_decap eth / ipv6 / udp / vxlan (70 bytes)")
    rp.check_replay(lines)


def main():
    t.require_tools()
    off, _ = run(False)
    on, dump = run(True)
    compare(off, on)
    check_dump(dump)


if __name__ == "__main__":
    t.main_guard(main)
