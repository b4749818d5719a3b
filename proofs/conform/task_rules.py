"""The asynchronous half's rules (v2 tasks), one sentence each, and how to spot each in a trace.

`TASK_RULES` is what PORTING.md lists as T1, T2, ...: like `RULES`, every rule
with a predicate over one step (the state before, the operation, the answer,
the state after), so that `showing` finds the task recordings of the seed on
real tokio 1.24.2 that show it.
"""

from __future__ import annotations

from tidegate import model
from tidegate.model import CLOSED, EMPTY, OK, Answer, Ok, Op, OpName, Pending, TaskOp, TaskOpName
from tidegate.model import ReceiverState as Rs
from tidegate.proofs.conform.rules import Rule

_S = model.Subject
_Step = Op | TaskOp
SEND, RECV, POLL, CANCEL = TaskOpName.SEND, TaskOpName.RECV, TaskOpName.POLL, TaskOpName.CANCEL


def _task(o: _Step) -> int | None:
    return o.task if isinstance(o, TaskOp) else None


def _waiting(b: _S, o: _Step) -> bool:
    """`o` names a parked send still waiting for a slot in `b`."""
    return any(p.task == _task(o) for p in b.channel.waiting)


def _reserved(b: _S, o: _Step) -> bool:
    """`o` names a parked send holding a reserved slot in `b`."""
    return any(p.task == _task(o) for p in b.channel.reserved)


def _receives(b: _S, o: _Step) -> bool:
    """`o` is a `recv`, or a poll of a pending `recv` task."""
    return o.name is RECV or (o.name is POLL and _task(o) in b.receives)


def _item(a: Answer) -> bool:
    return isinstance(a, Ok) and type(a.value) is int


def _hands_over(b: _S, o: _Step, a: Answer, n: _S) -> bool:
    """A receive took an item while sends waited: the slot went to the first of them."""
    took = (o.name is OpName.TRY_RECV or _receives(b, o)) and _item(a)
    return (
        took
        and b.channel.receiver is Rs.OPEN
        and bool(b.channel.waiting)
        and n.channel.reserved == b.channel.reserved + b.channel.waiting[:1]
        and n.channel.free_slots == b.channel.free_slots
    )


