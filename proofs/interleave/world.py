"""One run of the protocol: the real loops as tasks on a `ControlledLoop`, and what to observe.

A `Scenario` fixes the bounds: channel capacity, backlog cap, how many wire
items, how many items each other producer sends, whether the consumer stops
(drops its receiver) after some items, the fault steps a run may take, and the
variant. A `World` builds the real objects (channel, queue, Notify, the wire)
and spawns the roles in the model's order: W (the wire feeding the reader's
source), R (the reader loop), C (the consumer loop), P1.. (other producers).

The fault steps (`tidegate.model.protocol.FAULTS`) are the consumer's next step
with something gone wrong, each at most once a run: E, its processing of the
item it last received raises (`ProcessingError`); S, it is told to stop between
two items; X, it is told to close its receiver between two items
(`tidegate.impl.consumer.ConsumerCommand`). The world plays the consumer's owner:
it hands the loop its processing and its commands. With K, one task (KR the
reader, KC the consumer, KP1.. a producer) may be cancelled at the await it stands
at (`asyncio.Task.cancel`, then its step that unwinds): as an aborted tokio task
drops what it owns, the world then drops that task's sender, or the consumer's
receiver (the items that drop discards are reported).
"""

from __future__ import annotations

import asyncio
import enum
import inspect
import re
import warnings
import weakref
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from tidegate.impl.channel import Receiver, Sender, channel
from tidegate.impl.consumer import ConsumerCommand, run_consumer, run_producer
from tidegate.impl.notify import Notify
from tidegate.impl.queue import BackpressureQueue
from tidegate.impl.reader import run_reader
from tidegate.impl.reports import ConsumerReport, ProducerReport, ReaderReport
from tidegate.impl.variants import Variant
from tidegate.model.protocol import CANCEL, CLOSE, FAULTS, RAISE, STOP, cancel_step
from tidegate.proofs.core import TidegateError
from tidegate.proofs.interleave.loop import ControlledLoop


class ScenarioError(TidegateError, ValueError):
    """Raised when a scenario string names an unknown field or breaks a field's rule."""


class ProcessingError(Exception):
    """Raised by the consumer's processing of an item when the fault step E is taken."""


