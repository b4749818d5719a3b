"""Memory of this process, and the budget an exploration may hold (sizes as a person writes
them, `8G`, are read by `tidegate.proofs.core.parse_size`)."""

from __future__ import annotations

import os
import resource


def rss() -> int:
    """Resident memory of this process now, in bytes."""
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def peak_rss() -> int:
    """Peak resident memory of this process so far, in bytes."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def mib(size: int) -> str:
    """`size` bytes in MiB, for people: `227 MiB`."""
    return f"{size / 2**20:,.0f} MiB"


def available() -> int:
    """Memory the kernel says is available for new allocations (MemAvailable), bytes."""
    with open("/proc/meminfo") as meminfo:
        for line in meminfo:
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) * 1024
    raise OSError("/proc/meminfo has no MemAvailable line")


def default_budget() -> int:
    """This process's memory now plus 90 % of what is available: a budget under which a
    run stops as inconclusive rather than meet the kernel's out-of-memory killer."""
    return rss() + available() * 9 // 10
