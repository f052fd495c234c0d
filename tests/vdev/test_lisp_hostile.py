#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""LISP under hostile tenants and underlay hosts (issue 13: D6, D8, D9, D12,
D13, D17, D18, D19, D26).

    RLOC .252 (ETR, sender of data and control) --- up 192.168.1.249/24 ===[ nfva ]=== vm1, vm2
    .253: a static neighbour (where spoofed Map-Requests ask replies to go)

1. detach (D6a): a static EID of vm1 in LISP network lan (iid 1000), then
   `network lan detach vm1` and vm1 into a plain network: LISP data for the
   EID is not delivered to vm1 (lisp_not_local_eid), the EID is gone.
2. delete and reuse (D6b, D9): lan (iid 1000: static EID on vm1, map-cache
   10.1.2.0/24 -> .252) deleted, lan2 (iid 2000) takes its index, vm2 in it:
   data for the old EID in iid 2000 reaches nobody, vm2's packet to
   10.1.2.5 is not encapsulated with lan's entry, the map-cache is empty.
3. map-server (D17, D18, D19, D26b): site s1 = 10.1.0.0/16 exact and, added
   later, 10.9.0.0/16 accept-more-specifics. Map-Registers from .252:
   10.1.5.0/24 (refused: the later prefix does not widen the first: site),
   10.9.2.0/24 with TTL 0x40000000 minutes (accepted), 10.9.3.0/24 with RLOC
   224.0.0.5 (refused: rloc), and one of 1420 bytes (16 records with IPv6
   locators: accepted, HMAC over more than 1400 bytes, Map-Notify sent and
   valid). vm1's packets then resolve 10.9.2.5 with TTL 604800 s (the cap:
   minutes * 60 overflowed to 0, "never"), and 10.9.3.5 to no RLOC.
4. rates (D12, D13): 400 Map-Requests for a local EID with ITR-RLOC .253:
   at most ~200 Map-Replies (replies_rate_limited counts the rest); 250 LISP
   data packets to distinct unknown addresses: at most ~50 probe rounds
   (glean_rate_limited), each an ARP on vm1 and vm2.
5. quota (D8): `lisp limits eids-per-network 100`; vm1 (network a) sends
   from 300 addresses, vm2 (network b) from 5: a holds 100 EIDs, eids_limit
   counts the rest, b has its 5.
6. bulk removal (D9): `lisp map-cache flush 1000` of 20 000 static entries
   answers in under 1 s (one grace period, not one per prefix).
7. fdb add vtep (D26a): in a strict network, `fdb add MAC network N vtep
   IP` for an IP that is not one of its VTEPs is refused and leaves no entry.
