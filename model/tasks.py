"""The v2 task operations of PROTOCOL.md, as total functions over a `Subject`.

`send`, `recv` and `notified` start a future (the other producer's
`send(item).await` on its own sender clone, the receiver's `recv().await`,
`notify.notified().await`) and poll it once; `notify_one` notifies; `poll` and
`cancel` act on a task that is still pending. Each returns a `Transition` like
the v1 operations; a task operation never discards an accepted item.

Task ids, as PROTOCOL.md numbers them:

- the n-th task of a subject answered pending gets id n (`Subject.last_task`
  counts them); a future that completes at its first poll gets no id;
- `Pending(T)` names the task at its start and at every poll that leaves it
  pending; a task is gone once a poll answers its completion or `cancel`
  drops it, and its id is never given again;
- `poll` or `cancel` of an id that is not a pending task of this subject (never
  given, finished, cancelled, zero or negative) answers NoTask, nothing changes.

The rules of each kind of task are their parts': the channel's
(`tidegate.model.parked`) and the Notify's (`tidegate.model.notify`). After
`drop_receiver`, `recv` answers ok None without starting a task, and a pending
`recv` task answers ok None at its next poll: the reference adapter's
convention (tokio has no answer: a receive cannot outlive its receiver).
"""

from __future__ import annotations

import enum

# CLOSED, NO_TASK, OK and ReceiverState are named by the contracts, which CrossHair
# evaluates in this module's namespace.
from tidegate.model.answers import CLOSED, NO_TASK, OK, Ok, Pending  # noqa: F401
from tidegate.model.channel import ReceiverState  # noqa: F401
from tidegate.model.errors import I64_MAX, I64_MIN, require_int, require_item
from tidegate.model.notify import cancel_notified, poll_notified
from tidegate.model.notify import notified as notify_notified
from tidegate.model.notify import notify_one as notify_notify_one
from tidegate.model.parked import channel_cancel_send, channel_poll_send, channel_recv, channel_send
from tidegate.model.subject import Subject, Transition


class TaskKind(enum.Enum):
    """What a pending task is waiting in."""

    SEND = "send"
    """A parked `send`: waiting for a slot, or holding a reserved one."""
    RECV = "recv"
    """A pending `recv`: waiting for an item (or for the close to settle)."""
    NOTIFIED = "notified"
    """A `notified` waiter: waiting in line, or picked and not polled since."""


def task_kind(s: Subject, task: int) -> TaskKind | None:
    """The kind of pending task `task`, or None if no pending task has that id.

    post: (__return__ is None) == (task not in s.task_ids)
    """
    if any(p.task == task for p in s.channel.waiting + s.channel.reserved):
        return TaskKind.SEND
    if task in s.receives:
        return TaskKind.RECV
    if task in s.notify.waiters or task in s.notify.picked:
        return TaskKind.NOTIFIED
    return None


def send(s: Subject, item: int) -> Transition:
    """Start the other producer's `send(item).await` as a new task and poll it once.

    ok (sent: a slot was free), Closed (the receiver closed or dropped, full or
    not), or pending with the next id (the channel is full, or every free-looking
    slot is reserved: the send parks behind the sends already waiting).

    Raises ModelTypeError / ModelValueError if `item` is not a signed 64-bit int.

    pre: -(2**63) <= item < 2**63
    post: __return__.answer in (OK, CLOSED, Pending(s.last_task + 1))
    post: (__return__.answer == CLOSED) == s.channel.is_closed
    post: (__return__.answer == OK) == (not s.channel.is_closed and s.channel.free_slots > 0)
    post: __return__.state.last_task == s.last_task + (1 if __return__.answer == Pending(s.last_task + 1) else 0)
    post: __return__.state.channel.buffer == (s.channel.buffer + (item,) if __return__.answer == OK else s.channel.buffer)
    post: (__return__.state.queue, __return__.state.notify, __return__.state.receives, __return__.discarded) == (s.queue, s.notify, s.receives, ())
    """
    item = require_item(item)
    task = s.last_task + 1
    channel, answer = channel_send(s.channel, task, item)
    last = task if isinstance(answer, Pending) else s.last_task
    return Transition(Subject(channel, s.queue, s.notify, s.receives, last), answer)


def recv(s: Subject) -> Transition:
    """Start the receiver's `recv().await` as a new task and poll it once.

    ok with the oldest buffered item (its slot goes to the longest-waiting
    parked send, else is free); ok None on a closed, drained channel with no
    slot reserved (or after `drop_receiver`: the adapter's convention); else
    pending with the next id (an open, empty channel; or closed and empty while
    a slot is reserved for a parked send).

    post: __return__.answer == Pending(s.last_task + 1) or isinstance(__return__.answer, Ok)
    post: (__return__.answer == Pending(s.last_task + 1)) == (not s.channel.buffer and (s.channel.receiver == ReceiverState.OPEN or (s.channel.receiver == ReceiverState.CLOSED and len(s.channel.reserved) > 0)))
    post: __return__.state.receives == s.receives + ((s.last_task + 1,) if __return__.answer == Pending(s.last_task + 1) else ())
    post: (__return__.state.queue, __return__.state.notify, __return__.discarded) == (s.queue, s.notify, ())
    """
    task = s.last_task + 1
    channel, answer = channel_recv(s.channel, task)
    if isinstance(answer, Pending):
        return Transition(Subject(channel, s.queue, s.notify, s.receives + (task,), task), answer)
    return Transition(s.with_channel(channel), answer)


