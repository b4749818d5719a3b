"""The exploration's canonical state packed into one 64-bit integer, and its step on arrays.

A state of the exploration (see `tidegate.proofs.explore.search`) holds item values, but the
values are canonical: the queue submits 1, 2, … and the other producer 1001, 1002, …,
each in order, and the queue's items reach the channel in order. So a state is fully
given by *which* items are held and by the interleaving of the two producers' items in
the channel:

- `tags`, C + 2 bits: the channel as a word with a sentinel bit at position L (the
  channel's length) and, below it, bit j set when slot j (0 = the front) holds an other
  item, clear when it holds a queue item. The extra bit lets a broken step that
  overfills the channel show as L = C + 1 instead of corrupting the next field;
- `qmask`, NQ bits: bit i-1 set when queue item i is held (channel or backlog). The
  channel holds the smallest held ones (as many as `tags` has queue slots), in order;
  the backlog holds the rest, in order;
- `omask`, NO bits: bit i-1 set when other item 1000+i is in the channel, in order;
- `receiver`, 2 bits: 0 open, 1 closed, 2 dropped;
- `queued` and `others`: the items submitted so far by each producer.

`encode` refuses a model state that this layout cannot hold (queue items held out of
order, an item beyond the counters); the tests hold `successors` equal to the model's
own step on every state explored at small bounds, which is what ties the packed search
to the specification. Every function here works on numpy arrays of packed states, one
operation at a time, without building model objects.
"""

from __future__ import annotations

import enum
import itertools
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from tidegate import model
from tidegate.model import (
    CLOSED,
    DISCONNECTED,
    EMPTY,
    FULL,
    OK,
    QUEUE_FULL,
    Answer,
    ChannelState,
    Ok,
    Op,
    OpName,
    QueueState,
    ReceiverState,
    Subject,
)
from tidegate.proofs.core import TidegateError
from tidegate.proofs.explore.properties import OTHER_BASE

U64 = npt.NDArray[np.uint64]
Mask = npt.NDArray[np.bool_]

_ONE = np.uint64(1)


class Action(enum.IntEnum):
    """The exploration's actions, in the order the search tries them from each state.

    The order is the reference explorer's, so that ties between shortest paths (and so
    the counterexamples printed) resolve the same way in both.
    """

    ENQUEUE = 0
    DRAIN = 1
    SEND = 2
    RECV = 3
    DROP = 4
    CLOSE = 5


ACTIONS = tuple(Action)


class Code(enum.IntEnum):
    """An answer as a small integer; `ANSWERS` maps each back to the model's answer."""

    OK = 0
    QUEUE_FULL = 1
    CLOSED = 2
    OK_TRUE = 3
    OK_FALSE = 4
    FULL = 5
    EMPTY = 6
    ITEM = 7
    """ok with an item (try_recv); the item is not part of the code."""
    DISCONNECTED = 8


ANSWERS: dict[Code, Answer] = {
    Code.OK: OK,
    Code.QUEUE_FULL: QUEUE_FULL,
    Code.CLOSED: CLOSED,
    Code.OK_TRUE: Ok(True),
    Code.OK_FALSE: Ok(False),
    Code.FULL: FULL,
    Code.EMPTY: EMPTY,
    Code.DISCONNECTED: DISCONNECTED,
}


def code_of(answer: Answer) -> Code:
    """The code of a model answer (`ITEM` for ok with an int)."""
    if (
        isinstance(answer, Ok)
        and isinstance(answer.value, int)
        and not isinstance(answer.value, bool)
    ):
        return Code.ITEM
    for code, known in ANSWERS.items():
        if known == answer:
            return code
    raise ValueError(f"answer {answer} has no code")


_RECEIVERS = (ReceiverState.OPEN, ReceiverState.CLOSED, ReceiverState.DROPPED)


MAX_BITS = 52
"""The widest packed state: the search sorts a successor's key with its index (at least
12 bits) in one 64-bit word."""


class LayoutError(TidegateError, ValueError):
    """Raised when bounds need more than 64 bits per packed state; names the bounds."""


