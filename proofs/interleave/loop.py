"""An asyncio event loop whose scheduling is decided from outside, with a virtual clock.

Real `asyncio.Task`s and `Future`s run on it unchanged; only the choice of what
runs next is taken away from the loop:

- each *role* is one root task (created with `spawn`); `step(role)` runs that
  task's next step, from one await to the next;
- tasks a role creates (its sub-tasks) and plain callbacks (future done
  callbacks, timer callbacks) are not choice points: they run right after the
  step that made them ready, before any other role, the way `tokio::select!`
  polls its branches inside its own task's poll;
- time stands still while any role can step; `advance()` jumps the clock to the
  next timer. `run_fifo()` instead runs everything in plain FIFO order with the
  virtual clock (what the simulator uses).
"""

from __future__ import annotations

import asyncio
import contextvars
import heapq
import inspect
from collections import deque
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

_T = TypeVar("_T")


class LoopError(RuntimeError):
    """Raised when a task or callback on the controlled loop failed unexpectedly."""


class ControlledLoop(asyncio.AbstractEventLoop):
    """The minimum of an event loop that tasks, futures and `asyncio.sleep` need."""

    def __init__(self) -> None:
        # Each ready handle with the role whose own step it is (None: runs eagerly).
        self._ready: deque[tuple[asyncio.Handle, str | None]] = deque()
        self._timers: list[tuple[float, int, asyncio.TimerHandle]] = []
        self._seq = 0
        self._now = 0.0
        self._roots: dict[asyncio.Task[Any] | None, str] = {}
        self._by_role: dict[str, asyncio.Task[Any]] = {}
        self._subtasks: dict[asyncio.Task[Any], str] = {}
        self._running_role: str | None = None
        self._runnable: list[str] | None = None
        self.errors: list[str] = []

    # --- what tasks and futures call -------------------------------------------------

    def time(self) -> float:
        return self._now

    def call_soon(  # type: ignore[override]
        self,
        callback: Callable[..., object],
        *args: Any,
        context: contextvars.Context | None = None,
    ) -> asyncio.Handle:
        handle = asyncio.Handle(callback, args, self, context)
        self._ready.append((handle, self._roots.get(_owner(handle))))
        self._runnable = None
        return handle

    def call_later(  # type: ignore[override]
        self,
        delay: float,
        callback: Callable[..., object],
        *args: Any,
        context: contextvars.Context | None = None,
    ) -> asyncio.TimerHandle:
        return self.call_at(self._now + max(delay, 0.0), callback, *args, context=context)

    def call_at(  # type: ignore[override]
        self,
        when: float,
        callback: Callable[..., object],
        *args: Any,
        context: contextvars.Context | None = None,
    ) -> asyncio.TimerHandle:
        handle = asyncio.TimerHandle(when, callback, args, self, context)
        self._seq += 1
        heapq.heappush(self._timers, (when, self._seq, handle))
        return handle

    def _timer_handle_cancelled(self, handle: asyncio.TimerHandle) -> None:
        pass  # cancelled timers are skipped when they come due

    def create_future(self) -> asyncio.Future[Any]:
        return asyncio.Future(loop=self)

    def create_task(  # type: ignore[override]
        self, coro: Coroutine[Any, Any, _T], *, name: str | None = None, context: Any = None
    ) -> asyncio.Task[_T]:
        task: asyncio.Task[_T] = asyncio.Task(coro, loop=self, name=name)
        if self._running_role is not None:
            self._subtasks[task] = self._running_role
        return task

    def get_debug(self) -> bool:
        return False

    def is_closed(self) -> bool:
        return False

    def is_running(self) -> bool:
        return True

    def call_exception_handler(self, context: dict[str, Any]) -> None:
        self.errors.append(str(context.get("exception") or context.get("message")))

    def default_exception_handler(self, context: dict[str, Any]) -> None:
        self.call_exception_handler(context)

    # --- what the explorer calls -----------------------------------------------------

    def spawn(self, role: str, coro: Coroutine[Any, Any, _T]) -> asyncio.Task[_T]:
        """Start `coro` as the root task of `role` (its first step is not run yet)."""
        task = self.create_task(coro, name=role)
        self._subtasks.pop(task, None)
        self._roots[task] = role
        self._by_role[role] = task
        self._ready = deque((h, role if _owner(h) is task else r) for h, r in self._ready)
        self._runnable = None
        return task

    def task(self, role: str) -> asyncio.Task[Any]:
        """The root task of `role`."""
        return self._by_role[role]

    def subtasks(self, role: str) -> list[asyncio.Task[Any]]:
        """The live sub-tasks `role` created, oldest first."""
        return [t for t, r in self._subtasks.items() if r == role and not t.done()]

    def runnable(self) -> list[str]:
        """Roles whose next step is ready, in the order they were spawned."""
        if self._runnable is None:
            ready = {r for h, r in self._ready if r is not None and not h.cancelled()}
            self._runnable = [role for role in self._by_role if role in ready]
        return list(self._runnable)

    def step(self, role: str) -> None:
        """Run `role`'s ready step, then every sub-task step and callback it made ready.

        Raises KeyError naming the role when it has no ready step.
        """
        for entry in self._ready:
            handle, owner = entry
            if owner == role and not handle.cancelled():
                self._ready.remove(entry)
                self._runnable = None
                self._run(handle, role)
                self._settle()
                return
        raise KeyError(f"role {role!r} has no ready step (runnable: {self.runnable()})")

    def advance(self) -> bool:
        """Jump the clock to the earliest timer, fire every timer due then, and settle.

        Returns False when no timer is pending.
        """
        if not self.advance_raw():
            return False
        self._settle()
        return True

    def run_fifo(self, until: asyncio.Future[Any], *, horizon: float = float("inf")) -> None:
        """Run every ready handle in FIFO order, advancing the virtual clock when idle,
        until `until` is done, nothing is left, or the clock passes `horizon`."""
        with running(self):
            while not until.done():
                if self._ready:
                    handle, _ = self._ready.popleft()
                    if not handle.cancelled():
                        handle._run()
                    continue
                if not self._timers or self._timers[0][0] > horizon or not self.advance_raw():
                    return

    def advance_raw(self) -> bool:
        """Like `advance` without running anything: the due timers only join the ready queue."""
        while self._timers and self._timers[0][2].cancelled():
            heapq.heappop(self._timers)
        if not self._timers:
            return False
        self._now = max(self._now, self._timers[0][0])
        while self._timers and self._timers[0][0] <= self._now:
            _, _, handle = heapq.heappop(self._timers)
            if not handle.cancelled():
                self._ready.append((handle, self._roots.get(_owner(handle))))
        self._runnable = None
        return True

    def close_unstarted(self) -> None:
        """Close the coroutine of every task (roles and sub-tasks) that has not started,
        running nothing: for a run abandoned mid-step (Ctrl-C)."""
        for task in [*self._by_role.values(), *self._subtasks]:
            coro = task.get_coro()
            if inspect.iscoroutine(coro) and inspect.getcoroutinestate(coro) == "CORO_CREATED":
                coro.close()

    def settle_all(self) -> None:
        """Run every ready handle, roles included, in FIFO order (used after cancelling)."""
        guard = 0
        while self._ready and guard < 100_000:
            guard += 1
            handle, role = self._ready.popleft()
            self._runnable = None
            if not handle.cancelled():
                self._run(handle, role)

    def _settle(self) -> None:
        """Run the ready handles that are not a role's own step, FIFO, until none is left."""
        ready = self._ready
        while True:
            for entry in ready:
                if entry[1] is None or entry[0].cancelled():
                    break
            else:
                return
            ready.remove(entry)
            self._runnable = None
            handle = entry[0]
            if not handle.cancelled():
                owner = _owner(handle)
                role = self._subtasks.get(owner) if owner is not None else None
                self._run(handle, role)

    def _run(self, handle: asyncio.Handle, role: str | None) -> None:
        previous, self._running_role = self._running_role, role
        try:
            with running(self):
                handle._run()
        finally:
            self._running_role = previous


def _owner(handle: asyncio.Handle) -> asyncio.Task[Any] | None:
    """The task a handle steps or wakes, or None for a plain callback."""
    owner = getattr(getattr(handle, "_callback", None), "__self__", None)
    return owner if isinstance(owner, asyncio.Task) else None


class running:
    """Make `loop` the running loop inside a `with` block (restoring the previous one)."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self._previous: asyncio.AbstractEventLoop | None = None

    def __enter__(self) -> None:
        self._previous = asyncio.events._get_running_loop()
        asyncio.events._set_running_loop(self._loop)

    def __exit__(self, *exc: object) -> None:
        asyncio.events._set_running_loop(self._previous)
