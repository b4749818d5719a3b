"""The bounded multi-producer, single-consumer channel, as tokio 1.24.2 behaves.

State: a fixed `capacity`, the buffered items in arrival order, the receiver's
standing (open, closed, dropped), and the `send` tasks parked on it (v2): those
still waiting for a slot, in the order they parked, and those a freed slot has
been reserved for. Senders never go away in this model: the queue's sender and
the other producer's sender live as long as the subject, which is what makes
tokio's "Empty, not Disconnected" rule visible.

Rules (each function below states its own in full), the surprising ones first:

- a slot freed while a `send` waits is reserved for the send that has waited
  longest, not filled: until that send is polled again the slot is neither
  free (`capacity` does not count it, `try_send` answers Full) nor buffered
  (`try_recv` does not see an item in it);
- free slots = capacity - buffered items - reserved slots, in every receiver
  state: close leaves them as they were, drop frees every buffered item's slot
  but not a reserved one;
- a send on a closed or dropped channel answers Closed, even when the channel
  is also full (closure beats fullness);
- close and drop keep the parked sends where they are (each fails at its next
  poll, see `tidegate.model.parked`); no slot is reserved for anyone after them;
- a receive after close on an empty buffer answers Empty (senders still live).

The parked sends' own operations (start, poll, cancel) and the receive that
waits are in `tidegate.model.parked`.
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
class ParkedSend:
    """A `send(item).await` task parked on the channel: its task id and its item.

    The item is the sender's until the send completes: it is in no buffer.
    """

    task: int
    item: int


@dataclass(frozen=True)
class ChannelState:
    """An immutable snapshot of the channel.

    `waiting` holds the parked sends still waiting for a slot, longest-waiting
    first; `reserved` the parked sends a freed slot was reserved for, in the
    order they got it. A reserved slot is taken (not free) but holds no item.

    inv: self.capacity >= 1
    inv: len(self.buffer) + len(self.reserved) <= self.capacity
    inv: self.receiver != ReceiverState.DROPPED or len(self.buffer) == 0
    inv: self.receiver != ReceiverState.OPEN or not self.waiting or self.free_slots == 0
    inv: len({p.task for p in self.waiting + self.reserved}) == len(self.waiting) + len(self.reserved)
    inv: all(p.task >= 1 for p in self.waiting + self.reserved)
    """

    capacity: int
    buffer: tuple[int, ...] = ()
    receiver: ReceiverState = ReceiverState.OPEN
    waiting: tuple[ParkedSend, ...] = ()
    reserved: tuple[ParkedSend, ...] = ()

    @property
    def free_slots(self) -> int:
        """Slots a sender may still take: `capacity - len(buffer) - len(reserved)`.

        This is what tokio's `Sender::capacity()` reports, whatever the
        receiver's state: close leaves it as it was, drop frees every buffered
        item's slot, and a reserved slot counts as taken until its send is
        polled (or cancelled).
        """
        return self.capacity - len(self.buffer) - len(self.reserved)

    @property
    def is_closed(self) -> bool:
        """True once the receiver closed or dropped: every send answers Closed."""
        return self.receiver is not ReceiverState.OPEN

    @property
    def parked(self) -> tuple[ParkedSend, ...]:
        """Every parked send: the waiting ones, then the ones holding a reserved slot."""
        return self.waiting + self.reserved


def released(
    capacity: int,
    buffer: tuple[int, ...],
    receiver: ReceiverState,
    waiting: tuple[ParkedSend, ...],
    reserved: tuple[ParkedSend, ...],
) -> ChannelState:
    """The channel whose fields are these, one of whose slots was just released.

    The slot was freed by a receive or by a cancelled send that held it; the
    fields given no longer count it. While the receiver is open and a send
    waits, the slot is reserved for the send that has waited longest (it moves
    from `waiting` to the back of `reserved`); otherwise it is simply free.
    After close or drop no slot is reserved for anyone: the parked sends fail.
    """
    if waiting and receiver is ReceiverState.OPEN:
        return ChannelState(capacity, buffer, receiver, waiting[1:], reserved + waiting[:1])
    return ChannelState(capacity, buffer, receiver, waiting, reserved)


def channel_try_send(ch: ChannelState, item: int) -> tuple[ChannelState, Answer]:
    """Send without waiting.

    - receiver closed or dropped: answers Closed, state unchanged (the item is
      handed back to the sender, never buffered), checked before fullness;
    - no free slot (a reserved slot is not free): answers Full, state unchanged
      (the item is handed back);
    - otherwise: the item joins the back of the buffer, answers ok.

    post: __return__[1] in (OK, FULL, CLOSED)
    post: (__return__[1] == CLOSED) == ch.is_closed
    post: (__return__[1] == FULL) == (not ch.is_closed and ch.free_slots == 0)
    post: __return__[0].buffer == (ch.buffer + (item,) if __return__[1] == OK else ch.buffer)
    post: (__return__[0].capacity, __return__[0].receiver, __return__[0].parked) == (ch.capacity, ch.receiver, ch.parked)
    """
    if ch.is_closed:
        return ch, CLOSED
    if ch.free_slots == 0:
        return ch, FULL
    return ChannelState(ch.capacity, ch.buffer + (item,), ch.receiver, ch.waiting, ch.reserved), OK


def channel_try_recv(ch: ChannelState) -> tuple[ChannelState, Answer]:
    """Receive without waiting.

    - receiver dropped: answers Disconnected, state unchanged (PROTOCOL.md's
      traces never ask this; the model answers as the seed oracle does);
    - buffer non-empty (open or closed): answers ok with the front item and
      frees its slot, which is reserved for the longest-waiting parked send if
      one waits on an open channel (`released`);
    - buffer empty, open or closed: answers Empty, also while a slot is
      reserved for a parked send (its item is not in the buffer yet). tokio
      1.24.2 answers Disconnected only once every sender is gone, which never
      happens here; tokio >= 1.49 (and 1.43.4, 1.47.3) would answer
      Disconnected when closed.

    post: (__return__[1] == DISCONNECTED) == (ch.receiver == ReceiverState.DROPPED)
    post: (__return__[1] == EMPTY) == (ch.receiver != ReceiverState.DROPPED and not ch.buffer)
    post: not isinstance(__return__[1], Ok) or (__return__[1].value, __return__[0].buffer) == (ch.buffer[0], ch.buffer[1:])
    post: not isinstance(__return__[1], Ok) or __return__[0].free_slots == ch.free_slots + (0 if ch.receiver == ReceiverState.OPEN and ch.waiting else 1)
    post: not isinstance(__return__[1], Ok) or (__return__[0].waiting, __return__[0].reserved) == ((ch.waiting[1:], ch.reserved + ch.waiting[:1]) if ch.receiver == ReceiverState.OPEN else (ch.waiting, ch.reserved))
    post: isinstance(__return__[1], Ok) or __return__[0] == ch
    post: (__return__[0].capacity, __return__[0].receiver) == (ch.capacity, ch.receiver)
    """
    if ch.receiver is ReceiverState.DROPPED:
        return ch, DISCONNECTED
    if not ch.buffer:
        return ch, EMPTY
    return released(ch.capacity, ch.buffer[1:], ch.receiver, ch.waiting, ch.reserved), Ok(
        ch.buffer[0]
    )


def channel_close(ch: ChannelState) -> ChannelState:
    """Close the receiving side: no new sends, buffered items stay receivable.

    Leaves the buffer, the parked sends and so the free-slot count unchanged
    (each parked send fails at its next poll). A no-op when the receiver is
    already closed or dropped.

    post: (__return__.capacity, __return__.buffer, __return__.parked) == (ch.capacity, ch.buffer, ch.parked)
    post: __return__.receiver == (ReceiverState.CLOSED if ch.receiver == ReceiverState.OPEN else ch.receiver)
    """
    if ch.receiver is ReceiverState.OPEN:
        return ChannelState(ch.capacity, ch.buffer, ReceiverState.CLOSED, ch.waiting, ch.reserved)
    return ch


def channel_drop_receiver(ch: ChannelState) -> tuple[ChannelState, tuple[int, ...]]:
    """Drop the receiver: no new sends, the buffered items are discarded.

    Returns the new state and the items discarded, in buffer order (empty when
    already dropped). Afterwards every slot reads free except the reserved
    ones; the parked sends stay (each fails at its next poll).

    post: __return__[0] == ChannelState(ch.capacity, (), ReceiverState.DROPPED, ch.waiting, ch.reserved)
    post: __return__[0].free_slots == ch.capacity - len(ch.reserved)
    post: __return__[1] == ch.buffer
    """
    return ChannelState(ch.capacity, (), ReceiverState.DROPPED, ch.waiting, ch.reserved), ch.buffer
