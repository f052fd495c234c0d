# SPDX-License-Identifier: BSD-3-Clause
"""Scenario files (bench/scenarios/*.nfva, *.ovs): a header of `# key: value`
lines, then the body, one command per line.

Header keys:
    title     the row's label in the table
    input     the named input (see inputs.py) fed to the input port, looped
    ports     in=NAME out=NAME [copy=NAME]: the ports whose rx / tx are counted;
              copy: a mirror's destination, whose tx is reported beside the
              forwarded Mpps (nfva: a port on @COPY_DEV@ or the uplink; OVS:
              BRIDGE:OFPORT like in and out)
    warm      an input read once on the port created with @WARM_DEV@ (nfva)
    ready     fdb >= N | eids >= N: wait for the FDB to hold N entries, or the
              LISP tables N local EIDs, before warming up (nfva)
    peer      the OVS scenario doing the same job (nfva)
    target    one or more, separated by `;`, all to be met: `peer X` (median nfva
              >= X times the peer), `peer-every X` (in every repetition),
              `ceiling X` (ratio >= X), `row NAME X` (median nfva >= X times
              the nfva row NAME of the same run, e.g. an offload row against
              its software row)
    requires  offload: measured only when the daemon has the emulated e-switch
    args      extra daemon options (nfva)
    group     row order and grouping in the table (a number)

Body placeholders: @IN_DEV@ @OUT_DEV@ @WARM_DEV@ @COPY_DEV@ (devargs of the
looped input, the net_null output, the read-once warm-up input, a second
net_null output for mirror copies), @UPLINK_MAC@ @UPLINK_IP@ @UPLINK_PREFIX@
@VTEP@ @VTEP_MAC@ @VNI@ @LISP_GW_MAC@, and the IPv6 underlay's @UPLINK_IP6@
@UPLINK_PREFIX6@ @VTEP6@ (the remote VTEP has the same MAC in either family). A line `%each SET TEXT` repeats TEXT
once per host of SET (src: the 1024 flow sources, dst: the 64 destinations),
with @MAC@ and @IP@ replaced by that host's MAC and IPv4 address.
"""

import glob
import os
import re

from . import inputs


class Scenario:
    def __init__(self, path):
        self.path = path
        self.name, ext = os.path.splitext(os.path.basename(path))
        self.system = ext[1:]
        self.meta = {}
        self.body = []
        with open(path) as f:
            for line in f:
                s = line.rstrip("\n")
                if s.startswith("#"):
                    key, sep, val = s[1:].strip().partition(":")
                    if sep and key.strip() in HEADER_KEYS and not self.body:
                        self.meta[key.strip()] = val.strip()
                    continue
                if s.strip():
                    self.body.append(s.strip())
        self.title = self.meta.get("title", self.name)
        self.input = self.meta["input"]
        ports = dict(kv.split("=", 1) for kv in self.meta.get("ports", "").split())
        self.in_port, self.out_port = ports.get("in"), ports.get("out")
        self.copy_port = ports.get("copy")
        self.warm = self.meta.get("warm")
        self.peer = self.meta.get("peer")
        self.requires = self.meta.get("requires", "").split()
        self.args = self.meta.get("args", "").split()
        self.group = int(self.meta.get("group", "50"))
        self.targets = parse_targets(path, self.meta.get("target", ""))
        r = self.meta.get("ready", "").split()
        if r and (len(r) != 3 or r[0] not in READY_KINDS or r[1] != ">="):
            raise ValueError(f"{path}: ready: expected fdb|eids >= N, got {r}")
        self.ready = (r[0], int(r[2])) if r else None

    def needs_uplink_mac(self):
        return any("@UPLINK_MAC@" in line for line in self.body) or \
            inputs.needs_uplink_mac(self.input) or \
            (self.warm is not None and inputs.needs_uplink_mac(self.warm))

    def render(self, values):
        out = []
        for line in self.body:
            if line.startswith("%each "):
                _, hostset, text = line.split(None, 2)
                out += [text.replace("@MAC@", m).replace("@IP@", ip) for m, ip in
                        zip(inputs.MACSETS[hostset], inputs.IPSETS[hostset])]
            else:
                out.append(line)
        text = "\n".join(out) + "\n"
        for k, v in values.items():
            text = text.replace(f"@{k}@", str(v))
        left = PLACEHOLDER_RE.findall(text)
        if left:
            raise ValueError(f"{self.path}: unknown placeholder(s) {left}")
        return text


READY_KINDS = ("fdb", "eids")
PLACEHOLDER_RE = re.compile(r"@[A-Z][A-Z0-9_]*@")
TARGET_KINDS = {"peer": 1, "peer-every": 1, "ceiling": 1, "row": 2}


def parse_targets(path, text):
    """`kind [NAME] X; ...` -> [(kind, name or None, X)]."""
    out = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        t = part.split()
        if not t or t[0] not in TARGET_KINDS or len(t) != TARGET_KINDS[t[0]] + 1:
            raise ValueError(f"{path}: target: expected peer|peer-every|ceiling X or "
                             f"row NAME X, got {part!r}")
        out.append((t[0], t[1] if t[0] == "row" else None, float(t[-1])))
    return out


HEADER_KEYS = {"title", "input", "ports", "warm", "ready", "peer", "target", "requires",
               "args", "group"}


def base_values():
    return {"UPLINK_IP": inputs.UPLINK_IP, "UPLINK_PREFIX": inputs.UPLINK_PREFIX,
            "VTEP": inputs.VTEP, "VTEP_MAC": inputs.VTEP_MAC, "VNI": inputs.VNI,
            "LISP_GW_MAC": inputs.LISP_GW_MAC, "UPLINK_IP6": inputs.UPLINK_IP6,
            "UPLINK_PREFIX6": inputs.UPLINK_PREFIX6, "VTEP6": inputs.VTEP6}


def load(directory):
    found = [Scenario(p) for p in sorted(glob.glob(os.path.join(directory, "*.nfva")) +
                                         glob.glob(os.path.join(directory, "*.ovs")))]
    return {s.name: s for s in sorted(found, key=lambda s: (s.group, s.system, s.name))}
