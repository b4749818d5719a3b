"""tidegate.model: the pure, executable specification of the backpressure queue.

Everything here is an immutable value or a total function of values: no
asyncio, no I/O, no randomness, no mutation. A port's author can learn every
rule from this package alone; start with `tidegate.model.subject` (the queue's
rules) and `tidegate.model.channel` (tokio 1.24.2's channel rules).

Typical use::

    from tidegate.model import new, enqueue_or_send, Op, OpName, apply
    s = new(capacity=1, cap=2)
    s, answer, _ = enqueue_or_send(s, 7)      # ok: sent straight to the channel
    s, answer, _ = apply(s, Op(OpName.ENQUEUE_OR_SEND, 8))  # ok: spilled
"""

from tidegate.model.answers import (
    CLOSED,
    DISCONNECTED,
    EMPTY,
    FULL,
    OK,
    QUEUE_FULL,
    Answer,
    Err,
    ErrorKind,
    JsonAnswer,
    Ok,
)
from tidegate.model.channel import (
    ChannelState,
    ReceiverState,
    channel_close,
    channel_drop_receiver,
    channel_try_recv,
    channel_try_send,
)
from tidegate.model.errors import (
    I64_MAX,
    I64_MIN,
    ModelTypeError,
    ModelValueError,
    require_int,
    require_item,
)
from tidegate.model.ops import Op, OpName, apply
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

__all__ = [
    "CLOSED",
    "DISCONNECTED",
    "EMPTY",
    "FULL",
    "OK",
    "QUEUE_FULL",
    "Answer",
    "Err",
    "ErrorKind",
    "JsonAnswer",
    "Ok",
    "ChannelState",
    "ReceiverState",
    "channel_close",
    "channel_drop_receiver",
    "channel_try_recv",
    "channel_try_send",
    "I64_MAX",
    "I64_MIN",
    "ModelTypeError",
    "ModelValueError",
    "require_int",
    "require_item",
    "Op",
    "OpName",
    "apply",
    "DISPATCH_BACKLOG_CAP",
    "EVENT_BACKLOG_CAP",
    "QueueState",
    "Subject",
    "Transition",
    "backlog_len",
    "capacity",
    "close",
    "drop_receiver",
    "enqueue_or_send",
    "has_pending",
    "new",
    "try_drain_one",
    "try_recv",
    "try_send",
]
