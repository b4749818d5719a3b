"""Deliberately broken protocol loops, for showing that the explorer catches them.

Each has the signature of the real loop it replaces, so the explorer runs it
exactly as it runs the real one. `protocol_notify_forgets_the_permit` breaks the
protocol model the explorer holds the loops to, instead.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, Awaitable, Callable
from dataclasses import replace
from typing import Any

from tidegate.impl.channel import Receiver, Sender
from tidegate.impl.consumer import ConsumerCommand
from tidegate.impl.errors import ChannelDisconnected, ChannelEmpty, Closed, QueueFull
from tidegate.impl.notify import Notify
from tidegate.impl.queue import BackpressureQueue
from tidegate.impl.reports import ConsumerEnd, ConsumerReport, ReaderEnd, ReaderReport
from tidegate.model import protocol

TICK = 0.25
"""The timer-driven reader's drain period, in (virtual) seconds."""


async def consumer_pings_before_receiving(
    rx: Receiver[int],
    notify: Notify,
    *,
    delay: float = 0.0,
    process: Callable[[int], Awaitable[object]] | None = None,
    stop_after: int | None = None,
    command: Callable[[], ConsumerCommand | None] | None = None,
    report: ConsumerReport[int] | None = None,
) -> ConsumerReport[int]:
    """Broken: announces the slot before freeing it, then processes before the next ping."""
    rep: ConsumerReport[int] = report if report is not None else ConsumerReport()
    while True:
        if stop_after is not None and len(rep.delivered) >= stop_after:
            rep.discarded.extend(rx.drop())
            rep.end = ConsumerEnd.STOPPED
            return rep
        notify.notify_one()
        rep.pings += 1
        item = await rx.recv()
        if item is None:
            rep.end = ConsumerEnd.END_OF_STREAM
            return rep
        rep.delivered.append(item)
        await asyncio.sleep(delay)


async def consumer_dead_letters_after_a_failure(
    rx: Receiver[int],
    notify: Notify,
    *,
    delay: float = 0.0,
    process: Callable[[int], Awaitable[object]] | None = None,
    stop_after: int | None = None,
    command: Callable[[], ConsumerCommand | None] | None = None,
    report: ConsumerReport[int] | None = None,
) -> ConsumerReport[int]:
    """Broken: pings after every receive of its loop, but when processing an item fails it
    moves what is still buffered to a dead-letter list with `try_recv`, and pings for none
    of those receives: the slots they free go unannounced. Without a failure it is the
    real consumer."""
    rep: ConsumerReport[int] = report if report is not None else ConsumerReport()
    while True:
        item = await rx.recv()
        if item is None:
            rep.end = ConsumerEnd.END_OF_STREAM
            return rep
        rep.delivered.append(item)
        notify.notify_one()
        rep.pings += 1
        try:
            await (process(item) if process is not None else asyncio.sleep(delay))
        except Exception:
            rep.failed.append(item)
            while True:
                try:
                    dead = rx.try_recv()
                except (ChannelEmpty, ChannelDisconnected):
                    break
                rep.delivered.append(dead)
                rep.failed.append(dead)


async def reader_drains_on_a_timer(
    source: AsyncIterable[int],
    queue: BackpressureQueue[int],
    tx: Sender[int],
    notify: Notify,
    *,
    drain_all: bool = False,
    report: ReaderReport[int] | None = None,
) -> ReaderReport[int]:
    """Broken: ignores the notification and drains one item every TICK seconds instead."""
    rep: ReaderReport[int] = report if report is not None else ReaderReport()
    items = aiter(source)
    wire: asyncio.Future[Any] = asyncio.ensure_future(anext(items))
    tick: asyncio.Future[Any] = asyncio.ensure_future(asyncio.sleep(TICK))
    eof = False
    try:
        while not (eof and not queue.has_pending()):
            waits = [f for f in (wire, tick) if not (f is wire and eof)]
            await asyncio.wait(waits, return_when=asyncio.FIRST_COMPLETED)
            if tick.done():
                tick = asyncio.ensure_future(asyncio.sleep(TICK))
                try:
                    if queue.try_drain_one(tx):
                        rep.drained += 1
                except Closed as exc:
                    rep.lost.append(exc.item)
                    rep.end = ReaderEnd.SHUTDOWN
                    return rep
            if not eof and wire.done():
                try:
                    item = wire.result()
                except StopAsyncIteration:
                    eof = True
                    continue
                wire = asyncio.ensure_future(anext(items))
                try:
                    queue.enqueue_or_send(tx, item)
                except (QueueFull, Closed) as exc:
                    rep.refused.append(exc.item)
                    full = isinstance(exc, QueueFull)
                    rep.end = ReaderEnd.DISCONNECT if full else ReaderEnd.SHUTDOWN
                    return rep
                rep.accepted.append(item)
        rep.end = ReaderEnd.EOF
        return rep
    finally:
        rep.left = list(queue.backlog())
        wire.cancel()
        tick.cancel()


