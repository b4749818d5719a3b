"""A Notify with tokio 1.24.2's rules: one stored permit, waiters served in order.

The consumer calls `notify_one()` after each receive; the reader awaits
`notified()`. The rules, the surprising ones first:

- a waiter picked by `notify_one` and then cancelled (or closed) before it ran
  passes its notification on: to the longest-waiting other waiter, or, if none
  waits, to the stored permit. No notification is lost to a cancellation;
- notifications that arrive while nobody waits coalesce into one stored
  permit: ten pings before a wait wake it once;
- `notify_one` while tasks wait picks the one that has waited longest and
  stores no permit; the picked waiter leaves the line at once;
- a `Notified` joins the line when first polled (awaited) or `enable()`d, not
  when created: only then can `notify_one` pick it. But `notify_waiters()`
  wakes every `Notified` created before the call, polled or not, and stores no
  permit.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
from collections import deque
from collections.abc import Coroutine, Generator
from types import TracebackType
from typing import Any

from tidegate.impl.errors import HandleDroppedError


class _State(enum.Enum):
    INIT = "init"
    """Created, not yet polled or enabled: not in the line."""
    WAITING = "waiting"
    """In the line, or picked and not yet polled since."""
    DONE = "done"
    """Completed: every later poll completes at once."""
    DROPPED = "dropped"
    """Closed or cancelled unfinished."""


class _By(enum.Enum):
    ONE = "notify_one"
    ALL = "notify_waiters"


class Notify:
    """Wakes one waiter per `notify_one()`, or stores a single permit when none waits."""

    __slots__ = ("_calls", "_permit", "_waiters")

    def __init__(self) -> None:
        self._permit = False
        self._waiters: deque[Notified] = deque()
        # How many times notify_waiters() ran: a Notified created before a call completes.
        self._calls = 0

    def notify_one(self) -> None:
        """Pick the longest-waiting `Notified`, or, with none waiting, store the permit.

        A permit already stored stays one permit: repeated calls coalesce. A
        waiter whose task is being cancelled is passed over.
        """
        waiters = self._waiters
        while waiters:
            waiter = waiters.popleft()
            if waiter.pick(_By.ONE):
                return
        self._permit = True

    def notify_waiters(self) -> None:
        """Wake every `Notified` created before this call, waiting or not yet polled.

        Stores no permit, and leaves a stored one as it is.
        """
        self._calls += 1
        waiters, self._waiters = self._waiters, deque()
        for waiter in waiters:
            waiter.pick(_By.ALL)

    def notified(self) -> Notified:
        """A wait for the next notification (a coroutine: await it, or make it a task).

        It completes at once if a permit is stored (taking it), else when
        `notify_one` picks it or `notify_waiters` runs. Cancelled after being
        picked, it passes the notification on (see the module's rules).
        """
        return Notified(self)

    @property
    def has_permit(self) -> bool:
        """True while a notification is stored and not yet consumed."""
        return self._permit

    def _take_permit(self) -> bool:
        if self._permit:
            self._permit = False
            return True
        return False


class Notified(Coroutine[Any, Any, None]):
    """One wait on a `Notify`, as a coroutine polled by whoever drives it.

    `enable()` joins the line without waiting; `close()` (or cancelling the
    task that awaits it) drops it: it leaves the line, and a notification it
    was picked for passes on. Awaiting it again after it completed returns at
    once.
    """

    __slots__ = ("_by", "_calls", "_fut", "_notify", "_state")

    def __init__(self, notify: Notify) -> None:
        self._notify = notify
        self._state = _State.INIT
        self._calls = notify._calls
        self._by: _By | None = None
        self._fut: asyncio.Future[None] | None = None

    def enable(self) -> bool:
        """Join the line now (taking a stored permit if there is one) without waiting.

        Returns True when the wait is complete: a permit was taken, or
        `notify_waiters` ran since this was created, or it was picked since it
        joined. Raises HandleDroppedError after `close()`.
        """
        return self._poll()

    def pick(self, by: _By) -> bool:
        """Called by the Notify on a waiter it takes out of the line: mark it notified
        and wake it. False (and nothing marked) if its task is being cancelled."""
        if self._fut is not None and self._fut.cancelled():
            return False
        self._by = by
        if self._fut is not None and not self._fut.done():
            self._fut.set_result(None)
        return True

    def _poll(self) -> bool:
        notify = self._notify
        if self._state is _State.DONE:
            return True
        if self._state is _State.DROPPED:
            raise HandleDroppedError("this Notified was closed")
        if self._state is _State.INIT:
            if notify._take_permit() or notify._calls != self._calls:
                self._state = _State.DONE
                return True
            notify._waiters.append(self)
            self._state = _State.WAITING
            return False
        if self._by is not None:
            self._state = _State.DONE
            return True
        return False

    # --- the coroutine protocol: one `send(None)` is one poll ---------------------------

    def send(self, value: None) -> asyncio.Future[None]:
        """Poll once: raise StopIteration when complete, else return the future to wait on
        (polled again before that future is done, the same future)."""
        if self._poll():
            raise StopIteration(None)
        fut = self._fut
        if fut is None or fut.done():
            fut = self._fut = asyncio.get_running_loop().create_future()
        fut._asyncio_future_blocking = True
        return fut

    def throw(
        self,
        typ: type[BaseException] | BaseException,
        val: object = None,
        tb: TracebackType | None = None,
    ) -> asyncio.Future[None]:
        """Drop the wait (see `close`), then raise the exception thrown in."""
        self.close()
        if isinstance(typ, BaseException):
            raise typ
        raise val if isinstance(val, BaseException) else typ()

    def close(self) -> None:
        """Drop the wait unfinished: it leaves the line, and a notification it was picked
        for by `notify_one` passes on (to the next waiter, else the permit). Idempotent;
        nothing happens once it completed."""
        if self._state is not _State.WAITING:
            if self._state is _State.INIT:
                self._state = _State.DROPPED
            return
        self._state = _State.DROPPED
        notify = self._notify
        with contextlib.suppress(ValueError):  # a picked waiter already left the line
            notify._waiters.remove(self)
        if self._by is _By.ONE:
            notify.notify_one()

    def __await__(self) -> Generator[Any, None, None]:
        return self

    def __iter__(self) -> Generator[Any, None, None]:
        return self

    def __next__(self) -> asyncio.Future[None]:
        return self.send(None)

    # Frames for tools that walk a coroutine's awaits (as they do a native coroutine's).
    cr_frame = None
    cr_await = None
