"""Queues that differ from the reference in one way each, for the differential's own tests.

Each is a mistake a port could make; `tidegate verify --queue-class` must catch each.
"""

from __future__ import annotations

from tidegate.impl import BackpressureQueue, ChannelClosed, ChannelFull, Closed, Sender


class DrainsNewestFirst(BackpressureQueue[int]):
    """Drains the backlog from its back: the drain order is flipped."""

    def try_drain_one(self, tx: Sender[int]) -> bool:
        if not self._backlog:
            return False
        item = self._backlog.pop()
        try:
            tx.try_send(item)
        except ChannelFull:
            self._backlog.append(item)
            return False
        except ChannelClosed:
            raise Closed(item) from None
        return True


class ForgetsOnClosedDrain(BackpressureQueue[int]):
    """Loses the front item silently when the channel is closed (answers ok false)."""

    def try_drain_one(self, tx: Sender[int]) -> bool:
        try:
            return super().try_drain_one(tx)
        except Closed:
            return False


class NotAQueue:
    """Has none of the queue's methods."""

    def __init__(self, cap: int) -> None:
        self.cap = cap


class RaisesOnDrain(BackpressureQueue[int]):
    """Raises from try_drain_one, as a port with a bug in its drain might."""

    def try_drain_one(self, tx: Sender[int]) -> bool:
        raise RuntimeError("drain exploded")
