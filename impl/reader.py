"""The reader loop: the wire's items go through the backlog queue; the reader never parks.

`run_reader` is the seed's `reader_loop` reduced to its backpressure protocol. It
waits on whichever comes first, the next item from `source` (the wire) or the
drain notification, and handles each in the order they completed:

- an item goes through `queue.enqueue_or_send(tx, item)`; QueueFull ends the
  loop with DISCONNECT (the peer is too slow to keep), Closed with SHUTDOWN;
- a notification is answered with one `queue.try_drain_one(tx)` (or, with
  `drain_all`, with drains until the channel is full or the backlog empty: our
  variant, not the seed's); Closed ends the loop with SHUTDOWN.

The reader awaits nothing else: in particular it never awaits the channel, so a
slow consumer cannot stop it from reading the wire. When the source ends, the
loop keeps answering notifications until its backlog is empty (EOF), so a
clean end of stream loses nothing.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterable
from typing import Any, TypeVar

from tidegate.impl.channel import Sender
from tidegate.impl.errors import Closed, QueueFull
from tidegate.impl.notify import Notify
from tidegate.impl.queue import BackpressureQueue
from tidegate.impl.reports import ReaderEnd, ReaderReport

T = TypeVar("T")


class _Inbox:
    """The reader's pending waits, handed back in the order they completed."""

    __slots__ = ("_done", "_waiter")

    def __init__(self) -> None:
        self._done: deque[asyncio.Future[Any]] = deque()
        self._waiter: asyncio.Future[None] | None = None

    def watch(self, fut: asyncio.Future[Any]) -> asyncio.Future[Any]:
        fut.add_done_callback(self._arrived)
        return fut

    def _arrived(self, fut: asyncio.Future[Any]) -> None:
        self._done.append(fut)
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    async def take(self) -> list[asyncio.Future[Any]]:
        """Every completed wait, oldest first; waits while there is none."""
        while not self._done:
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        done = list(self._done)
        self._done.clear()
        return done

    def rest(self) -> list[asyncio.Future[Any]]:
        """The completed waits not yet taken (the loop ended before it handled them)."""
        done = list(self._done)
        self._done.clear()
        return done


async def run_reader(
    source: AsyncIterable[T],
    queue: BackpressureQueue[T],
    tx: Sender[T],
    notify: Notify,
    *,
    drain_all: bool = False,
    report: ReaderReport[T] | None = None,
) -> ReaderReport[T]:
    """Run the reader until EOF, DISCONNECT or SHUTDOWN; return its report.

    The report is filled in place (pass `report` to read it after a
    cancellation: CancelledError is re-raised with the report's `end` set to
    CANCELLED and `left` to the backlog). Items read from `source` but not handled
    when the loop ended are reported `unhandled`. The loop does not drop `tx`; its
    owner does.
    """
    rep: ReaderReport[T] = report if report is not None else ReaderReport()
    inbox = _Inbox()
    items = aiter(source)
    ping: asyncio.Future[Any] | None = None
    wire: asyncio.Future[Any] | None = None
    eof = False
    batch: list[asyncio.Future[Any]] = []
    try:
        while True:
            # The notification is armed before the wire read so that, when both are
            # already available, the drain comes first (a ping is older than the read).
            if ping is None:
                ping = inbox.watch(asyncio.ensure_future(notify.notified()))
            if wire is None and not eof:
                wire = inbox.watch(asyncio.ensure_future(anext(items)))
            batch = await inbox.take()
            while batch:
                done = batch.pop(0)
                if done is ping:
                    ping = None
                    rep.notifications += 1
                    if not _drain(queue, tx, drain_all, rep):
                        return rep
                else:
                    wire = None
                    try:
                        item = done.result()
                    except StopAsyncIteration:
                        eof = True
                    else:
                        if not _enqueue(queue, tx, item, rep):
                            return rep
                if eof and not queue.has_pending():
                    rep.end = ReaderEnd.EOF
                    return rep
    except asyncio.CancelledError:
        rep.end = ReaderEnd.CANCELLED
        raise
    finally:
        rep.left = list(queue.backlog())
        # A read completed but not handled took its item from the source: report it.
        for done in [*batch, *inbox.rest()]:
            if done is wire and not done.cancelled() and done.exception() is None:
                rep.unhandled.append(done.result())
        for pending in (ping, wire):
            if pending is not None:
                pending.cancel()


def _enqueue(queue: BackpressureQueue[T], tx: Sender[T], item: T, rep: ReaderReport[T]) -> bool:
    """One wire item through the queue; False when the loop must end."""
    try:
        queue.enqueue_or_send(tx, item)
    except QueueFull as exc:
        rep.refused.append(exc.item)
        rep.end = ReaderEnd.DISCONNECT
        rep.free_slots_at_end = tx.capacity()
        return False
    except Closed as exc:
        rep.refused.append(exc.item)
        rep.end = ReaderEnd.SHUTDOWN
        return False
    rep.accepted.append(item)
    return True


def _drain(
    queue: BackpressureQueue[T], tx: Sender[T], drain_all: bool, rep: ReaderReport[T]
) -> bool:
    """Answer one notification; False when the loop must end."""
    try:
        while queue.try_drain_one(tx):
            rep.drained += 1
            if not drain_all:
                break
    except Closed as exc:
        rep.lost.append(exc.item)
        rep.end = ReaderEnd.SHUTDOWN
        return False
    return True
