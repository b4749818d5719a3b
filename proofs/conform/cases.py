"""A conformance case: fresh parameters and a sequence of operations, judged by the model.

A `Case` carries no answers: the model gives the expected one for every step,
so a generated or shrunk case is always judged against the specification
itself. `valid_ops` states PROTOCOL.md's one rule on sequences (nothing is
asked of the receiver after `drop_receiver`), which generation and shrinking
both keep.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tidegate.model import Answer, Op, OpName
from tidegate.proofs.protocol.traces import Trace, model_answers, model_trace

RECEIVER_OPS = frozenset({OpName.TRY_RECV, OpName.CLOSE, OpName.DROP_RECEIVER})
"""Operations a trace never issues once the receiver is dropped."""


@dataclass(frozen=True)
class Case:
    """`new(capacity, cap)`, then `ops` in order."""

    capacity: int
    cap: int
    ops: tuple[Op, ...]

    def expected(self) -> list[Answer]:
        """The model's answer to every step."""
        return model_answers(self.capacity, self.cap, self.ops)

    def to_trace(self, trace_id: str) -> Trace:
        """This case as a PROTOCOL.md trace, the model's answers as its results."""
        return model_trace(trace_id, self.capacity, self.cap, self.ops)

    def describe(self) -> str:
        """A short label: parameters and length."""
        return f"capacity={self.capacity} cap={self.cap}, {len(self.ops)} steps"


def case_of(trace: Trace) -> Case:
    """The operations of `trace` as a Case (its recorded answers set aside)."""
    return Case(trace.capacity, trace.cap, tuple(step.op for step in trace.steps))


def valid_ops(ops: Sequence[Op]) -> bool:
    """True when no receiver operation follows a `drop_receiver` (PROTOCOL.md's rule)."""
    dropped = False
    for op in ops:
        if dropped and op.name in RECEIVER_OPS:
            return False
        dropped = dropped or op.name is OpName.DROP_RECEIVER
    return True
