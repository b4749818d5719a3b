"""What the explorer checks on every run (properties) and what it reports (findings).

Properties must hold in every schedule; a schedule breaking one is a failure.
Findings are facts about the seed's design the explorer demonstrates with a
minimal schedule; they are reported, not failed.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable

from tidegate.impl.channel import Receiver, ReceiverStatus, Sender
from tidegate.impl.reports import ReaderEnd
from tidegate.proofs.interleave.world import ConsumerPhase, World

_CHANNEL_AWAITS = {Sender.send.__code__: "Sender.send", Receiver.recv.__code__: "Receiver.recv"}


class InterleaveProperty(enum.Enum):
    """A property every schedule must keep."""

    NEVER_AWAITS_CHANNEL = "the reader never awaits the channel"
    ORDER = "order end to end"
    NO_SILENT_LOSS = "no silent loss"
    NO_LOST_WAKEUP = "no lost wake-up"
    """Nothing can run while the consumer waits on an empty channel and the backlog holds
    items; or a slot freed while the backlog waits goes unannounced though no ping
    coalesced (the consumer pinged before the receive that freed it)."""
    MATCHES_MODEL = "the implementation matches the protocol model"


class Finding(enum.Enum):
    """A behaviour of the design, shown with a minimal schedule when it occurs."""

    DISCONNECT_WITH_ROOM = "disconnect while the channel had room"
    STARVED = "backlog starved by competing producers"
    COALESCED = "drain held to one item per notification when notifications coalesce"
    CANCELLED_SLOT = "a slot a cancelled send gave back goes unannounced"
    """A producer's send, parked holding a slot reserved for it, is cancelled: the slot is
    free again, but only a receive pings the reader, so its backlog may wait for a ping
    that never comes (a lost wake-up that follows from the seed's contract)."""
    STRANDED = "reader stranded with a backlog after the consumer went away"
    """The consumer stopped, was cancelled, or its stream ended, and nothing tells the
    reader: it waits
    for a notification that never comes, holding its backlog, until it is cancelled."""


def awaits_channel(world: World) -> str | None:
    """Where the reader (or a task it started) is suspended inside a channel operation."""
    loop = world.loop
    for task in [loop.task("R"), *loop.subtasks("R")]:
        if task.done():
            continue
        coro: object = task.get_coro()
        while coro is not None:
            code = getattr(coro, "cr_code", None)
            if code in _CHANNEL_AWAITS:
                return f"the reader is suspended in {_CHANNEL_AWAITS[code]}"
            coro = getattr(coro, "cr_await", None)
    return None


def lost_wakeup(world: World) -> str | None:
    """With nothing able to run: the consumer waits on an empty channel while the backlog
    holds items. Only a ping could move them, and nobody will ping."""
    if world.loop.runnable() or world.consumer_phase() is not ConsumerPhase.PARKED:
        return None
    backlog = world.queue.backlog()
    if backlog and not world.rx.buffered():
        return (
            f"the consumer waits on an empty channel while the backlog holds {list(backlog)} "
            "and no task can run"
        )
    return None


def out_of_order(world: World) -> str | None:
    """Items of one source delivered out of the order that source sent them."""
    delivered = world.consumer_report.delivered
    sources = [world.scenario.wire_items(), *world.scenario.producer_items()]
    for items in sources:
        mine = set(items)
        got = [x for x in delivered if x in mine]
        if got != sorted(got, key=items.index):
            return f"delivered {got}, out of the order {list(items)} they were sent in"
    return None


def silent_losses(world: World) -> str | None:
    """An item that was accepted and then neither delivered nor reported: gone silently
    (or an item reported twice); or an item read from the wire that the reader neither
    accepted, refused, nor reported unhandled."""
    rr, cr = world.reader_report, world.consumer_report
    told = [*rr.accepted, *rr.refused, *rr.unhandled]
    for item in world.wire.taken:
        if told.count(item) != 1:
            what = "reported nowhere" if item not in told else "reported twice"
            return f"item {item} was read from the wire and is {what} by the reader"
    places: dict[str, Iterable[int]] = {
        "delivered": cr.delivered,
        "discarded by the receiver's drop": cr.discarded,
        "lost by a Closed drain": rr.lost,
        "left in the backlog": rr.left,
        "left in the channel": world.rx.buffered(),
    }
    seen: dict[int, list[str]] = {}
    for place, items in places.items():
        for item in items:
            seen.setdefault(item, []).append(place)
    accepted = list(rr.accepted)
    for report in world.producer_reports:
        accepted.extend(report.sent)
        for item in report.refused:
            if item in seen:
                return f"item {item} was refused to its producer yet {seen[item][0]}"
    for item in rr.refused:
        if item in seen:
            return f"item {item} was refused to the reader yet {seen[item][0]}"
    for item in accepted:
        where = seen.pop(item, [])
        if len(where) != 1:
            what = "accounted nowhere" if not where else f"counted twice ({', '.join(where)})"
            return f"item {item} was accepted and is {what}"
    if seen:
        item, where = next(iter(seen.items()))
        return f"item {item} was never accepted yet {where[0]}"
    return None


def unannounced_slot(world: World) -> str | None:
    """Items wait in the backlog, the open channel has a free slot, and no notification is
    pending for the reader: the slot is free but nobody told the reader. Under the seed's
    contract (ping after every receive) this happens only when pings coalesced.

    A free slot of a closed channel takes nothing (the reader's next drain answers Closed
    whenever it comes; a reader left waiting is the `stranded` finding's): such a slot may
    be freed with no receive and no ping, by a parked send that held it and failed."""
    loop = world.loop
    if loop.task("R").done() or world.consumer_phase() is ConsumerPhase.ENDED:
        return None
    if world.rx.status is not ReceiverStatus.OPEN:
        return None
    backlog = world.queue.backlog()
    free = world.tx.capacity()
    if backlog and free > 0 and not world.notify.has_permit and "R" not in loop.runnable():
        return (
            f"the backlog holds {list(backlog)} and the channel has {free} free slot(s), "
            f"but after {world.consumer_report.pings} pings the reader answered "
            f"{world.reader_report.notifications} notifications and none is pending"
        )
    return None


def stranded(world: World, stuck: list[str]) -> str | None:
    """The reader was left waiting forever (`stuck`: the roles cancelled at the end) with
    items in its backlog, after the consumer ended."""
    rr, cr = world.reader_report, world.consumer_report
    if "R" not in stuck or "C" in stuck or not rr.left:
        return None
    return (
        f"the consumer ended ({cr.end.value if cr.end else '?'}) and the reader waited "
        f"forever for a notification, holding {rr.left} in its backlog (reported as left "
        "when it was cancelled)"
    )


def room_and_backlog(world: World) -> bool:
    """True while items wait in the backlog and the channel has a free slot."""
    if world.loop.task("R").done():
        return False
    return bool(world.queue.backlog()) and world.tx.capacity() > 0


def disconnect_with_room(world: World) -> str | None:
    """The reader disconnected (QueueFull) while the channel had free slots."""
    rr = world.reader_report
    if rr.end is ReaderEnd.DISCONNECT and (rr.free_slots_at_end or 0) > 0:
        return (
            f"QueueFull on item {rr.refused[0]} with backlog {rr.left} at cap "
            f"{world.scenario.cap} while the channel had {rr.free_slots_at_end} free slot(s)"
        )
    return None