class PackError(ValueError):
    """Raised when a model state cannot be packed (it breaks the layout's order rules)."""


@dataclass(frozen=True)
class Layout:
    """Where each field of a packed state lives, for one set of bounds."""

    capacity: int
    cap: int
    queue_items: int
    other_items: int

    @property
    def tag_bits(self) -> int:
        """Width of the channel's tag word: C + 2 (sentinel, and room to show overfill)."""
        return self.capacity + 2

    @property
    def qmask_shift(self) -> int:
        return self.tag_bits

    @property
    def omask_shift(self) -> int:
        return self.qmask_shift + self.queue_items

    @property
    def receiver_shift(self) -> int:
        return self.omask_shift + self.other_items

    @property
    def queued_shift(self) -> int:
        return self.receiver_shift + 2

    @property
    def others_shift(self) -> int:
        return self.queued_shift + self.queue_items.bit_length()

    @property
    def bits(self) -> int:
        """Bits a packed state takes."""
        return self.others_shift + self.other_items.bit_length()

    def check(self) -> None:
        """Raise LayoutError when a packed state needs more than `MAX_BITS`."""
        if self.bits > MAX_BITS:
            raise LayoutError(
                f"C={self.capacity} NQ={self.queue_items} NO={self.other_items} needs "
                f"{self.bits} bits per packed state; the packed explorer holds at most "
                f"{MAX_BITS} "
                "(C + 2 + NQ + NO + 2 + bit lengths of NQ and NO)"
            )

    @property
    def held_mask(self) -> int:
        """The held items of a state: `(key >> qmask_shift) & held_mask`, numbered bit
        i-1 for queue item i and bit NQ+i-1 for other item 1000+i."""
        return (1 << (self.queue_items + self.other_items)) - 1


def layout_for(capacity: int, cap: int, queue_items: int, other_items: int) -> Layout:
    """The layout for these bounds; raises LayoutError when it needs more than MAX_BITS."""
    layout = Layout(capacity, cap, queue_items, other_items)
    layout.check()
    return layout


# ---- one state at a time: the bridge to the model ---------------------------------------


def encode(layout: Layout, s: Subject, queued: int, others: int) -> int:
    """The packed form of model state `s` with the counters `queued` and `others`.

    Raises PackError when `s` holds an item the counters have not submitted, an item
    twice, queue items out of order, or more than C + 1 items in the channel.
    """
    buffer, backlog = s.channel.buffer, s.queue.backlog
    if len(buffer) > layout.capacity + 1:
        raise PackError(f"channel holds {len(buffer)} items, more than capacity + 1")
    held_queue = [x for x in buffer if x < OTHER_BASE] + list(backlog)
    held_other = [x for x in buffer if x >= OTHER_BASE]
    if any(not 1 <= x <= queued for x in held_queue) or any(
        not OTHER_BASE <= x < OTHER_BASE + others for x in held_other
    ):
        raise PackError(f"state holds an item not yet submitted: {buffer} {backlog}")
    for held in (held_queue, held_other):
        if any(a >= b for a, b in itertools.pairwise(held)):
            raise PackError(f"items held out of order: {held}")
    tags = 1 << len(buffer)
    for j, x in enumerate(buffer):
        if x >= OTHER_BASE:
            tags |= 1 << j
    qmask = sum(1 << (x - 1) for x in held_queue)
    omask = sum(1 << (x - OTHER_BASE) for x in held_other)
    receiver = _RECEIVERS.index(s.channel.receiver)
    return (
        tags
        | qmask << layout.qmask_shift
        | omask << layout.omask_shift
        | receiver << layout.receiver_shift
        | queued << layout.queued_shift
        | others << layout.others_shift
    )


