"""Subjects that answer PROTOCOL.md operations: the model, and the asyncio implementation.

Both speak the same two calls, `reset(capacity, cap)` and `apply(op) -> Answer`,
so every checker (replay, differential, conformance) drives them alike; `op` is
a v1 `Op` or a v2 `TaskOp` (the implementation's tasks are hand-polled
coroutines, `impl_tasks`). `SubjectView` is the whole observable state, for
comparing after every step.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from tidegate import impl, model
from tidegate.impl.channel import channel
from tidegate.model import (
    CLOSED,
    DISCONNECTED,
    EMPTY,
    FULL,
    OK,
    QUEUE_FULL,
    Answer,
    Ok,
    Op,
    OpName,
    TaskOp,
)
from tidegate.proofs.core import TidegateError
from tidegate.proofs.protocol.impl_tasks import ImplTasks

ChannelFactory = Callable[[int], tuple[impl.Sender[int], impl.Receiver[int]]]
"""Makes a channel's (Sender, Receiver) from its capacity: `tidegate.impl.channel.channel`,
or another channel with its API (a broken one, to see the checkers catch it)."""


class SubjectError(TidegateError, ValueError):
    """Raised when a subject kind is neither \"model\" nor \"impl\"."""


@dataclass(frozen=True)
class SubjectView:
    """What can be observed of a subject: channel buffer, backlog, free slots, receiver;
    and its tasks (v2): the pending ones by id with their kind ("send", "recv",
    "notified"), those of the send and notified tasks whose next poll completes
    (`ready`: a slot reserved, the channel closed, or picked by `notify_one`), and
    whether the Notify stores its permit.

    A receive's readiness is left out: the implementation wakes every pending
    receive when an item arrives, also one that another receive then takes, and
    being woken is not observable (PROTOCOL.md); only a poll is.
    """

    buffer: tuple[int, ...]
    backlog: tuple[int, ...]
    free_slots: int
    receiver: str
    tasks: tuple[tuple[int, str], ...] = ()
    ready: tuple[int, ...] = ()
    permit: bool = False


class Runner(Protocol):
    """Anything that can be started fresh and then fed operations."""

    name: str

    def reset(self, capacity: int, cap: int) -> None:
        """Start a fresh subject (raises the subject's parameter errors on bad values)."""

    def apply(self, op: Op | TaskOp) -> Answer:
        """Run one operation and return its answer."""


class ModelRunner:
    """The pure model, holding its current state. `discarded` accumulates lost items."""

    name = "model"

    def __init__(self) -> None:
        self.state: model.Subject | None = None
        self.discarded: list[int] = []

    def reset(self, capacity: int, cap: int) -> None:
        self.state = model.new(capacity, cap)
        self.discarded = []

    def apply(self, op: Op | TaskOp) -> Answer:
        if self.state is None:
            raise RuntimeError("apply() before reset()")
        self.state, answer, lost = model.apply(self.state, op)
        self.discarded.extend(lost)
        return answer

    def view(self) -> SubjectView:
        state = self.state
        assert state is not None
        ch = state.channel
        pending = model.pending_tasks(state)
        reserved = {p.task for p in ch.reserved}
        ready = tuple(
            task
            for task, kind in pending
            if (kind is model.TaskKind.SEND and (task in reserved or ch.is_closed))
            or (kind is model.TaskKind.NOTIFIED and task in state.notify.picked)
        )
        return SubjectView(
            ch.buffer,
            state.queue.backlog,
            ch.free_slots,
            ch.receiver.value,
            tuple((task, kind.value) for task, kind in pending),
            ready,
            state.notify.permit,
        )


class ImplRunner:
    """The asyncio implementation: one channel, the queue's sender, another producer's
    clone, the receiver, a Notify. v1 operations are synchronous; task operations run
    their hand-polled coroutines inside the runner's own event loop (`close()` it when
    done). `discarded` accumulates items the implementation reported lost."""

    name = "impl"

    def __init__(self, channel_factory: ChannelFactory | None = None) -> None:
        self.channel_factory: ChannelFactory = channel_factory or channel
        self.tx: impl.Sender[int] | None = None
        self.other: impl.Sender[int] | None = None
        self.rx: impl.Receiver[int] | None = None
        self.queue: impl.BackpressureQueue[int] | None = None
        self.tasks: ImplTasks | None = None
        self.discarded: list[int] = []
        self._loop: asyncio.AbstractEventLoop | None = None

    def reset(self, capacity: int, cap: int) -> None:
        queue: impl.BackpressureQueue[int] = impl.BackpressureQueue(cap)
        self.tx, self.rx = self.channel_factory(capacity)
        self.other, self.queue = self.tx.clone(), queue
        self.tasks = None
        self.discarded = []

    def close(self) -> None:
        """Close the event loop task operations run in (a later one opens a new one)."""
        if self._loop is not None:
            self._loop.close()
            self._loop = None

    def __del__(self) -> None:
        self.close()

    def apply(self, op: Op | TaskOp) -> Answer:
        tx, other, rx, queue = self.tx, self.other, self.rx, self.queue
        if tx is None or other is None or rx is None or queue is None:
            raise RuntimeError("apply() before reset()")
        if isinstance(op, TaskOp):
            if self.tasks is None:
                if self._loop is None:
                    self._loop = asyncio.new_event_loop()
                self.tasks = ImplTasks(self._loop, other, rx, impl.Notify())
            return self.tasks.apply(op)
        name = op.name
        try:
            if name is OpName.ENQUEUE_OR_SEND:
                assert op.item is not None
                queue.enqueue_or_send(tx, op.item)
                return OK
            if name is OpName.TRY_DRAIN_ONE:
                return Ok(queue.try_drain_one(tx))
            if name is OpName.TRY_SEND:
                assert op.item is not None
                other.try_send(op.item)
                return OK
            if name is OpName.TRY_RECV:
                return Ok(rx.try_recv())
            if name is OpName.CLOSE:
                rx.close()
                return OK
            if name is OpName.DROP_RECEIVER:
                self.discarded.extend(rx.drop())
                return OK
            if name is OpName.HAS_PENDING:
                return Ok(queue.has_pending())
            if name is OpName.LEN:
                return Ok(len(queue))
            return Ok(tx.capacity())
        except impl.QueueFull:
            return QUEUE_FULL
        except impl.Closed as exc:
            if name is OpName.TRY_DRAIN_ONE:
                self.discarded.append(exc.item)
            return CLOSED
        except impl.ChannelClosed:
            return CLOSED
        except impl.ChannelFull:
            return FULL
        except impl.ChannelEmpty:
            return EMPTY
        except (impl.ChannelDisconnected, impl.HandleDroppedError):
            # try_recv on a dropped receiver: the seed oracle answers Disconnected.
            return DISCONNECTED

    def view(self) -> SubjectView:
        assert self.tx is not None and self.rx is not None and self.queue is not None
        tasks, ready, permit = self.tasks.view() if self.tasks is not None else ((), (), False)
        return SubjectView(
            self.rx.buffered(),
            self.queue.backlog(),
            self.tx.capacity(),
            self.rx.status.value,
            tasks,
            ready,
            permit,
        )


def make_runner(kind: str) -> ModelRunner | ImplRunner:
    """A runner for `kind`, "model" or "impl"; raises SubjectError naming other values."""
    if kind == "model":
        return ModelRunner()
    if kind == "impl":
        return ImplRunner()
    raise SubjectError(f"subject must be 'model' or 'impl', got {kind!r}")
