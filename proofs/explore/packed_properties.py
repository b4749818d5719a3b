"""The property catalogue as predicates over arrays of packed states and moves.

Each entry of `tidegate.proofs.explore.properties.CATALOGUE` has its array form here, under the
same name: `STATE[name]` maps the fields of an array of states to where the statement
fails; `STEP[name]` maps an array of states and one action's moves to where the
statement fails. They say what the model-object predicates say, in the packed layout
of `tidegate.proofs.explore.packed`; `tests/test_fast_explore.py` holds both forms to the same
verdicts.

One statement is held by the layout itself rather than computed: the queue's items
held in channel-then-backlog order (the state half of `order`). A packed state stores
the set of held items, so it cannot express them out of order; `packed.encode` refuses
such a model state, and the tests hold the packed step equal to the model's.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tidegate.proofs.explore.packed import U64, Action, Code, Fields, Layout, Mask, Moves

StatePredicate = Callable[[Layout, Fields], Mask]
StepPredicate = Callable[[Layout, Fields, Moves], Mask]

_ONE = np.uint64(1)


def _held(layout: Layout, keys: U64) -> U64:
    return (keys >> np.uint64(layout.qmask_shift)) & np.uint64(layout.held_mask)


def _bool(mask: object) -> Mask:
    """`mask` typed as the boolean array it is (numpy's comparisons type as Any)."""
    return np.asarray(mask, dtype=np.bool_)


def backlog_beyond_cap(layout: Layout, f: Fields) -> Mask:
    """Where the backlog holds more than cap items."""
    return f.backlog > layout.cap


def channel_beyond_capacity(layout: Layout, f: Fields) -> Mask:
    """Where the channel buffers more than its capacity."""
    return f.length > np.uint64(layout.capacity)


def queue_full_not_at_cap(layout: Layout, f: Fields, m: Moves) -> Mask:
    """QueueFull answered with the backlog below cap, or with the state changed."""
    if m.action is not Action.ENQUEUE:
        return np.zeros(len(f.keys), dtype=np.bool_)
    unchanged = m.after == f.keys + np.uint64(1 << layout.queued_shift)
    qf = m.answer == Code.QUEUE_FULL
    return _bool(qf & ((f.backlog < layout.cap) | ~unchanged))


def received_out_of_order(layout: Layout, f: Fields, m: Moves) -> Mask:
    """A queue item received while a smaller queue item is still held."""
    if m.action is not Action.RECV:
        return np.zeros(len(f.keys), dtype=np.bool_)
    # Queue items are the held mask's low NQ bits: a held queue item below the one
    # received is a held bit below it.
    queue_item = (m.received != 0) & (m.received < np.uint64(1 << layout.queue_items))
    return _bool(queue_item & ((_held(layout, m.after) & (m.received - _ONE)) != 0))


def silent_loss(layout: Layout, f: Fields, m: Moves) -> Mask:
    """Held items before plus the one accepted differ from held items after plus the
    one received plus the ones discarded; or items discarded by an operation other
    than drop_receiver or a Closed try_drain_one."""
    before, after = _held(layout, f.keys), _held(layout, m.after)
    count = np.bitwise_count
    # The same set on both sides, and sizes that add up: so no item is in two places
    # (or counted twice), and none is lost.
    bad = (before | m.gained) != (after | m.received | m.discarded)
    bad |= count(before) + count(m.gained) != count(after) + count(m.received) + count(m.discarded)
    discards = m.discarded != 0
    if m.action is Action.DRAIN:
        bad |= discards & (m.answer != Code.CLOSED)
    elif m.action is not Action.DROP:
        bad |= discards
    return _bool(bad)


def queue_full_with_room(layout: Layout, f: Fields, m: Moves) -> Mask:
    """QueueFull answered while the channel had a free slot and the receiver was open."""
    if m.action is not Action.ENQUEUE:
        return np.zeros(len(f.keys), dtype=np.bool_)
    room = (f.length < np.uint64(layout.capacity)) & (f.receiver == 0)
    return _bool((m.answer == Code.QUEUE_FULL) & room)


def lost_to_closed_drain(layout: Layout, f: Fields, m: Moves) -> Mask:
    """try_drain_one answered Closed (it discarded an accepted item)."""
    if m.action is not Action.DRAIN:
        return np.zeros(len(f.keys), dtype=np.bool_)
    return _bool(m.answer == Code.CLOSED)


def ok_while_not_open(layout: Layout, f: Fields, m: Moves) -> Mask:
    """enqueue_or_send answered ok while the receiver was closed or dropped."""
    if m.action is not Action.ENQUEUE:
        return np.zeros(len(f.keys), dtype=np.bool_)
    return _bool((m.answer == Code.OK) & (f.receiver != 0))


STATE: dict[str, StatePredicate] = {
    "backlog_within_cap": backlog_beyond_cap,
    "channel_within_capacity": channel_beyond_capacity,
}
"""State statements, by catalogue name: where each fails."""

STEP: dict[str, StepPredicate] = {
    "queue_full_only_at_cap": queue_full_not_at_cap,
    "order": received_out_of_order,
    "no_silent_loss": silent_loss,
    "queue_full_means_no_room": queue_full_with_room,
    "accepted_never_lost_to_closed_drain": lost_to_closed_drain,
    "ok_only_while_open": ok_while_not_open,
}
"""Transition statements, by catalogue name: where each fails."""
