"""Trace files (PROTOCOL.md's JSON Lines), and the recordings tidegate ships.

The 600 recordings of the seed on tokio 1.24.2 are package data, so an
installed tidegate always carries its ground truth: `recorded_traces()`.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tidegate import model
from tidegate.model import Answer, ModelTypeError, ModelValueError, Op, require_int
from tidegate.proofs.core import TidegateError
from tidegate.proofs.protocol.data import RECORDINGS, shipped
from tidegate.proofs.protocol.wire import (
    WireError,
    answer_from_wire,
    dumps,
    op_from_wire,
    op_to_wire,
)


@dataclass(frozen=True)
class Step:
    """One operation of a trace and the answer the reference gave to it."""

    op: Op
    result: Answer


@dataclass(frozen=True)
class Trace:
    """A fresh subject `new(capacity, cap)` fed `steps` in order."""

    id: str
    capacity: int
    cap: int
    steps: tuple[Step, ...]

    def to_json(self) -> str:
        """This trace as one PROTOCOL.md trace-file line."""
        steps = [{**op_to_wire(s.op), "result": s.result.to_wire()} for s in self.steps]
        return dumps({"id": self.id, "capacity": self.capacity, "cap": self.cap, "steps": steps})


def model_answers(capacity: int, cap: int, ops: Iterable[Op]) -> list[Answer]:
    """The model's answer to each of `ops`, fed in order to a fresh `new(capacity, cap)`."""
    state = model.new(capacity, cap)
    answers = []
    for op in ops:
        state, answer, _ = model.apply(state, op)
        answers.append(answer)
    return answers


def model_trace(trace_id: str, capacity: int, cap: int, ops: Sequence[Op]) -> Trace:
    """`ops` from a fresh `new(capacity, cap)` as a trace whose results are the model's
    answers: what any conforming subject must answer."""
    answers = model_answers(capacity, cap, ops)
    return Trace(trace_id, capacity, cap, tuple(map(Step, ops, answers)))


class TraceFileError(TidegateError, ValueError):
    """Raised when a trace file cannot be read, or a line of it is not a valid PROTOCOL.md
    trace; names the file (and the line)."""


def trace_from_obj(obj: Any) -> Trace:
    """A Trace from its decoded JSON object; raises WireError naming the bad field."""
    if not isinstance(obj, dict):
        raise WireError(f"a trace must be a JSON object, got {type(obj).__name__}")
    for key in ("id", "capacity", "cap", "steps"):
        if key not in obj:
            raise WireError(f"trace lacks field {key!r}")
    try:
        capacity = require_int("capacity", obj["capacity"], minimum=1)
        cap = require_int("cap", obj["cap"], minimum=0)
    except (ModelTypeError, ModelValueError) as exc:
        raise WireError(str(exc)) from None
    if not isinstance(obj["steps"], list):
        raise WireError("trace field 'steps' must be a list")
    steps = []
    for index, raw in enumerate(obj["steps"]):
        if not isinstance(raw, dict) or "result" not in raw:
            raise WireError(f"step {index}: needs 'op' and 'result'")
        try:
            steps.append(Step(op_from_wire(raw), answer_from_wire(raw["result"])))
        except WireError as exc:
            raise WireError(f"step {index}: {exc}") from None
    return Trace(str(obj["id"]), capacity, cap, tuple(steps))


def parse_traces(lines: Iterable[str], source: str) -> Iterator[Trace]:
    """Each non-blank line as a Trace; raises TraceFileError naming `source` and the line."""
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            yield trace_from_obj(json.loads(line))
        except json.JSONDecodeError as exc:
            raise TraceFileError(f"{source}:{number}: not JSON ({exc.msg})") from None
        except WireError as exc:
            raise TraceFileError(f"{source}:{number}: {exc}") from None


def load_traces(path: str | Path) -> list[Trace]:
    """Every trace of the file at `path`; raises TraceFileError naming the file (and the line)
    when it cannot be read or a line is not a trace."""
    try:
        with open(path, encoding="utf-8") as handle:
            return list(parse_traces(handle, str(path)))
    except (OSError, UnicodeDecodeError) as exc:
        raise TraceFileError(f"cannot read trace file {path}: {exc}") from None


def recorded_traces() -> list[Trace]:
    """The 600 recordings of the seed on tokio 1.24.2 shipped inside tidegate."""
    text = shipped(RECORDINGS).read_text(encoding="utf-8")
    return list(parse_traces(text.splitlines(), RECORDINGS))


def write_traces(path: str | Path, traces: Sequence[Trace], *, append: bool = False) -> None:
    """Write `traces` as JSON Lines to `path` (appending when `append`)."""
    with open(path, "a" if append else "w", encoding="utf-8") as handle:
        for trace in traces:
            handle.write(trace.to_json() + "\n")
