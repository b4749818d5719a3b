"""What the translated tokio tests need: `tokio_test::task::spawn`, and loom's model checker.

- `spawn(coro)` is a hand-polled task (`tidegate.impl.Spawned`): `poll()` answers
  `Ready(value)` or None (pending), `is_woken()` says whether the future it waits on
  is done, `drop()` drops it unfinished, as Rust drops a future.
- `interleavings(model)` is loom's `model(|| ...)` at asyncio's grain: `model()`
  builds fresh state and returns its threads (coroutines; a `block_on` is an
  `await` in them). Every order in which the runnable threads can take their next
  step (from one await to the next) is run, from scratch each time; a schedule in
  which some thread can never run again while unfinished is a deadlock, and fails.
  Returns how many complete schedules ran.

Everything here must run inside an event loop: the channel and the Notify create
asyncio futures. `run(scenario)` runs an async test body.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Coroutine, Sequence
from typing import Any, TypeVar

from tidegate.impl import Receiver, Sender, Spawned
from tidegate.impl.channel import channel

T = TypeVar("T")

Thread = Coroutine[Any, Any, Any]


def spawn(coro: Coroutine[Any, Any, T]) -> Spawned[T]:
    """`tokio_test::task::spawn`: a future polled only when the test polls it."""
    return Spawned(coro)


def run(scenario: Callable[[], Awaitable[T]]) -> T:
    """Run an async test body on a fresh event loop (`#[tokio::test]`)."""

    async def main() -> T:
        return await scenario()

    return asyncio.run(main())


def pair(capacity: int) -> tuple[Sender[Any], Receiver[Any]]:
    """`mpsc::channel(capacity)`, typed for tests that send anything."""
    return channel(capacity)


class Deadlock(AssertionError):
    """Raised when a schedule leaves unfinished threads that can never run again."""


def interleavings(model: Callable[[], Sequence[Thread]], *, limit: int = 100_000) -> int:
    """Run `model` under every schedule of its threads; return how many ran to the end.

    Raises the first failure (an assertion in a thread, a Deadlock) with its
    schedule, a list of thread indices, in the message.
    """

    async def explore() -> int:
        complete = 0
        prefixes: list[list[int]] = [[]]
        while prefixes:
            prefix = prefixes.pop()
            threads = [Spawned(coro) for coro in model()]
            try:
                runnable = _replay(threads, prefix)
            finally:
                for thread in threads:
                    if not thread.done:
                        thread.drop()
            if runnable:
                prefixes.extend([*prefix, index] for index in reversed(runnable))
            else:
                complete += 1
                if complete > limit:
                    raise AssertionError(f"more than {limit} schedules: bound the model")
        return complete

    return asyncio.run(explore())


def _replay(threads: list[Spawned[Any]], schedule: list[int]) -> list[int]:
    """Step `threads` in `schedule`'s order; return the threads runnable after it."""
    try:
        for index in schedule:
            threads[index].poll()
    except Exception as exc:
        raise AssertionError(f"schedule {schedule}: {exc!r}") from exc
    runnable = [i for i, t in enumerate(threads) if not t.done and t.is_woken()]
    if not runnable and not all(t.done for t in threads):
        stuck = [i for i, t in enumerate(threads) if not t.done]
        raise Deadlock(f"schedule {schedule}: threads {stuck} wait forever")
    return runnable