@dataclass(frozen=True)
class Scenario:
    """The bounds of one exploration. Wire items are 1..wire; producer i sends
    100*i+1, 100*i+2, ...; `stop_after` None means the consumer never stops by count;
    `faults` are the fault steps a run may take (each once), in `FAULTS` order."""

    capacity: int
    cap: int
    wire: int
    producers: tuple[int, ...] = ()
    stop_after: int | None = None
    variant: Variant = Variant.SEED
    faults: tuple[str, ...] = ()

    def wire_items(self) -> tuple[int, ...]:
        return tuple(range(1, self.wire + 1))

    def producer_items(self) -> tuple[tuple[int, ...], ...]:
        return tuple(
            tuple(100 * (i + 1) + k for k in range(1, n + 1)) for i, n in enumerate(self.producers)
        )

    def __str__(self) -> str:
        parts = [f"capacity={self.capacity}", f"cap={self.cap}", f"wire={self.wire}"]
        if self.producers:
            parts.append("producers=" + "+".join(map(str, self.producers)))
        if self.stop_after is not None:
            parts.append(f"stop={self.stop_after}")
        if self.faults:
            parts.append("faults=" + "+".join(self.faults))
        if self.variant is not Variant.SEED:
            parts.append(f"variant={self.variant.value}")
        return ",".join(parts)

    @classmethod
    def parse(cls, text: str) -> Scenario:
        """Read `str(scenario)`'s form, e.g. `capacity=1,cap=1,wire=3,producers=2+1,stop=2`,
        `capacity=2,cap=1,wire=3,faults=E+X`.

        Raises ScenarioError naming the offending field and its rule.
        """
        fields: dict[str, str] = {}
        for part in filter(None, text.strip().split(",")):
            key, sep, value = part.partition("=")
            if not sep:
                raise ScenarioError(f"scenario field {part!r} must be NAME=VALUE")
            if key.strip() in fields:
                raise ScenarioError(f"scenario field {key.strip()} is given twice in {text!r}")
            fields[key.strip()] = value.strip()
        known = {"capacity", "cap", "wire", "producers", "stop", "faults", "variant"}
        unknown = set(fields) - known
        if unknown:
            raise ScenarioError(
                f"unknown scenario field(s) {sorted(unknown)}; known: capacity, cap, wire, "
                "producers, stop, faults, variant"
            )
        for needed in ("capacity", "cap", "wire"):
            if needed not in fields:
                raise ScenarioError(f"scenario {text!r} lacks {needed}=N")
        producers = tuple(
            _int("producers", p, 1, MAX_PRODUCER_ITEMS)
            for p in filter(None, fields.get("producers", "").split("+"))
        )
        if len(producers) > MAX_PRODUCERS:
            raise ScenarioError(
                f"scenario field producers names {len(producers)} producers; at most "
                f"{MAX_PRODUCERS} (each adds a role to every schedule)"
            )
        stop = fields.get("stop")
        try:
            variant = Variant(fields.get("variant", "seed"))
        except ValueError:
            names = ", ".join(v.value for v in Variant)
            raise ScenarioError(
                f"variant must be one of {names}, got {fields['variant']!r}"
            ) from None
        faults = tuple(filter(None, fields.get("faults", "").split("+")))
        if any(f not in FAULTS for f in faults) or len(set(faults)) != len(faults):
            raise ScenarioError(
                f"scenario field faults must name distinct faults of {'+'.join(FAULTS)} "
                f"(E: processing raises, S: the consumer stops, X: it closes its receiver, "
                f"K: a task is cancelled), "
                f"got {fields['faults']!r}"
            )
        return cls(
            capacity=_int("capacity", fields["capacity"], 1, MAX_SLOTS),
            cap=_int("cap", fields["cap"], 0, MAX_SLOTS),
            wire=_int("wire", fields["wire"], 0, MAX_WIRE),
            producers=producers,
            stop_after=None if stop in (None, "", "-") else _int("stop", stop, 0, MAX_STOP),
            variant=variant,
            faults=tuple(f for f in FAULTS if f in faults),
        )


MAX_WIRE = 99
"""Wire items are 1..wire and the first producer's 101..: more would repeat items (and
every schedule is as long as all the items together: 99 is already far beyond what an
exhaustive exploration covers)."""
MAX_PRODUCER_ITEMS = 99
"""Producer i sends 100*i+1..: a hundredth item would be the next producer's first."""
MAX_PRODUCERS = 9
MAX_SLOTS = 1000
"""The largest capacity and cap: far beyond what any schedule with at most 99 items per
role can fill."""
MAX_STOP = 10**6


def _int(name: str, value: str, minimum: int, maximum: int) -> int:
    if not re.fullmatch(r"\d{1,30}", value):
        raise ScenarioError(
            f"scenario field {name} must be an integer from {minimum} to {maximum}, "
            f"got {value[:40]!r}"
        )
    number = int(value)
    if not minimum <= number <= maximum:
        raise ScenarioError(
            f"scenario field {name} must be from {minimum} to {maximum}, got {number}"
        )
    return number


class Wire:
    """The reader's source: an async iterator over items the W role puts, then EOF."""

    __slots__ = ("_ended", "_items", "_waiter", "taken")

    def __init__(self) -> None:
        self.taken: list[int] = []
        """Every item read from the wire, in order."""
        self._items: deque[int] = deque()
        self._ended = False
        self._waiter: asyncio.Future[None] | None = None

    def put(self, item: int) -> None:
        self._items.append(item)
        self._wake()

    def end(self) -> None:
        self._ended = True
        self._wake()

    def _wake(self) -> None:
        waiter, self._waiter = self._waiter, None
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def pending(self) -> tuple[tuple[int, ...], bool]:
        """Items put but not yet read, and whether EOF was put."""
        return tuple(self._items), self._ended

    def __aiter__(self) -> Wire:
        return self

    async def __anext__(self) -> int:
        while not self._items:
            if self._ended:
                raise StopAsyncIteration
            self._waiter = asyncio.get_running_loop().create_future()
            await self._waiter
        item = self._items.popleft()
        self.taken.append(item)
        return item


