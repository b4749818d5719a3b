"""A bounded multi-producer, single-consumer channel on asyncio, with tokio 1.24.2's rules.

`channel(capacity)` returns a `(Sender, Receiver)` pair sharing one buffer of
`capacity` slots. Senders are cloned with `Sender.clone()` (or downgraded to a
`WeakSender`); each clone, and the receiver, is ended with an explicit `drop()`
because Python has no deterministic destructor to do it.

The rules, as tokio 1.24.2 has them, the surprising ones first:

- a slot freed while sends wait is reserved for the longest-waiting send, not
  filled: `capacity()` does not count it and `try_recv` finds no item in it;
  the item goes in when that send runs again. A waiting send cancelled at any
  moment sends nothing (its reserved slot passes to the next in line);
- `recv()` after `close()` returns None once the buffer is empty, except while
  a slot is still reserved for a waiting send or held by a Permit: it waits;
- `close()` fails every waiting send, also one a slot was reserved for;
- a send on a closed channel fails with ChannelClosed even when it is also
  full; the item is handed back in the error;
- `Receiver.close()` stops new sends but keeps buffered items receivable and
  leaves `Sender.capacity()` unchanged;
- `Receiver.drop()` stops new sends and discards the buffer (returning the
  discarded items), after which `capacity()` counts those slots free again;
- `try_recv` on an empty channel raises ChannelEmpty while any sender lives,
  even after close; `recv()` returns None once every sender dropped and the
  buffer is empty.
"""

from __future__ import annotations

from typing import TypeVar

from tidegate.impl.chan import Chan, ReceiverStatus
from tidegate.impl.errors import require_int
from tidegate.impl.permit import OwnedPermit, Permit
from tidegate.impl.receiver import Receiver
from tidegate.impl.sender import Sender, WeakSender

T = TypeVar("T")


def channel(capacity: int) -> tuple[Sender[T], Receiver[T]]:
    """A new channel of `capacity` slots: one Sender (clone it for more) and its Receiver.

    Raises ParameterTypeError if `capacity` is not an int (bools refused) and
    ParameterError if it is below 1.
    """
    chan: Chan[T] = Chan(require_int("capacity", capacity, 1))
    return Sender(chan), Receiver(chan)


__all__ = [
    "OwnedPermit",
    "Permit",
    "Receiver",
    "ReceiverStatus",
    "Sender",
    "WeakSender",
    "channel",
]
