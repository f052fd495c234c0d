# SPDX-License-Identifier: BSD-3-Clause
"""Reading pcap files with tshark's dissectors: fields, counts, and the
no-malformed check (tshark's malformed and error expert items, IP/UDP/TCP/ICMP
checksums verified)."""

import subprocess

from .check import DaemonError, check_eq

# Checksums verified, so a bad one is an expert error the filter below sees.
TSHARK_CSUM_OPTS = ["-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE",
                    "-o", "tcp.check_checksum:TRUE"]
MALFORMED_FILTER = ('_ws.malformed || _ws.expert.severity >= error || '
                    'ip.checksum.status=="Bad" || udp.checksum.status=="Bad" || '
                    'tcp.checksum.status=="Bad" || icmp.checksum.status=="Bad"')


def tshark(path, args):
    """tshark -n -r path args...: its stdout (a failure raises DaemonError)."""
    proc = subprocess.run(["tshark", "-n", "-r", path] + list(args), capture_output=True,
                          text=True, timeout=60)
    if proc.returncode != 0:
        raise DaemonError(f"tshark {' '.join(args)} failed ({proc.returncode}): {proc.stderr}")
    return proc.stdout


def tshark_fields(path, fields, display_filter=None, extra=()):
    """One row (list of strings) per frame that passes display_filter; a field
    present twice (outer and inner IP) gives its occurrences comma-separated."""
    args = list(extra) + ["-T", "fields"]
    for f in fields:
        args += ["-e", f]
    if display_filter:
        args += ["-Y", display_filter]
    return [line.split("\t") for line in tshark(path, args).splitlines()]


def tshark_count(path, display_filter, extra=()):
    return len(tshark(path, list(extra) + ["-Y", display_filter]).splitlines())


def tshark_malformed(path, extra=(), allow=None):
    """What the no-malformed filter prints (must be ''); allow: a display
    filter of frames exempted (e.g. truncated copies)."""
    flt = MALFORMED_FILTER if allow is None else f"({MALFORMED_FILTER}) && !({allow})"
    return tshark(path, TSHARK_CSUM_OPTS + list(extra) + ["-Y", flt])


def check_tshark_clean(path, what, extra=(), allow=None):
    """Nothing malformed, no expert error, no bad IP/UDP/TCP/ICMP checksum."""
    return check_eq(tshark_malformed(path, extra, allow), "",
                    f"{what}: tshark finds nothing malformed, no bad checksum")
