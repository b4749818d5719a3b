"""Every planted bug of the asynchronous half (tests/support/adapters/taskport.py) is caught by
`tidegate conform`, with a minimal trace, confirmed on a fresh process, whose task ids are
PROTOCOL.md's (1, 2, 3 ... in the order the tasks went pending) after shrinking.

Generation alone finds them (no recordings here). Each minimal trace is 1-minimal: no single
step can go with the divergence kept, the later tasks renumbered.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from tests.support.adapters import TASK_PORT, TASK_PORT_BUG
from tidegate.model import Pending, TaskOp
from tidegate.proofs.conform.cases import Case
from tidegate.proofs.conform.runner import run_case
from tidegate.proofs.conform.session import Settings, conform
from tidegate.proofs.conform.taskids import tag, untag
from tidegate.proofs.core import Verdict
from tidegate.proofs.protocol.adapter import Adapter

SETTINGS = Settings(recordings=False, deep=False, max_examples=6, max_steps=100, task_examples=50)


@dataclass(frozen=True)
class Expected:
    """The minimal trace's parameters, its length, and its last (diverging) step."""

    capacity: int
    cap: int
    steps: int
    last: str


BUGS = {
    "write-at-handover": Expected(1, 0, 4, "try_recv"),
    "lifo-parked": Expected(1, 0, 5, "poll(1)"),
    "cancel-reserved-loses-slot": Expected(1, 0, 5, "capacity"),
    "close-keeps-reserved": Expected(1, 0, 5, "poll(1)"),
    "recv-none-while-reserved": Expected(1, 0, 5, "recv"),
    "capacity-counts-reserved": Expected(1, 0, 4, "capacity"),
    "notify-counts-permits": Expected(1, 0, 4, "notified"),
    "notify-one-stores-with-waiters": Expected(1, 0, 3, "notified"),
    "cancel-picked-loses": Expected(1, 0, 6, "notified"),
}


def assert_one_minimal(command: str, case: Case) -> None:
    """No single step of `case` can go (its task's polls with it) with the divergence kept."""
    tagged = tag(case)
    with Adapter(command, timeout=10) as adapter:
        for index in range(len(tagged)):
            smaller = untag(case.capacity, case.cap, tagged[:index] + tagged[index + 1 :])
            if smaller.valid():
                assert run_case(adapter, smaller) is None, f"step {index} was not needed"


def test_the_task_port_conforms_on_v1_and_v2() -> None:
    outcome = conform(TASK_PORT, SETTINGS)
    assert outcome.verdict is Verdict.PASS, outcome.found
    assert not outcome.v1_only and outcome.task_covered == outcome.task_reachable > 1000


@pytest.mark.parametrize("bug", sorted(BUGS))
def test_task_bug_is_caught_with_a_minimal_trace(bug: str) -> None:
    outcome = conform(f"{TASK_PORT_BUG} {bug}", SETTINGS)
    assert outcome.verdict is Verdict.FAIL and outcome.error is None
    assert outcome.confirmed and outcome.shrink_complete
    minimal = outcome.minimal
    assert minimal is not None
    case = minimal.case
    assert Expected(case.capacity, case.cap, len(case.ops), str(case.ops[-1])) == BUGS[bug]
    assert minimal.answers[-1] != minimal.expected[-1]
    assert minimal.answers[:-1] == minimal.expected[:-1]
    # Task ids as PROTOCOL.md gives them: 1, 2, 3 ... in the order the tasks went pending.
    assert case.valid() and any(isinstance(op, TaskOp) for op in case.ops)
    starts = [
        a.task
        for op, a in zip(case.ops, minimal.expected[1:], strict=True)
        if (isinstance(op, TaskOp) and op.name.starts_task and isinstance(a, Pending))
    ]
    assert starts == list(range(1, len(starts) + 1))
    assert_one_minimal(f"{TASK_PORT_BUG} {bug}", case)
