"""The asyncio channel's rules (tokio 1.24.2's), exercised on a real event loop."""

from __future__ import annotations

import asyncio

import pytest

from tidegate.impl import (
    ChannelClosed,
    ChannelDisconnected,
    ChannelEmpty,
    ChannelFull,
    HandleDroppedError,
    Receiver,
    ReceiverStatus,
    Sender,
)
from tidegate.impl.channel import channel


def pair(capacity: int) -> tuple[Sender[int], Receiver[int]]:
    return channel(capacity)


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
