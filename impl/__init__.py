"""tidegate.impl: the reference implementation on asyncio.

- `tidegate.impl.channel.channel(capacity)` → `(Sender, Receiver)`: bounded MPSC with
  tokio 1.24.2's rules, slot reservation included (`send`, `reserve` / `try_reserve` and
  their `Permit`, `send_timeout`, `closed`, weak senders); the function stays in its
  module, so that `tidegate.impl.channel` is the module;
- `BackpressureQueue(cap)`: the reader-side queue (`enqueue_or_send`, `try_drain_one`);
- `Notify`: the single-permit drain notification (`notify_one`, `notify_waiters`, and
  `notified()`, a `Notified` wait with `enable()`);
- `Spawned`: a coroutine polled by hand, as `tokio_test::task::spawn` polls a future;
- `run_reader`, `run_consumer`, `run_producer`: the protocol's loops as asyncio tasks, each
  returning a report that places every item (`ConsumerCommand`: stop or close a consumer);
- `DrainFirstQueue` / `Variant`: tidegate's own opt-in variants (the seed's queue is the default).

Exported here: what a user of the queue, the channel and the loops needs, and the errors
they raise; argument checks and their errors (`ParameterError`, a ValueError, and
`ParameterTypeError`, a TypeError) stay in `tidegate.impl.errors`.

Nothing in the queue awaits. This package never imports `tidegate.model`.
"""

from tidegate.impl.channel import (
    OwnedPermit,
    Permit,
    Receiver,
    ReceiverStatus,
    Sender,
    WeakSender,
)
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
    SendTimeout,
    TryRecvError,
    TrySendError,
)
from tidegate.impl.handpoll import PolledAfterCompletion, Ready, Spawned
from tidegate.impl.notify import Notified, Notify
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
    "WeakSender",
    "Permit",
    "OwnedPermit",
    "Receiver",
    "ReceiverStatus",
    "TrySendError",
    "ChannelFull",
    "ChannelClosed",
    "SendTimeout",
    "TryRecvError",
    "ChannelEmpty",
    "ChannelDisconnected",
    "HandleDroppedError",
    # the drain notification
    "Notify",
    "Notified",
    # futures polled by hand
    "Spawned",
    "Ready",
    "PolledAfterCompletion",
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
