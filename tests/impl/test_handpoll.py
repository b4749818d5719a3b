"""The hand-poll driver: a coroutine stepped only when the future it waits on is done."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Generator

import pytest

from tests.support.aio import pair, run
from tidegate.impl import ChannelClosed, Notify, PolledAfterCompletion, Ready, Spawned


def test_spawned_polls_only_when_woken_and_refuses_to_poll_a_finished_future() -> None:
    async def scenario() -> None:
        notify = Notify()
        waiting = Spawned(notify.notified())
        assert waiting.is_woken() and waiting.poll() is None
        assert not waiting.is_woken() and waiting.poll() is None
        notify.notify_one()
        assert waiting.is_woken()
        assert waiting.poll() == Ready(None) and waiting.done
        with pytest.raises(PolledAfterCompletion):
            waiting.poll()

        async def yields_once() -> int:
            await asyncio.sleep(0)  # a bare yield: asks to run again at once
            return 7

        spawned = Spawned(yields_once())
        assert spawned.poll() is None and spawned.is_woken()
        assert spawned.poll() == Ready(7)

    run(scenario)


def test_a_spawned_coroutine_is_done_once_it_raised_was_cancelled_or_dropped() -> None:
    """Mutation: kills `Spawned.__init__` starting `_done` as None, and `poll` (after a raise),
    `cancel` and `drop` leaving `_done` None or False, and `_check_live`'s message lost
    (impl/handpoll.py).

    Every way a coroutine ends makes `done` True, and a later poll, cancel or drop is
    refused naming the coroutine, rather than stepping a finished coroutine again.
    """

    async def main() -> None:
        tx, rx = pair(1)
        receiving = Spawned(rx.recv())
        assert receiving.done is False
        assert receiving.poll() is None and receiving.done is False
        receiving.cancel()
        assert receiving.done is True
        with pytest.raises(PolledAfterCompletion, match=r"recv.* already finished$"):
            receiving.poll()

        dropped = Spawned(rx.recv())
        assert dropped.poll() is None
        dropped.drop()
        assert dropped.done is True
        with pytest.raises(PolledAfterCompletion, match="already finished"):
            dropped.cancel()

        rx.close()
        sending = Spawned(tx.send(1))
        with pytest.raises(ChannelClosed):
            sending.poll()
        assert sending.done is True
        with pytest.raises(PolledAfterCompletion, match="already finished"):
            sending.drop()

    run(main)


class _YieldsFive:
    """An awaitable that hands its driver 5, which no asyncio driver accepts."""

    def __await__(self) -> Generator[int, None, None]:
        yield 5


def test_a_coroutine_yielding_what_is_not_a_future_is_refused_and_done() -> None:
    """Mutation: kills `Spawned._hold` leaving `_done` None or False after refusing what the
    coroutine yielded, and its RuntimeError's message lost (impl/handpoll.py)."""

    async def yields_five() -> None:
        await _YieldsFive()

    async def main() -> None:
        spawned = Spawned(yields_five())
        with pytest.raises(RuntimeError, match=r"yields_five .* yielded 5, not an asyncio future$"):
            spawned.poll()
        assert spawned.done is True
        with pytest.raises(PolledAfterCompletion):
            spawned.poll()

    run(main)


def test_a_coroutine_that_awaits_again_after_its_cancellation_is_an_error() -> None:
    """Mutation: kills `Spawned.cancel`'s RuntimeError losing its message (impl/handpoll.py)."""

    async def stubborn(fut: asyncio.Future[None]) -> None:
        with contextlib.suppress(asyncio.CancelledError):
            await fut
        await fut

    async def main() -> None:
        spawned = Spawned(stubborn(asyncio.get_running_loop().create_future()))
        assert spawned.poll() is None
        with pytest.raises(RuntimeError, match=r"stubborn .* kept running after being cancelled"):
            spawned.cancel()
        assert spawned.done is True

    run(main)


def test_two_spawned_coroutines_may_wait_on_one_future() -> None:
    """Mutation: kills `Spawned._hold` leaving the future's `_asyncio_future_blocking` True
    (impl/handpoll.py): as with asyncio's Task, a future one coroutine waits on may be
    awaited by another, which CPython's Future refuses while the flag is still set."""

    async def waits(fut: asyncio.Future[int]) -> int:
        return await fut

    async def main() -> None:
        fut: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        first, second = Spawned(waits(fut)), Spawned(waits(fut))
        assert first.poll() is None and second.poll() is None
        fut.set_result(3)
        assert (first.poll(), second.poll()) == (Ready(3), Ready(3))

    run(main)
