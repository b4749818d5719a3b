"""The whole test subject: one channel, one queue sending into it, one other producer.

Each v1 operation of PROTOCOL.md is one total function here (the v2 task
operations are in `tidegate.model.tasks`): it takes a `Subject` (and the
operation's argument) and returns a `Transition` — the new subject, the answer,
and the items the step discarded. Nothing is mutated; the same inputs always
give the same outputs.

The queue's rules, the surprising ones first:

1. While the backlog is non-empty, `enqueue_or_send` never touches the
   channel: it appends (answers ok) or, at cap, refuses (QueueFull). So it
   answers ok even on a closed channel, and QueueFull even when the channel
   has free slots.
2. With an empty backlog it tries the channel: ok if sent; Closed if the
   receiver closed or dropped (closure beats fullness); if the channel is full
   it spills the item into the backlog (ok), or answers QueueFull when cap is 0.
3. `try_drain_one` pops the backlog's front and tries the channel: sent
   (ok true); full, so the item goes back to the front (ok false); closed,
   so the item is discarded and the answer is Closed. An empty backlog
   answers ok false without touching the channel.
4. A refused item (QueueFull, Closed from enqueue_or_send) was never accepted;
   the caller holds it. An item accepted with ok is lost only to
   `drop_receiver` (from the buffer) or to a Closed `try_drain_one`.
5. A slot reserved for a parked `send` task (v2) is taken for the queue too:
   with no other slot free, `enqueue_or_send` spills (or answers QueueFull)
   and `try_drain_one` answers ok false, although nothing more is buffered.

A subject that never started a task (only v1 operations, or a v1 trace) has no
parked send, no pending receive, an empty Notify and `last_task` 0, so it is
equal, hash included, to `Subject(channel, queue)`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

# DISCONNECTED, EMPTY and ReceiverState are named only by the contracts, which CrossHair
# evaluates in this module's namespace.
from tidegate.model.answers import (
    CLOSED,
    DISCONNECTED,  # noqa: F401
    EMPTY,  # noqa: F401
    FULL,
    OK,
    QUEUE_FULL,
    Answer,
    Ok,
)
from tidegate.model.channel import (
    ChannelState,
    ReceiverState,  # noqa: F401
    channel_close,
    channel_drop_receiver,
    channel_try_recv,
    channel_try_send,
)
from tidegate.model.errors import require_int, require_item
from tidegate.model.notify import IDLE_NOTIFY, NotifyState
from tidegate.model.queue import QueueState


@dataclass(frozen=True)
class Subject:
    """The channel, the queue and the subject's Notify together, as one immutable value.

    `channel` holds the parked `send` tasks too; `receives` are the pending
    `recv` tasks, oldest first; `last_task` is the id of the last task answered
    pending (0 before any), so the next one gets `last_task + 1`. Besides its
    parts' invariants (the backlog within cap, the buffer within capacity,
    nothing buffered once dropped, one permit), every pending task has one id
    of its own, given out already.

    inv: self.last_task >= 0
    inv: all(1 <= t <= self.last_task for t in self.task_ids)
    inv: len(set(self.task_ids)) == len(self.task_ids)
    """

    channel: ChannelState
    queue: QueueState
    notify: NotifyState = IDLE_NOTIFY
    receives: tuple[int, ...] = ()
    last_task: int = 0

    @property
    def task_ids(self) -> tuple[int, ...]:
        """Every pending task's id: parked sends, pending receives, Notify waiters."""
        return (
            tuple(p.task for p in self.channel.waiting + self.channel.reserved)
            + self.receives
            + self.notify.waiters
            + self.notify.picked
        )

    def with_channel(self, channel: ChannelState) -> Subject:
        """This subject with `channel` in place of its channel, everything else kept."""
        return Subject(channel, self.queue, self.notify, self.receives, self.last_task)

    def with_parts(self, channel: ChannelState, queue: QueueState) -> Subject:
        """This subject with `channel` and `queue` in place of its own, tasks kept."""
        return Subject(channel, queue, self.notify, self.receives, self.last_task)


class Transition(NamedTuple):
    """What one operation did: the `state` after it, its `answer`, and the
    items it `discarded` (accepted earlier, now gone for good)."""

    state: Subject
    answer: Answer
    discarded: tuple[int, ...] = ()


def new(capacity: int, cap: int) -> Subject:
    """A fresh subject: empty channel of `capacity` slots, receiver open, empty backlog.

    Raises ModelTypeError if either is not an int (bools refused), and
    ModelValueError if `capacity` < 1 or `cap` < 0.

    pre: capacity >= 1 and cap >= 0
    post: __return__ == Subject(ChannelState(capacity, (), ReceiverState.OPEN), QueueState(cap, ()))
    """
    capacity = require_int("capacity", capacity, minimum=1)
    cap = require_int("cap", cap, minimum=0)
    return Subject(ChannelState(capacity), QueueState(cap))


