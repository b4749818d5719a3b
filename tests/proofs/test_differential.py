"""The stateful differential: the reference passes, broken queues fail with a replayable trace."""

from __future__ import annotations

import re

import pytest

from tidegate.proofs.cli import main
from tidegate.proofs.differential.machine import (
    Differential,
    Tally,
    run_differential,
    sized,
)
from tidegate.proofs.protocol.queue_class import QueueClassError, load_queue_class

# The model and tidegate.impl in lockstep, sized by the loaded hypothesis profile
# (HYPOTHESIS_PROFILE=thorough: 2,000 programs of up to 300 steps).
TestModelAgainstImpl = Differential.TestCase


def test_programs_mix_tasks_with_v1_operations() -> None:
    """The task rules run (a differential that never started a task would check nothing
    of v2); seen failing with the two task rules removed."""
    tally = Tally()
    run_differential(sized(30, 40), seed=3, tally=tally)
    assert 0 < tally.task_steps < tally.steps
    assert tally.task_steps > tally.steps // 10


def test_a_reference_queue_class_passes(capsys: pytest.CaptureFixture[str]) -> None:
    tally = Tally()
    run_differential(
        sized(20, 30),
        seed=5,
        queue_factory=load_queue_class("tidegate.impl:BackpressureQueue"),
        tally=tally,
    )
    assert tally.programs >= 20 and tally.steps > 0


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("nocolon", "must be MODULE:CLASS, got 'nocolon'"),
        ("no_such_module_x:Q", "cannot import module 'no_such_module_x'"),
        ("tests.support.differential_queues:Missing", "has no attribute 'Missing'"),
        ("tidegate.impl:DISPATCH_BACKLOG_CAP", "is a int, not a class"),
        (
            "tests.support.differential_queues:NotAQueue",
            "lacks the queue method(s) enqueue_or_send",
        ),
        ("tidegate.impl:Notify", "lacks the queue method(s)"),
    ],
)
def test_bad_queue_class_is_refused(spec: str, message: str) -> None:
    with pytest.raises(QueueClassError, match=re.escape(message)):
        load_queue_class(spec)


def test_verify_with_a_bad_queue_class_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["verify", "--profile", "quick", "--queue-class", "nocolon"])
    assert code == 2
    assert "--queue-class must be MODULE:CLASS, got 'nocolon'" in capsys.readouterr().err
