"""The model's rules, one sentence each, and how to spot each in a trace.

`RULES` is what PORTING.md lists: every rule with a predicate over one step
(the state before, the operation, the answer, the state after). `showing(rule,
traces)` finds the recordings in which a step obeys the rule, so the guide
can cite, for each sentence, a recording of the seed on real tokio that shows it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from tidegate import model
from tidegate.model import (
    CLOSED,
    EMPTY,
    FULL,
    OK,
    QUEUE_FULL,
    Answer,
    Ok,
    Op,
    OpName,
    ReceiverState,
    TaskOp,
)
from tidegate.proofs.protocol.traces import Trace

S = model.Subject
Spot = Callable[[S, Op | TaskOp, Answer, S], bool]

E, D, T, R = OpName.ENQUEUE_OR_SEND, OpName.TRY_DRAIN_ONE, OpName.TRY_SEND, OpName.TRY_RECV


def _full(s: S) -> bool:
    return s.channel.free_slots == 0


def _open(s: S) -> bool:
    return s.channel.receiver is ReceiverState.OPEN


@dataclass(frozen=True)
class Rule:
    """One sentence of the specification and a step predicate that shows it."""

    key: str
    sentence: str
    spot: Spot


RULES: tuple[Rule, ...] = (
    Rule(
        "send-direct",
        "With an empty backlog and a free slot, `enqueue_or_send` puts the item "
        "in the channel and answers ok; the backlog stays empty.",
        lambda b, o, a, n: (
            o.name is E
            and not b.queue.backlog
            and a == OK
            and len(n.channel.buffer) > len(b.channel.buffer)
        ),
    ),
    Rule(
        "spill",
        "With an empty backlog and a full channel, `enqueue_or_send` spills the item "
        "into the backlog and answers ok (cap >= 1).",
        lambda b, o, a, n: o.name is E and not b.queue.backlog and _full(b) and a == OK,
    ),
    Rule(
        "cap-zero",
        "With cap 0 the queue never spills: a full channel makes "
        "`enqueue_or_send` answer QueueFull.",
        lambda b, o, a, n: o.name is E and b.queue.cap == 0 and _full(b) and a == QUEUE_FULL,
    ),
    Rule(
        "order",
        "While the backlog is non-empty, `enqueue_or_send` appends to it without "
        "touching the channel, even when the channel has free slots (no reordering).",
        lambda b, o, a, n: (
            o.name is E and bool(b.queue.backlog) and not _full(b) and _open(b) and a == OK
        ),
    ),
    Rule(
        "queue-full",
        "A backlog at cap makes `enqueue_or_send` answer QueueFull, even while "
        "the channel has free slots; nothing changes.",
        lambda b, o, a, n: o.name is E and a == QUEUE_FULL and not _full(b),
    ),
    Rule(
        "ok-on-closed",
        "With a non-empty backlog, `enqueue_or_send` answers ok on a closed "
        "channel: closure surfaces only at the next `try_drain_one`.",
        lambda b, o, a, n: o.name is E and bool(b.queue.backlog) and not _open(b) and a == OK,
    ),
    Rule(
        "closed",
        "With an empty backlog, `enqueue_or_send` on a closed channel answers "
        "Closed and keeps nothing.",
        lambda b, o, a, n: o.name is E and not b.queue.backlog and a == CLOSED,
    ),
    Rule(
        "drain-empty",
        "`try_drain_one` on an empty backlog answers ok false without touching the channel.",
        lambda b, o, a, n: o.name is D and not b.queue.backlog and a == Ok(False),
    ),
    Rule(
        "drain-sent",
        "`try_drain_one` moves the backlog's front item into a channel with a "
        "free slot and answers ok true.",
        lambda b, o, a, n: o.name is D and a == Ok(True),
    ),
    Rule(
        "drain-full",
        "`try_drain_one` into a full channel answers ok false and leaves the "
        "item at the front of the backlog.",
        lambda b, o, a, n: o.name is D and bool(b.queue.backlog) and a == Ok(False),
    ),
    Rule(
        "drain-closed",
        "`try_drain_one` into a closed channel answers Closed and discards "
        "the front item; the rest of the backlog stays.",
        lambda b, o, a, n: o.name is D and a == CLOSED,
    ),
    Rule(
        "closed-beats-full",
        "A send on a channel that is closed and full answers Closed, not Full.",
        lambda b, o, a, n: o.name is T and _full(b) and not _open(b) and a == CLOSED,
    ),
    Rule(
        "full",
        "`try_send` on a full, open channel answers Full.",
        lambda b, o, a, n: o.name is T and a == FULL,
    ),
    Rule(
        "competition",
        "The other producer's `try_send` can take a free slot while the backlog waits for it.",
        lambda b, o, a, n: o.name is T and bool(b.queue.backlog) and a == OK,
    ),
    Rule(
        "recv-frees",
        "`try_recv` returns the oldest item and frees its slot: `capacity` rises by one.",
        lambda b, o, a, n: (
            o.name is R and isinstance(a, Ok) and n.channel.free_slots == b.channel.free_slots + 1
        ),
    ),
    Rule(
        "recv-after-close",
        "After `close`, buffered items are still received.",
        lambda b, o, a, n: (
            o.name is R and isinstance(a, Ok) and b.channel.receiver is ReceiverState.CLOSED
        ),
    ),
    Rule(
        "empty-after-close",
        "`try_recv` on a closed, emptied channel answers Empty, not "
        "Disconnected (tokio 1.24.2: senders are still alive).",
        lambda b, o, a, n: (
            o.name is R and a == EMPTY and b.channel.receiver is ReceiverState.CLOSED
        ),
    ),
    Rule(
        "close-keeps-capacity",
        "`close` leaves `capacity` as it was: it counts free slots, "
        "buffered items still hold theirs.",
        lambda b, o, a, n: (
            o.name is OpName.CAPACITY
            and not _open(b)
            and b.channel.receiver is ReceiverState.CLOSED
            and bool(b.channel.buffer)
        ),
    ),
    Rule(
        "drop-frees",
        "After `drop_receiver` the buffered items are gone, `capacity` reports "
        "every slot free, and sends answer Closed.",
        lambda b, o, a, n: (
            o.name is OpName.CAPACITY
            and b.channel.receiver is ReceiverState.DROPPED
            and a == Ok(b.channel.capacity)
        ),
    ),
)


def showing(rule: Rule, traces: Iterable[Trace]) -> list[str]:
    """Ids of the traces with a step that shows `rule`, shortest first."""
    found = []
    for trace in traces:
        state = model.new(trace.capacity, trace.cap)
        for step in trace.steps:
            after = model.apply(state, step.op).state
            if rule.spot(state, step.op, step.result, after):
                found.append((len(trace.steps), trace.id))
                break
            state = after
    return [trace_id for _, trace_id in sorted(found)]
