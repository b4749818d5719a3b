"""tidegate.impl: the reference implementation on asyncio.

- `channel(capacity)` → `(Sender, Receiver)`: bounded MPSC with tokio 1.24's rules;
- `BackpressureQueue(cap)`: the reader-side queue (`enqueue_or_send`, `try_drain_one`);
- `Notify`: the single-permit drain notification.

Nothing in the queue awaits. This package never imports `tidegate.model`.
"""

from tidegate.impl.channel import Receiver, ReceiverStatus, Sender, channel
from tidegate.impl.errors import (
    BackpressureError,
    ChannelClosed,
    ChannelDisconnected,
    ChannelEmpty,
    ChannelFull,
    Closed,
    HandleDroppedError,
    ParameterError,
    ParameterTypeError,
    QueueFull,
    TryRecvError,
    TrySendError,
)
from tidegate.impl.notify import Notify
from tidegate.impl.queue import DISPATCH_BACKLOG_CAP, EVENT_BACKLOG_CAP, BackpressureQueue

__all__ = [
    "BackpressureError",
    "BackpressureQueue",
    "ChannelClosed",
    "ChannelDisconnected",
    "ChannelEmpty",
    "ChannelFull",
    "Closed",
    "DISPATCH_BACKLOG_CAP",
    "EVENT_BACKLOG_CAP",
    "HandleDroppedError",
    "Notify",
    "ParameterError",
    "ParameterTypeError",
    "QueueFull",
    "Receiver",
    "ReceiverStatus",
    "Sender",
    "TryRecvError",
    "TrySendError",
    "channel",
]
