"""Deliberately broken queues: each makes at least one of the seed's tests fail.

They exist to show the ported tests can fail; each mistake is one a port could make.
"""

from __future__ import annotations

import contextlib

from tidegate.impl import BackpressureQueue, ChannelClosed, ChannelFull, Closed, QueueFull, Sender

from .differential_queues import DrainsNewestFirst, ForgetsOnClosedDrain


class SpillsAlways(BackpressureQueue[int]):
    """Puts every item in the backlog, even when the channel has room."""

    def enqueue_or_send(self, tx: Sender[int], item: int) -> None:
        if len(self) >= self.cap:
            raise QueueFull(item)
        self._backlog.append(item)


class SendsPastBacklog(BackpressureQueue[int]):
    """Sends straight to the channel whenever it has room, overtaking the backlog."""

    def enqueue_or_send(self, tx: Sender[int], item: int) -> None:
        if tx.capacity() > 0:
            tx.try_send(item)
            return
        super().enqueue_or_send(tx, item)


class CapOffByOne(BackpressureQueue[int]):
    """Lets the backlog grow to cap + 1."""

    def enqueue_or_send(self, tx: Sender[int], item: int) -> None:
        if self._backlog and len(self._backlog) == self.cap:
            self._backlog.append(item)
            return
        super().enqueue_or_send(tx, item)


class IgnoresClosedOnSend(BackpressureQueue[int]):
    """Drops the item silently when the channel is closed."""

    def enqueue_or_send(self, tx: Sender[int], item: int) -> None:
        with contextlib.suppress(Closed):
            super().enqueue_or_send(tx, item)


class CapZeroUnbounded(BackpressureQueue[int]):
    """Treats cap 0 as 'no limit'."""

    def enqueue_or_send(self, tx: Sender[int], item: int) -> None:
        if self.cap == 0:
            try:
                tx.try_send(item)
            except ChannelFull:
                self._backlog.append(item)
            return
        super().enqueue_or_send(tx, item)


class DrainLosesOnFull(BackpressureQueue[int]):
    """Forgets to put the item back when the channel is still full."""

    def try_drain_one(self, tx: Sender[int]) -> bool:
        if not self._backlog:
            return False
        try:
            tx.try_send(self._backlog.popleft())
        except ChannelFull:
            return False
        return True


class DrainClaimsProgress(BackpressureQueue[int]):
    """Answers True on an empty backlog."""

    def try_drain_one(self, tx: Sender[int]) -> bool:
        return super().try_drain_one(tx) or not self._backlog


class PendingOnlyPastOne(BackpressureQueue[int]):
    """Reports pending only with two or more items queued."""

    def has_pending(self) -> bool:
        return len(self) > 1


# Which broken queue each seed test is shown failing on.
BREAKS = {
    "empty_queue_sends_directly": SpillsAlways,
    "full_channel_spills_to_backlog": DrainsNewestFirst,
    "cap_exceeded_returns_queue_full": CapOffByOne,
    "closed_channel_returns_closed_error": IgnoresClosedOnSend,
    "order_preserved_with_backlog": SendsPastBacklog,
    "drain_when_channel_still_full_returns_false": DrainLosesOnFull,
    "cap_zero_immediately_overflows_on_full_channel": CapZeroUnbounded,
    "drain_on_empty_backlog_is_noop": DrainClaimsProgress,
    "drain_propagates_closed_channel": ForgetsOnClosedDrain,
    "has_pending_tracks_backlog_state": PendingOnlyPastOne,
}


class NeverSpills(BackpressureQueue[int]):
    """Ignores its backlog: the channel takes the item, or the answer is QueueFull."""

    def enqueue_or_send(self, tx: Sender[int], item: int) -> None:
        try:
            tx.try_send(item)
        except ChannelFull:
            raise QueueFull(item) from None
        except ChannelClosed:
            raise Closed(item) from None
