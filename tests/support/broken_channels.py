"""tidegate's channel before slot reservation (9a2aa25's impl/channel.py), kept as a broken
channel for the differential's own tests.

It writes a parked send's item into the buffer at the moment a receive frees
a slot (`_Chan.free_slot`), where tokio 1.24.2 only reserves the slot for that
send. So the item is buffered while the send is still pending (`capacity()`
and `try_recv` see it), and a send cancelled after the receive raises
CancelledError although its item was delivered: sent and reported unsent
(issue 10). `write_at_receive_channel` makes one with the API the
differential's implementation runner uses.
"""

from __future__ import annotations

import asyncio
import enum
from collections import deque
from typing import Generic, TypeVar, cast

from tidegate import impl
from tidegate.impl.errors import (
    ChannelClosed,
    ChannelDisconnected,
    ChannelEmpty,
    ChannelFull,
    HandleDroppedError,
)

T = TypeVar("T")


class ReceiverStatus(enum.Enum):
    """Where the receiver stands."""

    OPEN = "open"
    CLOSED = "closed"
    DROPPED = "dropped"


class _Chan(Generic[T]):
    """The state every handle of one channel shares."""

    __slots__ = (
        "buffer",
        "capacity",
        "closed",
        "recv_waiter",
        "room",
        "send_waiters",
        "senders",
        "status",
    )

    def __init__(self, capacity: int) -> None:
        self.buffer: deque[T] = deque()
        self.capacity = capacity
        # `closed` duplicates `status is not OPEN` so the send fast path reads one attribute.
        self.closed = False
        self.status = ReceiverStatus.OPEN
        self.senders = 1
        self.recv_waiter: asyncio.Future[None] | None = None
        self.send_waiters: deque[tuple[asyncio.Future[None], T]] = deque()
        # What the reference queue's inlined fast path reads: slots not taken (no slot is
        # ever reserved here), and whether a receive waits.
        self.room = capacity

    @property
    def recv_waiters(self) -> bool:
        return self.recv_waiter is not None

    def wake_receiver(self) -> None:
        waiter = self.recv_waiter
        if waiter is not None:
            self.recv_waiter = None
            if not waiter.done():
                waiter.set_result(None)

    def free_slot(self) -> None:
        """A slot was freed: hand it to the longest-waiting live `send()`, if any."""
        while self.send_waiters:
            fut, item = self.send_waiters.popleft()
            if not fut.done():
                self.buffer.append(item)
                fut.set_result(None)
                return

    def fail_senders(self) -> None:
        while self.send_waiters:
            fut, item = self.send_waiters.popleft()
            if not fut.done():
                fut.set_exception(ChannelClosed(item))


# A dropped handle points here: always closed, so the fast path needs no extra check.
_DEAD: _Chan[object] = _Chan(1)
_DEAD.closed = True
_DEAD.senders = 0


class Sender(Generic[T]):
    """One producer's handle. Every method but `drop` raises HandleDroppedError after `drop()`."""

    __slots__ = ("_chan",)

    def __init__(self, chan: _Chan[T]) -> None:
        self._chan = chan

    def try_send(self, item: T) -> None:
        """Buffer `item` now, or raise without waiting.

        Raises ChannelClosed(item) if the receiver closed or dropped (even when
        the channel is also full), else ChannelFull(item) if no slot is free.
        On success a waiting `recv()` is woken.
        """
        chan = self._chan
        if chan.closed:
            raise self._closed_error(item)
        if len(chan.buffer) >= chan.capacity:
            raise ChannelFull(item)
        chan.buffer.append(item)
        if chan.recv_waiter is not None:
            chan.wake_receiver()

    async def send(self, item: T) -> None:
        """Buffer `item`, waiting for a slot if every slot is taken.

        Waiting senders are served first come, first served. Raises
        ChannelClosed(item) if the receiver is, or becomes while waiting,
        closed or dropped. If the waiting task is cancelled the item is not sent.
        """
        chan = self._chan
        if chan.closed:
            raise self._closed_error(item)
        if len(chan.buffer) < chan.capacity and not chan.send_waiters:
            chan.buffer.append(item)
            chan.wake_receiver()
            return
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        chan.send_waiters.append((fut, item))
        await fut  # free_slot() put our item into the buffer before resolving this
        chan.wake_receiver()

    def capacity(self) -> int:
        """Free slots right now: capacity minus buffered items (whole capacity after a drop)."""
        chan = self._live()
        return chan.capacity - len(chan.buffer)

    def max_capacity(self) -> int:
        """The number of slots the channel was made with."""
        return self._live().capacity

    def is_closed(self) -> bool:
        """True once the receiver closed or dropped: every send then fails with ChannelClosed."""
        return self._live().closed

    def clone(self) -> Sender[T]:
        """A new, independent sender on the same channel (counts as one more live sender)."""
        chan = self._live()
        chan.senders += 1
        return Sender(chan)

    def drop(self) -> None:
        """End this handle. When the last sender goes, a waiting `recv()` returns None once
        the buffer is empty and `try_recv` raises ChannelDisconnected. Idempotent."""
        chan = self._chan
        if chan is _DEAD:
            return
        self._chan = _DEAD  # type: ignore[assignment]
        chan.senders -= 1
        if chan.senders == 0:
            chan.wake_receiver()

    def _live(self) -> _Chan[T]:
        if self._chan is _DEAD:
            raise HandleDroppedError("this Sender was dropped; clone a live one before dropping")
        return self._chan

    def _closed_error(self, item: T) -> ChannelClosed[T]:
        self._live()
        return ChannelClosed(item)


