"""The doc examples of tokio 1.24.2's `tokio/src/sync/mpsc/bounded.rs` and
`tokio/src/sync/notify.rs`, translated and made to assert what they print.

Each test names the item whose documentation holds the example.

NOT_TRANSLATED (reported as skipped, with these reasons):

| tokio doc example | why it does not apply |
|---|---|
| bounded.rs Receiver::blocking_recv | blocking_* (a thread blocked outside a runtime) |
| bounded.rs Sender::blocking_send | blocking_* (a thread blocked outside a runtime) |
| notify.rs Notify::const_new | a `const fn` for statics (parking_lot): nothing to translate |
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from typing import Any

import pytest

from tests.support.tokio_test import pair, run
from tidegate.impl import ChannelClosed, ChannelFull, Notify, Sender, SendTimeout

NOT_TRANSLATED = {
    "bounded.rs Receiver::blocking_recv": "blocking_* calls are not provided",
    "bounded.rs Sender::blocking_send": "blocking_* calls are not provided",
    "notify.rs Notify::const_new": "a const fn for statics: nothing to translate",
}


@pytest.mark.parametrize("name", sorted(NOT_TRANSLATED))
def test_not_translated(name: str) -> None:
    pytest.skip(f"tokio doc example {name}: {NOT_TRANSLATED[name]}")


# --- tokio/src/sync/mpsc/bounded.rs ------------------------------------------------------


def test_weak_sender_doc() -> None:
    # tokio: src/sync/mpsc/bounded.rs, WeakSender
    tx, _rx = pair(15)
    tx_weak = tx.downgrade()
    upgraded = tx_weak.upgrade()  # succeeds while tx exists
    assert upgraded is not None
    upgraded.drop()  # a temporary in Rust: dropped at once
    tx.drop()
    assert tx_weak.clone().upgrade() is None


def test_channel_doc() -> None:
    # tokio: src/sync/mpsc/bounded.rs, channel
    async def scenario() -> list[int]:
        tx, rx = pair(100)

        async def producer() -> None:
            for i in range(10):
                try:
                    await tx.send(i)
                except ChannelClosed:
                    return
            tx.drop()

        task = asyncio.ensure_future(producer())
        got = []
        while (i := await rx.recv()) is not None:
            got.append(i)
        await task
        return got

    assert run(scenario) == list(range(10))


def test_receiver_recv_doc() -> None:
    # tokio: src/sync/mpsc/bounded.rs, Receiver::recv (both examples)
    async def scenario() -> list[str | None]:
        tx, rx = pair(100)

        async def producer() -> None:
            await tx.send("hello")
            tx.drop()

        task = asyncio.ensure_future(producer())
        got = [await rx.recv(), await rx.recv()]
        await task
        tx2, rx2 = pair(100)
        await tx2.send("hello")
        await tx2.send("world")
        return [*got, await rx2.recv(), await rx2.recv()]

    assert run(scenario) == ["hello", None, "hello", "world"]


def test_receiver_try_recv_doc() -> None:
    # tokio: src/sync/mpsc/bounded.rs, Receiver::try_recv
    async def scenario() -> None:
        from tidegate.impl import ChannelDisconnected, ChannelEmpty

        tx, rx = pair(100)
        await tx.send("hello")
        assert rx.try_recv() == "hello"
        with pytest.raises(ChannelEmpty):
            rx.try_recv()
        await tx.send("hello")
        tx.drop()  # dropping the last sender closes the channel
        assert rx.try_recv() == "hello"
        with pytest.raises(ChannelDisconnected):
            rx.try_recv()

    run(scenario)


def test_receiver_close_doc() -> None:
    # tokio: src/sync/mpsc/bounded.rs, Receiver::close
    async def scenario() -> list[int]:
        tx, rx = pair(20)

        async def producer() -> None:
            i = 0
            while True:
                try:
                    permit = await tx.reserve()
                except ChannelClosed:
                    return
                permit.send(i)
                i += 1

        task = asyncio.ensure_future(producer())
        await asyncio.sleep(0)
        rx.close()
        got = []
        while (msg := await rx.recv()) is not None:
            got.append(msg)
        await task
        return got  # the channel closed and no message is lost

    got = run(scenario)
    assert got == list(range(len(got)))


def test_sender_send_doc() -> None:
    # tokio: src/sync/mpsc/bounded.rs, Sender::send
    async def scenario() -> list[int]:
        tx, rx = pair(1)

        async def producer() -> None:
            for i in range(10):
                await tx.send(i)  # each send waits until the previous value was received
            tx.drop()

        task = asyncio.ensure_future(producer())
        got = []
        while (i := await rx.recv()) is not None:
            got.append(i)
        await task
        return got

    assert run(scenario) == list(range(10))


def test_sender_closed_doc() -> None:
    # tokio: src/sync/mpsc/bounded.rs, Sender::closed
    async def scenario() -> None:
        tx1, rx = pair(1)
        senders = [tx1, *(tx1.clone() for _ in range(4))]

        async def dropper() -> None:
            await asyncio.sleep(0)  # so that every closed() is waiting first
            rx.drop()

        task = asyncio.ensure_future(dropper())
        await asyncio.wait_for(asyncio.gather(*(tx.closed() for tx in senders)), 1)
        await task

    run(scenario)


def test_sender_try_send_doc() -> None:
    # tokio: src/sync/mpsc/bounded.rs, Sender::try_send
    async def scenario() -> list[int | None]:
        tx1, rx = pair(1)
        tx2 = tx1.clone()

        async def first() -> None:
            await tx1.send(1)
            await tx1.send(2)  # waits until the receiver receives a value
            tx1.drop()

        async def second() -> None:
            with contextlib.suppress(ChannelFull):
                tx2.try_send(3)  # fails, sending nothing, if the buffer is full
            tx2.drop()

        tasks = [asyncio.ensure_future(first()), asyncio.ensure_future(second())]
        got = [await rx.recv(), await rx.recv(), await rx.recv()]
        await asyncio.gather(*tasks)
        return got

    got = run(scenario)
    # The third message may never have been sent (None) or arrived in any place.
    assert got[:2] == [1, 2] or (3 in got and [x for x in got if x != 3][:2] == [1, 2])


def test_sender_send_timeout_doc() -> None:
    # tokio: src/sync/mpsc/bounded.rs, Sender::send_timeout (100 ms / 200 ms there;
    # 10 ms / 30 ms here)
    async def scenario() -> tuple[list[int], object]:
        tx, rx = pair(1)
        error: list[object] = []

        async def producer() -> None:
            for i in range(10):
                try:
                    await tx.send_timeout(i, 0.01)
                except SendTimeout as exc:
                    error.append(exc)
                    tx.drop()
                    return
            tx.drop()

        task = asyncio.ensure_future(producer())
        got = []
        while (i := await rx.recv()) is not None:
            got.append(i)
            await asyncio.sleep(0.03)
        await task
        return got, error[0] if error else None

    got, error = run(scenario)
    assert isinstance(error, SendTimeout) and got == list(range(len(got)))
    assert error.item == len(got)  # the item that timed out was handed back, not sent


def test_sender_is_closed_doc() -> None:
    # tokio: src/sync/mpsc/bounded.rs, Sender::is_closed
    tx, rx = pair(42)
    assert not tx.is_closed()
    tx2 = tx.clone()
    assert not tx2.is_closed()
    rx.drop()
    assert tx.is_closed() and tx2.is_closed()


def test_sender_reserve_doc() -> None:
    # tokio: src/sync/mpsc/bounded.rs, Sender::reserve (and Permit::send)
    async def scenario() -> None:
        tx, rx = pair(1)
        permit = await tx.reserve()
        with pytest.raises(ChannelFull):
            tx.try_send(123)  # fails: no capacity left
        permit.send(456)
        assert await rx.recv() == 456

    run(scenario)


def test_sender_reserve_owned_doc() -> None:
    # tokio: src/sync/mpsc/bounded.rs, Sender::reserve_owned (both examples,
    # and OwnedPermit::send)
    async def scenario() -> None:
        tx, rx = pair(1)
        permit = await tx.reserve_owned()
        tx = permit.send(123)  # sends, and hands the sender back
        assert await rx.recv() == 123
        await tx.send(456)
        assert await rx.recv() == 456
        tx_clone: Sender[Any] = tx.clone()
        owned = await tx_clone.reserve_owned()
        with pytest.raises(ChannelFull):
            tx.try_send(123)
        owned.send(456)
        assert await rx.recv() == 456

    run(scenario)


def test_sender_try_reserve_doc() -> None:
    # tokio: src/sync/mpsc/bounded.rs, Sender::try_reserve
    async def scenario() -> None:
        tx, rx = pair(1)
        permit = tx.try_reserve()
        with pytest.raises(ChannelFull):
            tx.try_send(123)
        with pytest.raises(ChannelFull):
            tx.try_reserve()
        permit.send(456)
        assert await rx.recv() == 456

    run(scenario)


def test_sender_try_reserve_owned_doc() -> None:
    # tokio: src/sync/mpsc/bounded.rs, Sender::try_reserve_owned
    async def scenario() -> None:
        tx, rx = pair(1)
        permit = tx.clone().try_reserve_owned()
        with pytest.raises(ChannelFull):
            tx.try_send(123)
        with pytest.raises(ChannelFull):
            tx.try_reserve()
        permit.send(456)
        assert await rx.recv() == 456

    run(scenario)


def test_sender_same_channel_doc() -> None:
    # tokio: src/sync/mpsc/bounded.rs, Sender::same_channel
    tx, _rx = pair(1)
    tx2 = tx.clone()
    assert tx.same_channel(tx2)
    tx3, _rx3 = pair(1)
    assert not tx3.same_channel(tx2)


def test_sender_capacity_doc() -> None:
    # tokio: src/sync/mpsc/bounded.rs, Sender::capacity
    async def scenario() -> None:
        tx, rx = pair(5)
        assert tx.capacity() == 5
        permit = await tx.reserve()  # a reservation drops the capacity by one
        assert tx.capacity() == 4
        permit.send(None)  # sending and receiving a value increases it by one
        await rx.recv()
        assert tx.capacity() == 5

    run(scenario)


def test_sender_max_capacity_doc() -> None:
    # tokio: src/sync/mpsc/bounded.rs, Sender::max_capacity
    async def scenario() -> None:
        tx, _rx = pair(5)
        assert (tx.max_capacity(), tx.capacity()) == (5, 5)
        _permit = await tx.reserve()
        assert (tx.max_capacity(), tx.capacity()) == (5, 4)

    run(scenario)


def test_owned_permit_release_doc() -> None:
    # tokio: src/sync/mpsc/bounded.rs, OwnedPermit::release
    async def scenario() -> None:
        tx, rx = pair(1)
        permit = await tx.clone().reserve_owned()
        with pytest.raises(ChannelFull):
            tx.try_send(123)  # the permit holds all the capacity
        tx2 = permit.release()  # released without sending; the clone handed back
        await tx.send(789)
        assert await rx.recv() == 789
        tx2.drop()

    run(scenario)


# --- tokio/src/sync/notify.rs ------------------------------------------------------------


def test_notify_basic_usage_doc() -> None:
    # tokio: src/sync/notify.rs, Notify (basic usage; also Notify::notified and
    # Notify::notify_one, the same example)
    async def scenario() -> list[str]:
        notify = Notify()
        log: list[str] = []

        async def waiter() -> None:
            await notify.notified()
            log.append("received notification")

        handle = asyncio.ensure_future(waiter())
        log.append("sending notification")
        notify.notify_one()
        await asyncio.wait_for(handle, 1)
        return log

    assert run(scenario) == ["sending notification", "received notification"]


class _MpscChannel:
    """notify.rs's unbounded mpsc channel built on a Notify (one consumer)."""

    def __init__(self) -> None:
        self.values: deque[int] = deque()
        self.notify = Notify()

    def send(self, value: int) -> None:
        self.values.append(value)
        self.notify.notify_one()  # notify the consumer a value is available

    async def recv(self) -> int:
        while True:
            if self.values:
                return self.values.popleft()
            await self.notify.notified()


