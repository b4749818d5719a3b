"""The protocol between the tasks, as a pure state machine: who can run, and what one step does.

The operation-level `Subject` (channel + backlog) is extended with the drain
Notify's permit and with where each task stands in its loop:

- W, the wire: puts its next item into the reader's socket buffer, one per
  step, then the end of stream (EOF);
- R, the reader: waits on two things at once, the next wire item and the drain
  notification. Each wait, once complete, joins the reader's inbox in the order
  it completed. A reader step handles every inbox entry in order (an item goes
  through `enqueue_or_send`, a notification through one `try_drain_one`), then
  re-arms the waits it used. Arming the notification is a `notified` on the
  drain Notify (`tidegate.model.notify`): it takes a stored permit at once (the
  wait completes), else the reader waits (task `READER_WAIT`) until picked.
  QueueFull ends it (DISCONNECT), Closed too (SHUTDOWN); after EOF it answers
  notifications until the backlog is empty (EOF). When it ends, its wait is
  cancelled and its sender is dropped;
- C, the consumer: one step receives one item, pings (`notify_one`: picks the
  waiting reader, whose wait completes at once, else stores the single permit;
  a stored permit absorbs the ping) and yields. With an empty channel it parks
  until an item arrives or every sender is gone (end of stream). The slot a
  receive frees is reserved for the longest-parked producer, not filled
  (`tidegate.model.parked`): until that producer runs again the slot is taken
  but empty, so the consumer may park and the backlog's `try_drain_one` finds
  no room. With `stop_after`, once it has received that many it drops the
  receiver (the buffer is discarded; parked producers fail at their next step);
- P1.., the other producers: `send().await` on clones of the sender (producer
  i's parked send is task `producer_task(i)` of the channel). A send with a free
  slot buffers and yields; otherwise the producer parks. A parked producer can
  run again once a slot is reserved for it (its item then joins the buffer) or
  the receiver is closed or gone (its send fails; a reserved slot is freed, and
  a consumer draining a closed channel that was waiting for that slot ends).

- E, S, X, the fault steps (each at most once in a run, when `start` enables it):
  the consumer's next step with something gone wrong. E: the processing of the
  item it last received raises; the item is recorded as failed (its ping went out
  before processing began) and the step goes on as C's. S: between two items, the
  consumer stops (as with `stop_after`). X: between two items, the consumer closes
  its receiver (new sends fail, parked producers fail at their next step) and the
  step goes on as C's: it receives what is buffered, then the stream ends (once no
  slot is still reserved for a parked producer: until that one fails, it parks).
- KR, KC, KP1.., the cancellation steps (when `start` enables K; one of them at most
  in a run): that task is cancelled at the await it stands at (once it has started,
  until it ends), as an aborted tokio task is dropped there, and ends CANCELLED. The
  reader: its waits are cancelled (the wire items it had read but not handled are
  reported `unhandled`), its backlog is `left`, its sender dropped. The consumer: its
  receive loses nothing (recv is cancel-safe); its receiver is dropped, as when it
  stops. A producer: a parked send never delivers its item (it is `refused` with the
  rest; a slot reserved for it passes to the next parked send, or is freed), and its
  sender is dropped. A picked Notify waiter that is cancelled would pass its
  notification on (`cancel_notified`); here none can be: a picked reader's wait
  completes at once.

A step is what the task does between two of its awaits: nothing else happens
in between, as under asyncio. `runnable(s)` lists who can step; `step(s, role)`
is total: a role that cannot step leaves the state unchanged. Roles are "W",
"R", "C", "P1", "P2", ..., then the fault steps "E", "S", "X", "KR", "KC", "KP1", ....
"""

from __future__ import annotations

from dataclasses import replace

from tidegate.model.answers import CLOSED, OK, QUEUE_FULL, Ok
from tidegate.model.channel import channel_close, channel_drop_receiver
from tidegate.model.errors import ModelValueError
from tidegate.model.notify import (
    NotifyState,
    cancel_notified,
    notified,
    notify_one,
    poll_notified,
)
from tidegate.model.parked import (
    channel_cancel_send,
    channel_poll_send,
    channel_recv,
    channel_send,
)
from tidegate.model.protocol_state import (
    CANCEL,
    CLOSE,
    EOF,
    FAULTS,
    PING,
    RAISE,
    READER_WAIT,
    STOP,
    ConsumerPos,
    ConsumerState,
    InboxEntry,
    ProducerPos,
    ProducerState,
    ProtocolState,
    ReaderEnd,
    ReaderState,
    Wait,
    cancel_step,
    is_fault_step,
    producer_task,
)
from tidegate.model.subject import Subject, enqueue_or_send, new, try_drain_one
from tidegate.model.variants import Variant, drain_all, enqueue_or_send_drain_first


