"""Operations as values, which of them a trace may issue, and `apply`, the one dispatcher.

`Op` is what a v1 trace step or adapter request names: an `OpName` and, for
the two sending operations, an item. `TaskOp` is a v2 one: a `TaskOpName` and
its item (`send`) or task id (`poll`, `cancel`). `enabled(subject)` says which
v1 operations a trace may issue next; `apply(subject, op)` runs the matching
transition of `tidegate.model.subject` or `tidegate.model.tasks`. The two kinds
are apart on purpose: a port that knows only v1 answers every `TaskOpName`
Unsupported, and a checker must know which operations are v1.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from tidegate.model import tasks
from tidegate.model.channel import ReceiverState
from tidegate.model.errors import I64_MAX, I64_MIN, ModelValueError, require_int, require_item
from tidegate.model.subject import (
    Subject,
    Transition,
    backlog_len,
    capacity,
    close,
    drop_receiver,
    enqueue_or_send,
    has_pending,
    try_drain_one,
    try_recv,
    try_send,
)


class OpName(enum.Enum):
    """The operations of PROTOCOL.md other than `new`, by their wire names."""

    ENQUEUE_OR_SEND = "enqueue_or_send"
    TRY_DRAIN_ONE = "try_drain_one"
    HAS_PENDING = "has_pending"
    LEN = "len"
    TRY_SEND = "try_send"
    TRY_RECV = "try_recv"
    CLOSE = "close"
    DROP_RECEIVER = "drop_receiver"
    CAPACITY = "capacity"

    @property
    def takes_item(self) -> bool:
        """True for the two operations that carry an `item`."""
        return self in (OpName.ENQUEUE_OR_SEND, OpName.TRY_SEND)

    @property
    def is_observer(self) -> bool:
        """True for operations that never change the subject."""
        return self in (OpName.HAS_PENDING, OpName.LEN, OpName.CAPACITY)


@dataclass(frozen=True)
class Op:
    """One operation: `name`, and `item` exactly when `name.takes_item`.

    Raises ModelValueError when an item is given to an operation that takes
    none or missing from one that needs it, ModelTypeError / ModelValueError
    when the item is not a signed 64-bit int.
    """

    name: OpName
    item: int | None = None

    def __post_init__(self) -> None:
        if self.name.takes_item:
            if self.item is None:
                raise ModelValueError(f"op {self.name.value} needs an item, got none")
            require_item(self.item)
        elif self.item is not None:
            raise ModelValueError(f"op {self.name.value} takes no item, got item={self.item!r}")

    def __str__(self) -> str:
        if self.item is None:
            return self.name.value
        return f"{self.name.value}({self.item})"


_EVERY_OP = tuple(OpName)
_AFTER_DROP = tuple(
    name for name in OpName if name not in (OpName.TRY_RECV, OpName.CLOSE, OpName.DROP_RECEIVER)
)


def enabled(s: Subject) -> tuple[OpName, ...]:
    """The operations a trace may issue in `s`, in `OpName` order.

    Every operation, except that nothing is asked of a dropped receiver: after
    `drop_receiver`, a trace issues no `try_recv`, `close` or `drop_receiver`
    (PROTOCOL.md). `apply` still answers them (Disconnected, ok, ok, as the
    reference adapter does), but no trace, generated case or explored state
    contains them.

    post: OpName.ENQUEUE_OR_SEND in __return__ and OpName.CAPACITY in __return__
    post: (OpName.TRY_RECV in __return__) == (s.channel.receiver != ReceiverState.DROPPED)
    """
    return _AFTER_DROP if s.channel.receiver is ReceiverState.DROPPED else _EVERY_OP


class TaskOpName(enum.Enum):
    """The v2 (task) operations of PROTOCOL.md, by their wire names."""

    SEND = "send"
    RECV = "recv"
    NOTIFIED = "notified"
    NOTIFY_ONE = "notify_one"
    POLL = "poll"
    CANCEL = "cancel"

    @property
    def takes_item(self) -> bool:
        """True for `send`, the one task operation that carries an `item`."""
        return self is TaskOpName.SEND

    @property
    def takes_task(self) -> bool:
        """True for `poll` and `cancel`, which name a `task`."""
        return self in (TaskOpName.POLL, TaskOpName.CANCEL)

    @property
    def starts_task(self) -> bool:
        """True for `send`, `recv` and `notified`, which may answer pending with a new id."""
        return self in (TaskOpName.SEND, TaskOpName.RECV, TaskOpName.NOTIFIED)


@dataclass(frozen=True)
class TaskOp:
    """One task operation: `name`, `item` exactly for `send`, `task` exactly for `poll`
    and `cancel`.

    Raises ModelValueError when a field is given to an operation that takes none
    or missing from one that needs it, ModelTypeError / ModelValueError when it
    is not a signed 64-bit int. Any task id in that range is valid here (zero or
    negative ones answer NoTask).
    """

    name: TaskOpName
    item: int | None = None
    task: int | None = None

    def __post_init__(self) -> None:
        for field, needed in (("item", self.name.takes_item), ("task", self.name.takes_task)):
            value = getattr(self, field)
            if needed and value is None:
                raise ModelValueError(f"op {self.name.value} needs a field {field!r}, got none")
            if not needed and value is not None:
                raise ModelValueError(
                    f"op {self.name.value} takes no field {field!r}, got {field}={value!r}"
                )
            if needed:
                require_int(field, value, minimum=I64_MIN, maximum=I64_MAX)

    def __str__(self) -> str:
        arg = self.item if self.item is not None else self.task
        return self.name.value if arg is None else f"{self.name.value}({arg})"


_TASK_STARTS = (TaskOpName.SEND, TaskOpName.RECV, TaskOpName.NOTIFIED, TaskOpName.NOTIFY_ONE)


def pollable_tasks(s: Subject) -> tuple[int, ...]:
    """The pending tasks a trace may `poll` or `cancel` in `s`, oldest first.

    Every pending task, except a `recv` task once the receiver is dropped: in
    Rust a receive cannot outlive its receiver, so no trace polls or cancels one
    (PROTOCOL.md).

    post: set(__return__) <= set(s.task_ids)
    post: list(__return__) == sorted(__return__)
    """
    dropped = s.channel.receiver is ReceiverState.DROPPED
    return tuple(
        task
        for task in sorted(s.task_ids)
        if not (dropped and tasks.task_kind(s, task) is tasks.TaskKind.RECV)
    )


def enabled_tasks(s: Subject) -> tuple[TaskOpName, ...]:
    """The task operations a trace may issue in `s`, in `TaskOpName` order.

    `send`, `notified` and `notify_one` always; `recv` unless the receiver is
    dropped (as `try_recv`, see `enabled`); `poll` and `cancel` while some task
    is `pollable_tasks`, naming one of those. `apply` answers the others too
    (ok None, NoTask), but no trace issues them.

    post: TaskOpName.SEND in __return__ and TaskOpName.NOTIFY_ONE in __return__
    post: (TaskOpName.RECV in __return__) == (s.channel.receiver != ReceiverState.DROPPED)
    post: (TaskOpName.POLL in __return__) == (len(pollable_tasks(s)) > 0)
    """
    starts = tuple(
        name
        for name in _TASK_STARTS
        if name is not TaskOpName.RECV or s.channel.receiver is not ReceiverState.DROPPED
    )
    if pollable_tasks(s):
        return (*starts, TaskOpName.POLL, TaskOpName.CANCEL)
    return starts


_ITEMLESS: dict[OpName, Callable[[Subject], Transition]] = {
    OpName.TRY_DRAIN_ONE: try_drain_one,
    OpName.HAS_PENDING: has_pending,
    OpName.LEN: backlog_len,
    OpName.TRY_RECV: try_recv,
    OpName.CLOSE: close,
    OpName.DROP_RECEIVER: drop_receiver,
    OpName.CAPACITY: capacity,
}


_TASK_ARGLESS: dict[TaskOpName, Callable[[Subject], Transition]] = {
    TaskOpName.RECV: tasks.recv,
    TaskOpName.NOTIFIED: tasks.notified,
    TaskOpName.NOTIFY_ONE: tasks.notify_one,
}


def apply(s: Subject, op: Op | TaskOp) -> Transition:
    """Run `op` on `s` and return its transition (see each operation's rules)."""
    if isinstance(op, TaskOp):
        return _apply_task(s, op)
    if op.name is OpName.ENQUEUE_OR_SEND:
        assert op.item is not None  # guaranteed by Op.__post_init__
        return enqueue_or_send(s, op.item)
    if op.name is OpName.TRY_SEND:
        assert op.item is not None
        return try_send(s, op.item)
    return _ITEMLESS[op.name](s)


def _apply_task(s: Subject, op: TaskOp) -> Transition:
    if op.name is TaskOpName.SEND:
        assert op.item is not None  # guaranteed by TaskOp.__post_init__
        return tasks.send(s, op.item)
    if op.name is TaskOpName.POLL:
        assert op.task is not None
        return tasks.poll(s, op.task)
    if op.name is TaskOpName.CANCEL:
        assert op.task is not None
        return tasks.cancel(s, op.task)
    return _TASK_ARGLESS[op.name](s)
