"""tokio 1.24.2 `tokio/tests/sync_mpsc.rs`, the bounded channel's tests, translated.

A Rust `drop(x)` is an explicit `x.drop()` here (a dropped future: `Spawned.drop()`;
a dropped permit: `release()`); `tokio::spawn` is an asyncio task; `assert_pending!`
/ `assert_ready!` on a `tokio_test::task::spawn` future are `poll()` answering
None / `Ready`. `Arc::strong_count` checks that a message is no longer held, which
is a weak reference that died here.

NOT_TRANSLATED (reported as skipped, with these reasons):

| tokio test | why it does not apply |
|---|---|
| send_recv_stream_with_buffer | tokio-stream's `ReceiverStream` adapter: no Stream wrapper here |
| send_recv_unbounded | the unbounded channel is not part of tidegate |
| async_send_recv_unbounded | the unbounded channel is not part of tidegate |
| send_recv_stream_unbounded | the unbounded channel (and tokio-stream) |
| no_t_bounds_unbounded | the unbounded channel is not part of tidegate |
| blocking_recv | blocking_* (thread-blocking calls) are not provided |
| blocking_recv_async | blocking_* (a panic when called inside a runtime) |
| blocking_send | blocking_* (thread-blocking calls) are not provided |
| blocking_send_async | blocking_* (a panic when called inside a runtime) |
| try_recv_unbounded | the unbounded channel is not part of tidegate |
| try_recv_close_while_empty_unbounded | the unbounded channel is not part of tidegate |
| (AssertSend impls) | Rust's Send bound: compile time only |
"""

from __future__ import annotations

import asyncio
import gc
import weakref

import pytest

from tests.support.tokio_test import pair, run, spawn
from tidegate.impl import (
    ChannelClosed,
    ChannelDisconnected,
    ChannelEmpty,
    ChannelFull,
    Ready,
    SendTimeout,
)
from tidegate.impl.channel import channel
from tidegate.impl.errors import ParameterError

NOT_TRANSLATED = {
    "send_recv_stream_with_buffer": "tokio-stream's ReceiverStream adapter: no Stream wrapper",
    "send_recv_unbounded": "the unbounded channel is not part of tidegate",
    "async_send_recv_unbounded": "the unbounded channel is not part of tidegate",
    "send_recv_stream_unbounded": "the unbounded channel (and tokio-stream)",
    "no_t_bounds_unbounded": "the unbounded channel is not part of tidegate",
    "blocking_recv": "blocking_* (thread-blocking calls) are not provided",
    "blocking_recv_async": "blocking_* (a panic when called inside a runtime)",
    "blocking_send": "blocking_* (thread-blocking calls) are not provided",
    "blocking_send_async": "blocking_* (a panic when called inside a runtime)",
    "try_recv_unbounded": "the unbounded channel is not part of tidegate",
    "try_recv_close_while_empty_unbounded": "the unbounded channel is not part of tidegate",
    "AssertSend": "Rust's Send bound: compile time only",
}


@pytest.mark.parametrize("name", sorted(NOT_TRANSLATED))
def test_not_translated(name: str) -> None:
    pytest.skip(f"tokio tests/sync_mpsc.rs::{name}: {NOT_TRANSLATED[name]}")


class Message:
    """A value whose lifetime a weak reference can watch (tokio's `Arc<()>` messages)."""


def test_send_recv_with_buffer() -> None:
    # tokio: tests/sync_mpsc.rs::send_recv_with_buffer
    async def scenario() -> None:
        tx, rx = pair(16)
        permit = await tx.reserve()
        permit.send(1)
        tx.try_send(2)
        tx.drop()
        assert await rx.recv() == 1
        assert await rx.recv() == 2
        assert await rx.recv() is None

    run(scenario)