def start(
    capacity: int,
    cap: int,
    wire: tuple[int, ...],
    producers: tuple[tuple[int, ...], ...] = (),
    stop_after: int | None = None,
    variant: Variant = Variant.SEED,
    faults: tuple[str, ...] = (),
) -> ProtocolState:
    """Every task at the top of its loop: nothing sent, nothing armed, no permit; the
    fault steps `faults` (a subset of `FAULTS`) enabled, each for once.

    Raises ModelTypeError / ModelValueError on a bad `capacity` or `cap` (see `new`),
    ModelValueError on a fault that is not in `FAULTS` or is named twice.
    """
    unknown = [f for f in faults if f not in FAULTS]
    if unknown or len(set(faults)) != len(faults):
        raise ModelValueError(f"faults must be distinct fault steps of {FAULTS}, got {faults!r}")
    fresh = new(capacity, cap)
    return ProtocolState(
        # Task ids 1 (the reader's wait) and 2.. (the producers' sends) are taken for good.
        subject=Subject(fresh.channel, fresh.queue, last_task=producer_task(len(producers) - 1)),
        variant=variant,
        wire_todo=wire,
        consumer=ConsumerState(stop_after=stop_after),
        producers=tuple(ProducerState(todo) for todo in producers),
        senders=1 + len(producers),
        faults=tuple(f for f in FAULTS if f in faults),
    )


def roles(s: ProtocolState) -> tuple[str, ...]:
    """Every task's role in `s`, in the fixed order W, R, C, P1, P2, ... (the fault steps
    are the consumer's, not roles of their own)."""
    return ("W", "R", "C") + tuple(f"P{i + 1}" for i in range(len(s.producers)))


def runnable(s: ProtocolState) -> tuple[str, ...]:
    """The roles that can step now, in `roles` order. Empty: nothing can happen."""
    out: list[str] = []
    if not s.wire_done:
        out.append("W")
    r = s.reader
    if r.end is None and (not r.started or r.inbox):
        out.append("R")
    if s.consumer.pos is ConsumerPos.READY:
        out.append("C")
    for i, p in enumerate(s.producers):
        if p.pos is ProducerPos.READY or (p.pos is ProducerPos.PARKED and _send_woken(s, i)):
            out.append(f"P{i + 1}")
    return tuple(out) + _faults_runnable(s)


def _send_woken(s: ProtocolState, i: int) -> bool:
    """True when producer i's parked send would not be pending at its next poll."""
    ch = s.subject.channel
    return ch.is_closed or any(p.task == producer_task(i) for p in ch.reserved)


def _faults_runnable(s: ProtocolState) -> tuple[str, ...]:
    """The fault steps that can be taken now: the consumer's E while it processes an item,
    S and X between two items (before its first step, or while it processes one); then,
    while K is enabled, the cancellation of each task that stands at an await."""
    c = s.consumer
    own = tuple(f for f in s.faults if f != CANCEL)
    if c.pos is not ConsumerPos.READY:
        consumer: tuple[str, ...] = ()
    elif c.processing:
        consumer = own
    else:
        consumer = () if c.started else tuple(f for f in own if f != RAISE)
    if CANCEL not in s.faults:
        return consumer
    return consumer + tuple(cancel_step(role) for role in _cancellable(s))


def _cancellable(s: ProtocolState) -> tuple[str, ...]:
    """The roles whose task has started and not ended (it stands at an await)."""
    out: list[str] = []
    if s.reader.started and s.reader.end is None:
        out.append("R")
    if s.consumer.started and s.consumer.pos in (ConsumerPos.READY, ConsumerPos.PARKED):
        out.append("C")
    for i, p in enumerate(s.producers):
        if (p.sent and p.pos is ProducerPos.READY) or p.pos is ProducerPos.PARKED:
            out.append(f"P{i + 1}")
    return tuple(out)


