# SPDX-License-Identifier: BSD-3-Clause
"""From the runs of every repetition to the summary rows, the text table,
the Markdown table, the JSON document and the PNG plot."""

import json
import os
import shutil
import statistics
import subprocess


def median(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def by_rep(runs, unit):
    return {r["rep"]: r for r in runs if r["unit"] == unit and r.get("ok")}


def first_error(runs, unit):
    for r in runs:
        if r["unit"] == unit and not r.get("ok"):
            return r.get("error")
    return None


def summarize(runs, scenarios, selected_nfva):
    """One row per nfva scenario (with its OVS peer and its input's ceiling)."""
    rows = []
    for name in selected_nfva:
        sc = scenarios[name]
        ceil = by_rep(runs, f"testpmd:{sc.input}")
        mine = by_rep(runs, f"nfva:{name}")
        peer = by_rep(runs, f"ovs:{sc.peer}") if sc.peer else {}
        row = {
            "scenario": name, "title": sc.title, "input": sc.input, "peer": sc.peer,
            "ceiling_mpps": median(r["mpps"] for r in ceil.values()),
            "nfva_mpps": median(r["mpps"] for r in mine.values()),
            "nfva_ratio": median(r.get("ratio") for r in mine.values()),
            "nfva_oncpu": median(r.get("fwd_oncpu") for r in mine.values()),
            "peer_mpps": median(r["mpps"] for r in peer.values()),
            "peer_ratio": median(r.get("ratio") for r in peer.values()),
            "vs_peer": median(mine[k]["mpps"] / peer[k]["mpps"] for k in mine
                              if k in peer and peer[k]["mpps"] > 0),
            "reps": len(mine),
            "error": None if mine else first_error(runs, f"nfva:{name}"),
            "peer_error": None if (peer or not sc.peer) else first_error(runs, f"ovs:{sc.peer}"),
        }
        if sc.copy_port:  # mirror rows only: other rows keep their fields
            row["copy_mpps"] = median(r.get("copy_mpps") for r in mine.values())
            if sc.peer:
                row["peer_copy_mpps"] = median(r.get("copy_mpps") for r in peer.values())
        if sc.targets:
            row["targets"] = [judge(t, row, mine, peer, runs) for t in sc.targets]
            row["target"] = ", ".join(t["what"] for t in row["targets"])
            got = [t["met"] for t in row["targets"]]
            row["target_met"] = None if None in got else all(got)
        rows.append(row)
    return rows


def judge(target, row, mine, peer, runs):
    """One target of a row: what it asks, the figure measured, met or not."""
    kind, other, want = target
    if kind == "peer":
        what, got = f"{want:g}x OVS", row["vs_peer"]
    elif kind == "peer-every":
        what = f"{want:g}x OVS every rep"
        each = [mine[k]["mpps"] / peer[k]["mpps"] for k in mine
                if k in peer and peer[k]["mpps"] > 0]
        got = min(each) if each else None
    elif kind == "ceiling":
        what, got = f"{want:.0%} of ceiling", row["nfva_ratio"]
    else:
        what = f"{want:g}x {other}"
        base = median(r["mpps"] for r in by_rep(runs, f"nfva:{other}").values())
        got = row["nfva_mpps"] / base if base and row["nfva_mpps"] is not None else None
    return {"what": what, "got": None if got is None else round(got, 3),
            "met": None if got is None else got >= want,
            "gap": None if got is None else round(got / want, 3)}


def _f(x, fmt="{:.2f}"):
    return "-" if x is None else fmt.format(x)


def _met(row):
    if "target" not in row:
        return ""
    if row["target_met"] is None:
        return "not measured"
    if row["target_met"]:
        return "yes"
    short = [f"{t['gap']:.2f} of {t['what']}" for t in row["targets"] if not t["met"]]
    return "NO (" + "; ".join(short) + ")"


TABLE_HEAD = ["scenario", "input", "ceiling Mpps", "nfva Mpps", "nfva/ceil", "OVS Mpps",
              "OVS/ceil", "nfva/OVS", "target", "met"]
# Mirror rows add the copies' Mpps beside the forwarded Mpps; a table without
# mirror rows has exactly TABLE_HEAD.
COPY_COLS = (("nfva Mpps", "copy Mpps", "copy_mpps"),
             ("OVS Mpps", "OVS copy Mpps", "peer_copy_mpps"))


def _copy_cols(rows):
    return [c for c in COPY_COLS if any(c[2] in r for r in rows)]


def table_head(rows):
    head = list(TABLE_HEAD)
    for after, name, _ in _copy_cols(rows):
        head.insert(head.index(after) + 1, name)
    return head


def table_rows(rows):
    out = []
    head = table_head(rows)
    for r in rows:
        if r["error"]:
            nf = f"not measured: {r['error'][:60]}"
            cells = [r["title"], r["input"], _f(r["ceiling_mpps"]), nf, "", _f(r["peer_mpps"]),
                     _f(r["peer_ratio"]), "", r.get("target", ""), _met(r)]
        else:
            cells = [r["title"], r["input"], _f(r["ceiling_mpps"]), _f(r["nfva_mpps"]),
                     _f(r["nfva_ratio"]), _f(r["peer_mpps"]) if r["peer"] else "",
                     _f(r["peer_ratio"]) if r["peer"] else "",
                     _f(r["vs_peer"]) if r["peer"] else "", r.get("target", ""), _met(r)]
        by_name = dict(zip(TABLE_HEAD, cells))
        for _, name, key in COPY_COLS:
            by_name[name] = _f(r[key]) if key in r else ""
        out.append([by_name[h] for h in head])
    return out


def micro_rows(micro):
    rows = []
    if "fdb_million" in micro or "unit" in micro:
        rows += _fdb_unit_rows(micro)
    rows += _fabric_rows(micro)
    return rows


def _fabric_rows(micro):
    """The rows of issue 15's fabric-scale microbenchmarks that ran."""
    rows = []
    fl, mc, ev = micro.get("flood_vteps"), micro.get("map_cache_million"), micro.get("evpn_scale")
    if fl is not None:
        rows.append([f"Flooding to {fl.get('vteps', 1024)} VTEPs: broadcasts in, VXLAN copies out",
                     f"{fl['in_mpps'] * 1e3:.1f} kpps in, {fl['copies_mps']:.2f} M copies/s "
                     f"({fl['copies_per_frame']:.0f} per frame), no_mbuf drops "
                     f"{fl['window']['no_mbuf']}, memory {fl['memory_delta_kib']:+d} KiB"
                     if "in_mpps" in fl else f"not measured: {fl.get('error')}", "", ""])
    if mc is not None:
        ok = "encap_mpps" in mc
        rows.append(["LISP map-cache 1 M prefixes: install over the control socket",
                     f"{mc['installed']:,} in {mc['install_s']} s ({mc['install_per_s']:,}/s)"
                     if ok else f"not measured: {mc.get('error')}", "", ""])
        if ok:
            rows.append(["  memory (vs default --map-cache): preallocated + filled",
                         f"{mc['prealloc_mib']:.0f} + {mc['fill_mib']:.0f} MiB "
                         f"({mc['bytes_per_prefix']:.0f} B/prefix)", "", ""])
            rows.append(["  LISP encap through it (udp64-gw)", f"{mc['encap_mpps']:.2f} Mpps",
                         "", ""])
    if ev is not None:
        rows.append([f"EVPN install: {ev.get('vteps', '?')} VTEPs + {ev.get('macs', '?')} MACs "
                     "(zebra / nfva)",
                     f"{ev['zebra_routes_per_s']:,} / {ev['nfva_routes_per_s']:,} routes/s "
                     f"({ev['zebra_s']} / {ev['nfva_s']} s)" if "nfva_s" in ev else
                     f"not measured: {ev.get('error')}", "", ""])
    return rows


def _fdb_unit_rows(micro):
    rows = []
    f = micro.get("fdb_million") or {}
    u = micro.get("unit") or {}
    uf, ue = u.get("test_fdb") or {}, u.get("test_emu_switch") or {}
    inst = micro.get("offload_install")

    def add(what, value, target="", met=""):
        rows.append([what, value, target, met])

    rate = f.get("learn_rate_mps")
    add("MAC learning, daemon (new MACs/s, worker forwarding)",
        f"{rate:.2f} M/s" if rate else f"not measured: {f.get('error') or f.get('learn_note')}",
        ">= 1 M/s", "" if rate is None else ("yes" if rate >= 1 else f"NO ({rate:.2f} of it)"))
    if f.get("learn_rx_mpps"):
        add("  input rate during that ramp", f"{f['learn_rx_mpps']:.2f} Mpps")
    add("MAC learning, fdb_learn() alone (test_fdb, 1 thread)",
        f"{uf['learn_mps']:.2f} M/s" if "learn_mps" in uf else f"not measured: {uf.get('error')}")
    add("FDB 1 M entries: frames/s, each a different source of the million",
        f"{f['lookup_mpps']:.2f} Mpps" if f.get("lookup_mpps") else "not measured")
    add("FDB 1 M entries: bulk lookups (test_fdb)",
        f"{uf['lookup_mps']:.2f} M/s" if "lookup_mps" in uf else "not measured")
    add("FDB 1 M entries: memory (daemon, vs a 1024-entry FDB)",
        f"{f['memory_mib']:.0f} MiB ({f['bytes_per_entry']:.0f} B/entry)"
        if f.get("memory_mib") is not None else "not measured")
    rps = ue.get("rules_per_s")
    add("Rule install into the emulated e-switch (test_emu_switch)",
        f"{rps / 1e6:.2f} M rules/s ({ue['us_per_rule']:.2f} us/rule)" if rps else
        f"not measured: {ue.get('error')}", ">= 1 M rules/s",
        "" if rps is None else ("yes" if rps >= 1e6 else f"NO ({rps / 1e6:.2f} of it)"))
    if ue.get("memory_mib") is not None:
        add(f"  memory of {int(ue.get('rules', 0)):,} rules", f"{ue['memory_mib']:.1f} MiB")
    add("Rule install latency, daemon (backend create; p50/p99/max)",
        f"{inst['p50_us']:.0f}/{inst['p99_us']:.0f}/{inst['max_us']} us over {inst['rules']} rules"
        if inst else "not measured (no offload run with rules)")
    add("Decision -> rule live (worker's request to the rule's first frame; p50/p99/max)",
        f"{inst['live_p50_us']:.0f}/{inst['live_p99_us']:.0f}/{inst['live_max_us']} us over "
        f"{inst['live_rules']} rules" if inst and "live_rules" in inst else "not measured")
    if ue.get("lookup_mpps") is not None:
        add(f"  lookups through {int(ue.get('rules', 0)):,} rules (CPU time)",
            f"{ue['lookup_mpps']:.1f} Mpps")
    return rows


def text_table(head, rows):
    widths = [max(len(str(x)) for x in col) for col in zip(head, *rows)]
    line = "  ".join("{:<%d}" % w for w in widths)
    out = [line.format(*head), line.format(*["-" * w for w in widths])]
    out += [line.format(*[str(x) for x in r]) for r in rows]
    return "\n".join(out)


def md_table(head, rows):
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    out += ["| " + " | ".join(str(x) for x in r) + " |" for r in rows]
    return "\n".join(out)


def plot(rows, out_dir):
    """Grouped bars: ceiling, nfva, OVS per scenario (gnuplot, pngcairo)."""
    if shutil.which("gnuplot") is None:
        return None
    dat = os.path.join(out_dir, "plot.dat")
    with open(dat, "w") as f:
        f.write("# scenario ceiling nfva ovs (Mpps, medians)\n")
        for r in rows:
            vals = [r["ceiling_mpps"], r["nfva_mpps"], r["peer_mpps"] if r["peer"] else None]
            f.write('"%s" %s\n' % (r["title"], " ".join("NaN" if v is None else f"{v:.3f}"
                                                       for v in vals)))
    png = os.path.join(out_dir, "mpps.png")
    series = [(2, "testpmd io (ceiling)", "#9e9e9e", "ceiling_mpps"), (3, "nfva", "#1f77b4", "nfva_mpps"),
              (4, "OVS-DPDK 3.1", "#ff7f0e", "peer_mpps")]
    series = [s for s in series if any(r[s[3]] is not None for r in rows)]
    if not series:
        return None
    plots = "plot " + ", \\\n     ".join(
        f'"{dat}" using {col}{":xtic(1)" if i == 0 else ""} title "{t}" lc rgb "{c}"'
        for i, (col, t, c, _) in enumerate(series))
    gp = os.path.join(out_dir, "plot.gp")
    with open(gp, "w") as f:
        f.write(f"""set terminal pngcairo size 1300,650 font "sans,10"
set output "{png}"
set title "Mpps on one forwarding core (median): nfva, Open vSwitch DPDK, dpdk-testpmd io ceiling"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set ylabel "Mpps"
set yrange [0:*]
set grid ytics
set key outside top center horizontal
set bmargin 9
set rmargin 14
set xtics rotate by -30 scale 0 nomirror
{plots}
""")
    p = subprocess.run(["gnuplot", gp], capture_output=True, text=True)
    return png if p.returncode == 0 and os.path.exists(png) else None


def write_json(path, doc):
    with open(path, "w") as f:
        json.dump(doc, f, indent=1, sort_keys=False)
