#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""The running configuration: `config show`, `config save`, --autosave.

A. Every kind of configured state, given over the socket to a daemon whose
   startup file holds only its five net_pcap ports (up owns an emulated
   e-switch, vf1 is its VF): plain vhost-user ports (server, client, a VF),
   a net_null port with its queue counts and rx queues pinned to a worker,
   MAC limits set later, the underlay, static neighbours, networks with every
   overlay option, attachments, VTEPs, guest vhost-user ports (one with a
   random MAC), static FDB entries (one on a guest port), the FDB ageing,
   LISP settings, map-resolver, map-server with a key that needs quoting,
   sites, a static EID, static and negative map-cache entries (IPv4 and
   IPv6), three mirror sessions (port, ERSPAN III, VXLAN; a filter that
   needs quotes), ERSPAN collection, offload settings and log levels.
   - `config show` is exactly the expected text (golden, in replay order);
   - `config save` writes the header and that text, mode 0600, no temporary
     file left; `nfva --check-config` accepts it;
   - a daemon started from the saved file shows byte-identical text, and the
     same networks, guest ports (the random MAC kept), static FDB entries,
     LISP sites and map-cache.
B. --autosave: show commands, failing commands and commands that change no
   configuration (fdb flush) leave the file alone (same inode, same bytes);
   `network add` and `network del` rewrite it to header + config show; after
   SIGKILL the daemon restarts from the autosaved file with the same text.
C. Errors: `config save` of a relative path or into a missing directory is
   refused with a message and counted (stats config save_failures);
   `--autosave` without `--config` stops the daemon at start (exit 2).
"""

import os
import subprocess

import nfvatest as t

t.require_tools(tshark=False, scapy=False)

PORTS = ["up", "vm1", "vm2", "vf1", "tap"]
KEY = 'a "b" \\c #d'  # a map-server key with a quote, a backslash, a '#' and spaces


def commands(d):
    """The configuration given over the socket (each one a list of words)."""
    vh = d.path("vhost")
    text = f"""port set vm2 mac-limit 7
port add vh1 vhost-user {d.path("vh1.sock")} server
port add vh2 vhost-user {d.path("vh2.sock")} client vf-of up
port add nl dev net_null9 rxq 1 txq 2
port set nl rxq 0 worker 0
port set vm1 rxq 0 worker 0
port set vh1 mac-limit 9
underlay set uplink up ip 192.0.2.1/24 gateway 192.0.2.254
neigh add 192.0.2.9 lladdr 02:00:00:00:09:09
neigh add 192.0.2.3 lladdr 02:00:00:00:03:03
network add red mac-limit 100 vni 5001 encap vxlan udp-port 8472 group 239.1.1.1 udp-csum
network add blue vni 77 encap gre df on strict
network add green vni 300 encap nvgre
network add taas vni 900 encap vxlan collector
network add lsp iid 1000 encap lisp
network add plain
network red attach vm1 vlan 10
network blue attach vm1
network plain attach vm2
network lsp attach vf1
network red vtep add 192.0.2.20
network red vtep add 198.51.100.3
network red set mac-limit 200
guest port add blue vhost-user name g1 vlan 30 dir {vh}
guest port add plain vhost-user name g2 mac 52:54:00:00:00:22 listen nfva dir {vh}
port set g1 mac-limit 5
fdb add 02:00:00:00:aa:01 network red port vm1 vlan 10
fdb add 02:00:00:00:aa:02 network red vtep 192.0.2.20
fdb add 02:00:00:00:aa:03 network blue port g1 vlan 30
fdb ageing 120
lisp set gateway-mac 02:00:00:00:00:99 record-ttl 60 eid-ageing 600
lisp map-resolver add 192.0.2.50
lisp map-server add 192.0.2.51 key KEY auth sha256
lisp site add siteA key k1 eid-prefix 1000 10.9.0.0/16 accept-more-specifics
lisp site add siteA key k1 eid-prefix 1000 2001:db8::/32
lisp eid add 1000 10.9.0.5 mac 02:00:00:00:00:05 port vf1
lisp map-cache add 1000 10.7.0.0/16 rloc 192.0.2.60 priority 2 ttl 3600
lisp map-cache add 1000 10.7.0.0/16 rloc 192.0.2.61 weight 50
lisp map-cache add 1000 10.6.0.0/16 negative
lisp map-cache add 1000 2001:db8:1::/48 negative action send-map-request ttl 600
mirror add m1 source vm2 direction both filter FILTER sample 1/4 snaplen 128 to port tap
mirror add m2 source vm1,vf1 direction in external to erspan 192.0.2.70 session 12 version 3 hw-id 5
mirror add m3 source vm2 direction out to vxlan 192.0.2.71 vni 901
mirror collect erspan session 5 to port tap from 192.0.2.80
offload off port vm2
offload set idle-timeout 30 max-rules-per-port 1000
log level nfva.fdb debug
log level nfva.* info"""
    words = {"KEY": KEY, "FILTER": "proto udp and dst 10.0.0.2"}
    return [[words.get(w, w) for w in line.split()] for line in text.splitlines()]


def expected(d, g1_mac):
    """What `config show` must print after commands(d), line for line."""
    vh = d.path("vhost")
    dev = {p: d.devargs(p) for p in PORTS}
    return f"""port add up dev {dev["up"]} eswitch emulated
