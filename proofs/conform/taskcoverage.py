"""Coverage kinds of the asynchronous half (v2): tasks, and v1 operations while tasks wait.

A v2 kind is a step that is a task operation, or any operation taken while
some task is pending: the abstract state (the v1 shape of
`tidegate.proofs.conform.coverage`, then the parked sends, waiting and
holding a reserved slot; the pending receives; the Notify's permit, waiters
and picked waiters), the operation (for `poll` and `cancel`, the kind of task
it names: a send waiting or holding a slot, a receive, a waiter waiting or
picked) and the class of its answer. A v1 operation on a subject with no
pending task is a v1 kind, counted there, never here: a port's author sees
the two halves apart.

`reachable_task_kinds()` enumerates every v2 kind reachable within
`TASK_BOUNDS` and `TASK_LIMITS` by breadth-first search, with a shortest case
to each: the v2 targets of coverage-guided generation. States are told apart
by their lengths (items and task ids decide no answer; which task a `poll`
names is tried for every pending one), so the search is exact at the bounds.
"""

from __future__ import annotations

from dataclasses import dataclass

from tidegate import model
from tidegate.model import Answer, Op, TaskOp, TaskOpName
from tidegate.model.tasks import TaskKind, task_kind
from tidegate.proofs.conform.cases import Case
from tidegate.proofs.conform.coverage import allowed_ops, answer_class, reachable, shape

TASK_BOUNDS: tuple[tuple[int, int], ...] = ((1, 0), (1, 1), (2, 0), (2, 1))
"""The (capacity, cap) pairs whose every reachable v2 kind the coverage goal asks for."""
TASK_LIMITS = (2, 1, 2)
"""At most this many parked sends, pending receives and `notified` waiters (picked ones
included) in the states the goal's search visits."""


@dataclass(frozen=True, order=True)
class TaskCoverageKind:
    """One v2 (abstract state, operation, answer class) combination."""

    buffer: str
    backlog: str
    receiver: str
    sends: str
    receives: str
    notify: str
    op: str
    answer: str

    def __str__(self) -> str:
        if self.notify:
            return f"{self.op} -> {self.answer} (notify: {self.notify})"
        return (
            f"{self.op} -> {self.answer} (buffer {self.buffer}, backlog {self.backlog}, "
            f"receiver {self.receiver}; sends {self.sends}, receives {self.receives})"
        )


def _target(s: model.Subject, task: int) -> str:
    kind = task_kind(s, task)
    if kind is TaskKind.SEND:
        held = any(p.task == task for p in s.channel.reserved)
        return "send holding a slot" if held else "send waiting"
    if kind is TaskKind.NOTIFIED:
        return "notified picked" if task in s.notify.picked else "notified waiting"
    return "recv" if kind is TaskKind.RECV else "no task"


_NOTIFY_OPS = (TaskOpName.NOTIFIED, TaskOpName.NOTIFY_ONE)


def _is_notify(s: model.Subject, op: Op | TaskOp) -> bool:
    if not isinstance(op, TaskOp):
        return False
    if op.task is not None:
        return task_kind(s, op.task) is TaskKind.NOTIFIED
    return op.name in _NOTIFY_OPS


def task_kind_of(before: model.Subject, op: Op | TaskOp, answer: Answer) -> TaskCoverageKind | None:
    """The v2 kind of applying `op` to `before` with result `answer`; None for a v1 kind
    (a v1 operation on a subject with no pending task).

    The Notify and the channel never act on each other, so a Notify operation's
    kind holds only the Notify's state, and a channel operation's only the
    channel's, the queue's and the receives' (fields left out are empty)."""
    if isinstance(op, Op) and not before.task_ids:
        return None
    name = op.name.value
    if isinstance(op, TaskOp) and op.task is not None:
        name = f"{name}({_target(before, op.task)})"
    if _is_notify(before, op):
        notify = before.notify
        state = ("", "", "", "", "")
        waiting = f"{'permit' if notify.permit else 'no permit'}, {len(notify.waiters)} waiting"
        return TaskCoverageKind(
            *state, f"{waiting}, {len(notify.picked)} picked", name, answer_class(answer)
        )
    ch = before.channel
    return TaskCoverageKind(
        *shape(before),
        sends=f"{len(ch.waiting)} waiting, {len(ch.reserved)} holding a slot",
        receives=str(len(before.receives)),
        notify="",
        op=name,
        answer=answer_class(answer),
    )


def task_moves(s: model.Subject, item: int) -> list[Op | TaskOp]:
    """Every operation a trace may issue in `s`, v1 and v2 (`send`s carry `item`; a
    `poll` and a `cancel` of each pending task a trace may name)."""
    moves = allowed_ops(s, item)
    for name in model.enabled_tasks(s):
        if name.takes_task:
            moves += [TaskOp(name, task=task) for task in model.pollable_tasks(s)]
        else:
            moves.append(TaskOp(name, item if name.takes_item else None))
    return moves


def _channel_moves(s: model.Subject, item: int) -> list[Op | TaskOp]:
    return [op for op in task_moves(s, item) if not _is_notify(s, op)]


def _notify_moves(s: model.Subject, item: int) -> list[Op | TaskOp]:
    return [op for op in task_moves(s, item) if _is_notify(s, op)]


def _bounded_key(s: model.Subject) -> tuple[object, ...] | None:
    """The state's lengths, or None past `TASK_LIMITS`."""
    ch, notify = s.channel, s.notify
    counts = (
        len(ch.waiting) + len(ch.reserved),
        len(s.receives),
        len(notify.waiters) + len(notify.picked),
    )
    if any(n > limit for n, limit in zip(counts, TASK_LIMITS, strict=True)):
        return None
    return (
        len(ch.buffer),
        len(s.queue.backlog),
        ch.receiver.value,
        len(ch.waiting),
        len(ch.reserved),
        len(s.receives),
        notify.permit,
        len(notify.waiters),
        len(notify.picked),
    )


def reachable_task_kinds(
    bounds: tuple[tuple[int, int], ...] = TASK_BOUNDS,
) -> dict[TaskCoverageKind, Case]:
    """Each v2 kind reachable within `bounds` and `TASK_LIMITS`, with a shortest Case that
    exercises it last: the channel's kinds searched without the Notify, and the Notify's
    (the same at any bounds) on `new(1, 0)` alone."""
    kinds = reachable(bounds, task_kind_of, _channel_moves, _bounded_key)
    kinds.update(reachable(bounds[:1], task_kind_of, _notify_moves, _bounded_key))
    return kinds  # type: ignore[return-value]
