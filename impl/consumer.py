"""The consumer loop (the seed's requester or TorrentActor side) and other producers.

`run_consumer` receives, pings the drain notification after every receive (the
seed's contract: the ping announces the slot the receive just freed), then
processes the item for `delay` seconds. `run_producer` stands for the other
peers and tasks that send on clones of the same sender, waiting for room.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from typing import TypeVar

from tidegate.impl.channel import Receiver, Sender
from tidegate.impl.errors import ChannelClosed
from tidegate.impl.notify import Notify
from tidegate.impl.reports import ConsumerEnd, ConsumerReport, ProducerEnd, ProducerReport

T = TypeVar("T")


async def run_consumer(
    rx: Receiver[T],
    notify: Notify,
    *,
    delay: float | Callable[[T], float] = 0.0,
    stop_after: int | None = None,
    report: ConsumerReport[T] | None = None,
) -> ConsumerReport[T]:
    """Receive until the stream ends (END_OF_STREAM) or `stop_after` items (STOPPED).

    After each receive: record the item, `notify.notify_one()`, then sleep
    `delay` seconds (a number, or a function of the item), which stands for the
    processing. Sleeping 0 still yields to other tasks once. On STOPPED the
    receiver is dropped and the items it discarded are reported in `discarded`.
    The report is filled in place; on cancellation `end` is CANCELLED and the
    CancelledError is re-raised.
    """
    rep: ConsumerReport[T] = report if report is not None else ConsumerReport()
    try:
        while True:
            if stop_after is not None and len(rep.delivered) >= stop_after:
                rep.discarded.extend(rx.drop())
                rep.end = ConsumerEnd.STOPPED
                return rep
            item = await rx.recv()
            if item is None:
                rep.end = ConsumerEnd.END_OF_STREAM
                return rep
            rep.delivered.append(item)
            notify.notify_one()
            rep.pings += 1
            await asyncio.sleep(delay(item) if callable(delay) else delay)
    except asyncio.CancelledError:
        rep.end = ConsumerEnd.CANCELLED
        raise


async def run_producer(
    tx: Sender[T],
    items: Iterable[T],
    *,
    pause: float = 0.0,
    report: ProducerReport[T] | None = None,
) -> ProducerReport[T]:
    """Send each item with `await tx.send(item)` (waiting for room), pausing `pause`
    seconds after each; stop at the first ChannelClosed (that item and the rest are
    `refused`). The loop does not drop `tx`; its owner does."""
    rep: ProducerReport[T] = report if report is not None else ProducerReport()
    todo = list(items)
    try:
        while todo:
            try:
                await tx.send(todo[0])
            except ChannelClosed:
                rep.refused.extend(todo)
                rep.end = ProducerEnd.CLOSED
                return rep
            rep.sent.append(todo.pop(0))
            await asyncio.sleep(pause)
        rep.end = ProducerEnd.DONE
        return rep
    except asyncio.CancelledError:
        rep.refused.extend(todo)
        rep.end = ProducerEnd.CANCELLED
        raise
