"""The protocol model's state: where each task stands, as immutable values.

The transitions are in `tidegate.model.protocol`; this module holds only the
values they take and return.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from tidegate.model.subject import Subject
from tidegate.model.variants import Variant

READER_WAIT = 1
"""The task id of the reader's wait on the drain Notify, whenever it waits."""


def producer_task(index: int) -> int:
    """The task id of producer `index`'s (0-based) parked send, whenever it is parked."""
    return index + 2


RAISE = "E"
"""Fault step: the consumer's processing of the item it last received raises."""
STOP = "S"
"""Fault step: the consumer stops, dropping its receiver, between two items."""
CLOSE = "X"
"""Fault step: the consumer closes its receiver between two items, then drains it."""
CANCEL = "K"
"""Fault: one task is cancelled at the await it stands at (the steps `cancel_step(role)`:
KR the reader, KC the consumer, KP1.. a producer), as an aborted tokio task is dropped
there."""
FAULTS = (RAISE, STOP, CLOSE, CANCEL)
"""The faults, in the order `runnable` lists their steps. Each may happen at most once in
a run: E, S and X are the consumer's next step with something gone wrong; K is any one
task's cancellation (`cancel_step`)."""


def cancel_step(role: str) -> str:
    """The step that cancels the task of `role` ("R", "C", "P1", ...): K and the role."""
    return CANCEL + role


def is_fault_step(step: str) -> bool:
    """True for a fault step (E, S, X, or a cancellation KR, KC, KP1, ...), not a role's."""
    return step in (RAISE, STOP, CLOSE) or (step.startswith(CANCEL) and len(step) > 1)


PING = "ping"
EOF = "eof"
InboxEntry = int | str
"""A completed wait in the reader's inbox: a wire item, PING or EOF."""


class Wait(enum.Enum):
    """One of the reader's two waits."""

    IDLE = "idle"
    """Not armed (its last completion was handled, or the reader ended)."""
    WAITING = "waiting"
    """Armed, not complete."""
    DONE = "done"
    """Complete; its entry is in the inbox."""


class ReaderEnd(enum.Enum):
    """Why the reader ended (mirrors the implementation's report)."""

    EOF = "eof"
    DISCONNECT = "disconnect"
    SHUTDOWN = "shutdown"
    CANCELLED = "cancelled"


class ConsumerPos(enum.Enum):
    """Where the consumer stands."""

    READY = "ready"
    PARKED = "parked"
    END_OF_STREAM = "end-of-stream"
    STOPPED = "stopped"
    CANCELLED = "cancelled"


class ProducerPos(enum.Enum):
    """Where one other producer stands."""

    READY = "ready"
    PARKED = "parked"
    """Its send waits in the channel (`producer_task`): for a slot, or, holding a
    reserved one or refused by a closed channel, for its next step."""
    DONE = "done"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    """Cancelled at one of its awaits: its parked send (if any) never delivered its item."""


@dataclass(frozen=True)
class ReaderState:
    """The reader's position, its inbox, its two waits, and its report so far.

    `unhandled` are the wire items it had read but not yet handled when it ended (what
    was still in its inbox after the entry that ended it, or when it was cancelled).
    """

    started: bool = False
    end: ReaderEnd | None = None
    inbox: tuple[InboxEntry, ...] = ()
    ping: Wait = Wait.IDLE
    wire: Wait = Wait.IDLE
    eof: bool = False
    accepted: tuple[int, ...] = ()
    refused: tuple[int, ...] = ()
    lost: tuple[int, ...] = ()
    left: tuple[int, ...] = ()
    unhandled: tuple[int, ...] = ()
    free_slots_at_end: int | None = None


@dataclass(frozen=True)
class ConsumerState:
    """The consumer's position, what it received, which of those its processing failed
    on, and what its drop discarded.

    `processing` is True while it is suspended processing the item it last received
    (its next step resumes there); `started` once it has taken a step. Between two
    items (not started, or processing) it may stop or close its receiver.
    """

    pos: ConsumerPos = ConsumerPos.READY
    delivered: tuple[int, ...] = ()
    discarded: tuple[int, ...] = ()
    stop_after: int | None = None
    started: bool = False
    processing: bool = False
    failed: tuple[int, ...] = ()


@dataclass(frozen=True)
class ProducerState:
    """One other producer: items still to send (the first may be parked), and its report."""

    todo: tuple[int, ...]
    pos: ProducerPos = ProducerPos.READY
    sent: tuple[int, ...] = ()
    refused: tuple[int, ...] = ()


@dataclass(frozen=True)
class ProtocolState:
    """Every task's position and every shared value, as one immutable value.

    The drain Notify is `subject.notify` and the producers' parked sends are
    `subject.channel`'s, so both follow the operation model's rules
    (`tidegate.model.notify`, `tidegate.model.parked`): the Notify's only waiter
    is the reader's wait, task `READER_WAIT`, exactly while `reader.ping` is
    WAITING; the channel's parked sends are the PARKED producers' (producer i's
    is task `producer_task(i)`), each with the first item of its `todo`. (Those
    two are checked over explored states by the tests, not as `inv:` lines,
    which CrossHair could not instantiate within the default budget.)

    inv: len(self.subject.queue.backlog) <= self.subject.queue.cap
    inv: len(self.subject.channel.buffer) + len(self.subject.channel.reserved) <= self.subject.channel.capacity
    inv: all(-(2**63) <= x < 2**63 for x in self.wire_todo + self.wire_buffer)
    inv: all(e in (PING, EOF) if isinstance(e, str) else -(2**63) <= e < 2**63 for e in self.reader.inbox)
    inv: all(-(2**63) <= x < 2**63 for p in self.producers for x in p.todo)
    inv: all(f in FAULTS for f in self.faults) and len(set(self.faults)) == len(self.faults)
    inv: not self.consumer.processing or (self.consumer.delivered and self.consumer.pos == ConsumerPos.READY)
    """

    subject: Subject
    variant: Variant
    wire_todo: tuple[int, ...]
    wire_buffer: tuple[int, ...] = ()
    wire_eof: bool = False
    wire_done: bool = False
    reader: ReaderState = ReaderState()
    consumer: ConsumerState = ConsumerState()
    producers: tuple[ProducerState, ...] = ()
    senders: int = 1
    faults: tuple[str, ...] = ()
    """The fault steps (`FAULTS`) this run may still take, each at most once."""

    @property
    def permit(self) -> bool:
        """True while the drain Notify stores its permit."""
        return self.subject.notify.permit
