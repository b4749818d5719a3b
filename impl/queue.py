"""The reader-side backpressure queue: never waits, keeps order, bounds its backlog.

A direct port of irontide-session's `BackpressureQueue` (M182). Owned by one
task (the peer's reader); nothing here awaits, so the reader never parks on
the channel. Unlike the seed, every error carries the item the call failed to
deliver, so nothing is lost without the caller being told.
"""

from __future__ import annotations

from collections import deque
from typing import Generic, TypeVar

from tidegate.impl.channel import Sender
from tidegate.impl.errors import ChannelClosed, ChannelFull, Closed, QueueFull, require_int

T = TypeVar("T")

DISPATCH_BACKLOG_CAP = 8
"""The seed's cap for the dispatch channel: about 2 s of stall at one snapshot per 250 ms."""

EVENT_BACKLOG_CAP = 32
"""The seed's cap for the event channel: about 5 ms of stall at 6,000 events/s."""


class BackpressureQueue(Generic[T]):
    """A backlog of at most `cap` items in front of a bounded channel.

    `cap` 0 is valid: the queue never spills, so any full channel is QueueFull.
    """

    __slots__ = ("_backlog", "_cap")

    def __init__(self, cap: int) -> None:
        """Raises ParameterTypeError if `cap` is not an int (bools refused),
        ParameterError if it is below 0."""
        self._cap = require_int("cap", cap, 0)
        self._backlog: deque[T] = deque()

    def enqueue_or_send(self, tx: Sender[T], item: T) -> None:
        """Send `item` through `tx` now, or keep it in the backlog; never waits.

        - backlog non-empty: the channel is not touched (sending would overtake
          the backlog); the item is appended, or, with the backlog at cap,
          QueueFull(item) is raised. So this succeeds even on a closed channel;
          the closure surfaces at the next `try_drain_one`.
        - backlog empty: `tx.try_send(item)`. Sent: done. Closed: raises
          Closed(item). Full: the item becomes the backlog, or with cap 0
          QueueFull(item) is raised.

        On QueueFull and Closed the item was not accepted; the error hands it back.
        "Full" means no free slot: a slot reserved for a waiting `send()` is not
        free, so the item spills although the buffer has room for it.
        """
        backlog = self._backlog
        if backlog:
            if len(backlog) >= self._cap:
                raise QueueFull(item)
            backlog.append(item)
            return
        # The reader's hot path: the common case (open, a slot free) is Sender.try_send
        # inlined, worth a fifth of the cost of a call; every other case goes through it.
        chan = tx._chan
        buffer = chan.buffer
        if not chan.closed and len(buffer) < chan.room:
            buffer.append(item)
            if chan.recv_waiters:
                chan.wake_receiver()
            return
        try:
            tx.try_send(item)
        except ChannelFull:
            if self._cap == 0:
                raise QueueFull(item) from None
            backlog.append(item)
        except ChannelClosed:
            raise Closed(item) from None

    def try_drain_one(self, tx: Sender[T]) -> bool:
        """Move the backlog's front item into `tx`, if it fits; never waits.

        Returns True if an item was sent, False if the backlog was empty or the
        channel still full (the item then stays at the front, order kept).
        Raises Closed(item) if the channel closed: that front item was accepted
        earlier and is now discarded (it is the error's `item`); the rest of the
        backlog stays.
        """
        backlog = self._backlog
        if not backlog:
            return False
        front = backlog.popleft()
        try:
            tx.try_send(front)
        except ChannelFull:
            backlog.appendleft(front)
            return False
        except ChannelClosed:
            raise Closed(front) from None
        return True

    def has_pending(self) -> bool:
        """True while the backlog holds at least one item."""
        return bool(self._backlog)

    def __len__(self) -> int:
        """The backlog's current depth."""
        return len(self._backlog)

    @property
    def cap(self) -> int:
        """The most items the backlog may hold."""
        return self._cap

    def backlog(self) -> tuple[T, ...]:
        """The backlog's items, oldest first (a snapshot)."""
        return tuple(self._backlog)

    def __repr__(self) -> str:
        return f"BackpressureQueue(cap={self._cap}, backlog={list(self._backlog)!r})"
