"""Sends that wait: cancel-safe at every moment, on a deadline, through permits.

tokio's own tests for the same API are translated in tests/tokio/; these are the
cases they do not cover: the bug of issue 10, cancellation at every moment, and
what Python's explicit handles add (errors handing items back, spent permits).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import pytest

from tidegate.impl import (
    ChannelClosed,
    ChannelDisconnected,
    ChannelEmpty,
    ChannelFull,
    HandleDroppedError,
    Receiver,
    Sender,
    SendTimeout,
    Spawned,
)
from tidegate.impl.channel import channel

T = TypeVar("T")


def pair(capacity: int) -> tuple[Sender[Any], Receiver[Any]]:
    return channel(capacity)


def run(scenario: Callable[[], Awaitable[T]]) -> T:
    async def main() -> T:
        return await scenario()

    return asyncio.run(main())


def test_issue_10_a_cancelled_send_is_never_delivered() -> None:
    # The issue's example, as a user writes it: the freed slot goes to the parked send,
    # which is cancelled (a timeout, a lost select! branch) in the same loop turn.
    async def scenario() -> tuple[bool, int]:
        tx, rx = pair(1)
        tx.try_send("a")
        parked = asyncio.ensure_future(tx.send("b"))
        await asyncio.sleep(0)
        assert rx.try_recv() == "a"  # the freed slot goes to the parked send
        parked.cancel()
        with pytest.raises(asyncio.CancelledError):
            await parked
        with pytest.raises(ChannelEmpty):
            rx.try_recv()  # tokio 1.24.2: "b" was never sent
        return parked.cancelled(), tx.capacity()

    assert run(scenario) == (True, 1)


STEPS = ("try_recv", "try_recv", "close", "try_send", "recv", "try_recv")


@pytest.mark.parametrize("cancel_at", range(len(STEPS) + 1))
@pytest.mark.parametrize("how", ["cancel", "drop", "task"])
def test_a_send_cancelled_at_any_moment_either_sent_or_not_never_both(
    cancel_at: int, how: str
) -> None:
    # Two parked sends behind a full channel of 1; the first is cancelled after
    # `cancel_at` of STEPS (hand-polled each step, or an asyncio task left to run).
    async def scenario() -> None:
        tx, rx = pair(1)
        tx.try_send(0)
        tasks: dict[int, Any] = {}
        for item in (1, 2):
            coro = tx.send(item)
            if how == "task":
                tasks[item] = asyncio.ensure_future(coro)
            else:
                tasks[item] = Spawned(coro)
                assert tasks[item].poll() is None
        await asyncio.sleep(0)
        received: list[int] = []
        outcome: dict[int, str] = {}
        for index, step in enumerate((*STEPS, None)):
            if index == cancel_at:
                _cancel(tasks[1], how, outcome)
            for item, task in tasks.items():
                _settle(item, task, how, outcome)
            if step == "try_recv":
                with contextlib.suppress(ChannelEmpty):
                    received.append(rx.try_recv())
            elif step == "close":
                rx.close()
            elif step == "try_send":
                try:
                    tx.try_send(3)
                    outcome[3] = "sent"
                except (ChannelFull, ChannelClosed):
                    outcome[3] = "refused"
            elif step == "recv":
                got: int | None = await asyncio.wait_for(rx.recv(), 1)
                if got is not None:
                    received.append(got)
            await asyncio.sleep(0)
        while True:
            try:
                received.append(rx.try_recv())
            except ChannelEmpty:
                break
        for item in (1, 2, 3):
            if outcome.get(item) == "sent":
                assert received.count(item) == 1, (item, outcome, received)
            else:
                assert item not in received, (item, outcome, received)
        assert tx.capacity() == 1

    run(scenario)


def _cancel(task: Any, how: str, outcome: dict[int, str]) -> None:
    if isinstance(task, Spawned):
        if not task.done:
            task.cancel() if how == "cancel" else task.drop()
            outcome.setdefault(1, "cancelled")
    elif not task.done():
        task.cancel()


def _settle(item: int, task: Any, how: str, outcome: dict[int, str]) -> None:
    if item in outcome:
        return
    if isinstance(task, Spawned):
        if task.done:
            return
        try:
            if task.poll() is not None:
                outcome[item] = "sent"
        except ChannelClosed as exc:
            assert exc.item == item
            outcome[item] = "refused"
    elif task.done():
        if task.cancelled():
            outcome[item] = "cancelled"
        elif isinstance(task.exception(), ChannelClosed):
            outcome[item] = "refused"
        else:
            outcome[item] = "sent"


def test_send_timeout_sends_nothing_when_no_slot_comes() -> None:
    async def scenario() -> tuple[object, int, list[int]]:
        tx, rx = pair(1)
        tx.try_send(1)
        with pytest.raises(SendTimeout) as timeout:
            await tx.send_timeout(2, 0.01)
        late = asyncio.ensure_future(tx.send_timeout(3, 10))
        await asyncio.sleep(0)
        got = [rx.try_recv()]  # the slot is reserved for the waiting send_timeout
        await late
        got.append(rx.try_recv())
        return timeout.value.item, tx.capacity(), got

    assert run(scenario) == (2, 1, [1, 3])


def test_a_permit_sends_once_releases_once_and_hands_back_an_undeliverable_item() -> None:
    async def scenario() -> None:
        tx, rx = pair(1)
        with tx.try_reserve() as permit:
            assert tx.capacity() == 0
        assert tx.capacity() == 1  # released on leaving the block, unsent
        permit = await tx.reserve()
        permit.send(5)
        with pytest.raises(HandleDroppedError, match="already sent or released"):
            permit.send(6)
        permit.release()  # spent: nothing more to give back
        assert rx.try_recv() == 5 and tx.capacity() == 1
        permit = tx.try_reserve()
        rx.drop()
        with pytest.raises(ChannelClosed) as closed:
            permit.send(7)  # nobody can receive it: handed back, slot freed
        assert closed.value.item == 7 and tx.capacity() == 1

    run(scenario)


def test_spent_permits_say_which_permit_was_spent() -> None:
    """Mutation: kills the string mutants of the HandleDroppedError messages of `Permit._take`
    and `OwnedPermit._take` (impl/permit.py)."""
    tx, rx = pair(2)
    permit = tx.try_reserve()
    permit.send(1)
    with pytest.raises(HandleDroppedError, match=r"^this Permit was already sent or released$"):
        permit.send(2)
    owned = tx.try_reserve_owned()
    tx = owned.release()
    for spend in (owned.release, lambda: owned.send(3)):
        with pytest.raises(
            HandleDroppedError, match=r"^this OwnedPermit was already sent or released$"
        ):
            spend()
    assert rx.try_recv() == 1 and tx.capacity() == 2


def test_dropping_an_owned_permit_frees_its_slot_and_drops_its_sender_once() -> None:
    """Mutation: kills `OwnedPermit.drop` acting only when `self._sender is None` (it then
    kept the slot and the sender, and raised when dropped again; impl/permit.py)."""
    tx, rx = pair(1)
    other = tx.clone()
    owned = tx.try_reserve_owned()
    assert other.capacity() == 0
    owned.drop()
    assert other.capacity() == 1
    owned.drop()  # idempotent: the slot and the sender went the first time
    other.drop()
    with pytest.raises(ChannelDisconnected):  # no sender left: the permit's one was dropped
        rx.try_recv()


def test_a_sender_taken_over_by_an_owned_permit_is_dropped_without_a_count_change() -> None:
    """Mutation: kills `Sender._hand_over` leaving None instead of the dead channel in the sender
    it takes over (impl/sender.py)."""
    tx, rx = pair(1)
    owned = tx.try_reserve_owned()
    with pytest.raises(HandleDroppedError, match="this Sender was dropped"):
        tx.capacity()
    tx.drop()  # already dropped by the hand-over: a no-op, not one sender fewer
    back = owned.send(7)
    assert rx.try_recv() == 7
    with pytest.raises(ChannelEmpty):  # the sender the permit gave back still lives
        rx.try_recv()
    back.drop()
    with pytest.raises(ChannelDisconnected):
        rx.try_recv()