def finished(s: ProtocolState) -> bool:
    """True when every task has ended (nothing runnable and nobody waiting)."""
    return (
        s.wire_done
        and s.reader.end is not None
        and s.consumer.pos
        in (ConsumerPos.END_OF_STREAM, ConsumerPos.STOPPED, ConsumerPos.CANCELLED)
        and all(
            p.pos in (ProducerPos.DONE, ProducerPos.CLOSED, ProducerPos.CANCELLED)
            for p in s.producers
        )
    )


def pending_notification(s: ProtocolState) -> bool:
    """True when the reader will answer a ping without another `notify_one`."""
    return s.permit or s.reader.ping is Wait.DONE


def step(s: ProtocolState, role: str) -> ProtocolState:
    """Run one step of `role`; a role not in `runnable(s)` leaves `s` unchanged.

    post: runnable(s) != () or __return__ == s
    post: len(__return__.consumer.delivered) >= len(s.consumer.delivered)
    """
    if role not in runnable(s):
        return s
    if role == "W":
        return _wire_step(s)
    if role == "R":
        return _reader_step(s)
    if role == "C":
        return _consumer_step(s)
    if is_fault_step(role):
        fault = CANCEL if role.startswith(CANCEL) else role
        s = replace(s, faults=tuple(f for f in s.faults if f != fault))
        return _fault_step(s, role) if fault != CANCEL else _cancel(s, role[len(CANCEL) :])
    return _producer_step(s, int(role[1:]) - 1)


# --- the wire -------------------------------------------------------------------------


def _wire_step(s: ProtocolState) -> ProtocolState:
    if s.wire_todo:
        s = replace(s, wire_todo=s.wire_todo[1:], wire_buffer=s.wire_buffer + s.wire_todo[:1])
    else:
        s = replace(s, wire_eof=True, wire_done=True)
    return _wire_wake(s)


def _wire_wake(s: ProtocolState) -> ProtocolState:
    """A waiting wire read completes at once when the socket buffer has something."""
    r = s.reader
    if r.wire is not Wait.WAITING:
        return s
    if s.wire_buffer:
        entry: InboxEntry = s.wire_buffer[0]
        s = replace(s, wire_buffer=s.wire_buffer[1:])
    elif s.wire_eof:
        entry = EOF
    else:
        return s
    return replace(s, reader=replace(r, wire=Wait.DONE, inbox=r.inbox + (entry,)))


# --- the notify -----------------------------------------------------------------------


def _with_notify(s: ProtocolState, notify: NotifyState) -> ProtocolState:
    return replace(s, subject=replace(s.subject, notify=notify))


def _notify_one(s: ProtocolState) -> ProtocolState:
    notify = notify_one(s.subject.notify)
    if READER_WAIT in notify.picked:
        # The reader's select! polls its notification branch at once: the wait completes.
        notify, _ = poll_notified(notify, READER_WAIT)
        r = s.reader
        s = replace(s, reader=replace(r, ping=Wait.DONE, inbox=r.inbox + (PING,)))
    return _with_notify(s, notify)


# --- the reader -----------------------------------------------------------------------


def _reader_step(s: ProtocolState) -> ProtocolState:
    r = s.reader
    entries, s = r.inbox, replace(s, reader=replace(r, inbox=(), started=True))
    for index, entry in enumerate(entries):
        if entry == PING:
            s = replace(s, reader=replace(s.reader, ping=Wait.IDLE))
            s = _answer_ping(s)
        elif entry == EOF:
            s = replace(s, reader=replace(s.reader, wire=Wait.IDLE, eof=True))
        else:
            assert isinstance(entry, int)
            s = replace(s, reader=replace(s.reader, wire=Wait.IDLE))
            s = _enqueue(s, entry)
        if s.reader.end is None and s.reader.eof and not s.subject.queue.has_pending:
            s = _end_reader(s, ReaderEnd.EOF)
        if s.reader.end is not None:
            # The wire items still in its inbox were read and never handled.
            rest = tuple(e for e in entries[index + 1 :] if isinstance(e, int))
            return replace(s, reader=replace(s.reader, unhandled=rest))
    # Re-arm: the notification first, then the wire read (the implementation's order).
    if s.reader.ping is Wait.IDLE:
        notify, answer = notified(s.subject.notify, READER_WAIT)
        s = _with_notify(s, notify)
        if answer == OK:
            s = replace(s, reader=replace(s.reader, ping=Wait.DONE, inbox=s.reader.inbox + (PING,)))
        else:
            s = replace(s, reader=replace(s.reader, ping=Wait.WAITING))
    if s.reader.wire is Wait.IDLE and not s.reader.eof:
        s = replace(s, reader=replace(s.reader, wire=Wait.WAITING))
        s = _wire_wake(s)
    return s


