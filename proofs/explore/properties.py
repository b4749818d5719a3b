"""The catalogue: what the model guarantees, what it does not, and proof that both are live.

Every entry is a named predicate over one *moment* of the model — the state
before an operation, the operation, and the `Transition` it gave — or over one
state. `tidegate explore` evaluates every entry on every reachable state and
every transition, and reports, for each, that it holds or its shortest
counterexample.

Three kinds of entry:

- INVARIANTS hold in every reachable state and transition. A port that breaks
  one is wrong.
- FINDINGS are statements a reader of the seed might expect but that are
  *false* for it. Each is reported with its shortest counterexample: they
  document what the design does not guarantee.
- WITNESSES are moments that must be reachable (every answer of every
  operation), so that no invariant holds only because its premise never
  occurs.

Items follow the canonical numbering of the exploration: the queue submits
1, 2, 3, … and the other producer 1001, 1002, … with `try_send` and 2001,
2002, … with `send` tasks, each in order. The order invariant relies on it (a
queue item is one below `OTHER_BASE`, and an earlier-submitted queue item has
a smaller number).

This module holds the entries about the v1 operations, which also hold with
tasks about (`no_silent_loss` counts the items parked sends hold); the entries
about tasks alone are in `tidegate.proofs.explore.task_properties`.
"""

from __future__ import annotations

import enum
import itertools
from collections.abc import Callable
from dataclasses import dataclass

from tidegate.model import (
    CLOSED,
    DISCONNECTED,
    EMPTY,
    FULL,
    OK,
    QUEUE_FULL,
    Answer,
    Ok,
    Op,
    OpName,
    Pending,
    ReceiverState,
    Subject,
    TaskKind,
    TaskOp,
    TaskOpName,
    Transition,
)

OTHER_BASE = 1001
"""The other producer's first item; every queue item is below it."""

SEND_BASE = 2001
"""The first item of the other producer's `send` tasks (v2); every `try_send` item of an
exploration with tasks is below it."""


@dataclass(frozen=True)
class Moment:
    """One transition of the model: the state `before`, the `op` (v1, or a v2 task
    operation), and what it did."""

    before: Subject
    op: Op | TaskOp
    after: Transition


class PropertyKind(enum.Enum):
    """Whether a catalogue entry is guaranteed or documented as not guaranteed."""

    INVARIANT = "invariant"
    FINDING = "finding"


@dataclass(frozen=True)
class Property:
    """A named statement, checked on states (`on_state`) and/or moments (`on_step`).

    The statement holds when every given predicate returns True everywhere.
    `canonical_items` marks a predicate that relies on the exploration's item
    numbering (and so cannot judge runs with arbitrary items).
    """

    name: str
    statement: str
    kind: PropertyKind
    on_state: Callable[[Subject], bool] | None = None
    on_step: Callable[[Moment], bool] | None = None
    canonical_items: bool = False


# ---- invariants ---------------------------------------------------------------------------


def backlog_within_cap(s: Subject) -> bool:
    """The backlog never holds more than `cap` items."""
    return len(s.queue.backlog) <= s.queue.cap


def channel_within_capacity(s: Subject) -> bool:
    """The channel never buffers more than `capacity` items."""
    return len(s.channel.buffer) <= s.channel.capacity


def queue_full_only_at_cap(m: Moment) -> bool:
    """QueueFull is answered only when the backlog was at cap, and changes nothing."""
    if m.after.answer != QUEUE_FULL:
        return True
    return len(m.before.queue.backlog) >= m.before.queue.cap and m.after.state == m.before


def queue_items_held_in_order(s: Subject) -> bool:
    """The queue's items held, in channel-then-backlog order, are strictly increasing."""
    held = [x for x in s.channel.buffer if x < OTHER_BASE] + list(s.queue.backlog)
    return all(a < b for a, b in itertools.pairwise(held))


def queue_items_received_in_order(m: Moment) -> bool:
    """A queue item received is smaller than every queue item still held.

    With `queue_items_held_in_order` this is the order invariant, by induction
    over a run: the queue submits in increasing order, so every item received
    later — one held now, or one accepted later — is larger.
    """
    answer = m.after.answer
    if not receives(m):
        return True
    assert isinstance(answer, Ok) and isinstance(answer.value, int)
    if answer.value >= OTHER_BASE:
        return True
    s = m.after.state
    held = [x for x in s.channel.buffer if x < OTHER_BASE] + list(s.queue.backlog)
    return all(answer.value < x for x in held)