"""

import struct
import time

import nfvatest as t
from nfvatest import lisp as L

t.require_tools()

RLOC, RLOC_MAC = t.VTEP1, t.VTEP1_MAC
MAC_A, MAC_B, MAC_C = "02:00:00:00:00:0a", "02:00:00:00:00:0b", "02:00:00:00:00:0c"
KEY = "hostile-key"


def from_rloc(upmac, iid, inner):
    return t.outer_udp(RLOC_MAC, upmac, RLOC, t.UPLINK_IP, 61000, L.LISP_DATA,
                       L.lisp_data_header(iid=iid, nonce=0x42) + inner, df=True)


def control(upmac, msg, sport=L.LISP_CTRL):
    return t.outer_udp(RLOC_MAC, upmac, RLOC, t.UPLINK_IP, sport, L.LISP_CTRL, msg)


def vm_udp(src_mac, src, dst, n=0):
    return t.mac(L.GW_MAC) + t.mac(src_mac) + b"\x08\x00" + \
        L.udp_in_ipv4(src, dst, 5000 + n, 7000, b"vm %d" % n)


def lisp_stats(d):
    return d.ctl("lisp", "show")["counters"]


def lisp_frames(frames, port):
    return [f for f in frames if len(f) > 37 and f[23] == 17 and
            struct.unpack_from("!H", f, 36)[0] == port]


def detach():
    d = t.Daemon("lisp-detach", ["up", "vm1"], t.UNDERLAY_CONFIG + [
        "network add lan iid 1000 encap lisp", "network lan attach vm1",
        f"lisp eid add 1000 10.1.1.21 mac {MAC_B} port vm1",
        "network lan detach vm1", "network add plain", "network plain attach vm1"])
    try:
        upmac = d.probe_uplink_mac()
        pkt = L.udp_in_ipv4("10.1.2.5", "10.1.1.21", 1, 2, b"for B")
        d.write_input("up", [from_rloc(upmac, 1000, pkt)])
        d.start()
        shown = d.wait_inputs()
        t.check_eq(shown["up"]["counters"]["dropped"], {"lisp_not_local_eid": 1},
                   "detach: data for the EID of the detached port is not delivered")
        t.check_eq(d.ctl("lisp", "eid", "show"), [], "detach: the EID went with the port")
        d.stop_checked()
        t.check_frames(d.output("vm1"), [], "detach: vm1 (now in network plain) gets nothing")
    finally:
        d.cleanup()


def delete_reuse():
    d = t.Daemon("lisp-reuse", ["up", "vm1", "vm2"], t.UNDERLAY_CONFIG + [
        "network add lan iid 1000 encap lisp", "network lan attach vm1",
        f"lisp eid add 1000 10.1.1.21 mac {MAC_B} port vm1",
        f"lisp map-cache add 1000 10.1.2.0/24 rloc {RLOC}",
        "network del lan", "network add lan2 iid 2000 encap lisp", "network lan2 attach vm2"])
    try:
        upmac = d.probe_uplink_mac()
        pkt = L.udp_in_ipv4("10.1.2.5", "10.1.1.21", 1, 2, b"old EID")
        d.write_input("up", [from_rloc(upmac, 2000, pkt)])
        d.write_input("vm2", [vm_udp(MAC_C, "10.1.1.30", "10.1.2.5")])
        d.start()
        shown = d.wait_inputs()
        t.check_eq(shown["up"]["counters"]["dropped"], {"lisp_not_local_eid": 1},
                   "reuse: data for lan's EID in iid 2000 is not delivered")
        t.check_eq([e["eid"] for e in d.ctl("lisp", "eid", "show") if e["type"] == "static"],
                   [], "reuse: lan2 inherits no EID (vm2's own is learned)")
        t.check_eq([e["eid"] for e in d.ctl("lisp", "map-cache", "show")
                    if e["type"] != "pending"], [], "reuse: lan2 inherits no map-cache entry")
        d.stop_checked()
        t.check_frames(d.output("vm1"), [], "reuse: vm1 (in no network) gets nothing")
        t.check_eq(len(lisp_frames(d.output("up"), L.LISP_DATA)), 0,
                   "reuse: vm2's packet is not encapsulated with lan's entry")
    finally:
        d.cleanup()


def record_v6(eid, plen, n_v6, ttl=1440, iid=1000):
    """A record with RLOC .252 and n_v6 IPv6 locators (nfva skips those)."""
    r = struct.pack("!IBBHH", ttl, 1 + n_v6, plen, 0x1000, 0) + L.eid_bytes(eid, iid)
    r += struct.pack("!BBBBHH", 1, 100, 255, 0, 0x5, L.AFI_IPV4) + t.ip4(RLOC)
    for k in range(n_v6):
        r += struct.pack("!BBBBHH", 2, 0, 255, 0, 0x4, L.AFI_IPV6) + \
            bytes.fromhex("20010db8000000000000000000000000")[:15] + bytes([k])
    return r


def big_register():
    recs = [record_v6(f"10.9.{16 + i}.0", 24, 2 if i < 15 else 1) for i in range(16)]
    msg = L.map_register(0xB16, KEY, recs)
    assert 1400 < len(msg) <= 1472, len(msg)
    return msg


def map_server_frames(upmac):
    def reg(nonce, prefix, rloc, ttl=1440):
        rec = L.record(prefix, 24, [(rloc, 1, 100)], ttl=ttl, iid=1000)
        return control(upmac, L.map_register(nonce, KEY, [rec]))
    return [reg(0x5, "10.1.5.0", RLOC), reg(0x6, "10.9.2.0", RLOC, ttl=0x40000000),
            reg(0x7, "10.9.3.0", "224.0.0.5"), control(upmac, big_register())]


def map_server():
    d = t.Daemon("lisp-ms", ["up", "vm1"], t.UNDERLAY_CONFIG + [
        "network add lan iid 1000 encap lisp", "network lan attach vm1",
        f"lisp site add s1 key {KEY} eid-prefix 1000 10.1.0.0/16",
        f"lisp site add s1 key {KEY} eid-prefix 1000 10.9.0.0/16 accept-more-specifics"])
    try:
        upmac = d.probe_uplink_mac()
        d.write_input("up", map_server_frames(upmac))
        d.write_input("vm1", [vm_udp(MAC_A, "10.1.1.20", "10.9.2.5", 1),
                              vm_udp(MAC_A, "10.1.1.20", "10.9.3.5", 2)])
        d.start()
        d.wait_inputs()
        c = lisp_stats(d)
        got = {k: c.get(k) for k in ("registers_accepted", "registers_rejected_site",
                                     "registers_rejected_rloc", "registers_rejected_auth",
                                     "notifies_sent")}
        t.check_eq(got, {"registers_accepted": 2, "registers_rejected_site": 1,
                         "registers_rejected_rloc": 1, "registers_rejected_auth": 0,
                         "notifies_sent": 2}, "map-server: what each Map-Register got")
        mc = {e["eid"]: e for e in d.ctl("lisp", "map-cache", "show", "1000")}
        e2 = mc.get("10.9.2.0/24", {})
        t.check_eq((e2.get("ttl_s"), [r["rloc"] for r in e2.get("rlocs", [])]),
                   (7 * 24 * 3600, [RLOC]),
                   "map-server: TTL 0x40000000 min is taken as the 7-day cap, not 'never'")
        t.check(all(r["rloc"] != "224.0.0.5" for e in mc.values() for r in e["rlocs"]),
                f"map-server: no map-cache entry toward 224.0.0.5 ({sorted(mc)})")
        d.stop_checked()
        notifies = [f[42:] for f in lisp_frames(d.output("up"), L.LISP_CTRL)
                    if f[42] >> 4 == 4]
        t.check_eq(len(notifies), 2, "map-server: two Map-Notifies on the wire")
        t.check(all(L.verify_register(n, KEY) for n in notifies),
                "map-server: each Map-Notify verifies with the site key (the big one too)")
    finally:
        d.cleanup()


def main():
    t.scenario("detach", detach)
    t.scenario("delete and reuse", delete_reuse)
    t.scenario("map-server", map_server)
    t.scenario("rates", rates)
    t.scenario("quota", quota)
    t.scenario("bulk removal", bulk_removal)
    t.scenario("fdb add vtep", fdb_vtep)


def rates():
    d = t.Daemon("lisp-rates", ["up", "vm1", "vm2"], t.UNDERLAY_CONFIG + [
        "network add lan iid 1000 encap lisp", "network lan attach vm1",
        "network lan attach vm2", f"lisp eid add 1000 10.1.1.21 mac {MAC_B} port vm1"])
    try:
        upmac = d.probe_uplink_mac()
        reqs = [control(upmac, L.map_request(0x1000 + i, t.VTEP2, "10.1.1.21", 32, iid=1000))
                for i in range(400)]
        data = [from_rloc(upmac, 1000, L.udp_in_ipv4("10.1.2.5", f"10.1.{100 + i // 200}."
                                                     f"{i % 200 + 1}", 1, 2, b"who"))
                for i in range(250)]
        d.write_input("up", reqs + data)
        d.start()
        d.wait_inputs()
        c = lisp_stats(d)
        print(f"info: replies_sent {c['replies_sent']} replies_rate_limited "
              f"{c.get('replies_rate_limited')} glean_probes {c['glean_probes']} "
              f"glean_rate_limited {c.get('glean_rate_limited')}")
        t.check(c["replies_sent"] <= 250, f"rates: Map-Replies toward the spoofed ITR-RLOC "
                f"bounded ({c['replies_sent']} <= 250 for 400 requests)")
        t.check_eq(c["replies_sent"] + c.get("replies_rate_limited", 0), 400,
                   "rates: every request answered or counted replies_rate_limited")
        t.check(c["glean_probes"] <= 60, f"rates: glean probe rounds bounded "
                f"({c['glean_probes']} <= 60 for 250 unknown addresses)")
        t.check(c["glean_probes"] + c.get("glean_rate_limited", 0) >= 240,
                "rates: the rest counted glean_rate_limited")
        d.stop_checked()
        arps = [f for f in d.output("vm1") if f[12:14] == b"\x08\x06"]
        t.check_eq(len(arps), c["glean_probes"], "rates: vm1 got one ARP probe per round")
    finally:
        d.cleanup()


def quota():
    d = t.Daemon("lisp-quota", ["up", "vm1", "vm2"], t.UNDERLAY_CONFIG + [
        "lisp limits eids-per-network 100",
        "network add a iid 1000 encap lisp", "network a attach vm1",
        "network add b iid 2000 encap lisp", "network b attach vm2"])
    try:
        d.write_input("vm1", [vm_udp(MAC_A, f"10.1.{1 + i // 250}.{i % 250 + 1}", "10.1.9.9", i)
                              for i in range(300)])
        d.write_input("vm2", [vm_udp(MAC_C, f"10.2.1.{i + 1}", "10.2.9.9", i) for i in range(5)])
        d.start()
        d.wait_inputs()
        time.sleep(0.5)  # reports drained every 2 ms
        eids = d.ctl("lisp", "eid", "show")
        per = {iid: sum(1 for e in eids if e["iid"] == iid) for iid in (1000, 2000)}
        t.check_eq(per, {1000: 100, 2000: 5}, "quota: EIDs per network")
        c = lisp_stats(d)
        t.check_eq(c.get("eids_limit", 0) + c["eid_reports_lost"], 200,
                   "quota: the 200 over the limit counted eids_limit")
        d.stop_checked()
    finally:
        d.cleanup()


def bulk_removal():
    lines = [f"lisp map-cache add 1000 10.{i // 256}.{i % 256}.0/24 rloc {RLOC}"
             for i in range(20000)]
    d = t.Daemon("lisp-flush", ["up", "vm1"], t.UNDERLAY_CONFIG + [
        "network add lan iid 1000 encap lisp", "network lan attach vm1"] + lines)
    try:
        d.start(timeout=120)
        t.check_eq(lisp_stats(d)["map_cache_entries"], 20000, "flush: entries before")
        t0 = time.monotonic()
        rc, _, err = d.ctl_raw("lisp", "map-cache", "flush", "1000")
        secs = time.monotonic() - t0
        t.check_eq(rc, 0, f"flush: lisp map-cache flush 1000 ({err.strip()})")
        print(f"info: flush of 20000 entries: {secs:.3f} s")
        t.check(secs < 1.0, f"flush: 20000 entries removed in {secs:.3f} s (< 1 s)")
        t.check_eq(lisp_stats(d)["map_cache_entries"], 0, "flush: entries after")
        d.stop_checked()
    finally:
        d.cleanup()


def fdb_vtep():
    d = t.Daemon("fdb-vtep", ["up", "vm1"], t.UNDERLAY_CONFIG + [
        "network add s vni 7000 encap vxlan strict", "network s attach vm1",
        f"network s vtep add {t.VTEP1}"])
    try:
        d.start()
        rc, _, err = d.ctl_raw("fdb", "add", "02:00:00:00:0f:01", "network", "s", "vtep",
                               "192.168.1.200")
        t.check(rc != 0 and "not one of its VTEPs" in err,
                f"fdb vtep: an entry toward a VTEP the strict network refuses is refused "
                f"(rc {rc}: {err.strip()})")
        t.check_eq(t.fdb_rows(d), [], "fdb vtep: no entry was kept")
        t.check_eq(d.ctl_raw("fdb", "add", "02:00:00:00:0f:02", "network", "s", "vtep",
                             t.VTEP1)[0], 0, "fdb vtep: toward its configured VTEP: accepted")
        d.stop_checked()
    finally:
        d.cleanup()


if __name__ == "__main__":
    t.main_guard(main)
