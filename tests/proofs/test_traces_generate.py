"""`tidegate traces generate`: suites that replay on the model and catch a broken port, and ITF."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.adapters import PORT_BUG as PORT
from tidegate.model import Err, Ok
from tidegate.proofs.cli import main
from tidegate.proofs.conform.session import Settings, conform
from tidegate.proofs.conform.suite import generate_suite
from tidegate.proofs.core import ExitCode, Verdict
from tidegate.proofs.protocol.itf import VARS, to_itf
from tidegate.proofs.protocol.subjects import make_runner
from tidegate.proofs.protocol.traces import load_traces
from tidegate.proofs.recordings.replay import replay_all


def tidegate(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    """`tidegate ARGS` run in this process: its exit code and standard output."""
    try:
        code = main(list(args))
    except SystemExit as exc:
        code = int(exc.code or 0)
    return code, capsys.readouterr().out


def expected_transitions(max_capacity: int, max_cap: int) -> int:
    """Counted by hand: open or closed, every (buffer, backlog) length pair is reachable and
    all 9 operations apply; dropped, the buffer is empty and the 6 non-receiver ones apply."""
    return sum(
        2 * (c + 1) * (k + 1) * 9 + (k + 1) * 6
        for c in range(1, max_capacity + 1)
        for k in range(max_cap + 1)
    )


def test_suite_covers_every_transition_and_replays_on_both_subjects() -> None:
    suite = generate_suite(max_capacity=2, max_cap=2, runs=3, max_steps=300, seed=5)
    assert suite.covered == suite.transitions == expected_transitions(2, 2) == 612
    for subject in ("model", "impl"):
        report = replay_all(suite.traces, make_runner(subject))
        assert report.ok and report.traces == len(suite.traces)
    assert [t.id for t in suite.traces[-3:]] == ["gen-5-run-0", "gen-5-run-1", "gen-5-run-2"]


def test_itf_states_follow_the_model_with_exact_bigints() -> None:
    suite = generate_suite(max_capacity=1, max_cap=1, runs=1, max_steps=150, seed=0)
    trace = suite.traces[-1]
    itf = json.loads(json.dumps(to_itf(trace)))
    assert itf["#meta"]["format"] == "ITF" and itf["#meta"]["id"] == trace.id
    assert itf["vars"] == VARS
    states = itf["states"]
    assert len(states) == len(trace.steps) + 1
    assert [s["#meta"]["index"] for s in states] == list(range(len(states)))
    assert states[0]["mbt::actionTaken"] == "init" and states[0]["buffer"] == []
    for state, step in zip(states[1:], trace.steps, strict=True):
        assert set(state) == {"#meta", *VARS}
        assert state["mbt::actionTaken"] == step.op.name.value
        picked = state["mbt::nondetPicks"]["item"]
        if step.op.item is None:
            assert picked["tag"] == "None"
        else:
            assert picked == {"tag": "Some", "value": {"#bigint": str(step.op.item)}}
        answer = state["answer"]
        if isinstance(step.result, Err):
            assert answer == {"tag": "Err", "value": step.result.kind.value}
        else:
            assert answer["tag"] == "Ok"
            assert _itf_value(answer["value"]) == step.result
        for key in ("buffer", "backlog", "discarded"):
            assert all(set(x) == {"#bigint"} for x in state[key])
    # Items beyond 2**53 survive exactly: JSON numbers would have rounded them.
    wide = [
        int(x["#bigint"]) for s in states for x in s["buffer"] if abs(int(x["#bigint"])) > 2**53
    ]
    assert wide


def _itf_value(value: object) -> Ok:
    if value == {"#tup": []}:
        return Ok(None)
    if isinstance(value, bool):
        return Ok(value)
    assert isinstance(value, dict)
    return Ok(int(value["#bigint"]))


def test_cli_itf_writes_one_file_per_trace(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "itf"
    code, stdout = tidegate(
        capsys, "traces", "generate", "--out", str(out), "--format", "itf", "--runs", "1",
        "--max-capacity", "1", "--max-cap", "1",
    )  # fmt: skip
    assert code == ExitCode.OK, stdout
    files = sorted(out.glob("*.itf.json"))
    assert "gen-0-run-0.itf.json" in {f.name for f in files}
    assert all(json.loads(f.read_text())["vars"] == VARS for f in files)


def test_cli_unwritable_out_is_a_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    target = str(blocker / "x.jsonl")
    code = main(["traces", "generate", "--out", target, "--runs", "0"])
    assert code == ExitCode.USAGE
    err = capsys.readouterr().err
    assert f"tidegate traces generate: error: cannot write {target}" in err


def test_cli_writes_a_suite_that_catches_a_broken_port(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "suite.jsonl"
    code, stdout = tidegate(
        capsys, "traces", "generate", "--out", str(out), "--runs", "2", "--max-capacity", "2"
    )
    assert code == ExitCode.OK, stdout
    assert expected_transitions(2, 3) == 1020
    assert "1020/1020 reachable transitions at capacity 1-2, cap 0-3" in stdout
    traces = load_traces(out)
    assert len({t.id for t in traces}) == len(traces)
    # A port's own replay loop, in effect: the suite alone (no recordings, no generation).
    outcome = conform(
        f"{PORT} full-before-closed",
        Settings(recordings=False, max_examples=0, traces=tuple(traces)),
    )
    assert outcome.verdict is Verdict.FAIL and outcome.source.startswith("gen-0-cover-")
