"""tokio 1.24.2 `tokio/tests/sync_notify.rs` and the unit tests of
`tokio/src/sync/tests/notify.rs`, translated.

`spawn(async { notify.notified().await })` is `spawn(waiting(notify))`, and
`spawn(notify.notified())` polls the `Notified` itself; `future.enter(|_, fut|
fut.enable())` calls `enable()` on that `Notified`. A dropped future is `drop()`.

NOT_TRANSLATED (reported as skipped, with these reasons):

| tokio test | why it does not apply |
|---|---|
| sync_notify.rs::notify_in_drop_after_wake | Drop-based (a waker's destructor that |
| | calls notify_waiters must not deadlock): no wakers, destructors or locks here |
| tests/notify.rs::notify_clones_waker_before_lock | waker-specific (cloning a waker runs |
| | code while the wait list is locked): no wakers or locks here |
| tests/notify.rs::watch_test | a test of the watch channel, not of Notify |
| (AssertSend impls) | Rust's Send + Sync bounds: compile time only |
"""

from __future__ import annotations

import pytest

from tests.support.tokio_test import run, spawn
from tidegate.impl import Notify, Ready

NOT_TRANSLATED = {
    "sync_notify.rs::notify_in_drop_after_wake": (
        "Drop-based: a waker whose destructor calls notify_waiters must not deadlock; "
        "no wakers, destructors or locks here"
    ),
    "src/sync/tests/notify.rs::notify_clones_waker_before_lock": (
        "waker-specific: cloning a waker runs code while the wait list is locked; "
        "no wakers or locks here"
    ),
    "src/sync/tests/notify.rs::watch_test": "a test of the watch channel, not of Notify",
    "sync_notify.rs::AssertSend": "Rust's Send + Sync bounds: compile time only",
}


@pytest.mark.parametrize("name", sorted(NOT_TRANSLATED))
def test_not_translated(name: str) -> None:
    pytest.skip(f"tokio {name}: {NOT_TRANSLATED[name]}")


async def waiting(notify: Notify) -> None:
    await notify.notified()


def test_notify_notified_one() -> None:
    # tokio: tests/sync_notify.rs::notify_notified_one
    async def scenario() -> None:
        notify = Notify()
        notified = spawn(waiting(notify))
        notify.notify_one()
        assert notified.poll() == Ready(None)

    run(scenario)


def test_notified_one_notify() -> None:
    # tokio: tests/sync_notify.rs::notified_one_notify
    async def scenario() -> None:
        notify = Notify()
        notified = spawn(waiting(notify))
        assert notified.poll() is None
        notify.notify_one()
        assert notified.is_woken()
        assert notified.poll() == Ready(None)

    run(scenario)


def test_notified_multi_notify() -> None:
    # tokio: tests/sync_notify.rs::notified_multi_notify
    async def scenario() -> None:
        notify = Notify()
        notified1, notified2 = spawn(waiting(notify)), spawn(waiting(notify))
        assert notified1.poll() is None and notified2.poll() is None
        notify.notify_one()
        assert notified1.is_woken() and not notified2.is_woken()
        assert notified1.poll() == Ready(None)
        assert notified2.poll() is None
        notified2.drop()

    run(scenario)


def test_notify_notified_multi() -> None:
    # tokio: tests/sync_notify.rs::notify_notified_multi
    async def scenario() -> None:
        notify = Notify()
        notify.notify_one()
        notified1, notified2 = spawn(waiting(notify)), spawn(waiting(notify))
        assert notified1.poll() == Ready(None)
        assert notified2.poll() is None
        notify.notify_one()
        assert notified2.is_woken()
        assert notified2.poll() == Ready(None)

    run(scenario)


def test_notified_drop_notified_notify() -> None:
    # tokio: tests/sync_notify.rs::notified_drop_notified_notify
    async def scenario() -> None:
        notify = Notify()
        notified1, notified2 = spawn(waiting(notify)), spawn(waiting(notify))
        assert notified1.poll() is None
        notified1.drop()
        assert notified2.poll() is None
        notify.notify_one()
        assert notified2.is_woken()
        assert notified2.poll() == Ready(None)

    run(scenario)


def test_notified_multi_notify_drop_one() -> None:
    # tokio: tests/sync_notify.rs::notified_multi_notify_drop_one
    async def scenario() -> None:
        notify = Notify()
        notified1, notified2 = spawn(waiting(notify)), spawn(waiting(notify))
        assert notified1.poll() is None and notified2.poll() is None
        notify.notify_one()
        assert notified1.is_woken() and not notified2.is_woken()
        notified1.drop()
        assert notified2.is_woken()
        assert notified2.poll() == Ready(None)

    run(scenario)


def test_notify_one_after_dropped_all() -> None:
    # tokio: tests/sync_notify.rs::notify_one_after_dropped_all
    async def scenario() -> None:
        notify = Notify()
        notified1 = spawn(waiting(notify))
        assert notified1.poll() is None
        notify.notify_waiters()
        notify.notify_one()
        notified1.drop()
        notified2 = spawn(waiting(notify))
        assert notified2.poll() == Ready(None)

    run(scenario)


def test_notify_one_not_enabled() -> None:
    # tokio: tests/sync_notify.rs::test_notify_one_not_enabled
    async def scenario() -> None:
        notify = Notify()
        future = spawn(notify.notified())
        notify.notify_one()
        assert future.poll() == Ready(None)

    run(scenario)


def test_notify_one_after_enable() -> None:
    # tokio: tests/sync_notify.rs::test_notify_one_after_enable
    async def scenario() -> None:
        notify = Notify()
        notified = notify.notified()
        future = spawn(notified)
        assert not notified.enable()
        notify.notify_one()
        assert future.poll() == Ready(None)
        assert notified.enable()

    run(scenario)


def test_poll_after_enable() -> None:
    # tokio: tests/sync_notify.rs::test_poll_after_enable
    async def scenario() -> None:
        notify = Notify()
        notified = notify.notified()
        future = spawn(notified)
        assert not notified.enable()
        assert future.poll() is None
        future.drop()

    run(scenario)


def test_enable_after_poll() -> None:
    # tokio: tests/sync_notify.rs::test_enable_after_poll
    async def scenario() -> None:
        notify = Notify()
        notified = notify.notified()
        future = spawn(notified)
        assert future.poll() is None
        assert not notified.enable()
        future.drop()

    run(scenario)


def test_enable_consumes_permit() -> None:
    # tokio: tests/sync_notify.rs::test_enable_consumes_permit
    async def scenario() -> None:
        notify = Notify()
        notify.notify_one()  # add a permit
        future1 = notify.notified()
        assert future1.enable()
        future2 = notify.notified()
        assert not future2.enable()
        future2.close()

    run(scenario)


def test_waker_update() -> None:
    # tokio: tests/sync_notify.rs::test_waker_update (a first poll with another waker;
    # here a poll is a poll, and the future is woken all the same)
    async def scenario() -> None:
        notify = Notify()
        future = spawn(notify.notified())
        assert future.poll() is None
        assert future.poll() is None
        notify.notify_one()
        assert future.is_woken()

    run(scenario)


def test_notify_simple() -> None:
    # tokio: src/sync/tests/notify.rs::notify_simple
    async def scenario() -> None:
        notify = Notify()
        fut1 = spawn(notify.notified())
        assert fut1.poll() is None
        fut2 = spawn(notify.notified())
        assert fut2.poll() is None
        notify.notify_waiters()
        assert isinstance(fut1.poll(), Ready)
        assert isinstance(fut2.poll(), Ready)

    run(scenario)
