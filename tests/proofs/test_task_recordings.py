"""The 600 v2 recordings of the seed on tokio 1.24.2 (tasks mixed with v1 operations),
replayed on the model and on the implementation: every answer reproduced."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest

from tests.conftest import SHARED
from tidegate.model import Answer, Err, ErrorKind, Ok, Op, OpName, Pending, TaskOp, TaskOpName
from tidegate.proofs.protocol.subjects import ImplRunner, make_runner

TASK_RECORDINGS = "conformance-tokio-task-traces.jsonl"


def shipped_text() -> str:
    data = resources.files("tidegate.proofs.protocol").joinpath("data", TASK_RECORDINGS)
    return data.read_text(encoding="utf-8")


def parse_step(raw: dict[str, Any]) -> tuple[Op | TaskOp, Answer]:
    name, result = raw["op"], raw["result"]
    op: Op | TaskOp
    if name in {n.value for n in OpName}:
        op_name = OpName(name)
        op = Op(op_name, raw["item"] if op_name.takes_item else None)
    else:
        task_name = TaskOpName(name)
        op = TaskOp(
            task_name,
            raw["item"] if task_name.takes_item else None,
            raw["task"] if task_name.takes_task else None,
        )
    answer: Answer
    if "ok" in result:
        answer = Ok(result["ok"])
    elif "err" in result:
        answer = Err(ErrorKind(result["err"]))
    else:
        answer = Pending(result["pending"])
    return op, answer


def traces() -> list[dict[str, Any]]:
    return [json.loads(line) for line in shipped_text().splitlines() if line.strip()]


def first_divergence(subject: str, trace: dict[str, Any]) -> str | None:
    runner = make_runner(subject)
    try:
        runner.reset(trace["capacity"], trace["cap"])
        for index, raw in enumerate(trace["steps"]):
            op, want = parse_step(raw)
            got = runner.apply(op)
            if got != want:
                return f"{trace['id']} step {index} {op}: got {got}, recorded {want}"
        return None
    finally:
        if isinstance(runner, ImplRunner):
            runner.close()


def test_shipped_task_recordings_are_the_600_byte_identical_to_shared() -> None:
    assert len(traces()) == 600
    assert len({t["id"] for t in traces()}) == 600
    source = SHARED / TASK_RECORDINGS
    if not source.is_file():
        pytest.skip(f"{source} absent: cannot compare the shipped copy with it")
    assert shipped_text().encode() == source.read_bytes()


@pytest.mark.parametrize("subject", ["model", "impl"])
def test_every_recorded_task_answer_is_reproduced(subject: str) -> None:
    divergences = [d for t in traces() if (d := first_divergence(subject, t)) is not None]
    assert divergences == []


@pytest.mark.parametrize("subject", ["model", "impl"])
def test_a_wrong_task_recording_is_caught_at_its_step(subject: str) -> None:
    # The first recorded pending answer, renumbered: the replay must stop right there.
    for trace in traces():
        for index, raw in enumerate(trace["steps"]):
            if "pending" in raw["result"]:
                renumbered = {**raw, "result": {"pending": 99}}
                wrong = dict(trace, steps=[*trace["steps"][:index], renumbered])
                found = first_divergence(subject, wrong)
                assert found is not None and f"step {index} " in found
                return
    raise AssertionError("no pending answer in the recordings")