def decode(layout: Layout, key: int) -> tuple[Subject, int, int]:
    """The model state and counters (`queued`, `others`) that `key` packs."""
    tags = key & ((1 << layout.tag_bits) - 1)
    length = tags.bit_length() - 1
    qmask = (key >> layout.qmask_shift) & ((1 << layout.queue_items) - 1)
    omask = (key >> layout.omask_shift) & ((1 << layout.other_items) - 1)
    queue_held = [i + 1 for i in range(layout.queue_items) if qmask >> i & 1]
    other_held = [OTHER_BASE + i for i in range(layout.other_items) if omask >> i & 1]
    buffer = []
    for j in range(length):
        buffer.append(other_held.pop(0) if tags >> j & 1 else queue_held.pop(0))
    receiver = _RECEIVERS[(key >> layout.receiver_shift) & 3]
    queued = (key >> layout.queued_shift) & ((1 << layout.queue_items.bit_length()) - 1)
    others = (key >> layout.others_shift) & ((1 << layout.other_items.bit_length()) - 1)
    s = Subject(
        ChannelState(layout.capacity, tuple(buffer), receiver),
        QueueState(layout.cap, tuple(queue_held)),
    )
    return s, queued, others


def op_of(action: Action, queued: int, others: int) -> Op:
    """The model operation `action` stands for in a state with these counters."""
    if action is Action.ENQUEUE:
        return Op(OpName.ENQUEUE_OR_SEND, queued + 1)
    if action is Action.SEND:
        return Op(OpName.TRY_SEND, OTHER_BASE + others)
    return Op(_FIXED[action])


_FIXED = {
    Action.DRAIN: OpName.TRY_DRAIN_ONE,
    Action.RECV: OpName.TRY_RECV,
    Action.DROP: OpName.DROP_RECEIVER,
    Action.CLOSE: OpName.CLOSE,
}


def initial(layout: Layout) -> int:
    """The packed initial state: nothing submitted, empty channel, receiver open."""
    return encode(layout, model.new(layout.capacity, layout.cap), 0, 0)


# ---- arrays of states ---------------------------------------------------------------------


class Fields(NamedTuple):
    """The fields of an array of packed states, each as an array (counts as int64)."""

    keys: U64
    tags: U64
    length: U64
    """Items in the channel."""
    channel_queue: npt.NDArray[np.int64]
    """Queue items in the channel."""
    qmask: U64
    omask: U64
    receiver: U64
    queued: U64
    others: U64
    backlog: npt.NDArray[np.int64]
    """Items in the backlog (held queue items less those in the channel)."""
    backlog_mask: U64
    """`qmask` less the channel's queue items (its `channel_queue` lowest bits): the
    backlog's items."""


class Tables(NamedTuple):
    length: U64
    others: npt.NDArray[np.int64]


def tables(layout: Layout) -> Tables:
    """Per tag word: the channel's length and how many of its items are other items."""
    words = range(1 << layout.tag_bits)
    length = [max(w.bit_length() - 1, 0) for w in words]
    others = [max(w.bit_count() - 1, 0) for w in words]
    return Tables(np.array(length, dtype=np.uint64), np.array(others, dtype=np.int64))


def fields(layout: Layout, tab: Tables, keys: U64) -> Fields:
    """Every field of `keys` unpacked, as arrays."""
    tags = keys & np.uint64((1 << layout.tag_bits) - 1)
    length = tab.length[tags]
    channel_queue = length.astype(np.int64) - tab.others[tags]
    qmask = (keys >> np.uint64(layout.qmask_shift)) & np.uint64((1 << layout.queue_items) - 1)
    omask = (keys >> np.uint64(layout.omask_shift)) & np.uint64((1 << layout.other_items) - 1)
    receiver = (keys >> np.uint64(layout.receiver_shift)) & np.uint64(3)
    queued = (keys >> np.uint64(layout.queued_shift)) & np.uint64(
        (1 << layout.queue_items.bit_length()) - 1
    )
    others = (keys >> np.uint64(layout.others_shift)) & np.uint64(
        (1 << layout.other_items.bit_length()) - 1
    )
    backlog = np.bitwise_count(qmask).astype(np.int64) - channel_queue
    backlog_mask = qmask
    for j in range(int(channel_queue.max(initial=0))):
        backlog_mask = np.where(
            channel_queue > j, backlog_mask & (backlog_mask - _ONE), backlog_mask
        )
    return Fields(
        keys,
        tags,
        length,
        channel_queue,
        qmask,
        omask,
        receiver,
        queued,
        others,
        backlog,
        backlog_mask,
    )


