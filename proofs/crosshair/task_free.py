"""Subjects without tasks, for CrossHair runs whose budget is too small for tasks.

The quick profile gives each condition about a tenth of a CPU second: enough for
CrossHair to build a v1 subject (a channel's buffer and receiver, a backlog),
not one that may also hold parked sends, pending receives and Notify waiters,
each field more solver decisions. `register()` (run inside CrossHair by
`task_free_plugin.py`) makes every `Subject`, `ChannelState` and `NotifyState`
CrossHair builds free of tasks: no parked send, no pending receive, no waiter,
`last_task` 0. The v1 transitions are then searched over exactly the states
they had before tasks existed, with the same invariants assumed. The default
and thorough profiles do not load it: there the same contracts are searched
over subjects with tasks too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tidegate.model.channel import ChannelState, ReceiverState
from tidegate.model.notify import IDLE_NOTIFY, NotifyState
from tidegate.model.queue import QueueState
from tidegate.model.subject import Subject


@dataclass(frozen=True)
class TaskFreeChannel:
    """The fields of a channel with no parked send, and `ChannelState`'s invariants for it.

    inv: self.capacity >= 1
    inv: len(self.buffer) <= self.capacity
    inv: self.receiver != ReceiverState.DROPPED or len(self.buffer) == 0
    """

    capacity: int
    buffer: tuple[int, ...] = ()
    receiver: ReceiverState = ReceiverState.OPEN


def _channel(make: Any) -> ChannelState:
    # Built through a class CrossHair proxies itself, so its search is the one v1 states had.
    fields: TaskFreeChannel = make(TaskFreeChannel)
    return ChannelState(fields.capacity, fields.buffer, fields.receiver)


def _notify(make: Any) -> NotifyState:
    return IDLE_NOTIFY


def _subject(make: Any) -> Subject:
    return Subject(make(ChannelState), make(QueueState))


def register() -> None:
    """Make CrossHair build task-free subjects, channels and Notify states from now on."""
    from crosshair import register_type

    register_type(ChannelState, _channel)
    register_type(NotifyState, _notify)
    register_type(Subject, _subject)
