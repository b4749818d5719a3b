"""Helpers for the implementation's tests: an int channel, a coroutine run to completion
with a timeout, ready tasks let run."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from tidegate.impl import Receiver, Sender
from tidegate.impl.channel import channel


def pair(capacity: int) -> tuple[Sender[int], Receiver[int]]:
    """A channel of ints with `capacity` slots."""
    return channel(capacity)


def run(main: Callable[[], Awaitable[None]]) -> None:
    """Run `main()` on a fresh event loop; a hang fails the test after 5 seconds."""
    asyncio.run(asyncio.wait_for(main(), timeout=5))


async def settle() -> None:
    """Let every ready task run until it parks."""
    for _ in range(5):
        await asyncio.sleep(0)
