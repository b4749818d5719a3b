"""Every planted bug of tests/adapters/port.py is caught, with a minimal confirmed trace.

The last group are bugs the 600 recordings cannot show (they stay within
capacity 1-5, cap 0-8, items up to 1022, 40 steps): only the wide generated
runs find them. Each expected minimal trace is also checked to be 1-minimal:
removing any single step makes the divergence go away.
"""

from __future__ import annotations

import os
import random
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tidegate.proofs.conform.cases import Case, case_of
from tidegate.proofs.conform.coverage import reachable_kinds
from tidegate.proofs.conform.generate import coverage_cases
from tidegate.proofs.conform.runner import run_case
from tidegate.proofs.conform.session import Settings, conform
from tidegate.proofs.core import Verdict
from tidegate.proofs.protocol.adapter import Adapter
from tidegate.proofs.protocol.traces import recorded_traces

PORT = f"{sys.executable} {Path(__file__).parent / 'adapters' / 'port.py'} --bug"
SETTINGS = Settings(recordings=False, max_examples=40)


@dataclass(frozen=True)
class Expected:
    """The minimal trace's parameters and length, and its largest item's magnitude."""

    capacity: int
    cap: int
    steps: int
    largest_item: int


BUGS = {
    "drain-reorders": Expected(1, 2, 6, 3),
    "send-past-backlog": Expected(1, 1, 4, 3),
    "queuefull-off-by-one": Expected(1, 0, 2, 2),
    "cap0-unbounded": Expected(1, 0, 2, 2),
    "drain-keeps-on-closed": Expected(1, 1, 5, 2),
    "full-before-closed": Expected(1, 0, 3, 2),
    "capacity-after-drop": Expected(1, 0, 3, 1),
    "disconnected-after-close": Expected(1, 0, 2, 0),
    "slot-not-freed": Expected(1, 0, 3, 2),
}
WIDE_BUGS = {
    "items-32bit": Expected(1, 0, 2, 2**31),
    "capacity-over-32": Expected(33, 0, 1, 0),
    "cap-over-16": Expected(1, 17, 18, 18),
}


def assert_one_minimal(command: str, case: Case) -> None:
    """No single step of `case` can be dropped with the divergence kept."""
    with Adapter(command, timeout=10) as adapter:
        for index in range(len(case.ops)):
            smaller = Case(case.capacity, case.cap, case.ops[:index] + case.ops[index + 1 :])
            if smaller.valid():
                assert run_case(adapter, smaller) is None, f"step {index} was not needed"


@pytest.mark.parametrize("bug", sorted(BUGS.keys() | WIDE_BUGS.keys()))
def test_bug_is_caught_with_a_minimal_trace(bug: str) -> None:
    expected = BUGS.get(bug) or WIDE_BUGS[bug]
    outcome = conform(f"{PORT} {bug}", SETTINGS)
    assert outcome.verdict is Verdict.FAIL and outcome.error is None
    assert outcome.confirmed
    minimal = outcome.minimal
    assert minimal is not None
    items = [abs(op.item) for op in minimal.case.ops if op.item is not None]
    got = Expected(
        minimal.case.capacity, minimal.case.cap, len(minimal.case.ops), max(items, default=0)
    )
    assert got == expected
    assert minimal.answers[-1] != minimal.expected[-1]
    assert minimal.answers[:-1] == minimal.expected[:-1]
    assert_one_minimal(f"{PORT} {bug}", minimal.case)


def test_recordings_and_small_bounds_never_reach_the_wide_bugs() -> None:
    # Where the wide bugs live: capacity > 32, cap > 16, items beyond 32 bits, 128+ sends.
    cases = [case_of(t) for t in recorded_traces()]
    cases += coverage_cases(reachable_kinds(), random.Random(0))
    assert max(c.capacity for c in cases) <= 5 and max(c.cap for c in cases) <= 8
    assert max(abs(op.item) for c in cases for op in c.ops if op.item is not None) < 2**31
    assert max(len(c.ops) for c in cases) < 128


def test_a_wide_bug_passes_every_recording() -> None:
    with Adapter(f"{PORT} capacity-over-32", timeout=10) as adapter:
        for trace in recorded_traces():
            expected = [step.result for step in trace.steps]
            assert run_case(adapter, case_of(trace), expected) is None, trace.id


@pytest.mark.slow
@pytest.mark.skipif(os.environ.get("TIDEGATE_SLOW") != "1", reason="long run: TIDEGATE_SLOW=1")
def test_ring_wrap_after_128_sends_is_caught() -> None:
    # Ring-buffer counters that wrap at 128: invisible until 128+ items went through.
    outcome = conform(f"{PORT} ring-wrap-128", Settings(recordings=False))
    assert outcome.verdict is Verdict.FAIL and outcome.confirmed
    assert outcome.minimal is not None
    assert len(outcome.minimal.case.ops) > 128
    assert_one_minimal(f"{PORT} ring-wrap-128", outcome.minimal.case)
