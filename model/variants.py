"""Our variants of the queue (not the seed's): the operations they change, as total functions.

The seed's rules (`tidegate.model.subject`) stay the reference. The protocol
explorer found that the seed can disconnect a peer while the channel has room,
because `enqueue_or_send` never looks at the channel while the backlog is
non-empty, and that a notification drains only one item even when several
receives coalesced into it. These variants answer those findings:

- DRAIN_FIRST: `enqueue_or_send` first moves as much of the backlog into the
  channel as fits, then behaves as the seed's. QueueFull therefore means the
  channel is full too. On a closed channel it refuses the new item (Closed) and
  keeps the backlog intact instead of discarding an item.
- DRAIN_FIRST_ALL: DRAIN_FIRST, and a notification drains until the channel is
  full or the backlog empty (`drain_all`), instead of one `try_drain_one`.
"""

from __future__ import annotations

import enum
from dataclasses import replace

# QUEUE_FULL is read by the CrossHair contracts in docstrings.
from tidegate.model.answers import CLOSED, FULL, QUEUE_FULL, Ok  # noqa: F401
from tidegate.model.channel import channel_try_send
from tidegate.model.errors import require_item
from tidegate.model.subject import Subject, Transition, enqueue_or_send, try_drain_one


class Variant(enum.Enum):
    """Which rules the queue and the reader follow. SEED is the reference."""

    SEED = "seed"
    DRAIN_FIRST = "drain-first"
    DRAIN_FIRST_ALL = "drain-first-all"

    @property
    def drain_all(self) -> bool:
        """True when a notification drains every item that fits, not one."""
        return self is Variant.DRAIN_FIRST_ALL


def enqueue_or_send_drain_first(s: Subject, item: int) -> Transition:
    """DRAIN_FIRST's `enqueue_or_send`: drain what fits, then the seed's rule.

    - channel closed (and backlog non-empty): Closed; nothing changes (the item
      is refused, the backlog kept);
    - otherwise the backlog's front items move into the channel while it has
      room, and the seed's `enqueue_or_send` runs on the result.

    pre: -(2**63) <= item < 2**63
    post: __return__.discarded == ()
    post: __return__.answer != QUEUE_FULL or __return__.state.channel.free_slots == 0
    post: (__return__.state.channel.buffer + __return__.state.queue.backlog)[: len(s.channel.buffer + s.queue.backlog)] == s.channel.buffer + s.queue.backlog
    """
    item = require_item(item)
    channel, backlog = s.channel, s.queue.backlog
    while backlog:
        moved, answer = channel_try_send(channel, backlog[0])
        if answer == FULL:
            break
        if answer == CLOSED:
            return Transition(s, CLOSED)
        channel, backlog = moved, backlog[1:]
    drained = s.with_parts(channel, replace(s.queue, backlog=backlog))
    return enqueue_or_send(drained, item)


def drain_all(s: Subject) -> Transition:
    """DRAIN_FIRST_ALL's answer to a notification: `try_drain_one` until it answers
    ok false or Closed. The answer is ok with the number of items moved, or Closed
    (the discarded front item in `discarded`, as the seed's `try_drain_one`).

    post: __return__.state.channel.free_slots == 0 or not __return__.state.queue.has_pending or __return__.answer == CLOSED
    """
    moved = 0
    while True:
        t = try_drain_one(s)
        if t.answer == CLOSED:
            return Transition(t.state, CLOSED, t.discarded)
        if t.answer != Ok(True):
            return Transition(t.state, Ok(moved))
        s, moved = t.state, moved + 1