def no_silent_loss(m: Moment) -> bool:
    """Every item accepted with ok is in exactly one place, at every moment.

    The places: the backlog, the channel, received, discarded by drop_receiver,
    or discarded by a try_drain_one that answered Closed. With tasks, an item a
    `send` task started with is that parked send's (pending) until the send
    puts it in the channel (ok) or hands it back unsent (Closed, or the task
    cancelled). Checked locally, which by induction from the empty start covers
    whole runs (the ghost ledger of `tidegate.proofs.differential.ledger` checks
    the same over a run's history): the held items before plus the one just
    accepted equal the held items after plus the one received, the ones
    discarded and the one handed back — and only those two operations discard.
    """
    before, after, op, answer = m.before, m.after.state, m.op, m.after.answer
    discarded = m.after.discarded
    if after is before and not discarded and (op.item is None or answer != OK):
        # Unchanged state, nothing accepted or discarded: only a receive could break it,
        # and a receive that returns an item changes the state.
        return True
    gained: tuple[int, ...] = ()
    if op.item is not None and (answer == OK or isinstance(answer, Pending)):
        gained = (op.item,)
    received: tuple[int, ...] = ()
    if receives(m):
        assert isinstance(answer, Ok) and isinstance(answer.value, int)
        received = (answer.value,)
    if discarded and not (
        op.name is OpName.DROP_RECEIVER or (op.name is OpName.TRY_DRAIN_ONE and answer == CLOSED)
    ):
        return False
    was = _held(before) + gained
    now = _held(after) + received + discarded + handed_back(m)
    return sorted(was) == sorted(now)


def _held(s: Subject) -> tuple[int, ...]:
    """Every item the subject holds: buffered, in the backlog, or held by a parked send."""
    if not s.channel.waiting and not s.channel.reserved:
        return s.channel.buffer + s.queue.backlog
    parked = tuple(p.item for p in s.channel.waiting + s.channel.reserved)
    return s.channel.buffer + s.queue.backlog + parked


def receives(m: Moment) -> bool:
    """True when `m` hands the receiver an item: `try_recv`, `recv`, or a poll of a
    pending `recv` task, answering ok ITEM."""
    if not _is_item(m.after.answer):
        return False
    name = m.op.name
    return name is OpName.TRY_RECV or name is TaskOpName.RECV or name is TaskOpName.POLL


def handed_back(m: Moment) -> tuple[int, ...]:
    """The item a parked send handed back unsent in `m`, if any: its task was polled
    and answered Closed, or was cancelled."""
    op = m.op
    if not isinstance(op, TaskOp) or op.name not in (TaskOpName.POLL, TaskOpName.CANCEL):
        return ()
    if op.name is TaskOpName.POLL and m.after.answer != CLOSED:
        return ()
    for p in m.before.channel.waiting + m.before.channel.reserved:
        if p.task == op.task:
            return (p.item,)
    return ()


# ---- findings: statements that are false for the seed --------------------------------------


def queue_full_means_no_room(m: Moment) -> bool:
    """QueueFull is answered only when the channel has no free slot or the receiver is not open."""
    if m.after.answer != QUEUE_FULL:
        return True
    ch = m.before.channel
    return ch.free_slots == 0 or ch.receiver is not ReceiverState.OPEN


def accepted_never_lost_to_closed_drain(m: Moment) -> bool:
    """No item accepted with ok is later discarded by a try_drain_one that answers Closed."""
    return not (m.op.name is OpName.TRY_DRAIN_ONE and m.after.answer == CLOSED)


def ok_only_while_open(m: Moment) -> bool:
    """enqueue_or_send answers ok only while the receiver is open."""
    if m.op.name is not OpName.ENQUEUE_OR_SEND or m.after.answer != OK:
        return True
    return m.before.channel.receiver is ReceiverState.OPEN