async def feed(wire: Wire, items: tuple[int, ...]) -> None:
    """The W role: one item per step, then EOF."""
    for item in items:
        wire.put(item)
        await asyncio.sleep(0)
    wire.end()


ReaderLoop = Callable[..., Coroutine[Any, Any, ReaderReport[int]]]
ConsumerLoop = Callable[..., Coroutine[Any, Any, ConsumerReport[int]]]


@dataclass(frozen=True)
class Loops:
    """Which loop functions a world runs: the real ones by default. Tests swap in broken
    ones with the same signatures to see the explorer catch them."""

    reader: ReaderLoop = run_reader
    consumer: ConsumerLoop = run_consumer
    name: str = "tidegate.impl loops"

    @property
    def is_reference(self) -> bool:
        """True for the implementation's own loops (the ones the model describes)."""
        return self.reader is run_reader and self.consumer is run_consumer


REFERENCE_LOOPS = Loops()
"""The implementation's own loops."""


class ConsumerPhase(enum.Enum):
    """Where the consumer task is, as seen from outside."""

    ALIVE = "alive"
    PARKED = "parked"
    ENDED = "ended"


_WORLDS: weakref.WeakSet[World] = weakref.WeakSet()


def abandon_worlds() -> None:
    """Close the never-started coroutines of every world still alive, without running
    anything: after Ctrl-C, runs are dropped mid-step, and dropping a task whose coroutine
    never started would warn that it was "never awaited". A coroutine made but not yet
    handed to a task when the interrupt came cannot be found: from then on that warning
    is not shown (it would only say that the run was interrupted)."""
    for world in list(_WORLDS):
        world.loop.close_unstarted()
    warnings.filterwarnings("ignore", r"coroutine .* was never awaited", RuntimeWarning)