def notified(s: Subject) -> Transition:
    """Start `notify.notified().await` as a new task and poll it once.

    ok when a permit is stored (the task takes it), else pending with the next
    id: the task waits at the back of the line.

    post: __return__.answer in (OK, Pending(s.last_task + 1))
    post: (__return__.answer == OK) == s.notify.permit
    post: not __return__.state.notify.permit
    post: (__return__.state.channel, __return__.state.queue, __return__.state.receives, __return__.discarded) == (s.channel, s.queue, s.receives, ())
    """
    task = s.last_task + 1
    notify, answer = notify_notified(s.notify, task)
    last = task if isinstance(answer, Pending) else s.last_task
    return Transition(Subject(s.channel, s.queue, notify, s.receives, last), answer)


def notify_one(s: Subject) -> Transition:
    """`notify.notify_one()`: picks the longest-waiting `notified` task, else stores the
    single permit (a stored permit stays one). Answers ok.

    post: __return__.answer == OK
    post: __return__.state.notify.permit == (s.notify.permit or not s.notify.waiters)
    post: __return__.state.notify.picked == s.notify.picked + s.notify.waiters[:1]
    post: (__return__.state.channel, __return__.state.queue, __return__.state.receives, __return__.state.last_task) == (s.channel, s.queue, s.receives, s.last_task)
    """
    return Transition(
        Subject(s.channel, s.queue, notify_notify_one(s.notify), s.receives, s.last_task), OK
    )


def poll(s: Subject, task: int) -> Transition:
    """Poll pending task `task` once: its start operation's answer if it completes now
    (the task is then gone), else pending `task` again; NoTask if `task` names no
    pending task.

    - a parked send: ok once it holds a reserved slot (its item goes to the back
      of the buffer), Closed once the receiver closed or dropped (a reserved
      slot is freed), else pending;
    - a receive: as `recv`, with the same id;
    - a `notified` waiter: ok once picked, else pending.

    Raises ModelTypeError if `task` is not an int, ModelValueError outside the
    signed 64-bit range.

    pre: -(2**63) <= task < 2**63
    post: (__return__.answer == NO_TASK) == (task not in s.task_ids)
    post: __return__.answer != NO_TASK or __return__.state == s
    post: not isinstance(__return__.answer, Pending) or (__return__.answer == Pending(task) and __return__.state == s)
    post: isinstance(__return__.answer, Pending) or task not in __return__.state.task_ids
    post: (__return__.state.queue, __return__.state.last_task, __return__.discarded) == (s.queue, s.last_task, ())
    """
    task = require_int("task", task, minimum=I64_MIN, maximum=I64_MAX)
    kind = task_kind(s, task)
    if kind is TaskKind.SEND:
        channel, answer = channel_poll_send(s.channel, task)
        return Transition(s.with_channel(channel), answer)
    if kind is TaskKind.RECV:
        channel, answer = channel_recv(s.channel, task)
        if isinstance(answer, Pending):
            return Transition(s, answer)
        receives = tuple(t for t in s.receives if t != task)
        return Transition(Subject(channel, s.queue, s.notify, receives, s.last_task), answer)
    if kind is TaskKind.NOTIFIED:
        notify, answer = poll_notified(s.notify, task)
        return Transition(Subject(s.channel, s.queue, notify, s.receives, s.last_task), answer)
    return Transition(s, NO_TASK)


def cancel(s: Subject, task: int) -> Transition:
    """Drop pending task `task`'s future unfinished (a `select!` branch that lost, a
    timeout): ok; NoTask if `task` names no pending task.

    - a parked send: its item is never sent; a reserved slot it held goes to
      the longest-waiting send, or is freed;
    - a receive: nothing else changes (it held nothing);
    - a `notified` waiter: a notification it was picked for passes on (to the
      longest-waiting task, else the permit).

    Raises ModelTypeError if `task` is not an int, ModelValueError outside the
    signed 64-bit range.

    pre: -(2**63) <= task < 2**63
    post: __return__.answer in (OK, NO_TASK)
    post: (__return__.answer == NO_TASK) == (task not in s.task_ids)
    post: __return__.answer != NO_TASK or __return__.state == s
    post: task not in __return__.state.task_ids
    post: (__return__.state.channel.buffer, __return__.state.channel.receiver, __return__.state.queue) == (s.channel.buffer, s.channel.receiver, s.queue)
    post: (__return__.state.last_task, __return__.discarded) == (s.last_task, ())
    """
    task = require_int("task", task, minimum=I64_MIN, maximum=I64_MAX)
    kind = task_kind(s, task)
    if kind is TaskKind.SEND:
        return Transition(s.with_channel(channel_cancel_send(s.channel, task)), OK)
    if kind is TaskKind.RECV:
        receives = tuple(t for t in s.receives if t != task)
        return Transition(Subject(s.channel, s.queue, s.notify, receives, s.last_task), OK)
    if kind is TaskKind.NOTIFIED:
        notify = cancel_notified(s.notify, task)
        return Transition(Subject(s.channel, s.queue, notify, s.receives, s.last_task), OK)
    return Transition(s, NO_TASK)


def pending_tasks(s: Subject) -> tuple[tuple[int, TaskKind], ...]:
    """Every pending task of `s` with its kind, by id (oldest first).

    post: tuple(t for t, _ in __return__) == tuple(sorted(s.task_ids))
    """
    out: list[tuple[int, TaskKind]] = []
    for task in sorted(s.task_ids):
        kind = task_kind(s, task)
        assert kind is not None  # every id of task_ids has a kind
        out.append((task, kind))
    return tuple(out)


__all__ = [
    "TaskKind",
    "cancel",
    "notified",
    "notify_one",
    "pending_tasks",
    "poll",
    "recv",
    "send",
    "task_kind",
]
