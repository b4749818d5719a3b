"""The channel's waiting operations (v2): `send().await` and `recv().await`, polled by hand.

A task is started and polled once; if it is pending it keeps an id and later
operations poll it again or cancel it (drop its future unfinished). The ids are
handed out by `tidegate.model.tasks`; here they are given. The rules, as tokio
1.24.2 has them, the surprising ones first:

1. A freed slot is reserved for the longest-waiting parked send, not filled
   (`tidegate.model.channel.released`): its item enters the buffer only when
   that send is polled again, behind the items buffered by then.
2. `close` (or `drop_receiver`) fails every parked send at its next poll, also
   one holding a reserved slot: that slot is then freed, for no one.
3. `recv` on a closed, empty channel answers None, except while a slot is
   reserved for a parked send: then it is pending, until that send is polled
   (Closed) or cancelled.
4. Cancelling a send never sends its item. Cancelling one that holds a
   reserved slot hands the slot to the longest-waiting send, or frees it.
5. Parked sends get slots in the order they parked, whatever order they are
   polled in.
6. A pending receive holds nothing: cancelling it loses no item.
"""

from __future__ import annotations

from tidegate.model.answers import CLOSED, OK, Answer, Ok, Pending
from tidegate.model.channel import ChannelState, ParkedSend, ReceiverState, released


def channel_send(ch: ChannelState, task: int, item: int) -> tuple[ChannelState, Answer]:
    """Start `send(item).await` and poll it once; `task` is its id should it park.

    - receiver closed or dropped: Closed, nothing changes (full or not);
    - a free slot (on an open channel a free slot means that no send waits):
      the item joins the back of the buffer; ok;
    - otherwise the send parks at the back of the waiting line; pending `task`.

    pre: task >= 1 and all(p.task != task for p in ch.parked)
    post: __return__[1] in (OK, CLOSED, Pending(task))
    post: (__return__[1] == CLOSED) == ch.is_closed
    post: (__return__[1] == OK) == (not ch.is_closed and ch.free_slots > 0)
    post: __return__[1] != OK or __return__[0] == ChannelState(ch.capacity, ch.buffer + (item,), ch.receiver, ch.waiting, ch.reserved)
    post: __return__[1] != Pending(task) or __return__[0] == ChannelState(ch.capacity, ch.buffer, ch.receiver, ch.waiting + (ParkedSend(task, item),), ch.reserved)
    post: __return__[1] != CLOSED or __return__[0] == ch
    """
    if ch.is_closed:
        return ch, CLOSED
    if ch.free_slots > 0:
        return ChannelState(
            ch.capacity, ch.buffer + (item,), ch.receiver, ch.waiting, ch.reserved
        ), OK
    parked = ch.waiting + (ParkedSend(task, item),)
    return ChannelState(ch.capacity, ch.buffer, ch.receiver, parked, ch.reserved), Pending(task)


def channel_poll_send(ch: ChannelState, task: int) -> tuple[ChannelState, Answer]:
    """Poll parked send `task` again.

    - it holds a reserved slot, receiver open: its item joins the back of the
      buffer (the slot is now filled); ok, and the task is done;
    - it holds a reserved slot, receiver closed or dropped: the slot is freed
      (for no one); Closed, and the task is done;
    - it waits for a slot, receiver closed or dropped: it leaves; Closed;
    - it waits for a slot, receiver open: pending `task`, nothing changes.

    pre: any(p.task == task for p in ch.parked)
    post: __return__[1] in (OK, CLOSED, Pending(task))
    post: (__return__[1] == CLOSED) == ch.is_closed
    post: (__return__[1] == Pending(task)) == (not ch.is_closed and any(p.task == task for p in ch.waiting))
    post: __return__[1] == Pending(task) or all(p.task != task for p in __return__[0].parked)
    post: __return__[1] != Pending(task) or __return__[0] == ch
    post: __return__[1] != OK or __return__[0].buffer == ch.buffer + tuple(p.item for p in ch.reserved if p.task == task)
    post: __return__[1] != CLOSED or __return__[0].buffer == ch.buffer
    post: __return__[0].free_slots == ch.free_slots + (1 if __return__[1] == CLOSED and any(p.task == task for p in ch.reserved) else 0)
    """
    for i, p in enumerate(ch.reserved):
        if p.task == task:
            reserved = ch.reserved[:i] + ch.reserved[i + 1 :]
            if ch.is_closed:
                return ChannelState(
                    ch.capacity, ch.buffer, ch.receiver, ch.waiting, reserved
                ), CLOSED
            buffer = ch.buffer + (p.item,)
            return ChannelState(ch.capacity, buffer, ch.receiver, ch.waiting, reserved), OK
    if ch.is_closed:
        waiting = tuple(p for p in ch.waiting if p.task != task)
        return ChannelState(ch.capacity, ch.buffer, ch.receiver, waiting, ch.reserved), CLOSED
    return ch, Pending(task)


