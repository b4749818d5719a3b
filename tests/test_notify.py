"""Notify: one stored permit, coalescing, FIFO wake-ups, no notification lost to cancellation."""

from __future__ import annotations

import asyncio

from tidegate.impl import Notify


def test_pings_before_a_wait_coalesce_into_one_permit() -> None:
    async def scenario() -> list[bool]:
        notify = Notify()
        for _ in range(10):
            notify.notify_one()
        await asyncio.wait_for(notify.notified(), 1)
        second = asyncio.ensure_future(notify.notified())
        await asyncio.sleep(0)
        woke_twice = second.done()
        second.cancel()
        return [notify.has_permit, woke_twice]

    assert asyncio.run(scenario()) == [False, False]


def test_notify_wakes_a_waiter_without_storing_a_permit() -> None:
    async def scenario() -> list[bool]:
        notify = Notify()
        waiter = asyncio.ensure_future(notify.notified())
        await asyncio.sleep(0)
        notify.notify_one()
        await asyncio.wait_for(waiter, 1)
        return [waiter.done(), notify.has_permit]

    assert asyncio.run(scenario()) == [True, False]


def test_waiters_wake_in_order_one_per_ping() -> None:
    async def scenario() -> list[int]:
        notify = Notify()
        woke: list[int] = []

        async def wait(n: int) -> None:
            await notify.notified()
            woke.append(n)

        tasks = [asyncio.ensure_future(wait(n)) for n in range(3)]
        await asyncio.sleep(0)
        notify.notify_one()
        notify.notify_one()
        await asyncio.sleep(0)
        await asyncio.sleep(0)
        tasks[2].cancel()
        return woke

    assert asyncio.run(scenario()) == [0, 1]


def test_a_notification_given_to_a_cancelled_waiter_passes_on() -> None:
    async def scenario() -> bool:
        notify = Notify()
        first = asyncio.ensure_future(notify.notified())
        await asyncio.sleep(0)
        notify.notify_one()  # chosen: first, whose task is cancelled before it runs
        first.cancel()
        await asyncio.sleep(0)
        return notify.has_permit

    assert asyncio.run(scenario()) is True