def _answer_ping(s: ProtocolState) -> ProtocolState:
    before = s.subject
    t = drain_all(before) if s.variant.drain_all else try_drain_one(before)
    s = replace(s, subject=t.state)
    if t.answer == CLOSED:
        s = replace(s, reader=replace(s.reader, lost=s.reader.lost + t.discarded))
        return _end_reader(s, ReaderEnd.SHUTDOWN)
    if len(t.state.channel.buffer) > len(before.channel.buffer):
        s = _woke_consumer(s)
    return s


def _enqueue(s: ProtocolState, item: int) -> ProtocolState:
    before = s.subject
    if s.variant is Variant.SEED:
        t = enqueue_or_send(before, item)
    else:
        t = enqueue_or_send_drain_first(before, item)
    # A variant may move backlog items into the channel even when it then refuses the item.
    s = replace(s, subject=t.state)
    if len(t.state.channel.buffer) > len(before.channel.buffer):
        s = _woke_consumer(s)
    r = s.reader
    if t.answer == OK:
        return replace(s, reader=replace(r, accepted=r.accepted + (item,)))
    s = replace(s, reader=replace(r, refused=r.refused + (item,)))
    if t.answer == QUEUE_FULL:
        free = t.state.channel.free_slots
        s = replace(s, reader=replace(s.reader, free_slots_at_end=free))
        return _end_reader(s, ReaderEnd.DISCONNECT)
    return _end_reader(s, ReaderEnd.SHUTDOWN)


def _end_reader(s: ProtocolState, end: ReaderEnd) -> ProtocolState:
    if s.reader.ping is Wait.WAITING:
        s = _with_notify(s, cancel_notified(s.subject.notify, READER_WAIT))
    r = replace(
        s.reader, end=end, inbox=(), ping=Wait.IDLE, wire=Wait.IDLE, left=s.subject.queue.backlog
    )
    return _drop_sender(replace(s, reader=r))


# --- the channel's wake-ups -----------------------------------------------------------


def _woke_consumer(s: ProtocolState) -> ProtocolState:
    if s.consumer.pos is ConsumerPos.PARKED:
        return replace(s, consumer=replace(s.consumer, pos=ConsumerPos.READY))
    return s


def _drop_sender(s: ProtocolState) -> ProtocolState:
    s = replace(s, senders=s.senders - 1)
    return _woke_consumer(s) if s.senders == 0 else s


# --- the consumer ---------------------------------------------------------------------


def _consumer_step(s: ProtocolState) -> ProtocolState:
    c = replace(s.consumer, started=True, processing=False)
    s = replace(s, consumer=c)
    if c.stop_after is not None and len(c.delivered) >= c.stop_after:
        return _stop_consumer(s)
    if not s.subject.channel.buffer and s.senders == 0:
        return replace(s, consumer=replace(c, pos=ConsumerPos.END_OF_STREAM))
    # The consumer's receive is not a task the protocol names: any id serves.
    ch, answer = channel_recv(s.subject.channel, READER_WAIT)
    if not isinstance(answer, Ok):
        return replace(s, consumer=replace(c, pos=ConsumerPos.PARKED))
    if answer.value is None:
        return replace(s, consumer=replace(c, pos=ConsumerPos.END_OF_STREAM))
    assert isinstance(answer.value, int)
    s = replace(
        s,
        subject=replace(s.subject, channel=ch),
        consumer=replace(c, delivered=c.delivered + (answer.value,), processing=True),
    )
    return _notify_one(s)


def _stop_consumer(s: ProtocolState) -> ProtocolState:
    # Parked producers stay parked: their sends fail at their next step.
    ch, lost = channel_drop_receiver(s.subject.channel)
    c = replace(s.consumer, pos=ConsumerPos.STOPPED, discarded=lost, processing=False)
    return replace(s, subject=replace(s.subject, channel=ch), consumer=c)


# --- the fault steps ------------------------------------------------------------------


