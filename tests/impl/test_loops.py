"""The reader, consumer and producer loops as real asyncio tasks on the default event loop."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from tidegate.impl import BackpressureQueue, Notify, QueueFull, Receiver, Sender
from tidegate.impl.channel import channel
from tidegate.impl.consumer import ConsumerCommand, run_consumer, run_producer
from tidegate.impl.reader import run_reader
from tidegate.impl.reports import (
    ConsumerEnd,
    ConsumerReport,
    ProducerEnd,
    ProducerReport,
    ReaderEnd,
    ReaderReport,
)
from tidegate.impl.variants import DrainFirstQueue, Variant


def chan(capacity: int) -> tuple[Sender[int], Receiver[int]]:
    return channel(capacity)


async def wire(items: list[int], gap: float = 0.0) -> AsyncIterator[int]:
    for item in items:
        await asyncio.sleep(gap)
        yield item


async def _pipeline(
    items: list[int], capacity: int, cap: int, delay: float, variant: Variant = Variant.SEED
) -> tuple[ReaderReport[int], list[int]]:
    tx, rx = chan(capacity)
    notify = Notify()
    queue: BackpressureQueue[int] = variant.make_queue(cap)

    async def reader() -> ReaderReport[int]:
        try:
            return await run_reader(wire(items), queue, tx, notify, drain_all=variant.drain_all)
        finally:
            tx.drop()

    rr, cr = await asyncio.gather(reader(), run_consumer(rx, notify, delay=delay))
    assert cr.end is ConsumerEnd.END_OF_STREAM
    assert cr.pings == len(cr.delivered)
    return rr, cr.delivered


@pytest.mark.parametrize("variant", list(Variant))
def test_everything_arrives_in_order_through_a_small_channel(variant: Variant) -> None:
    items = list(range(1, 41))
    rr, delivered = asyncio.run(_pipeline(items, capacity=2, cap=64, delay=0.0, variant=variant))
    assert delivered == items
    assert rr.end is ReaderEnd.EOF and rr.accepted == items and not rr.left


def test_a_stalled_consumer_gets_the_peer_disconnected_with_the_backlog_reported() -> None:
    async def main() -> ReaderReport[int]:
        tx, _rx = chan(2)  # nobody receives: the consumer is stalled
        return await run_reader(wire(list(range(1, 10))), BackpressureQueue(3), tx, Notify())

    rr = asyncio.run(main())
    assert rr.end is ReaderEnd.DISCONNECT
    assert rr.accepted == [1, 2, 3, 4, 5] and rr.refused == [6]
    assert rr.left == [3, 4, 5] and rr.free_slots_at_end == 0


def test_a_dropped_receiver_ends_the_reader_with_shutdown_and_reports_the_lost_item() -> None:
    async def main() -> tuple[ReaderReport[int], list[int]]:
        tx, rx = chan(1)
        notify = Notify()
        stop = run_consumer(rx, notify, stop_after=1)
        rr, cr = await asyncio.gather(
            run_reader(wire([1, 2, 3, 4], gap=0.01), BackpressureQueue(4), tx, notify), stop
        )
        return rr, cr.delivered + cr.discarded

    rr, seen = asyncio.run(main())
    assert rr.end is ReaderEnd.SHUTDOWN
    everything = sorted(seen + rr.lost + rr.left + rr.refused)
    assert everything == sorted(set(everything))  # nothing counted twice
    assert set(rr.read) == set(everything)  # every item read is accounted for


def test_a_cancelled_reader_reports_its_backlog() -> None:
    async def main() -> ReaderReport[int]:
        tx, _rx = chan(1)
        report: ReaderReport[int] = ReaderReport()
        task = asyncio.ensure_future(
            run_reader(wire([1, 2, 3]), BackpressureQueue(4), tx, Notify(), report=report)
        )
        await asyncio.sleep(0.01)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return report

    report = asyncio.run(main())
    assert report.end is ReaderEnd.CANCELLED and report.left == [2, 3]


def test_a_producer_reports_what_it_could_not_send() -> None:
    async def main() -> tuple[list[int], list[int], ProducerEnd | None]:
        tx, rx = chan(1)
        rx.close()
        rep = await run_producer(tx, [7, 8])
        return rep.sent, rep.refused, rep.end

    assert asyncio.run(main()) == ([], [7, 8], ProducerEnd.CLOSED)


def test_drain_first_refuses_only_when_the_channel_is_full_too() -> None:
    tx, rx = chan(1)
    q: DrainFirstQueue[int] = DrainFirstQueue(1)
    q.enqueue_or_send(tx, 1)
    q.enqueue_or_send(tx, 2)  # spilled
    assert rx.try_recv() == 1
    q.enqueue_or_send(tx, 3)  # the seed would refuse here, with a free slot: this drains 2 first
    assert rx.buffered() == (2,) and q.backlog() == (3,)
    with pytest.raises(QueueFull):
        q.enqueue_or_send(tx, 4)  # backlog at cap and channel full
    seed: BackpressureQueue[int] = BackpressureQueue(1)
    tx2, rx2 = chan(1)
    seed.enqueue_or_send(tx2, 1)
    seed.enqueue_or_send(tx2, 2)
    rx2.try_recv()
    with pytest.raises(QueueFull):
        seed.enqueue_or_send(tx2, 3)


def test_drain_first_keeps_the_backlog_when_the_channel_closed() -> None:
    from tidegate.impl import Closed

    tx, rx = chan(1)
    q: DrainFirstQueue[int] = DrainFirstQueue(2)
    q.enqueue_or_send(tx, 1)
    q.enqueue_or_send(tx, 2)
    rx.close()
    with pytest.raises(Closed) as err:
        q.enqueue_or_send(tx, 3)
    assert err.value.item == 3 and q.backlog() == (2,)


def test_processing_that_raises_is_reported_after_the_ping_and_the_consumer_goes_on() -> None:
    async def main() -> tuple[ConsumerReport[int], bool]:
        tx, rx = chan(4)
        notify = Notify()
        for item in (1, 2, 3):
            tx.try_send(item)
        tx.drop()

        async def process(item: int) -> None:
            if item == 2:
                raise ValueError(f"cannot process {item}")

        rep = await run_consumer(rx, notify, process=process)
        return rep, notify.has_permit

    rep, permit = asyncio.run(main())
    assert rep.delivered == [1, 2, 3] and rep.failed == [2]
    assert rep.pings == 3 and permit  # item 2's ping went out before its processing failed
    assert rep.end is ConsumerEnd.END_OF_STREAM


def test_a_consumer_told_to_stop_drops_its_receiver_and_reports_the_buffer() -> None:
    async def main() -> tuple[ConsumerReport[int], ProducerReport[int]]:
        tx, rx = chan(1)
        for item in (1,):
            tx.try_send(item)
        asked = iter([None, ConsumerCommand.STOP])
        producer = asyncio.ensure_future(run_producer(tx.clone(), [2, 3]))
        rep = await run_consumer(rx, Notify(), command=lambda: next(asked))
        return rep, await producer

    rep, sent = asyncio.run(main())
    assert rep.end is ConsumerEnd.STOPPED
    assert rep.delivered == [1] and rep.discarded == [2]  # 2 took the slot 1 freed
    assert sent.sent == [2] and sent.refused == [3] and sent.end is ProducerEnd.CLOSED


def test_a_consumer_told_to_close_receives_what_is_buffered_then_ends() -> None:
    async def main() -> tuple[ConsumerReport[int], ProducerReport[int]]:
        tx, rx = chan(2)
        tx.try_send(1)
        tx.try_send(2)
        parked = asyncio.ensure_future(run_producer(tx.clone(), [3]))
        await asyncio.sleep(0)  # the producer parks: no slot is free
        asked = iter([ConsumerCommand.CLOSE])
        rep = await run_consumer(rx, Notify(), command=lambda: next(asked, None))
        return rep, await parked

    rep, producer = asyncio.run(main())
    assert rep.delivered == [1, 2] and rep.discarded == []
    assert rep.end is ConsumerEnd.END_OF_STREAM  # closed and empty, though a sender lives
    assert producer.refused == [3] and producer.end is ProducerEnd.CLOSED