INVARIANTS: tuple[Property, ...] = (
    Property(
        "backlog_within_cap",
        "the backlog never exceeds cap",
        PropertyKind.INVARIANT,
        on_state=backlog_within_cap,
    ),
    Property(
        "channel_within_capacity",
        "the channel never buffers more than its capacity",
        PropertyKind.INVARIANT,
        on_state=channel_within_capacity,
    ),
    Property(
        "queue_full_only_at_cap",
        "QueueFull only with the backlog at cap, and it changes nothing",
        PropertyKind.INVARIANT,
        on_step=queue_full_only_at_cap,
    ),
    Property(
        "order",
        "the queue's items reach the receiver in the order they were accepted",
        PropertyKind.INVARIANT,
        on_state=queue_items_held_in_order,
        on_step=queue_items_received_in_order,
        canonical_items=True,
    ),
    Property(
        "no_silent_loss",
        "every item accepted with ok is in exactly one place: backlog, channel, received, "
        "discarded by drop_receiver, or discarded by a Closed try_drain_one",
        PropertyKind.INVARIANT,
        on_step=no_silent_loss,
    ),
)

FINDINGS: tuple[Property, ...] = (
    Property(
        "queue_full_means_no_room",
        "QueueFull is answered only when the channel is full or the receiver is not open",
        PropertyKind.FINDING,
        on_step=queue_full_means_no_room,
    ),
    Property(
        "accepted_never_lost_to_closed_drain",
        "an item accepted with ok is never lost to a try_drain_one answering Closed",
        PropertyKind.FINDING,
        on_step=accepted_never_lost_to_closed_drain,
    ),
    Property(
        "ok_only_while_open",
        "enqueue_or_send answers ok only while the receiver is open",
        PropertyKind.FINDING,
        on_step=ok_only_while_open,
    ),
)

CATALOGUE: tuple[Property, ...] = INVARIANTS + FINDINGS


# ---- witnesses ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Witness:
    """A moment that must be reachable: operation `op` answering something `answer` matches;
    for `poll` and `cancel`, of a task of `kind` (None: any)."""

    op: OpName | TaskOpName
    answer: str
    matches: Callable[[Answer], bool]
    kind: TaskKind | None = None

    @property
    def name(self) -> str:
        """`op -> answer`, e.g. `enqueue_or_send -> QueueFull`, `poll send -> Closed`."""
        of = "" if self.kind is None else f" {self.kind.value}"
        return f"{self.op.value}{of} -> {self.answer}"


def _is(expected: Answer) -> Callable[[Answer], bool]:
    return lambda answer: answer == expected


def _is_item(answer: Answer) -> bool:
    return (
        isinstance(answer, Ok)
        and isinstance(answer.value, int)
        and not isinstance(answer.value, bool)
    )


WITNESSES: tuple[Witness, ...] = (
    Witness(OpName.ENQUEUE_OR_SEND, "ok", _is(OK)),
    Witness(OpName.ENQUEUE_OR_SEND, "QueueFull", _is(QUEUE_FULL)),
    Witness(OpName.ENQUEUE_OR_SEND, "Closed", _is(CLOSED)),
    Witness(OpName.TRY_DRAIN_ONE, "ok true", _is(Ok(True))),
    Witness(OpName.TRY_DRAIN_ONE, "ok false", _is(Ok(False))),
    Witness(OpName.TRY_DRAIN_ONE, "Closed", _is(CLOSED)),
    Witness(OpName.TRY_SEND, "ok", _is(OK)),
    Witness(OpName.TRY_SEND, "Full", _is(FULL)),
    Witness(OpName.TRY_SEND, "Closed", _is(CLOSED)),
    Witness(OpName.TRY_RECV, "ok ITEM", _is_item),
    Witness(OpName.TRY_RECV, "Empty", _is(EMPTY)),
    Witness(OpName.CLOSE, "ok", _is(OK)),
    Witness(OpName.DROP_RECEIVER, "ok", _is(OK)),
)
"""Every answer PROTOCOL.md lists for a state-changing operation, except Disconnected."""

OFF_CONTRACT = Witness(OpName.TRY_RECV, "Disconnected", _is(DISCONNECTED))
"""try_recv answers Disconnected only after drop_receiver, after which PROTOCOL.md
traces issue no try_recv: it is unreachable by contract. Exploration probes it
in dropped states without counting the probe as a transition."""
