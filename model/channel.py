"""The bounded multi-producer, single-consumer channel, as tokio 1.24.2 behaves.

State: a fixed `capacity`, the buffered items in arrival order, and the
receiver's standing (open, closed, dropped). Senders never go away in this
model: the queue's sender and the other producer's sender live as long as the
subject, which is what makes tokio's "Empty, not Disconnected" rule visible.

Rules (each function below states its own in full):

- free slots = capacity - buffered items, in every receiver state;
- a send on a closed or dropped channel answers Closed, even when the channel
  is also full (closure beats fullness);
- close keeps the buffer receivable and leaves the free-slot count alone;
- drop discards the buffer, so every slot reads free again while sends still
  answer Closed;
- a receive after close on an empty buffer answers Empty (senders still live).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from tidegate.model.answers import CLOSED, DISCONNECTED, EMPTY, FULL, OK, Answer, Ok


class ReceiverState(enum.Enum):
    """Where the single receiver stands."""

    OPEN = "open"
    """Receiving; sends succeed while a slot is free."""
    CLOSED = "closed"
    """`close()` was called: sends answer Closed, buffered items are still received."""
    DROPPED = "dropped"
    """The receiver is gone: sends answer Closed, buffered items were discarded."""


@dataclass(frozen=True)
class ChannelState:
    """An immutable snapshot of the channel.

    inv: self.capacity >= 1
    inv: len(self.buffer) <= self.capacity
    inv: self.receiver != ReceiverState.DROPPED or len(self.buffer) == 0
    """

    capacity: int
    buffer: tuple[int, ...] = ()
    receiver: ReceiverState = ReceiverState.OPEN

    @property
    def free_slots(self) -> int:
        """Slots a sender may still fill: `capacity - len(buffer)`.

        This is what tokio's `Sender::capacity()` reports, whatever the
        receiver's state: close leaves it as it was, drop frees every slot.
        """
        return self.capacity - len(self.buffer)

    @property
    def is_closed(self) -> bool:
        """True once the receiver closed or dropped: every send answers Closed."""
        return self.receiver is not ReceiverState.OPEN


def channel_try_send(ch: ChannelState, item: int) -> tuple[ChannelState, Answer]:
    """Send without waiting.

    - receiver closed or dropped: answers Closed, state unchanged (the item is
      handed back to the sender, never buffered), checked before fullness;
    - no free slot: answers Full, state unchanged (the item is handed back);
    - otherwise: the item joins the back of the buffer, answers ok.

    post: __return__[1] in (OK, FULL, CLOSED)
    post: (__return__[1] == CLOSED) == ch.is_closed
    post: (__return__[1] == FULL) == (not ch.is_closed and ch.free_slots == 0)
    post: __return__[0].buffer == (ch.buffer + (item,) if __return__[1] == OK else ch.buffer)
    post: (__return__[0].capacity, __return__[0].receiver) == (ch.capacity, ch.receiver)
    """
    if ch.is_closed:
        return ch, CLOSED
    if ch.free_slots == 0:
        return ch, FULL
    return ChannelState(ch.capacity, ch.buffer + (item,), ch.receiver), OK


def channel_try_recv(ch: ChannelState) -> tuple[ChannelState, Answer]:
    """Receive without waiting.

    - receiver dropped: answers Disconnected, state unchanged (PROTOCOL.md's
      traces never ask this; the model answers as the seed oracle does);
    - buffer non-empty (open or closed): answers ok with the front item and
      frees its slot;
    - buffer empty, open or closed: answers Empty. tokio 1.24.2 answers
      Disconnected only once every sender is gone, which never happens here;
      tokio >= 1.49 (and 1.43.4, 1.47.3) would answer Disconnected when closed.

    post: (__return__[1] == DISCONNECTED) == (ch.receiver == ReceiverState.DROPPED)
    post: (__return__[1] == EMPTY) == (ch.receiver != ReceiverState.DROPPED and not ch.buffer)
    post: not isinstance(__return__[1], Ok) or (__return__[1].value, __return__[0].buffer) == (ch.buffer[0], ch.buffer[1:])
    post: isinstance(__return__[1], Ok) or __return__[0] == ch
    post: (__return__[0].capacity, __return__[0].receiver) == (ch.capacity, ch.receiver)
    """
    if ch.receiver is ReceiverState.DROPPED:
        return ch, DISCONNECTED
    if not ch.buffer:
        return ch, EMPTY
    return ChannelState(ch.capacity, ch.buffer[1:], ch.receiver), Ok(ch.buffer[0])


def channel_close(ch: ChannelState) -> ChannelState:
    """Close the receiving side: no new sends, buffered items stay receivable.

    Leaves the buffer and so the free-slot count unchanged. A no-op when the
    receiver is already closed or dropped.

    post: (__return__.capacity, __return__.buffer) == (ch.capacity, ch.buffer)
    post: __return__.receiver == (ReceiverState.CLOSED if ch.receiver == ReceiverState.OPEN else ch.receiver)
    """
    if ch.receiver is ReceiverState.OPEN:
        return ChannelState(ch.capacity, ch.buffer, ReceiverState.CLOSED)
    return ch


def channel_drop_receiver(ch: ChannelState) -> tuple[ChannelState, tuple[int, ...]]:
    """Drop the receiver: no new sends, the buffered items are discarded.

    Returns the new state and the items discarded, in buffer order (empty when
    already dropped). Afterwards every slot reads free.

    post: __return__[0] == ChannelState(ch.capacity, (), ReceiverState.DROPPED)
    post: __return__[0].free_slots == ch.capacity
    post: __return__[1] == ch.buffer
    """
    return ChannelState(ch.capacity, (), ReceiverState.DROPPED), ch.buffer
