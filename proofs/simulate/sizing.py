"""The seed's sizing claims, measured in virtual time on the real implementation.

The seed sizes its backlog caps by arithmetic: 8 dispatch slots at one snapshot
per 250 ms "give roughly 2 s of stall tolerance"; 32 event slots at about 6,000
events/s "give roughly 5 ms". Here the real `run_reader` and `run_consumer` run
on a `ControlledLoop` in FIFO order with a virtual clock (so 2 s takes
microseconds): the wire delivers one item every `interval` seconds, and at
`stall_at` the consumer either stops (stalled: it never finishes the item it
took) or slows down (slow: each item takes `interval / slow_ratio`). The
tolerance is the time from that moment to the reader's disconnect (QueueFull).
"""

from __future__ import annotations

import asyncio
import math
from dataclasses import dataclass

from tidegate.impl.channel import Receiver, Sender, channel
from tidegate.impl.consumer import run_consumer
from tidegate.impl.notify import Notify
from tidegate.impl.queue import BackpressureQueue
from tidegate.impl.reader import run_reader
from tidegate.impl.reports import ConsumerReport, ReaderEnd, ReaderReport
from tidegate.impl.variants import Variant
from tidegate.proofs.core import TidegateError
from tidegate.proofs.interleave.loop import ControlledLoop


class SizingError(TidegateError, ValueError):
    """Raised when a simulation's mode or slow ratio breaks its rule; names the value."""


WARMUP_ITEMS = 5
"""Items the consumer handles at full speed before it stalls or slows."""


@dataclass(frozen=True)
class Claim:
    """One of the seed's sizing claims."""

    name: str
    cap: int
    interval: float
    claimed: float
    text: str


CLAIMS = (
    Claim("dispatch", 8, 0.250, 2.0, "cap 8 at one snapshot per 250 ms: about 2 s"),
    Claim("event", 32, 1 / 6000, 0.005, "cap 32 at about 6,000 events/s: about 5 ms"),
)


class _Wire:
    """An endless source: item n arrives at n * interval (virtual seconds)."""

    def __init__(self, interval: float) -> None:
        self._interval = interval
        self._next = 0

    def __aiter__(self) -> _Wire:
        return self

    async def __anext__(self) -> int:
        self._next += 1
        await asyncio.sleep(self._interval)
        return self._next


@dataclass(frozen=True)
class Measurement:
    """Tolerance of one configuration: seconds from the stall to the disconnect, or inf."""

    cap: int
    capacity: int
    interval: float
    mode: str
    tolerance: float
    delivered: int
    left: int


def measure(
    cap: int,
    capacity: int,
    interval: float,
    mode: str,
    *,
    slow_ratio: float = 0.5,
    variant: Variant = Variant.SEED,
    horizon_items: int = 2_000,
) -> Measurement:
    """Run one configuration until the reader disconnects or `horizon_items` intervals
    after the stall pass (then the tolerance is infinite).

    `mode` is "stalled" or "slow" and `slow_ratio` is strictly between 0 and 1; raises
    SizingError naming any other value.
    """
    if mode not in ("stalled", "slow"):
        raise SizingError(f"mode must be 'stalled' or 'slow', got {mode!r}")
    if not 0 < slow_ratio < 1:
        raise SizingError(f"slow_ratio must be between 0 and 1 (exclusive), got {slow_ratio}")
    loop = ControlledLoop()  # type: ignore[abstract]
    tx: Sender[int]
    rx: Receiver[int]
    tx, rx = channel(capacity)
    notify = Notify()
    queue: BackpressureQueue[int] = variant.make_queue(cap)
    stall_at = WARMUP_ITEMS * interval
    rr: ReaderReport[int] = ReaderReport()
    cr: ConsumerReport[int] = ConsumerReport()

    def delay(item: int) -> float:
        if item < WARMUP_ITEMS:
            return 0.0
        return math.inf if mode == "stalled" else interval / slow_ratio

    async def reader() -> None:
        try:
            await run_reader(
                _Wire(interval), queue, tx, notify, drain_all=variant.drain_all, report=rr
            )
        finally:
            tx.drop()

    async def consumer() -> None:
        await run_consumer(rx, notify, delay=lambda i: min(delay(i), 1e12), report=cr)

    reader_task = loop.create_task(reader())
    consumer_task = loop.create_task(consumer())
    loop.run_fifo(reader_task, horizon=stall_at + horizon_items * interval)
    disconnected = rr.end is ReaderEnd.DISCONNECT
    tolerance = loop.time() - stall_at if disconnected else math.inf
    for task in (reader_task, consumer_task):
        task.cancel()
    loop.settle_all()
    return Measurement(cap, capacity, interval, mode, tolerance, len(cr.delivered), len(rr.left))


def predicted_stall(cap: int, capacity: int, interval: float) -> float:
    """Arithmetic for a stalled consumer: the item in hand, the channel and the backlog
    fill, and the next arrival is refused: (capacity + cap + 1) intervals."""
    return (capacity + cap + 1) * interval
