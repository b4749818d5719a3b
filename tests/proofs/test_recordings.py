"""The 600 tokio recordings, replayed against the model and the implementation."""

from __future__ import annotations

import json

import pytest

from tests.conftest import SHARED
from tidegate.model import Ok, Op, OpName
from tidegate.proofs.protocol.subjects import make_runner
from tidegate.proofs.protocol.traces import Step, Trace, recorded_traces
from tidegate.proofs.recordings.replay import replay_all, replay_trace


def test_shipped_recordings_are_the_600() -> None:
    traces = recorded_traces()
    assert len(traces) == 600
    assert len({t.id for t in traces}) == 600


def test_shipped_recordings_match_shared_copy() -> None:
    source = SHARED / "conformance-tokio-traces.jsonl"
    if not source.is_file():
        pytest.skip(f"{source} absent: cannot compare the shipped copy with it")
    shared = [json.loads(line) for line in source.read_text().splitlines() if line.strip()]
    shipped = [json.loads(t.to_json()) for t in recorded_traces()]
    assert shipped == shared


@pytest.mark.parametrize("subject", ["model", "impl"])
def test_every_recorded_answer_is_reproduced(subject: str) -> None:
    report = replay_all(recorded_traces(), make_runner(subject))
    assert report.traces == 600
    assert [d.describe() for d in report.divergences] == []


@pytest.mark.parametrize("subject", ["model", "impl"])
def test_replay_reports_a_wrong_recording(subject: str) -> None:
    # A recording with one answer changed must be caught at that step.
    trace = recorded_traces()[0]
    first = trace.steps[0]
    wrong = Trace(trace.id, trace.capacity, trace.cap, (Step(first.op, Ok(12345)),))
    divergence = replay_trace(wrong, make_runner(subject))
    assert divergence is not None and divergence.step == 0


def test_bool_and_int_answers_differ() -> None:
    trace = Trace("t", 1, 1, (Step(Op(OpName.LEN), Ok(False)),))
    divergence = replay_trace(trace, make_runner("model"))
    assert divergence is not None and divergence.got == Ok(0)
