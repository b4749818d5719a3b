"""Permits: one slot of a channel, reserved in advance, for exactly one item.

`Sender.reserve()` / `try_reserve()` return a `Permit`; `reserve_owned()` /
`try_reserve_owned()` an `OwnedPermit`, which holds the sender itself. A permit
is spent by `send(item)` or given back by `release()`; Python has no
deterministic destructor to give it back on drop, so a permit not sent must be
released (or used as a context manager, which releases it on exit unless sent).
While a permit is outstanding the slot is taken: `Sender.capacity()` does not
count it, and `recv()` on a closed channel waits for it rather than answering
None.
"""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING, Generic, TypeVar

from tidegate.impl.chan import Chan, ReceiverStatus
from tidegate.impl.errors import ChannelClosed, HandleDroppedError

if TYPE_CHECKING:
    from tidegate.impl.sender import Sender

T = TypeVar("T")


class Permit(Generic[T]):
    """One reserved slot. Spend it with `send`, or give it back with `release`."""

    __slots__ = ("_chan",)

    def __init__(self, chan: Chan[T]) -> None:
        self._chan: Chan[T] | None = chan

    def send(self, item: T) -> None:
        """Put `item` in the reserved slot: it is received after the items before it.

        Succeeds even after the receiver's `close()` (the item is still received),
        as tokio's does. After the receiver was dropped nobody can receive it:
        raises ChannelClosed(item), handing it back, and the slot is released
        (tokio would accept the value and drop it unseen). Raises
        HandleDroppedError when the permit was already sent or released.
        """
        chan = self._take()
        if chan.status is ReceiverStatus.DROPPED:
            chan.release()
            raise ChannelClosed(item)
        chan.push(item)

    def release(self) -> None:
        """Give the slot back unused (to the longest-waiting send, else free). Idempotent."""
        chan, self._chan = self._chan, None
        if chan is not None:
            chan.release()

    def __enter__(self) -> Permit[T]:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()

    def _take(self) -> Chan[T]:
        chan, self._chan = self._chan, None
        if chan is None:
            raise HandleDroppedError("this Permit was already sent or released")
        return chan


class OwnedPermit(Generic[T]):
    """A `Permit` that holds its `Sender` (which stays live until the permit is spent)."""

    __slots__ = ("_permit", "_sender")

    def __init__(self, sender: Sender[T], chan: Chan[T]) -> None:
        self._sender: Sender[T] | None = sender
        self._permit = Permit(chan)

    def send(self, item: T) -> Sender[T]:
        """Spend the permit on `item` (as `Permit.send`) and return the sender.

        Raises ChannelClosed(item) after the receiver was dropped (the sender is
        then dropped too) and HandleDroppedError when already spent.
        """
        sender = self._take()
        try:
            self._permit.send(item)
        except ChannelClosed:
            sender.drop()
            raise
        return sender

    def release(self) -> Sender[T]:
        """Give the slot back unused and return the sender. Raises HandleDroppedError
        when already spent."""
        sender = self._take()
        self._permit.release()
        return sender

    def drop(self) -> None:
        """Give the slot back and drop the sender (what dropping it does in tokio).
        Idempotent."""
        if self._sender is not None:
            self.release().drop()

    def _take(self) -> Sender[T]:
        sender, self._sender = self._sender, None
        if sender is None:
            raise HandleDroppedError("this OwnedPermit was already sent or released")
        return sender
