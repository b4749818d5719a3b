"""Every planted bug of tests/support/adapters/port.py is caught, with a minimal confirmed trace.

The last group are bugs the 600 recordings cannot show (they stay within
capacity 1-5, cap 0-8, items up to 1022, 40 steps): only the wide generated
runs find them. Each expected minimal trace is also checked to be 1-minimal:
removing any single step makes the divergence go away.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass

import pytest

from tests.support.adapters import PORT_BUG as PORT
from tidegate.proofs.conform.cases import Case, case_of
from tidegate.proofs.conform.coverage import reachable_kinds
from tidegate.proofs.conform.generate import coverage_cases
from tidegate.proofs.conform.runner import run_case
from tidegate.proofs.conform.session import Settings, conform
from tidegate.proofs.core import Verdict
from tidegate.proofs.protocol.adapter import Adapter
from tidegate.proofs.protocol.traces import recorded_traces

SETTINGS = Settings(recordings=False, max_examples=40)
PROBES_ONLY = Settings(
    recordings=False, coverage=False, deep=False, max_examples=0, check_protocol=True
)
"""Only `--check-protocol`'s probes: what an adapter's request parsing gets wrong."""


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
    # Items read through a double: 2^53 + 1 is the smallest that comes back changed.
    "items-double": Expected(1, 0, 2, 2**53 + 1),
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
def test_a_ring_index_wrapping_at_256_is_caught_one_minimal() -> None:
    # Invisible until 256+ items went through (test_wrapping_ports.py); here the trace the
    # deep runs shrink it to is checked 1-minimal, one run per step.
    outcome = conform(f"{PORT} ring-index-u8", Settings(recordings=False, max_examples=0))
    assert outcome.verdict is Verdict.FAIL and outcome.confirmed
    assert outcome.minimal is not None
    assert len(outcome.minimal.case.ops) > 256
    assert_one_minimal(f"{PORT} ring-index-u8", outcome.minimal.case)


def test_check_protocol_fails_a_port_that_takes_bools_for_ints() -> None:
    outcome = conform(
        f"{PORT} bools-as-ints",
        PROBES_ONLY,
    )
    assert outcome.verdict is Verdict.FAIL and outcome.found is None
    assert outcome.protocol is not None
    assert outcome.protocol.failures[:2] == [
        '{"op":"try_send","item":true}  (rule 2: true is not an integer): '
        "expected err BadRequest, got err Full",
        '{"op":"new","capacity":true,"cap":1}  (rule 2: capacity true): '
        "expected err BadRequest, got ok null",
    ]


def test_check_protocol_requires_bad_request_for_non_objects_and_a_missing_op() -> None:
    # What the seed oracle answered before PROTOCOL.md stated the order of request errors.
    outcome = conform(
        f"{PORT} unsupported-non-objects",
        PROBES_ONLY,
    )
    assert outcome.verdict is Verdict.FAIL and outcome.found is None
    assert outcome.protocol is not None
    assert [line.split("  ")[0] for line in outcome.protocol.failures] == [
        "[1]",
        "[1]",
        '"try_recv"',
        "7",
        "true",
        "null",
        "{}",
        '{"item":1}',
        '{"op":5}',
    ]
    assert all(
        line.endswith("expected err BadRequest, got err Unsupported")
        for line in outcome.protocol.failures
    )


def test_check_protocol_names_an_answered_blank_line() -> None:
    outcome = conform(f"{PORT} answers-blank-lines", PROBES_ONLY)
    assert outcome.verdict is Verdict.FAIL and outcome.protocol is not None
    assert outcome.protocol.failures == [
        "''  (rule 1: an empty line gets no answer): expected no answer, got err BadRequest",
        "'  \\t \\r'  (rule 1: spaces, tabs and a carriage return get no answer): "
        "expected no answer, got err BadRequest",
        "'\\r'  (rule 1: a carriage return alone gets no answer): "
        "expected no answer, got err BadRequest",
    ]
