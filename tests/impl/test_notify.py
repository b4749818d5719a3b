"""Notify: one stored permit, coalescing, FIFO wake-ups, no notification lost to cancellation."""

from __future__ import annotations

import asyncio

import pytest

from tests.support.aio import run, settle
from tidegate.impl import HandleDroppedError, Notify


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


def test_cancelling_an_unnotified_wait_stores_no_permit() -> None:
    """Mutation: kills `Notify.notified` storing a permit when a wait nobody notified is
    cancelled (impl/notify.py)."""

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
    """Mutation: kills `Notify.notify_one` leaving the permit unset (`self._permit = False`) or
    waking a done waiter (`if waiter.done()`) when its only waiter was cancelled
    (impl/notify.py)."""

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
    """Mutation: kills `Notify.notified` keeping a cancelled waiter in `_waiters` (the
    `self._waiters.remove(waiter)` dropped; impl/notify.py)."""

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


def test_a_dropped_notified_passes_its_notification_on() -> None:
    async def main() -> None:
        notify = Notify()
        first, second = notify.notified(), notify.notified()
        assert not first.enable() and not second.enable()
        notify.notify_one()  # picks first
        first.close()  # dropped before it ran: second gets the notification
        third = notify.notified()
        assert (second.enable(), third.enable()) == (True, False)
        third.close()

    run(main)


def test_notified_still_makes_a_task() -> None:
    async def main() -> None:
        notify = Notify()
        waiting = asyncio.create_task(notify.notified())
        await asyncio.sleep(0)
        notify.notify_one()
        await asyncio.wait_for(waiting, 1)
        assert not notify.has_permit

    run(main)


def test_a_closed_notified_refuses_to_wait_and_says_so() -> None:
    """Mutation: kills `Notified.close` dropping only a wait that is not fresh (`is not INIT`) or
    setting its state to None, and the string mutants of `_poll`'s HandleDroppedError message
    (impl/notify.py)."""

    async def main() -> None:
        notify = Notify()
        fresh, waiting = notify.notified(), notify.notified()
        assert not waiting.enable()
        fresh.close()  # never polled
        waiting.close()  # in the line
        for closed in (fresh, waiting):
            with pytest.raises(HandleDroppedError, match=r"^this Notified was closed$"):
                closed.enable()
        notify.notify_one()  # nobody waits any more: stored
        assert notify.has_permit

    run(main)


def test_a_completed_notified_stays_complete_even_once_closed() -> None:
    """Mutation: kills `Notified._poll` leaving its state None, not DONE, after taking the
    permit, and `Notified.close` dropping a completed wait (impl/notify.py)."""

    async def main() -> None:
        notify = Notify()
        notify.notify_one()
        took_permit = notify.notified()
        assert took_permit.enable() is True
        assert took_permit.enable() is True  # awaited again: returns at once
        took_permit.close()  # nothing happens once it completed
        assert took_permit.enable() is True
        await took_permit
        assert not notify.has_permit

    run(main)


def test_notify_waiters_completes_a_wait_created_between_two_calls() -> None:
    """Mutation: kills `Notify.notify_waiters` setting its call count to 1 instead of adding one
    (impl/notify.py): a second call would then not complete a wait created after the first."""

    async def main() -> None:
        notify = Notify()
        notify.notify_waiters()
        between = notify.notified()
        notify.notify_waiters()
        after = notify.notified()
        assert (between.enable(), after.enable()) == (True, False)
        after.close()

    run(main)


def test_a_wait_polled_again_before_it_is_notified_keeps_its_future() -> None:
    """Mutation: kills `Notified.send` making a new future at every poll (`fut = None`;
    impl/notify.py): a driver waiting on the future the first poll gave would never wake."""

    async def main() -> None:
        notify = Notify()
        waiting = notify.notified()
        first = waiting.send(None)
        assert waiting.send(None) is first  # polled again unwoken: nothing new
        notify.notify_one()
        assert first.done()
        with pytest.raises(StopIteration):
            waiting.send(None)

    run(main)


def test_an_exception_thrown_into_a_notified_is_the_one_raised() -> None:
    """Mutation: kills `Notified.throw` raising `typ()` in place of the instance given as
    `val`, or `val` when it is None (impl/notify.py)."""

    async def main() -> None:
        notify = Notify()
        given = ValueError("given")
        waiting = notify.notified()
        assert not waiting.enable()
        with pytest.raises(ValueError) as raised:
            waiting.throw(ValueError, given)
        assert raised.value is given
        by_type = notify.notified()
        with pytest.raises(KeyError):
            by_type.throw(KeyError)
        for thrown in (waiting, by_type):  # dropped by the throw
            with pytest.raises(HandleDroppedError):
                thrown.enable()

    run(main)
