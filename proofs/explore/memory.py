"""Memory of this process, and byte sizes as a person writes them (`8G`, `512M`)."""

from __future__ import annotations

import os
import re
import resource

_UNITS = {"": 1, "K": 2**10, "M": 2**20, "G": 2**30, "T": 2**40}


class SizeError(ValueError):
    """Raised when a byte size is not a positive number with an optional K/M/G/T suffix."""


def parse_size(text: str) -> int:
    """Bytes in `text`: digits (a decimal point allowed) and an optional binary suffix
    K, M, G or T (2**10 .. 2**40), with or without a trailing B or iB: `8G`, `1.5GiB`."""
    match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([KMGT]?)(?:i?B)?\s*", text, re.IGNORECASE)
    if match is None:
        raise SizeError(
            f"a size is a number with an optional suffix K, M, G or T (powers of 1024), "
            f"got {text!r}"
        )
    value = float(match.group(1)) * _UNITS[match.group(2).upper()]
    if value < 1:
        raise SizeError(f"a size must be at least 1 byte, got {text!r}")
    return int(value)


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
