"""Typed answers, one to one with PROTOCOL.md's `{"ok": VALUE}`, `{"err": "NAME"}` and
(v2, tasks) `{"pending": ID}`.

`Ok.value` is `None`, a `bool` or an `int`. Because Python treats `True == 1`,
answers compare *type-strictly*: `Ok(True) != Ok(1)`, just as `{"ok": true}`
and `{"ok": 1}` are different protocol answers.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

JsonAnswer = dict[str, bool | int | str | None]


class ErrorKind(enum.Enum):
    """Every error name an operation of PROTOCOL.md can answer with."""

    QUEUE_FULL = "QueueFull"
    """enqueue_or_send: the backlog is at cap and the item could not go straight out."""
    CLOSED = "Closed"
    """enqueue_or_send / try_drain_one / try_send: the receiver closed or went away."""
    FULL = "Full"
    """try_send: every slot of the channel is taken."""
    EMPTY = "Empty"
    """try_recv: nothing buffered (and, under tokio 1.24.2, even when closed)."""
    DISCONNECTED = "Disconnected"
    """try_recv after drop_receiver (outside what traces issue; the oracle answers so)."""
    NO_TASK = "NoTask"
    """v2 poll / cancel: the id names no pending task of this subject."""


@dataclass(frozen=True, eq=False)
class Ok:
    """A successful answer carrying `value` (None, a bool or an int)."""

    value: bool | int | None = None

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Ok)
            and type(self.value) is type(other.value)
            and self.value == other.value
        )

    def __hash__(self) -> int:
        return hash((Ok, type(self.value), self.value))

    def to_wire(self) -> JsonAnswer:
        """The protocol form, `{"ok": value}`."""
        return {"ok": self.value}

    def __str__(self) -> str:
        return f"ok {_show(self.value)}"


@dataclass(frozen=True)
class Err:
    """An error answer naming one `ErrorKind`."""

    kind: ErrorKind

    def to_wire(self) -> JsonAnswer:
        """The protocol form, `{"err": "Name"}`."""
        return {"err": self.kind.value}

    def __str__(self) -> str:
        return f"err {self.kind.value}"


@dataclass(frozen=True)
class Pending:
    """v2: the task an operation started, or a `poll` polled, is still pending.

    `task` is its id: the n-th task of a subject answered pending is task n.
    """

    task: int

    def to_wire(self) -> JsonAnswer:
        """The protocol form, `{"pending": task}`."""
        return {"pending": self.task}

    def __str__(self) -> str:
        return f"pending {self.task}"


Answer = Ok | Err | Pending

OK = Ok(None)
QUEUE_FULL = Err(ErrorKind.QUEUE_FULL)
CLOSED = Err(ErrorKind.CLOSED)
FULL = Err(ErrorKind.FULL)
EMPTY = Err(ErrorKind.EMPTY)
DISCONNECTED = Err(ErrorKind.DISCONNECTED)
NO_TASK = Err(ErrorKind.NO_TASK)


def _show(value: bool | int | None) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
