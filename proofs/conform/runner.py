"""Running one case on an adapter and finding where it first fails: a wrong answer, or an
adapter that dies or answers garbage."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from tidegate.model import OK, Answer
from tidegate.proofs.conform.cases import Case
from tidegate.proofs.core import Budget
from tidegate.proofs.protocol.adapter import FAILURES, Adapter, AdapterError, Breach
from tidegate.proofs.protocol.traces import Step, Trace, model_answer_stream
from tidegate.proofs.protocol.wire import Reply, RequestError, dumps, op_to_wire

NO_SUBJECT, UNSUPPORTED = RequestError("NoSubject"), RequestError("Unsupported")


@dataclass(frozen=True)
class Mismatch:
    """A case whose last step the adapter answered wrongly, or failed on.

    `case` ends at the failing step; `expected` are the reference's answers to
    `new` and then to each step. `answers` are the adapter's replies likewise:
    as many as `expected` when the last one is wrong, one fewer when the
    adapter failed at the last step instead (`breach` says how, `error` is its
    message). A failure at `new` itself leaves `case.ops` empty.
    """

    case: Case
    expected: tuple[Answer, ...]
    answers: tuple[Reply, ...]
    breach: Breach | None = None
    error: str = ""

    def to_trace(self, trace_id: str) -> Trace:
        """This case as a PROTOCOL.md trace whose results are the reference's answers."""
        steps = tuple(
            Step(op, want) for op, want in zip(self.case.ops, self.expected[1:], strict=True)
        )
        return Trace(trace_id, self.case.capacity, self.case.cap, steps)

    @property
    def step(self) -> int:
        """Index of the failing step; -1 when it is `new`."""
        return len(self.expected) - 2

    def same_kind(self, other: Mismatch) -> bool:
        """True when both are wrong answers, or both the same breach of the protocol."""
        return self.breach is other.breach


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
    *,
    confirm: bool = True,
) -> Mismatch | None:
    """Feed `case` to `adapter` from a fresh `new`; the first failure, or None.

    `expected` are the reference's answers to the steps (default: the model's,
    worked out while the adapter answers). Requests go out `WINDOW` at a time.
    After a wrong answer, an unknown op checks that requests and answers are
    still in step (unless `confirm` is off, as for a shrinker, which confirms
    its result once at the end), so that an adapter that loses track of the
    lines is told apart from one that answers wrongly. An adapter that exits,
    writes a non-answer, stops reading or gives no answer in time fails at the
    request it was answering (and is then unusable).

    Raises AdapterError when the answers fell out of step with the requests
    (an extra answer line), and BudgetExhausted when `budget` runs out between
    two windows of a long case.
    """
    requests = [dumps(new_request(case))] + [dumps(op_to_wire(op)) for op in case.ops]
    answers = _answers(case, expected)
    wanted: list[Answer] = []
    got: list[Reply] = []
    for start in range(0, len(requests), WINDOW):
        if budget is not None and start:
            budget.check()
        window = requests[start : start + WINDOW]
        adapter.send_lines(window)
        wanted.extend(next(answers) for _ in window)
        replies: list[Reply] = []
        failure: AdapterError | None = None
        for _ in window:
            try:
                replies.append(adapter.receive())
            except AdapterError as exc:
                if exc.breach not in FAILURES:
                    raise
                failure = exc
                break
        for offset, reply in enumerate(replies):
            index = start + offset
            if reply != wanted[index]:
                if failure is not None or not confirm:
                    # Taken as it came: the adapter is gone, or the caller confirms later.
                    cut = Case(case.capacity, case.cap, case.ops[:index])
                    return Mismatch(cut, tuple(wanted[: index + 1]), (*got, *replies[: offset + 1]))
                return _confirm(adapter, case, wanted, index, reply)
        got.extend(replies)
        if failure is not None:
            index = len(got)
            cut = Case(case.capacity, case.cap, case.ops[:index])
            return Mismatch(
                cut, tuple(wanted[: index + 1]), tuple(got), failure.breach, str(failure)
            )
    return None


def _answers(case: Case, expected: Sequence[Answer] | None) -> Iterator[Answer]:
    """The reference's answers to `new` and to every step, one at a time."""
    yield OK
    yield from (
        model_answer_stream(case.capacity, case.cap, case.ops) if expected is None else expected
    )


SYNC = dumps({"op": "tidegate_sync"})
"""An operation no adapter knows: after `new` it must be answered Unsupported, whatever the
subject did, so its answer shows whether requests and answers are still in step."""


def _confirm(adapter: Adapter, case: Case, wanted: list[Answer], at: int, got: Reply) -> Mismatch:
    """Check that requests and answers are still in step, then report the wrong answer.

    After the window with the wrong answer at request `at`, SYNC must be
    answered Unsupported (NoSubject if `new` itself failed). An adapter that
    wrote an extra answer line somewhere answers it with a leftover line
    instead: AdapterError. Whether the wrong answer comes again on a fresh
    process is for the caller to ask.
    """
    adapter.send_lines([SYNC])
    sync = adapter.receive()
    if sync not in (UNSUPPORTED, NO_SUBJECT):
        raise AdapterError(
            f"adapter {adapter.command!r} answered {SYNC} (an unknown op) with {sync}: its "
            f"answers are out of step with the requests (an extra answer line?), by "
            f"{dumps(op_to_wire(case.ops[at - 1])) if at else 'new'} or a little later",
            Breach.EXTRA_LINE,
        )
    cut = Case(case.capacity, case.cap, case.ops[:at])
    return Mismatch(cut, tuple(wanted[: at + 1]), (*wanted[:at], got))