def _fault_step(s: ProtocolState, fault: str) -> ProtocolState:
    c = s.consumer
    if fault == RAISE:
        # Its ping went out before processing began: only the item's processing is lost.
        s = replace(s, consumer=replace(c, failed=c.failed + c.delivered[-1:]))
        return _consumer_step(s)
    if fault == STOP:
        return _stop_consumer(replace(s, consumer=replace(c, started=True)))
    assert fault == CLOSE
    # Parked producers stay parked: their sends fail at their next step.
    ch = channel_close(s.subject.channel)
    return _consumer_step(replace(s, subject=replace(s.subject, channel=ch)))


# --- cancellation ---------------------------------------------------------------------


def _cancel(s: ProtocolState, role: str) -> ProtocolState:
    """Cancel `role`'s task at the await it stands at (one of `_cancellable(s)`)."""
    if role == "R":
        r = s.reader
        unhandled = tuple(e for e in r.inbox if isinstance(e, int))
        s = replace(s, reader=replace(r, inbox=(), unhandled=unhandled))
        return _end_reader(s, ReaderEnd.CANCELLED)
    if role == "C":
        s = _stop_consumer(s)
        return replace(s, consumer=replace(s.consumer, pos=ConsumerPos.CANCELLED))
    i = int(role[1:]) - 1
    task = producer_task(i)
    if s.producers[i].pos is ProducerPos.PARKED:
        held = any(x.task == task for x in s.subject.channel.reserved)
        ch = channel_cancel_send(s.subject.channel, task)
        s = replace(s, subject=replace(s.subject, channel=ch))
        if held and ch.is_closed and not ch.buffer and not ch.reserved:
            # The slot it gave back leaves a closed channel idle: a draining recv() ends.
            s = _woke_consumer(s)
    p = s.producers[i]
    p = replace(p, pos=ProducerPos.CANCELLED, refused=p.refused + p.todo, todo=())
    return _drop_sender(replace(s, producers=_set(s.producers, i, p)))


# --- the other producers --------------------------------------------------------------


def _producer_step(s: ProtocolState, i: int) -> ProtocolState:
    p = s.producers[i]
    task = producer_task(i)
    if p.pos is ProducerPos.PARKED:
        # Woken: its slot was reserved (the item goes in now) or the receiver closed or went.
        held = any(x.task == task for x in s.subject.channel.reserved)
        ch, answer = channel_poll_send(s.subject.channel, task)
    elif not p.todo:
        s = replace(s, producers=_set(s.producers, i, replace(p, pos=ProducerPos.DONE)))
        return _drop_sender(s)
    else:
        held = False
        ch, answer = channel_send(s.subject.channel, task, p.todo[0])
    s = replace(s, subject=replace(s.subject, channel=ch))
    if answer == CLOSED:
        if held and not ch.buffer and not ch.reserved:
            # The slot it gave back leaves a closed channel idle: a draining recv() ends.
            s = _woke_consumer(s)
        return _close_producer(s, i)
    if answer != OK:
        return replace(s, producers=_set(s.producers, i, replace(p, pos=ProducerPos.PARKED)))
    p = replace(p, pos=ProducerPos.READY, sent=p.sent + p.todo[:1], todo=p.todo[1:])
    return _woke_consumer(replace(s, producers=_set(s.producers, i, p)))


def _close_producer(s: ProtocolState, i: int) -> ProtocolState:
    p = s.producers[i]
    p = replace(p, pos=ProducerPos.CLOSED, refused=p.refused + p.todo, todo=())
    return _drop_sender(replace(s, producers=_set(s.producers, i, p)))


def _set(
    producers: tuple[ProducerState, ...], i: int, p: ProducerState
) -> tuple[ProducerState, ...]:
    return producers[:i] + (p,) + producers[i + 1 :]


__all__ = [
    "CANCEL",
    "CLOSE",
    "EOF",
    "FAULTS",
    "PING",
    "RAISE",
    "READER_WAIT",
    "STOP",
    "ConsumerPos",
    "ConsumerState",
    "InboxEntry",
    "ProducerPos",
    "ProducerState",
    "ProtocolState",
    "ReaderEnd",
    "ReaderState",
    "Variant",
    "Wait",
    "cancel_step",
    "finished",
    "is_fault_step",
    "pending_notification",
    "producer_task",
    "roles",
    "runnable",
    "start",
    "step",
]