TASK_RULES: tuple[Rule, ...] = (
    Rule(
        "send-at-once",
        "`send` with a free slot answers ok at its first poll, with no task id: the item "
        "joins the buffer.",
        lambda b, o, a, n: (
            o.name is SEND and a == OK and n.channel.buffer == b.channel.buffer + (o.item,)
        ),
    ),
    Rule(
        "send-parks",
        "`send` on a full, open channel answers pending with the next task id: the send is "
        "parked behind those already waiting.",
        lambda b, o, a, n: o.name is SEND and isinstance(a, Pending),
    ),
    Rule(
        "send-closed",
        "`send` on a closed channel answers Closed at once, full or not.",
        lambda b, o, a, n: o.name is SEND and a == CLOSED,
    ),
    Rule(
        "slot-reserved",
        "A slot that a receive frees while sends are parked is reserved for the one that "
        "has waited longest, not filled: `capacity` does not rise.",
        _hands_over,
    ),
    Rule(
        "reserved-holds-nothing",
        "A reserved slot holds no item: `try_recv` answers Empty while the only slot "
        "taken is reserved.",
        lambda b, o, a, n: o.name is OpName.TRY_RECV and a == EMPTY and bool(b.channel.reserved),
    ),
    Rule(
        "reserved-spills",
        "A reserved slot is not free for the queue: `enqueue_or_send` spills into the "
        "backlog (or answers QueueFull) although the buffer has room.",
        lambda b, o, a, n: (
            o.name is OpName.ENQUEUE_OR_SEND
            and not b.queue.backlog
            and b.channel.receiver is Rs.OPEN
            and bool(b.channel.reserved)
            and b.channel.free_slots == 0
            and len(b.channel.buffer) < b.channel.capacity
            and len(n.channel.buffer) == len(b.channel.buffer)
        ),
    ),
    Rule(
        "reserved-sends-at-poll",
        "A parked send that holds a reserved slot answers ok at its next poll, and its "
        "item goes into the buffer behind the items already there.",
        lambda b, o, a, n: (
            o.name is POLL
            and a == OK
            and n.channel.buffer
            == b.channel.buffer + tuple(p.item for p in b.channel.reserved if p.task == _task(o))
            and _reserved(b, o)
        ),
    ),
    Rule(
        "parked-fifo",
        "Slots go to parked sends in the order they parked, whatever order they are "
        "polled in: a later send polled while an earlier one holds the slot stays pending.",
        lambda b, o, a, n: (
            o.name is POLL
            and _waiting(b, o)
            and isinstance(a, Pending)
            and any(p.task < a.task for p in b.channel.reserved)
        ),
    ),
    Rule(
        "cancel-waiting",
        "Cancelling a parked send that still waits for a slot removes it and changes "
        "nothing else: its item is never sent.",
        lambda b, o, a, n: (
            o.name is CANCEL
            and _waiting(b, o)
            and n.channel.waiting == tuple(p for p in b.channel.waiting if p.task != _task(o))
            and (n.channel.buffer, n.channel.reserved) == (b.channel.buffer, b.channel.reserved)
        ),
    ),
    Rule(
        "cancel-reserved",
        "Cancelling a send that holds a reserved slot passes the slot to the longest-waiting "
        "send, or frees it: its item is never sent.",
        lambda b, o, a, n: (
            o.name is CANCEL
            and _reserved(b, o)
            and n.channel.buffer == b.channel.buffer
            and (
                n.channel.free_slots == b.channel.free_slots + 1
                or n.channel.reserved[-1:] == b.channel.waiting[:1]
            )
        ),
    ),
    Rule(
        "close-fails-reserved",
        "`close` fails every parked send at its next poll, also one holding a reserved "
        "slot: it answers Closed and the slot is freed.",
        lambda b, o, a, n: (
            o.name is POLL
            and _reserved(b, o)
            and b.channel.receiver is Rs.CLOSED
            and a == CLOSED
            and n.channel.free_slots == b.channel.free_slots + 1
        ),
    ),
    Rule(
        "drop-keeps-reserved",
        "After `drop_receiver`, `capacity` leaves out a slot reserved for a parked send "
        "until that send is polled (Closed) or cancelled.",
        lambda b, o, a, n: (
            o.name is OpName.CAPACITY
            and b.channel.receiver is Rs.DROPPED
            and bool(b.channel.reserved)
            and a == Ok(b.channel.capacity - len(b.channel.reserved))
        ),
    ),
    Rule(
        "recv-waits",
        "`recv` on an empty, open channel is pending; a later poll takes the oldest item "
        "buffered by then.",
        lambda b, o, a, n: o.name is POLL and _task(o) in b.receives and _item(a),
    ),
    Rule(
        "recv-cancel",
        "Cancelling a pending `recv` loses no item: it held none.",
        lambda b, o, a, n: o.name is CANCEL and _task(o) in b.receives and n.channel == b.channel,
    ),
    Rule(
        "recv-none-after-close",
        "`recv` on a closed, drained channel answers ok null (None), where `try_recv` "
        "answers Empty.",
        lambda b, o, a, n: _receives(b, o) and a == Ok(None) and b.channel.receiver is Rs.CLOSED,
    ),
    Rule(
        "recv-pending-while-reserved",
        "`recv` on a closed, empty channel is pending, not None, while a slot is reserved "
        "for a parked send.",
        lambda b, o, a, n: (
            _receives(b, o)
            and isinstance(a, Pending)
            and b.channel.receiver is Rs.CLOSED
            and bool(b.channel.reserved)
        ),
    ),
    Rule(
        "one-permit",
        "`notify_one` with no task waiting stores one permit, and further calls store no more.",
        lambda b, o, a, n: (
            o.name is TaskOpName.NOTIFY_ONE
            and b.notify.permit
            and not b.notify.waiters
            and n.notify == b.notify
        ),
    ),
    Rule(
        "permit-taken",
        "`notified` while a permit is stored answers ok at once, with no task id, and takes "
        "the permit.",
        lambda b, o, a, n: (
            o.name is TaskOpName.NOTIFIED and a == OK and b.notify.permit and not n.notify.permit
        ),
    ),
    Rule(
        "waiters-fifo",
        "`notify_one` with tasks waiting picks the one that has waited longest and stores "
        "no permit; the picked task answers ok at its next poll, the others stay pending.",
        lambda b, o, a, n: (
            o.name is TaskOpName.NOTIFY_ONE
            and len(b.notify.waiters) >= 2
            and n.notify.picked == b.notify.picked + b.notify.waiters[:1]
            and not n.notify.permit
        ),
    ),
    Rule(
        "picked-cancel",
        "Cancelling a picked waiter that has not run passes its notification on: to the "
        "task that has waited longest, or to the stored permit.",
        lambda b, o, a, n: (
            o.name is CANCEL
            and _task(o) in b.notify.picked
            and (
                n.notify.picked[-1:] == b.notify.waiters[:1]
                if b.notify.waiters
                else n.notify.permit
            )
        ),
    ),
    Rule(
        "waiter-cancel",
        "Cancelling a waiter that was not picked changes nothing else.",
        lambda b, o, a, n: (
            o.name is CANCEL
            and _task(o) in b.notify.waiters
            and (n.notify.picked, n.notify.permit) == (b.notify.picked, b.notify.permit)
        ),
    ),
)
