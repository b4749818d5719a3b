"""The consumer loop (the seed's requester or TorrentActor side) and other producers.

`run_consumer` receives, pings the drain notification after every receive (the
seed's contract: the ping announces the slot the receive just freed), then
processes the item. Processing that fails costs nothing but that item's
processing: the ping has already gone out, and the loop goes on. Between two
items its owner may ask it to stop or to close its receiver (`ConsumerCommand`).
`run_producer` stands for the other peers and tasks that send on clones of the
same sender, waiting for room.
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

from tidegate.impl.channel import Receiver, Sender
from tidegate.impl.errors import ChannelClosed
from tidegate.impl.notify import Notify
from tidegate.impl.reports import ConsumerEnd, ConsumerReport, ProducerEnd, ProducerReport

T = TypeVar("T")


class ConsumerCommand(enum.Enum):
    """What the consumer's owner may ask of it between two items (`run_consumer`'s `command`)."""

    STOP = "stop"
    """Drop the receiver now and end (STOPPED): the items still buffered are discarded
    (reported in `discarded`), and parked sends fail."""
    CLOSE = "close"
    """Close the receiver (new sends fail, parked sends too) and go on receiving what is
    buffered; the loop ends at END_OF_STREAM once the channel is empty."""


async def run_consumer(
    rx: Receiver[T],
    notify: Notify,
    *,
    delay: float | Callable[[T], float] = 0.0,
    process: Callable[[T], Awaitable[object]] | None = None,
    stop_after: int | None = None,
    command: Callable[[], ConsumerCommand | None] | None = None,
    report: ConsumerReport[T] | None = None,
) -> ConsumerReport[T]:
    """Receive until the stream ends (END_OF_STREAM) or the consumer stops (STOPPED).

    Before each receive: with `stop_after` items received, or when `command()`
    answers STOP, the receiver is dropped, the items it discarded are reported
    in `discarded`, and the loop ends STOPPED; when `command()` answers CLOSE,
    the receiver is closed and the loop goes on until `recv()` answers None
    (END_OF_STREAM: closed, or every sender gone, and nothing buffered).

    After each receive: record the item, `notify.notify_one()`, then process
    it: `await process(item)` when given, else sleep `delay` seconds (a number,
    or a function of the item; sleeping 0 still yields to other tasks once). If
    `process` raises an Exception, the item is recorded in `failed` (it stays in
    `delivered`: it was received) and the loop goes on; the ping went out
    before processing began, so a failure never costs the reader a notification.

    The report is filled in place; on cancellation `end` is CANCELLED and the
    CancelledError is re-raised.
    """
    rep: ConsumerReport[T] = report if report is not None else ConsumerReport()
    try:
        while True:
            asked = command() if command is not None else None
            if asked is ConsumerCommand.STOP or (
                stop_after is not None and len(rep.delivered) >= stop_after
            ):
                rep.discarded.extend(rx.drop())
                rep.end = ConsumerEnd.STOPPED
                return rep
            if asked is ConsumerCommand.CLOSE:
                rx.close()
            item = await rx.recv()
            if item is None:
                rep.end = ConsumerEnd.END_OF_STREAM
                return rep
            rep.delivered.append(item)
            notify.notify_one()
            rep.pings += 1
            if process is None:
                await asyncio.sleep(delay(item) if callable(delay) else delay)
                continue
            try:
                await process(item)
            except Exception:
                # One item's processing failed; the consumer, and the pipeline, go on.
                rep.failed.append(item)
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
