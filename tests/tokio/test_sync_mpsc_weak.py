"""tokio 1.24.2 `tokio/tests/sync_mpsc_weak.rs`, weak senders' tests, translated.

A `oneshot` channel is an asyncio future here; `NUM_DROPPED` (counting message
destructors) is the ledger of where each message went: received, discarded by
the receiver's drop (which hands the items back), or handed back by a failed send.

NOT_TRANSLATED (reported as skipped, with these reasons):

| tokio test | why it does not apply |
|---|---|
| weak_unbounded_sender | the unbounded channel is not part of tidegate |
| actor_weak_unbounded_sender | the unbounded channel is not part of tidegate |
| test_msgs_dropped_on_unbounded_rx_drop | the unbounded channel is not part of tidegate |
| downgrade_upgrade_unbounded_sender_success | the unbounded channel is not part of tidegate |
| downgrade_upgrade_unbounded_sender_failure | the unbounded channel is not part of tidegate |
| downgrade_drop_upgrade_unbounded | the unbounded channel is not part of tidegate |
| test_tx_count_weak_unbounded_sender | the unbounded channel is not part of tidegate |
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest

from tests.support.tokio_test import pair, run
from tidegate.impl import ChannelClosed, Receiver, Sender, WeakSender

NOT_TRANSLATED = {
    name: "the unbounded channel is not part of tidegate"
    for name in (
        "weak_unbounded_sender",
        "actor_weak_unbounded_sender",
        "test_msgs_dropped_on_unbounded_rx_drop",
        "downgrade_upgrade_unbounded_sender_success",
        "downgrade_upgrade_unbounded_sender_failure",
        "downgrade_drop_upgrade_unbounded",
        "test_tx_count_weak_unbounded_sender",
    )
}


@pytest.mark.parametrize("name", sorted(NOT_TRANSLATED))
def test_not_translated(name: str) -> None:
    pytest.skip(f"tokio tests/sync_mpsc_weak.rs::{name}: {NOT_TRANSLATED[name]}")


def test_weak_sender() -> None:
    # tokio: tests/sync_mpsc_weak.rs::weak_sender
    async def scenario() -> None:
        tx, rx = pair(11)

        async def producer() -> WeakSender[Any] | None:
            clone = tx.clone()
            tx_weak = clone.downgrade()
            clone.drop()  # a temporary in Rust: dropped at once
            for i in range(10):
                try:
                    await tx.send(i)
                except ChannelClosed:
                    return None
            tx2 = tx_weak.upgrade()
            assert tx2 is not None, "expected to be able to upgrade tx_weak"
            await tx2.send(20)
            tx_weak = tx2.downgrade()
            tx2.drop()
            tx.drop()
            return tx_weak

        tx_weak = await asyncio.ensure_future(producer())
        for i in range(12):
            received = await rx.recv()
            if received is None:
                assert i == 11
                break
            if i == 10:
                assert received == 20
        assert tx_weak is not None and tx_weak.upgrade() is None

    run(scenario)


def test_actor_weak_sender() -> None:
    # tokio: tests/sync_mpsc_weak.rs::actor_weak_sender
    class Actor:
        def __init__(self, receiver: Receiver[Any], sender: WeakSender[Any]) -> None:
            self.receiver, self.sender = receiver, sender
            self.next_id = 0
            self.received_self_msg = False

        def handle(self, msg: tuple[str, Any]) -> None:
            kind, respond_to = msg
            if kind == "get_unique_id":
                self.next_id += 1
                if not respond_to.done():
                    respond_to.set_result(self.next_id)
            else:
                self.received_self_msg = True

        async def send_message_to_self(self) -> None:
            sender = self.sender.clone().upgrade()
            if sender is not None:
                with contextlib.suppress(ChannelClosed):
                    await sender.send(("self", None))
                self.sender = sender.downgrade()
                sender.drop()

        async def run(self) -> None:
            i = 0
            while (msg := await self.receiver.recv()) is not None:
                self.handle(msg)
                if i == 0:
                    await self.send_message_to_self()
                i += 1
            assert self.received_self_msg

    async def scenario() -> None:
        sender, receiver = pair(8)
        clone = sender.clone()
        actor = Actor(receiver, clone.downgrade())
        clone.drop()  # a temporary in Rust: dropped at once

        async def get_unique_id(handle: Sender[Any]) -> int:
            respond_to: asyncio.Future[int] = asyncio.get_running_loop().create_future()
            with contextlib.suppress(ChannelClosed):
                await handle.send(("get_unique_id", respond_to))
            return await respond_to

        actor_task = asyncio.ensure_future(actor.run())

        async def client() -> None:
            await get_unique_id(sender)
            sender.drop()

        await asyncio.ensure_future(client())
        await asyncio.wait_for(actor_task, 1)

    run(scenario)


def test_msgs_dropped_on_rx_drop() -> None:
    # tokio: tests/sync_mpsc_weak.rs::test_msgs_dropped_on_rx_drop
    async def scenario() -> None:
        tx, rx = pair(3)
        await tx.send("m1")
        await tx.send("m2")
        sent_fut = tx.send("m3")  # lazy: not sent until awaited
        assert await rx.recv() == "m1"
        assert await rx.recv() == "m2"
        await sent_fut
        assert rx.drop() == ["m3"]  # the third is discarded, and handed back
        with pytest.raises(ChannelClosed) as refused:
            await tx.send("m4")  # never put onto the channel
        assert refused.value.item == "m4"

    run(scenario)


def test_downgrade_upgrade_sender_success() -> None:
    # tokio: tests/sync_mpsc_weak.rs::downgrade_upgrade_sender_success
    tx, _rx = pair(1)
    assert tx.downgrade().upgrade() is not None


def test_downgrade_upgrade_sender_failure() -> None:
    # tokio: tests/sync_mpsc_weak.rs::downgrade_upgrade_sender_failure
    tx, _rx = pair(1)
    weak_tx = tx.downgrade()
    tx.drop()
    assert weak_tx.upgrade() is None


def test_downgrade_drop_upgrade() -> None:
    # tokio: tests/sync_mpsc_weak.rs::downgrade_drop_upgrade
    tx, _rx = pair(1)
    clone = tx.clone()
    weak_tx = clone.downgrade()
    clone.drop()  # the cloned Tx is dropped right away
    tx.drop()
    assert weak_tx.upgrade() is None


def test_downgrade_get_permit_upgrade_no_senders() -> None:
    # tokio: tests/sync_mpsc_weak.rs::downgrade_get_permit_upgrade_no_senders
    async def scenario() -> None:
        tx, _rx = pair(1)
        weak_tx = tx.downgrade()
        _permit = await tx.reserve_owned()  # holds the only sender
        assert weak_tx.upgrade() is not None

    run(scenario)


def test_downgrade_upgrade_get_permit_no_senders() -> None:
    # tokio: tests/sync_mpsc_weak.rs::downgrade_upgrade_get_permit_no_senders
    async def scenario() -> None:
        tx, _rx = pair(1)
        tx2 = tx.clone()
        _permit = await tx.reserve_owned()
        weak_tx = tx2.downgrade()
        tx2.drop()
        assert weak_tx.upgrade() is not None

    run(scenario)


def test_tx_count_weak_sender() -> None:
    # tokio: tests/sync_mpsc_weak.rs::test_tx_count_weak_sender
    tx, _rx = pair(1)
    tx_weak, tx_weak2 = tx.downgrade(), tx.downgrade()
    tx.drop()
    assert tx_weak.upgrade() is None and tx_weak2.upgrade() is None
