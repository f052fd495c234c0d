# SPDX-License-Identifier: BSD-3-Clause
"""Scenario files (bench/scenarios/*.nfva, *.ovs): a header of `# key: value`
lines, then the body, one command per line.

Header keys:
    title     the row's label in the table
    input     the named input (see inputs.py) fed to the input port, looped
    ports     in=NAME out=NAME: the ports whose rx / tx are counted
    warm      an input read once on the port created with @WARM_DEV@ (nfva)
    ready     fdb >= N: wait for the FDB to hold N entries before warming up (nfva)
    peer      the OVS scenario doing the same job (nfva)
    target    `peer X` (nfva >= X times the peer) or `ceiling X` (ratio >= X)
    requires  offload: measured only when the daemon has the emulated e-switch
    args      extra daemon options (nfva)
    group     row order and grouping in the table (a number)

Body placeholders: @IN_DEV@ @OUT_DEV@ @WARM_DEV@ (devargs of the looped input,
the net_null output, the read-once warm-up input), @UPLINK_MAC@ @UPLINK_IP@
@UPLINK_PREFIX@ @VTEP@ @VTEP_MAC@ @VNI@. A line `%each SET TEXT` repeats TEXT
once per MAC of SET (src: the 1024 flow sources, dst: the 64 destinations),
with @MAC@ replaced.
"""

import glob
import os

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
        self.warm = self.meta.get("warm")
        self.peer = self.meta.get("peer")
        self.requires = self.meta.get("requires", "").split()
        self.args = self.meta.get("args", "").split()
        self.group = int(self.meta.get("group", "50"))
        t = self.meta.get("target", "").split()
        self.target = (t[0], float(t[1])) if len(t) == 2 else None
        r = self.meta.get("ready", "").split()
        self.ready_fdb = int(r[2]) if len(r) == 3 and r[0] == "fdb" else None

    def needs_uplink_mac(self):
        return any("@UPLINK_MAC@" in line for line in self.body) or \
            inputs.needs_uplink_mac(self.input) or \
            (self.warm is not None and inputs.needs_uplink_mac(self.warm))

    def render(self, values):
        out = []
        for line in self.body:
            if line.startswith("%each "):
                _, macset, text = line.split(None, 2)
                out += [text.replace("@MAC@", m) for m in inputs.MACSETS[macset]]
            else:
                out.append(line)
        text = "\n".join(out) + "\n"
        for k, v in values.items():
            text = text.replace(f"@{k}@", str(v))
        if "@" in text.replace("@MAC@", ""):
            left = [w for w in text.split() if w.startswith("@")]
            if left:
                raise ValueError(f"{self.path}: unknown placeholder(s) {left}")
        return text


HEADER_KEYS = {"title", "input", "ports", "warm", "ready", "peer", "target", "requires",
               "args", "group"}


def base_values():
    return {"UPLINK_IP": inputs.UPLINK_IP, "UPLINK_PREFIX": inputs.UPLINK_PREFIX,
            "VTEP": inputs.VTEP, "VTEP_MAC": inputs.VTEP_MAC, "VNI": inputs.VNI}


def load(directory):
    found = [Scenario(p) for p in sorted(glob.glob(os.path.join(directory, "*.nfva")) +
                                         glob.glob(os.path.join(directory, "*.ovs")))]
    return {s.name: s for s in sorted(found, key=lambda s: (s.group, s.system, s.name))}