class Receiver(Generic[T]):
    """The single consumer's handle."""

    __slots__ = ("_chan",)

    def __init__(self, chan: _Chan[T]) -> None:
        self._chan = chan

    def try_recv(self) -> T:
        """Take the oldest buffered item now, or raise without waiting.

        Returns the front item and frees its slot (for a waiting `send()` first).
        With nothing buffered raises ChannelEmpty while any sender lives (also
        after `close()`: tokio 1.24.2's rule) and ChannelDisconnected once every
        sender dropped. Raises HandleDroppedError after `drop()`.
        """
        chan = self._chan
        if chan.buffer:
            item = chan.buffer.popleft()
            if chan.send_waiters:
                chan.free_slot()
            return item
        if chan.status is ReceiverStatus.DROPPED:
            raise HandleDroppedError("this Receiver was dropped")
        if chan.senders == 0:
            raise ChannelDisconnected()
        raise ChannelEmpty()

    async def recv(self) -> T | None:
        """The oldest buffered item, waiting for one if needed.

        Returns None when nothing is buffered and nothing more can arrive: the
        receiver was closed, or every sender dropped. Raises HandleDroppedError
        after `drop()`. Cancelling the wait loses nothing.
        """
        chan = self._chan
        while True:
            if chan.buffer:
                item = chan.buffer.popleft()
                if chan.send_waiters:
                    chan.free_slot()
                return item
            if chan.status is ReceiverStatus.DROPPED:
                raise HandleDroppedError("this Receiver was dropped")
            if chan.closed or chan.senders == 0:
                return None
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            chan.recv_waiter = waiter
            try:
                await waiter
            finally:
                if chan.recv_waiter is waiter:
                    chan.recv_waiter = None

    def close(self) -> None:
        """Stop new sends; buffered items stay receivable; `capacity()` is unchanged.

        Waiting `send()` calls fail with ChannelClosed(item). A no-op when already
        closed or dropped.
        """
        chan = self._chan
        if chan.status is ReceiverStatus.OPEN:
            chan.status = ReceiverStatus.CLOSED
            chan.closed = True
            chan.fail_senders()

    def drop(self) -> list[T]:
        """End the receiver: close, then discard every buffered item.

        Returns the discarded items, oldest first, so the caller learns what was
        lost (an empty list when nothing was buffered or already dropped).
        Afterwards `Sender.capacity()` reads the whole capacity.
        """
        chan = self._chan
        self.close()
        chan.status = ReceiverStatus.DROPPED
        lost = list(chan.buffer)
        chan.buffer.clear()
        return lost

    @property
    def status(self) -> ReceiverStatus:
        """OPEN, CLOSED or DROPPED."""
        return self._chan.status

    def buffered(self) -> tuple[T, ...]:
        """The buffered items, oldest first (a snapshot; receives nothing)."""
        return tuple(self._chan.buffer)


def write_at_receive_channel(capacity: int) -> tuple[impl.Sender[int], impl.Receiver[int]]:
    """A (Sender, Receiver) of the old channel, typed as the reference's (it has their
    methods that the runner calls)."""
    chan: _Chan[int] = _Chan(capacity)
    return cast(impl.Sender[int], Sender(chan)), cast(impl.Receiver[int], Receiver(chan))
