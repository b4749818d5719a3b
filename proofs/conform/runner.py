"""Running one case on an adapter and finding where it first answers differently."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tidegate.model import OK, Answer
from tidegate.proofs.conform.cases import Case
from tidegate.proofs.core import Budget
from tidegate.proofs.protocol.adapter import Adapter, AdapterError
from tidegate.proofs.protocol.traces import Step, Trace
from tidegate.proofs.protocol.wire import Reply, dumps, op_to_wire


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


WINDOW = 256
"""Requests sent ahead of their answers: enough to keep both processes busy, few enough
(about 12 KB of requests, 8 KB of answers) that neither pipe can fill while the other
side waits."""


def run_case(
    adapter: Adapter,
    case: Case,
    expected: Sequence[Answer] | None = None,
    budget: Budget | None = None,
) -> Mismatch | None:
    """Feed `case` to `adapter` from a fresh `new`; the first divergence, or None.

    `expected` are the reference's answers to the steps (default: the model's).
    Requests go out `WINDOW` at a time and the model works while the adapter
    answers; a divergence is then confirmed one request at a time, so that an
    adapter that loses track of the lines (an extra answer line, say) is told
    apart from one that answers wrongly. Raises AdapterError when the adapter
    breaks the protocol, and BudgetExhausted when `budget` runs out between two
    windows of a long case.
    """
    wanted = _expected(case, expected)
    requests = [dumps(new_request(case))] + [dumps(op_to_wire(op)) for op in case.ops]
    for start in range(0, len(requests), WINDOW):
        if budget is not None and start:
            budget.check()
        window = requests[start : start + WINDOW]
        adapter.send_lines(window)
        replies = [adapter.receive() for _ in window]
        for offset, got in enumerate(replies):
            if got != wanted[start + offset]:
                return _confirm(adapter, case, wanted, start + offset, got)
    return None


def _expected(case: Case, expected: Sequence[Answer] | None) -> list[Answer]:
    """The reference's answers to `new` and to every step."""
    return [OK, *(case.expected() if expected is None else expected)]


def _confirm(adapter: Adapter, case: Case, wanted: list[Answer], at: int, got: Reply) -> Mismatch:
    """Replay `case` up to request `at` one request at a time, expecting answer `got` there.

    The same divergence is the usual outcome. Anything else means the batch
    was misread: the case is replayed one request at a time on a fresh
    process, which names the request after which a stray line came; failing
    that, answering differently in a batch is an error in its own right.
    """
    history = list(adapter.sent)
    requests = [new_request(case)] + [op_to_wire(op) for op in case.ops[:at]]
    answers: list[Reply] = []
    try:
        for request in requests:
            answers.append(adapter.request(request))
            if answers[-1] != wanted[len(answers) - 1]:
                break
    except AdapterError:
        answers = []
    if len(answers) == at + 1 and answers[-1] == got:
        cut = Case(case.capacity, case.cap, case.ops[:at])
        return Mismatch(cut, tuple(wanted[: at + 1]), tuple(answers))
    # The batch was misread. Everything this process was sent, again one request at a
    # time on a fresh process, names the request after which a stray line came.
    with Adapter(adapter.command, timeout=adapter.timeout) as fresh:
        for line in history:
            fresh.request_line(line)
        fresh.expect_silence(0.25)
    raise AdapterError(
        f"adapter {adapter.command!r} answered {dumps(requests[at])} with {got} in a batch "
        "of requests but differently one at a time: its answers must depend only on the "
        "requests, in order"
    )
