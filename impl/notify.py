"""A single-permit notification, as tokio's `Notify` is used by the seed.

The consumer calls `notify_one()` after each receive; the reader awaits
`notified()`. Notifications that arrive while nobody waits coalesce into one
stored permit: ten pings before a wait wake it once.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque


class Notify:
    """Wakes one waiter per `notify_one()`, or stores a single permit when none waits."""

    __slots__ = ("_permit", "_waiters")

    def __init__(self) -> None:
        self._permit = False
        self._waiters: deque[asyncio.Future[None]] = deque()

    def notify_one(self) -> None:
        """Wake the longest-waiting `notified()`; with none waiting, store the permit.

        A permit already stored stays one permit: repeated calls coalesce.
        """
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self._permit = True

    async def notified(self) -> None:
        """Return once notified: at once if a permit is stored (consuming it), else on the
        next `notify_one()`. If the waiting task is cancelled after being chosen, the
        notification passes on (to the next waiter, or back to the permit), never lost."""
        if self._permit:
            self._permit = False
            return
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.notify_one()
            else:
                with contextlib.suppress(ValueError):
                    self._waiters.remove(waiter)
            raise

    @property
    def has_permit(self) -> bool:
        """True while a notification is stored and not yet consumed."""
        return self._permit