def test_reserve_disarm() -> None:
    # tokio: tests/sync_mpsc.rs::reserve_disarm
    async def scenario() -> None:
        tx, rx = pair(2)
        tx1, tx2, tx3, tx4 = tx.clone(), tx.clone(), tx.clone(), tx
        permit1 = await tx1.reserve()
        permit2 = await tx2.reserve()
        r3 = spawn(tx3.reserve())
        assert r3.poll() is None
        r4 = spawn(tx4.reserve())
        assert r4.poll() is None
        permit1.send(1)
        # We also need to receive for the slot to be free.
        assert not r3.is_woken()
        assert await rx.recv() is not None
        assert r3.is_woken() and not r4.is_woken()
        permit2.release()  # dropping a permit also opens up a slot
        assert r4.is_woken()
        r1 = spawn(tx1.reserve())
        assert r1.poll() is None
        for future in (r1, r3, r4):
            future.drop()

    run(scenario)


def test_async_send_recv_with_buffer() -> None:
    # tokio: tests/sync_mpsc.rs::async_send_recv_with_buffer
    async def scenario() -> None:
        tx, rx = pair(16)

        async def producer() -> None:
            await tx.send(1)
            await tx.send(2)
            tx.drop()

        task = asyncio.ensure_future(producer())
        assert await rx.recv() == 1
        assert await rx.recv() == 2
        assert await rx.recv() is None
        await task

    run(scenario)


def test_start_send_past_cap() -> None:
    # tokio: tests/sync_mpsc.rs::start_send_past_cap
    async def scenario() -> None:
        tx1, rx = pair(1)
        tx2 = tx1.clone()
        tx1.try_send("()")
        r1 = spawn(tx1.reserve())
        assert r1.poll() is None
        r2 = spawn(tx2.reserve())
        assert r2.poll() is None
        r1.drop()
        assert await rx.recv() == "()"
        assert r2.is_woken()
        assert not r1.is_woken()  # dropped: never woken
        r2.drop()  # end of the block: the slot reserved for it comes back
        tx1.drop()
        tx2.drop()
        assert await rx.recv() is None

    run(scenario)


def test_buffer_gteq_one() -> None:
    # tokio: tests/sync_mpsc.rs::buffer_gteq_one (a panic there, an error here)
    with pytest.raises(ParameterError, match="capacity must be at least 1, got 0"):
        channel(0)


def test_no_t_bounds_buffer() -> None:
    # tokio: tests/sync_mpsc.rs::no_t_bounds_buffer
    async def scenario() -> None:
        class NoImpls:
            pass

        tx, rx = pair(100)
        assert repr(tx) and repr(rx)  # Debug
        tx.clone().try_send(NoImpls())  # Clone, whatever the item
        assert isinstance(await rx.recv(), NoImpls)

    run(scenario)


def test_send_recv_buffer_limited() -> None:
    # tokio: tests/sync_mpsc.rs::send_recv_buffer_limited
    async def scenario() -> None:
        tx, rx = pair(1)
        p1 = await tx.reserve()
        p1.send(1)
        p2 = spawn(tx.reserve())
        assert p2.poll() is None
        assert await rx.recv() is not None
        assert p2.is_woken()
        with pytest.raises(ChannelFull):
            tx.try_send(1337)
        ready = p2.poll()
        assert isinstance(ready, Ready)
        ready.value.send(2)
        assert await rx.recv() is not None

    run(scenario)


def test_recv_close_gets_none_idle() -> None:
    # tokio: tests/sync_mpsc.rs::recv_close_gets_none_idle
    async def scenario() -> None:
        tx, rx = pair(10)
        rx.close()
        assert await rx.recv() is None
        with pytest.raises(ChannelClosed):
            await tx.send(1)

    run(scenario)


def test_recv_close_gets_none_reserved() -> None:
    # tokio: tests/sync_mpsc.rs::recv_close_gets_none_reserved
    async def scenario() -> None:
        tx1, rx = pair(1)
        tx2 = tx1.clone()
        permit1 = await tx1.reserve()
        permit2 = spawn(tx2.reserve())
        assert permit2.poll() is None
        rx.close()
        assert permit2.is_woken()
        with pytest.raises(ChannelClosed):
            permit2.poll()
        recv = spawn(rx.recv())
        assert recv.poll() is None
        permit1.send(123)
        assert recv.is_woken()
        assert recv.poll() == Ready(123)
        assert await rx.recv() is None

    run(scenario)


