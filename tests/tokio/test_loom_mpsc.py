"""tokio 1.24.2 `tokio/src/sync/tests/loom_mpsc.rs`, the channel's loom models, translated.

Each model runs under every interleaving of its threads (`support.interleavings`):
a thread is a coroutine, `block_on(f)` an `await f`, and the scheduler picks which
runnable thread takes its next step (from one await to the next) in every possible
order. asyncio's grain is coarser than loom's (a step between two awaits runs
alone), and every order of those steps is covered, each from a fresh start.

NOT_TRANSLATED (reported as skipped, with these reasons):

| tokio test | why it does not apply |
|---|---|
| closing_unbounded_tx | the unbounded channel is not part of tidegate |
| closing_unbounded_rx | the unbounded channel is not part of tidegate |
| dropping_unbounded_tx | the unbounded channel is not part of tidegate |
"""

from __future__ import annotations

import asyncio

import pytest

from tests.support.tokio_test import Thread, interleavings, pair

UNIT = "()"
"""Rust's `()` message: not None, which `recv()` answers once the channel is done."""

NOT_TRANSLATED = {
    name: "the unbounded channel is not part of tidegate"
    for name in ("closing_unbounded_tx", "closing_unbounded_rx", "dropping_unbounded_tx")
}


@pytest.mark.parametrize("name", sorted(NOT_TRANSLATED))
def test_not_translated(name: str) -> None:
    pytest.skip(f"tokio src/sync/tests/loom_mpsc.rs::{name}: {NOT_TRANSLATED[name]}")


def test_closing_tx() -> None:
    # tokio: src/sync/tests/loom_mpsc.rs::closing_tx
    def model() -> list[Thread]:
        tx, rx = pair(16)

        async def sender() -> None:
            tx.try_send(UNIT)
            tx.drop()

        async def main() -> None:
            assert await rx.recv() == UNIT
            assert await rx.recv() is None

        return [main(), sender()]

    assert interleavings(model) >= 2


def test_closing_bounded_rx() -> None:
    # tokio: src/sync/tests/loom_mpsc.rs::closing_bounded_rx
    def model() -> list[Thread]:
        tx1, rx = pair(16)
        tx2 = tx1.clone()

        async def dropper() -> None:
            rx.drop()

        async def main() -> None:
            await tx1.closed()
            await tx2.closed()

        return [main(), dropper()]

    assert interleavings(model) >= 2


def test_closing_and_sending() -> None:
    # tokio: src/sync/tests/loom_mpsc.rs::closing_and_sending
    def model() -> list[Thread]:
        tx1, rx = pair(16)
        tx2 = tx1  # an Arc<Sender>: both threads share one sender

        async def th1() -> None:
            tx1.try_send("x")

        async def th2() -> None:
            await tx2.closed()

        async def th3() -> None:
            assert await rx.recv() == "x"
            rx.drop()

        return [th1(), th2(), th3()]

    assert interleavings(model) >= 6


def test_dropping_tx() -> None:
    # tokio: src/sync/tests/loom_mpsc.rs::dropping_tx
    def model() -> list[Thread]:
        tx, rx = pair(16)
        clones = [tx.clone() for _ in range(2)]

        async def dropper(handle: object) -> None:
            handle.drop()  # type: ignore[attr-defined]

        async def main() -> None:
            tx.drop()
            assert await rx.recv() is None

        return [main(), *(dropper(c) for c in clones)]

    assert interleavings(model) >= 6


def test_try_recv() -> None:
    # tokio: src/sync/tests/loom_mpsc.rs::try_recv (tokio's Semaphore: asyncio.Semaphore)
    permits, tasks = 2, 2

    def model() -> list[Thread]:
        tx, rx = pair(permits)
        sem = asyncio.Semaphore(permits)
        for _ in range(permits):
            tx.clone().try_send(UNIT)

        async def run() -> None:
            async with sem:
                rx.try_recv()  # must hold an item: at most `permits` take at once
                await asyncio.sleep(0)  # yield_now
                clone = tx.clone()
                clone.try_send(UNIT)
                clone.drop()

        return [run() for _ in range(tasks + 1)]

    assert interleavings(model) >= 6