class Moves(NamedTuple):
    """One action applied to every state of an array.

    `enabled` says where the action is a transition; elsewhere `after` and `answer`
    are meaningless. The item sets are bit masks in the layout's `qmask`/`omask`
    numbering of `Layout.held`: what the step accepted (`gained`), handed to the
    receiver (`received`) and discarded (`discarded`).
    """

    action: Action
    enabled: Mask
    after: U64
    answer: npt.NDArray[np.uint8]
    gained: U64
    received: U64
    discarded: U64


def _lowest(mask: U64) -> U64:
    """The lowest set bit of each mask (0 for 0)."""
    return mask & (~mask + _ONE)


def successors(layout: Layout, f: Fields, action: Action) -> Moves:
    """`action` applied to every state in `f`, with the rules of `tidegate.model.subject`."""
    n = len(f.keys)
    zero = np.zeros(n, dtype=np.uint64)
    answer = np.zeros(n, dtype=np.uint8)
    is_open = f.receiver == 0
    free = f.length < np.uint64(layout.capacity)
    qs, nq = np.uint64(layout.qmask_shift), np.uint64(layout.queue_items)
    gained = received = discarded = zero
    if action is Action.ENQUEUE:
        enabled = f.queued < np.uint64(layout.queue_items)
        pending = f.backlog > 0
        at_cap = f.backlog >= layout.cap
        queue_full = at_cap & (pending | (is_open & ~free))
        closed = ~pending & ~is_open
        to_channel = ~pending & is_open & free
        accepted = ~queue_full & ~closed
        answer[queue_full] = Code.QUEUE_FULL
        answer[closed] = Code.CLOSED
        gained = np.where(accepted, _ONE << f.queued, zero)
        after = f.keys + np.uint64(1 << layout.queued_shift) + (gained << qs)
        after += np.where(to_channel, _ONE << f.length, zero)
    elif action is Action.DRAIN:
        enabled = np.ones(n, dtype=np.bool_)
        pending = f.backlog > 0
        sent = pending & is_open & free
        closed = pending & ~is_open
        answer[:] = Code.OK_FALSE
        answer[sent] = Code.OK_TRUE
        answer[closed] = Code.CLOSED
        discarded = np.where(closed, _lowest(f.backlog_mask), zero)
        after = f.keys + np.where(sent, _ONE << f.length, zero) - (discarded << qs)
    elif action is Action.SEND:
        enabled = f.others < np.uint64(layout.other_items)
        sent = is_open & free
        answer[~is_open] = Code.CLOSED
        answer[is_open & ~free] = Code.FULL
        gained = np.where(sent, _ONE << (f.others + nq), zero)
        after = f.keys + np.uint64(1 << layout.others_shift) + (gained << qs)
        after += np.where(sent, np.uint64(2) << f.length, zero)
    elif action is Action.RECV:
        enabled = f.receiver != 2
        item = f.length > 0
        other = item & ((f.tags & _ONE) == _ONE)
        answer[:] = Code.EMPTY
        answer[item] = Code.ITEM
        received = np.where(other, _lowest(f.omask) << nq, zero)
        received |= np.where(item & ~other, _lowest(f.qmask), zero)
        tag_mask = np.uint64((1 << layout.tag_bits) - 1)
        shifted = (f.keys & ~tag_mask) | (f.tags >> _ONE)
        after = np.where(item, shifted - (received << qs), f.keys)
    elif action is Action.DROP:
        enabled = f.receiver != 2
        discarded = (f.qmask ^ f.backlog_mask) | (f.omask << nq)
        tag_mask = np.uint64((1 << layout.tag_bits) - 1)
        after = ((f.keys & ~tag_mask) | _ONE) - (discarded << qs)
        after += (np.uint64(2) - f.receiver) << np.uint64(layout.receiver_shift)
    else:
        enabled = is_open
        after = f.keys + np.uint64(1 << layout.receiver_shift)
    return Moves(action, enabled, after, answer, gained, received, discarded)
