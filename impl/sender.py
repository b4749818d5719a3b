"""The sending half: `Sender` (cloned for more producers) and `WeakSender`.

Every way to send goes through one slot (a permit of the channel): taken at
once when one is free (`try_send`, `try_reserve`), or waited for in line
(`send`, `reserve`, `send_timeout`). Waiting sends are served first come, first
served, and a slot freed while they wait is reserved for the first of them,
not filled: its item goes in when that send runs again. A waiting send that is
cancelled never delivers its item, whenever it is cancelled; a send on a
closed channel fails with the item handed back in the error.
"""

from __future__ import annotations

import asyncio
from typing import Generic, TypeVar

from tidegate.impl.chan import Chan, dead_chan
from tidegate.impl.errors import (
    ChannelClosed,
    ChannelFull,
    HandleDroppedError,
    SendTimeout,
    TrySendError,
)
from tidegate.impl.permit import OwnedPermit, Permit

T = TypeVar("T")

# A dropped handle points here: always closed, so the fast path needs no extra check.
_DEAD: Chan[object] = dead_chan()


class Sender(Generic[T]):
    """One producer's handle. Every method but `drop` raises HandleDroppedError after `drop()`."""

    __slots__ = ("_chan",)

    def __init__(self, chan: Chan[T]) -> None:
        self._chan = chan

    def try_send(self, item: T) -> None:
        """Buffer `item` now, or raise without waiting.

        Raises ChannelClosed(item) if the receiver closed or dropped (even when
        the channel is also full), else ChannelFull(item) if no slot is free (a
        slot reserved for a waiting send is not). On success a waiting `recv()`
        is woken.
        """
        chan = self._chan
        if chan.closed:
            raise self._closed_error(item)
        buffer = chan.buffer
        if len(buffer) >= chan.room:
            raise ChannelFull(item)
        buffer.append(item)
        if chan.recv_waiters:
            chan.wake_receiver()

    async def send(self, item: T) -> None:
        """Buffer `item`, waiting in line for a slot while none is free.

        Raises ChannelClosed(item) if the receiver is, or becomes while waiting,
        closed or dropped (also when a slot had been reserved for this send and
        it had not run since). Cancelled while waiting, it sends nothing; a slot
        reserved for it goes to the next waiting send, or is freed.
        """
        chan = self._chan
        if chan.closed:
            raise self._closed_error(item)
        buffer = chan.buffer
        if len(buffer) < chan.room:
            buffer.append(item)
            if chan.recv_waiters:
                chan.wake_receiver()
            return
        if not await chan.acquire():
            raise ChannelClosed(item)
        chan.push(item)

    async def send_timeout(self, item: T, timeout: float) -> None:
        """`send(item)`, giving up after `timeout` seconds of waiting for a slot.

        Raises SendTimeout(item) when no slot came in time (nothing was sent),
        ChannelClosed(item) as `send` does. Must run inside an asyncio task.
        """
        chan = self._live()
        try:
            async with asyncio.timeout(timeout):
                held = await chan.acquire()
        except TimeoutError:
            raise SendTimeout(item) from None
        if not held:
            raise ChannelClosed(item)
        chan.push(item)

    async def reserve(self) -> Permit[T]:
        """Wait in line for a slot and reserve it: the Permit sends one item into it.

        Raises ChannelClosed(None) if the receiver is, or becomes, closed or dropped.
        Cancelled while waiting, it holds nothing.
        """
        chan = self._live()
        if not await chan.acquire():
            raise ChannelClosed(None)
        return Permit(chan)

    def try_reserve(self) -> Permit[T]:
        """Reserve a free slot now. Raises ChannelClosed(None) if the receiver closed or
        dropped, else ChannelFull(None) if no slot is free."""
        return Permit(self._take_permit())

    async def reserve_owned(self) -> OwnedPermit[T]:
        """`reserve()`, the permit holding this sender, which the call takes over at once
        (as tokio's moves it): use the one `OwnedPermit.send` / `release` gives back.
        If the receiver closes or the call is cancelled, that sender is dropped."""
        self._live()
        owner = self._hand_over()
        chan = owner._chan
        try:
            held = await chan.acquire()
        except BaseException:
            owner.drop()
            raise
        if not held:
            owner.drop()
            raise ChannelClosed(None)
        return OwnedPermit(owner, chan)

    def try_reserve_owned(self) -> OwnedPermit[T]:
        """`try_reserve()`, the permit holding this sender. On failure the error's `item`
        is this sender, still live, as tokio hands it back."""
        try:
            chan = self._take_permit()
        except TrySendError as exc:
            raise type(exc)(self) from None
        return OwnedPermit(self._hand_over(), chan)

    async def closed(self) -> None:
        """Return once the receiver has closed or dropped (at once if it already has)."""
        chan = self._live()
        notified = chan.closed_notify.notified()
        if chan.closed:
            notified.close()
            return
        await notified

    def capacity(self) -> int:
        """Free slots right now: not buffered, not reserved for a waiting send, not held
        by a Permit (the whole capacity again after a drop, less the reserved ones)."""
        return self._live().free

    def max_capacity(self) -> int:
        """The number of slots the channel was made with."""
        return self._live().capacity

    def is_closed(self) -> bool:
        """True once the receiver closed or dropped: every send then fails with ChannelClosed."""
        return self._live().closed

    def same_channel(self, other: Sender[T]) -> bool:
        """True when both senders send into the same channel."""
        return self._live() is other._live()

    def clone(self) -> Sender[T]:
        """A new, independent sender on the same channel (counts as one more live sender)."""
        chan = self._live()
        chan.senders += 1
        return Sender(chan)

    def downgrade(self) -> WeakSender[T]:
        """A WeakSender for this channel: it does not keep the channel open."""
        return WeakSender(self._live())

    def drop(self) -> None:
        """End this handle. When the last sender goes, a waiting `recv()` returns None once
        the buffer is empty and `try_recv` raises ChannelDisconnected. Idempotent."""
        chan = self._chan
        if chan is _DEAD:
            return
        self._chan = _DEAD  # type: ignore[assignment]
        chan.drop_sender()

    def _live(self) -> Chan[T]:
        if self._chan is _DEAD:
            raise HandleDroppedError("this Sender was dropped; clone a live one before dropping")
        return self._chan

    def _closed_error(self, item: T) -> ChannelClosed[T]:
        self._live()
        return ChannelClosed(item)

    def _take_permit(self) -> Chan[T]:
        chan = self._live()
        if chan.closed:
            raise ChannelClosed(None)
        if not chan.free:
            raise ChannelFull(None)
        chan.room -= 1
        return chan

    def _hand_over(self) -> Sender[T]:
        """A sender holding this one's place, this one dropped without a count change."""
        moved: Sender[T] = Sender(self._chan)
        self._chan = _DEAD  # type: ignore[assignment]
        return moved


class WeakSender(Generic[T]):
    """A handle that does not keep the channel open: upgrade it to send."""

    __slots__ = ("_chan",)

    def __init__(self, chan: Chan[T]) -> None:
        self._chan = chan

    def upgrade(self) -> Sender[T] | None:
        """A new live Sender, or None once every Sender of the channel was dropped
        (a channel whose senders all went stays without senders)."""
        chan = self._chan
        if chan.senders == 0:
            return None
        chan.senders += 1
        return Sender(chan)

    def clone(self) -> WeakSender[T]:
        """Another weak handle on the same channel."""
        return WeakSender(self._chan)
