"""The backpressure queue on the real channel: its snapshot and text, its errors' items, and
the receive its fast path wakes."""

from __future__ import annotations

import asyncio

import pytest

from tests.support.aio import pair, run, settle
from tidegate.impl import BackpressureQueue, QueueFull


def test_cap_zero_queue_full_carries_the_item() -> None:
    """Mutation: kills `enqueue_or_send` raising `QueueFull(None)` on its cap-0 path
    (impl/queue.py)."""
    tx, _rx = pair(1)
    q: BackpressureQueue[int] = BackpressureQueue(0)
    q.enqueue_or_send(tx, 1)
    with pytest.raises(QueueFull) as full:
        q.enqueue_or_send(tx, 2)
    assert full.value.item == 2


def test_backlog_snapshot_and_repr_show_the_items_in_order() -> None:
    """Mutation: kills `backlog()` returning None and the string mutants of
    `BackpressureQueue.__repr__` (impl/queue.py)."""
    tx, rx = pair(1)
    q: BackpressureQueue[int] = BackpressureQueue(3)
    for item in (1, 2, 3):
        q.enqueue_or_send(tx, item)
    assert q.backlog() == (2, 3)
    assert repr(q) == "BackpressureQueue(cap=3, backlog=[2, 3])"
    assert rx.buffered() == (1,)


def test_queue_send_wakes_a_waiting_receiver() -> None:
    """Mutation: kills `enqueue_or_send`'s inlined send waking the receiver only when
    `recv_waiter is None` (impl/queue.py)."""

    async def main() -> None:
        tx, rx = pair(2)
        q: BackpressureQueue[int] = BackpressureQueue(1)
        waiting = asyncio.create_task(rx.recv())
        await settle()
        q.enqueue_or_send(tx, 7)
        assert await asyncio.wait_for(waiting, timeout=1) == 7

    run(main)
