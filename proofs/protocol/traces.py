"""Trace files (PROTOCOL.md's JSON Lines), and the recordings tidegate ships.

The seed's recordings on tokio 1.24.2 are package data, so an installed
tidegate always carries its ground truth: `recorded_traces()` (600, v1) and
`recorded_task_traces()` (600, v2: tasks mixed with v1 operations).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tidegate import model
from tidegate.model import Answer, ModelTypeError, ModelValueError, Op, TaskOp
from tidegate.model.errors import require_int
from tidegate.proofs.core import TidegateError
from tidegate.proofs.protocol.data import RECORDINGS, TASK_RECORDINGS, shipped
from tidegate.proofs.protocol.wire import (
    CAP_MAX,
    CAPACITY_MAX,
    WireError,
    answer_from_wire,
    dumps,
    op_from_wire,
    op_to_wire,
)

MAX_LINE = 64 << 20
"""The longest trace line read (64 MiB, about a million steps): a longer one is refused
rather than read into memory whole."""


@dataclass(frozen=True)
class Step:
    """One operation of a trace and the answer the reference gave to it."""

    op: Op | TaskOp
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


def model_answer_stream(capacity: int, cap: int, ops: Iterable[Op | TaskOp]) -> Iterator[Answer]:
    """The model's answer to each of `ops`, fed in order to a fresh `new(capacity, cap)`,
    each worked out when it is asked for (a checker works while its adapter answers)."""
    state = model.new(capacity, cap)
    for op in ops:
        state, answer, _ = model.apply(state, op)
        yield answer


def model_results(capacity: int, cap: int, ops: Iterable[Op | TaskOp]) -> list[Answer]:
    """The model's answer to each of `ops`, fed in order to a fresh `new(capacity, cap)`."""
    return list(model_answer_stream(capacity, cap, ops))


def model_trace(trace_id: str, capacity: int, cap: int, ops: Sequence[Op | TaskOp]) -> Trace:
    """`ops` from a fresh `new(capacity, cap)` as a trace whose results are the model's
    answers: what any conforming subject must answer."""
    answers = model_results(capacity, cap, ops)
    return Trace(trace_id, capacity, cap, tuple(map(Step, ops, answers)))


class TraceFileError(TidegateError, ValueError):
    """Raised when a trace file cannot be read, is empty, holds a line that is not a valid
    PROTOCOL.md trace, or gives two traces one id; names the file (and the line)."""


def trace_from_obj(obj: Any) -> Trace:
    """A Trace from its decoded JSON object; raises WireError naming the bad field.

    The id is a non-empty string; capacity and cap are within PROTOCOL.md's
    ranges for `new` (1 to 2^61 - 1, 0 to 2^64 - 1), so that every trace read is
    one an adapter can be asked to run.
    """
    if not isinstance(obj, dict):
        raise WireError(f"a trace must be a JSON object, got {type(obj).__name__}")
    for key in ("id", "capacity", "cap", "steps"):
        if key not in obj:
            raise WireError(f"trace lacks field {key!r}")
    if not isinstance(obj["id"], str) or not obj["id"]:
        raise WireError(f"trace field 'id' must be a non-empty string, got {obj['id']!r:.80}")
    try:
        capacity = require_int("capacity", obj["capacity"], minimum=1, maximum=CAPACITY_MAX)
        cap = require_int("cap", obj["cap"], minimum=0, maximum=CAP_MAX)
    except (ModelTypeError, ModelValueError) as exc:
        raise WireError(f"{exc} (PROTOCOL.md's range for new)") from None
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
    return Trace(obj["id"], capacity, cap, tuple(steps))


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def parse_traces(lines: Iterable[str], source: str) -> Iterator[Trace]:
    """Each non-blank line as a Trace; raises TraceFileError naming `source` and the line,
    also when two traces share an id."""
    seen: dict[str, int] = {}
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        if len(line) > MAX_LINE:
            raise TraceFileError(f"{source}:{number}: line longer than {MAX_LINE:,} characters")
        try:
            trace = trace_from_obj(json.loads(line, parse_constant=_no_constant))
        except WireError as exc:
            raise TraceFileError(f"{source}:{number}: {exc}") from None
        except json.JSONDecodeError as exc:
            raise TraceFileError(f"{source}:{number}: not JSON ({exc.msg})") from None
        except (ValueError, RecursionError) as exc:  # NaN, 5,000-digit numbers, deep nesting
            raise TraceFileError(f"{source}:{number}: not a trace ({exc})") from None
        if trace.id in seen:
            raise TraceFileError(
                f"{source}:{number}: trace id {trace.id!r} is already the id of line "
                f"{seen[trace.id]} (ids name traces: each must be unique)"
            )
        seen[trace.id] = number
        yield trace


def _lines(handle: Iterable[str]) -> Iterator[str]:
    """The lines of `handle`, none read whole beyond `MAX_LINE` characters."""
    read = getattr(handle, "readline", None)
    if read is None:
        yield from handle
        return
    while line := read(MAX_LINE + 1):
        yield line


def load_traces(path: str | Path) -> list[Trace]:
    """Every trace of the file at `path`; raises TraceFileError naming the file (and the
    line) when it cannot be read, holds no trace, or a line is not a trace."""
    try:
        with open(path, encoding="utf-8") as handle:
            traces = list(parse_traces(_lines(handle), str(path)))
    except (OSError, UnicodeDecodeError) as exc:
        raise TraceFileError(f"cannot read trace file {path}: {exc}") from None
    if not traces:
        raise TraceFileError(f"trace file {path} holds no trace (every line is blank)")
    return traces


def load_trace_files(paths: Iterable[str | Path]) -> list[Trace]:
    """The traces of every file of `paths`, in order; raises TraceFileError as
    `load_traces` does, and when two files give a trace the same id."""
    traces: list[Trace] = []
    where: dict[str, str] = {}
    for path in paths:
        for trace in load_traces(path):
            if trace.id in where:
                raise TraceFileError(
                    f"{path}: trace id {trace.id!r} is also the id of a trace in "
                    f"{where[trace.id]} (ids name traces: each must be unique)"
                )
            where[trace.id] = str(path)
            traces.append(trace)
    return traces


def recorded_traces() -> list[Trace]:
    """The 600 v1 recordings of the seed on tokio 1.24.2 shipped inside tidegate."""
    text = shipped(RECORDINGS).read_text(encoding="utf-8")
    return list(parse_traces(text.splitlines(), RECORDINGS))


def recorded_task_traces() -> list[Trace]:
    """The 600 v2 recordings of the seed on tokio 1.24.2 (tasks mixed with v1 operations)
    shipped inside tidegate."""
    text = shipped(TASK_RECORDINGS).read_text(encoding="utf-8")
    return list(parse_traces(text.splitlines(), TASK_RECORDINGS))


def write_traces(path: str | Path, traces: Sequence[Trace], *, append: bool = False) -> None:
    """Write `traces` as JSON Lines to `path` (appending when `append`)."""
    with open(path, "a" if append else "w", encoding="utf-8") as handle:
        for trace in traces:
            handle.write(trace.to_json() + "\n")