port add vm1 dev {dev["vm1"]}
port set vm1 rxq 0 worker 0
port add vm2 dev {dev["vm2"]} mac-limit 7
port add tap dev {dev["tap"]}
port add vh1 vhost-user {d.path("vh1.sock")} server
port set vh1 mac-limit 9
port add nl dev net_null9 rxq 1 txq 2
port set nl rxq 0 worker 0
port add vf1 dev {dev["vf1"]} vf-of up
port add vh2 vhost-user {d.path("vh2.sock")} client vf-of up
underlay set uplink up ip 192.0.2.1/24 gateway 192.0.2.254
neigh add 192.0.2.3 lladdr 02:00:00:00:03:03
neigh add 192.0.2.9 lladdr 02:00:00:00:09:09
network add red mac-limit 200 vni 5001 encap vxlan udp-port 8472 group 239.1.1.1 udp-csum
network add blue vni 77 encap gre df on strict
network add green vni 300 encap nvgre
network add taas vni 900 encap vxlan collector
network add lsp iid 1000 encap lisp
network add plain
network red attach vm1 vlan 10
network blue attach vm1
network lsp attach vf1
network plain attach vm2
network red vtep add 192.0.2.20
network red vtep add 198.51.100.3
guest port add blue vhost-user name g1 mac {g1_mac} vlan 30 dir {vh}
port set g1 mac-limit 5
guest port add plain vhost-user name g2 mac 52:54:00:00:00:22 dir {vh} listen nfva
fdb add 02:00:00:00:AA:01 network red port vm1 vlan 10
fdb add 02:00:00:00:AA:02 network red vtep 192.0.2.20
fdb add 02:00:00:00:AA:03 network blue port g1 vlan 30
fdb ageing 120
lisp set gateway-mac 02:00:00:00:00:99 record-ttl 60 eid-ageing 600
lisp map-resolver add 192.0.2.50
lisp map-server add 192.0.2.51 key "a \\"b\\" \\\\c #d" auth sha256
lisp site add siteA key k1 eid-prefix 1000 10.9.0.0/16 accept-more-specifics
lisp site add siteA key k1 eid-prefix 1000 2001:db8::/32
lisp eid add 1000 10.9.0.5 mac 02:00:00:00:00:05 port vf1
lisp map-cache add 1000 10.6.0.0/16 negative
lisp map-cache add 1000 10.7.0.0/16 rloc 192.0.2.60 priority 2 ttl 3600
lisp map-cache add 1000 10.7.0.0/16 rloc 192.0.2.61 weight 50
lisp map-cache add 1000 2001:db8:1::/48 negative action send-map-request ttl 600
mirror add m1 source vm2 direction both filter "proto udp and dst 10.0.0.2" sample 1/4 \
snaplen 128 to port tap
mirror add m2 source vm1,vf1 direction in external to erspan 192.0.2.70 session 12 version 3 \
hw-id 5
mirror add m3 source vm2 direction out to vxlan 192.0.2.71 vni 901
mirror collect erspan session 5 to port tap from 192.0.2.80
offload off port vm2
offload set idle-timeout 30 max-rules-per-port 1000
log level nfva.fdb debug
log level nfva.* info
"""


def new_daemon(name):
    return t.Daemon(name, PORTS, [], eswitch={"up": "emulated"}, vf_of={"vf1": "up"})


def tables(d):
    """The live state a restart must rebuild (counters and timers left out)."""
    nets = d.ctl("network", "show")
    for n in nets:
        n["overlay"] = n["overlay"] and {k: v for k, v in n["overlay"].items()
                                         if k not in ("inner_mtu", "inner_mtu6")}
    mc = sorted(d.ctl("lisp", "map-cache", "show"), key=lambda e: e["eid"])  # slot order
    for e in mc:
        e.pop("expires_in_s")
    return {"networks": nets, "guests": d.ctl("guest", "port", "show"),
            "fdb": sorted((e for e in d.ctl("fdb", "show") if e["type"] == "static"),
                          key=lambda e: (e["network"], e["mac"])),
            "sites": [{k: s[k] for k in ("name", "prefixes") if k in s}
                      for s in d.ctl("lisp", "site", "show")],
            "map_cache": mc,
            "eids": sorted(d.ctl("lisp", "eid", "show"), key=lambda e: e["eid"]),
            "collect": d.ctl("mirror", "collect", "show"),
            "mirrors": [{k: m[k] for k in m if k != "counters"}
                        for m in d.ctl("mirror", "show")]}


def check_saved_file(d, path, text):
    with open(path) as f:
        saved = f.read()
    t.check(saved.startswith("# nfva running configuration (nfva "),
            "saved file: starts with the header comment")
    t.check_eq(saved.split("\n", 1)[1], text, "saved file: header + config show")
    t.check_eq(oct(os.stat(path).st_mode & 0o777), "0o600", "saved file: mode 0600 (keys)")
    left = [f for f in os.listdir(os.path.dirname(path)) if f.startswith("saved.conf.")]
    t.check_eq(left, [], "no temporary file left next to it")
    p = subprocess.run([os.environ["NFVA"], "--check-config", path], capture_output=True,
                       text=True)
    t.check_eq(p.returncode, 0, f"nfva --check-config accepts it ({p.stderr.strip()[:200]})")


def part_a():
    d = new_daemon("persist-a")
    try:
        d.start()
        for words in commands(d):
            d.ctl(*words)
        g1_mac = d.ctl("guest", "port", "show", "g1")["mac"]
        text = d.ctl("config", "show")
        t.check_eq(text, expected(d, g1_mac), "A: config show, every kind of state")
        before = tables(d)
        saved = d.path("saved.conf")
        t.check_eq(d.ctl("config", "save", saved), {"saved": saved}, "A: config save FILE")
        check_saved_file(d, saved, text)
        d.stop_checked()
        d.conf = saved  # the same ports, pcap files and socket paths
        d._spawn(d.path("again.sock"), "again.log")
        t.check_eq(d.ctl("config", "show"), text,
                   "A: restarted from the saved file: config show byte-identical")
        after = tables(d)
        for k in before:
            t.check_eq(after[k], before[k], f"A: restarted: {k} as before")
        t.check_eq(after["guests"][0]["mac"], g1_mac, "A: the guest port's random MAC is kept")
        d.stop_checked()
    finally:
        d.cleanup()


def file_id(path):
    st = os.stat(path)
    with open(path) as f:
        return (st.st_ino, f.read())


def part_b():
    d = new_daemon("persist-b")
    d.extra_args = ["--autosave"]
    try:
        d.start()
        base = file_id(d.conf)
        for words in (["port", "show"], ["config", "show"], ["stats"], ["help"], ["version"],
                      ["network", "show"], ["fdb", "show"], ["offload", "show"]):
            d.ctl(*words)
        t.check_eq(file_id(d.conf), base, "B: show commands leave the startup file alone")
        for words in (["network", "nosuch", "attach", "vm1"], ["port", "del", "nosuch"]):
            rc, _, _ = d.ctl_raw(*words)
            t.check(rc != 0, f"B: {' '.join(words)} fails")
        t.check_eq(file_id(d.conf), base, "B: failing commands leave it alone")
        d.ctl("fdb", "flush")
        t.check_eq(file_id(d.conf), base, "B: fdb flush (no configuration change) leaves it")
        os.link(d.conf, d.path("old.link"))  # the old inode: a rename leaves it untouched
        d.ctl("network", "add", "n1")
        d.ctl("network", "n1", "attach", "vm1")
        _, text = file_id(d.conf)
        t.check_eq(file_id(d.path("old.link"))[1], base[1],
                   "B: network add: the old file was replaced (rename), not rewritten")
        t.check_eq(text.split("\n", 1)[1], d.ctl("config", "show"),
                   "B: autosaved file = header + config show")
        t.check_eq([f for f in os.listdir(d.dir) if f.startswith("nfva.conf.")], [],
                   "B: no temporary file left")
        t.check_eq(oct(os.stat(d.conf).st_mode & 0o777), "0o600", "B: autosaved file mode 0600")
        t.check_eq(d.ctl("stats")["config"]["saves"], 2, "B: stats config saves")
        d.ctl("network", "add", "n2")
        d.ctl("network", "del", "n2")
        t.check("n2" not in file_id(d.conf)[1], "B: network del: n2 gone from the file")
        shown = d.ctl("config", "show")
        d.kill()  # SIGKILL: no orderly shutdown, the file must already be right
        d._spawn(d.path("b2.sock"), "b2.log")
        t.check_eq(d.ctl("config", "show"), shown, "B: after SIGKILL, restart gives the same")
        d.stop_checked()
    finally:
        d.cleanup()


def part_c():
    d = new_daemon("persist-c")
    try:
        d.start()
        rc, _, err = d.ctl_raw("config", "save", "relative.conf")
        t.check(rc != 0 and "give an absolute path" in err, f"C: relative path refused ({err})")
        missing = d.path("nodir/x.conf")
        rc, _, err = d.ctl_raw("config", "save", missing)
        t.check(rc != 0 and f"cannot save {missing}" in err,
                f"C: missing directory refused ({err.strip()})")
        st = d.ctl("stats")["config"]
        t.check_eq((st["saves"], st["save_failures"]), (0, 1), "C: stats config saves, failures")
        t.check(st["last_error"] and "nodir" in st["last_error"], "C: last_error names it")
        d.stop_checked()
        cmd = [a for a in d.command() if a not in ("--config", d.conf)] + ["--autosave"]
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        t.check_eq(p.returncode, 2, "C: --autosave without --config: exit 2")
        t.check("--autosave needs --config" in p.stderr, "C: and says why")
    finally:
        d.cleanup()


def main():
    part_a()
    part_b()
    part_c()


t.main_guard(main)
