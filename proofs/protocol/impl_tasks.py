"""PROTOCOL.md's v2 tasks on the implementation: hand-polled futures with ids.

`send`, `recv` and `notified` start `other.clone().send(item)`, `rx.recv()` or
`notify.notified()` as a `tidegate.impl.Spawned` coroutine and poll it once; a
pending one keeps the next id, as PROTOCOL.md numbers tasks, until a `poll`
answers its completion or a `cancel` drops it (asyncio's cancellation: the
CancelledError is thrown in where it waits). A send task owns its own clone of
the other producer's sender, dropped when the task ends.

The futures the implementation creates belong to an event loop, so every task
operation runs inside `loop` (which runs nothing else: the coroutines move only
when polled here).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tidegate import impl
from tidegate.model import CLOSED, NO_TASK, OK, Answer, Ok, Pending, TaskOp, TaskOpName


@dataclass
class _Task:
    kind: TaskOpName
    spawned: impl.Spawned[Any]
    answer_of: Callable[[impl.Ready[Any]], Answer]
    sender: impl.Sender[int] | None = None


def _ok(ready: impl.Ready[Any]) -> Answer:
    return OK


def _received(ready: impl.Ready[Any]) -> Answer:
    return Ok(ready.value)


class ImplTasks:
    """The task table of one implementation subject: its other producer's sender, its
    receiver and Notify, the pending tasks by id."""

    def __init__(
        self,
        loop: asyncio.AbstractEventLoop,
        other: impl.Sender[int],
        rx: impl.Receiver[int],
        notify: impl.Notify,
    ) -> None:
        self.loop = loop
        self.other, self.rx, self.notify = other, rx, notify
        self.pending: dict[int, _Task] = {}
        self.last_task = 0

    def apply(self, op: TaskOp) -> Answer:
        """Run one task operation (inside the loop) and return its answer."""

        async def inside() -> Answer:
            return self._apply(op)

        return self.loop.run_until_complete(inside())

    def _apply(self, op: TaskOp) -> Answer:
        name = op.name
        if name is TaskOpName.SEND:
            assert op.item is not None  # guaranteed by TaskOp
            sender = self.other.clone()
            return self._start(_Task(name, impl.Spawned(sender.send(op.item)), _ok, sender))
        if name is TaskOpName.RECV:
            if self.rx.status is impl.ReceiverStatus.DROPPED:
                return Ok(None)  # the reference adapter's convention: no task
            return self._start(_Task(name, impl.Spawned(self.rx.recv()), _received))
        if name is TaskOpName.NOTIFIED:
            return self._start(_Task(name, impl.Spawned(self.notify.notified()), _ok))
        if name is TaskOpName.NOTIFY_ONE:
            self.notify.notify_one()
            return OK
        assert op.task is not None
        task = self.pending.get(op.task)
        if task is None:
            return NO_TASK
        if name is TaskOpName.POLL:
            answer = self._poll(task)
            if isinstance(answer, Pending):
                return Pending(op.task)
            self._end(op.task)
            return answer
        task.spawned.cancel()
        self._end(op.task)
        return OK

    def view(self) -> tuple[tuple[tuple[int, str], ...], tuple[int, ...], bool]:
        """The pending tasks by id with their kind, the send and notified ones a poll would
        run (their future is done: `Spawned.is_woken`), and whether a permit is stored."""
        tasks = tuple((task_id, t.kind.value) for task_id, t in sorted(self.pending.items()))
        ready = tuple(
            task_id
            for task_id, t in sorted(self.pending.items())
            if t.kind is not TaskOpName.RECV and t.spawned.is_woken()
        )
        return tasks, ready, self.notify.has_permit

    def _start(self, task: _Task) -> Answer:
        answer = self._poll(task)
        if isinstance(answer, Pending):
            self.last_task += 1
            self.pending[self.last_task] = task
            return Pending(self.last_task)
        if task.sender is not None:
            task.sender.drop()
        return answer

    def _poll(self, task: _Task) -> Answer:
        """One poll: the task's answer once complete, else Pending (its id set by the caller)."""
        try:
            ready = task.spawned.poll()
        except impl.ChannelClosed:
            return CLOSED
        except impl.HandleDroppedError:
            return Ok(None)  # a receive after drop_receiver: the adapter's convention
        if ready is None:
            return Pending(0)
        return task.answer_of(ready)

    def _end(self, task_id: int) -> None:
        task = self.pending.pop(task_id)
        if task.sender is not None:
            task.sender.drop()
