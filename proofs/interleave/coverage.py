"""Transition coverage of the protocol model: which kinds of step a check has taken.

A kind is one thing a role's step did, in words a reader of the model recognises
(a step may do several: the wire puts an item or ends; the reader starts, sends or spills
an item, is refused (QueueFull, Closed), drains one (or finds the backlog empty,
the channel full, the channel closed), takes a stored permit, ends; the consumer
receives, hands the freed slot to a parked producer, pings (waking the reader,
storing the permit, or finding it stored), parks, fails an item's processing,
stops, closes its receiver, ends; a producer sends, parks, resumes, fails,
finishes, wakes the consumer; any of them is cancelled, at the await it stands at).
Items, counts and which producer stepped are left
out, so a few small scenarios reach every kind there is. `reachable_step_kinds`
searches the model alone over every schedule of some scenarios; a check that
drives the model in lockstep collects the kinds of the steps it took (`kinds`),
and covered against reachable says how much of the protocol it exercised.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from tidegate.model import protocol
from tidegate.model.protocol import (
    CANCEL,
    EOF,
    PING,
    ConsumerPos,
    ProducerPos,
    ProtocolState,
    ReaderEnd,
    Wait,
    producer_task,
)
from tidegate.model.variants import Variant as ModelVariant
from tidegate.proofs.interleave.world import Scenario

Kind = tuple[str, str]
"""A role (producers as one, `P`) and one thing its step did."""

_FAULT_WORDS = {"E": "its processing raises", "S": "is told to stop", "X": "closes its receiver"}


STEP_KINDS: frozenset[Kind] = frozenset(
    (
        ("C", "end-of-stream"),
        ("C", "is cancelled parked"),
        ("C", "is cancelled processing"),
        ("C", "is cancelled ready"),
        ("C", "is cancelled: its receiver's drop discards items"),
        ("C", "its receiver becomes dropped"),
        ("C", "parked"),
        ("C", "pings: stores the permit"),
        ("C", "pings: the permit was already stored"),
        ("C", "pings: wakes the reader"),
        ("C", "receives"),
        ("C", "stopped"),
        ("E", "end-of-stream"),
        ("E", "fails an item's processing"),
        ("E", "its processing raises"),
        ("E", "its receiver becomes dropped"),
        ("E", "parked"),
        ("E", "pings: stores the permit"),
        ("E", "pings: the permit was already stored"),
        ("E", "pings: wakes the reader"),
        ("E", "receives"),
        ("E", "stopped"),
        ("P", "fails: the receiver is gone"),
        ("P", "is cancelled between two sends"),
        ("P", "is cancelled parked, holding a reserved slot"),
        ("P", "is cancelled parked, waiting for a slot"),
        ("P", "is cancelled: its slot passes to the next parked send"),
        ("P", "is done"),
        ("P", "parks"),
        ("P", "resumes: its item was sent"),
        ("P", "sends"),
        ("P", "wakes the consumer"),
        ("R", "drains: Closed, an item lost"),
        ("R", "drains: backlog empty"),
        ("R", "drains: channel full"),
        ("R", "drains: sends"),
        ("R", "drains: sends several"),
        ("R", "ends: disconnect"),
        ("R", "ends: eof"),
        ("R", "ends: shutdown"),
        ("R", "is cancelled waiting"),
        ("R", "is cancelled waiting, its backlog held"),
        ("R", "is cancelled with a read not handled"),
        ("R", "is refused: Closed"),
        ("R", "is refused: QueueFull"),
        ("R", "reads the end of the wire"),
        ("R", "sends an item"),
        ("R", "spills an item"),
        ("R", "starts"),
        ("R", "takes the stored permit"),
        ("S", "is told to stop"),
        ("S", "its receiver becomes dropped"),
        ("S", "stopped"),
        ("W", "completes the reader's read"),
        ("W", "ends the wire"),
        ("W", "puts an item"),
        ("X", "closes its receiver"),
        ("X", "end-of-stream"),
        ("X", "its receiver becomes closed"),
        ("X", "its receiver becomes dropped"),
        ("X", "parked"),
        ("X", "pings: stores the permit"),
        ("X", "pings: the permit was already stored"),
        ("X", "pings: wakes the reader"),
        ("X", "receives"),
        ("X", "stopped"),
    )
)
"""Every kind of step the protocol model takes in some scenario (the test suite checks this
catalogue against a search of `CATALOGUE_SCENARIOS`): the denominator of "reachable"."""

CATALOGUE_SCENARIOS = (
    "capacity=1,cap=1,wire=3",
    "capacity=1,cap=2,wire=3,stop=2",
    "capacity=2,cap=1,wire=2,faults=E+S+X+K",
    "capacity=2,cap=1,wire=2,stop=1,faults=E+X+K",
    "capacity=1,cap=1,wire=1,producers=1,faults=E+S+X+K",
    "capacity=1,cap=1,wire=0,producers=2+1,faults=K",
    "capacity=2,cap=2,wire=4,variant=drain-first-all",
)
"""Small scenarios that together reach every kind of `STEP_KINDS` (in about 8,000 model states)."""


def describe_step(k: Kind) -> str:
    """One line for a person: `C: parks`."""
    return f"{k[0]}: {k[1]}"


def kinds(before: ProtocolState, role: str, after: ProtocolState) -> set[Kind]:
    """The kinds of the step `role` took from `before` to `after`."""
    if role.startswith(CANCEL):
        return _cancelled(before, role[len(CANCEL) :], after)
    if role == "W":
        return {("W", did) for did in _wire(before, after)}
    if role == "R":
        return {("R", did) for did in _reader(before, after)}
    if role.startswith("P"):
        return {("P", did) for did in _producer(before, int(role[1:]) - 1, after)}
    return {(role, did) for did in _consumer(before, role, after)}


def _wire(before: ProtocolState, after: ProtocolState) -> frozenset[str]:
    did = {"puts an item" if len(after.wire_todo) < len(before.wire_todo) else "ends the wire"}
    if before.reader.wire is Wait.WAITING and after.reader.wire is Wait.DONE:
        did.add("completes the reader's read")
    return frozenset(did)


def _reader(before: ProtocolState, after: ProtocolState) -> frozenset[str]:
    r0, r1 = before.reader, after.reader
    backlog0, backlog1 = before.subject.queue.backlog, after.subject.queue.backlog
    did: set[str] = set() if r0.started else {"starts"}
    for item in r1.accepted[len(r0.accepted) :]:
        did.add("spills an item" if item in backlog1 else "sends an item")
    if len(r1.refused) > len(r0.refused):
        did.add("is refused: QueueFull" if r1.end is ReaderEnd.DISCONNECT else "is refused: Closed")
    if PING in r0.inbox:
        moved = [x for x in backlog0 if x not in backlog1 and x not in r1.lost]
        if len(r1.lost) > len(r0.lost):
            did.add("drains: Closed, an item lost")
        elif moved:
            did.add("drains: sends" if len(moved) == 1 else "drains: sends several")
        else:
            did.add("drains: channel full" if backlog0 else "drains: backlog empty")
    if EOF in r0.inbox:
        did.add("reads the end of the wire")
    if before.permit and not after.permit:
        did.add("takes the stored permit")
    if r0.end is None and r1.end is not None:
        did.add(f"ends: {r1.end.value}")
    return frozenset(did)


def _consumer(before: ProtocolState, role: str, after: ProtocolState) -> frozenset[str]:
    c0, c1 = before.consumer, after.consumer
    did = {f"{_FAULT_WORDS[role]}"} if role in _FAULT_WORDS else set()
    if len(c1.failed) > len(c0.failed):
        did.add("fails an item's processing")
    if len(c1.delivered) > len(c0.delivered):
        did.add("receives")
        handed = [
            i
            for i, (p0, p1) in enumerate(zip(before.producers, after.producers, strict=True))
            if p0.pos is ProducerPos.PARKED and p1.pos is not ProducerPos.PARKED
        ]
        if handed and after.subject.channel.receiver.value == "open":
            did.add("hands the slot to a parked producer")
        if before.reader.ping is Wait.WAITING and after.reader.ping is Wait.DONE:
            did.add("pings: wakes the reader")
        elif not before.permit and after.permit:
            did.add("pings: stores the permit")
        else:
            did.add("pings: the permit was already stored")
    if before.subject.channel.receiver is not after.subject.channel.receiver:
        did.add(f"its receiver becomes {after.subject.channel.receiver.value}")
    if c1.pos is not c0.pos and c1.pos is not ConsumerPos.READY:
        did.add(f"{c1.pos.value}")
    return frozenset(did)


def _producer(before: ProtocolState, i: int, after: ProtocolState) -> frozenset[str]:
    p0, p1 = before.producers[i], after.producers[i]
    did: set[str] = set()
    if len(p1.sent) > len(p0.sent):
        did.add("resumes: its item was sent" if p0.pos is not ProducerPos.READY else "sends")
    if len(p1.refused) > len(p0.refused):
        did.add("fails: the receiver is gone")
    if p1.pos is ProducerPos.PARKED and p0.pos is not ProducerPos.PARKED:
        did.add("parks")
    if p1.pos is ProducerPos.DONE:
        did.add("is done")
    if before.consumer.pos is ConsumerPos.PARKED and after.consumer.pos is not ConsumerPos.PARKED:
        did.add("wakes the consumer")
    return frozenset(did)


def _cancelled(before: ProtocolState, role: str, after: ProtocolState) -> set[Kind]:
    if role == "R":
        r = before.reader
        where = "with a read not handled" if any(isinstance(e, int) for e in r.inbox) else ""
        backlog = before.subject.queue.backlog
        where = where or ("waiting, its backlog held" if backlog else "waiting")
        return {("R", f"is cancelled {where}")}
    if role == "C":
        c = before.consumer
        where = "processing" if c.processing else c.pos.value
        did = {("C", f"is cancelled {where}")}
        if after.consumer.discarded:
            did.add(("C", "is cancelled: its receiver's drop discards items"))
        return did
    i = int(role[1:]) - 1
    task = producer_task(i)
    p = before.producers[i]
    if p.pos is ProducerPos.PARKED:
        held = any(x.task == task for x in before.subject.channel.reserved)
        where = "parked, holding a reserved slot" if held else "parked, waiting for a slot"
    else:
        where = "between two sends"
    did = {("P", f"is cancelled {where}")}
    handed = [
        j
        for j, (p0, _) in enumerate(zip(before.producers, after.producers, strict=True))
        if j != i
        and p0.pos is ProducerPos.PARKED
        and not any(x.task == producer_task(j) for x in before.subject.channel.reserved)
        and any(x.task == producer_task(j) for x in after.subject.channel.reserved)
    ]
    if handed:
        did.add(("P", "is cancelled: its slot passes to the next parked send"))
    return did


def start_of(scenario: Scenario) -> ProtocolState:
    """The protocol model at the start of `scenario`."""
    return protocol.start(
        scenario.capacity,
        scenario.cap,
        scenario.wire_items(),
        scenario.producer_items(),
        scenario.stop_after,
        ModelVariant(scenario.variant.value),
        scenario.faults,
    )


def reachable_step_kinds(scenarios: Iterable[Scenario]) -> set[Kind]:
    """Every kind the protocol model takes in some schedule of some scenario (a search over
    the model's own states, every runnable role from each)."""
    found: set[Kind] = set()
    for scenario in scenarios:
        first = start_of(scenario)
        seen = {first}
        todo = [first]
        while todo:
            s = todo.pop()
            for role in protocol.runnable(s):
                after = protocol.step(s, role)
                found |= kinds(s, role, after)
                if after not in seen:
                    seen.add(after)
                    todo.append(after)
    return found


@dataclass(frozen=True)
class Coverage:
    """What a check's runs covered of the protocol model's kinds of step: `covered` (the
    steps the model took in lockstep), `reachable` (what the model alone reaches at the
    check's bounds) and the whole catalogue, `STEP_KINDS`."""

    covered: frozenset[Kind]
    reachable: frozenset[Kind]

    @property
    def missed(self) -> frozenset[Kind]:
        """Kinds reachable at these bounds that the runs never took."""
        return self.reachable - self.covered

    def __str__(self) -> str:
        return (
            f"{len(self.covered & self.reachable)}/{len(self.reachable)} protocol transitions "
            f"({len(STEP_KINDS)} in the model)"
        )
