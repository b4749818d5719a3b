"""The asyncio channel's rules (tokio 1.24.2's), exercised on a real event loop."""

from __future__ import annotations

import asyncio

import pytest

from tests.support.aio import pair, run, settle
from tidegate.impl import (
    ChannelClosed,
    ChannelDisconnected,
    ChannelEmpty,
    ChannelFull,
    HandleDroppedError,
    Ready,
    ReceiverStatus,
    Sender,
    Spawned,
    WeakSender,
)
from tidegate.impl.chan import dead_chan


def test_closure_beats_fullness_and_hands_the_item_back() -> None:
    tx, rx = pair(1)
    tx.try_send(1)
    with pytest.raises(ChannelFull) as full:
        tx.try_send(2)
    assert full.value.item == 2
    rx.close()
    with pytest.raises(ChannelClosed) as closed:
        tx.try_send(3)
    assert closed.value.item == 3


def test_close_keeps_items_and_capacity_then_empty_while_senders_live() -> None:
    tx, rx = pair(3)
    tx.try_send(1)
    tx.try_send(2)
    rx.close()
    assert tx.capacity() == 1 and tx.is_closed()
    assert rx.try_recv() == 1
    assert tx.capacity() == 2
    assert rx.try_recv() == 2
    with pytest.raises(ChannelEmpty):
        rx.try_recv()
    assert asyncio.run(rx.recv()) is None


def test_drop_discards_reports_and_frees_every_slot() -> None:
    tx, rx = pair(2)
    tx.try_send(7)
    tx.try_send(8)
    assert rx.drop() == [7, 8]
    assert tx.capacity() == 2
    assert rx.status is ReceiverStatus.DROPPED
    with pytest.raises(ChannelClosed):
        tx.try_send(9)
    assert rx.drop() == []


def test_last_sender_dropped_disconnects() -> None:
    tx, rx = pair(2)
    other = tx.clone()
    tx.drop()
    other.try_send(5)
    other.drop()
    assert rx.try_recv() == 5
    with pytest.raises(ChannelDisconnected):
        rx.try_recv()
    assert asyncio.run(rx.recv()) is None
    with pytest.raises(HandleDroppedError):
        other.try_send(6)
    with pytest.raises(HandleDroppedError):
        other.capacity()


def test_recv_waits_for_a_send() -> None:
    async def scenario() -> list[int | None]:
        tx, rx = pair(1)
        got = asyncio.ensure_future(rx.recv())
        await asyncio.sleep(0)
        assert not got.done()
        tx.try_send(4)
        return [await got]

    assert asyncio.run(scenario()) == [4]


def test_parked_senders_are_served_in_order_before_try_send() -> None:
    async def scenario() -> tuple[list[int | None], int]:
        tx, rx = pair(1)
        tx.try_send(0)
        first = asyncio.ensure_future(tx.send(1))
        second = asyncio.ensure_future(tx.send(2))
        await asyncio.sleep(0)
        received = [await rx.recv()]  # frees a slot: it goes to the first parked send
        overtaken = 0
        try:
            tx.try_send(99)
        except ChannelFull:
            overtaken = 1
        received.append(await rx.recv())
        received.append(await rx.recv())
        await asyncio.gather(first, second)
        return received, overtaken

    assert asyncio.run(scenario()) == ([0, 1, 2], 1)


def test_close_fails_parked_senders_with_their_items() -> None:
    async def scenario() -> int:
        tx, rx = pair(1)
        tx.try_send(0)
        parked = asyncio.ensure_future(tx.send(1))
        await asyncio.sleep(0)
        rx.close()
        with pytest.raises(ChannelClosed) as info:
            await parked
        return int(info.value.item)

    assert asyncio.run(scenario()) == 1


def test_cancelled_send_delivers_nothing() -> None:
    async def scenario() -> list[int]:
        tx, rx = pair(1)
        tx.try_send(0)
        parked = asyncio.ensure_future(tx.send(1))
        await asyncio.sleep(0)
        parked.cancel()
        await asyncio.sleep(0)
        assert rx.try_recv() == 0
        tx.try_send(2)
        return [rx.try_recv(), tx.capacity()]

    assert asyncio.run(scenario()) == [2, 1]


def test_dropped_receiver_refuses_use() -> None:
    _tx, rx = pair(1)
    rx.drop()
    with pytest.raises(HandleDroppedError):
        rx.try_recv()


def test_fresh_channel_reports_not_closed_as_false_and_close_as_closed() -> None:
    """Mutation: kills `_Chan.__init__` starting `closed` as None instead of False, and `close()`
    setting the status to None (impl/channel.py)."""
    tx, rx = pair(1)
    assert tx.is_closed() is False
    rx.close()
    assert rx.status is ReceiverStatus.CLOSED
    assert tx.is_closed() is True