def enqueue_or_send(s: Subject, item: int) -> Transition:
    """The queue's `enqueue_or_send(tx, item)`.

    - backlog non-empty and at cap: QueueFull; nothing changes (channel untouched);
    - backlog non-empty, below cap: item appended to the backlog; ok (channel
      untouched, even if closed or with free slots);
    - backlog empty, channel accepts: item buffered; ok;
    - backlog empty, channel closed or dropped: Closed; nothing changes;
    - backlog empty, channel full, cap 0: QueueFull; nothing changes;
    - backlog empty, channel full, cap >= 1: item becomes the backlog; ok.

    "Full" means no free slot: a slot reserved for a parked send is not free,
    so the item spills (or is refused) while the buffer has room for it.

    Raises ModelTypeError / ModelValueError if `item` is not a signed 64-bit int.

    pre: -(2**63) <= item < 2**63
    post: __return__.answer in (OK, QUEUE_FULL, CLOSED)
    post: (__return__.answer == QUEUE_FULL) == (s.queue.at_cap and (s.queue.has_pending or (s.channel.free_slots == 0 and not s.channel.is_closed)))
    post: (__return__.answer == CLOSED) == (not s.queue.has_pending and s.channel.is_closed)
    post: __return__.answer == OK or __return__.state == s
    post: __return__.answer != OK or (__return__.state.queue.backlog, __return__.state.channel.buffer) in ((s.queue.backlog + (item,), s.channel.buffer), (s.queue.backlog, s.channel.buffer + (item,)))
    post: (__return__.state.channel.buffer == s.channel.buffer + (item,)) == (not s.queue.has_pending and s.channel.free_slots > 0 and not s.channel.is_closed)
    post: not s.queue.has_pending or __return__.state.channel == s.channel
    post: (__return__.state.queue.cap, __return__.state.channel.receiver, __return__.state.channel.parked, __return__.state.notify, __return__.state.receives, __return__.state.last_task) == (s.queue.cap, s.channel.receiver, s.channel.parked, s.notify, s.receives, s.last_task)
    post: __return__.discarded == ()
    """
    item = require_item(item)
    q = s.queue
    if q.has_pending:
        if q.at_cap:
            return Transition(s, QUEUE_FULL)
        return Transition(s.with_parts(s.channel, QueueState(q.cap, q.backlog + (item,))), OK)
    channel, answer = channel_try_send(s.channel, item)
    if answer == OK:
        return Transition(s.with_channel(channel), OK)
    if answer == FULL:
        if q.at_cap:
            return Transition(s, QUEUE_FULL)
        return Transition(s.with_parts(s.channel, QueueState(q.cap, (item,))), OK)
    return Transition(s, CLOSED)


def try_drain_one(s: Subject) -> Transition:
    """The queue's `try_drain_one(tx)`: move the backlog's front into the channel.

    - backlog empty: ok false; nothing changes (channel untouched);
    - channel accepts: the front item moves to the channel's back; ok true;
    - channel full (no free slot; a reserved one is not free): the item stays
      at the backlog's front; ok false;
    - channel closed or dropped: the front item is discarded (reported in
      `discarded`); Closed. The rest of the backlog stays.

    post: __return__.answer in (Ok(True), Ok(False), CLOSED)
    post: (__return__.answer == Ok(True)) == (s.queue.has_pending and s.channel.free_slots > 0 and not s.channel.is_closed)
    post: (__return__.answer == CLOSED) == (s.queue.has_pending and s.channel.is_closed)
    post: __return__.answer != Ok(True) or (__return__.state.channel.buffer, __return__.state.queue.backlog) == (s.channel.buffer + s.queue.backlog[:1], s.queue.backlog[1:])
    post: __return__.answer != Ok(False) or __return__.state == s
    post: __return__.answer != CLOSED or (__return__.discarded, __return__.state.queue.backlog, __return__.state.channel) == (s.queue.backlog[:1], s.queue.backlog[1:], s.channel)
    post: __return__.answer == CLOSED or __return__.discarded == ()
    post: len(__return__.state.queue.backlog) + len(__return__.state.channel.buffer) + len(__return__.discarded) == len(s.queue.backlog) + len(s.channel.buffer)
    post: (__return__.state.queue.cap, __return__.state.channel.receiver, __return__.state.channel.parked, __return__.state.notify, __return__.state.receives, __return__.state.last_task) == (s.queue.cap, s.channel.receiver, s.channel.parked, s.notify, s.receives, s.last_task)
    """
    q = s.queue
    if not q.has_pending:
        return Transition(s, Ok(False))
    front, rest = q.backlog[0], q.backlog[1:]
    channel, answer = channel_try_send(s.channel, front)
    if answer == OK:
        return Transition(s.with_parts(channel, QueueState(q.cap, rest)), Ok(True))
    if answer == FULL:
        return Transition(s, Ok(False))
    return Transition(s.with_parts(s.channel, QueueState(q.cap, rest)), CLOSED, (front,))


