"""Coverage kinds: which (abstract state, operation, answer) a run has exercised.

The abstract state is what decides every answer: how full the channel's buffer
is (empty, partial, full), how full the backlog is (empty, partial, at cap),
and where the receiver stands (open, closed, dropped). A kind is that state,
the operation applied to it, and the class of its answer (`ok int` stands for
any integer). `reachable_kinds(bounds)` enumerates every kind reachable from
`new(capacity, cap)` for each pair of the bounds, by breadth-first search over
abstract states, and gives the shortest operation sequence that reaches each:
the targets coverage-guided generation steers toward.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from tidegate import model
from tidegate.model import Answer, Err, Op, Pending, TaskOp
from tidegate.proofs.conform.cases import Case

SMALL_BOUNDS: tuple[tuple[int, int], ...] = tuple(
    (capacity, cap) for capacity in (1, 2, 3) for cap in (0, 1, 2, 3)
)
"""The (capacity, cap) pairs whose every reachable kind the coverage goal asks for."""

Shape = tuple[str, str, str]
Transition = tuple[int, int, int, int, str, str]
K = TypeVar("K", bound=Hashable)
Classifier = Callable[[model.Subject, Op | TaskOp, Answer], K]


@dataclass(frozen=True, order=True)
class CoverageKind:
    """One (abstract state, operation, answer class) combination."""

    buffer: str
    backlog: str
    receiver: str
    op: str
    answer: str

    def __str__(self) -> str:
        return (
            f"{self.op} -> {self.answer} (buffer {self.buffer}, backlog {self.backlog}, "
            f"receiver {self.receiver})"
        )


def _level(n: int, full: int) -> str:
    if n == 0:
        return "empty"
    return "full" if n >= full else "partial"


def shape(s: model.Subject) -> Shape:
    """The abstract state of `s`."""
    return (
        _level(len(s.channel.buffer), s.channel.capacity),
        _level(len(s.queue.backlog), s.queue.cap),
        s.channel.receiver.value,
    )


def answer_class(answer: Answer) -> str:
    """`ok null`, `ok true`, `ok false`, `ok int`, `pending`, or the error's name."""
    if isinstance(answer, Err):
        return answer.kind.value
    if isinstance(answer, Pending):
        return "pending"
    if answer.value is None:
        return "ok null"
    if isinstance(answer.value, bool):
        return "ok true" if answer.value else "ok false"
    return "ok int"


def kind_of(before: model.Subject, op: Op | TaskOp, answer: Answer) -> CoverageKind:
    """The kind of applying `op` to `before` with result `answer`."""
    return CoverageKind(*shape(before), op.name.value, answer_class(answer))


def allowed_ops(s: model.Subject, item: int) -> list[Op | TaskOp]:
    """Every v1 operation the model enables in `s` (sending ones carry `item`)."""
    return [Op(name, item if name.takes_item else None) for name in model.enabled(s)]


def kinds_of(case: Case, key: Classifier[K] = kind_of) -> set[K]:  # type: ignore[assignment]
    """Every kind (or other `key`) `case` exercises."""
    state = model.new(case.capacity, case.cap)
    kinds = set()
    for op in case.ops:
        after, answer, _ = model.apply(state, op)
        kinds.add(key(state, op, answer))
        state = after
    return kinds


def reachable_kinds(bounds: Iterable[tuple[int, int]] = SMALL_BOUNDS) -> dict[CoverageKind, Case]:
    """Each kind reachable within `bounds`, with a shortest Case that exercises it last.

    The search is over concrete states with fresh distinct items, deduplicated
    by concrete lengths and receiver (items never decide an answer), so it is
    exact for the given bounds.
    """
    return reachable(bounds, kind_of)


def transition_of(before: model.Subject, op: Op | TaskOp, answer: Answer) -> Transition:
    """The concrete transition: parameters, lengths, receiver, operation (answer implied)."""
    ch, q = before.channel, before.queue
    return (
        ch.capacity,
        q.cap,
        len(ch.buffer),
        len(q.backlog),
        ch.receiver.value,
        op.name.value,
    )


NextOps = Callable[[model.Subject, int], list[Op | TaskOp]]


def reachable(
    bounds: Iterable[tuple[int, int]],
    key: Classifier[K],
    moves: NextOps = allowed_ops,
    state_key: Callable[[model.Subject], Hashable] | None = None,
) -> dict[K, Case]:
    """Each `key(state, op, answer)` reachable within `bounds`, with a shortest Case to it.

    `moves(state, item)` lists the operations tried in each state (default: the v1
    ones); `state_key` tells states apart (default: lengths and receiver, exact for
    v1). A state `state_key` maps to None is not searched beyond (a bound), and a
    key of None is no target.
    """
    state_key = state_key or _key
    targets: dict[K, Case] = {}
    for capacity, cap in bounds:
        start = model.new(capacity, cap)
        seen = {state_key(start)}
        frontier: deque[tuple[model.Subject, tuple[Op | TaskOp, ...]]] = deque([(start, ())])
        while frontier:
            state, path = frontier.popleft()
            for op in moves(state, len(path) + 1):
                after, answer, _ = model.apply(state, op)
                after_key = state_key(after)
                if after_key is None:
                    continue
                target = key(state, op, answer)
                if target is not None and target not in targets:
                    targets[target] = Case(capacity, cap, (*path, op))
                if after_key not in seen:
                    seen.add(after_key)
                    frontier.append((after, (*path, op)))
    return targets


def _key(s: model.Subject) -> tuple[int, int, str]:
    return len(s.channel.buffer), len(s.queue.backlog), s.channel.receiver.value
