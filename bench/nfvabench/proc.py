# SPDX-License-Identifier: BSD-3-Clause
"""Processes under test: EAL options, the forwarding thread and its schedstat,
memory, and stopping only what the harness started."""

import glob
import os
import signal
import subprocess
import time

FWD_CPU = 1  # lcore 1: the forwarding core of nfva, testpmd and OVS's PMD
_seq = [0]


class BenchError(Exception):
    """A run that could not be measured (the reason goes in the JSON)."""


def file_prefix(tag):
    _seq[0] += 1
    return f"nfvab-{os.getpid()}-{tag}-{_seq[0]}"


def lcores(workers):
    """The EAL core option for `workers` forwarding lcores: -l 0,1 for one;
    for more, --lcores mapping lcore k to CPU k modulo the machine's CPUs (on a
    2-CPU machine the second worker shares CPU 0 with the control thread and
    the harness: its figures say how the design scales, not what a lab
    machine with a CPU per worker gives)."""
    if workers <= 1:
        return ["-l", "0,1"]
    ncpu = os.cpu_count() or 1
    return ["--lcores", ",".join(f"{k}@{k % ncpu}" for k in range(workers + 1))]


def eal_args(opts, tag, mem_mb=1024):
    """The lcores (opts.workers forwarding lcores, lcore 1 on CPU 1), a
    unique --file-prefix, hugepages (unlinked) or --no-huge."""
    args = lcores(getattr(opts, "workers", 1)) + [
        "--no-pci", "--file-prefix", file_prefix(tag), "--log-level", "*:notice"]
    if opts.hugepages:
        args += ["--huge-unlink"]
    else:
        args += ["--no-huge", "-m", str(mem_mb)]
    return args


def _cpus_allowed(tid_dir):
    try:
        with open(os.path.join(tid_dir, "status")) as f:
            for line in f:
                if line.startswith("Cpus_allowed_list:"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def schedstat(pid, tid):
    """(ns on CPU, ns waiting for a CPU) of one thread, or None."""
    try:
        with open(f"/proc/{pid}/task/{tid}/schedstat") as f:
            run, wait, _ = f.read().split()
        return int(run), int(wait)
    except (OSError, ValueError):
        return None


def forwarding_thread(pid, timeout=10.0):
    """The thread pinned to FWD_CPU alone that has run the most (the DPDK
    worker lcore, or OVS's PMD thread); (tid, comm) or (None, None)."""
    deadline = time.monotonic() + timeout
    while True:
        best, best_run = (None, None), -1
        for d in glob.glob(f"/proc/{pid}/task/*"):
            if _cpus_allowed(d) != str(FWD_CPU):
                continue
            tid = int(os.path.basename(d))
            st = schedstat(pid, tid)
            if st is not None and st[0] > best_run:
                try:
                    comm = open(os.path.join(d, "comm")).read().strip()
                except OSError:
                    comm = "?"
                best, best_run = (tid, comm), st[0]
        if best[0] is not None or time.monotonic() > deadline:
            return best
        time.sleep(0.1)


def memory_kib(pid):
    """VmRSS + HugetlbPages of pid in KiB (DPDK memory is hugetlb or RSS)."""
    total = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "HugetlbPages:")):
                total += int(line.split()[1])
    return total


class Window:
    """Counter and schedstat readings at the start and end of a window."""

    def __init__(self, pid, tid, read):
        self.pid, self.tid, self.read = pid, tid, read

    def sample(self):
        t0 = time.monotonic()
        c = self.read()
        t1 = time.monotonic()
        return (t0 + t1) / 2, c, schedstat(self.pid, self.tid) if self.tid else None

    def measure(self, seconds):
        a = self.sample()
        time.sleep(seconds)
        b = self.sample()
        dt = b[0] - a[0]
        res = {"window_s": round(dt, 4)}
        for k in b[1]:
            res[k] = b[1][k] - a[1][k]
        if a[2] and b[2]:
            res["fwd_oncpu"] = round((b[2][0] - a[2][0]) / (dt * 1e9), 4)
            res["fwd_wait"] = round((b[2][1] - a[2][1]) / (dt * 1e9), 4)
        return res


def stop(proc, timeout=15):
    """SIGTERM, then SIGKILL, of one process the harness started."""
    if proc is None or proc.poll() is not None:
        return proc.returncode if proc else None
    proc.send_signal(signal.SIGTERM)
    try:
        return proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        return proc.wait(5)


def tail(path, n=2000):
    try:
        with open(path, errors="replace") as f:
            return f.read()[-n:]
    except OSError:
        return ""


def fwd_thread(opts, pid):
    """forwarding_thread(), made SCHED_FIFO priority 1 when opts.rt: every
    system under test gets the same treatment, and the kernel's RT throttling
    (sched_rt_runtime_us) still leaves 5% of the core to everything else."""
    tid, comm = forwarding_thread(pid)
    if tid is not None and getattr(opts, "rt", False):
        try:
            os.sched_setscheduler(tid, os.SCHED_FIFO, os.sched_param(1))
        except OSError as e:
            print(f"  note: cannot make {comm} SCHED_FIFO: {e}")
    return tid, comm