def try_send(s: Subject, item: int) -> Transition:
    """The other producer's `try_send(item)` on its own clone of the sender.

    Closed if the receiver closed or dropped (even when full); Full if no slot
    is free (a slot reserved for a parked send is not); otherwise the item is
    buffered and the answer is ok. The queue is never involved: the other
    producer can take the slot a backlog waits for.

    pre: -(2**63) <= item < 2**63
    post: __return__.answer in (OK, FULL, CLOSED)
    post: (__return__.answer == CLOSED) == s.channel.is_closed
    post: (__return__.answer == FULL) == (s.channel.free_slots == 0 and not s.channel.is_closed)
    post: __return__.state.channel.buffer == (s.channel.buffer + (item,) if __return__.answer == OK else s.channel.buffer)
    post: __return__.answer == OK or __return__.state == s
    post: (__return__.state.queue, __return__.state.channel.receiver, __return__.state.channel.parked, __return__.state.notify, __return__.state.receives, __return__.state.last_task) == (s.queue, s.channel.receiver, s.channel.parked, s.notify, s.receives, s.last_task)
    post: __return__.discarded == ()
    """
    item = require_item(item)
    channel, answer = channel_try_send(s.channel, item)
    return Transition(s.with_channel(channel), answer)


def try_recv(s: Subject) -> Transition:
    """The receiver's `try_recv()`: see `channel_try_recv` for every case.

    A slot reserved for a parked send holds no item: `try_recv` does not see
    it. The slot a receive frees goes to the longest-waiting parked send (it
    is reserved, not filled), else it is free.

    post: (__return__.answer == DISCONNECTED) == (s.channel.receiver == ReceiverState.DROPPED)
    post: (__return__.answer == EMPTY) == (not s.channel.buffer and s.channel.receiver != ReceiverState.DROPPED)
    post: not isinstance(__return__.answer, Ok) or (__return__.answer.value, __return__.state.channel.buffer) == (s.channel.buffer[0], s.channel.buffer[1:])
    post: isinstance(__return__.answer, Ok) or __return__.state == s
    post: not isinstance(__return__.answer, Ok) or __return__.state.channel.free_slots == s.channel.free_slots + (0 if s.channel.receiver == ReceiverState.OPEN and s.channel.waiting else 1)
    post: (__return__.state.queue, __return__.state.channel.receiver, __return__.state.notify, __return__.state.receives, __return__.state.last_task) == (s.queue, s.channel.receiver, s.notify, s.receives, s.last_task)
    post: __return__.discarded == ()
    """
    channel, answer = channel_try_recv(s.channel)
    return Transition(s.with_channel(channel), answer)


def close(s: Subject) -> Transition:
    """The receiver's `close()`: answers ok; see `channel_close`.

    Every parked send fails at its next poll, also one holding a reserved slot
    (that slot stays taken until then).

    post: (__return__.answer, __return__.discarded) == (OK, ())
    post: __return__.state.channel.receiver == (ReceiverState.CLOSED if s.channel.receiver == ReceiverState.OPEN else s.channel.receiver)
    post: (__return__.state.queue, __return__.state.channel.buffer, __return__.state.channel.parked, __return__.state.notify, __return__.state.receives, __return__.state.last_task) == (s.queue, s.channel.buffer, s.channel.parked, s.notify, s.receives, s.last_task)
    post: __return__.state.channel.free_slots == s.channel.free_slots
    """
    return Transition(s.with_channel(channel_close(s.channel)), OK)


def drop_receiver(s: Subject) -> Transition:
    """The receiver goes away: answers ok; the buffered items are discarded.

    Their slots read free at once; a slot reserved for a parked send stays
    taken until that send is polled (it answers Closed) or cancelled.

    post: (__return__.answer, __return__.discarded) == (OK, s.channel.buffer)
    post: __return__.state == s.with_channel(ChannelState(s.channel.capacity, (), ReceiverState.DROPPED, s.channel.waiting, s.channel.reserved))
    """
    channel, lost = channel_drop_receiver(s.channel)
    return Transition(s.with_channel(channel), OK, lost)


def has_pending(s: Subject) -> Transition:
    """ok true while the backlog holds an item; changes nothing.

    post: __return__ == (s, Ok(len(s.queue.backlog) > 0), ())
    """
    return Transition(s, Ok(s.queue.has_pending))


def backlog_len(s: Subject) -> Transition:
    """The protocol's `len`: ok with the backlog's length; changes nothing.

    post: __return__ == (s, Ok(len(s.queue.backlog)), ())
    post: 0 <= __return__.answer.value <= s.queue.cap
    """
    return Transition(s, Ok(len(s.queue.backlog)))


def capacity(s: Subject) -> Transition:
    """ok with the channel's free slots (`ChannelState.free_slots`); changes nothing.

    A slot reserved for a parked send is not counted: it is taken, though no
    item is in it.

    post: __return__ == (s, Ok(s.channel.capacity - len(s.channel.buffer) - len(s.channel.reserved)), ())
    post: 0 <= __return__.answer.value <= s.channel.capacity
    """
    return Transition(s, Ok(s.channel.free_slots))