def test_dropped_handles_say_which_handle_was_dropped() -> None:
    """Mutation: kills the string mutants of the HandleDroppedError messages of `Sender._live`,
    `Receiver.try_recv` and `Receiver.recv` (impl/channel.py)."""
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


def test_send_on_a_closed_channel_hands_the_item_back() -> None:
    """Mutation: kills `Sender.send` raising `self._closed_error(None)` (impl/channel.py)."""

    async def main() -> None:
        tx, rx = pair(1)
        rx.close()
        with pytest.raises(ChannelClosed) as closed:
            await tx.send(5)
        assert closed.value.item == 5

    run(main)


def test_send_with_a_free_slot_buffers_at_once() -> None:
    """Mutation: kills `Sender.send`'s fast path with `not chan.send_waiters` negated (a send with
    a free slot then parks forever; impl/channel.py)."""

    async def main() -> None:
        tx, rx = pair(2)
        await asyncio.wait_for(tx.send(5), timeout=1)
        assert rx.try_recv() == 5

    run(main)


def test_sends_after_a_woken_receive_still_work() -> None:
    """Mutation: kills `_Chan.wake_receiver` with `not waiter.done()` negated, and `try_send`
    waking only when `recv_waiter is None` (impl/channel.py)."""

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
    """Mutation: kills `Receiver.recv` leaving `""` instead of None as the waiter after a
    cancelled wait (its `finally` clause; impl/channel.py)."""

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
    """Mutation: kills `Sender.drop` waking the receiver at `senders == 1` instead of 0, or
    not at all (impl/channel.py)."""

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


def test_dropping_a_sender_that_is_not_the_last_does_not_wake_a_receive() -> None:
    """Mutation: kills `Chan.drop_sender` waking on `senders == 0 or recv_waiters` (impl/chan.py).

    As in tokio, only the last sender's drop wakes the receiver: a hand-polled `recv()`
    is not woken by a clone going away, and is by the last one.
    """

    async def main() -> None:
        tx, rx = pair(1)
        other = tx.clone()
        receiving = Spawned(rx.recv())
        assert receiving.poll() is None
        other.drop()
        assert not receiving.is_woken()
        tx.drop()
        assert receiving.is_woken() and receiving.poll() == Ready(None)

    run(main)


def test_a_released_slot_wakes_a_receive_only_when_it_ends_the_close() -> None:
    """Mutation: kills `Chan.release` waking on `closed and recv_waiters or idle` and on
    `closed or recv_waiters and idle` (impl/chan.py).

    A `recv()` on a closed, empty channel waits while a Permit still holds a slot (an item
    may come). Releasing a slot wakes it only once no slot is held any more (closed and
    idle, tokio's `Permit` drop), and a release on an open channel never does.
    """

    async def main() -> None:
        tx, rx = pair(2)
        first, second = tx.try_reserve(), tx.try_reserve()
        receiving = Spawned(rx.recv())
        assert receiving.poll() is None
        first.release()  # open: nothing can end the wait
        assert not receiving.is_woken()
        first = tx.try_reserve()
        rx.close()
        assert receiving.is_woken() and receiving.poll() is None  # a Permit is still held
        first.release()  # closed, but `second` may still send
        assert not receiving.is_woken()
        second.release()  # closed and idle: nothing more can arrive
        assert receiving.is_woken() and receiving.poll() == Ready(None)

    run(main)


def test_cancelled_receives_leave_no_waiter_behind() -> None:
    """Mutation: kills `Receiver.recv`'s `finally` removing None instead of its waiter
    (impl/receiver.py).

    A consumer that waits with a timeout on an idle channel cancels a `recv()` each time;
    each must leave the channel as it found it, or the waiters pile up until an item comes.
    """

    async def main() -> None:
        tx, rx = pair(1)
        for _ in range(3):
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(rx.recv(), timeout=0.001)
        assert rx._chan.recv_waiters == []
        tx.try_send(1)
        assert await asyncio.wait_for(rx.recv(), timeout=1) == 1

    run(main)


def test_the_dead_channel_is_closed_with_no_free_slot_and_no_sender() -> None:
    """Mutation: kills `dead_chan` 1 and 4 to 9 (`closed`, `room` or `senders` set to None
    or the other value, or no channel at all; impl/chan.py).

    A dropped Sender points to it; its fast paths read only `closed`, so a send through it
    must find the channel closed (not full), no slot free and no sender to upgrade from.
    """
    chan = dead_chan()
    through = Sender(chan)
    with pytest.raises(ChannelClosed) as closed:
        through.try_send(1)
    assert closed.value.item == 1
    assert through.is_closed() is True and through.capacity() == 0
    assert WeakSender(chan).upgrade() is None