def test_notify_mpsc_channel_doc() -> None:
    # tokio: src/sync/notify.rs, Notify (the unbounded mpsc channel example)
    async def scenario() -> list[int]:
        chan = _MpscChannel()

        async def consumer() -> list[int]:
            return [await chan.recv() for _ in range(5)]

        task = asyncio.ensure_future(consumer())
        for i in range(5):
            await asyncio.sleep(0)  # the consumer waits (or finds a value) first
            chan.send(i)
        return await asyncio.wait_for(task, 1)

    assert run(scenario) == list(range(5))


class _MpmcChannel:
    """notify.rs's unbounded mpmc channel: `enable()` so no wakeup is lost."""

    def __init__(self) -> None:
        self.messages: deque[int] = deque()
        self.notify_on_sent = Notify()

    def send(self, msg: int) -> None:
        self.messages.append(msg)
        self.notify_on_sent.notify_one()

    def try_recv(self) -> int | None:
        return self.messages.popleft() if self.messages else None

    async def recv(self) -> int:
        future = self.notify_on_sent.notified()
        while True:
            future.enable()  # in the list before try_recv: no wakeup lost
            msg = self.try_recv()
            if msg is not None:
                future.close()
                return msg
            await future
            future = self.notify_on_sent.notified()  # another recv may have taken it


def test_notify_mpmc_channel_with_enable_doc() -> None:
    # tokio: src/sync/notify.rs, Notify and Notified::enable (the mpmc example): two
    # receivers waiting, two sends, both receivers woken (no permit lost)
    async def scenario() -> list[int]:
        chan = _MpmcChannel()
        receivers = [asyncio.ensure_future(chan.recv()) for _ in range(2)]
        await asyncio.sleep(0)
        chan.send(1)
        chan.send(2)
        return sorted(await asyncio.wait_for(asyncio.gather(*receivers), 1))

    assert run(scenario) == [1, 2]


def test_notify_new_doc() -> None:
    # tokio: src/sync/notify.rs, Notify::new
    assert not Notify().has_permit


def test_notify_waiters_doc() -> None:
    # tokio: src/sync/notify.rs, Notify::notify_waiters
    async def scenario() -> None:
        notify = Notify()
        notified1, notified2 = notify.notified(), notify.notified()

        async def notifier() -> None:
            notify.notify_waiters()

        task = asyncio.ensure_future(notifier())
        await asyncio.wait_for(notified1, 1)
        await asyncio.wait_for(notified2, 1)
        await task

    run(scenario)
