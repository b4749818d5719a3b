"""The catalogue's entries about tasks (v2): parked sends, pending receives, the Notify.

Checked, beside every entry of `tidegate.proofs.explore.properties`, by an
exploration with task bounds (`Bounds.has_tasks`); an exploration without
tasks never starts one, so these say nothing there and are left out.

- INVARIANTS: no item both delivered and reported unsent; parked sends are
  handed slots first in, first out; no notification is lost.
- FINDINGS: what the task-level rules of tokio 1.24.2 do that a reader of the
  seed's code would not expect: a reserved slot keeps the queue out of a
  channel whose buffer has room and makes `recv` after `close` pending;
  `close` fails a send that was handed a slot; slots in order are not items
  in order; `notify_one` calls coalesce.
- WITNESSES: every answer of every task operation (a `poll` or `cancel` per
  kind of task) is reachable, so that no entry holds vacuously.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

from tidegate.model import (
    CLOSED,
    OK,
    QUEUE_FULL,
    Answer,
    Ok,
    OpName,
    Pending,
    ReceiverState,
    Subject,
    TaskKind,
    TaskOp,
    TaskOpName,
)
from tidegate.model.notify import NotifyState
from tidegate.proofs.explore.properties import (
    Moment,
    Property,
    PropertyKind,
    Witness,
    handed_back,
    receives,
)

# ---- invariants ---------------------------------------------------------------------------


def parked_items_not_buffered(s: Subject) -> bool:
    """No parked send's item is in the channel's buffer or the queue's backlog: the item
    is the send's until the send completes."""
    parked = s.channel.waiting + s.channel.reserved
    if not parked:
        return True
    held = set(s.channel.buffer) | set(s.queue.backlog)
    return all(p.item not in held for p in parked)


def handed_back_never_delivered(m: Moment) -> bool:
    """An item a parked send hands back unsent (its poll answers Closed, or it is
    cancelled) is held nowhere afterwards and is not the item received.

    With `parked_items_not_buffered` and the canonical items (each send item is
    started once) this is, by induction over a run, "no item is both delivered and
    reported unsent": once handed back, an item cannot enter the channel again.
    """
    back = handed_back(m)
    if not back:
        return True
    (item,) = back
    after = m.after.state
    if item in after.channel.buffer or item in after.queue.backlog:
        return False
    if any(p.item == item for p in after.channel.waiting + after.channel.reserved):
        return False
    return not (receives(m) and m.after.answer == Ok(item))


def parked_sends_in_line(s: Subject) -> bool:
    """Parked sends are served first in, first out: those waiting for a slot wait in the
    order they parked, and every send handed a slot parked before every send still
    waiting (a freed slot goes to the longest-waiting send)."""
    waiting = [p.task for p in s.channel.waiting]
    if any(a >= b for a, b in itertools.pairwise(waiting)):
        return False
    return not waiting or all(p.task < waiting[0] for p in s.channel.reserved)


def no_waiter_beside_permit(s: Subject) -> bool:
    """No `notified` task waits while a permit is stored (no lost wake-up)."""
    return not (s.notify.permit and s.notify.waiters)


def _passed_on(before: NotifyState, after: NotifyState) -> bool:
    """A notification given in `before` went somewhere in `after`: to the longest-waiting
    task (now picked), else into the stored permit."""
    if before.waiters:
        return before.waiters[0] in after.picked
    return after.permit


def notification_kept(m: Moment) -> bool:
    """A notification is never lost: `notify_one` picks the longest-waiting task or
    stores the permit (coalescing into one already stored); cancelling a picked task
    that was not polled since passes its notification on the same way; a picked task
    answers ok at its next poll, and a `notified` started with the permit stored takes it."""
    name, before, after = m.op.name, m.before.notify, m.after.state.notify
    if name is TaskOpName.NOTIFY_ONE:
        return _passed_on(before, after)
    if name is TaskOpName.NOTIFIED:
        return (m.after.answer == OK) == before.permit
    if not isinstance(m.op, TaskOp) or m.op.task not in before.picked:
        return True
    if name is TaskOpName.CANCEL:
        return _passed_on(before, after)
    return m.after.answer == OK