def test_tx_close_gets_none() -> None:
    # tokio: tests/sync_mpsc.rs::tx_close_gets_none
    async def scenario() -> None:
        tx, rx = pair(10)
        tx.drop()
        assert await rx.recv() is None

    run(scenario)


def test_try_send_fail() -> None:
    # tokio: tests/sync_mpsc.rs::try_send_fail
    async def scenario() -> None:
        tx, rx = pair(1)
        tx.try_send("hello")
        with pytest.raises(ChannelFull):
            tx.try_send("fail")
        assert await rx.recv() == "hello"
        tx.try_send("goodbye")
        tx.drop()
        assert await rx.recv() == "goodbye"
        assert await rx.recv() is None

    run(scenario)


def test_try_send_fail_with_try_recv() -> None:
    # tokio: tests/sync_mpsc.rs::try_send_fail_with_try_recv
    tx, rx = pair(1)
    tx.try_send("hello")
    with pytest.raises(ChannelFull):
        tx.try_send("fail")
    assert rx.try_recv() == "hello"
    tx.try_send("goodbye")
    tx.drop()
    assert rx.try_recv() == "goodbye"
    with pytest.raises(ChannelDisconnected):
        rx.try_recv()


def test_try_reserve_fails() -> None:
    # tokio: tests/sync_mpsc.rs::try_reserve_fails
    async def scenario() -> None:
        tx, rx = pair(1)
        permit = tx.try_reserve()
        with pytest.raises(ChannelFull) as full:
            tx.try_reserve()
        assert full.value.item is None  # TrySendError::Full(())
        permit.send("foo")
        assert await rx.recv() == "foo"
        permit = tx.try_reserve()
        permit.release()  # dropping the permit releases the slot
        tx.try_reserve()

    run(scenario)


def test_drop_permit_releases_permit() -> None:
    # tokio: tests/sync_mpsc.rs::drop_permit_releases_permit
    async def scenario() -> None:
        tx1, _rx = pair(1)
        tx2 = tx1.clone()
        permit = await tx1.reserve()
        reserve2 = spawn(tx2.reserve())
        assert reserve2.poll() is None
        permit.release()
        assert reserve2.is_woken()
        assert isinstance(reserve2.poll(), Ready)

    run(scenario)


def test_dropping_rx_closes_channel() -> None:
    # tokio: tests/sync_mpsc.rs::dropping_rx_closes_channel
    async def scenario() -> weakref.ref[Message]:
        tx, rx = pair(100)
        msg = Message()
        tx.try_send(msg)
        assert rx.drop() == [msg]  # the discarded message is handed back...
        with pytest.raises(ChannelClosed):
            await tx.reserve()
        return weakref.ref(msg)

    held = run(scenario)
    gc.collect()
    assert held() is None  # ...and the channel no longer holds it


def test_dropping_rx_closes_channel_for_try() -> None:
    # tokio: tests/sync_mpsc.rs::dropping_rx_closes_channel_for_try
    tx, rx = pair(100)
    msg = Message()
    tx.try_send(msg)
    rx.drop()
    with pytest.raises(ChannelClosed):
        tx.try_send(msg)
    with pytest.raises(ChannelClosed):
        tx.try_reserve()
    with pytest.raises(ChannelClosed) as owned:
        tx.try_reserve_owned()
    assert owned.value.item is tx  # the sender handed back
    held = weakref.ref(msg)
    del msg
    gc.collect()
    assert held() is None


def test_unconsumed_messages_are_dropped() -> None:
    # tokio: tests/sync_mpsc.rs::unconsumed_messages_are_dropped
    msg = Message()
    tx, rx = pair(100)
    tx.try_send(msg)
    held = weakref.ref(msg)
    del msg
    assert held() is not None  # the channel holds it
    tx.drop()
    rx.drop()
    gc.collect()
    assert held() is None


