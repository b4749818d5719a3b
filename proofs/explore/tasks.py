"""The task actions (v2) of an exploration with task bounds, numbered after the v1 ones.

With bounds NS, NR, NW (`search.Bounds.sends`, `recvs`, `waiters`) a state also
counts the `send`, `recv` and `notified` tasks started so far, and these
actions are enabled (each computed by the model's own function):

- `send` of the next item (2001, 2002, …) while fewer than NS were started;
  started, it is used up whatever it answers (ok, Closed or pending);
- `recv` while fewer than NR were started and the model lets a trace issue
  one (`tidegate.model.enabled_tasks`: not once the receiver is dropped);
- `notified` while fewer than NW were started;
- `notify_one` whenever NW > 0 (the Notify has one permit, so repeating it
  reaches no new state without end);
- `poll` and `cancel` of each task the model lets a trace name
  (`tidegate.model.pollable_tasks`: every pending task, except a `recv` task
  once the receiver is dropped).

Task ids are the model's (the n-th task answered pending is task n), so at
most NS + NR + NW ids are ever given, and the state space stays finite.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from tidegate import model
from tidegate.model import Subject, TaskKind, TaskOp, TaskOpName, Transition
from tidegate.proofs.explore.properties import SEND_BASE, Witness
from tidegate.proofs.explore.task_properties import (
    NOTIFY_WITNESSES,
    RECV_WITNESSES,
    SEND_WITNESSES,
)

Move = tuple[int, tuple[int, ...]]
"""An enabled action and the state key it leads to, the subject's id left out."""


class TaskActions:
    """The task actions of one exploration, numbered from `first` (after the v1 ones):
    the NS sends, then `recv`, `notified`, `notify_one`, then `poll` and `cancel` of
    task 1, of task 2, … up to task NS + NR + NW; `end` is one past the last."""

    def __init__(self, sends: int, recvs: int, waiters: int, first: int) -> None:
        self.sends, self.recvs, self.waiters = sends, recvs, waiters
        self.first = first
        self.recv = first + sends
        self.notified = self.recv + 1
        self.notify_one = self.recv + 2
        self.polls = self.recv + 3
        self.end = self.polls + 2 * (sends + recvs + waiters)
        self._standing: dict[int, tuple[bool, tuple[int, ...]]] = {}

    def witnesses(self) -> tuple[Witness, ...]:
        """The task witnesses the bounds can reach: a kind of task never started is none."""
        return (
            (SEND_WITNESSES if self.sends else ())
            + (RECV_WITNESSES if self.recvs else ())
            + (NOTIFY_WITNESSES if self.waiters else ())
        )

    def make(self, action: int) -> tuple[TaskOp, Callable[[Subject], Transition]]:
        """The task operation of number `action` and the model's function for it."""
        if action < self.recv:
            item = SEND_BASE + action - self.first
            return TaskOp(TaskOpName.SEND, item=item), functools.partial(model.send, item=item)
        if action == self.recv:
            return TaskOp(TaskOpName.RECV), model.recv
        if action == self.notified:
            return TaskOp(TaskOpName.NOTIFIED), model.notified
        if action == self.notify_one:
            return TaskOp(TaskOpName.NOTIFY_ONE), model.notify_one
        task, cancels = divmod(action - self.polls, 2)
        task += 1
        if cancels:
            return TaskOp(TaskOpName.CANCEL, task=task), functools.partial(model.cancel, task=task)
        return TaskOp(TaskOpName.POLL, task=task), functools.partial(model.poll, task=task)

    def moves(self, sid: int, s: Subject, key: tuple[int, ...], out: list[Move]) -> None:
        """Append to `out` the task actions enabled in state `key` (whose subject `s` has
        id `sid`), in their number's order."""
        standing = self._standing.get(sid)
        if standing is None:
            recv_ok = TaskOpName.RECV in model.enabled_tasks(s)
            pollable = tuple(
                self.polls + 2 * (task - 1) + c for task in model.pollable_tasks(s) for c in (0, 1)
            )
            notify = (self.notify_one,) if self.waiters else ()
            standing = self._standing[sid] = (recv_ok, notify + pollable)
        recv_ok, others = standing
        head, (sent, received, waited) = key[1:3], key[3:6]
        if sent < self.sends:
            out.append((self.first + sent, (*head, sent + 1, received, waited)))
        if received < self.recvs and recv_ok:
            out.append((self.recv, (*head, sent, received + 1, waited)))
        if waited < self.waiters:
            out.append((self.notified, (*head, sent, received, waited + 1)))
        same = key[1:]
        out.extend((a, same) for a in others)


def kind_polled(s: Subject, op: TaskOp) -> TaskKind | None:
    """The kind of the task `op` polls or cancels in `s` (None for other operations)."""
    return None if op.task is None else model.task_kind(s, op.task)
