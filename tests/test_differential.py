"""The stateful differential: the reference passes, broken queues fail with a replayable trace."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import Phase, settings

from tidegate.proofs.cli import main
from tidegate.proofs.differential.machine import (
    Differential,
    DifferentialFailure,
    Tally,
    UnobservableFailure,
    run_differential,
    sized,
)
from tidegate.proofs.protocol.queue_class import QueueClassError, QueueRunner, load_queue_class
from tidegate.proofs.protocol.subjects import ModelRunner
from tidegate.proofs.protocol.traces import trace_from_obj
from tidegate.proofs.recordings.replay import replay_trace

from .differential_queues import DrainsNewestFirst, ForgetsOnClosedDrain

# The model and tidegate.impl in lockstep, sized by the loaded hypothesis profile
# (HYPOTHESIS_PROFILE=thorough: 2,000 programs of up to 300 steps).
TestModelAgainstImpl = Differential.TestCase


def find_without_shrinking(queue_class: type) -> list[DifferentialFailure]:
    chosen = settings(sized(200, 50), phases=[Phase.generate])
    with pytest.raises((DifferentialFailure, ExceptionGroup)) as caught:
        run_differential(chosen, seed=1, queue_factory=queue_class, tally=Tally())
    raised = caught.value
    found = list(raised.exceptions) if isinstance(raised, ExceptionGroup) else [raised]
    return [f for f in found if isinstance(f, DifferentialFailure)]


def test_forgetting_the_closed_drain_is_caught_and_replays() -> None:
    (failure, *_) = find_without_shrinking(ForgetsOnClosedDrain)
    assert not isinstance(failure, UnobservableFailure)
    divergence = replay_trace(failure.trace, QueueRunner(ForgetsOnClosedDrain))
    assert divergence is not None
    assert replay_trace(failure.trace, ModelRunner()) is None


def test_a_reference_queue_class_passes(capsys: pytest.CaptureFixture[str]) -> None:
    tally = Tally()
    run_differential(
        sized(20, 30),
        seed=5,
        queue_factory=load_queue_class("tidegate.impl:BackpressureQueue"),
        tally=tally,
    )
    assert tally.programs >= 20 and tally.steps > 0


def test_verify_against_a_flipped_drain_exits_1_with_program_and_trace(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(
        [
            "verify",
            "--profile",
            "quick",
            "--queue-class",
            "tests.differential_queues:DrainsNewestFirst",
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert "shrunk program (hypothesis):" in out
    assert "state = Differential()" in out and "state.try_drain_one()" in out
    # Every trace line printed for the differential replays on the model; at least one
    # diverges on the broken queue (a trace-replayable divergence).
    traces = [
        trace_from_obj(json.loads(m))
        for m in re.findall(r'^\s+(\{"id":"differential-.*\})$', out, flags=re.MULTILINE)
    ]
    assert traces
    assert all(replay_trace(t, ModelRunner()) is None for t in traces)
    assert any(replay_trace(t, QueueRunner(DrainsNewestFirst)) is not None for t in traces)
    assert "diverges at step" in out
    assert "a check FAILED (exit 1)" in out


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("nocolon", "must be MODULE:CLASS, got 'nocolon'"),
        ("no_such_module_x:Q", "cannot import module 'no_such_module_x'"),
        ("tests.differential_queues:Missing", "has no attribute 'Missing'"),
        ("tidegate.impl:DISPATCH_BACKLOG_CAP", "is a int, not a class"),
        ("tests.differential_queues:NotAQueue", "lacks the queue method(s) enqueue_or_send"),
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
