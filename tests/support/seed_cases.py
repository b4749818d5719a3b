"""The seed's ten unit tests, ported one for one (same names, same assertions).

Each case takes the queue class under test, so `test_seed_port.py` runs them on
`BackpressureQueue` and also shows each one failing on a deliberately broken queue.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import pytest

from tidegate.impl import BackpressureQueue, Closed, QueueFull, Receiver, Sender
from tidegate.impl.channel import channel

QueueClass = type[BackpressureQueue[int]]
SeedCase = Callable[[QueueClass], Coroutine[Any, Any, None]]


def int_channel(capacity: int) -> tuple[Sender[int], Receiver[int]]:
    return channel(capacity)


async def empty_queue_sends_directly(Q: QueueClass) -> None:
    tx, rx = int_channel(4)
    q = Q(8)
    q.enqueue_or_send(tx, 42)
    assert not q.has_pending()
    assert await rx.recv() == 42


async def full_channel_spills_to_backlog(Q: QueueClass) -> None:
    tx, rx = int_channel(2)
    q = Q(8)
    q.enqueue_or_send(tx, 1)
    q.enqueue_or_send(tx, 2)
    q.enqueue_or_send(tx, 3)  # channel full: spills
    q.enqueue_or_send(tx, 4)
    assert len(q) == 2
    assert await rx.recv() == 1
    assert await rx.recv() == 2
    assert q.try_drain_one(tx)
    assert q.try_drain_one(tx)
    assert not q.has_pending()
    assert await rx.recv() == 3
    assert await rx.recv() == 4


async def cap_exceeded_returns_queue_full(Q: QueueClass) -> None:
    tx, _rx = int_channel(1)
    q = Q(2)
    q.enqueue_or_send(tx, 1)
    q.enqueue_or_send(tx, 2)
    q.enqueue_or_send(tx, 3)
    with pytest.raises(QueueFull):
        q.enqueue_or_send(tx, 4)


async def closed_channel_returns_closed_error(Q: QueueClass) -> None:
    tx, rx = int_channel(1)
    rx.drop()
    q = Q(8)
    with pytest.raises(Closed):
        q.enqueue_or_send(tx, 42)


async def order_preserved_with_backlog(Q: QueueClass) -> None:
    tx, rx = int_channel(4)
    q = Q(8)
    for item in (1, 2, 3, 4, 5):  # 5 spills
        q.enqueue_or_send(tx, item)
    for expected in range(1, 5):
        assert await rx.recv() == expected
    # The channel is empty now, yet 6 must spill behind 5 to keep order.
    q.enqueue_or_send(tx, 6)
    assert len(q) == 2
    assert q.try_drain_one(tx)
    assert q.try_drain_one(tx)
    assert await rx.recv() == 5
    assert await rx.recv() == 6


async def drain_when_channel_still_full_returns_false(Q: QueueClass) -> None:
    tx, _rx = int_channel(1)
    q = Q(8)
    q.enqueue_or_send(tx, 1)
    q.enqueue_or_send(tx, 2)
    assert not q.try_drain_one(tx)
    assert len(q) == 1


async def cap_zero_immediately_overflows_on_full_channel(Q: QueueClass) -> None:
    tx, _rx = int_channel(1)
    q = Q(0)
    q.enqueue_or_send(tx, 1)
    with pytest.raises(QueueFull):
        q.enqueue_or_send(tx, 2)


async def drain_on_empty_backlog_is_noop(Q: QueueClass) -> None:
    tx, _rx = int_channel(4)
    q = Q(8)
    assert not q.try_drain_one(tx)
    assert not q.has_pending()


async def drain_propagates_closed_channel(Q: QueueClass) -> None:
    tx, rx = int_channel(1)
    q = Q(8)
    q.enqueue_or_send(tx, 1)
    q.enqueue_or_send(tx, 2)
    rx.drop()
    with pytest.raises(Closed):
        q.try_drain_one(tx)


async def has_pending_tracks_backlog_state(Q: QueueClass) -> None:
    tx, rx = int_channel(1)
    q = Q(8)
    assert not q.has_pending()
    q.enqueue_or_send(tx, 1)
    assert not q.has_pending(), "in-channel send doesn't add to backlog"
    q.enqueue_or_send(tx, 2)
    assert q.has_pending(), "spilled item is pending"
    await rx.recv()
    assert q.try_drain_one(tx)
    assert not q.has_pending(), "backlog drained"


SEED_CASES: tuple[SeedCase, ...] = (
    empty_queue_sends_directly,
    full_channel_spills_to_backlog,
    cap_exceeded_returns_queue_full,
    closed_channel_returns_closed_error,
    order_preserved_with_backlog,
    drain_when_channel_still_full_returns_false,
    cap_zero_immediately_overflows_on_full_channel,
    drain_on_empty_backlog_is_noop,
    drain_propagates_closed_channel,
    has_pending_tracks_backlog_state,
)