class World:
    """The real objects of one run, and the roles spawned on a fresh `ControlledLoop`."""

    def __init__(self, scenario: Scenario, loops: Loops = REFERENCE_LOOPS) -> None:
        self.scenario = scenario
        self.loop = ControlledLoop()  # type: ignore[abstract]
        _WORLDS.add(self)
        self.tx: Sender[int]
        self.rx: Receiver[int]
        self.tx, self.rx = channel(scenario.capacity)
        self.queue: BackpressureQueue[int] = scenario.variant.make_queue(scenario.cap)
        self.notify = Notify()
        self.wire = Wire()
        self.reader_report: ReaderReport[int] = ReaderReport()
        self.consumer_report: ConsumerReport[int] = ConsumerReport()
        self.producer_reports: list[ProducerReport[int]] = []
        self.roles: list[str] = ["W", "R", "C"]
        self.faults_left = set(scenario.faults)
        self.processing = False
        self._fault: str | None = None
        self.loop.spawn("W", feed(self.wire, scenario.wire_items()))
        self.loop.spawn("R", self._reader(loops.reader))
        self.loop.spawn("C", self._consumer(loops.consumer))
        for i, items in enumerate(scenario.producer_items()):
            report: ProducerReport[int] = ProducerReport()
            self.producer_reports.append(report)
            self.roles.append(f"P{i + 1}")
            self.loop.spawn(f"P{i + 1}", self._producer(self.tx.clone(), items, report))

    async def _reader(self, reader: ReaderLoop) -> None:
        try:
            await reader(
                self.wire,
                self.queue,
                self.tx,
                self.notify,
                drain_all=self.scenario.variant.drain_all,
                report=self.reader_report,
            )
        finally:
            self.tx.drop()

    async def _consumer(self, consumer: ConsumerLoop) -> None:
        try:
            await consumer(
                self.rx,
                self.notify,
                process=self._process,
                stop_after=self.scenario.stop_after,
                command=self._command,
                report=self.consumer_report,
            )
        except asyncio.CancelledError:
            # The task owned the receiver: cancelled, it drops it (a no-op once dropped).
            self.consumer_report.discarded.extend(self.rx.drop())
            raise

    @staticmethod
    async def _producer(tx: Sender[int], items: tuple[int, ...], rep: ProducerReport[int]) -> None:
        try:
            await run_producer(tx, items, report=rep)
        finally:
            tx.drop()

    async def _process(self, item: int) -> None:
        """The consumer's processing of `item`: one await (a step boundary), then done, or
        ProcessingError when the step that resumes it is the fault step E."""
        self.processing = True
        try:
            await asyncio.sleep(0)
        finally:
            self.processing = False
        if self._fault == RAISE:
            self._fault = None
            raise ProcessingError(f"processing item {item} failed (fault step E)")

    def _command(self) -> ConsumerCommand | None:
        """What the consumer is told between two items: STOP or CLOSE on the fault steps S
        and X, else nothing."""
        fault, self._fault = self._fault, None
        return {STOP: ConsumerCommand.STOP, CLOSE: ConsumerCommand.CLOSE}.get(fault or "")

    def fault_steps(self) -> list[str]:
        """The fault steps that can be taken now, in `FAULTS` order: the consumer's E while
        it is suspended processing an item, S and X between two items (before its first
        step, or while it processes one); then, while K is left, the cancellation of each
        role whose task stands at an await (started, not done), in role order."""
        own = [f for f in FAULTS if f in self.faults_left and f != CANCEL]
        out: list[str] = []
        if "C" in self.loop.runnable():
            if self.processing:
                out = own
            elif not self._started("C"):
                out = [f for f in own if f != RAISE]
        if CANCEL in self.faults_left:
            out += [
                cancel_step(role)
                for role in self.roles[1:]  # the wire is the peer, not a task of ours
                if self._started(role) and not self.loop.task(role).done()
            ]
        return out

    def _started(self, role: str) -> bool:
        coro = self.loop.task(role).get_coro()
        return not (inspect.iscoroutine(coro) and inspect.getcoroutinestate(coro) == "CORO_CREATED")

    def take_fault(self, fault: str) -> None:
        """Run the fault step `fault` (one of `fault_steps()`): the consumer's next step
        gone wrong, or a task's cancellation and the step in which it unwinds.
        Raises KeyError naming it when it cannot be taken now."""
        if fault not in self.fault_steps():
            raise KeyError(f"fault step {fault} cannot be taken now")
        if fault.startswith(CANCEL):
            self.faults_left.discard(CANCEL)
            role = fault[len(CANCEL) :]
            self.loop.task(role).cancel()
            self.loop.step(role)
            return
        self.faults_left.discard(fault)
        self._fault = fault
        self.loop.step("C")
        self._fault = None

    def consumer_phase(self) -> ConsumerPhase:
        task = self.loop.task("C")
        if task.done():
            return ConsumerPhase.ENDED
        return ConsumerPhase.ALIVE if "C" in self.loop.runnable() else ConsumerPhase.PARKED

    def all_done(self) -> bool:
        return all(self.loop.task(role).done() for role in self.roles)

    def cancel_rest(self) -> list[str]:
        """Cancel every role still waiting, let the cancellations finish; return their roles."""
        stuck = [role for role in self.roles if not self.loop.task(role).done()]
        for role in stuck:
            task = self.loop.task(role)
            coro = task.get_coro()
            if inspect.iscoroutine(coro) and inspect.getcoroutinestate(coro) == "CORO_CREATED":
                coro.close()  # never started: nothing to unwind, and no "never awaited" warning
            task.cancel()
        self.loop.settle_all()
        return stuck
