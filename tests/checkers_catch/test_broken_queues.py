"""Broken queue classes, each caught: the differential (and `verify --queue-class`) with a
replayable trace, and `crosshair diffbehavior` with the program that tells it from the model."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import Phase, settings

from tests.conftest import CROSSHAIR_SLOW, REPO
from tests.support.differential_queues import DrainsNewestFirst, ForgetsOnClosedDrain
from tidegate.proofs.cli import main
from tidegate.proofs.core import Verdict
from tidegate.proofs.crosshair.check import MODEL, diff_result
from tidegate.proofs.crosshair.run import diffbehavior
from tidegate.proofs.differential.machine import (
    DifferentialFailure,
    Tally,
    UnobservableFailure,
    run_differential,
    sized,
)
from tidegate.proofs.protocol.queue_class import QueueRunner
from tidegate.proofs.protocol.subjects import ModelRunner
from tidegate.proofs.protocol.traces import trace_from_obj
from tidegate.proofs.recordings.replay import replay_trace


def find_without_shrinking(queue_class: type) -> list[DifferentialFailure]:
    # 400: the failure comes at about the 220th program, which 200 missed narrowly in some
    # runs (how many programs hypothesis counts as valid varies with what is imported).
    chosen = settings(sized(400, 50), phases=[Phase.generate])
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


def test_verify_against_a_flipped_drain_exits_1_with_program_and_trace(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(
        [
            "verify",
            "--profile",
            "quick",
            "--queue-class",
            "tests.support.differential_queues:DrainsNewestFirst",
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


@pytest.mark.slow
@CROSSHAIR_SLOW
def test_diffbehavior_finds_a_queue_that_overtakes_its_backlog() -> None:
    outcome = diffbehavior(
        MODEL, "tests.support.crosshair_diff_fixture.overtaking_answers", 60, REPO
    )
    result = diff_result("diff", outcome)
    assert result.verdict is Verdict.FAIL, outcome.output
    assert any("Given:" in line for line in result.details)
