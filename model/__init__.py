"""tidegate.model: the pure, executable specification of the backpressure queue.

Everything here is an immutable value or a total function of values: no
asyncio, no I/O, no randomness, no mutation. A port's author can learn every
rule from this package alone; start with `tidegate.model.subject` (the queue's
rules) and `tidegate.model.channel` (tokio 1.24.2's channel rules); the
asynchronous half (v2: hand-polled `send`, `recv` and `notified` tasks) is in
`tidegate.model.tasks`, `tidegate.model.parked` and `tidegate.model.notify`.

Exported here: what a port's author or a user needs: the subject and its
parts, every operation (v1 and v2) and `apply`, `enabled`, `enabled_tasks` and
`pollable_tasks` (what a trace may issue next), operations and answers as values,
the item range, the seed's caps and the errors a bad argument raises. Helpers stay in their modules (the channel's own
transitions in `tidegate.model.channel`, argument checks in
`tidegate.model.errors`, the wire form `JsonAnswer` in `tidegate.model.answers`).

Typical use::

    from tidegate.model import new, enqueue_or_send, Op, OpName, apply
    s = new(capacity=1, cap=2)
    s, answer, _ = enqueue_or_send(s, 7)      # ok: sent straight to the channel
    s, answer, _ = apply(s, Op(OpName.ENQUEUE_OR_SEND, 8))  # ok: spilled
    s, answer, _ = apply(s, TaskOp(TaskOpName.SEND, item=9))  # pending 1: parked
"""

from tidegate.model.answers import (
    CLOSED,
    DISCONNECTED,
    EMPTY,
    FULL,
    NO_TASK,
    OK,
    QUEUE_FULL,
    Answer,
    Err,
    ErrorKind,
    Ok,
    Pending,
)
from tidegate.model.channel import ChannelState, ParkedSend, ReceiverState
from tidegate.model.errors import I64_MAX, I64_MIN, ModelTypeError, ModelValueError
from tidegate.model.notify import NotifyState
from tidegate.model.ops import (
    Op,
    OpName,
    TaskOp,
    TaskOpName,
    apply,
    enabled,
    enabled_tasks,
    pollable_tasks,
)
from tidegate.model.queue import DISPATCH_BACKLOG_CAP, EVENT_BACKLOG_CAP, QueueState
from tidegate.model.subject import (
    Subject,
    Transition,
    backlog_len,
    capacity,
    close,
    drop_receiver,
    enqueue_or_send,
    has_pending,
    new,
    try_drain_one,
    try_recv,
    try_send,
)
from tidegate.model.tasks import (
    TaskKind,
    cancel,
    notified,
    notify_one,
    pending_tasks,
    poll,
    recv,
    send,
    task_kind,
)

__all__ = [
    # the subject, its parts, and what one operation does to it
    "Subject",
    "ChannelState",
    "QueueState",
    "ReceiverState",
    "ParkedSend",
    "NotifyState",
    "Transition",
    # the operations
    "new",
    "enqueue_or_send",
    "try_drain_one",
    "has_pending",
    "backlog_len",
    "try_send",
    "try_recv",
    "close",
    "drop_receiver",
    "capacity",
    # the task operations (v2), and the pending tasks of a subject
    "send",
    "recv",
    "notified",
    "notify_one",
    "poll",
    "cancel",
    "TaskKind",
    "task_kind",
    "pending_tasks",
    # operations as values: which a trace may issue, and running one
    "Op",
    "OpName",
    "TaskOp",
    "TaskOpName",
    "enabled",
    "enabled_tasks",
    "pollable_tasks",
    "apply",
    # answers
    "Answer",
    "Ok",
    "Err",
    "ErrorKind",
    "Pending",
    "OK",
    "QUEUE_FULL",
    "CLOSED",
    "FULL",
    "EMPTY",
    "DISCONNECTED",
    "NO_TASK",
    # the item range, the seed's caps, and what a bad argument raises
    "I64_MIN",
    "I64_MAX",
    "DISPATCH_BACKLOG_CAP",
    "EVENT_BACKLOG_CAP",
    "ModelValueError",
    "ModelTypeError",
]
