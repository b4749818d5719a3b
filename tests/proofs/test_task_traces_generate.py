"""`tidegate traces generate --tasks`: suites that mix the task operations (v2) with v1 ones,
replayed on the model, the implementation and the seed oracle, and exported to ITF."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tidegate.model import Err, Ok, Pending, TaskOp, TaskOpName
from tidegate.proofs.cli import main
from tidegate.proofs.conform.suite import TASK_RUNS_PER_PAIR, generate_suite
from tidegate.proofs.core import ExitCode
from tidegate.proofs.protocol.adapter import Adapter
from tidegate.proofs.protocol.itf import VARS, to_itf
from tidegate.proofs.protocol.subjects import ImplRunner, make_runner
from tidegate.proofs.protocol.traces import Step, Trace, load_traces
from tidegate.proofs.protocol.wire import dumps, op_to_wire
from tidegate.proofs.recordings.replay import replay_all

SUITE = generate_suite(max_capacity=2, max_cap=1, runs=2, max_steps=120, seed=3, tasks=True)
TASK_TRACES = [t for t in SUITE.traces if "-task" in t.id]


def has_tasks(trace: Trace) -> bool:
    return any(isinstance(step.op, TaskOp) for step in trace.steps)


def test_the_task_traces_follow_the_v1_suite_and_mix_every_task_operation() -> None:
    v1 = generate_suite(max_capacity=2, max_cap=1, runs=2, max_steps=120, seed=3)
    assert not any(has_tasks(t) for t in v1.traces)
    assert SUITE.traces[: len(v1.traces)] == v1.traces  # --tasks adds, changes nothing
    assert len(TASK_TRACES) == SUITE.task_traces == 2 * 2 * TASK_RUNS_PER_PAIR + 2
    assert all(has_tasks(t) for t in TASK_TRACES)
    names = {s.op.name for t in TASK_TRACES for s in t.steps}
    assert set(TaskOpName) <= names
    answers = [s.result for t in TASK_TRACES for s in t.steps]
    assert any(isinstance(a, Pending) for a in answers)


@pytest.mark.parametrize("subject", ["model", "impl"])
def test_the_task_traces_replay_on_both_subjects(subject: str) -> None:
    runner = make_runner(subject)
    report = replay_all(TASK_TRACES, runner)
    if isinstance(runner, ImplRunner):
        runner.close()
    assert report.ok and report.traces == len(TASK_TRACES), report.divergences[:1]


def mismatches(adapter: Adapter, traces: list[Trace]) -> list[str]:
    """Each trace sent to `adapter` whole (its requests in one go), then its answers read and
    compared with the trace's: the first mismatch of each trace."""
    found = []
    for trace in traces:
        new = {"op": "new", "capacity": trace.capacity, "cap": trace.cap}
        adapter.send_lines([dumps(new), *(dumps(op_to_wire(s.op)) for s in trace.steps)])
        got = [adapter.receive() for _ in range(len(trace.steps) + 1)][1:]
        for index, (step, answer) in enumerate(zip(trace.steps, got, strict=True)):
            if answer != step.result:
                found.append(f"{trace.id} step {index} {step.op}: {answer}, not {step.result}")
                break
    return found


@pytest.mark.oracle
def test_a_generated_v2_suite_replays_on_the_seed_oracle(oracle_path: Path) -> None:
    with Adapter(str(oracle_path), timeout=10) as oracle:
        assert mismatches(oracle, TASK_TRACES) == []
        # The comparison can fail: the same trace with one task answer claimed otherwise.
        trace = next(t for t in TASK_TRACES if any(isinstance(s.result, Pending) for s in t.steps))
        at = next(i for i, s in enumerate(trace.steps) if isinstance(s.result, Pending))
        steps = list(trace.steps)
        steps[at] = Step(steps[at].op, Ok(None))
        wrong = Trace(trace.id, trace.capacity, trace.cap, tuple(steps))
        assert mismatches(oracle, [wrong]) == [
            f"{trace.id} step {at} {steps[at].op}: {trace.steps[at].result}, not ok null"
        ]


def test_itf_of_a_task_trace_carries_the_tasks() -> None:
    trace = max(TASK_TRACES, key=lambda t: len(t.steps))
    itf = json.loads(json.dumps(to_itf(trace)))
    assert itf["vars"] == VARS
    states = itf["states"]
    assert states[0]["waiting"] == states[0]["receives"] == [] and not states[0]["permit"]
    for state, step in zip(states[1:], trace.steps, strict=True):
        assert set(state) == {"#meta", *VARS}
        assert state["mbt::actionTaken"] == step.op.name.value
        task = state["mbt::nondetPicks"]["task"]
        if isinstance(step.op, TaskOp) and step.op.task is not None:
            assert task == {"tag": "Some", "value": {"#bigint": str(step.op.task)}}
        else:
            assert task["tag"] == "None"
        if isinstance(step.result, Pending):
            assert state["answer"] == {
                "tag": "Pending",
                "value": {"#bigint": str(step.result.task)},
            }
        elif isinstance(step.result, Err):
            assert state["answer"]["tag"] == "Err"
        for parked in state["waiting"] + state["reserved"]:
            assert set(parked) == {"task", "item"}
    assert any(s["waiting"] or s["reserved"] for s in states)
    assert any(s["waiters"] or s["picked"] or s["permit"] for s in states)
    assert int(states[-1]["last_task"]["#bigint"]) >= 1


def test_cli_writes_task_traces_with_tasks_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ["traces", "generate", "--max-capacity", "1", "--max-cap", "1", "--runs", "1"]
    plain, tasks = tmp_path / "v1.jsonl", tmp_path / "v2.jsonl"
    assert main([*base, "--out", str(plain)]) == ExitCode.OK
    assert "with tasks" not in capsys.readouterr().out
    assert main([*base, "--out", str(tasks), "--tasks"]) == ExitCode.OK
    out = capsys.readouterr().out
    assert f"then {2 * TASK_RUNS_PER_PAIR + 1} traces with tasks (v2)" in out
    v1, v2 = load_traces(plain), load_traces(tasks)
    assert not any(has_tasks(t) for t in v1)
    assert v2[: len(v1)] == v1 and all(has_tasks(t) for t in v2[len(v1) :])
