"""tokio 1.24.2 `tokio/src/sync/tests/loom_notify.rs`, Notify's loom models, translated.

Each model runs under every interleaving of its threads (`support.interleavings`),
at asyncio's grain: a step is what a thread does between two awaits. Every model
of the file applies: none is left out.
"""

from __future__ import annotations

import asyncio

from tests.support.tokio_test import Thread, interleavings, spawn
from tidegate.impl import Notify


def test_notify_one() -> None:
    # tokio: src/sync/tests/loom_notify.rs::notify_one
    def model() -> list[Thread]:
        notify = Notify()

        async def waiter() -> None:
            await notify.notified()

        async def main() -> None:
            notify.notify_one()

        return [main(), waiter()]

    assert interleavings(model) >= 2


def test_notify_waiters() -> None:
    # tokio: src/sync/tests/loom_notify.rs::notify_waiters
    def model() -> list[Thread]:
        notify = Notify()
        notified1, notified2 = notify.notified(), notify.notified()  # created before

        async def notifier() -> None:
            notify.notify_waiters()

        async def main() -> None:
            await notified1
            await notified2

        return [main(), notifier()]

    assert interleavings(model) >= 2


def test_notify_waiters_and_one() -> None:
    # tokio: src/sync/tests/loom_notify.rs::notify_waiters_and_one
    def model() -> list[Thread]:
        notify = Notify()

        async def th1() -> None:
            notify.notify_waiters()

        async def th2() -> None:
            notify.notify_one()

        async def th3() -> None:
            notified = notify.notified()
            await notified

        return [th1(), th2(), th3()]

    assert interleavings(model) >= 6


def test_notify_multi() -> None:
    # tokio: src/sync/tests/loom_notify.rs::notify_multi
    def model() -> list[Thread]:
        notify = Notify()
        joined = [asyncio.get_running_loop().create_future() for _ in range(2)]

        async def waiter(done: asyncio.Future[None]) -> None:
            await notify.notified()
            notify.notify_one()
            done.set_result(None)

        async def main() -> None:
            notify.notify_one()
            for done in joined:  # th.join()
                await done
            await notify.notified()

        return [main(), *(waiter(done) for done in joined)]

    assert interleavings(model) >= 2


def test_notify_drop() -> None:
    # tokio: src/sync/tests/loom_notify.rs::notify_drop
    def model() -> list[Thread]:
        notify = Notify()

        async def th1() -> None:
            recv = spawn(notify.notified())
            if recv.poll() is not None:  # polled once; ready: pass a notification on
                notify.notify_one()
            else:
                recv.drop()  # dropped unfinished at the end of the thread

        async def th2() -> None:
            await notify.notified()
            notify.notify_one()  # trigger the second notification
            await notify.notified()

        async def main() -> None:
            notify.notify_one()

        return [main(), th1(), th2()]

    assert interleavings(model) >= 6
