"""A conformance case: fresh parameters and a sequence of operations, judged by the model.

A `Case` carries no answers: the model gives the expected one for every step,
so a generated or shrunk case is always judged against the specification
itself. `Case.valid` holds it to PROTOCOL.md's rule on sequences (each step
enabled where it is issued, `tidegate.model.enabled` and `enabled_tasks`:
nothing is asked of the receiver after `drop_receiver`, and a `poll` or
`cancel` names a pending task), which generation and shrinking both keep.
"""

from __future__ import annotations

from dataclasses import dataclass

from tidegate import model
from tidegate.model import Answer, Op, TaskOp
from tidegate.proofs.protocol.traces import Trace, model_results, model_trace


@dataclass(frozen=True)
class Case:
    """`new(capacity, cap)`, then `ops` (v1 and v2 operations) in order."""

    capacity: int
    cap: int
    ops: tuple[Op | TaskOp, ...]

    def expected(self) -> list[Answer]:
        """The model's answer to every step."""
        return model_results(self.capacity, self.cap, self.ops)

    def to_trace(self, trace_id: str) -> Trace:
        """This case as a PROTOCOL.md trace, the model's answers as its results."""
        return model_trace(trace_id, self.capacity, self.cap, self.ops)

    def valid(self) -> bool:
        """True when the model enables every step where it is issued: a sequence a
        PROTOCOL.md trace may hold (`enabled`, `enabled_tasks`, and a `poll` or `cancel`
        names one of `pollable_tasks`)."""
        state = model.new(self.capacity, self.cap)
        for op in self.ops:
            if isinstance(op, TaskOp):
                if op.name not in model.enabled_tasks(state):
                    return False
                if op.task is not None and op.task not in model.pollable_tasks(state):
                    return False
            elif op.name not in model.enabled(state):
                return False
            state = model.apply(state, op).state
        return True

    @property
    def has_tasks(self) -> bool:
        """True when some step is a v2 (task) operation."""
        return any(isinstance(op, TaskOp) for op in self.ops)

    def describe(self) -> str:
        """A short label: parameters and length."""
        return f"capacity={self.capacity} cap={self.cap}, {len(self.ops)} steps"


def case_of(trace: Trace) -> Case:
    """The operations of `trace` as a Case (its recorded answers set aside)."""
    return Case(trace.capacity, trace.cap, tuple(step.op for step in trace.steps))
