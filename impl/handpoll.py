"""Hand-polled coroutines: a future driven one poll at a time, as `tokio_test::task::spawn` does.

`Spawned(coro)` holds a coroutine (`tx.send(x)`, `rx.recv()`, `notify.notified()`,
...) without a task or an event loop turn: `poll()` runs it until it awaits a
future that is not done (pending) or finishes (ready). The waker does nothing:
the coroutine moves only when `poll()` is called, and `poll()` steps it only if
the future it waits on is done (`is_woken()`), as a tokio future polled again
without having been woken finds nothing new. `cancel()` drops it unfinished
the way asyncio does (CancelledError thrown in at its await); `drop()` the way
Rust drops a future (`close()`). Futures are created by the code polled, so
`poll()` must be called while an event loop runs (inside a coroutine or
callback of that loop), although the loop itself never runs the coroutine.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

T = TypeVar("T")


@dataclass(frozen=True)
class Ready(Generic[T]):
    """A poll that completed, with the coroutine's return `value`."""

    value: T


class PolledAfterCompletion(RuntimeError):
    """Raised when `poll()`, `cancel()` or `drop()` is called on a finished coroutine."""


class Spawned(Generic[T]):
    """One coroutine, polled by hand. `poll()` answers Ready(value) or None (pending)."""

    __slots__ = ("_coro", "_done", "_waiting_on")

    def __init__(self, coro: Coroutine[Any, Any, T]) -> None:
        self._coro = coro
        self._done = False
        # The future the coroutine waits on; None before the first poll or after a bare yield.
        self._waiting_on: asyncio.Future[Any] | None = None

    @property
    def done(self) -> bool:
        """True once a poll completed it (or raised), or it was cancelled or dropped."""
        return self._done

    def is_woken(self) -> bool:
        """True when a poll would run it: never polled yet, or its future is done."""
        waiting_on = self._waiting_on
        return not self._done and (waiting_on is None or waiting_on.done())

    def poll(self) -> Ready[T] | None:
        """Poll once: Ready(value) if it finishes now, None if it is still pending.

        Steps the coroutine only when `is_woken()`; otherwise nothing runs. An
        exception the coroutine raises (ChannelClosed, ...) propagates, and it
        is then finished. Raises PolledAfterCompletion once finished.
        """
        self._check_live()
        if not self.is_woken():
            return None
        try:
            yielded = self._coro.send(None)
        except StopIteration as stop:
            self._done = True
            return Ready(stop.value)
        except BaseException:
            self._done = True
            raise
        self._hold(yielded)
        return None

    def cancel(self) -> None:
        """Cancel it as asyncio does: CancelledError thrown in where it waits.

        What it does with the cancellation (give back a slot, pass a notification
        on) happens now. A coroutine that swallows the CancelledError and returns
        or raises something else ends here too; one that awaits again is an error
        (RuntimeError).
        """
        self._check_live()
        self._done = True
        try:
            yielded = self._coro.throw(asyncio.CancelledError())
        except (StopIteration, asyncio.CancelledError):
            return
        self._coro.close()
        raise RuntimeError(f"{self._coro!r} kept running after being cancelled: {yielded!r}")

    def drop(self) -> None:
        """Drop it unfinished as Rust drops a future: `close()` (GeneratorExit inside)."""
        self._check_live()
        self._done = True
        self._coro.close()

    def _hold(self, yielded: object) -> None:
        if yielded is None:
            # A bare yield (asyncio.sleep(0)): it asks to run again at once.
            self._waiting_on = None
            return
        if not isinstance(yielded, asyncio.Future):
            self._coro.close()
            self._done = True
            raise RuntimeError(f"{self._coro!r} yielded {yielded!r}, not an asyncio future")
        # What asyncio's Task does with a future it is handed: take the blocking flag.
        yielded._asyncio_future_blocking = False
        self._waiting_on = yielded

    def _check_live(self) -> None:
        if self._done:
            raise PolledAfterCompletion(f"{self._coro!r} already finished")
