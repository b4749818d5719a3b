"""Our variants of the queue, behind an explicit option. Not the seed's behaviour.

`BackpressureQueue` (impl/queue.py) stays the seed's algorithm and the default.
These variants answer two findings of the protocol explorer (`tidegate
interleave`), and are proved there to keep order and lose nothing silently:

- `Variant.DRAIN_FIRST`: `DrainFirstQueue.enqueue_or_send` first moves as much of
  the backlog into the channel as fits. The seed never looks at the channel
  while its backlog is non-empty, so it can answer QueueFull (disconnect the
  peer) with free slots in the channel; this variant answers QueueFull only
  when the channel is full too.
- `Variant.DRAIN_FIRST_ALL`: the same queue, and the reader answers each
  notification by draining until the channel is full or the backlog empty
  (`run_reader(..., drain_all=True)`), so pings that coalesced into one
  notification still refill every freed slot.
"""

from __future__ import annotations

import enum
from typing import TypeVar

from tidegate.impl.channel import Sender
from tidegate.impl.errors import ChannelClosed, ChannelFull, Closed
from tidegate.impl.queue import BackpressureQueue

T = TypeVar("T")


class Variant(enum.Enum):
    """Which algorithm the queue and the reader follow. SEED is the default and the reference."""

    SEED = "seed"
    DRAIN_FIRST = "drain-first"
    DRAIN_FIRST_ALL = "drain-first-all"

    @property
    def drain_all(self) -> bool:
        """True when the reader should pass `drain_all=True` to `run_reader`."""
        return self is Variant.DRAIN_FIRST_ALL

    def make_queue(self, cap: int) -> BackpressureQueue[T]:
        """A queue of backlog cap `cap` following this variant."""
        if self is Variant.SEED:
            return BackpressureQueue(cap)
        return DrainFirstQueue(cap)


class DrainFirstQueue(BackpressureQueue[T]):
    """A `BackpressureQueue` whose `enqueue_or_send` drains the backlog before appending."""

    __slots__ = ()

    def enqueue_or_send(self, tx: Sender[T], item: T) -> None:
        """Move backlog items into `tx` while they fit, then `BackpressureQueue.enqueue_or_send`.

        Order is kept: the backlog goes first, oldest first, and `item` is sent
        straight only if the backlog emptied. QueueFull(item) is raised only when
        the backlog is at cap and the channel is full. If the channel is closed,
        raises Closed(item): `item` is refused and the backlog is left intact
        (nothing is discarded, unlike `try_drain_one`).
        """
        backlog = self._backlog
        while backlog:
            try:
                tx.try_send(backlog[0])
            except ChannelFull:
                break
            except ChannelClosed:
                raise Closed(item) from None
            backlog.popleft()
        super().enqueue_or_send(tx, item)
