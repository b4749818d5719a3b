"""The receiving half: the single consumer's `Receiver`."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Generic, TypeVar

from tidegate.impl.chan import Chan, ReceiverStatus
from tidegate.impl.errors import ChannelDisconnected, ChannelEmpty, HandleDroppedError

T = TypeVar("T")


class Receiver(Generic[T]):
    """The single consumer's handle."""

    __slots__ = ("_chan",)

    def __init__(self, chan: Chan[T]) -> None:
        self._chan = chan

    def try_recv(self) -> T:
        """Take the oldest buffered item now, or raise without waiting.

        Returns the front item and releases its slot (reserved for the longest-
        waiting send, else free). A slot reserved for a waiting send holds no
        item: it is not seen here. With nothing buffered raises ChannelEmpty
        while any sender lives (also after `close()`: tokio 1.24.2's rule) and
        ChannelDisconnected once every sender dropped. Raises HandleDroppedError
        after `drop()`.
        """
        chan = self._chan
        buffer = chan.buffer
        if buffer:
            item = buffer.popleft()
            if chan.send_waiters:
                chan.item_taken()
            return item
        if chan.status is ReceiverStatus.DROPPED:
            raise HandleDroppedError("this Receiver was dropped")
        if chan.senders == 0:
            raise ChannelDisconnected()
        raise ChannelEmpty()

    async def recv(self) -> T | None:
        """The oldest buffered item, waiting for one if needed (its slot is released as
        by `try_recv`).

        Returns None when nothing is buffered and nothing more can arrive: every
        sender dropped, or the receiver was closed and no slot is still reserved
        or held by a Permit (while one is, an item may still come: it waits).
        Raises HandleDroppedError after `drop()`, also in a `recv()` waiting then.
        Cancelling the wait loses nothing; several concurrent calls each see
        every item arrive and take turns.
        """
        chan = self._chan
        while True:
            if chan.buffer:
                item = chan.buffer.popleft()
                chan.item_taken()
                return item
            if chan.status is ReceiverStatus.DROPPED:
                raise HandleDroppedError("this Receiver was dropped")
            if chan.senders == 0 or (chan.closed and chan.idle):
                return None
            waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            chan.recv_waiters.append(waiter)
            try:
                await waiter
            finally:
                with contextlib.suppress(ValueError):  # already taken by wake_receiver
                    chan.recv_waiters.remove(waiter)

    def close(self) -> None:
        """Stop new sends; buffered items stay receivable; `Sender.capacity()` is unchanged.

        Waiting `send()` calls fail with ChannelClosed(item), also those a slot was
        reserved for (the slot is freed when they run); `Sender.closed()` returns.
        Permits already held may still send. A no-op when already closed or dropped.
        """
        self._chan.close()

    def drop(self) -> list[T]:
        """End the receiver: close, then discard every buffered item.

        Returns the discarded items, oldest first, so the caller learns what was
        lost (an empty list when nothing was buffered or already dropped).
        Afterwards `Sender.capacity()` reads the whole capacity, less the slots
        still reserved for waiting sends or held by Permits.
        """
        return self._chan.drop_receiver()

    @property
    def status(self) -> ReceiverStatus:
        """OPEN, CLOSED or DROPPED."""
        return self._chan.status

    def buffered(self) -> tuple[T, ...]:
        """The buffered items, oldest first (a snapshot; receives nothing)."""
        return tuple(self._chan.buffer)
