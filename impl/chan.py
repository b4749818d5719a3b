"""The state every handle of one channel shares, and its slot accounting.

A slot of the channel is free, holds a buffered item, or is *taken*: held by
a send that has not put its item in yet (one a freed slot was reserved for, or
an outstanding `Permit`). `room` counts the slots not taken, so the free slots,
what `Sender.capacity()` reports, are `room - len(buffer)` (tokio counts them as
its semaphore's permits). A slot freed while sends wait in line is not
made free: it is reserved for the longest-waiting one (`_Waiter.assigned`),
whose item enters the buffer only when that send runs again. If the send is
cancelled first, or the channel closed meanwhile, the reserved slot is released
again and nothing is sent.

The send and receive fast paths only append and pop: a send with a free slot
puts its item straight in the buffer, and a receive with nobody waiting in line
frees the slot by taking the item.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
from collections import deque
from typing import Generic, TypeVar

from tidegate.impl.notify import Notify

T = TypeVar("T")


class ReceiverStatus(enum.Enum):
    """Where the receiver stands."""

    OPEN = "open"
    CLOSED = "closed"
    DROPPED = "dropped"


class _Waiter:
    """One send (or `reserve()`) waiting in line for a slot."""

    __slots__ = ("assigned", "fut")

    def __init__(self, fut: asyncio.Future[None]) -> None:
        self.fut = fut
        # Set when a released slot was reserved for this waiter (its future is then done).
        self.assigned = False


class Chan(Generic[T]):
    """The shared state: buffer, slots not taken, the line of waiting sends, the
    receiver's standing, the live senders, and who waits to receive."""

    __slots__ = (
        "buffer",
        "capacity",
        "closed",
        "closed_notify",
        "recv_waiters",
        "room",
        "send_waiters",
        "senders",
        "status",
    )

    def __init__(self, capacity: int) -> None:
        self.buffer: deque[T] = deque()
        self.capacity = capacity
        # capacity minus the taken slots: the fast paths compare len(buffer) with it alone.
        self.room = capacity
        # `closed` duplicates `status is not OPEN` so the send fast path reads one attribute.
        self.closed = False
        self.status = ReceiverStatus.OPEN
        self.senders = 1
        # Every pending recv() is woken to look again, not only the latest: hand-polled
        # receives may be several at once, and each must see what a poll would see.
        self.recv_waiters: list[asyncio.Future[None]] = []
        self.send_waiters: deque[_Waiter] = deque()
        self.closed_notify = Notify()

    @property
    def free(self) -> int:
        """Slots free now: not buffered, not reserved for a waiting send, not held by a Permit."""
        return self.room - len(self.buffer)

    @property
    def idle(self) -> bool:
        """True when every slot is free: nothing buffered, reserved or held by a Permit."""
        return not self.buffer and self.room == self.capacity

    def push(self, item: T) -> None:
        """Put `item` in the buffer, in the slot the caller holds, and wake the receiver."""
        self.buffer.append(item)
        self.room += 1
        if self.recv_waiters:
            self.wake_receiver()

    def wake_receiver(self) -> None:
        """Let every pending `recv()` look at the channel again."""
        waiters, self.recv_waiters = self.recv_waiters, []
        for waiter in waiters:
            if not waiter.done():
                waiter.set_result(None)

    def item_taken(self) -> None:
        """A buffered item was received: its slot goes to the longest-waiting send, if any.

        (Another `recv()` pending now was woken by that item's arrival: no idle
        wake-up is owed here.)
        """
        if self.send_waiters:
            self.room -= 1
            self.release()

    def release(self) -> None:
        """Give back a taken slot: reserve it for the longest-waiting send, or free it.

        A waiter whose future is already done was cancelled and is leaving: it is
        skipped. Once the channel is closed nobody waits in line, so the slot is
        free; if that leaves the channel idle, a pending `recv()` may now end.
        """
        waiters = self.send_waiters
        while waiters:
            waiter = waiters.popleft()
            if not waiter.fut.done():
                waiter.assigned = True
                waiter.fut.set_result(None)
                return
        self.room += 1
        if self.closed and self.recv_waiters and self.idle:
            self.wake_receiver()

    async def acquire(self) -> bool:
        """Take one slot for the caller, waiting in line when none is free.

        Returns True holding a slot (taken out of `room`), or False if the receiver
        closed or dropped (before or while waiting: no slot is then held, and a
        reserved one was released). If the caller is cancelled while waiting
        (CancelledError, or GeneratorExit from `close()`), it holds nothing: a slot
        reserved for it in the meantime is released to the next in line.
        """
        if self.closed:
            return False
        if len(self.buffer) < self.room:
            self.room -= 1
            return True
        waiter = _Waiter(asyncio.get_running_loop().create_future())
        self.send_waiters.append(waiter)
        try:
            await waiter.fut
        except BaseException:
            self.abandon(waiter)
            raise
        if self.closed:
            # Closure wins, also over a slot reserved before it (tokio polls the
            # closed flag first): the slot goes back, nothing is sent.
            if waiter.assigned:
                self.release()
            return False
        return True

    def abandon(self, waiter: _Waiter) -> None:
        """A waiting send is gone unfinished: release what it holds, or leave the line."""
        if waiter.assigned:
            waiter.assigned = False
            self.release()
        else:
            with contextlib.suppress(ValueError):  # close() or release() removed it already
                self.send_waiters.remove(waiter)

    def close(self) -> None:
        """Stop new sends: every waiting send wakes and fails; `Sender.closed()` returns.

        Buffered items stay; reserved slots stay taken until their sends run.
        A no-op unless the receiver is open.
        """
        if self.status is not ReceiverStatus.OPEN:
            return
        self.status = ReceiverStatus.CLOSED
        self.closed = True
        waiters = self.send_waiters
        while waiters:
            waiter = waiters.popleft()
            if not waiter.fut.done():
                waiter.fut.set_result(None)
        self.closed_notify.notify_waiters()
        if self.recv_waiters:
            self.wake_receiver()

    def drop_receiver(self) -> list[T]:
        """Close, then discard the buffer (its slots are free again); return the discarded
        items, oldest first. Pending receives wake and find the receiver gone."""
        self.close()
        self.status = ReceiverStatus.DROPPED
        lost = list(self.buffer)
        self.buffer.clear()
        if self.recv_waiters:
            self.wake_receiver()
        return lost

    def drop_sender(self) -> None:
        """One live sender fewer; with none left, a pending `recv()` ends once drained."""
        self.senders -= 1
        if self.senders == 0 and self.recv_waiters:
            self.wake_receiver()


def dead_chan() -> Chan[object]:
    """The channel a dropped handle points to: closed, no free slot, no sender."""
    chan: Chan[object] = Chan(1)
    chan.closed = True
    chan.room = 0
    chan.senders = 0
    return chan
