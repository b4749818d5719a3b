"""Running one case on an adapter and finding where it first answers differently."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tidegate import model
from tidegate.model import OK, Answer
from tidegate.proofs.adapter import Adapter, Reply
from tidegate.proofs.conform.cases import Case
from tidegate.proofs.traces import Step, Trace
from tidegate.proofs.wire import op_to_wire


@dataclass(frozen=True)
class Mismatch:
    """A case whose last step the adapter answered differently from the reference.

    `case` ends at the divergent step; `answers` are the adapter's replies to
    `new` and then to each step (so `answers[-1]` is the wrong one), `expected`
    the reference's answers likewise. A wrong answer to `new` itself leaves
    `case.ops` empty.
    """

    case: Case
    expected: tuple[Answer, ...]
    answers: tuple[Reply, ...]

    def to_trace(self, trace_id: str) -> Trace:
        """This case as a PROTOCOL.md trace whose results are the reference's answers."""
        steps = tuple(
            Step(op, want) for op, want in zip(self.case.ops, self.expected[1:], strict=True)
        )
        return Trace(trace_id, self.case.capacity, self.case.cap, steps)

    @property
    def step(self) -> int:
        """Index of the divergent step; -1 when it is `new`."""
        return len(self.answers) - 2


def new_request(case: Case) -> dict[str, object]:
    """The `new` request that starts `case`."""
    return {"op": "new", "capacity": case.capacity, "cap": case.cap}


def run_case(
    adapter: Adapter, case: Case, expected: Sequence[Answer] | None = None
) -> Mismatch | None:
    """Feed `case` to `adapter` from a fresh `new`; the first divergence, or None.

    `expected` are the reference's answers to the steps (default: the model's).
    Raises AdapterError when the adapter breaks the protocol.
    """
    answers: list[Reply] = [adapter.request(new_request(case))]
    wanted: list[Answer] = [OK]
    if answers[0] != OK:
        return Mismatch(Case(case.capacity, case.cap, ()), (OK,), tuple(answers))
    state = model.new(case.capacity, case.cap)
    for index, op in enumerate(case.ops):
        adapter.send(op_to_wire(op))
        # The model works out its answer while the adapter does.
        if expected is None:
            state, want, _ = model.apply(state, op)
        else:
            want = expected[index]
        got = adapter.receive()
        answers.append(got)
        wanted.append(want)
        if got != want:
            cut = Case(case.capacity, case.cap, case.ops[: index + 1])
            return Mismatch(cut, tuple(wanted), tuple(answers))
    return None
