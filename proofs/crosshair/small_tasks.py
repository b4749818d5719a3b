"""Small subjects with tasks, built valid, for CrossHair runs with a small budget.

A subject with tasks must satisfy every invariant of its parts (buffer and
reserved slots within capacity, a waiting send only on a full open channel,
one id per task, ids given out already, no permit while tasks wait); built
field by field, CrossHair spends a small budget rejecting states that break
one, and meets no precondition. Here a `SmallTaskSubject` names the shape (a
channel of capacity 1 to 3 and its buffer, the items of up to two waiting sends
and of the sends holding a reserved slot, up to two pending receives, picked
waiters and waiters in line, the permit), CrossHair proxies it, and
`register()` turns it into a `Subject` whose ids follow an order tasks can have
started in: the sends holding a reserved slot first (they parked before those
still waiting), then the waiting sends, the receives, the picked waiters and
the waiters still in line. The backlog is empty (cap 1): no task operation
touches the queue.

Every subject built is a valid one (its invariants hold by construction), so a
counterexample found over them is real; but ids interleave in one order only
and no kind has more than two tasks. The thorough profile searches the task
modules over every subject.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tidegate.model.channel import ChannelState, ParkedSend, ReceiverState
from tidegate.model.notify import NotifyState
from tidegate.model.queue import QueueState
from tidegate.model.subject import Subject


@dataclass(frozen=True)
class SmallTaskSubject:
    """The shape of a small subject with tasks (see the module docstring).

    inv: 1 <= self.capacity <= 3
    inv: self.taken <= self.capacity
    inv: self.receiver != ReceiverState.DROPPED or len(self.buffer) == 0
    inv: self.receiver != ReceiverState.OPEN or not self.waiting or self.taken == self.capacity
    inv: len(self.waiting) <= 2
    inv: 0 <= self.receives <= 2 and 0 <= self.waiters <= 2 and 0 <= self.picked <= 2
    inv: not (self.permit and self.waiters > 0)
    """

    capacity: int
    buffer: tuple[int, ...]
    receiver: ReceiverState
    waiting: tuple[int, ...]
    reserved: tuple[int, ...]
    receives: int
    waiters: int
    picked: int
    permit: bool

    @property
    def taken(self) -> int:
        """Slots buffered or reserved."""
        return len(self.buffer) + len(self.reserved)

    def subject(self) -> Subject:
        """The subject this shape stands for, ids given in the order described above; the
        backlog is empty (no task operation touches the queue)."""
        ids = iter(range(1, 9))
        reserved = tuple(ParkedSend(next(ids), item) for item in self.reserved)
        waiting = tuple(ParkedSend(next(ids), item) for item in self.waiting)
        receives = tuple(next(ids) for _ in range(self.receives))
        picked = tuple(next(ids) for _ in range(self.picked))
        waiters = tuple(next(ids) for _ in range(self.waiters))
        given = len(reserved) + len(waiting) + len(receives) + len(picked) + len(waiters)
        return Subject(
            ChannelState(self.capacity, self.buffer, self.receiver, waiting, reserved),
            QueueState(1),
            NotifyState(self.permit, waiters, picked),
            receives,
            given,
        )


def _subject(make: Any) -> Subject:
    from crosshair.tracers import ResumedTracing

    shape: SmallTaskSubject = make(SmallTaskSubject)
    # CrossHair calls this with tracing off; counting the symbolic lengths needs it on.
    with ResumedTracing():  # type: ignore[no-untyped-call]
        return shape.subject()


def register() -> None:
    """Make CrossHair build every `Subject` from a `SmallTaskSubject` from now on."""
    from crosshair import register_type

    register_type(Subject, _subject)