# ---- findings: statements that are false for the seed --------------------------------------


def queue_blocked_only_by_full_buffer(m: Moment) -> bool:
    """On an open channel whose buffer has room, the queue moves an item into it:
    enqueue_or_send with an empty backlog does not spill or refuse it, and
    try_drain_one with a backlog does not answer ok false."""
    ch, queue = m.before.channel, m.before.queue
    if ch.receiver is not ReceiverState.OPEN or len(ch.buffer) >= ch.capacity:
        return True
    if m.op.name is OpName.ENQUEUE_OR_SEND and not queue.backlog:
        return m.after.answer != QUEUE_FULL and not m.after.state.queue.backlog
    if m.op.name is OpName.TRY_DRAIN_ONE and queue.backlog:
        return m.after.answer != Ok(False)
    return True


def _receive_of(m: Moment) -> bool:
    """True when `m` starts a `recv` or polls a pending `recv` task."""
    op = m.op
    if op.name is TaskOpName.RECV:
        return True
    return op.name is TaskOpName.POLL and isinstance(op, TaskOp) and op.task in m.before.receives


def recv_after_close_drained_is_none(m: Moment) -> bool:
    """A receive on a closed channel with nothing buffered answers None (closed and
    drained) at once."""
    ch = m.before.channel
    if not _receive_of(m) or ch.receiver is not ReceiverState.CLOSED or ch.buffer:
        return True
    return m.after.answer == Ok(None)


def taken_slots_hold_items(s: Subject) -> bool:
    """`capacity` counts every slot that holds no item as free."""
    return s.channel.free_slots == s.channel.capacity - len(s.channel.buffer)


def handed_slot_means_sent(m: Moment) -> bool:
    """A parked send that was handed a slot answers ok at its next poll: its item is sent."""
    op = m.op
    if op.name is not TaskOpName.POLL or not isinstance(op, TaskOp):
        return True
    if not any(p.task == op.task for p in m.before.channel.reserved):
        return True
    return m.after.answer == OK


def parked_items_buffered_in_order(m: Moment) -> bool:
    """Parked sends' items enter the buffer in the order the sends parked."""
    op = m.op
    if op.name is not TaskOpName.POLL or not isinstance(op, TaskOp) or m.after.answer != OK:
        return True
    if not any(p.task == op.task for p in m.before.channel.reserved):
        return True
    assert op.task is not None
    return all(p.task > op.task for p in m.after.state.channel.reserved)


def every_notify_wakes_one(m: Moment) -> bool:
    """Every notify_one wakes a `notified` task of its own: none is absorbed by a permit
    already stored."""
    if m.op.name is not TaskOpName.NOTIFY_ONE:
        return True
    return not (m.before.notify.permit and not m.before.notify.waiters)


TASK_INVARIANTS: tuple[Property, ...] = (
    Property(
        "unsent_never_delivered",
        "no item of a send task is both delivered and reported unsent: a parked send's "
        "item is in no buffer or backlog, and once handed back (Closed, cancelled) it is "
        "held nowhere",
        PropertyKind.INVARIANT,
        on_state=parked_items_not_buffered,
        on_step=handed_back_never_delivered,
        canonical_items=True,
    ),
    Property(
        "parked_sends_fifo",
        "parked sends are handed freed slots first in, first out",
        PropertyKind.INVARIANT,
        on_state=parked_sends_in_line,
    ),
    Property(
        "no_lost_notification",
        "a notify_one is never lost: it picks a waiting task, is stored, or coalesces into "
        "the one permit; a cancelled picked task passes it on; no task waits beside a permit",
        PropertyKind.INVARIANT,
        on_state=no_waiter_beside_permit,
        on_step=notification_kept,
    ),
)