async def consumer_forgets_every_second_item(
    rx: Receiver[int],
    notify: Notify,
    *,
    delay: float = 0.0,
    process: Callable[[int], Awaitable[object]] | None = None,
    stop_after: int | None = None,
    command: Callable[[], ConsumerCommand | None] | None = None,
    report: ConsumerReport[int] | None = None,
) -> ConsumerReport[int]:
    """Broken: receives every item but records only every other one (silent loss)."""
    rep: ConsumerReport[int] = report if report is not None else ConsumerReport()
    received = 0
    while True:
        item = await rx.recv()
        if item is None:
            rep.end = ConsumerEnd.END_OF_STREAM
            return rep
        received += 1
        if received % 2:
            rep.delivered.append(item)
        notify.notify_one()
        rep.pings += 1
        await asyncio.sleep(delay)


async def reader_sends_around_its_backlog(
    source: AsyncIterable[int],
    queue: BackpressureQueue[int],
    tx: Sender[int],
    notify: Notify,
    *,
    drain_all: bool = False,
    report: ReaderReport[int] | None = None,
) -> ReaderReport[int]:
    """Broken: tries the channel first even while items wait in the backlog (reorders)."""
    return await _reader_with(source, queue, tx, notify, report, park=False)


async def reader_awaits_the_channel(
    source: AsyncIterable[int],
    queue: BackpressureQueue[int],
    tx: Sender[int],
    notify: Notify,
    *,
    drain_all: bool = False,
    report: ReaderReport[int] | None = None,
) -> ReaderReport[int]:
    """Broken: the pre-M182 reader, `send().await` on a full channel (parks the wire)."""
    return await _reader_with(source, queue, tx, notify, report, park=True)


async def _reader_with(
    source: AsyncIterable[int],
    queue: BackpressureQueue[int],
    tx: Sender[int],
    notify: Notify,
    report: ReaderReport[int] | None,
    *,
    park: bool,
) -> ReaderReport[int]:
    from tidegate.impl.errors import ChannelClosed, ChannelFull

    rep: ReaderReport[int] = report if report is not None else ReaderReport()
    try:
        async for item in source:
            try:
                if park:
                    await tx.send(item)
                else:
                    tx.try_send(item)
                rep.accepted.append(item)
                continue
            except ChannelClosed:
                rep.refused.append(item)
                rep.end = ReaderEnd.SHUTDOWN
                return rep
            except ChannelFull:
                pass
            try:
                queue.enqueue_or_send(tx, item)
            except (QueueFull, Closed) as exc:
                rep.refused.append(exc.item)
                rep.end = ReaderEnd.DISCONNECT
                return rep
            rep.accepted.append(item)
            if notify.has_permit:
                await notify.notified()
                queue.try_drain_one(tx)
        while queue.has_pending():
            await notify.notified()
            queue.try_drain_one(tx)
        rep.end = ReaderEnd.EOF
        return rep
    finally:
        rep.left = list(queue.backlog())


async def reader_forgets_what_it_read_when_cancelled(
    source: AsyncIterable[int],
    queue: BackpressureQueue[int],
    tx: Sender[int],
    notify: Notify,
    *,
    drain_all: bool = False,
    report: ReaderReport[int] | None = None,
) -> ReaderReport[int]:
    """Broken: the real reader, but a cancellation loses the items it had read and not yet
    handled without a word (they vanish from the wire and from every report)."""
    from tidegate.impl.reader import run_reader

    rep: ReaderReport[int] = report if report is not None else ReaderReport()
    try:
        return await run_reader(source, queue, tx, notify, drain_all=drain_all, report=rep)
    except asyncio.CancelledError:
        rep.unhandled.clear()
        raise


def protocol_notify_forgets_the_permit(s: protocol.ProtocolState) -> protocol.ProtocolState:
    """Broken protocol model (in `protocol._notify_one`'s place): a ping wakes a waiting
    reader, but with nobody waiting it stores no permit, so the ping is lost."""
    r = s.reader
    if r.ping is protocol.Wait.WAITING:
        return replace(s, reader=replace(r, ping=protocol.Wait.DONE, inbox=r.inbox + ("ping",)))
    return s
