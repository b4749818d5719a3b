"""Behaviours that mutation testing (scripts/mutation.py) showed no other test pinned down.

Each test states one promise of a docstring in model/ or impl/: what an error
hands back, what text a person reads, what a waiting task sees, what is
discarded. Every one of them failed on at least one surviving mutant.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from tidegate import model
from tidegate.impl import (
    BackpressureQueue,
    ChannelClosed,
    ChannelFull,
    Closed,
    HandleDroppedError,
    Notify,
    QueueFull,
    Receiver,
    ReceiverStatus,
    Sender,
)
from tidegate.impl.channel import channel
from tidegate.model import Op, OpName


def pair(capacity: int) -> tuple[Sender[int], Receiver[int]]:
    return channel(capacity)


def run(main: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(asyncio.wait_for(main(), timeout=5))


async def settle() -> None:
    """Let every ready task run until it parks."""
    for _ in range(5):
        await asyncio.sleep(0)


# --- the model: what is discarded, and how answers and operations read ---------------


def test_drop_receiver_reports_the_buffered_items_as_discarded() -> None:
    s = model.new(2, 1)
    s = model.try_send(s, 1001).state
    s = model.enqueue_or_send(s, 1).state
    assert model.drop_receiver(s).discarded == (1001, 1)


def test_a_closed_drain_reports_the_front_item_as_discarded() -> None:
    s = model.new(1, 2)
    for item in (1, 2, 3):
        s = model.enqueue_or_send(s, item).state
    s = model.close(s).state
    drained = model.try_drain_one(s)
    assert (drained.answer, drained.discarded, drained.state.queue.backlog) == (
        model.CLOSED,
        (2,),
        (3,),
    )


@pytest.mark.parametrize(
    ("answer", "text"),
    [
        (model.Ok(True), "ok true"),
        (model.Ok(False), "ok false"),
        (model.Ok(-7), "ok -7"),
        (model.OK, "ok null"),
        (model.QUEUE_FULL, "err QueueFull"),
    ],
)
def test_answers_read_as_their_protocol_text(answer: model.Answer, text: str) -> None:
    assert str(answer) == text


def test_operations_read_as_their_wire_names() -> None:
    assert str(Op(OpName.ENQUEUE_OR_SEND, 3)) == "enqueue_or_send(3)"
    assert str(Op(OpName.TRY_RECV)) == "try_recv"


def test_an_item_out_of_range_is_refused_naming_the_item() -> None:
    with pytest.raises(model.ModelValueError, match=r"^item must be <= 9223372036854775807, got"):
        model.enqueue_or_send(model.new(1, 1), 2**63)


# --- the queue: every error hands back the item it failed to deliver ----------------


def test_queue_errors_carry_the_refused_or_discarded_item() -> None:
    tx, rx = pair(1)
    q: BackpressureQueue[int] = BackpressureQueue(1)
    q.enqueue_or_send(tx, 1)
    q.enqueue_or_send(tx, 2)  # spilled
    with pytest.raises(QueueFull) as full:
        q.enqueue_or_send(tx, 3)
    assert (full.value.item, full.value.args) == (3, (3,))
    rx.close()
    with pytest.raises(Closed) as drained:
        q.try_drain_one(tx)
    assert drained.value.item == 2
    with pytest.raises(Closed) as refused:
        q.enqueue_or_send(tx, 4)
    assert refused.value.item == 4


def test_cap_zero_queue_full_carries_the_item() -> None:
    tx, _rx = pair(1)
    q: BackpressureQueue[int] = BackpressureQueue(0)
    q.enqueue_or_send(tx, 1)
    with pytest.raises(QueueFull) as full:
        q.enqueue_or_send(tx, 2)
    assert full.value.item == 2


def test_backlog_snapshot_and_repr_show_the_items_in_order() -> None:
    tx, rx = pair(1)
    q: BackpressureQueue[int] = BackpressureQueue(3)
    for item in (1, 2, 3):
        q.enqueue_or_send(tx, item)
    assert q.backlog() == (2, 3)
    assert repr(q) == "BackpressureQueue(cap=3, backlog=[2, 3])"
    assert rx.buffered() == (1,)


# --- the channel: handles, statuses and the messages a person reads -----------------


def test_fresh_channel_reports_not_closed_as_false_and_close_as_closed() -> None:
    tx, rx = pair(1)
    assert tx.is_closed() is False
    rx.close()
    assert rx.status is ReceiverStatus.CLOSED
    assert tx.is_closed() is True


def test_dropped_handles_say_which_handle_was_dropped() -> None:
    tx, rx = pair(1)
    tx.clone()
    tx.drop()
    with pytest.raises(
        HandleDroppedError,
        match=r"^this Sender was dropped; clone a live one before dropping$",
    ):
        tx.capacity()
    rx.drop()
    with pytest.raises(HandleDroppedError, match=r"^this Receiver was dropped$"):
        rx.try_recv()

    async def main() -> None:
        with pytest.raises(HandleDroppedError, match=r"^this Receiver was dropped$"):
            await rx.recv()

    run(main)


def test_channel_errors_carry_the_item_as_their_argument() -> None:
    tx, rx = pair(1)
    tx.try_send(1)
    with pytest.raises(ChannelFull) as full:
        tx.try_send(2)
    assert (full.value.item, full.value.args, str(full.value)) == (2, (2,), "2")
    rx.close()
    with pytest.raises(ChannelClosed) as closed:
        tx.try_send(3)
    assert closed.value.args == (3,)


def test_send_on_a_closed_channel_hands_the_item_back() -> None:
    async def main() -> None:
        tx, rx = pair(1)
        rx.close()
        with pytest.raises(ChannelClosed) as closed:
            await tx.send(5)
        assert closed.value.item == 5

    run(main)


def test_send_with_a_free_slot_buffers_at_once() -> None:
    async def main() -> None:
        tx, rx = pair(2)
        await asyncio.wait_for(tx.send(5), timeout=1)
        assert rx.try_recv() == 5

    run(main)


def test_queue_send_wakes_a_waiting_receiver() -> None:
    async def main() -> None:
        tx, rx = pair(2)
        q: BackpressureQueue[int] = BackpressureQueue(1)
        waiting = asyncio.create_task(rx.recv())
        await settle()
        q.enqueue_or_send(tx, 7)
        assert await asyncio.wait_for(waiting, timeout=1) == 7

    run(main)


def test_sends_after_a_woken_receive_still_work() -> None:
    async def main() -> None:
        tx, rx = pair(2)
        waiting = asyncio.create_task(rx.recv())
        await settle()
        tx.try_send(1)
        assert await waiting == 1
        tx.try_send(2)
        assert await asyncio.wait_for(rx.recv(), timeout=1) == 2

    run(main)


def test_a_cancelled_receive_leaves_the_channel_usable() -> None:
    async def main() -> None:
        tx, rx = pair(2)
        waiting = asyncio.create_task(rx.recv())
        await settle()
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        tx.try_send(3)
        assert await asyncio.wait_for(rx.recv(), timeout=1) == 3

    run(main)


def test_dropping_the_last_sender_ends_a_waiting_receive() -> None:
    async def main() -> None:
        tx, rx = pair(1)
        other = tx.clone()
        waiting = asyncio.create_task(rx.recv())
        await settle()
        tx.drop()
        await settle()
        assert not waiting.done()  # one sender is still alive
        other.drop()
        assert await asyncio.wait_for(waiting, timeout=1) is None

    run(main)


# --- Notify: cancellation neither invents nor loses a notification -------------------


def test_cancelling_an_unnotified_wait_stores_no_permit() -> None:
    async def main() -> None:
        notify = Notify()
        waiting = asyncio.create_task(notify.notified())
        await settle()
        waiting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await waiting
        assert not notify.has_permit

    run(main)


def test_a_notification_racing_a_cancellation_becomes_the_permit() -> None:
    async def main() -> None:
        notify = Notify()
        waiting = asyncio.create_task(notify.notified())
        await settle()
        waiting.cancel()  # the wait is cancelled, its task has not run yet...
        notify.notify_one()  # ...so this finds no live waiter and stores the permit
        with pytest.raises(asyncio.CancelledError):
            await waiting
        assert notify.has_permit

    run(main)


def test_cancelled_waits_do_not_pile_up() -> None:
    async def main() -> None:
        notify = Notify()
        for _ in range(3):
            waiting = asyncio.create_task(notify.notified())
            await settle()
            waiting.cancel()
            with pytest.raises(asyncio.CancelledError):
                await waiting
        # A leak shows as stale waiters; none may remain once their tasks are gone.
        assert len(notify._waiters) == 0

    run(main)