TASK_FINDINGS: tuple[Property, ...] = (
    Property(
        "queue_blocked_only_by_full_buffer",
        "the queue keeps an item out of an open channel (enqueue_or_send with an empty "
        "backlog spills or refuses it, try_drain_one answers ok false) only when the "
        "channel's buffer is full",
        PropertyKind.FINDING,
        on_step=queue_blocked_only_by_full_buffer,
    ),
    Property(
        "recv_after_close_drained_is_none",
        "a recv on a closed channel with nothing buffered answers None at once",
        PropertyKind.FINDING,
        on_step=recv_after_close_drained_is_none,
    ),
    Property(
        "taken_slots_hold_items",
        "capacity counts as free every slot that holds no item",
        PropertyKind.FINDING,
        on_state=taken_slots_hold_items,
    ),
    Property(
        "handed_slot_means_sent",
        "a parked send that was handed a slot is sent at its next poll",
        PropertyKind.FINDING,
        on_step=handed_slot_means_sent,
    ),
    Property(
        "parked_items_buffered_in_order",
        "parked sends' items enter the buffer in the order the sends parked",
        PropertyKind.FINDING,
        on_step=parked_items_buffered_in_order,
    ),
    Property(
        "every_notify_wakes_one",
        "every notify_one wakes a notified task of its own (none coalesces)",
        PropertyKind.FINDING,
        on_step=every_notify_wakes_one,
    ),
)

TASK_CATALOGUE: tuple[Property, ...] = TASK_INVARIANTS + TASK_FINDINGS


# ---- witnesses ----------------------------------------------------------------------------


def _answers(expected: Answer) -> Callable[[Answer], bool]:
    return lambda answer: answer == expected


def _item(answer: Answer) -> bool:
    return isinstance(answer, Ok) and type(answer.value) is int


def _pending(answer: Answer) -> bool:
    return isinstance(answer, Pending)


_S, _R, _N = TaskKind.SEND, TaskKind.RECV, TaskKind.NOTIFIED
_SEND = TaskOpName.SEND
_RECV = TaskOpName.RECV
_NOTIFIED = TaskOpName.NOTIFIED
_POLL = TaskOpName.POLL
_CANCEL = TaskOpName.CANCEL

SEND_WITNESSES: tuple[Witness, ...] = (
    Witness(_SEND, "ok", _answers(OK)),
    Witness(_SEND, "Closed", _answers(CLOSED)),
    Witness(_SEND, "pending", _pending),
    Witness(_POLL, "ok", _answers(OK), _S),
    Witness(_POLL, "Closed", _answers(CLOSED), _S),
    Witness(_POLL, "pending", _pending, _S),
    Witness(_CANCEL, "ok", _answers(OK), _S),
)
"""Every answer of a `send` task, at its start and at a later poll, and its cancel."""

RECV_WITNESSES: tuple[Witness, ...] = (
    Witness(_RECV, "ok ITEM", _item),
    Witness(_RECV, "ok None", _answers(Ok(None))),
    Witness(_RECV, "pending", _pending),
    Witness(_POLL, "ok ITEM", _item, _R),
    Witness(_POLL, "ok None", _answers(Ok(None)), _R),
    Witness(_POLL, "pending", _pending, _R),
    Witness(_CANCEL, "ok", _answers(OK), _R),
)
"""Every answer of a `recv` task, at its start and at a later poll, and its cancel."""

NOTIFY_WITNESSES: tuple[Witness, ...] = (
    Witness(_NOTIFIED, "ok", _answers(OK)),
    Witness(_NOTIFIED, "pending", _pending),
    Witness(TaskOpName.NOTIFY_ONE, "ok", _answers(OK)),
    Witness(_POLL, "ok", _answers(OK), _N),
    Witness(_POLL, "pending", _pending, _N),
    Witness(_CANCEL, "ok", _answers(OK), _N),
)
"""Every answer of a `notified` task and of `notify_one`."""
