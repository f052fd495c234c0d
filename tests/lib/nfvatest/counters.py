# SPDX-License-Identifier: BSD-3-Clause
"""Counter and table helpers: subsets, deltas between two readings, FDB rows."""


def counters_subset(row, keys):
    """{key: row[key]} for the keys asked for."""
    return {k: row[k] for k in keys}


# The L2 counters of a port (`stats` row or `port show` counters).
L2_COUNTERS = ("rx_packets", "rx_bytes", "tx_packets", "tx_bytes", "flooded", "learned",
               "moved", "learn_limit", "dropped")


def l2_counters(rx=0, rxb=0, tx=0, txb=0, flooded=0, learned=0, moved=0, dropped=None):
    """The L2_COUNTERS a port must show (learn_limit 0)."""
    return {"rx_packets": rx, "rx_bytes": rxb, "tx_packets": tx, "tx_bytes": txb,
            "flooded": flooded, "learned": learned, "moved": moved, "learn_limit": 0,
            "dropped": dropped or {}}


def counters(shown, port, keys=("rx_packets", "tx_packets", "learned", "dropped")):
    """Some counters of one port of a `port show` ({name: object})."""
    return counters_subset(shown[port]["counters"], keys)


def delta(before, after, key, ports):
    """{port: after - before} of one counter of {port: counters} readings."""
    return {p: after[p][key] - before[p][key] for p in ports}


def fdb_rows(d):
    """(mac, network, port, vlan, vtep, type) of every entry, MACs in lower
    case (DPDK formats them in upper case), sorted."""
    return sorted((e["mac"].lower(), e["network"], e["port"], e["vlan"], e["vtep"],
                   e["type"]) for e in d.ctl("fdb", "show"))
