"""Where a request's CPU goes under load, from the kernel's own counters (Linux /proc): the server's worker
processes, the database server's processes (PostgreSQL; SQLite runs inside the workers), and the whole machine
(everything that ran, the load generator and the kernel included), each divided by the requests served.

The throughput ratio compares whole-machine costs: this split shows which part of a page's cost is the
application's and which the database server's when both share the machine's cores.
"""

import os
from pathlib import Path

PROC = Path("/proc")
_TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def available() -> bool:
    return (PROC / "stat").is_file()


def children(pid: int) -> list[int]:
    """The direct children of `pid` (gunicorn's workers)."""
    return _processes(lambda entry: _fields(entry / "stat")[1] == str(pid))


def named(name: str) -> list[int]:
    """Processes whose command name is `name` (postgres: the server and its backends)."""
    return _processes(lambda entry: (entry / "comm").read_text().strip() == name)


def _processes(matches) -> list[int]:
    """The ids of the running processes whose /proc entry `matches` (one that ends while read is left out)."""
    found = []
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            try:
                if matches(entry):
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def _fields(path: Path) -> list[str]:
    """/proc/<pid>/stat after the command name (which may hold spaces): state, ppid, …"""
    return path.read_text().rsplit(")", 1)[1].split()


def process_seconds(pids) -> float:
    """User + system CPU seconds of these processes so far (those that have exited count nothing)."""
    total = 0
    for pid in pids:
        try:
            fields = _fields(PROC / str(pid) / "stat")
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / _TICK


def machine_busy_seconds() -> float:
    """CPU seconds the machine spent on anything but idling or waiting for the disk, so far."""
    values = [int(v) for v in (PROC / "stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    steal = values[7] if len(values) > 7 else 0  # another virtual machine's time, not ours
    return (sum(values[:8]) - idle - steal) / _TICK


class Sample:
    """CPU counters at one moment, for the workers, the database server and the machine."""

    def __init__(self, workers: list[int], database: list[int]):
        self.values = (process_seconds(workers), process_seconds(database), machine_busy_seconds())

    def per_request(self, later: "Sample", requests: int) -> dict[str, float]:
        """Milliseconds of CPU per request between this sample and a later one."""
        if not requests:
            return {"workers": 0.0, "database": 0.0, "machine": 0.0}
        names = ("workers", "database", "machine")
        return {name: (b - a) / requests * 1000 for name, a, b in zip(names, self.values, later.values, strict=True)}
