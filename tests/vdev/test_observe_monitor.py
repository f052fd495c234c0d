#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""nfvactl monitor: live rates per port and per worker against real traffic,
its refresh interval and clean exits; `stats rates`; nfvactl --help naming
`nfvactl help`.

    src: net_pcap, rx_pcap looped (infinite_rx=1) --[ nfva: n1 ]--> dst: net_null
    (A -> B unicast, B static on dst: every frame received is sent)

  nfvactl monitor -i 1 -c 3     exits 0 by itself after 3 refreshes, each a
                                "ports:" and a "workers:" table; src rx_pps
                                and dst tx_pps > 0, worker 0 busy
  nfvactl monitor -i 0.5        until SIGINT: exit 0, several refreshes
  nfvactl -j monitor -c 2       one JSON object per refresh
  nfvactl monitor -c 1 port show stats   any daemon command
  nfvactl monitor -i 0          usage error (2)
"""

import json
import os
import re
import signal
import subprocess
import time

import nfvatest as t

t.require_tools(tshark=False)

MAC_A, MAC_B = "02:00:00:00:00:0a", "02:00:00:00:00:0b"


def nfvactl(d, *words, timeout=60):
    p = subprocess.run([os.environ["NFVACTL"], "-s", d.sock] + list(words),
                       capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def table_rows(block, section):
    """{first cell: {column: cell}} of the table under `section:` in a block."""
    lines = block.split(f"\n{section}:\n", 1)[1].split("\n\n")[0].splitlines()
    head = lines[0].split()
    return {cells[0]: dict(zip(head, cells)) for cells in (x.split() for x in lines[1:]) if cells}


def check_counted(d):
    rc, out, err = nfvactl(d, "monitor", "-i", "1", "-c", "3")
    blocks = re.split(r"(?m)^nfva monitor: every 1 s, \d\d:\d\d:\d\d \(Ctrl-C to stop\)\n", out)
    t.check_eq((rc, len(blocks) - 1), (0, 3), f"monitor -c 3: exit 0 after 3 refreshes ({err})")
    last = blocks[-1]
    try:
        ports = table_rows(last, "ports")
        workers = table_rows(last, "workers")
    except (IndexError, KeyError) as e:
        t.check(False, f"monitor output has ports and workers tables ({e}):\n{out}")
        return
    t.check_eq(list(ports["src"])[:6], ["PORT", "RX_PPS", "TX_PPS", "RX_MBPS", "TX_MBPS",
                                        "DROP_PPS"], "ports table columns")
    t.check(int(ports["src"]["RX_PPS"]) > 1000, f"src rx_pps {ports['src']['RX_PPS']} > 1000")
    t.check(int(ports["dst"]["TX_PPS"]) > 1000, f"dst tx_pps {ports['dst']['TX_PPS']} > 1000")
    t.check(float(ports["src"]["RX_MBPS"]) > 0, "src rx_mbps > 0")
    t.check(float(workers["0"]["BUSY_PCT"]) > 10, f"worker 0 busy {workers['0']['BUSY_PCT']}%")
    t.check(int(workers["0"]["PPS"]) > 1000, "worker 0 pps > 1000")


def check_sigint(d):
    p = subprocess.Popen([os.environ["NFVACTL"], "-s", d.sock, "monitor", "-i", "0.5"],
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(2.6)
    p.send_signal(signal.SIGINT)
    try:
        out, err = p.communicate(timeout=5)
    except subprocess.TimeoutExpired:
        p.kill()
        out, err = p.communicate()
    n = out.count("nfva monitor: every 0.5 s")
    t.check_eq(p.returncode, 0, f"monitor exits 0 on SIGINT ({err.strip()})")
    t.check(4 <= n <= 7, f"monitor -i 0.5 refreshed {n} times in 2.6 s")


def check_json_and_command(d):
    rc, out, _ = nfvactl(d, "-j", "monitor", "-i", "1", "-c", "2")
    objs = [json.loads(x) for x in out.splitlines() if x.strip()]
    t.check_eq((rc, len(objs)), (0, 2), "-j monitor -c 2: two JSON objects")
    if objs:
        src = {p["port"]: p for p in objs[-1]["ports"]}["src"]
        t.check(src["rx_pps"] > 1000 and objs[-1]["seconds"] >= 0.9,
                f"-j: src rx_pps {src['rx_pps']} over {objs[-1]['seconds']} s")
    rc, out, _ = nfvactl(d, "monitor", "-c", "1", "port", "show", "stats", "dst")
    t.check(rc == 0 and "\ndst:\n" in out and "tx_packets:" in out,
            "monitor -c 1 port show stats dst: any command")
    rc, _, err = nfvactl(d, "monitor", "-i", "0")
    t.check(rc == 2 and "invalid interval" in err, "monitor -i 0: usage error")
    rc, _, err = nfvactl(d, "stats", "rates", "61")
    t.check(rc == 1 and "1 to 60 seconds" in err, "stats rates 61: error")


def check_help():
    p = subprocess.run([os.environ["NFVACTL"], "--help"], capture_output=True, text=True)
    t.check(p.returncode == 0 and "nfvactl help" in p.stdout and "monitor" in p.stdout,
            "nfvactl --help names `nfvactl help` and monitor")


def main():
    d = t.Daemon("observe-monitor", [], [])
    try:
        src = d.path("src.pcap")
        t.write_pcap(src, [t.udp_frame(MAC_A, MAC_B, "10.0.0.1", "10.0.0.2", 1, 2, "x")] * 64)
        d.config = [f"port add src dev net_pcap0,rx_pcap={src},infinite_rx=1",
                    "port add dst dev net_null0,no-rx=1", "network add n1",
                    "network n1 attach src", "network n1 attach dst",
                    f"fdb add {MAC_B} network n1 port dst"]
        d.start()
        time.sleep(1.5)  # a rate sample or two
        check_counted(d)
        check_sigint(d)
        check_json_and_command(d)
        check_help()
        d.stop_checked()
    finally:
        d.cleanup()


t.main_guard(main)