def test_ready_close_cancel_bounded() -> None:
    # tokio: tests/sync_mpsc.rs::ready_close_cancel_bounded
    async def scenario() -> None:
        tx, rx = pair(100)
        _tx2 = tx.clone()
        permit = await tx.reserve()
        rx.close()
        recv = spawn(rx.recv())
        assert recv.poll() is None
        permit.release()
        assert recv.is_woken()
        assert recv.poll() == Ready(None)

    run(scenario)


def test_permit_available_not_acquired_close() -> None:
    # tokio: tests/sync_mpsc.rs::permit_available_not_acquired_close
    async def scenario() -> None:
        tx1, rx = pair(1)
        tx2 = tx1.clone()
        permit1 = await tx1.reserve()
        permit2 = spawn(tx2.reserve())
        assert permit2.poll() is None
        rx.close()
        permit1.release()
        assert permit2.is_woken()
        permit2.drop()
        assert await rx.recv() is None

    run(scenario)


def test_try_recv_bounded() -> None:
    # tokio: tests/sync_mpsc.rs::try_recv_bounded
    tx, rx = pair(5)
    for _ in range(5):
        tx.try_send("hello")
    with pytest.raises(ChannelFull):
        tx.try_send("hello")
    for _ in range(5):
        assert rx.try_recv() == "hello"
    with pytest.raises(ChannelEmpty):
        rx.try_recv()
    for _ in range(4):
        tx.try_send("hello")
    assert rx.try_recv() == "hello"
    tx.try_send("hello")
    tx.try_send("hello")
    with pytest.raises(ChannelFull):
        tx.try_send("hello")
    for _ in range(5):
        assert rx.try_recv() == "hello"
    with pytest.raises(ChannelEmpty):
        rx.try_recv()
    for _ in range(3):
        tx.try_send("hello")
    tx.drop()
    for _ in range(3):
        assert rx.try_recv() == "hello"
    with pytest.raises(ChannelDisconnected):
        rx.try_recv()


def test_try_recv_close_while_empty_bounded() -> None:
    # tokio: tests/sync_mpsc.rs::try_recv_close_while_empty_bounded
    tx, rx = pair(5)
    with pytest.raises(ChannelEmpty):
        rx.try_recv()
    tx.drop()
    with pytest.raises(ChannelDisconnected):
        rx.try_recv()


def test_recv_timeout() -> None:
    # tokio: tests/sync_mpsc.rs::recv_timeout (its paused clock: a short real timeout here)
    async def scenario() -> None:
        tx, rx = pair(5)
        for item in (10, 20, 30, 40, 50):
            await tx.send_timeout(item, 1.0)
        with pytest.raises(SendTimeout) as timeout:
            await tx.send_timeout(60, 0.01)
        assert timeout.value.item == 60
        rx.drop()
        with pytest.raises(ChannelClosed) as closed:
            await tx.send_timeout(70, 1.0)
        assert closed.value.item == 70

    run(scenario)


def test_recv_timeout_panic() -> None:
    # tokio: tests/sync_mpsc.rs::recv_timeout_panic (no timer outside a runtime there;
    # outside an asyncio task here)
    async def scenario() -> BaseException | None:
        tx, _rx = pair(5)
        polled = spawn(tx.send_timeout(10, 1.0))
        outcome: asyncio.Future[BaseException | None] = asyncio.get_running_loop().create_future()

        def outside_any_task() -> None:
            try:
                polled.poll()
            except RuntimeError as exc:
                outcome.set_result(exc)
            else:
                outcome.set_result(None)

        asyncio.get_running_loop().call_soon(outside_any_task)
        return await outcome

    assert "inside a task" in str(run(scenario))


def test_tx_capacity() -> None:
    # tokio: tests/sync_mpsc.rs::test_tx_capacity
    async def scenario() -> None:
        tx, _rx = pair(10)
        assert (tx.capacity(), tx.max_capacity()) == (10, 10)
        _permit = await tx.reserve()
        assert (tx.capacity(), tx.max_capacity()) == (9, 10)
        await tx.send(None)
        assert (tx.capacity(), tx.max_capacity()) == (8, 10)

    run(scenario)
