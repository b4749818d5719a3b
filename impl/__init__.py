"""tidegate.impl: the reference implementation on asyncio.

- `channel(capacity)` → `(Sender, Receiver)`: bounded MPSC with tokio 1.24's rules;
- `BackpressureQueue(cap)`: the reader-side queue (`enqueue_or_send`, `try_drain_one`);
- `Notify`: the single-permit drain notification;
- `run_reader`, `run_consumer`, `run_producer`: the protocol's loops as asyncio tasks, each
  returning a report that places every item;
- `DrainFirstQueue` / `Variant`: tidegate's own opt-in variants (the seed's queue is the default).

Nothing in the queue awaits. This package never imports `tidegate.model`.
"""

from tidegate.impl.channel import Receiver, ReceiverStatus, Sender, channel
from tidegate.impl.consumer import run_consumer, run_producer
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
from tidegate.impl.reader import run_reader
from tidegate.impl.reports import (
    ConsumerEnd,
    ConsumerReport,
    ProducerEnd,
    ProducerReport,
    ReaderEnd,
    ReaderReport,
)
from tidegate.impl.variants import DrainFirstQueue, Variant

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
    "ConsumerEnd",
    "ConsumerReport",
    "DrainFirstQueue",
    "ProducerEnd",
    "ProducerReport",
    "ReaderEnd",
    "ReaderReport",
    "Variant",
    "run_consumer",
    "run_producer",
    "run_reader",
]
