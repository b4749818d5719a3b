"""The subject's `tokio::sync::Notify` (v2), as tokio 1.24.2 behaves, waits polled by hand.

State: one stored permit or none, the `notified()` tasks waiting in the order
they started, and the waiters a `notify_one` has picked but that have not been
polled since. The ids are handed out by `tidegate.model.tasks`; here they are
given. The rules, the surprising ones first:

1. A cancelled waiter that was picked and not polled since passes its
   notification on: to the longest-waiting task, or, if none waits, to the
   stored permit. Cancelling any other waiter changes nothing else.
2. One permit: `notify_one` while nobody waits stores a permit, and further
   calls store no more (notifications coalesce).
3. `notify_one` while tasks wait picks the longest-waiting one and stores no
   permit; the picked task leaves the line at once (the next `notify_one`
   picks the next waiter) and completes at its next poll.
4. A `notified` started while the permit is stored completes at once and takes
   it; otherwise it waits at the back of the line.
"""

from __future__ import annotations

from dataclasses import dataclass

from tidegate.model.answers import OK, Answer, Pending


@dataclass(frozen=True)
class NotifyState:
    """An immutable snapshot of the Notify.

    inv: not (self.permit and self.waiters)
    inv: len(set(self.waiters + self.picked)) == len(self.waiters) + len(self.picked)
    inv: all(t >= 1 for t in self.waiters + self.picked)
    """

    permit: bool = False
    waiters: tuple[int, ...] = ()
    picked: tuple[int, ...] = ()

    @property
    def tasks(self) -> tuple[int, ...]:
        """Every pending `notified` task: the waiting ones, then the picked ones."""
        return self.waiters + self.picked


IDLE_NOTIFY = NotifyState()
"""A fresh Notify: no permit stored, nobody waiting."""


def notify_one(n: NotifyState) -> NotifyState:
    """`notify.notify_one()`: pick the longest-waiting task, else store the permit.

    A permit already stored stays one permit.

    post: not n.waiters or __return__ == NotifyState(n.permit, n.waiters[1:], n.picked + n.waiters[:1])
    post: len(n.waiters) > 0 or __return__ == NotifyState(True, (), n.picked)
    """
    if n.waiters:
        return NotifyState(n.permit, n.waiters[1:], n.picked + n.waiters[:1])
    return NotifyState(True, (), n.picked)


def notified(n: NotifyState, task: int) -> tuple[NotifyState, Answer]:
    """Start `notify.notified().await` and poll it once; `task` is its id should it wait.

    - a permit is stored: it is taken; ok;
    - otherwise the task waits at the back of the line; pending `task`.

    pre: task >= 1 and task not in n.tasks
    post: __return__[1] in (OK, Pending(task))
    post: (__return__[1] == OK) == n.permit
    post: __return__[1] != OK or __return__[0] == NotifyState(False, n.waiters, n.picked)
    post: __return__[1] == OK or __return__[0] == NotifyState(False, n.waiters + (task,), n.picked)
    """
    if n.permit:
        return NotifyState(False, n.waiters, n.picked), OK
    return NotifyState(False, n.waiters + (task,), n.picked), Pending(task)


def poll_notified(n: NotifyState, task: int) -> tuple[NotifyState, Answer]:
    """Poll waiting task `task` again: ok if it was picked (it is then done), else pending.

    pre: task in n.tasks
    post: (__return__[1] == OK) == (task in n.picked)
    post: __return__[1] == OK or (__return__ == (n, Pending(task)))
    post: __return__[1] != OK or __return__[0] == NotifyState(n.permit, n.waiters, tuple(t for t in n.picked if t != task))
    """
    if task in n.picked:
        return NotifyState(n.permit, n.waiters, tuple(t for t in n.picked if t != task)), OK
    return n, Pending(task)


def cancel_notified(n: NotifyState, task: int) -> NotifyState:
    """Drop waiting task `task` unfinished.

    - it was not picked: it leaves the line; nothing else changes;
    - it was picked (and not polled since): its notification passes on, as
      `notify_one` would give it (to the longest-waiting task, else the permit).

    pre: task in n.tasks
    post: task not in __return__.tasks
    post: task in n.picked or __return__ == NotifyState(n.permit, tuple(t for t in n.waiters if t != task), n.picked)
    post: task not in n.picked or __return__ == notify_one(NotifyState(n.permit, n.waiters, tuple(t for t in n.picked if t != task)))
    """
    if task in n.picked:
        return notify_one(NotifyState(n.permit, n.waiters, tuple(t for t in n.picked if t != task)))
    return NotifyState(n.permit, tuple(t for t in n.waiters if t != task), n.picked)


__all__ = [
    "IDLE_NOTIFY",
    "NotifyState",
    "cancel_notified",
    "notified",
    "notify_one",
    "poll_notified",
]
