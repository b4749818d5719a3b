"""Ports whose integers are too narrow, wrapping past 2^8, 2^16 or 2^32: the deep runs catch them.

The recordings (capacity 1-5, cap 0-8, 40 steps), the coverage cases and 200
random runs (capacity and cap up to 72, 500 steps) never take a count past
2^8, so a port with an 8-bit ring index passes them all; the deep runs of a
default `tidegate conform` find it and shrink it. One port per width runs
the whole default command, with no flag, as a porter would: an 8-bit ring
index, and a capacity kept in 16 bits (a 16-bit ring index needs 2^16 items
through the pipe, minutes of shrinking on a loaded machine: TIDEGATE_SLOW=1).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from dataclasses import dataclass

import pytest

from tests.support.adapters import PORT_BUG
from tidegate.proofs.conform.session import Settings, conform
from tidegate.proofs.core import ExitCode, Verdict

DEEP_ONLY = Settings(recordings=False, coverage=False, max_examples=0)
WITHOUT_DEEP = Settings(recordings=False, deep=False)
BUDGET = Settings.time_budget or 0.0
ALLOWANCE = 30.0
"""Seconds beyond the search budget a default run may take: the shrinking it is allowed past
the budget (`Settings.shrink_seconds`), the fresh-process confirmation, and slack for a
machine other test runs share."""


@dataclass(frozen=True)
class Minimal:
    """A minimal trace's parameters and length, and the deep run that found it."""

    capacity: int
    cap: int
    steps: int
    run: str


WRAPS = {
    # 257 items into a 257-slot ring whose index wraps at 256: the first comes back as the last.
    "ring-index-u8": Minimal(257, 0, 258, "fill 300"),
    # 256 items in the backlog: its 8-bit length reads 0, so a 257th is let in.
    "backlog-len-u8": Minimal(1, 256, 258, "fill 300"),
    # A channel of 2^16 slots kept in 16 bits has none.
    "capacity-u16": Minimal(2**16, 0, 1, "bounds capacity=65539"),
    # A cap of 2^32 kept in 32 bits is 0: the first spill is refused.
    "cap-u32": Minimal(1, 2**32, 2, "bounds cap=4294967301"),
}


def tidegate(*args: str) -> tuple[subprocess.CompletedProcess[str], float]:
    """`tidegate ARGS` as a porter runs it; its result and its wall time."""
    start = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "tidegate.proofs", *args],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return done, time.monotonic() - start


@pytest.mark.parametrize("bug", sorted(WRAPS))
def test_the_deep_runs_catch_a_port_that_wraps(bug: str) -> None:
    outcome = conform(f"{PORT_BUG} {bug}", DEEP_ONLY)
    assert outcome.verdict is Verdict.FAIL and outcome.found is not None
    assert outcome.source.startswith(f"deep run {WRAPS[bug].run} ")
    minimal = outcome.minimal
    assert minimal is not None and outcome.confirmed and outcome.shrink_complete
    case = minimal.case
    assert Minimal(case.capacity, case.cap, len(case.ops), WRAPS[bug].run) == WRAPS[bug]
    assert [op.item for op in case.ops if op.item is not None] == list(
        range(1, 1 + sum(op.item is not None for op in case.ops))
    )


@pytest.mark.parametrize("bug", ["ring-index-u8", "capacity-u16"])
def test_without_the_deep_runs_a_port_that_wraps_passes(bug: str) -> None:
    # What `--max-examples 2000` and every seed tried showed a porter: it conforms.
    assert conform(f"{PORT_BUG} {bug}", WITHOUT_DEEP).verdict is Verdict.PASS


@pytest.mark.parametrize(
    ("bug", "width"), [("ring-index-u8", "an 8-bit index"), ("capacity-u16", "a 16-bit length")]
)
def test_a_default_run_fails_a_port_that_wraps_with_a_shrunk_trace(bug: str, width: str) -> None:
    done, seconds = tidegate("conform", "--adapter", f"{PORT_BUG} {bug}")
    assert done.returncode == ExitCode.FAILED, f"{width}:\n{done.stdout}{done.stderr}"
    expected = WRAPS[bug]
    head = re.search(
        r"divergence in deep run (.+?) \(.*minimal trace \((.+?), (\d+) steps", done.stdout
    )
    assert head is not None, done.stdout
    assert head.group(1).startswith(expected.run)
    assert head.group(2) == f"capacity={expected.capacity} cap={expected.cap}"
    assert int(head.group(3)) == expected.steps
    assert "confirmed on a fresh adapter process" in done.stdout
    assert seconds < BUDGET + ALLOWANCE, f"{seconds:.1f}s"


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("TIDEGATE_SLOW") != "1", reason="long run: TIDEGATE_SLOW=1")
def test_a_default_run_fails_a_port_with_a_16_bit_ring_index() -> None:
    # 2^16 items through the channel, two per step pair at best: the trace stays long, and
    # shrinking it stops at the budget; it must still come out smaller than it was found.
    done, seconds = tidegate("conform", "--adapter", f"{PORT_BUG} ring-index-u16")
    assert done.returncode == ExitCode.FAILED, done.stdout + done.stderr
    head = re.search(
        r"divergence in deep run stream 2\^16 \(capacity=3 cap=4, (\d+) steps\)"
        r".*minimal trace \(capacity=(\d+) cap=(\d+), (\d+) steps",
        done.stdout,
    )
    assert head is not None, done.stdout
    found, capacity, cap, steps = (int(group) for group in head.groups())
    assert (capacity, cap) == (3, 0) and 2**17 <= steps < found
    assert "confirmed on a fresh adapter process" in done.stdout
    assert seconds < BUDGET + 2 * ALLOWANCE, f"{seconds:.1f}s"