def channel_cancel_send(ch: ChannelState, task: int) -> ChannelState:
    """Drop parked send `task` unfinished: its item is never sent.

    - it waits for a slot: it leaves the waiting line; nothing else changes;
    - it holds a reserved slot: the slot is released (`released`): reserved for
      the longest-waiting send if the receiver is open and one waits, else free.

    pre: any(p.task == task for p in ch.parked)
    post: all(p.task != task for p in __return__.parked)
    post: __return__.buffer == ch.buffer and __return__.receiver == ch.receiver
    post: __return__.free_slots == ch.free_slots + (1 if any(p.task == task for p in ch.reserved) and not (ch.receiver == ReceiverState.OPEN and ch.waiting) else 0)
    """
    for i, p in enumerate(ch.reserved):
        if p.task == task:
            reserved = ch.reserved[:i] + ch.reserved[i + 1 :]
            return released(ch.capacity, ch.buffer, ch.receiver, ch.waiting, reserved)
    waiting = tuple(p for p in ch.waiting if p.task != task)
    return ChannelState(ch.capacity, ch.buffer, ch.receiver, waiting, ch.reserved)


def channel_recv(ch: ChannelState, task: int) -> tuple[ChannelState, Answer]:
    """Poll a `recv().await` (`Receiver::poll_recv`) once; `task` is its id if pending.

    - an item is buffered: ok with the oldest, and its slot is released
      (reserved for the longest-waiting send on an open channel, else free);
    - empty, receiver closed, no slot reserved: ok None (closed and drained);
    - empty, receiver closed, a slot reserved for a parked send: pending `task`
      (that send may still be polled; it answers Closed, and the slot is freed);
    - empty and open: pending `task`; nothing changes;
    - receiver dropped: ok None without waiting. tokio has no answer here (a
      receive cannot outlive its receiver); this is the reference adapter's
      convention, not tokio's.

    pre: task >= 1
    post: isinstance(__return__[1], Ok) or __return__[1] == Pending(task)
    post: (__return__[1] == Pending(task)) == (not ch.buffer and (ch.receiver == ReceiverState.OPEN or (ch.receiver == ReceiverState.CLOSED and len(ch.reserved) > 0)))
    post: __return__[1] != Ok(None) or not ch.buffer
    post: not ch.buffer or (__return__[1] == Ok(ch.buffer[0]) and __return__[0].buffer == ch.buffer[1:])
    post: not (__return__[1] == Pending(task) or __return__[1] == Ok(None)) or __return__[0] == ch
    """
    if ch.buffer:
        rest = released(ch.capacity, ch.buffer[1:], ch.receiver, ch.waiting, ch.reserved)
        return rest, Ok(ch.buffer[0])
    if ch.receiver is ReceiverState.DROPPED:
        return ch, Ok(None)
    if ch.receiver is ReceiverState.CLOSED and not ch.reserved:
        return ch, Ok(None)
    return ch, Pending(task)


__all__ = [
    "channel_cancel_send",
    "channel_poll_send",
    "channel_recv",
    "channel_send",
]
