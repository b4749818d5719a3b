"""tidegate.impl: the reference implementation on asyncio.

- `tidegate.impl.channel.channel(capacity)` → `(Sender, Receiver)`: bounded MPSC with
  tokio 1.24's rules (the function stays in its module, so that `tidegate.impl.channel`
  is the module);
- `BackpressureQueue(cap)`: the reader-side queue (`enqueue_or_send`, `try_drain_one`);
- `Notify`: the single-permit drain notification;
- `run_reader`, `run_consumer`, `run_producer`: the protocol's loops as asyncio tasks, each
  returning a report that places every item (`ConsumerCommand`: stop or close a consumer);
- `DrainFirstQueue` / `Variant`: tidegate's own opt-in variants (the seed's queue is the default).

Exported here: what a user of the queue, the channel and the loops needs, and the errors
they raise; argument checks and their errors (`ParameterError`, a ValueError, and
`ParameterTypeError`, a TypeError) stay in `tidegate.impl.errors`.

Nothing in the queue awaits. This package never imports `tidegate.model`.
"""

from tidegate.impl.channel import Receiver, ReceiverStatus, Sender
from tidegate.impl.consumer import ConsumerCommand, run_consumer, run_producer
from tidegate.impl.errors import (
    BackpressureError,
    ChannelClosed,
    ChannelDisconnected,
    ChannelEmpty,
    ChannelFull,
    Closed,
    HandleDroppedError,
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
    # the queue and what it raises
    "BackpressureQueue",
    "BackpressureError",
    "QueueFull",
    "Closed",
    "DISPATCH_BACKLOG_CAP",
    "EVENT_BACKLOG_CAP",
    # the channel's handles and what they raise
    "Sender",
    "Receiver",
    "ReceiverStatus",
    "TrySendError",
    "ChannelFull",
    "ChannelClosed",
    "TryRecvError",
    "ChannelEmpty",
    "ChannelDisconnected",
    "HandleDroppedError",
    # the drain notification
    "Notify",
    # the protocol's loops and their reports
    "run_reader",
    "run_consumer",
    "run_producer",
    "ConsumerCommand",
    "ReaderReport",
    "ReaderEnd",
    "ConsumerReport",
    "ConsumerEnd",
    "ProducerReport",
    "ProducerEnd",
    # our opt-in variants
    "DrainFirstQueue",
    "Variant",
]
