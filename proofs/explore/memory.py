"""Memory of this process, as the explorers measure it (the budget they get by default is
`tidegate.proofs.core.default_memory_limit`; sizes such as `8G` are read by
`tidegate.proofs.core.parse_size`)."""

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
