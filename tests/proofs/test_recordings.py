"""The 600 tokio recordings, replayed against the model and the implementation."""

from __future__ import annotations

import io
import json

import pytest
from rich.console import Console

from tests.conftest import SHARED
from tests.support.differential_queues import DrainsNewestFirst
from tidegate.model import Ok, Op, OpName
from tidegate.proofs.core import Budget, CheckContext, Profile, Verdict
from tidegate.proofs.protocol.queue_class import QueueRunner
from tidegate.proofs.protocol.subjects import make_runner
from tidegate.proofs.protocol.traces import Step, Trace, recorded_traces
from tidegate.proofs.recordings.check import (
    check_recordings,
    check_recordings_on,
    check_recordings_with,
)
from tidegate.proofs.recordings.replay import replay_all, replay_trace
from tidegate.proofs.report import make_console


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


class _RunsOutAfter(Budget):
    """A budget that lasts for `traces` traces, then says it ran out."""

    def __init__(self, traces: int) -> None:
        super().__init__()
        self.calls = traces

    def exhausted(self) -> str | None:
        self.calls -= 1
        return "the time budget (1s) ran out" if self.calls < 0 else None


def _ctx(budget: Budget) -> CheckContext:
    return CheckContext(Profile.QUICK, 0, Console(file=io.StringIO()), budget)


def test_the_check_is_inconclusive_when_stopped_and_fails_on_any_divergence() -> None:
    """Mutation: kills recordings.check.check_recordings_with's mutants (a stopped replay
    judged a pass or a failure, a divergence forgiven because the replay stopped, the
    details that show the divergences)."""
    stopped = check_recordings("model", _ctx(_RunsOutAfter(3)))
    assert (stopped.verdict, stopped.cases, stopped.unit) == (Verdict.INCONCLUSIVE, 3, "traces")
    assert stopped.name == "recordings (model)"
    assert stopped.details == ["stopped (the time budget (1s) ran out) after 3 traces"]
    passed = check_recordings("model", _ctx(Budget()))
    assert (passed.verdict, passed.cases, passed.details) == (Verdict.PASS, 1200, [])

    runner = QueueRunner(DrainsNewestFirst)
    every = replay_all(recorded_traces(), runner).divergences
    assert len(every) > 6
    failed = check_recordings_with(runner, "flipped", _ctx(Budget()), recorded_traces())
    assert (failed.verdict, failed.name) == (Verdict.FAIL, "recordings (flipped)")
    assert failed.details == [
        *(d.describe() for d in every[:5]),
        every[0].trace.to_json(),
        f"... and {len(every) - 5} more",
    ]
    first = next(i for i, t in enumerate(recorded_traces()) if t.id == every[0].trace.id)
    cut = check_recordings_with(
        runner, "flipped", _ctx(_RunsOutAfter(first + 1)), recorded_traces()
    )
    assert cut.verdict is Verdict.FAIL and cut.cases == first + 1
    assert cut.details[0] == f"stopped (the time budget (1s) ran out) after {first + 1} traces"
    assert cut.details[1:] == [every[0].describe(), every[0].trace.to_json()]


def test_a_queue_class_is_checked_on_the_v1_recordings_and_the_check_says_so() -> None:
    """Mutation: kills recordings.check.check_recordings_on 13, 16, 17, 18 (the note that a
    queue class meets only the v1 file lost, moved below the divergences, or reworded)."""
    ctx = CheckContext(Profile.QUICK, 0, Console(file=io.StringIO()))
    broken = check_recordings_on(DrainsNewestFirst, ctx)
    assert broken.verdict is Verdict.FAIL and broken.cases == 600 and len(broken.details) > 1
    assert broken.details[0] == "v1 recordings only: a queue class has no channel tasks (v2)"


def test_the_recordings_check_counts_its_traces_as_it_replays_them(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Mutation: kills recordings.check.check_recordings_with 2, 3 and 10 (its progress
    unnamed, without a total, or never told)."""
    traces = recorded_traces()[:40]
    ctx = CheckContext(Profile.QUICK, 0, make_console())
    result = check_recordings_with(make_runner("model"), "the model", ctx, traces)
    assert (result.verdict, result.cases) == (Verdict.PASS, 40)
    assert "  recordings on the model: 40/40 done in " in capsys.readouterr().out
