"""Ports whose adapter fails mid-run: shrunk to the shortest trace that still makes it fail,
confirmed on a fresh process, saved, replayable, and reported with exit 4 (not 2)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.adapters import PORT_BUG
from tidegate.proofs.cli import main
from tidegate.proofs.conform.cases import Case
from tidegate.proofs.conform.runner import run_case
from tidegate.proofs.conform.session import Settings, conform
from tidegate.proofs.core import ExitCode, Verdict
from tidegate.proofs.protocol.adapter import Adapter, Breach
from tidegate.proofs.protocol.subjects import make_runner
from tidegate.proofs.protocol.traces import load_traces
from tidegate.proofs.recordings.replay import replay_trace

QUICK = Settings(recordings=False, deep=False, max_examples=6)


def assert_one_minimal(command: str, case: Case) -> None:
    """No single step of `case` can go with the failure kept (each try on a fresh process)."""
    for index in range(len(case.ops)):
        smaller = Case(case.capacity, case.cap, case.ops[:index] + case.ops[index + 1 :])
        if smaller.valid():
            with Adapter(command, timeout=10) as adapter:
                found = run_case(adapter, smaller)
            assert found is None or found.breach is None, f"step {index} was not needed"


@pytest.mark.parametrize(
    ("bug", "breach", "shape"),
    [
        # The 17th item spilled into a backlog array of 16: an IndexError ends the port.
        ("backlog-array-16", Breach.EXITED, (1, 17, 18)),
        # A debug line on standard output when a drain meets a closed channel.
        ("stdout-debug", Breach.NON_ANSWER, (1, 1, 4)),
    ],
)
def test_an_adapter_failure_is_shrunk_like_a_divergence(
    bug: str, breach: Breach, shape: tuple[int, int, int]
) -> None:
    outcome = conform(f"{PORT_BUG} {bug}", QUICK)
    assert outcome.verdict is Verdict.FAIL and outcome.adapter_failed
    minimal = outcome.minimal
    assert minimal is not None and minimal.breach is breach
    assert outcome.confirmed and outcome.shrink_complete
    assert (minimal.case.capacity, minimal.case.cap, len(minimal.case.ops)) == shape
    # The adapter answered every step before the last as the model did, then failed.
    assert minimal.answers == minimal.expected[:-1]
    assert_one_minimal(f"{PORT_BUG} {bug}", minimal.case)


def test_a_failing_adapter_leaves_a_saved_replayable_trace_and_exits_4(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    saved = tmp_path / "regressions.jsonl"
    adapter = f"{PORT_BUG} backlog-array-16"
    args = ["conform", "--adapter", adapter, "--no-recordings", "--no-deep"]
    assert main([*args, "--save-failures", str(saved)]) == ExitCode.ADAPTER_FAILED
    out, err = capsys.readouterr()
    assert "adapter failure (exited) in random run" in out
    assert "(exited)   <-- differs" in out and "IndexError: index 16 out of bounds" in out
    assert "ADAPTER FAILED" in out and "(exit 4)" in out
    assert err.startswith("tidegate conform: error: in random run ")
    (trace,) = load_traces(saved)
    assert (trace.capacity, trace.cap, len(trace.steps)) == (1, 17, 18)
    # The results are the model's: a conforming subject replays it; the port fails it again.
    assert replay_trace(trace, make_runner("model")) is None
    assert main([*args, "--traces", str(saved), "--max-examples", "0"]) == ExitCode.ADAPTER_FAILED
    out = capsys.readouterr().out
    assert f"adapter failure (exited) in {trace.id} at step 17" in out
