"""Operations as values, which of them a trace may issue, and `apply`, the one dispatcher.

`Op` is what a trace step or an adapter request names: an `OpName` and, for
the two sending operations, an item. `enabled(subject)` says which operations
a trace may issue next; `apply(subject, op)` runs the matching transition of
`tidegate.model.subject`.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from tidegate.model.channel import ReceiverState
from tidegate.model.errors import ModelValueError, require_item
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


_ITEMLESS: dict[OpName, Callable[[Subject], Transition]] = {
    OpName.TRY_DRAIN_ONE: try_drain_one,
    OpName.HAS_PENDING: has_pending,
    OpName.LEN: backlog_len,
    OpName.TRY_RECV: try_recv,
    OpName.CLOSE: close,
    OpName.DROP_RECEIVER: drop_receiver,
    OpName.CAPACITY: capacity,
}


def apply(s: Subject, op: Op) -> Transition:
    """Run `op` on `s` and return its transition (see each operation's rules)."""
    if op.name is OpName.ENQUEUE_OR_SEND:
        assert op.item is not None  # guaranteed by Op.__post_init__
        return enqueue_or_send(s, op.item)
    if op.name is OpName.TRY_SEND:
        assert op.item is not None
        return try_send(s, op.item)
    return _ITEMLESS[op.name](s)
